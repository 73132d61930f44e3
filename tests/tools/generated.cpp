// Headers written by tools/ctnn-data at build time (tests/tools/CMakeLists.txt):
// iris_split.hpp from data/iris.csv (double), digits_split.hpp from the digits
// written back to CSV (float). Every row is checked against the examples' data
// through its CSV line, the split is stratified, the standardisation is
// ctnn::standardiser's to the last bit, and a network trains on it.
#include "digits/digits_data.hpp"
#include "digits_split.hpp"
#include "iris/iris_data.hpp"
#include "iris_split.hpp"

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace {

// The raw rows of a part, found through their CSV lines in the examples' data
// (first_line: the CSV line of row 0).
template <class Out, class Source, std::size_t N>
constexpr auto raw_rows(const Source& features, const std::array<std::uint32_t, N>& lines, std::size_t first_line) {
    std::array<Out, N> rows{};
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < rows[n].size(); ++i)
            rows[n][i] = static_cast<typename Out::value_type>(features[lines[n] - first_line][i]);
    return rows;
}

template <class Labels, std::size_t N>
constexpr std::array<std::size_t, 16> class_counts(const std::array<Labels, N>& labels) {
    std::array<std::size_t, 16> counts{};
    for (const auto l : labels) ++counts[l];
    return counts;
}

} // namespace

TEST_CASE("ctnn-data on iris: every row, the split, the standardisation (at compile time)", "[tools]") {
    using row = std::array<double, 4>;
    constexpr auto train_raw = raw_rows<row>(iris_data::features, iris_split::train_lines, 2);
    constexpr auto test_raw = raw_rows<row>(iris_data::features, iris_split::test_lines, 2);
    STATIC_REQUIRE(iris_split::train_count == 120);
    STATIC_REQUIRE(iris_split::test_count == 30);
    STATIC_REQUIRE(iris_split::class_names[2] == "virginica");
    STATIC_REQUIRE(iris_split::feature_names[3] == "petal_width");
    // Labels as in the examples' header, stratified 40/10 per class.
    constexpr auto labels_match = [] {
        for (std::size_t n = 0; n < iris_split::train_count; ++n)
            if (iris_split::train_labels[n] != iris_data::labels[iris_split::train_lines[n] - 2]) return false;
        for (std::size_t n = 0; n < iris_split::test_count; ++n)
            if (iris_split::test_labels[n] != iris_data::labels[iris_split::test_lines[n] - 2]) return false;
        return true;
    }();
    STATIC_REQUIRE(labels_match);
    STATIC_REQUIRE(class_counts(iris_split::test_labels)[0] == 10);
    STATIC_REQUIRE(class_counts(iris_split::test_labels)[1] == 10);
    STATIC_REQUIRE(class_counts(iris_split::train_labels)[2] == 40);
    // The tool's standardisation is ctnn::standardiser's, bit for bit.
    constexpr auto fitted = ctnn::standardiser<double, 4>::fit(train_raw);
    STATIC_REQUIRE(fitted.mean == iris_split::standardise.mean);
    STATIC_REQUIRE(fitted.stddev == iris_split::standardise.stddev);
    STATIC_REQUIRE(fitted(train_raw) == iris_split::train_inputs);
    STATIC_REQUIRE(fitted(test_raw) == iris_split::test_inputs);
    STATIC_REQUIRE(iris_split::train_targets[0] == ctnn::one_hot<3>(iris_split::train_labels[0]));
}

TEST_CASE("ctnn-data on iris: a network trains on the header and classifies the test rows", "[tools]") {
    using net_t = ctnn::network<double, ctnn::dense<4, 16>, ctnn::relu, ctnn::dense<16, 3>>;
    auto net = ctnn::make_network<net_t>(1, ctnn::init::he_normal{});
    ctnn::adam_for<net_t> opt{.learning_rate = 0.01};
    const auto history = ctnn::fit<60, 16>(net, ctnn::softmax_cross_entropy{}, opt, iris_split::train_inputs,
                                           iris_split::train_targets);
    REQUIRE(history.status == ctnn::training_status::ok);
    CHECK(ctnn::accuracy(net, iris_split::test_inputs, iris_split::test_targets) >= 0.9);
}

TEST_CASE("ctnn-data on digits (float): every row and the standardisation", "[tools]") {
    using row = std::array<float, 64>;
    static const auto train_raw = raw_rows<row>(digits_data::features, digits_split::train_lines, 1);
    static const auto test_raw = raw_rows<row>(digits_data::features, digits_split::test_lines, 1);
    STATIC_REQUIRE(digits_split::sample_count == 1797);
    STATIC_REQUIRE(digits_split::train_count + digits_split::test_count == 1797);
    STATIC_REQUIRE(std::is_same_v<digits_split::scalar, float>);
    for (std::size_t n = 0; n < digits_split::train_count; ++n)
        REQUIRE(digits_split::train_labels[n] == digits_data::labels[digits_split::train_lines[n] - 1]);
    for (std::size_t n = 0; n < digits_split::test_count; ++n)
        REQUIRE(digits_split::test_labels[n] == digits_data::labels[digits_split::test_lines[n] - 1]);
    // Stratified: each digit's test share within one row of 20 %.
    std::array<std::size_t, 10> all{}, test{};
    for (const auto l : digits_data::labels) ++all[l];
    for (const auto l : digits_split::test_labels) ++test[l];
    for (std::size_t c = 0; c < 10; ++c) CHECK(test[c] * 5 <= all[c] + 5);
    for (std::size_t c = 0; c < 10; ++c) CHECK(test[c] * 5 + 5 >= all[c]);
    // Float arithmetic in Python matches ctnn's float standardiser (pixel columns that are always 0: centred only).
    static const auto fitted = ctnn::standardiser<float, 64>::fit(train_raw);
    CHECK(fitted.mean == digits_split::standardise.mean);
    CHECK(fitted.stddev == digits_split::standardise.stddev);
    CHECK(fitted(train_raw) == digits_split::train_inputs);
    CHECK(fitted(test_raw) == digits_split::test_inputs);
}
