// no_allocations.cpp - the host's proof that ctnn does not allocate.
//
// Replaces the global operator new/delete (every form) and malloc, calloc,
// realloc, free (forwarding to glibc's own), and counts the calls made while
// ctnn works: forward passes, backprop, numerical gradients, gradient checks,
// training steps, initialisation. The count must be 0.
//
//   embedded_host_no_allocations            ctnn's operations: exit 0 if none allocated
//   embedded_host_no_allocations --control  the counter's own check: exit 0 only
//                                           if it sees operator new and malloc
//
// Inputs come from a volatile seed, so the compiler cannot evaluate the calls
// at compile time and must run them here.
#include <ctnn/ctnn.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

// A sanitizer brings its own allocator and intercepts malloc; replacing malloc
// under it would mix two heaps. The plain builds run this test.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CTNN_SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define CTNN_SANITIZED_BUILD 1
#endif
#endif

#if !defined(__GLIBC__) || defined(CTNN_SANITIZED_BUILD)
int main() {
#if defined(CTNN_SANITIZED_BUILD)
    std::puts("skipped: a sanitizer owns malloc in this build; the unsanitized builds count allocations");
#else
    std::puts("skipped: replacing malloc needs glibc's __libc_malloc");
#endif
    return 77;
}
#else

extern "C" {
void* __libc_malloc(std::size_t) noexcept;
void* __libc_calloc(std::size_t, std::size_t) noexcept;
void* __libc_realloc(void*, std::size_t) noexcept;
void __libc_free(void*) noexcept;
void* __libc_memalign(std::size_t, std::size_t) noexcept;
}

namespace {

struct counters {
    bool counting = false;
    std::size_t operator_new = 0;
    std::size_t operator_delete = 0;
    std::size_t malloc = 0; // malloc, calloc, realloc, aligned_alloc, memalign, posix_memalign
    std::size_t free = 0;
    std::size_t total() const noexcept { return operator_new + operator_delete + malloc + free; }
};

counters seen;

void* counted_new(std::size_t size) {
    if (seen.counting) ++seen.operator_new;
    if (void* p = __libc_malloc(size == 0 ? 1 : size)) return p;
    std::abort();
}

void* counted_new_aligned(std::size_t size, std::align_val_t align) {
    if (seen.counting) ++seen.operator_new;
    if (void* p = __libc_memalign(static_cast<std::size_t>(align), size == 0 ? 1 : size)) return p;
    std::abort();
}

void counted_delete(void* p) noexcept {
    if (seen.counting) ++seen.operator_delete;
    __libc_free(p);
}

} // namespace

// The C allocator, counted.
extern "C" {
void* malloc(std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t align, std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    return __libc_memalign(align, size);
}
void* memalign(std::size_t align, std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
    if (seen.counting) ++seen.malloc;
    *out = __libc_memalign(align, size);
    return *out ? 0 : 12; // ENOMEM
}
void free(void* p) noexcept {
    if (seen.counting) ++seen.free;
    __libc_free(p);
}
}

// Every replaceable form of the global operator new and delete.
void* operator new(std::size_t size) { return counted_new(size); }
void* operator new[](std::size_t size) { return counted_new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_new_aligned(size, a); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_new_aligned(size, a); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_new_aligned(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_new_aligned(size, a);
}
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_delete(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_delete(p); }

namespace {

volatile std::uint64_t seed_source = 20240501; // unknown to the compiler
volatile double sink = 0;                      // results go here, so they are computed

void keep(double value) noexcept { sink = sink + value; }

template <class Array>
void keep_all(const Array& a) noexcept {
    for (const auto v : a) keep(static_cast<double>(v));
}

// ctnn's operations on one network type, from a seed only known at runtime.
template <class Net>
void exercise(std::uint64_t seed) noexcept {
    using T = typename Net::scalar;
    ctnn::splitmix64 gen{seed};
    auto net = ctnn::make_network<Net>(gen.next(), ctnn::init::uniform{-1.0, 1.0});
    ctnn::initialise(net, ctnn::init::normal{0.0, 0.5}, gen);

    typename Net::input_type x{};
    typename Net::output_type d{};
    for (auto& v : x) v = gen.uniform<T>(T(-1), T(1));
    for (auto& v : d) v = gen.uniform<T>(T(-1), T(1));
    std::array<typename Net::input_type, 3> xs{x, x, x};
    std::array<typename Net::output_type, 3> ds{d, d, d};
    for (auto& s : xs[1]) s = -s;
    for (auto& s : ds[2]) s = s / T(2);

    keep_all(net.forward(x));
    const auto trace = net.forward_trace(x);
    typename Net::trace_type trace_again{};
    net.forward(x, trace_again);
    typename Net::gradient_type g{};
    keep_all(net.backward(trace, d, g));
    net.accumulate_gradient(trace_again, d, g);
    keep_all(g);

    keep(static_cast<double>(ctnn::loss_value(net, ctnn::mse{}, x, d)));
    keep(static_cast<double>(ctnn::mean_loss(net, ctnn::mse{}, xs, ds)));
    const auto bp = ctnn::backprop(net, ctnn::mse{}, x, d);
    keep(static_cast<double>(bp.loss));
    keep_all(bp.gradient);
    keep_all(ctnn::numerical_gradient(net, ctnn::mse{}, x, d, T(1e-3)));

    const auto one = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    const auto several = ctnn::gradient_check(net, ctnn::mse{}, xs, ds);
    const auto inputs = ctnn::input_gradient_check(net, ctnn::mse{}, x, d);
    const auto loss_check = ctnn::loss_gradient_check(ctnn::mse{}, net.forward(x), d);
    keep(one.max_relative_error + several.max_relative_error + inputs.max_relative_error +
         loss_check.max_relative_error);

    ctnn::sgd optimiser{0.05};
    for (int step = 0; step < 5; ++step) keep(static_cast<double>(ctnn::train_step(net, ctnn::mse{}, optimiser, x, d)));
    keep(static_cast<double>(ctnn::train_step_numerical(net, ctnn::mse{}, optimiser, x, d, T(1e-3))));
    keep_all(ctnn::convert<double>(net).parameters);
}

int check_ctnn() {
    const std::uint64_t seed = seed_source;
    seen.counting = true;
    exercise<ctnn::network<float, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>>(seed);
    exercise<ctnn::network<double, ctnn::dense<3, 5>, ctnn::tanh, ctnn::dense<5, 4>, ctnn::sigmoid,
                           ctnn::dense<4, 2>, ctnn::identity>>(seed + 1);
    exercise<ctnn::network<float, ctnn::input<4>, ctnn::tanh>>(seed + 2);
    seen.counting = false;

    std::printf("allocations during forward, backward, backprop, numerical gradient, gradient checks, "
                "training steps and initialisation: operator new %zu, operator delete %zu, malloc %zu, free %zu\n",
                seen.operator_new, seen.operator_delete, seen.malloc, seen.free);
    if (seen.total() != 0) {
        std::puts("FAILED: ctnn allocated");
        return 1;
    }
    std::puts("ok: no allocation");
    return 0;
}

// The negative control: the counter must see what it is there to see. The
// calls go through volatile pointers so the compiler cannot elide them.
int check_counter() {
    void* (*volatile plain_new)(std::size_t) = static_cast<void* (*)(std::size_t)>(&::operator new);
    void (*volatile plain_delete)(void*) noexcept = static_cast<void (*)(void*) noexcept>(&::operator delete);
    void* (*volatile c_malloc)(std::size_t) noexcept = &std::malloc;
    void (*volatile c_free)(void*) noexcept = &std::free;
    const std::size_t size = static_cast<std::size_t>(seed_source % 64) + 1;

    seen.counting = true;
    void* a = plain_new(size);
    void* b = c_malloc(size);
    std::memset(a, 0, size);
    std::memset(b, 0, size);
    plain_delete(a);
    c_free(b);
    seen.counting = false;

    std::printf("control: operator new %zu, operator delete %zu, malloc %zu, free %zu\n", seen.operator_new,
                seen.operator_delete, seen.malloc, seen.free);
    if (seen.operator_new == 0 || seen.operator_delete == 0 || seen.malloc == 0 || seen.free == 0) {
        std::puts("FAILED: the counter missed an allocation");
        return 1;
    }
    std::puts("ok: the counter sees operator new, operator delete, malloc and free");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--control") == 0) return check_counter();
    return check_ctnn();
}

#endif
