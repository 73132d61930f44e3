// backprop_vs_numerical - the study note's experiment in C++.
//
// Trains a 2-H-1 ReLU network (H = 10: 41 parameters) for 50 SGD steps, once
// with backpropagation and once with numerical differentiation, from the same
// weights; times each 50-step loop (median of many repetitions, since one
// loop takes microseconds); writes the per-step losses to a CSV file and, if
// gnuplot is installed, plots them.
//
//   backprop_vs_numerical [--hidden 10|100|1000] [--steps N] [--seed S] [--out DIR]
//
// The last line printed is
//   backprop_ms=<> numerical_ms=<> ratio=<> backprop_loss=<> numerical_loss=<>
// If a run diverges (the note's N(0, 1) initialisation with lr 0.07 does at
// --hidden 1000), a warning says so, the CSV holds only the steps that ran,
// and the exit status is 3.
//
// Every argument is checked before any work (a mistake: one message, exit
// status 2; --help: usage, exit 0), and DIR/losses.csv is created first, so an
// --out that cannot be written fails at once, not after the run. gnuplot, if
// installed, runs without a shell, in DIR, on a fixed script (DIR/losses.gp)
// that names only losses.csv and losses.png: no part of --out reaches a shell
// or gnuplot's command language.
#include <note_experiment.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr std::size_t max_steps = 1000000; // 10^6 steps: minutes for --hidden 1000's numerical run

struct options {
    std::size_t hidden = 10;
    std::size_t steps = 50;
    std::uint64_t seed = 1;
    std::string out = ".";
};

constexpr const char* usage_text =
    "usage: backprop_vs_numerical [--hidden 10|100|1000] [--steps N] [--seed S] [--out DIR]\n"
    "  the study note's experiment: trains a 2-H-1 ReLU network with backprop and with numerical\n"
    "  differentiation from the same start, times both, writes DIR/losses.csv (and losses.png with gnuplot)\n"
    "  --hidden H   hidden units: 10 (default), 100 or 1000\n"
    "  --steps N    SGD steps, 1 to 1000000 (default 50)\n"
    "  --seed S     seed of the weights and samples, 0 to 18446744073709551615 (default 1)\n"
    "  --out DIR    folder for losses.csv and losses.png, created if missing (default .)\n"
    "exit status: 0 done, 2 bad arguments or unwritable --out, 3 a run diverged\n";

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "backprop_vs_numerical: %s (see --help)\n", why.c_str());
    std::exit(2);
}

// A whole decimal number from `low` to `high`: digits only (no sign, no spaces, no 0x), no overflow.
std::uint64_t number(const std::string& option, const char* text, std::uint64_t low, std::uint64_t high) {
    const std::string_view s{text};
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value, 10);
    const bool digits_only = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits_only && !s.empty() && s[0] == '-')
        fail(option + " must not be negative: " + std::string(s));
    if (!digits_only || error == std::errc::invalid_argument || end != s.data() + s.size())
        fail(option + " needs a whole number, not '" + std::string(s) + "'");
    if (error == std::errc::result_out_of_range || value < low || value > high)
        fail(option + " must be from " + std::to_string(low) + " to " + std::to_string(high) + ", not " +
             std::string(s));
    return value;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        if (arg != "--hidden" && arg != "--steps" && arg != "--seed" && arg != "--out") fail("unknown option " + arg);
        if (i + 1 >= argc) fail("missing value after " + arg);
        const char* value = argv[++i];
        if (arg == "--hidden") {
            o.hidden = static_cast<std::size_t>(number(arg, value, 0, std::numeric_limits<std::uint64_t>::max()));
            if (o.hidden != 10 && o.hidden != 100 && o.hidden != 1000) fail("--hidden must be 10, 100 or 1000");
        } else if (arg == "--steps") {
            o.steps = static_cast<std::size_t>(number(arg, value, 1, max_steps));
        } else if (arg == "--seed") {
            o.seed = number(arg, value, 0, std::numeric_limits<std::uint64_t>::max());
        } else {
            o.out = value;
            if (o.out.empty()) fail("--out needs a folder name, not ''");
        }
    }
    return o;
}

// Creates the folder and opens DIR/losses.csv for writing, before any work.
std::FILE* open_csv(const options& o, std::string& csv) {
    std::error_code error;
    std::filesystem::create_directories(o.out, error);
    if (error) fail("cannot create --out folder " + o.out + ": " + error.message());
    csv = (std::filesystem::path(o.out) / "losses.csv").string();
    std::FILE* f = std::fopen(csv.c_str(), "w");
    if (f == nullptr) fail("cannot write " + csv + ": " + std::strerror(errno));
    return f;
}

// gnuplot, if installed, drawing DIR/losses.png from DIR/losses.csv: a fixed script file in DIR,
// run in DIR by fork and exec (no shell), its output discarded. True if it succeeded.
bool plot(const std::string& out) {
    const std::string script = (std::filesystem::path(out) / "losses.gp").string();
    if (std::FILE* f = std::fopen(script.c_str(), "w")) {
        std::fputs("# Drawn by backprop_vs_numerical: gnuplot losses.gp (in this folder)\n"
                   "set terminal pngcairo size 800,500 noenhanced\n"
                   "set output 'losses.png'\n"
                   "set datafile separator ','\n"
                   "set key autotitle columnhead\n"
                   "set xlabel 'step'\n"
                   "set ylabel 'loss (MSE)'\n"
                   "plot 'losses.csv' using 1:2 with lines lw 2, '' using 1:3 with lines lw 2 dt 2\n",
                   f);
        if (std::fclose(f) != 0) return false;
    } else {
        return false;
    }
    std::fflush(nullptr);
    const pid_t child = fork();
    if (child < 0) return false;
    if (child == 0) {
        const int null = open("/dev/null", O_RDWR);
        if (null < 0 || chdir(out.c_str()) != 0) _exit(127);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        char program[] = "gnuplot";
        char file[] = "losses.gp";
        char* arguments[] = {program, file, nullptr};
        execvp(program, arguments); // not installed: 127, and no plot
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

using clock_type = std::chrono::steady_clock;

struct timing {
    double median_ms;
    std::size_t repetitions;
};

// Repeats `loop` (one whole training run from the same start) until about
// `budget` seconds have passed (at least 5 times) and returns the median.
template <class Loop>
timing median_time(Loop&& loop, double budget) {
    std::vector<double> ms;
    const auto start = clock_type::now();
    while (ms.size() < 5 || (std::chrono::duration<double>(clock_type::now() - start).count() < budget &&
                             ms.size() < 100000)) {
        const auto t0 = clock_type::now();
        loop();
        const auto t1 = clock_type::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.size()};
}

volatile double sink; // results consumed, so no loop is optimised away

template <std::size_t Hidden>
int run(const options& o) {
    std::string csv;
    std::FILE* const f = open_csv(o, csv); // before any work: an unwritable --out fails at once
    using T = double;
    const auto s = note::make_setup<T, Hidden>(o.seed);
    using net_t = note::network<T, Hidden>;
    std::printf("study note experiment: 2-%zu-1 ReLU network, %zu parameters, %zu samples, %zu SGD steps, "
                "lr %.2f, h %.0e, seed %llu\n",
                Hidden, net_t::parameter_count, note::sample_count, o.steps, note::learning_rate,
                note::numerical_step, static_cast<unsigned long long>(o.seed));

    const T initial_loss = note::mean_loss(s.net, s.data);
    std::vector<T> losses[2];
    T final_loss[2] = {0, 0};
    timing times[2] = {};
    ctnn::training_status status[2] = {ctnn::training_status::ok, ctnn::training_status::ok};
    const note::method methods[2] = {note::method::backprop, note::method::numerical};

    for (int m = 0; m < 2; ++m) {
        // One recorded run for the losses ...
        net_t net = s.net;
        ctnn::splitmix64 draws = s.draws;
        losses[m].reserve(o.steps);
        status[m] = note::train(net, s.data, draws, o.steps, methods[m],
                                [&](std::size_t, T loss) { losses[m].push_back(loss); }); // the steps that ran
        final_loss[m] = note::mean_loss(net, s.data);
        // ... then the timed repetitions of the same run.
        const double budget = Hidden >= 1000 && m == 1 ? 3.0 : 1.0;
        times[m] = median_time(
            [&] {
                net_t n = s.net;
                ctnn::splitmix64 d = s.draws;
                note::train(n, s.data, d, o.steps, methods[m]);
                sink = n.parameters[0];
            },
            budget);
    }

    // One row per step that ran in either run; a run that stopped early leaves its column empty after.
    std::fprintf(f, "step,backprop_loss,numerical_loss\n");
    const std::size_t rows = std::max(losses[0].size(), losses[1].size());
    for (std::size_t i = 0; i < rows; ++i) {
        std::fprintf(f, "%zu", i + 1);
        for (int m = 0; m < 2; ++m) {
            if (i < losses[m].size()) std::fprintf(f, ",%.17g", losses[m][i]);
            else std::fputc(',', f);
        }
        std::fputc('\n', f);
    }
    if (std::fclose(f) != 0) {
        std::fprintf(stderr, "backprop_vs_numerical: cannot write %s: %s\n", csv.c_str(), std::strerror(errno));
        return 2;
    }
    std::printf("per-step losses written to %s\n", csv.c_str());
    if (plot(o.out))
        std::printf("loss curves drawn to %s\n", (std::filesystem::path(o.out) / "losses.png").string().c_str());

    std::printf("mean loss over the %zu samples: initial %.6g, after backprop %.6g, after numerical %.6g\n",
                note::sample_count, initial_loss, final_loss[0], final_loss[1]);
    std::printf("%zu-step loop, median of %zu / %zu runs: backprop %.6f ms, numerical %.6f ms\n", o.steps,
                times[0].repetitions, times[1].repetitions, times[0].median_ms, times[1].median_ms);
    bool diverged = false;
    for (int m = 0; m < 2; ++m) {
        if (status[m] != ctnn::training_status::ok) {
            diverged = true;
            std::printf("warning: the %s run stopped early, after %zu of %zu steps: %s\n",
                        m == 0 ? "backprop" : "numerical", losses[m].size(), o.steps, ctnn::describe(status[m]));
        }
    }
    std::printf("backprop_ms=%.6f numerical_ms=%.6f ratio=%.2f backprop_loss=%.6g numerical_loss=%.6g\n",
                times[0].median_ms, times[1].median_ms, times[1].median_ms / times[0].median_ms, final_loss[0],
                final_loss[1]);
    return diverged ? 3 : 0; // reported, never silent
}

} // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    switch (o.hidden) {
    case 10: return run<10>(o);
    case 100: return run<100>(o);
    case 1000: return run<1000>(o);
    default: fail("--hidden must be 10, 100 or 1000");
    }
}
