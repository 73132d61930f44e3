// libFuzzer target for ctnn::read_text (tests/fuzz/CMakeLists.txt builds it with
// clang++-19 -fsanitize=fuzzer,address,undefined). For every input, on three
// networks (float and double, every kind of layer line the format has):
// - the read never reads outside the text or overflows (the sanitizers);
// - a failed read leaves the network bit for bit as it was, and names a line
//   of the text;
// - a successful read is exact: write_text of the result reads back to the same bits.
// Any violation aborts (__builtin_trap), which libFuzzer reports as a crash.
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/text.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

using float_net = ctnn::network<float, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
using double_net = ctnn::network<double, ctnn::input<2>, ctnn::tanh, ctnn::dense<2, 2>, ctnn::leaky_relu<-1, 7>,
                                 ctnn::dense<2, 2>, ctnn::elu<1, 2>, ctnn::sigmoid, ctnn::softmax>;
using one_net = ctnn::network<double, ctnn::dense<1, 1>>;

template <class Net>
void check(std::string_view text) {
    Net net{};
    for (std::size_t k = 0; k < Net::parameter_count; ++k)
        net.parameters[k] = static_cast<typename Net::scalar>(0.5 + static_cast<double>(k));
    const Net before = net;
    const ctnn::read_result r = ctnn::read_text(text, net);
    std::size_t lines = 1;
    for (std::size_t k = 0; k < text.size(); ++k)
        lines += text[k] == '\n' || (text[k] == '\r' && (k + 1 == text.size() || text[k + 1] != '\n'));
    if (r.line > lines) __builtin_trap();
    if (!r) {
        if (std::memcmp(&before.parameters, &net.parameters, sizeof net.parameters) != 0) __builtin_trap();
        if (ctnn::describe(r.status) == nullptr) __builtin_trap();
        return;
    }
    ctnn::char_buffer<1 << 14> written;
    ctnn::write_text(net, written);
    if (written.overflowed) __builtin_trap();
    Net back{};
    if (!ctnn::read_text(written.view(), back)) __builtin_trap();
    if (std::memcmp(&back.parameters, &net.parameters, sizeof net.parameters) != 0) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check<float_net>(text);
    check<double_net>(text);
    check<one_net>(text);
    return 0;
}
