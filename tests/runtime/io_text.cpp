// Runtime test for ctnn/io/text.hpp's reader (issue 12):
// - a failed read leaves a network bit for bit as it was, whatever fails and
//   wherever (networks and texts from a seed the compiler cannot see);
// - a differential test of the number parser against glibc's strtod/strtof on
//   random and mutated hexadecimal numbers: parse_hex<T> must accept exactly the
//   well-formed numbers that T holds exactly, and give strtod's bits. "Exact" is
//   decided by strtold: rounding downward and upward agree, on a T;
// - every double and float bit pattern tried round-trips through %a and put_hex.
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cerrno>
#include <cctype>
#include <cfenv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

volatile std::uint64_t seed_source = 20261130; // unseen by the optimiser

using net_t = ctnn::network<double, ctnn::dense<5, 7>, ctnn::tanh, ctnn::dense<7, 3>, ctnn::leaky_relu<1, 8>,
                            ctnn::dense<3, 2>, ctnn::softmax>;
using float_net_t = net_t::rebind<float>;

template <class Net>
std::string text_of(const Net& net) {
    std::string s;
    ctnn::write_text(net, [&](char c) { s.push_back(c); });
    return s;
}

template <class Net>
bool same_bits(const Net& a, const Net& b) {
    return std::memcmp(a.parameters.data(), b.parameters.data(), sizeof(a.parameters)) == 0;
}

// `text` with the n-th line (0-based) replaced by `line`.
std::string with_line(const std::string& text, std::size_t n, const std::string& line) {
    std::size_t start = 0;
    for (std::size_t k = 0; k < n; ++k) start = text.find('\n', start) + 1;
    const std::size_t end = text.find('\n', start);
    return text.substr(0, start) + line + text.substr(end);
}

std::size_t line_count(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

template <class Net>
void check_transactional() {
    const Net source = ctnn::make_network<Net>(seed_source);
    const Net target = ctnn::make_network<Net>(seed_source + 1);
    const std::string good = text_of(source);
    REQUIRE(!same_bits(source, target));
    {
        Net n = target;
        REQUIRE(ctnn::read_text(good, n));
        REQUIRE(same_bits(n, source));
    }
    // Every line broken in each of several ways: each read fails and the
    // network keeps every bit; the line reported is the broken one (except
    // when the line is commented out: the fault shows later).
    const std::size_t lines = line_count(good);
    std::size_t failures = 0, on_the_line = 0;
    for (std::size_t n = 0; n < lines; ++n) {
        std::size_t start = 0;
        for (std::size_t k = 0; k < n; ++k) start = good.find('\n', start) + 1;
        const std::string line = good.substr(start, good.find('\n', start) - start);
        const std::string brokens[] = {line + " 0x1p+0", line + "x", "# " + line, line + " " + line};
        for (const std::string& broken : brokens) {
            const std::string text = with_line(good, n, broken);
            Net net = target;
            const ctnn::read_result r = ctnn::read_text(text, net);
            CAPTURE(n, broken, ctnn::describe(r.status), r.line);
            CHECK(!r);
            CHECK(same_bits(net, target));
            failures += !r;
            if (broken[0] != '#') {
                CHECK(r.line == n + 1);
                on_the_line += r.line == n + 1;
            }
        }
    }
    CHECK(failures == 4 * lines);
    CHECK(on_the_line == 3 * lines);
}

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;

template <class T>
T strto(const char* s, char** end) {
    if constexpr (std::is_same_v<T, double>) return std::strtod(s, end);
    else return std::strtof(s, end);
}

struct generator {
    std::uint64_t state;
    std::uint64_t next() { // splitmix64
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
};

// A hexadecimal number near T's limits or precision, sometimes mutated.
template <class T>
std::string random_number(generator& g) {
    static constexpr char hex[] = "0123456789abcdefABCDEF";
    std::string s;
    if (g.below(3) == 0) s += g.below(2) ? '-' : '+';
    s += g.below(8) ? "0x" : "0X";
    for (std::uint64_t k = g.below(4) == 0 ? g.below(20) : 0; k > 0; --k) s += '0';
    // Significant digits: few (exact), about as many as T has, or many.
    const std::uint64_t shape = g.below(4);
    const std::uint64_t count = shape == 0 ? 1 + g.below(3) : shape == 1 ? 1 + g.below(16) : 1 + g.below(40);
    const std::uint64_t point = g.below(count + 2);
    std::uint64_t zeros_from = g.below(2) ? count : g.below(count + 1); // trailing zeros keep values exact
    for (std::uint64_t k = 0; k < count; ++k) {
        if (k == point) s += '.';
        s += k >= zeros_from ? '0' : hex[g.below(22)];
    }
    if (point == count && g.below(2)) s += '.';
    s += g.below(8) ? 'p' : 'P';
    const int range = std::is_same_v<T, double> ? 1100 : 160;
    long long e = static_cast<long long>(g.below(2 * range)) - range;
    if (g.below(10) == 0) e *= 1000000;
    if (e >= 0 && g.below(2)) s += '+';
    s += std::to_string(e);
    if (g.below(6) == 0) { // a mutation: one character replaced, inserted or removed
        static constexpr char alphabet[] = "0x.pP+-19aAfFgG \t\r#e";
        const auto at = g.below(s.size() + 1);
        const char c = alphabet[g.below(sizeof alphabet - 1)];
        switch (g.below(3)) {
        case 0: if (at < s.size()) s[at] = c; break;
        case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: if (at < s.size()) s.erase(at, 1); break;
        }
    }
    if (g.below(50) == 0) {
        static constexpr const char* specials[] = {"inf", "-inf", "nan", "-nan", "INF", "Infinity", "+NaN",
                                                  "infinit", "nan(1)", "in", "-", ""};
        s = specials[g.below(std::size(specials))];
    }
    return s;
}

struct tally {
    long tried = 0, accepted = 0, refused_malformed = 0, refused_inexact = 0, long_accepted = 0, mismatches = 0;
};

// The grammar parse_hex accepts, written out independently of it:
// [+-]? ( 0[xX] (hex+ '.'? hex* | '.' hex+) [pP] [+-]? digit+ | inf | infinity | nan ),
// the words in any case. (Not std::regex: GCC 12 warns inside <regex> under
// the sanitizers, and the warning is an error here.)
bool well_formed(const std::string& s) {
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
    const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (at(i) == '+' || at(i) == '-') ++i;
    std::string rest = s.substr(i);
    for (char& c : rest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (rest == "inf" || rest == "infinity" || rest == "nan") return true;
    if (at(i) != '0' || (at(i + 1) != 'x' && at(i + 1) != 'X')) return false;
    i += 2;
    std::size_t before = 0, after = 0;
    while (hex(at(i))) ++i, ++before;
    if (at(i) == '.') {
        ++i;
        while (hex(at(i))) ++i, ++after;
    }
    if (before + after == 0) return false;
    if (at(i) != 'p' && at(i) != 'P') return false;
    ++i;
    if (at(i) == '+' || at(i) == '-') ++i;
    std::size_t exponent = 0;
    while (digit(at(i))) ++i, ++exponent;
    return exponent > 0 && i == s.size();
}

template <class T>
tally differential(std::uint64_t seed, long count) {
    generator g{seed};
    tally t;
    for (long i = 0; i < count; ++i) {
        const std::string s = random_number<T>(g);
        const auto got = ctnn::detail::io::parse_hex<T>(s);
        bool expect_ok = well_formed(s);
        T expected{};
        bool inexact = false;
        if (expect_ok) {
            // Exact: strtold rounding down and up agree, and that long double
            // is a T. (Not strtod/strtof themselves: glibc 2.36 rounds some
            // subnormal results the wrong way under FE_UPWARD/FE_DOWNWARD, e.g.
            // strtof("0x5a88744.p-154") and strtod("0xEa9BB02D.979de40p-1055")
            // come out the same both ways. Every value generated here is a
            // normal long double.)
            char* end = nullptr;
            std::fesetround(FE_DOWNWARD);
            const long double down = std::strtold(s.c_str(), &end);
            std::fesetround(FE_UPWARD);
            const long double up = std::strtold(s.c_str(), nullptr);
            std::fesetround(FE_TONEAREST);
            expected = strto<T>(s.c_str(), nullptr);
            if (end != s.c_str() + s.size()) {
                FAIL_CHECK("strtod does not read all of a well-formed number: " << s);
            }
            const bool nan = expected != expected;
            inexact = !nan && (down != up || static_cast<long double>(static_cast<T>(down)) != down);
            expect_ok = !inexact;
        }
        ++t.tried;
        bool match = got.ok == expect_ok;
        if (match && got.ok) {
            const bool nan = expected != expected;
            match = nan ? (got.value != got.value &&
                           std::bit_cast<bits_of<T>>(got.value) >> (8 * sizeof(T) - 1) ==
                               std::bit_cast<bits_of<T>>(expected) >> (8 * sizeof(T) - 1))
                        : std::bit_cast<bits_of<T>>(got.value) == std::bit_cast<bits_of<T>>(expected);
        }
        if (!match) {
            if (++t.mismatches <= 10) FAIL_CHECK("parse_hex and strtod differ on \"" << s << "\": ok=" << got.ok);
        }
        if (got.ok) {
            ++t.accepted;
            if (s.size() > 24) ++t.long_accepted;
        } else if (inexact) {
            ++t.refused_inexact;
        } else {
            ++t.refused_malformed;
        }
    }
    return t;
}

} // namespace

TEST_CASE("io_text: a failed read leaves the network exactly as it was (double)") { check_transactional<net_t>(); }

TEST_CASE("io_text: a failed read leaves the network exactly as it was (float)") {
    check_transactional<float_net_t>();
}

TEST_CASE("io_text: rows, line ends and separators at runtime") {
    const net_t source = ctnn::make_network<net_t>(seed_source);
    const std::string good = text_of(source);
    net_t n{};
    // Line 7 is the first row of W of the first dense layer (5 rows of 7).
    std::string text = good;
    text.insert(text.find('\n', text.find("dense 5 7")) + 1, "0x1p+0 ");
    ctnn::read_result r = ctnn::read_text(text, n);
    CHECK(r.status == ctnn::read_status::wrong_row_length);
    CHECK(r.line == 6);
    // The same text with lone CRs and with CRLFs: the same line.
    std::string cr = text, crlf;
    for (char& c : cr) c = c == '\n' ? '\r' : c;
    for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(ctnn::read_text(cr, n).line == 6);
    CHECK(ctnn::read_text(crlf, n).line == 6);
    std::string good_cr = good;
    for (char& c : good_cr) c = c == '\n' ? '\r' : c;
    CHECK(ctnn::read_text(good_cr, n));
    CHECK(same_bits(n, source));
}

TEST_CASE("io_text: parse_hex agrees with strtod: exact values read, others refused") {
    const tally t = differential<double>(seed_source, 300000);
    INFO("double: tried " << t.tried << ", accepted " << t.accepted << " (" << t.long_accepted
                          << " longer than 24 chars), refused: " << t.refused_malformed << " malformed, "
                          << t.refused_inexact << " not exact");
    CHECK(t.mismatches == 0);
    // Not vacuous: every class is well represented.
    CHECK(t.accepted > 50000);
    CHECK(t.long_accepted > 5000);
    CHECK(t.refused_malformed > 20000);
    CHECK(t.refused_inexact > 20000);
    std::printf("io_text differential, double: %ld tried, %ld accepted (%ld long), %ld malformed, %ld not exact\n",
                t.tried, t.accepted, t.long_accepted, t.refused_malformed, t.refused_inexact);
}

TEST_CASE("io_text: parse_hex<float> agrees with strtof: exact values read, others refused") {
    const tally t = differential<float>(seed_source + 7, 300000);
    INFO("float: tried " << t.tried << ", accepted " << t.accepted << ", refused: " << t.refused_malformed
                         << " malformed, " << t.refused_inexact << " not exact");
    CHECK(t.mismatches == 0);
    CHECK(t.accepted > 50000);
    CHECK(t.long_accepted > 5000);
    CHECK(t.refused_malformed > 20000);
    CHECK(t.refused_inexact > 20000);
    std::printf("io_text differential, float: %ld tried, %ld accepted (%ld long), %ld malformed, %ld not exact\n",
                t.tried, t.accepted, t.long_accepted, t.refused_malformed, t.refused_inexact);
}

TEST_CASE("io_text: every bit pattern tried reads back from %a and from put_hex") {
    generator g{seed_source};
    long mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
        const std::uint64_t b = g.next();
        const double x = std::bit_cast<double>(b);
        const float f = std::bit_cast<float>(static_cast<std::uint32_t>(b));
        char printed[64];
        std::snprintf(printed, sizeof printed, "%a", x);
        ctnn::char_buffer<64> ours, ours_f;
        ctnn::detail::io::put_hex(ours, x);
        ctnn::detail::io::put_hex(ours_f, static_cast<double>(f));
        const auto from_c = ctnn::detail::io::parse_hex<double>(printed);
        const auto from_ours = ctnn::detail::io::parse_hex<double>(ours.view());
        const auto from_ours_f = ctnn::detail::io::parse_hex<float>(ours_f.view());
        const bool nan = x != x, nan_f = f != f;
        if (!from_c.ok || !from_ours.ok || !from_ours_f.ok ||
            (!nan && (std::bit_cast<std::uint64_t>(from_c.value) != b ||
                      std::bit_cast<std::uint64_t>(from_ours.value) != b)) ||
            (!nan_f && std::bit_cast<std::uint32_t>(from_ours_f.value) != static_cast<std::uint32_t>(b))) {
            if (++mismatches <= 10) FAIL_CHECK("bit pattern " << b << " (" << printed << ") does not read back");
        }
    }
    CHECK(mismatches == 0);
}
