// The CSV number parser against the C library's strtod/strtof over many
// random decimal strings, and data held in std::vector read and trained on.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/csv.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

// Random decimal strings: printed doubles and floats of every exponent at
// every precision, long mantissas, extreme exponents.
std::string random_decimal(std::mt19937_64& g, int kind) {
    char buf[96];
    switch (kind) {
    case 0: {
        double x;
        const std::uint64_t b = g();
        std::memcpy(&x, &b, sizeof x);
        if (!std::isfinite(x)) x = 1.0;
        std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(g() % 20 + 1), x);
        break;
    }
    case 1:
        std::snprintf(buf, sizeof buf, "%llu.%llue%d", static_cast<unsigned long long>(g() % 100000000000ULL),
                      static_cast<unsigned long long>(g() % 1000000000000ULL), static_cast<int>(g() % 700) - 350);
        break;
    case 2:
        std::snprintf(buf, sizeof buf, "%llue%d", static_cast<unsigned long long>(g()), static_cast<int>(g() % 80) - 40);
        break;
    default: {
        float f;
        const auto b = static_cast<std::uint32_t>(g());
        std::memcpy(&f, &b, sizeof f);
        if (!std::isfinite(f)) f = 1.0f;
        std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(g() % 12 + 1), static_cast<double>(f));
    }
    }
    return buf;
}

bool nonzero_digits(const std::string& s) {
    for (char c : s) {
        if (c == 'e' || c == 'E') break;
        if (c >= '1' && c <= '9') return true;
    }
    return false;
}

} // namespace

TEST_CASE("csv numbers equal strtod and strtof, bit for bit", "[runtime][csv]") {
    using ns = ctnn::detail::csv::number_status;
    std::mt19937_64 g(20240611);
    int compared = 0;
    for (int i = 0; i < 200000; ++i) {
        const std::string s = random_decimal(g, i % 4);
        const auto d = ctnn::detail::csv::parse_number<double>(s);
        const double ref = std::strtod(s.c_str(), nullptr);
        const bool ref_in_range = std::isfinite(ref) && !(ref == 0 && nonzero_digits(s));
        if (ref_in_range) {
            INFO(s);
            REQUIRE(d.status == ns::ok);
            REQUIRE(std::memcmp(&d.value, &ref, sizeof ref) == 0);
            ++compared;
        } else {
            REQUIRE(d.status == ns::out_of_range);
        }
        const auto f = ctnn::detail::csv::parse_number<float>(s);
        const float fref = std::strtof(s.c_str(), nullptr);
        if (std::isfinite(fref) && !(fref == 0 && nonzero_digits(s))) {
            INFO(s);
            REQUIRE(f.status == ns::ok);
            REQUIRE(std::memcmp(&f.value, &fref, sizeof fref) == 0);
        } else {
            REQUIRE(f.status == ns::out_of_range);
        }
    }
    CHECK(compared > 150000);
}

TEST_CASE("data in std::vector: read, adapted with as_arrays, trained and evaluated", "[runtime][span]") {
    // XOR-like data: label = (x0 > 0) != (x1 > 0), in a vector as a reader would give it.
    std::vector<std::array<double, 2>> rows;
    std::vector<int> labels;
    std::mt19937_64 g(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (int i = 0; i < 64; ++i) {
        const double a = u(g), b = u(g);
        rows.push_back({a, b});
        labels.push_back((a > 0) != (b > 0) ? 1 : 0);
    }
    static const auto xs = ctnn::as_arrays<64>(rows);
    const auto ls = ctnn::as_arrays<64>(labels);
    REQUIRE(xs.status == ctnn::rows_status::ok);
    REQUIRE(ls);
    REQUIRE(xs.rows[5] == rows[5]);
    const auto ds = ctnn::binary_targets(ls.rows);

    using net_t = ctnn::network<double, ctnn::dense<2, 16>, ctnn::tanh, ctnn::dense<16, 1>>;
    auto net = ctnn::make_network<net_t>(3, ctnn::init::xavier_normal{});
    ctnn::adam_for<net_t> opt{.learning_rate = 0.03};
    const auto history = ctnn::fit<300, 16>(net, ctnn::binary_cross_entropy_with_logits{}, opt, xs.rows, ds);
    REQUIRE(history.status == ctnn::training_status::ok);
    CHECK(ctnn::binary_accuracy(net, xs.rows, ds, 0.0) >= 0.9);

    // Sizes that differ: a status and the size, never a read past the end.
    const auto short_rows = ctnn::as_arrays<100>(rows);
    CHECK(short_rows.status == ctnn::rows_status::too_few);
    CHECK(short_rows.size == 64);
    CHECK(std::string(ctnn::describe(short_rows.status)) == "the data hold fewer rows than the array has");
    const std::vector<double> flat{1, 2, 3, 4, 5};
    const auto two_by_two = ctnn::as_arrays<2, 2>(flat);
    CHECK(two_by_two.status == ctnn::rows_status::too_many);
    CHECK(two_by_two.rows[1] == std::array<double, 2>{3, 4});
}

TEST_CASE("read_csv at runtime: a text read from a file", "[runtime][csv]") {
    std::string text = "a,b,label\n";
    for (int i = 0; i < 500; ++i) text += std::to_string(i) + "," + std::to_string(i * 0.5) + "," + std::to_string(i % 3) + "\n";
    static std::array<std::array<double, 2>, 500> xs;
    static std::array<std::uint8_t, 500> labels;
    const auto r = ctnn::read_csv(text, xs, labels);
    REQUIRE(r);
    CHECK(r.rows == 500);
    CHECK(xs[499] == std::array<double, 2>{499, 249.5});
    CHECK(labels[499] == 499 % 3);
    const auto targets = ctnn::one_hot<3>(labels);
    CHECK(targets[2] == std::array<double, 3>{0, 0, 1});
}
