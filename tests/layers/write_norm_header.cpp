// Writes norm_header_test::trained() as a self-verifying header (argv[1]).
#include "norm_network.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    std::FILE* f = std::fopen(argv[1], "w");
    if (!f) return 1;
    const auto& d = norm_header_test::data;
    const std::array<norm_header_test::net_t::input_type, 3> xs{d.x[0], d.x[3], d.x[6]};
    const auto status = ctnn::write_header(norm_header_test::trained(), [f](char c) { std::fputc(c, f); }, "norm", xs);
    return (std::fclose(f) != 0 || status != ctnn::write_status::ok) ? 1 : 0;
}
