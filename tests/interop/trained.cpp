// Networks trained (or built) in PyTorch, exported by tools/ctnn-export at build
// time (make_models.py). Each header verified itself against PyTorch when this
// file compiled (static_assert in the header); here: the types, the exactness of
// the conversion, and the runtime forward pass on held-out samples.
#include "classifier_data.hpp"
#include "classifier_double.hpp"
#include "classifier_float.hpp"
#include "classifier_script.hpp"
#include "head_float.hpp"
#include "zoo_double.hpp"
#include "zoo_float.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <type_traits>

namespace {

template <class T>
using classifier_t = ctnn::network<T, ctnn::dense<4, 16>, ctnn::tanh, ctnn::dense<16, 16>, ctnn::leaky_relu<1, 10>,
                                   ctnn::dense<16, 3>, ctnn::softmax>;

static_assert(std::is_same_v<classifier_float::model_type, classifier_t<float>>);
static_assert(std::is_same_v<classifier_double::model_type, classifier_t<double>>);
static_assert(std::is_same_v<classifier_script::model_type, classifier_t<float>>);
static_assert(std::is_same_v<zoo_float::model_type,
                             ctnn::network<float, ctnn::dense<3, 8>, ctnn::sigmoid, ctnn::dense<8, 8>, ctnn::elu<1, 2>,
                                           ctnn::dense<8, 8>, ctnn::gelu, ctnn::identity, ctnn::dense<8, 8>,
                                           ctnn::relu, ctnn::dense<8, 5>, ctnn::leaky_relu<1, 4>, ctnn::dense<5, 2>,
                                           ctnn::tanh>>);
static_assert(std::is_same_v<zoo_double::model_type, zoo_float::model_type::rebind<double>>);
// A Sequential that starts with an activation gets ctnn::input<N>.
static_assert(std::is_same_v<head_float::model_type,
                             ctnn::network<float, ctnn::input<3>, ctnn::tanh, ctnn::dense<3, 4>, ctnn::sigmoid>>);

// The same trained model through torch.save and through TorchScript: the same bits.
static_assert(classifier_script::model.parameters == classifier_float::model.parameters);

// The model is float32 in PyTorch, so its double export holds the very same values.
constexpr bool double_export_is_exact() {
    for (std::size_t k = 0; k < classifier_float::model.parameter_count; ++k)
        if (static_cast<double>(classifier_float::model.parameters[k]) != classifier_double::model.parameters[k])
            return false;
    return true;
}
static_assert(double_export_is_exact());

// The zoo's bias-free Linear (layer 7: dense<8, 8>) is exported with zero biases.
constexpr bool zoo_bias_free_layer_has_zero_bias() {
    using L = zoo_float::model_type::layer_type<7>;
    for (std::size_t j = 0; j < L::outputs; ++j)
        if (zoo_float::model.parameters[zoo_float::model_type::parameter_offsets[7] + L::weight_count + j] != 0.0f) return false;
    return true;
}
static_assert(zoo_bias_free_layer_has_zero_bias());

// Inputs the compiler cannot see: GCC would otherwise try to fold each call.
volatile std::size_t opaque_zero = 0;

template <std::size_t N>
std::size_t argmax(const std::array<float, N>& a) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < N; ++j)
        if (a[j] > a[best]) best = j;
    return best;
}

template <class T, class Net, class Inputs, class Outputs, class Tolerances>
void compare_on_held_out(const Net& net, const Inputs& inputs, const Outputs& outputs, const Tolerances& tolerances,
                         const char* what) {
    using namespace classifier_data;
    double max_difference = 0, max_ratio = 0;
    std::size_t correct = 0, agree = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t i = (k + opaque_zero) % count;
        const auto y = net.forward(inputs[i]);
        std::size_t best = 0, torch_best = 0;
        for (std::size_t j = 0; j < y.size(); ++j) {
            const T d = y[j] > outputs[i][j] ? y[j] - outputs[i][j] : outputs[i][j] - y[j];
            INFO(what << ": sample " << i << " output " << j << ": ctnn " << y[j] << " PyTorch " << outputs[i][j]);
            REQUIRE(d <= tolerances[i][j]);
            max_difference = d > max_difference ? static_cast<double>(d) : max_difference;
            const double ratio = static_cast<double>(d) / static_cast<double>(tolerances[i][j]);
            max_ratio = ratio > max_ratio ? ratio : max_ratio;
            if (y[j] > y[best]) best = j;
            if (outputs[i][j] > outputs[i][torch_best]) torch_best = j;
        }
        correct += static_cast<int>(best) == labels[i];
        agree += best == torch_best;
    }
    std::printf("%s: %zu held-out samples, max |ctnn - PyTorch| = %.3g, max difference / tolerance = %.3g, "
                "accuracy %zu/%zu\n",
                what, count, max_difference, max_ratio, correct, count);
    CHECK(agree == count);
    CHECK(correct * 10 >= count * 8);
}

} // namespace

TEST_CASE("classifier exported in float reproduces PyTorch at runtime on held-out samples") {
    compare_on_held_out<float>(classifier_float::model, classifier_data::inputs_float, classifier_data::outputs_float,
                               classifier_data::tolerances_float, "float");
}

TEST_CASE("classifier exported in double reproduces PyTorch at runtime on held-out samples") {
    compare_on_held_out<double>(classifier_double::model, classifier_data::inputs_double,
                                classifier_data::outputs_double, classifier_data::tolerances_double, "double");
}

TEST_CASE("the runtime forward pass equals the compile-time one on the embedded references") {
    for (std::size_t k = 0; k < classifier_float::reference_count; ++k) {
        const std::size_t i = k + opaque_zero;
        CHECK(classifier_float::verification::matches_pytorch(i));
        CHECK(zoo_float::verification::matches_pytorch(i));
        CHECK(zoo_double::verification::matches_pytorch(i));
    }
}
