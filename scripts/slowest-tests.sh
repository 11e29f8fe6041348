#!/usr/bin/env bash
# Prints the slowest tests of a `swift test` run from its captured output (make test writes it to
# .build/test-output.log): the 10 slowest "Test Case 'X' passed|failed (N seconds)" lines, slowest first,
# then the number of tests and their summed time, and any test the time limit stopped (TimedTestCase).
#   scripts/slowest-tests.sh [log] [count]
set -euo pipefail
log="${1:-.build/test-output.log}"
count="${2:-10}"
if [[ ! -r "$log" ]]; then
    echo "slowest-tests: no test output at $log" >&2
    exit 1
fi

# Lines look like: Test Case 'SearchRouteTests.testSearch' passed (1.234 seconds). (The top lines are picked
# by awk reading all of sort's output, not by head, which would close the pipe early: SIGPIPE + pipefail.)
finished=$(grep -E "^Test Case '[^']+' (passed|failed|skipped) \([0-9.]+ seconds\)" "$log" || true)

echo
echo "Slowest tests:"
if [[ -z "$finished" ]]; then
    echo "  (no finished tests in $log)"
else
    awk '{ t = $0; sub(/.*\(/, "", t); sub(/ seconds\).*/, "", t); printf "%s\t%s\n", t, $0 }' <<<"$finished" \
        | sort -t$'\t' -k1,1 -g -r \
        | awk -F'\t' -v count="$count" 'NR <= count { printf "  %9.3f s  %s\n", $1, $2 }'
    awk '{ t = $0; sub(/.*\(/, "", t); sub(/ seconds\).*/, "", t); n++; s += t
           if ($0 ~ /\x27 failed \(/) f++ }
         END { printf "Total: %d tests (%d failed) in %.1f s of test time\n", n, f, s }' <<<"$finished"
fi
# A test stopped by its time limit never prints a "passed/failed" line; name it here too.
grep -E "did not finish within .* \(its time limit\)" "$log" || true
