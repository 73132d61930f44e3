#!/bin/sh
# from_pytorch's arguments (ctest example_from_pytorch_arguments):  test_arguments.sh <from_pytorch>
# Every value must be a whole finite number, in pairs; a mistake is one message on stderr, exit status 2,
# with nothing printed for the points before it; --help prints the usage and exits 0.
program=$1
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
out=$(mktemp) && err=$(mktemp) || exit 1
trap 'rm -f "$out" "$err"' EXIT

# refused <expected piece of the message> <arguments...>
refused() {
    expected=$1
    shift
    "$program" "$@" >"$out" 2>"$err"
    status=$?
    if [ "$status" -ne 2 ] || [ -s "$out" ] || [ "$(wc -l <"$err")" -ne 1 ] || ! grep -q -- "$expected" "$err"; then
        fail "from_pytorch $*: exit status $status (not 2), stdout '$(head -1 "$out")', stderr '$(cat "$err")'"
    else
        echo "ok  from_pytorch $* -> $(cat "$err")"
    fi
}

refused "1 value given" 1
refused "3 values given" 1.8 0 -0.5
refused "argument 1, 'abc', is not a number" abc 1
refused "argument 2, '2x', is not a number" 1 2x
refused "argument 3, 'abc', is not a number" 1 2 abc 3  # nothing printed for the first point
refused "argument 1, '', is not a number" "" 1
refused "argument 1, ' 1', is not a number" " 1" 2
refused "beyond float's range" 1e39 0
refused "not a finite number" nan 1
refused "not a finite number" 1 -inf

"$program" --help >"$out" 2>"$err"
status=$?
if [ "$status" -ne 0 ] || ! grep -q "^usage: from_pytorch" "$out" || [ -s "$err" ]; then
    fail "from_pytorch --help: exit status $status, stdout '$(head -1 "$out")', stderr '$(cat "$err")'"
else
    echo "ok  from_pytorch --help -> usage, exit 0"
fi
"$program" 1.8 0 -0.5 0.2 >"$out" 2>"$err"
status=$?
if [ "$status" -ne 0 ] || [ "$(grep -c ': class ' "$out")" -ne 2 ]; then
    fail "from_pytorch 1.8 0 -0.5 0.2: exit status $status, output '$(cat "$out" "$err")'"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "test_arguments.sh: all checks passed"
