// main.cpp - ctnn on a microcontroller: the same source is the firmware
// (device/, run in QEMU) and an ordinary host program.
//
// 1. Inference: the network trained by the compiler (model.cpp, in flash)
//    runs on the probe inputs; each output must equal, bit for bit, the one
//    the compiler computed (with -ffp-contract=off both sides round the same
//    operations the same way).
// 2. Fine-tuning (CTNN_EMBEDDED_FINE_TUNING=1): a copy of the network in RAM
//    takes a few SGD steps on a drifted task; its loss must fall, and its
//    loss and parameters must equal the compiler's run of the same steps.
// 3. A footprint line (device only):
//    footprint board=<board> text=<bytes> data=<bytes> bss=<bytes> stack_peak=<bytes>
//
// Exit status 0 only if every check holds. No printf (newlib's allocates), no
// heap, no exceptions: text is assembled by the small writers below.
#include "model.hpp"
#include "platform.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>

#ifndef CTNN_EMBEDDED_FINE_TUNING
#define CTNN_EMBEDDED_FINE_TUNING 1
#endif

namespace {

void put(const char* text) noexcept { platform::write(text); }

void put_unsigned(std::uint32_t value) noexcept {
    char digits[11];
    char* p = digits + sizeof digits;
    *--p = '\0';
    do {
        *--p = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    put(p);
}

void put_hex(std::uint32_t value) noexcept {
    char digits[11] = {'0', 'x'};
    for (int k = 0; k < 8; ++k) digits[2 + k] = "0123456789abcdef"[(value >> (28 - 4 * k)) & 0xF];
    digits[10] = '\0';
    put(digits);
}

// value to `decimals` places, rounded half away from zero; |value| < 4e5.
void put_fixed(float value, int decimals = 4) noexcept {
    if (value != value) return put("nan");
    if (value < 0) {
        put("-");
        value = -value;
    }
    if (value >= 4e5f) return put("inf");
    std::uint32_t scale = 1;
    for (int k = 0; k < decimals; ++k) scale *= 10;
    const auto scaled = static_cast<std::uint32_t>(value * static_cast<float>(scale) + 0.5f);
    put_unsigned(scaled / scale);
    put(".");
    char digits[10];
    std::uint32_t fraction = scaled % scale;
    for (int k = decimals - 1; k >= 0; --k, fraction /= 10) digits[k] = static_cast<char>('0' + fraction % 10);
    digits[decimals] = '\0';
    put(digits);
}

std::uint32_t bits(float value) noexcept { return std::bit_cast<std::uint32_t>(value); }

// Reads an object the compiler must not assume: a control flips one bit of a
// result through it.
template <class T>
T opaque(T value) noexcept {
    volatile T copy = value;
    return copy;
}

bool check_inference() noexcept {
    using namespace embedded;
    std::size_t exact = 0;
    for (std::size_t k = 0; k < probe_count; ++k) {
        const auto& x = probe_inputs[k];
        float y = trained.forward(x)[0];
#ifdef CTNN_EMBEDDED_CONTROL_MISMATCH
        // Negative control: the device's result one unit in the last place off.
        if (k == 0) y = std::bit_cast<float>(opaque(bits(y)) ^ 1u);
#endif
        const float expected = expected_outputs[k][0];
        const bool same = bits(y) == bits(expected);
        exact += same ? 1 : 0;
        put("  x=(");
        put_fixed(x[0]);
        put(", ");
        put_fixed(x[1]);
        put(")  device y=");
        put_fixed(y);
        put(" ");
        put_hex(bits(y));
        put("  compile-time y=");
        put_hex(bits(expected));
        put("  target=");
        put_fixed(3 * x[0] + 2 * x[1]);
        put(same ? "  same\n" : "  DIFFERENT\n");
    }
    put("inference: ");
    put_unsigned(static_cast<std::uint32_t>(exact));
    put("/");
    put_unsigned(static_cast<std::uint32_t>(probe_count));
    put(" outputs equal the compiler's, bit for bit\n");
    return exact == probe_count;
}

#if CTNN_EMBEDDED_FINE_TUNING
bool check_fine_tuning() noexcept {
    using namespace embedded;
    network net = trained; // the copy in RAM that learns
    const float before = drifted_loss(net, evaluation_seed);
    fine_tune(net, fine_tuning_seed, fine_tuning_steps);
    const float after = drifted_loss(net, evaluation_seed);

    std::size_t exact = 0;
    for (std::size_t k = 0; k < network::parameter_count; ++k)
        exact += bits(net.parameters[k]) == bits(expected_fine_tuning.parameters[k]) ? 1 : 0;
    const bool losses_same =
        bits(before) == bits(expected_fine_tuning.loss_before) && bits(after) == bits(expected_fine_tuning.loss_after);
    const bool fell = after < before;

    put("fine-tuning: ");
    put_unsigned(static_cast<std::uint32_t>(fine_tuning_steps));
    put(" SGD steps in RAM on d = 3 x0 + 2 x1 + ");
    put_fixed(fine_tuning_offset, 1);
    put(": loss ");
    put_fixed(before, 6);
    put(" -> ");
    put_fixed(after, 6);
    put(fell ? " (fell)" : " (DID NOT FALL)");
    put(losses_same ? ", losses equal the compiler's" : ", losses DIFFER from the compiler's");
    put(", parameters equal bit for bit: ");
    put_unsigned(static_cast<std::uint32_t>(exact));
    put("/");
    put_unsigned(static_cast<std::uint32_t>(network::parameter_count));
    put("\n");
    return fell && losses_same && exact == network::parameter_count;
}
#endif

void report_footprint() noexcept {
    platform::footprint f{};
    if (!platform::measure(f)) return;
    put("footprint board=");
    put(f.board);
    put(" text=");
    put_unsigned(f.text);
    put(" data=");
    put_unsigned(f.data);
    put(" bss=");
    put_unsigned(f.bss);
    put(" stack_peak=");
    put_unsigned(f.stack_peak);
    put("\n");
}

} // namespace

int main() {
    using namespace embedded;
    put("ctnn embedded example: 2-10-1 ReLU network, float, ");
    put_unsigned(static_cast<std::uint32_t>(network::parameter_count));
    put(" parameters trained at compile time (");
    put_unsigned(static_cast<std::uint32_t>(training_steps));
    put(" SGD steps: loss ");
    put_fixed(initial_loss, 6);
    put(" -> ");
    put_fixed(trained_loss, 6);
    put(")\n");

    bool ok = check_inference();
#if CTNN_EMBEDDED_FINE_TUNING
    ok = check_fine_tuning() && ok;
#endif
#ifdef CTNN_EMBEDDED_CONTROL_HANG
    // Negative control: a firmware that never returns must fail by timeout.
    for (volatile bool spin = true; spin;) {
    }
#endif
    report_footprint();
    put(ok ? "result: ok\n" : "result: FAILED\n");
    return ok ? 0 : 1;
}
