#!/bin/sh
# The compiler matrix, sanitizers and no-exceptions builds of .ci/run (after
# the README's test command has run the whole suite with g++-12).
#
#   scripts/ci-matrix.sh              every job below, in order
#   scripts/ci-matrix.sh clang-14 ... only the named jobs
#
# Every job configures one preset of CMakePresets.json (so -Wall -Wextra
# -Wpedantic -Wconversion -Wshadow -Werror on ctnn's own code, Boost as a
# system include, strict -std=c++20 unless the job says -std=c++23) into
# $CTNN_CI_BUILD_ROOT/<preset> (default: build/<preset>, the preset's own
# directory), builds, tests, and prints its wall time; a table of all times
# ends the run. Scope per job:
#   full     every target, every test
#   reduced  the static (compile-time), runtime and header tests only
#            (target ctnn_core_tests)
#   runtime  the runtime and header tests only (target ctnn_runtime_tests) (what sanitizers can see; the
#            compile-time tests have nothing to instrument, and ASan makes
#            some large constant-heavy TUs compile for many minutes)
#   suite    the no-exceptions rebuild of the suite (target no_exceptions_suite)
# Each job is what `cmake --workflow --preset <preset>` does, in another
# build directory if CTNN_CI_BUILD_ROOT says so.
set -eu
cd "$(dirname "$0")/.."

root="${CTNN_CI_BUILD_ROOT:-build}"
jobs="${CTNN_CI_JOBS:-2}"

# job  preset  scope  what
matrix="
clang-19      clang           full     clang++-19, -std=c++20, the whole suite
clang-14      clang-14        full     clang++-14, -std=c++20, the whole suite
clang-16      clang-16        full     clang++-16, -std=c++20, the whole suite
clang-cxx23   clang-cxx23     reduced  clang++-19, -std=c++23
gcc-cxx23     gcc-cxx23       reduced  g++-12, -std=c++23
sanitize-gcc  sanitize        runtime  g++-12, -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize-clang sanitize-clang runtime  clang++-19, -fsanitize=address,undefined -fno-sanitize-recover=all
no-exceptions no-exceptions   suite    g++-12, static and runtime tests rebuilt with -fno-exceptions -fno-rtti
no-exceptions-clang no-exceptions-clang suite clang++-19, static and runtime tests rebuilt with -fno-exceptions -fno-rtti
"

# Test labels of a reduced job; its targets are those of ctnn_core_tests
# (static_*, runtime_*, headers_*; see CMakeLists.txt).
reduced_labels='^(static|static_at_runtime|runtime|headers)$'

# Sanitizer runtime options: any report fails the test.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

now() { date +%s; }
# CPU seconds (user + system) of all finished child processes so far: on a
# shared machine the wall time says little, this says what the job costs.
# `times` must run in this shell (a $(...) subshell has no children yet).
cpu_now() {
    times >"$root/.ci-matrix-times.$$"
    cpu=$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); n += a[1] * 60 + a[2] } printf "%d\n", n }' \
          "$root/.ci-matrix-times.$$")
    rm -f "$root/.ci-matrix-times.$$"
}
summary=""
failed=""

job_steps() {
    preset="$1" scope="$2" dir="$3"
    cmake --preset "$preset" -B "$dir" >/dev/null
    case "$scope" in
    full)
        cmake --build "$dir" -j "$jobs" -- -k 0
        ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error
        ;;
    reduced)
        cmake --build "$dir" -j "$jobs" --target ctnn_core_tests -- -k 0
        ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error -L "$reduced_labels"
        ;;
    runtime)
        cmake --build "$dir" -j "$jobs" --target ctnn_runtime_tests -- -k 0
        ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error -L '^(runtime|headers)$'
        ;;
    suite)
        cmake --build "$dir" -j "$jobs" --target no_exceptions_suite -- -k 0
        ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error -L '^no_exceptions$'
        ;;
    esac
}

run_job() {
    job="$1" preset="$2" scope="$3" what="$4"
    dir="$root/$preset"
    echo
    echo "==== ci-matrix: $job ($what; $scope) in $dir ===="
    start=$(now)
    cpu_now
    start_cpu=$cpu
    # Not `if (...)`: that would switch off set -e inside the subshell.
    set +e
    (set -e; job_steps "$preset" "$scope" "$dir")
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then status=ok; else status=FAILED; failed="$failed $job"; fi
    cpu_now
    line=$(printf '%-20s %-8s %6ss wall %6ss cpu  %-6s  %s' "$job" "$scope" "$(( $(now) - start ))" \
                  "$((cpu - start_cpu))" "$status" "$what")
    echo "==== ci-matrix: $line"
    summary="$summary
$line"
}

mkdir -p "$root"
total_start=$(now)
# A here-document, not a pipe: the loop runs in this shell and keeps
# $summary and $failed; each job's stdin is /dev/null so it cannot eat the list.
while read -r job preset scope what; do
    [ -n "$job" ] || continue
    if [ $# -gt 0 ]; then
        case " $* " in *" $job "*) ;; *) continue ;; esac
    fi
    run_job "$job" "$preset" "$scope" "$what" </dev/null
done <<LIST
$matrix
LIST

echo
echo "==== ci-matrix: wall time per job ($(nproc) cores) ===="
printf '%s\n' "$summary" | sed '/^$/d'
cpu_now
echo "ci-matrix total: $(( $(now) - total_start ))s wall, ${cpu}s cpu"
if [ -n "$failed" ]; then
    echo "ci-matrix FAILED:$failed"
    exit 1
fi
