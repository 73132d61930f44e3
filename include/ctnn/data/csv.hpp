// ctnn/data/csv.hpp - reading a CSV file's numbers into fixed-size arrays, at
// run time or in a constant expression. No heap, no exceptions: a status and
// the line it stopped on, like read_text's.
//
//   std::array<std::array<double, 4>, 150> xs;   // N rows known at compile time
//   std::array<int, 150> labels;
//   const auto r = ctnn::read_csv(text, xs, labels, {.label_column = 4});
//   if (!r) std::printf("line %zu: %s\n", r.line, ctnn::describe(r.status));
//
//   ctnn::read_csv(text, rows)                   every column a number: rows[N][Columns]
//   ctnn::read_csv(text, xs, labels, options)    one label column, the others features
//
// The format (RFC 4180 and what spreadsheets write):
// - records end with "\n", "\r\n" or "\r"; blank lines are skipped;
// - cells are separated by options.delimiter (',' by default; '\0' detects
//   ',', ';', '\t' or '|' from the first line: the one that occurs most often
//   outside quotes); spaces and tabs around a cell are ignored;
// - a cell may be quoted, "like this", with "" for a quote inside;
// - numbers are decimal: [+-]digits[.digits][(e|E)[+-]digits], also ".5" and
//   "5.", correctly rounded to T (float or double); inf, nan, hexadecimal and
//   numbers that overflow T or underflow to zero are errors, not values;
// - the first line is a header when options.header says so; by default
//   (csv_header::detect) when one of its feature cells is not a number;
// - labels: the label column holds integers (2 and 2.0 both read as 2) for an
//   integer Label, numbers for a floating Label, or, with options.classes,
//   class names: the label is the name's index in options.classes.
//
// Every data row must have the same number of cells: Columns for read_csv(text,
// rows), NX + 1 for read_csv(text, xs, labels). N is the number of rows the file
// must have (csv_status::too_few_rows otherwise), or, with
// options.fewer_rows_ok, an upper bound: the result's `rows` says how many
// were read. Rows from `rows` on are set to zero, also after an error (rows
// before the error keep what was read).
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>

namespace ctnn {

enum class csv_status {
    ok,
    empty,                // no data row: the text is empty, blank, or only a header
    wrong_column_count,   // a row has another number of cells than the arrays need (ragged rows, wrong delimiter)
    bad_number,           // a cell that must be a number is not a decimal number (text, inf, nan, empty)
    out_of_range,         // a number overflows the scalar type, or underflows to zero
    bad_label,            // a label cell is not a number that the label type holds (an integer in range)
    unknown_class,        // a label cell is none of options.classes
    missing_label_column, // options.label_name is not in the header (or there is no header), or label_column >= cells
    too_many_rows,        // the text has more data rows than the array holds
    too_few_rows,         // the text has fewer data rows than the array holds (and fewer_rows_ok is false)
    unterminated_quote,   // a quoted cell never ends
};

constexpr const char* describe(csv_status s) noexcept {
    switch (s) {
    case csv_status::ok: return "ok";
    case csv_status::empty: return "no data rows: the text is empty or holds only a header";
    case csv_status::wrong_column_count:
        return "this row has another number of cells than expected (a ragged row, or another delimiter?)";
    case csv_status::bad_number: return "this cell is not a decimal number";
    case csv_status::out_of_range: return "this number is too large or too small for the scalar type";
    case csv_status::bad_label: return "this label is not an integer that the label type holds";
    case csv_status::unknown_class: return "this label is not one of the class names given";
    case csv_status::missing_label_column: return "the label column is not in the header, or beyond the last cell";
    case csv_status::too_many_rows: return "more data rows than the array holds";
    case csv_status::too_few_rows: return "fewer data rows than the array holds";
    case csv_status::unterminated_quote: return "a quoted cell has no closing quote";
    }
    return "unknown status";
}

struct csv_result {
    csv_status status = csv_status::ok;
    std::size_t line = 0;   // 1-based line of the problem (for ok: of the last line read)
    std::size_t column = 0; // 1-based cell of the problem, 0 when it is not about one cell
    std::size_t cells = 0;  // wrong_column_count: the cells on that row (expected: see `expected`)
    std::size_t expected = 0;
    std::size_t rows = 0; // data rows read into the arrays
    constexpr explicit operator bool() const noexcept { return status == csv_status::ok; }
};

enum class csv_header { detect, yes, no };

inline constexpr std::size_t last_column = static_cast<std::size_t>(-1);

struct csv_options {
    char delimiter = ',';                 // '\0': detect from the first line
    csv_header header = csv_header::detect;
    std::size_t label_column = last_column; // 0-based; last_column: the last cell
    std::string_view label_name = {};       // if not empty: the label column is the header's cell of that name
    std::span<const std::string_view> classes = {}; // if not empty: label cells are names, label = index in classes
    bool fewer_rows_ok = false;                      // N is an upper bound, not the exact row count
};

namespace detail::csv {

// ---------------------------------------------------------------------------
// Decimal to binary, correctly rounded (round to nearest, ties to even)
// ---------------------------------------------------------------------------

// Unsigned integers of up to 4096 bits: enough for every decimal number of at
// most max_digits significant digits whose value is within float's or
// double's range (10^1131 < 2^3760, plus the quotient's 56 bits).
struct big {
    static constexpr std::size_t limbs = 128;
    std::array<std::uint32_t, limbs> d{};
    std::size_t n = 0; // limbs in use; d[n - 1] != 0 unless n == 0

    constexpr void trim() noexcept {
        while (n > 0 && d[n - 1] == 0) --n;
    }
    constexpr void mul_add(std::uint32_t m, std::uint32_t a) noexcept {
        std::uint64_t carry = a;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t t = std::uint64_t{d[i]} * m + carry;
            d[i] = static_cast<std::uint32_t>(t);
            carry = t >> 32;
        }
        if (carry != 0 && n < limbs) d[n++] = static_cast<std::uint32_t>(carry);
    }
    constexpr void mul_pow10(long long e) noexcept {
        for (; e >= 9; e -= 9) mul_add(1000000000u, 0);
        std::uint32_t m = 1;
        for (; e > 0; --e) m *= 10;
        if (m != 1) mul_add(m, 0);
    }
    constexpr std::size_t bit_length() const noexcept {
        if (n == 0) return 0;
        std::size_t b = 32 * (n - 1);
        for (std::uint32_t top = d[n - 1]; top != 0; top >>= 1) ++b;
        return b;
    }
    constexpr void shift_left(std::size_t s) noexcept {
        if (n == 0 || s == 0) return;
        const std::size_t words = s / 32, bits = s % 32;
        std::size_t m = n + words + (bits != 0 ? 1 : 0);
        if (m > limbs) m = limbs; // never reached within the documented ranges
        for (std::size_t i = m; i-- > 0;) { // from the top: reads only words not yet written
            std::uint64_t v = 0;
            if (i >= words) {
                const std::size_t j = i - words;
                const std::uint64_t hi = j < n ? d[j] : 0;
                const std::uint64_t lo = (bits != 0 && j >= 1 && j - 1 < n) ? d[j - 1] : 0;
                v = bits != 0 ? ((hi << bits) | (lo >> (32 - bits))) : hi;
            }
            d[i] = static_cast<std::uint32_t>(v);
        }
        n = m;
        trim();
    }
    constexpr void shift_right_one() noexcept {
        for (std::size_t i = 0; i < n; ++i) d[i] = (d[i] >> 1) | (i + 1 < n ? (d[i + 1] << 31) : 0u);
        trim();
    }
    constexpr int compare(const big& o) const noexcept {
        if (n != o.n) return n < o.n ? -1 : 1;
        for (std::size_t i = n; i-- > 0;)
            if (d[i] != o.d[i]) return d[i] < o.d[i] ? -1 : 1;
        return 0;
    }
    constexpr void subtract(const big& o) noexcept { // *this >= o
        std::int64_t borrow = 0;
        for (std::size_t i = 0; i < n; ++i) {
            std::int64_t t = std::int64_t{d[i]} - (i < o.n ? std::int64_t{o.d[i]} : 0) - borrow;
            borrow = t < 0 ? 1 : 0;
            if (t < 0) t += std::int64_t{1} << 32;
            d[i] = static_cast<std::uint32_t>(t);
        }
        trim();
    }
};

template <class T>
struct float_format;
template <>
struct float_format<double> {
    static constexpr int precision = 53, min_lsb_exponent = -1074, max_exponent = 1024;
    static constexpr long long max_decimal = 310, min_decimal = -330; // 10^(digits+e) bounds
    static constexpr int fast_power = 22;
};
template <>
struct float_format<float> {
    static constexpr int precision = 24, min_lsb_exponent = -149, max_exponent = 128;
    static constexpr long long max_decimal = 40, min_decimal = -50;
    static constexpr int fast_power = 10;
};

inline constexpr std::size_t max_digits = 800; // > 767, the most a halfway point between doubles needs

enum class number_status { ok, bad, out_of_range };

template <class T>
struct parsed {
    number_status status;
    T value;
};

// The nearest T to (digits) * 10^e, where digits holds `count` decimal digits
// (most significant first, the first not zero).
template <class T>
constexpr parsed<T> to_binary(const std::array<std::uint8_t, max_digits + 1>& digits, std::size_t count, long long e,
                              bool negative) noexcept {
    using F = float_format<T>;
    const long long magnitude = static_cast<long long>(count) + e; // value in [10^(m-1), 10^m)
    if (magnitude > F::max_decimal) return {number_status::out_of_range, T(0)};
    if (magnitude < F::min_decimal) return {number_status::out_of_range, T(0)};
    const T sign = negative ? T(-1) : T(1);

    // Fast path (Clinger): both the digits and the power of ten are exact in T,
    // so one multiplication or division rounds correctly.
    if (count <= 19) {
        std::uint64_t m = 0;
        for (std::size_t i = 0; i < count; ++i) m = m * 10 + digits[i];
        if (m < (std::uint64_t{1} << F::precision) && e >= -F::fast_power && e <= F::fast_power) {
            T p = T(1);
            for (long long i = 0; i < (e < 0 ? -e : e); ++i) p *= T(10);
            const T x = static_cast<T>(m);
            return {number_status::ok, sign * (e < 0 ? x / p : x * p)};
        }
    }

    // Exact: q = floor(num / den) with num / den = value * 2^-s, then round.
    big num{}, den{};
    den.d[0] = 1;
    den.n = 1;
    for (std::size_t i = 0; i < count; ++i) {
        if (num.n == 0 && digits[i] != 0) {
            num.d[0] = digits[i];
            num.n = 1;
        } else {
            num.mul_add(10, digits[i]);
        }
    }
    if (e >= 0) num.mul_pow10(e);
    else den.mul_pow10(-e);
    const long long s = static_cast<long long>(num.bit_length()) - static_cast<long long>(den.bit_length()) -
                        (F::precision + 1); // num / den / 2^s in [2^P, 2^(P+2))
    if (s > 0) den.shift_left(static_cast<std::size_t>(s));
    else num.shift_left(static_cast<std::size_t>(-s));
    constexpr int qbits = F::precision + 2;
    big divisor = den;
    divisor.shift_left(qbits);
    std::uint64_t q = 0;
    for (int i = qbits; i >= 0; --i) {
        if (num.compare(divisor) >= 0) {
            num.subtract(divisor);
            q |= std::uint64_t{1} << i;
        }
        divisor.shift_right_one();
    }
    const bool sticky = num.n != 0;
    int qlen = 0;
    for (std::uint64_t t = q; t != 0; t >>= 1) ++qlen;
    long long shift = qlen - F::precision; // bits of q below the mantissa
    if (s + shift < F::min_lsb_exponent) shift = F::min_lsb_exponent - s; // subnormal: fewer bits
    std::uint64_t mantissa = 0;
    if (shift <= 62) {
        mantissa = q >> shift;
        const std::uint64_t rest = q & ((std::uint64_t{1} << shift) - 1);
        const std::uint64_t half = std::uint64_t{1} << (shift - 1);
        if (rest > half || (rest == half && (sticky || (mantissa & 1) != 0))) ++mantissa;
    } // else: below half the smallest subnormal, rounds to zero
    if (mantissa == 0) return {number_status::out_of_range, T(0)}; // underflow: a non-zero number read as 0
    const long long exponent = s + shift;
    const double v = math::ldexp(static_cast<double>(mantissa), static_cast<int>(exponent)); // exact
    if (!(v < math::ldexp(1.0, F::max_exponent))) return {number_status::out_of_range, T(0)}; // rounds to inf
    return {number_status::ok, sign * static_cast<T>(v)};
}

// A decimal number, the whole of `s`.
template <class T>
constexpr parsed<T> parse_number(std::string_view s) noexcept {
    std::size_t k = 0;
    bool negative = false;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) negative = s[k++] == '-';
    std::array<std::uint8_t, max_digits + 1> digits{};
    std::size_t count = 0;
    long long e = 0; // value = digits * 10^e
    bool any_digit = false, dropped_nonzero = false, point = false;
    for (; k < s.size(); ++k) {
        const char c = s[k];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        any_digit = true;
        const auto digit = static_cast<std::uint8_t>(c - '0');
        if (count == 0 && digit == 0) {
            if (point) --e; // a leading zero after the point
            continue;
        }
        if (count < max_digits) {
            digits[count++] = digit;
            if (point) --e;
        } else {
            if (digit != 0) dropped_nonzero = true;
            if (!point) ++e;
        }
    }
    if (!any_digit) return {number_status::bad, T(0)};
    if (k < s.size()) {
        if (s[k] != 'e' && s[k] != 'E') return {number_status::bad, T(0)};
        ++k;
        bool exponent_negative = false;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) exponent_negative = s[k++] == '-';
        if (k == s.size()) return {number_status::bad, T(0)};
        long long x = 0;
        for (; k < s.size(); ++k) {
            if (s[k] < '0' || s[k] > '9') return {number_status::bad, T(0)};
            if (x < 1000000) x = x * 10 + (s[k] - '0'); // beyond: out of range anyway
        }
        e += exponent_negative ? -x : x;
    }
    if (count == 0) return {number_status::ok, negative ? T(-0.0) : T(0)};
    if (dropped_nonzero) { // a digit 1 past the kept ones stands for all the dropped ones
        digits[count++] = 1;
        --e;
    }
    return to_binary<T>(digits, count, e, negative);
}

// ---------------------------------------------------------------------------
// Records and cells
// ---------------------------------------------------------------------------

struct cell {
    std::string_view text; // without surrounding quotes and blanks
    bool quoted = false;
};

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

// Reads one record at a time; cells beyond MaxCells are counted, not kept.
template <std::size_t MaxCells>
struct record_reader {
    std::string_view text;
    char delimiter;
    std::size_t position = 0;
    std::size_t line = 1; // line of the next record's start

    std::array<cell, MaxCells> cells{};
    std::size_t count = 0;
    std::size_t record_line = 0;
    bool unterminated = false;

    constexpr bool at_line_end(std::size_t p) const noexcept {
        return p >= text.size() || text[p] == '\n' || text[p] == '\r';
    }
    constexpr void skip_line_end() noexcept { // at "\n", "\r\n" or "\r"
        if (text[position] == '\r') {
            ++position;
            if (position < text.size() && text[position] == '\n') ++position;
        } else {
            ++position;
        }
        ++line;
    }
    constexpr void skip_blank_lines() noexcept {
        for (;;) {
            std::size_t p = position;
            while (p < text.size() && (is_blank(text[p]) && text[p] != delimiter)) ++p;
            if (p < text.size() && (text[p] == '\n' || text[p] == '\r')) {
                position = p;
                skip_line_end();
                continue;
            }
            if (p >= text.size()) position = text.size();
            return;
        }
    }
    // false at the end of the text.
    constexpr bool next() noexcept {
        skip_blank_lines();
        count = 0;
        if (position >= text.size()) return false;
        record_line = line;
        for (;;) {
            while (position < text.size() && is_blank(text[position]) && text[position] != delimiter) ++position;
            cell c{};
            if (position < text.size() && text[position] == '"') {
                c.quoted = true;
                const std::size_t start = ++position;
                for (;;) {
                    if (position >= text.size()) {
                        unterminated = true;
                        return true;
                    }
                    const char ch = text[position];
                    if (ch == '"') {
                        if (position + 1 < text.size() && text[position + 1] == '"') {
                            position += 2;
                            continue;
                        }
                        break;
                    }
                    if (ch == '\n' || (ch == '\r' && !(position + 1 < text.size() && text[position + 1] == '\n')))
                        ++line;
                    ++position;
                }
                c.text = text.substr(start, position - start);
                ++position; // the closing quote
                while (position < text.size() && is_blank(text[position]) && text[position] != delimiter) ++position;
                // Text after the closing quote makes the cell malformed: keep it all, unquoted.
                if (!(at_line_end(position) || text[position] == delimiter)) {
                    c.quoted = false;
                    const std::size_t from = start - 1;
                    while (!at_line_end(position) && text[position] != delimiter) ++position;
                    c.text = text.substr(from, position - from);
                }
            } else {
                const std::size_t start = position;
                while (!at_line_end(position) && text[position] != delimiter) ++position;
                std::size_t end = position;
                while (end > start && is_blank(text[end - 1])) --end;
                c.text = text.substr(start, end - start);
            }
            if (count < MaxCells) cells[count] = c;
            ++count;
            if (position < text.size() && text[position] == delimiter) {
                ++position;
                continue;
            }
            if (position < text.size()) skip_line_end();
            return true;
        }
    }
};

// The delimiter of the first non-blank line: the most frequent of , ; \t | outside quotes (',' if none).
constexpr char detect_delimiter(std::string_view text) noexcept {
    constexpr std::array<char, 4> candidates{',', ';', '\t', '|'};
    std::array<std::size_t, 4> counts{};
    std::size_t p = 0;
    bool seen = false, quoted = false;
    for (; p < text.size(); ++p) {
        const char c = text[p];
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) {
            if (seen) break;
            continue;
        }
        if (c != ' ' && c != '\t') seen = true;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (!quoted && c == candidates[i]) ++counts[i];
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < candidates.size(); ++i)
        if (counts[i] > counts[best]) best = i;
    return counts[best] == 0 ? ',' : candidates[best];
}

template <class T>
constexpr bool is_number(std::string_view s) noexcept {
    return parse_number<T>(s).status != number_status::bad;
}

constexpr bool same_text(const cell& c, std::string_view name) noexcept {
    if (!c.quoted) return c.text == name;
    // Compare with "" read as one quote.
    std::size_t i = 0, j = 0;
    while (i < c.text.size() && j < name.size()) {
        if (c.text[i] != name[j]) return false;
        i += (c.text[i] == '"' && i + 1 < c.text.size() && c.text[i + 1] == '"') ? 2 : 1;
        ++j;
    }
    return i == c.text.size() && j == name.size();
}

template <class Label>
constexpr parsed<Label> parse_label(const cell& c, const csv_options& options) noexcept {
    if (!options.classes.empty()) {
        for (std::size_t i = 0; i < options.classes.size(); ++i)
            if (same_text(c, options.classes[i])) {
                if constexpr (std::is_integral_v<Label>) {
                    if (i > static_cast<std::size_t>(std::numeric_limits<Label>::max()))
                        return {number_status::out_of_range, Label{}};
                }
                return {number_status::ok, static_cast<Label>(i)};
            }
        return {number_status::bad, Label{}};
    }
    if constexpr (std::is_floating_point_v<Label>) {
        return parse_number<Label>(c.text);
    } else {
        const parsed<double> v = parse_number<double>(c.text);
        if (v.status == number_status::bad) return {number_status::bad, Label{}};
        if (v.status == number_status::out_of_range || v.value != static_cast<double>(static_cast<long long>(v.value)))
            return {number_status::out_of_range, Label{}};
        const long long i = static_cast<long long>(v.value);
        if (i < 0 && !std::is_signed_v<Label>) return {number_status::out_of_range, Label{}};
        if constexpr (std::is_signed_v<Label>) {
            if (i < static_cast<long long>(std::numeric_limits<Label>::min()) ||
                i > static_cast<long long>(std::numeric_limits<Label>::max()))
                return {number_status::out_of_range, Label{}};
        } else {
            if (static_cast<unsigned long long>(i) > static_cast<unsigned long long>(std::numeric_limits<Label>::max()))
                return {number_status::out_of_range, Label{}};
        }
        return {number_status::ok, static_cast<Label>(i)};
    }
}

// The loop shared by both readers: Cells cells per data row; on_row(reader,
// label column) returns a csv_result (ok to go on).
template <class T, std::size_t Cells, std::size_t N, bool HasLabel, class OnRow>
constexpr csv_result read_rows(std::string_view text, const csv_options& options, OnRow on_row) noexcept {
    record_reader<Cells + 1> in{text, options.delimiter == '\0' ? detect_delimiter(text) : options.delimiter};
    csv_result result{};
    const auto fail = [&](csv_status s, std::size_t column = 0) {
        result.status = s;
        result.line = in.record_line;
        result.column = column;
        return result;
    };
    std::size_t label = options.label_column;
    bool first = true;
    while (in.next()) {
        if (in.unterminated) return fail(csv_status::unterminated_quote);
        if (first) {
            first = false;
            const std::size_t last = in.count == 0 ? 0 : in.count - 1;
            std::size_t wanted_label = label == last_column ? last : label;
            bool header = options.header == csv_header::yes || (HasLabel && !options.label_name.empty());
            if (options.header == csv_header::detect && !header) {
                for (std::size_t i = 0; i < in.count && i < Cells + 1; ++i)
                    if ((!HasLabel || i != wanted_label) && !is_number<T>(in.cells[i].text)) header = true;
            }
            if (options.header == csv_header::no) header = false;
            if (HasLabel && !options.label_name.empty()) {
                if (!header) return fail(csv_status::missing_label_column);
                wanted_label = last_column;
                for (std::size_t i = 0; i < in.count && i < Cells + 1; ++i)
                    if (same_text(in.cells[i], options.label_name)) wanted_label = i;
                if (wanted_label == last_column) return fail(csv_status::missing_label_column);
            }
            if (HasLabel && wanted_label >= in.count) return fail(csv_status::missing_label_column);
            label = wanted_label;
            if (header) {
                if (in.count != Cells) {
                    result.cells = in.count;
                    result.expected = Cells;
                    return fail(csv_status::wrong_column_count);
                }
                continue;
            }
        }
        if (in.count != Cells) {
            result.cells = in.count;
            result.expected = Cells;
            return fail(csv_status::wrong_column_count);
        }
        if (result.rows == N) return fail(csv_status::too_many_rows);
        const csv_result r = on_row(in, label, result.rows);
        if (!r) {
            result.status = r.status;
            result.column = r.column;
            result.line = in.record_line;
            return result;
        }
        ++result.rows;
        result.line = in.record_line;
    }
    if (in.unterminated) return fail(csv_status::unterminated_quote);
    result.line = in.line > 1 ? in.line - 1 : 1;
    if (result.rows == 0) {
        result.status = csv_status::empty;
        return result;
    }
    if (result.rows < N && !options.fewer_rows_ok) result.status = csv_status::too_few_rows;
    return result;
}

template <class T>
constexpr csv_status status_of(number_status s) noexcept {
    return s == number_status::bad ? csv_status::bad_number : csv_status::out_of_range;
}

template <class T>
struct check_scalar {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn::read_csv: the values are read as float or double");
    static constexpr bool value = true;
};

} // namespace detail::csv

// Every cell a number: N rows of Columns.
template <class T, std::size_t Columns, std::size_t N>
constexpr csv_result read_csv(std::string_view text, std::array<std::array<T, Columns>, N>& rows,
                              const csv_options& options = {}) noexcept {
    static_assert(detail::csv::check_scalar<T>::value);
    static_assert(Columns > 0 && N > 0, "ctnn::read_csv: the array must have at least one row and one column");
    csv_options o = options;
    o.label_name = {};
    const csv_result r = detail::csv::read_rows<T, Columns, N, false>(
        text, o, [&](const auto& in, std::size_t, std::size_t row) {
            csv_result c{};
            for (std::size_t i = 0; i < Columns; ++i) {
                const auto v = detail::csv::parse_number<T>(in.cells[i].text);
                if (v.status != detail::csv::number_status::ok) {
                    c.status = detail::csv::status_of<T>(v.status);
                    c.column = i + 1;
                    return c;
                }
                rows[row][i] = v.value;
            }
            return c;
        });
    for (std::size_t n = r.rows; n < N; ++n) rows[n] = {};
    return r;
}

// Features and one label column (options.label_column or options.label_name;
// the last column by default): N rows of NX features, N labels.
template <class T, std::size_t NX, std::size_t N, class Label>
constexpr csv_result read_csv(std::string_view text, std::array<std::array<T, NX>, N>& xs,
                              std::array<Label, N>& labels, const csv_options& options = {}) noexcept {
    static_assert(detail::csv::check_scalar<T>::value);
    static_assert(std::is_arithmetic_v<Label> && !std::is_same_v<Label, bool>,
                  "ctnn::read_csv: labels are read as integers (class indices) or floating-point numbers");
    static_assert(NX > 0 && N > 0, "ctnn::read_csv: the arrays must have at least one row and one feature");
    const csv_result r = detail::csv::read_rows<T, NX + 1, N, true>(
        text, options, [&](const auto& in, std::size_t label, std::size_t row) {
            csv_result c{};
            std::size_t feature = 0;
            for (std::size_t i = 0; i < NX + 1; ++i) {
                if (i == label) {
                    const auto v = detail::csv::parse_label<Label>(in.cells[i], options);
                    if (v.status != detail::csv::number_status::ok) {
                        c.status = !options.classes.empty() && v.status == detail::csv::number_status::bad
                                       ? csv_status::unknown_class
                                       : csv_status::bad_label;
                        c.column = i + 1;
                        return c;
                    }
                    labels[row] = v.value;
                    continue;
                }
                const auto v = detail::csv::parse_number<T>(in.cells[i].text);
                if (v.status != detail::csv::number_status::ok) {
                    c.status = detail::csv::status_of<T>(v.status);
                    c.column = i + 1;
                    return c;
                }
                xs[row][feature++] = v.value;
            }
            return c;
        });
    for (std::size_t n = r.rows; n < N; ++n) {
        xs[n] = {};
        labels[n] = Label{};
    }
    return r;
}

} // namespace ctnn
