#!/bin/bash
# Restart-to-first-record of a Kafka group member killed with SIGKILL, on the development cluster
# (`driftline dev-kafka`), with and without static membership (`group.instance.id`), at the
# session timeouts given (milliseconds). Needs kcat and a built `driftline`.
#
#   loadtests/kafka-rejoin.sh [SESSION_MS...]      (default: 30000 10000)
set -euo pipefail
DRIFTLINE=${DRIFTLINE:-.build/release/driftline}
work=$(mktemp -d)
"$DRIFTLINE" dev-kafka --brokers 1 --topics t:4 >"$work/cluster" 2>&1 &
cluster=$!
trap 'kill $cluster 2>/dev/null; rm -rf "$work"' EXIT
sleep 2
bootstrap=$(grep -oE '[0-9.]+:[0-9]+' "$work/cluster" | head -1)
seq 1 20 | sed 's/^/m/' | kcat -P -b "$bootstrap" -t t
measure() { # group, session ms, extra kcat arguments
    local group=$1 session=$2
    shift 2
    consume() { exec kcat -u -b "$bootstrap" -G "$group" t -X auto.offset.reset=earliest -X session.timeout.ms="$session" "$@" -q -f '%s\n'; }
    consume "$@" >"$work/$group-1" 2>&1 &
    local first=$!
    sleep 6
    kill -9 $first
    echo "end-$group" | kcat -P -b "$bootstrap" -t t -p 0
    local started
    started=$(date +%s.%N)
    consume "$@" >"$work/$group-2" 2>&1 &
    local second=$!
    until grep -qs "end-$group" "$work/$group-2"; do sleep 0.1; done
    echo "session.timeout.ms $session, ${*:-dynamic membership}: first record after the restart in" \
        "$(echo "$(date +%s.%N) - $started" | bc) s"
    kill $second
}
for session in "${@:-30000 10000}"; do
    for session_ms in $session; do
        measure "dynamic-$session_ms" "$session_ms"
        measure "static-$session_ms" "$session_ms" -X group.instance.id="engine-$session_ms"
    done
done
