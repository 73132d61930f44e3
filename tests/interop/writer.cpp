// Build-time tool of the round-trip test: trains a ctnn network at runtime and
// writes it with ctnn/io/serialize.hpp, as ctnn's text format and as a C++ header.
//   interop_writer <directory> <seed>
// writes <directory>/roundtrip.txt and <directory>/roundtrip_written.hpp.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/text.hpp>
#include <ctnn/io/header.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "roundtrip_network.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: interop_writer <directory> <seed>\n");
        return 2;
    }
    const std::string directory = argv[1];
    auto net = ctnn::make_network<roundtrip::network_type>(std::strtoull(argv[2], nullptr, 10),
                                                           ctnn::init::normal{0.0, 0.5});
    // A short run of SGD, so that the written weights are trained ones.
    ctnn::splitmix64 gen{std::strtoull(argv[2], nullptr, 10) + 1};
    ctnn::sgd opt{0.05};
    for (int step = 0; step < 300; ++step) {
        roundtrip::network_type::input_type x{};
        for (auto& v : x) v = gen.uniform(-1.0f, 1.0f);
        const roundtrip::network_type::output_type d = roundtrip::target(x);
        ctnn::train_step(net, ctnn::mse{}, opt, x, d);
    }

    const auto write = [&](const std::string& name, auto&& body) {
        std::FILE* f = std::fopen((directory + "/" + name).c_str(), "w");
        if (f == nullptr) {
            std::perror(name.c_str());
            std::exit(1);
        }
        body([f](char c) { std::fputc(c, f); });
        std::fclose(f);
    };
    write("roundtrip.txt", [&](auto put) { ctnn::write_text(net, put); });
    write("roundtrip_written.hpp",
          [&](auto put) { ctnn::write_header(net, put, "written", roundtrip::reference_inputs); });
    return 0;
}
