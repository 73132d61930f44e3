// Included first (-include) in every no_exceptions translation unit: proves
// the flags are really in effect.
#pragma once

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "this translation unit must be compiled with -fno-exceptions"
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI)
#error "this translation unit must be compiled with -fno-rtti"
#endif
