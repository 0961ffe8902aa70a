#!/bin/sh
# Peak RSS of `driftline replay` (release build) holding many keys, and under a flood of
# distinct segment values. Generated events are piped in, so the generator's memory is not
# counted; `/usr/bin/time -v` reports the replay's peak resident set ("Maximum resident set size").
#
#   swift build -c release --product driftline && swift build -c release --product driftline-loadgen
#   loadtests/memory/run.sh [scenario]      # keys-tumbling | keys-hopping | flood (default: all)
set -eu
BIN=${BIN:-.build/release}
WORK=${WORK:-$(mktemp -d)}
LOADGEN="$BIN/driftline-loadgen"
DRIFTLINE="$BIN/driftline"

baseline() {
    [ -f "$WORK/baseline.json" ] && return
    "$LOADGEN" reference --seed 1 --rows 20000 --out "$WORK/reference.ndjson"
    "$LOADGEN" test-set --seed 2 --rows 5000 --out "$WORK/test.ndjson"
    "$DRIFTLINE" baseline build --model weld-defect-cls --version 3.2.0 --reference "$WORK/reference.ndjson" \
        --test "$WORK/test.ndjson" --out "$WORK/baseline.json" >/dev/null
}

# replay NAME GENERATOR-ARGS -- REPLAY-ARGS: prints the run's report and its peak RSS.
replay() {
    name=$1
    shift
    gen=""
    while [ "$1" != "--" ]; do gen="$gen $1"; shift; done
    shift
    echo "== $name"
    # shellcheck disable=SC2086
    "$LOADGEN" events --seed 3 $gen --out - |
        /usr/bin/time -v "$DRIFTLINE" replay --baseline "$WORK/baseline.json" --input - \
            --results /dev/null --alerts /dev/null --dead-letter /dev/null "$@" 2>"$WORK/$name.err"
    grep -E "^records|^dead letters|key limit|Maximum resident set size|Elapsed \(wall" "$WORK/$name.err"
}

scenario=${1:-all}
baseline
# 10,000 lines (one device each) × 12 features (10 numeric, 2 categorical) against a baseline,
# 2,000 inferences/s of event time for 15 minutes: every 1-minute window of every line sees ~12
# inferences. Labels wait 1 minute, so each key holds 2–3 windows open at once (with the default
# wait of 10 minutes it holds 11, and the label join up to ~660,000 inferences).
if [ "$scenario" = all ] || [ "$scenario" = keys-tumbling ]; then
    replay keys-tumbling --lines 10000 --devices 1 --rate 2000 --duration 15m -- --window 1m --segment line --label-wait 1m
fi
# The same stream in 5-minute windows every minute: 5–6 windows per key at once.
if [ "$scenario" = all ] || [ "$scenario" = keys-hopping ]; then
    replay keys-hopping --lines 10000 --devices 1 --rate 2000 --duration 15m -- --window 5m --hop 1m --segment line --label-wait 1m
fi
# 1,000,000 distinct lines, 2,000,000 inferences, default limit of 100,000 keys.
if [ "$scenario" = all ] || [ "$scenario" = flood ]; then
    replay flood --lines 1000000 --devices 1 --rate 2000 --count 2000000 -- --window 1m --segment line
fi
