// operator_new.cpp - negative control: operator new and delete as a program
// would bring them along, in their own file so that they stay out-of-line
// symbols. (libstdc++'s own would also drag in exception handling and the
// system calls abort() needs.)
#include <cstddef>
#include <cstdlib>

void* operator new(std::size_t size) { return std::malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
