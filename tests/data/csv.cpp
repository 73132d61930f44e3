// ctnn/data/csv.hpp, targets, as_arrays, checksum, binary_accuracy: at compile
// time (compiling is passing), and the same checks again at runtime.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/csv.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <string_view>

namespace {

using ctnn::csv_status;

template <class T>
constexpr T number(std::string_view s) {
    return ctnn::detail::csv::parse_number<T>(s).value;
}
template <class T>
constexpr ctnn::detail::csv::number_status number_status(std::string_view s) {
    return ctnn::detail::csv::parse_number<T>(s).status;
}

template <std::size_t N, std::size_t NX, class Label = int>
struct read_features {
    std::array<std::array<double, NX>, N> xs{};
    std::array<Label, N> labels{};
    ctnn::csv_result result{};
};

template <std::size_t N, std::size_t NX, class Label = int>
constexpr read_features<N, NX, Label> read(std::string_view text, const ctnn::csv_options& options = {}) {
    read_features<N, NX, Label> r{};
    r.result = ctnn::read_csv(text, r.xs, r.labels, options);
    return r;
}

constexpr std::string_view iris_head = "sepal_length,sepal_width,petal_length,petal_width,species\n"
                                       "5.1,3.5,1.4,0.2,setosa\n"
                                       "7.0,3.2,4.7,1.4,versicolor\n"
                                       "6.3,3.3,6.0,2.5,virginica\n";
constexpr std::array<std::string_view, 3> iris_classes{"setosa", "versicolor", "virginica"};

} // namespace

TEST_CASE("csv: decimal numbers are correctly rounded, at compile time too", "[static][csv]") {
    using ns = ctnn::detail::csv::number_status;
    STATIC_REQUIRE(number<double>("5.1") == 5.1);
    STATIC_REQUIRE(number<double>("-.5") == -0.5);
    STATIC_REQUIRE(number<double>("5.") == 5.0);
    STATIC_REQUIRE(number<double>("+1e3") == 1000.0);
    STATIC_REQUIRE(number<double>("0.1000000000000000055511151231257827021181583404541015625") == 0.1);
    STATIC_REQUIRE(number<double>("2.2250738585072011e-308") == 2.2250738585072011e-308); // subnormal boundary
    STATIC_REQUIRE(number<double>("4.9406564584124654e-324") == 4.9406564584124654e-324); // smallest subnormal
    STATIC_REQUIRE(number<double>("1.7976931348623157e308") == 1.7976931348623157e308);
    // Halfway between 1 and its successor: ties to even (down), and just above it: up.
    STATIC_REQUIRE(number<double>("1.00000000000000011102230246251565404236316680908203125") == 1.0);
    STATIC_REQUIRE(number<double>("1.00000000000000011102230246251565404236316680908203126") == 1.0000000000000002);
    STATIC_REQUIRE(number<float>("3.4028234664e38") == 3.4028234664e38f);
    STATIC_REQUIRE(number<float>("1.00000005960464477539062500001") == 1.00000012f); // just above a float tie
    STATIC_REQUIRE(number<float>("0.1") == 0.1f);
    STATIC_REQUIRE(number_status<double>("1e309") == ns::out_of_range);
    STATIC_REQUIRE(number_status<double>("1e-400") == ns::out_of_range); // would be read as 0
    STATIC_REQUIRE(number_status<float>("1e39") == ns::out_of_range);
    STATIC_REQUIRE(number_status<double>("0e-400") == ns::ok);
    STATIC_REQUIRE(number_status<double>("nan") == ns::bad);
    STATIC_REQUIRE(number_status<double>("inf") == ns::bad);
    STATIC_REQUIRE(number_status<double>("0x1p3") == ns::bad);
    STATIC_REQUIRE(number_status<double>("1e") == ns::bad);
    STATIC_REQUIRE(number_status<double>("") == ns::bad);
    STATIC_REQUIRE(number_status<double>(".") == ns::bad);
    STATIC_REQUIRE(number_status<double>("1,5") == ns::bad);
}

TEST_CASE("csv: iris rows with a header, class names and the label found by name", "[static][csv]") {
    constexpr auto r = read<3, 4>(iris_head, {.label_name = "species", .classes = iris_classes});
    STATIC_REQUIRE(r.result.status == csv_status::ok);
    STATIC_REQUIRE(r.result.rows == 3);
    STATIC_REQUIRE(r.xs[1] == std::array<double, 4>{7.0, 3.2, 4.7, 1.4});
    STATIC_REQUIRE(r.labels == std::array<int, 3>{0, 1, 2});
    // The same file read into a larger array: an upper bound with the count returned.
    constexpr auto bound = read<10, 4>(iris_head, {.label_name = "species", .classes = iris_classes,
                                                   .fewer_rows_ok = true});
    STATIC_REQUIRE(bound.result.status == csv_status::ok);
    STATIC_REQUIRE(bound.result.rows == 3);
    STATIC_REQUIRE(bound.xs[3] == std::array<double, 4>{});
    constexpr auto exact = read<10, 4>(iris_head, {.label_name = "species", .classes = iris_classes});
    STATIC_REQUIRE(exact.result.status == csv_status::too_few_rows);
}

TEST_CASE("csv: no header, integer labels, other delimiters and line endings", "[static][csv]") {
    constexpr auto r = read<3, 2>("1,2,0\r\n3,4,1\r\n\r\n5,6,2.0\r\n");
    STATIC_REQUIRE(r.result.status == csv_status::ok);
    STATIC_REQUIRE(r.labels == std::array<int, 3>{0, 1, 2});
    constexpr auto semicolons = read<2, 2>("a;b;c\r1;2;0\r3;4;1", {.delimiter = '\0'}); // CR-only lines
    STATIC_REQUIRE(semicolons.result.status == csv_status::ok);
    STATIC_REQUIRE(semicolons.xs[1] == std::array<double, 2>{3, 4});
    constexpr auto tabs = read<2, 2>("x\ty\tlabel\n 1 \t 2\t1\n3\t4\t0\n", {.delimiter = '\0'});
    STATIC_REQUIRE(tabs.result.status == csv_status::ok);
    STATIC_REQUIRE(tabs.labels == std::array<int, 2>{1, 0});
    constexpr auto first_column = read<2, 2>("0,1,2\n1,3,4\n", {.label_column = 0});
    STATIC_REQUIRE(first_column.labels == std::array<int, 2>{0, 1});
    STATIC_REQUIRE(first_column.xs[1] == std::array<double, 2>{3, 4});
    constexpr auto quoted = read<1, 2>("\"a, b\",\"c\"\"\",\"label\"\n\"1.5\",2,\"1\"\n");
    STATIC_REQUIRE(quoted.result.status == csv_status::ok);
    STATIC_REQUIRE(quoted.xs[0] == std::array<double, 2>{1.5, 2});
    // Regression targets: a floating label.
    constexpr auto regression = read<2, 1, double>("x,y\n1,0.5\n2,-1e-3\n");
    STATIC_REQUIRE(regression.labels == std::array<double, 2>{0.5, -1e-3});
    // All columns numbers.
    constexpr auto all = [] {
        std::array<std::array<float, 3>, 2> rows{};
        const auto result = ctnn::read_csv("1,2,3\n4,5,6\n", rows);
        return std::pair{result, rows};
    }();
    STATIC_REQUIRE(all.first.status == csv_status::ok);
    STATIC_REQUIRE(all.second[1] == std::array<float, 3>{4, 5, 6});
}

TEST_CASE("csv: malformed text gives a status, the line and the cell", "[static][csv]") {
    constexpr auto ragged = read<3, 2>("a,b,c\n1,2,0\n3,4\n5,6,1\n");
    STATIC_REQUIRE(ragged.result.status == csv_status::wrong_column_count);
    STATIC_REQUIRE(ragged.result.line == 3);
    STATIC_REQUIRE(ragged.result.cells == 2);
    STATIC_REQUIRE(ragged.result.expected == 3);
    STATIC_REQUIRE(ragged.result.rows == 1);
    STATIC_REQUIRE(ragged.xs[1] == std::array<double, 2>{}); // rows from the error on: zero

    constexpr auto text = read<2, 2>("1,2,0\n3,four,1\n");
    STATIC_REQUIRE(text.result.status == csv_status::bad_number);
    STATIC_REQUIRE(text.result.line == 2);
    STATIC_REQUIRE(text.result.column == 2);

    constexpr auto empty_cell = read<2, 2>("1,2,0\n3,,1\n");
    STATIC_REQUIRE(empty_cell.result.status == csv_status::bad_number);
    STATIC_REQUIRE(empty_cell.result.line == 2);

    STATIC_REQUIRE(read<1, 2>("").result.status == csv_status::empty);
    STATIC_REQUIRE(read<1, 2>("\n  \n").result.status == csv_status::empty);
    STATIC_REQUIRE(read<1, 2>("a,b,c\n").result.status == csv_status::empty);

    constexpr auto no_label = read<1, 2>("a,b,c\n1,2,0\n", {.label_name = "species"});
    STATIC_REQUIRE(no_label.result.status == csv_status::missing_label_column);
    STATIC_REQUIRE(no_label.result.line == 1);
    STATIC_REQUIRE(read<1, 2>("1,2,0\n", {.label_column = 3}).result.status == csv_status::missing_label_column);

    // A file with ';' read with ',': one cell per row.
    constexpr auto delimiter = read<1, 2>("1;2;0\n");
    STATIC_REQUIRE(delimiter.result.status == csv_status::wrong_column_count);
    STATIC_REQUIRE(delimiter.result.cells == 1);

    constexpr auto too_many = read<1, 2>("1,2,0\n3,4,1\n");
    STATIC_REQUIRE(too_many.result.status == csv_status::too_many_rows);
    STATIC_REQUIRE(too_many.result.line == 2);

    STATIC_REQUIRE(read<1, 2>("1,2,0.5\n").result.status == csv_status::bad_label);
    STATIC_REQUIRE(read<1, 2, unsigned char>("1,2,300\n").result.status == csv_status::bad_label);
    STATIC_REQUIRE(read<1, 2, unsigned>("1,2,-1\n").result.status == csv_status::bad_label);
    constexpr std::array<std::string_view, 2> two{"setosa", "virginica"};
    constexpr auto not_listed = read<3, 4>(iris_head, {.label_name = "species", .classes = two});
    STATIC_REQUIRE(not_listed.result.status == csv_status::unknown_class);
    STATIC_REQUIRE(not_listed.result.line == 3);
    STATIC_REQUIRE(not_listed.result.column == 5);

    constexpr auto quote = read<1, 2>("1,2,\"0\n");
    STATIC_REQUIRE(quote.result.status == csv_status::unterminated_quote);
    STATIC_REQUIRE(quote.result.line == 1);
    constexpr auto overflow = read<1, 2>("1,1e999,0\n");
    STATIC_REQUIRE(overflow.result.status == csv_status::out_of_range);
    STATIC_REQUIRE(overflow.result.column == 2);
    STATIC_REQUIRE(std::string_view(ctnn::describe(csv_status::bad_number)) == "this cell is not a decimal number");
}

TEST_CASE("targets: one_hot for classes, binary_targets for one output", "[static][targets]") {
    constexpr std::array<int, 3> labels{0, 1, 0};
    STATIC_REQUIRE(ctnn::binary_targets(labels) == std::array<std::array<double, 1>, 3>{{{0}, {1}, {0}}});
    STATIC_REQUIRE(ctnn::binary_targets<float>(1) == std::array<float, 1>{1});
    STATIC_REQUIRE(ctnn::one_hot<2>(labels)[1] == std::array<double, 2>{0, 1});
    STATIC_REQUIRE(ctnn::detail::is_label_array_v<std::array<std::uint8_t, 4>>);
    STATIC_REQUIRE(!ctnn::detail::is_label_array_v<std::array<std::array<double, 1>, 4>>);
    STATIC_REQUIRE(ctnn::detail::check_targets_are_arrays<std::array<std::array<double, 3>, 4>>::value);
}

TEST_CASE("binary_accuracy takes a threshold of any floating type", "[static][metrics]") {
    // A float network with the threshold 0.0 (a double), as metrics.hpp's comment shows it.
    using net_t = ctnn::network<float, ctnn::dense<1, 1>>;
    constexpr net_t identity = [] {
        net_t n{};
        ctnn::load_parameters(n, std::array<float, 2>{1.0f, 0.0f});
        return n;
    }();
    constexpr std::array<std::array<float, 1>, 4> z{{{-2}, {-0.5f}, {0.5f}, {2}}};
    constexpr auto d = ctnn::binary_targets<float>(std::array<int, 4>{0, 1, 1, 1});
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, d, 0.0) == 0.75);
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, d, 0.0f) == 0.75);
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, d, -1.0L) == 1.0);
}

TEST_CASE("as_arrays: a std::array or span with its size in the type", "[static][span]") {
    constexpr std::array<std::array<double, 2>, 3> rows{{{1, 2}, {3, 4}, {5, 6}}};
    constexpr auto same = ctnn::as_arrays<3>(rows);
    STATIC_REQUIRE(same.status == ctnn::rows_status::ok);
    STATIC_REQUIRE(same.rows == rows);
    constexpr std::array<double, 6> flat{1, 2, 3, 4, 5, 6};
    STATIC_REQUIRE(ctnn::as_arrays<3, 2>(flat).rows == rows);
    STATIC_REQUIRE(ctnn::as_arrays<3, 2>(std::span<const double>(flat)).status == ctnn::rows_status::ok);
    STATIC_REQUIRE(ctnn::as_arrays<4, 2>(std::span<const double>(flat)).status == ctnn::rows_status::too_few);
    STATIC_REQUIRE(ctnn::as_arrays<2>(std::span<const std::array<double, 2>>(rows)).status ==
                   ctnn::rows_status::too_many);
}

TEST_CASE("checksum: the values tools/ctnn_data.py computes", "[static][checksum]") {
    // Expected values from tools/ctnn_data.py's checksum() (the tool's and the header's must agree).
    constexpr std::array<std::array<double, 2>, 2> d{{{1.5, -2.0}, {0.25, 3.0}}};
    constexpr std::array<std::uint8_t, 3> b{1, 2, 3};
    STATIC_REQUIRE(ctnn::checksum(d, b) == 0xd53a673011e7ff39u);
    constexpr std::array<std::array<float, 3>, 1> f{{{1.5f, -2.0f, 0.5f}}};
    constexpr std::array<std::uint64_t, 2> w{7, ~std::uint64_t{0}};
    STATIC_REQUIRE(ctnn::checksum(f, w) == 0x729fe0bd58376060u);
    constexpr std::array<std::array<std::uint8_t, 3>, 3> bytes{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}; // not 8 per word
    constexpr std::array<std::uint8_t, 16> sixteen{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    STATIC_REQUIRE(ctnn::checksum(bytes, sixteen) == 0xe4d24c262f6fcc26u);
    // A lost row (the last becomes zeros) or an edited value changes it.
    constexpr std::array<std::array<double, 2>, 2> lost{{{0.25, 3.0}}};
    STATIC_REQUIRE(ctnn::checksum(lost, b) != ctnn::checksum(d, b));
    STATIC_REQUIRE(ctnn::checksum(d, std::array<std::uint8_t, 3>{1, 2, 4}) != ctnn::checksum(d, b));
}
