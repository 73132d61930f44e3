#!/bin/sh
# The README's quick start.
#   scripts/quickstart.sh demo   build and run the study note's experiment
#   scripts/quickstart.sh test   build and run the whole test suite
# Both install what is missing first, and are safe to run again.
set -eu
cd "$(dirname "$0")/.."
what="${1:-}"
case "$what" in
demo)
    scripts/install-deps.sh
    cmake --preset dev >/dev/null
    cmake --build --preset dev --target backprop_vs_numerical
    ./build/dev/examples/backprop_vs_numerical --out build/dev/examples/backprop_vs_numerical_out
    ;;
test)
    scripts/install-deps.sh
    cmake --workflow --preset dev
    ;;
*)
    echo "usage: scripts/quickstart.sh demo|test" >&2
    exit 2
    ;;
esac
