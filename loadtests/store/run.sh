#!/bin/sh
# History store figures (release build): fill the 30-day store once, time the query of one key's
# 30 days warm and cold, the store's write rate through StoreWriter, and the engine's peak emit
# rate of window results (`driftline replay` of a generated file with many keys and short windows).
#
#   swift build -c release --product driftline-load-store
#   swift build -c release --product driftline && swift build -c release --product driftline-loadgen
#   loadtests/store/run.sh [fill | warm | cold | write | emit | all]     (default: all)
#
# The store is kept in data/store-bench/ (ignored by git) and reused once complete; filling it
# writes 4.4M rows of window results (10.8 GB with the v5 schema) and took 19 minutes here.
set -eu
BIN=${BIN:-.build/release}
STORE=${STORE:-data/store-bench/history.db}
WORK=${WORK:-$(mktemp -d)}
LOAD="$BIN/driftline-load-store"
step=${1:-all}
mkdir -p "$(dirname "$STORE")"

if [ "$step" = all ] || [ "$step" = fill ]; then
    "$LOAD" fill --store "$STORE"
fi
# 30 queries of one key's 43,200 windows (latest revisions, records included), the same key each
# time: the whole 30-day store (~29 GB) does not fit in the page cache of a 24 GB machine.
if [ "$step" = all ] || [ "$step" = warm ]; then
    "$LOAD" query --store "$STORE" --keys 1 --iterations 30
fi
# The first query in a fresh process after the store's files left the page cache.
if [ "$step" = all ] || [ "$step" = cold ]; then
    "$LOAD" query --store "$STORE" --cold
fi
# 100,000 window results (1,000 minutes of 100 keys, plus second revisions) handed to StoreWriter a
# minute (one engine drain) at a time, into a fresh store and again into a copy of the filled one
# (the same windows: idempotent upserts).
if [ "$step" = all ] || [ "$step" = write ]; then
    rm -f "$WORK/write.db" "$WORK/write.db-wal" "$WORK/write.db-shm"
    "$LOAD" write --store "$WORK/write.db" --minutes 1000
    cp "$STORE" "$WORK/big.db"
    "$LOAD" write --store "$WORK/big.db" --minutes 1000
    rm -f "$WORK/big.db" "$WORK/big.db-wal" "$WORK/big.db-shm"
fi
# The engine's peak emit rate: 50 lines (one device each) at 2,000 inferences/s for 10 minutes of
# event time (1.86 M lines), 1-second windows keyed by the model and by line (~57 k results).
# Window results counted in the results file over the replay's wall time.
if [ "$step" = all ] || [ "$step" = emit ]; then
    LOADGEN="$BIN/driftline-loadgen"
    DRIFTLINE="$BIN/driftline"
    "$LOADGEN" reference --seed 1 --rows 5000 --out "$WORK/reference.ndjson"
    "$LOADGEN" test-set --seed 2 --rows 2000 --out "$WORK/test.ndjson"
    "$DRIFTLINE" baseline build --model weld-defect-cls --version 3.2.0 --reference "$WORK/reference.ndjson" \
        --test "$WORK/test.ndjson" --out "$WORK/baseline.json" >/dev/null
    "$LOADGEN" events --seed 3 --lines 50 --devices 1 --rate 2000 --duration 10m --out "$WORK/events.ndjson"
    for store in "" "$WORK/emit.db"; do
        rm -f "$WORK/emit.db" "$WORK/emit.db-wal" "$WORK/emit.db-shm"
        started=$(date +%s.%N)
        "$DRIFTLINE" replay --baseline "$WORK/baseline.json" --input "$WORK/events.ndjson" --window 1s \
            --segment line --label-wait 5s --results "$WORK/results.ndjson" --alerts /dev/null \
            --dead-letter /dev/null ${store:+--store "$store"} 2>"$WORK/replay.err"
        ended=$(date +%s.%N)
        results=$(wc -l <"$WORK/results.ndjson")
        awk -v r="$results" -v s="$started" -v e="$ended" -v label="emit${store:+ (with --store)}" \
            'BEGIN { printf "%s: %d window results in %.2f s: %d results/s\n", label, r, e - s, r / (e - s) }'
    done
fi
