// Catch2's runner, compiled like the tests: -fno-exceptions -fno-rtti.
// (Debian's prebuilt Catch2WithMain was compiled with both.)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
