// gru_effect - a GRU learns a nonlinear audio effect, then runs sample by
// sample, as an audio plug-in or a pedal would run it.
//
// The effect (the "device" to model) is a one-pole low-pass filter at 1.5 kHz
// followed by a tanh waveshaper with a drive of 4, at 16 kHz. The example
// makes its own audio: an exponential chirp (40 Hz to 6 kHz) with a slowly
// moving level, plus white noise; 4 s for training, and a different 1 s
// (another sweep, another noise seed) held out.
//
// The model is ctnn::network<float, input<48, 1>, gru<12>, each_step<dense<12, 1>>>:
// 12 hidden units, a per-sample linear readout, 553 parameters. It trains on
// windows of 48 samples drawn from the training audio (truncated
// backpropagation through time: each window starts from a zero state, and the
// first 8 outputs of a window, while the state warms up, are left out of the
// loss), 16 windows a batch, Adam with a cosine-decayed learning rate. Then
// ctnn::stream runs the trained network one sample at a time over the
// held-out second from a zero state, and the error-to-signal ratio
//   ESR = Σ (output − target)² / Σ target²
// is measured on it.
//
//   gru_effect [--out DIR]      (default: gru_effect_out)
//
// Writes DIR/effect.csv (time, input, target, output of the held-out audio)
// and, if gnuplot is installed, DIR/effect.png (20 ms of it); gnuplot runs
// without a shell, in DIR, on a fixed script (DIR/effect.gp). The last line
// printed is `esr=<ESR>`; the exit status is 1 if the ESR is not below 0.01.
#include <ctnn/ctnn.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <numbers>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr double sample_rate = 16000.0;
constexpr double cutoff_hz = 1500.0;
constexpr double drive = 4.0;

constexpr std::size_t window = 48;  // samples per training window
constexpr std::size_t warm_up = 8;  // outputs of a window not scored
constexpr std::size_t hidden = 12;
constexpr std::size_t batch = 16;
constexpr std::size_t training_steps = 2500; // batches
constexpr double learning_rate = 0.01;

using net_t = ctnn::network<float, ctnn::input<window, 1>, ctnn::gru<hidden>, ctnn::each_step<ctnn::dense<hidden, 1>>>;

// ½·mean squared error over the outputs after the warm-up: a window starts
// from a zero state, the effect's filter does not, so the first outputs
// cannot be right and are not asked to be.
struct mse_after_warm_up {
    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = warm_up; i < N; ++i) sum += (y[i] - d[i]) * (y[i] - d[i]);
        return sum / T(2 * (N - warm_up));
    }
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d,
                                   std::array<T, N>& dy) noexcept {
        for (std::size_t i = 0; i < N; ++i) dy[i] = i < warm_up ? T(0) : (y[i] - d[i]) / T(N - warm_up);
    }
};

struct audio {
    std::vector<float> input, target;
};

// An exponential sweep from f0 to f1 over the whole length, its level moving
// between 0.25 and 1 (so the waveshaper is driven both gently and hard), plus
// white noise; then the effect.
audio make_audio(double seconds, double f0, double f1, double level_rate_hz, std::uint64_t noise_seed) {
    const auto n = static_cast<std::size_t>(seconds * sample_rate);
    audio a{std::vector<float>(n), std::vector<float>(n)};
    ctnn::splitmix64 noise{noise_seed};
    const double k = std::log(f1 / f0);
    const double a_lp = 1.0 - std::exp(-2.0 * std::numbers::pi * cutoff_hz / sample_rate);
    double low = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / sample_rate;
        // phase of f(t) = f0·e^(k·t/T): 2π·f0·T/k·(e^(k·t/T) − 1)
        const double phase = 2.0 * std::numbers::pi * f0 * seconds / k * (std::exp(k * t / seconds) - 1.0);
        const double level = 0.625 + 0.375 * std::sin(2.0 * std::numbers::pi * level_rate_hz * t);
        const double x = 0.8 * level * std::sin(phase) + 0.1 * noise.uniform<double>(-1.0, 1.0);
        low += a_lp * (x - low);
        a.input[i] = static_cast<float>(x);
        a.target[i] = static_cast<float>(std::tanh(drive * low));
    }
    return a;
}

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "gru_effect: %s\n", message.c_str());
    std::exit(2);
}

// gnuplot, if installed, drawing DIR/effect.png from DIR/effect.csv: a fixed
// script in DIR, run in DIR by fork and exec (no shell). True if it worked.
bool plot(const std::string& out) {
    const std::string script = (std::filesystem::path(out) / "effect.gp").string();
    if (std::FILE* f = std::fopen(script.c_str(), "w")) {
        std::fputs("# Drawn by gru_effect: gnuplot effect.gp (in this folder)\n"
                   "set terminal pngcairo size 1000,500 noenhanced\n"
                   "set output 'effect.png'\n"
                   "set datafile separator ','\n"
                   "set key autotitle columnhead\n"
                   "set xlabel 'time (s), held-out audio'\n"
                   "set xrange [0.5:0.52]\n"
                   "plot 'effect.csv' using 1:2 with lines lc rgb '#bbbbbb', "
                   "'' using 1:3 with lines lw 3 lc rgb '#1f77b4', '' using 1:4 with lines lw 1.5 dt 2 lc rgb '#d62728'\n",
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
        char file[] = "effect.gp";
        char* arguments[] = {program, file, nullptr};
        execvp(program, arguments); // not installed: 127, and no plot
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string out = "gru_effect_out";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::puts("usage: gru_effect [--out DIR]\n"
                      "  trains a GRU on a synthetic low-pass + tanh effect, streams it over held-out audio,\n"
                      "  writes DIR/effect.csv (and effect.png with gnuplot); last line esr=<error-to-signal ratio>");
            return 0;
        }
        if (arg == "--out" && i + 1 < argc && argv[i + 1][0] != '\0') out = argv[++i];
        else fail("unknown or incomplete argument '" + arg + "' (try --help)");
    }
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error) fail("cannot create --out folder " + out + ": " + error.message());
    const std::string csv = (std::filesystem::path(out) / "effect.csv").string();
    std::FILE* file = std::fopen(csv.c_str(), "w");
    if (file == nullptr) fail("cannot write " + csv + ": " + std::strerror(errno));

    const audio train = make_audio(4.0, 40.0, 6000.0, 1.3, 1);
    const audio held_out = make_audio(1.0, 5000.0, 60.0, 2.1, 2); // swept downwards, other noise

    const float bound = 1.0f / std::sqrt(float(hidden)); // PyTorch's initialisation of a GRU
    auto net = std::make_unique<net_t>(ctnn::make_network<net_t>(42, ctnn::init::uniform{-bound, bound}));
    auto opt = std::make_unique<ctnn::adam_for<net_t>>();
    ctnn::splitmix64 draw{7};
    std::array<std::array<float, window>, batch> xs{}, ds{};
    std::printf("gru_effect: %zu parameters (gru<%zu> + dense readout), windows of %zu samples, batches of %zu\n",
                net_t::parameter_count, hidden, window, batch);
    const auto start = std::chrono::steady_clock::now();
    double running = 0;
    for (std::size_t step = 0; step < training_steps; ++step) {
        for (std::size_t b = 0; b < batch; ++b) {
            const std::size_t at = draw.next() % (train.input.size() - window);
            for (std::size_t t = 0; t < window; ++t) {
                xs[b][t] = train.input[at + t];
                ds[b][t] = train.target[at + t];
            }
        }
        opt->learning_rate = learning_rate * (0.02 + 0.98 * 0.5 * (1.0 + std::cos(std::numbers::pi * double(step) /
                                                                                 double(training_steps))));
        const float loss = ctnn::train_batch(*net, mse_after_warm_up{}, *opt, xs, ds);
        running = step == 0 ? loss : 0.98 * running + 0.02 * loss;
        if ((step + 1) % 500 == 0) std::printf("  step %5zu  loss %.6f\n", step + 1, running);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("trained in %.1f s (%zu windows)\n", seconds, training_steps * batch);

    // The held-out second, one sample at a time, from a zero state. The
    // stream is the windowed forward, bit for bit: checked on the first window.
    {
        ctnn::stream check(*net);
        net_t::input_type first{};
        for (std::size_t t = 0; t < window; ++t) first[t] = held_out.input[t];
        const auto y = net->forward(first);
        std::size_t same = 0;
        for (std::size_t t = 0; t < window; ++t) same += check.step(first[t]) == y[t] ? 1 : 0;
        std::printf("stream vs windowed forward on the first %zu held-out samples: %zu/%zu equal\n", window, same,
                    window);
        if (same != window) return 1;
    }
    ctnn::stream s(*net);
    double error_energy = 0, signal_energy = 0;
    std::fputs("time,input,target,output\n", file);
    for (std::size_t i = 0; i < held_out.input.size(); ++i) {
        const float y = s.step(held_out.input[i]);
        const double e = double(y) - double(held_out.target[i]);
        error_energy += e * e;
        signal_energy += double(held_out.target[i]) * double(held_out.target[i]);
        std::fprintf(file, "%.6f,%.6f,%.6f,%.6f\n", double(i) / sample_rate, double(held_out.input[i]),
                     double(held_out.target[i]), double(y));
    }
    if (std::fclose(file) != 0) fail("cannot write " + csv);
    const double esr = error_energy / signal_energy;
    std::printf("held-out audio: %zu samples streamed; wrote %s%s\n", held_out.input.size(), csv.c_str(),
                plot(out) ? " and effect.png" : "");
    std::printf("esr=%.6f\n", esr);
    return esr < 0.01 ? 0 : 1;
}
