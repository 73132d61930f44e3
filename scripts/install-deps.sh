#!/bin/sh
# Installs the Debian 12 packages ctnn's build, tests and examples need, if any
# is missing. Runs apt-get as root, or through sudo.
set -eu

# build and tests: compilers of the matrix, Boost (Hana), Catch2
packages="cmake ninja-build g++ clang-14 clang-16 clang-19 libboost-dev catch2"
# the fuzz tests (ctest -L fuzz): clang-19's libFuzzer and sanitizer runtimes
packages="$packages libclang-rt-19-dev"
# the embedded example: ARM bare-metal toolchain and QEMU
packages="$packages gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm"
# interop tests (PyTorch, ONNX import) and plots
packages="$packages python3 python3-numpy python3-torch python3-onnx python3-mpmath gnuplot-nox"
# benchmarks (optional: -DCTNN_BUILD_BENCHMARKS=ON): Google Benchmark, Eigen, plots
packages="$packages libbenchmark-dev libeigen3-dev python3-matplotlib"
packages="$packages ${CTNN_EXTRA_PACKAGES:-}"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "ctnn: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=300 update -q
$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing
