#!/bin/sh
# The compiler matrix, sanitizers and no-exceptions builds of .ci/run (after
# the README's test command has run the whole suite with g++-12): a loop over
# workflow presets of CMakePresets.json, each `cmake --workflow --preset P`
# (configure into build/P, build what the preset's build step names, run the
# tests its test step selects). What each job builds and tests lives in the
# presets, not here.
#
#   scripts/ci-matrix.sh              every preset below, in order
#   scripts/ci-matrix.sh clang-14 ... only the named ones
#
# Prints each job's wall and CPU time, and a table of all at the end.
set -eu
cd "$(dirname "$0")/.."

# C++23 on GCC only: the clang-cxx23 preset stays for local use (budget).
# The FMA path (issue 19): g++ runs the whole core suite with -mfma, the
# clangs only the bit-identity tests (target ctnn_bits_tests: run time against constant
# evaluation, bit for bit).
presets="clang clang-14 clang-16 gcc-cxx23 sanitize sanitize-clang no-exceptions no-exceptions-clang fma fma-clang fma-clang-14 fma-clang-16"
[ $# -gt 0 ] && presets="$*"

# Sanitizer runtime options: any report fails the test.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mkdir -p build
# CPU seconds (user + system) of finished children: `times` in this shell
# (on a shared machine the wall time says little; this says what a job costs).
cpu_now() {
    times >build/.ci-matrix-times.$$
    cpu=$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); n += a[1] * 60 + a[2] } printf "%d\n", n }' \
          build/.ci-matrix-times.$$)
    rm -f build/.ci-matrix-times.$$
}

summary=""
failed=""
total_start=$(date +%s)
for preset in $presets; do
    echo
    echo "==== ci-matrix: $preset ===="
    start=$(date +%s)
    cpu_now
    start_cpu=$cpu
    if cmake --workflow --preset "$preset" </dev/null; then status=ok; else status=FAILED; failed="$failed $preset"; fi
    cpu_now
    line=$(printf '%-20s %6ss wall %6ss cpu  %s' "$preset" "$(( $(date +%s) - start ))" "$((cpu - start_cpu))" "$status")
    echo "==== ci-matrix: $line"
    summary="$summary
$line"
done

echo
echo "==== ci-matrix: wall time per job ($(nproc) cores) ===="
printf '%s\n' "$summary" | sed '/^$/d'
cpu_now
echo "ci-matrix total: $(( $(date +%s) - total_start ))s wall, ${cpu}s cpu"
if [ -n "$failed" ]; then
    echo "ci-matrix FAILED:$failed"
    exit 1
fi
