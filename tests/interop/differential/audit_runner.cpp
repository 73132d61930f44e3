// ctnn's value and derivative of every activation and loss at given points,
// for reference_derivatives.py (the high-precision audit of issue 13).
//
// Reads lines "<function> <float|double> <x as hex float> [<target as hex float>]"
// on stdin; prints "<value> <derivative>" as hex floats. Everything goes
// through the public API: an activation f is evaluated as the network
// dense<1, 1> (weight 1, bias 0, so its output is x exactly) followed by f,
// with a loss whose gradient is 1, so backprop's bias gradient is f'(x); a
// loss is evaluated on a network dense<N, N> holding the identity matrix, so
// the bias gradient is dE/dy.
#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// E = Σ y·d, dE/dy = d: backprop then returns dy/dparameters for d = 1.
struct linear_loss {
    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) sum += y[i] * d[i];
        return sum;
    }
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>&, const std::array<T, N>& d, std::array<T, N>& dy) noexcept {
        dy = d;
    }
};

template <class T, class Act>
void activation(T x) {
    using net_t = ctnn::network<T, ctnn::dense<1, 1>, Act>;
    net_t net{};
    net.parameters = {T(1), T(0)};
    const auto bp = ctnn::backprop(net, linear_loss{}, std::array<T, 1>{x}, std::array<T, 1>{T(1)});
    std::printf("%a %a\n", static_cast<double>(net.forward(std::array<T, 1>{x})[0]),
                static_cast<double>(bp.gradient[1]));
}

// softmax of (x, 0): output 0 (= σ(x)) and its derivative in x.
template <class T>
void softmax2(T x) {
    using net_t = ctnn::network<T, ctnn::dense<2, 2>, ctnn::softmax>;
    net_t net{};
    net.parameters = {T(1), T(0), T(0), T(1), T(0), T(0)};
    const std::array<T, 2> in{x, T(0)};
    const auto bp = ctnn::backprop(net, linear_loss{}, in, std::array<T, 2>{T(1), T(0)});
    std::printf("%a %a\n", static_cast<double>(net.forward(in)[0]), static_cast<double>(bp.gradient[4]));
}

template <class T, class Loss>
void loss1(T y, T d) {
    using net_t = ctnn::network<T, ctnn::dense<1, 1>>;
    net_t net{};
    net.parameters = {T(1), T(0)};
    const auto bp = ctnn::backprop(net, Loss{}, std::array<T, 1>{y}, std::array<T, 1>{d});
    std::printf("%a %a\n", static_cast<double>(bp.loss), static_cast<double>(bp.gradient[1]));
}

// Softmax cross-entropy on two logits (z0, z1), target (d, 1 − d): E and dE/dz0.
template <class T>
void sce2(T z0, T z1, T d) {
    using net_t = ctnn::network<T, ctnn::dense<2, 2>>;
    net_t net{};
    net.parameters = {T(1), T(0), T(0), T(1), T(0), T(0)};
    const auto bp = ctnn::backprop(net, ctnn::softmax_cross_entropy{}, std::array<T, 2>{z0, z1},
                                   std::array<T, 2>{d, T(1) - d});
    std::printf("%a %a\n", static_cast<double>(bp.loss), static_cast<double>(bp.gradient[4]));
}

template <class T>
bool dispatch(const std::string& f, T x, T d) {
    if (f == "identity") activation<T, ctnn::identity>(x);
    else if (f == "relu") activation<T, ctnn::relu>(x);
    else if (f == "leaky_relu") activation<T, ctnn::leaky_relu<>>(x);
    else if (f == "leaky_relu_1_5") activation<T, ctnn::leaky_relu<1, 5>>(x);
    else if (f == "elu") activation<T, ctnn::elu<>>(x);
    else if (f == "elu_3_2") activation<T, ctnn::elu<3, 2>>(x);
    else if (f == "sigmoid") activation<T, ctnn::sigmoid>(x);
    else if (f == "tanh") activation<T, ctnn::tanh>(x);
    else if (f == "gelu") activation<T, ctnn::gelu>(x);
    else if (f == "softmax") softmax2<T>(x);
    else if (f == "mse") loss1<T, ctnn::mse>(x, d);
    else if (f == "mae") loss1<T, ctnn::mae>(x, d);
    else if (f == "huber") loss1<T, ctnn::huber<>>(x, d);
    else if (f == "bce") loss1<T, ctnn::binary_cross_entropy_with_logits>(x, d);
    else if (f == "sce") sce2<T>(x, T(0), d);
    else if (f == "sce_symmetric") sce2<T>(x, -x, d);
    else return false;
    return true;
}

} // namespace

int main() {
    char function[64], type[16], xs[64], ds[64];
    char line[256];
    while (std::fgets(line, sizeof line, stdin)) {
        ds[0] = '\0';
        const int n = std::sscanf(line, "%63s %15s %63s %63s", function, type, xs, ds);
        if (n < 3) continue;
        const double x = std::strtod(xs, nullptr);
        const double d = n > 3 ? std::strtod(ds, nullptr) : 0.0;
        const bool ok = std::strcmp(type, "float") == 0
                            ? dispatch<float>(function, static_cast<float>(x), static_cast<float>(d))
                            : dispatch<double>(function, x, d);
        if (!ok) {
            std::printf("unknown %s\n", function);
            return 2;
        }
    }
    return 0;
}
