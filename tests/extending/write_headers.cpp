// Writes the user-layer networks of user_layers.cpp as self-verifying C++
// headers (argv[1], argv[2]); generated_headers.cpp then compiles them.
#include "user_layers.hpp"

#include <array>
#include <cstdio>

namespace {

using kinked_t = ctnn::network<double, ctnn::dense<2, 4>, user::hard_tanh, ctnn::dense<4, 1>>;
using affine_t = ctnn::network<float, ctnn::dense<3, 4>, user::scale_shift, ctnn::tanh, ctnn::dense<4, 2>>;

template <class Net, std::size_t K>
int write(const char* path, const Net& net, const char* ns, const std::array<typename Net::input_type, K>& xs) {
    std::FILE* f = std::fopen(path, "w");
    if (!f) return 1;
    const auto status = ctnn::write_header(net, [f](char c) { std::fputc(c, f); }, ns, xs);
    return (std::fclose(f) != 0 || status != ctnn::write_status::ok) ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const std::array<kinked_t::input_type, 3> kx{{{1.0, 0.0}, {-2.0, 0.5}, {0.25, 3.0}}};
    const std::array<affine_t::input_type, 2> ax{{{0.5f, -1.0f, 2.0f}, {1.0f, 1.0f, -3.0f}}};
    return write(argv[1], ctnn::make_network<kinked_t>(21), "kinked", kx) |
           write(argv[2], ctnn::make_network<affine_t>(22), "affine", ax);
}
