// allocates.cpp - negative control for the no-heap proofs: a firmware that
// uses the heap, through malloc and through operator new (operator_new.cpp).
// It must not link (no system-call layer, or the no-heap guard), and if it is
// linked anyway the ELF symbol check must reject it.
#include <cstddef>
#include <cstdlib>

namespace {
volatile std::size_t count = 4; // unknown to the compiler
int* volatile number;           // the allocations escape: they cannot be elided
void* volatile block;
} // namespace

int main() {
    number = new int(static_cast<int>(count));
    block = std::malloc(count);
    const int status = (number != nullptr && block != nullptr) ? 0 : 1;
    std::free(block);
    delete number;
    return status;
}
