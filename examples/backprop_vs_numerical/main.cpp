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
// --hidden 1000), a warning says so and the exit status is 3.
#include <note_experiment.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

struct options {
    std::size_t hidden = 10;
    std::size_t steps = 50;
    std::uint64_t seed = 1;
    std::string out = ".";
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "backprop_vs_numerical: %s\n"
                 "usage: backprop_vs_numerical [--hidden 10|100|1000] [--steps N] [--seed S] [--out DIR]\n",
                 why);
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") usage("the study note's experiment");
        if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
        const char* value = argv[++i];
        char* end = nullptr;
        if (arg == "--hidden") o.hidden = std::strtoull(value, &end, 10);
        else if (arg == "--steps") o.steps = std::strtoull(value, &end, 10);
        else if (arg == "--seed") o.seed = std::strtoull(value, &end, 10);
        else if (arg == "--out") { o.out = value; continue; }
        else usage(("unknown option " + arg).c_str());
        if (end == value || *end != '\0') usage(("not a number: " + std::string(value)).c_str());
    }
    if (o.steps == 0) usage("--steps must be at least 1");
    return o;
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
        losses[m].resize(o.steps);
        status[m] = note::train(net, s.data, draws, o.steps, methods[m],
                                [&](std::size_t step, T loss) { losses[m][step] = loss; });
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

    std::filesystem::create_directories(o.out);
    const std::string csv = o.out + "/losses.csv";
    if (std::FILE* f = std::fopen(csv.c_str(), "w")) {
        std::fprintf(f, "step,backprop_loss,numerical_loss\n");
        for (std::size_t i = 0; i < o.steps; ++i) std::fprintf(f, "%zu,%.17g,%.17g\n", i + 1, losses[0][i], losses[1][i]);
        std::fclose(f);
        std::printf("per-step losses written to %s\n", csv.c_str());
    } else {
        std::fprintf(stderr, "cannot write %s\n", csv.c_str());
        return 1;
    }
    if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
        const std::string png = o.out + "/losses.png";
        const std::string cmd =
            "gnuplot -e \"set terminal pngcairo size 800,500 noenhanced; set output '" + png +
            "'; set datafile separator ','; set key autotitle columnhead; set xlabel 'step'; "
            "set ylabel 'loss (MSE)'; plot '" + csv + "' using 1:2 with lines lw 2, '' using 1:3 with lines lw 2 dt 2\" "
            ">/dev/null 2>&1";
        if (std::system(cmd.c_str()) == 0) std::printf("loss curves drawn to %s\n", png.c_str());
    }

    std::printf("mean loss over the %zu samples: initial %.6g, after backprop %.6g, after numerical %.6g\n",
                note::sample_count, initial_loss, final_loss[0], final_loss[1]);
    std::printf("%zu-step loop, median of %zu / %zu runs: backprop %.6f ms, numerical %.6f ms\n", o.steps,
                times[0].repetitions, times[1].repetitions, times[0].median_ms, times[1].median_ms);
    bool diverged = false;
    for (int m = 0; m < 2; ++m) {
        if (status[m] != ctnn::training_status::ok) {
            diverged = true;
            std::printf("warning: the %s run stopped early: %s\n", m == 0 ? "backprop" : "numerical",
                        ctnn::describe(status[m]));
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
    default: usage("--hidden must be 10, 100 or 1000");
    }
}
