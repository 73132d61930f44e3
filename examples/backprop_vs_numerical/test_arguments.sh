#!/bin/sh
# backprop_vs_numerical's arguments and output (ctest example_backprop_vs_numerical_arguments):
#   test_arguments.sh <backprop_vs_numerical> <scratch dir>
# - every bad argument: one message on stderr, exit status 2, before any work (nothing on stdout);
# - an --out that cannot be created fails at once, before the run;
# - --help prints the usage on stdout and exits 0;
# - --out is never interpreted by a shell or by gnuplot (a $(...) and a gnuplot system() in it run nothing);
# - after divergence (--hidden 1000) the CSV holds only the steps that ran, and the exit status is 3.
program=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch" || exit 1
scratch=$(cd "$scratch" && pwd)
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# refused <expected piece of the message> <arguments...>
refused() {
    expected=$1
    shift
    "$program" "$@" >"$scratch/stdout" 2>"$scratch/stderr"
    status=$?
    lines=$(wc -l <"$scratch/stderr")
    if [ "$status" -ne 2 ]; then
        fail "$*: exit status $status, not 2: $(cat "$scratch/stderr")"
    elif [ -s "$scratch/stdout" ]; then
        fail "$*: work started before the arguments were checked: $(head -1 "$scratch/stdout")"
    elif [ "$lines" -ne 1 ] || ! grep -q -- "$expected" "$scratch/stderr"; then
        fail "$*: expected one line containing '$expected', got: $(cat "$scratch/stderr")"
    else
        echo "ok  $* -> $(cat "$scratch/stderr")"
    fi
}

refused "must not be negative" --steps -5
refused "must be from 1 to" --steps 0
refused "must be from 1 to" --steps 99999999999999999999999
refused "must be from 1 to" --steps 18446744073709551616
refused "must be from 1 to" --steps 2000000
refused "whole number" --steps abc
refused "whole number" --steps 5x
refused "whole number" --steps " 5"
refused "whole number" --steps +5
refused "whole number" --steps 0x10
refused "whole number" --steps ""
refused "must not be negative" --seed -1
refused "must be from 0 to 18446744073709551615" --seed 18446744073709551616
refused "whole number" --seed 1.5
refused "10, 100 or 1000" --hidden 20
refused "must not be negative" --hidden -10
refused "unknown option" --bogus 1
refused "missing value" --steps
refused "folder name" --out ""
# An --out that cannot be created: at once (nothing printed, so no run), exit 2.
: >"$scratch/a_file"
refused "cannot create --out folder" --out "$scratch/a_file/sub"
refused "cannot" --out "$scratch/a_file"
mkdir -p "$scratch/losses_is_a_folder/losses.csv"
refused "cannot write" --out "$scratch/losses_is_a_folder"

# --help: usage on stdout, exit 0.
"$program" --help >"$scratch/stdout" 2>"$scratch/stderr"
status=$?
if [ "$status" -ne 0 ] || ! grep -q "^usage: backprop_vs_numerical" "$scratch/stdout" || [ -s "$scratch/stderr" ]; then
    fail "--help: exit status $status, stdout $(head -1 "$scratch/stdout"), stderr $(cat "$scratch/stderr")"
else
    echo "ok  --help -> usage, exit 0"
fi

# --out reaches neither a shell nor gnuplot's command language.
cd "$scratch" || exit 1
for out in "$scratch/\$(touch $scratch/INJECTED_SHELL)" "$scratch/\`touch $scratch/INJECTED_BACKTICK\`" \
    "$scratch/x'; system('touch $scratch/INJECTED_GNUPLOT'); print '" \
    "$scratch/y\"; touch $scratch/INJECTED_QUOTE; echo \"" \
    "$scratch/newline
system('touch $scratch/INJECTED_NEWLINE')"; do
    "$program" --steps 2 --out "$out" >"$scratch/stdout" 2>"$scratch/stderr"
    status=$?
    if [ "$status" -ne 0 ] || [ ! -f "$out/losses.csv" ]; then
        fail "--out '$out': exit status $status, losses.csv written: $([ -f "$out/losses.csv" ] && echo yes || echo no)"
    fi
done
injected=$(ls "$scratch" | grep INJECTED)
if [ -n "$injected" ]; then
    fail "--out ran a command: $injected"
else
    echo "ok  --out with \$(...), backticks, quotes, a newline and gnuplot's system(): nothing ran"
fi

# Divergence: exit status 3, the last line unchanged, the CSV only the steps that ran.
"$program" --hidden 1000 --steps 50 --out "$scratch/diverged" >"$scratch/stdout" 2>"$scratch/stderr"
status=$?
csv="$scratch/diverged/losses.csv"
if [ "$status" -ne 3 ]; then
    fail "--hidden 1000: exit status $status, not 3"
elif ! tail -1 "$scratch/stdout" | grep -Eq '^backprop_ms=[0-9.]+ numerical_ms=[0-9.]+ ratio=[0-9.]+ backprop_loss=[^ ]+ numerical_loss=[^ ]+$'; then
    fail "--hidden 1000: the last line is $(tail -1 "$scratch/stdout")"
else
    # Per column: the steps that ran, then nothing; each run's count as the warning says; no row for a step
    # neither ran; and never a 0 loss standing in for a step that did not run.
    report=$(awk -F, -v steps=50 '
        NR == 1 { next }
        { rows++
          for (c = 2; c <= 3; c++) {
              if ($c == "") ended[c] = 1
              else { if (ended[c]) print "a value after the column ended, row " NR; count[c]++
                     if ($c + 0 == 0 && $c !~ /nan/) print "a zero loss, row " NR ", column " c } }
          if ($2 == "" && $3 == "") print "an empty row " NR }
        END { if (rows >= steps) print "all " steps " rows written although the runs stopped early"
              print "counts " count[2] + 0 " " count[3] + 0 }' "$csv")
    backprop=$(sed -n 's/^warning: the backprop run stopped early, after \([0-9]*\) of.*/\1/p' "$scratch/stdout")
    numerical=$(sed -n 's/^warning: the numerical run stopped early, after \([0-9]*\) of.*/\1/p' "$scratch/stdout")
    counts=$(echo "$report" | sed -n 's/^counts //p')
    problems=$(echo "$report" | grep -v '^counts ')
    if [ -n "$problems" ]; then
        fail "--hidden 1000: $csv: $problems"
    elif [ "$counts" != "${backprop:-50} ${numerical:-50}" ]; then
        fail "--hidden 1000: the CSV holds $counts losses, the runs did ${backprop:-50} ${numerical:-50} steps"
    else
        echo "ok  divergence: exit 3, the CSV holds the $counts steps that ran"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "test_arguments.sh: all checks passed"
