// The round trip: a network trained by ctnn at runtime (interop_writer) is written
// as text, loaded into PyTorch by tools/ctnn_export.load_text, exported again by
// tools/ctnn-export; and written directly as a header by ctnn::write_header.
// Both headers verified themselves when this file compiled (against PyTorch's
// outputs, and against ctnn's own outputs bit for bit); here they must hold the
// same network, and read_text must read the text file back to it.
#include "roundtrip_exported.hpp"
#include "roundtrip_network.hpp"
#include "roundtrip_written.hpp"

#include <ctnn/io/text.hpp>
#include <ctnn/io/header.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <type_traits>

static_assert(std::is_same_v<written::model_type, roundtrip::network_type>);
static_assert(std::is_same_v<exported::model_type, roundtrip::network_type>);
// ctnn -> text -> PyTorch -> header: not one bit lost.
static_assert(exported::model.parameters == written::model.parameters);

namespace {

std::string read_file(const std::string& path) {
    std::string text;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char chunk[4096];
        for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) text.append(chunk, n);
        std::fclose(f);
    }
    return text;
}

} // namespace

TEST_CASE("read_text reads the written text file back to the same network") {
    const std::string text = read_file(CTNN_INTEROP_GENERATED_DIR "/roundtrip.txt");
    REQUIRE(!text.empty());
    roundtrip::network_type net{};
    const ctnn::read_result r = ctnn::read_text(text, net);
    INFO(ctnn::describe(r.status) << " (line " << r.line << ")");
    REQUIRE(r);
    CHECK(net.parameters == written::model.parameters);
    // Same parameters, same code: the same outputs.
    for (std::size_t k = 0; k < written::reference_count; ++k)
        CHECK(net.forward(written::reference_inputs[k]) == written::reference_outputs[k]);
}

TEST_CASE("read_text refuses the text for a network of another type") {
    const std::string text = read_file(CTNN_INTEROP_GENERATED_DIR "/roundtrip.txt");
    ctnn::network<float, ctnn::dense<3, 8>, ctnn::relu, ctnn::dense<8, 8>, ctnn::leaky_relu<1, 20>, ctnn::dense<8, 2>,
                  ctnn::sigmoid>
        other{};
    const ctnn::read_result r = ctnn::read_text(text, other);
    CHECK(r.status == ctnn::read_status::wrong_layer);
    CHECK(r.line == 10); // 4 header lines, "dense 3 8", 3 rows of W, the biases, then "tanh"
}
