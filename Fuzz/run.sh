#!/bin/sh
# Builds the libFuzzer targets (`-sanitize=fuzzer,address`) and runs each for SECONDS (default 60)
# over its corpus in Fuzz/Corpus, which grows with what libFuzzer finds; a crash, a sanitizer
# report or a failed precondition stops the run with the input saved as Fuzz/crash-*.
#
#   Fuzz/run.sh [SECONDS] [decoder|topology]...      (default: 60 s, both)
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-decoder topology}
swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
for target in $targets; do
    case $target in
    decoder) binary=FuzzDecoder max_len=4096 ;;
    topology) binary=FuzzTopology max_len=8192 ;;
    *) echo "unknown fuzz target: $target" >&2; exit 2 ;;
    esac
    # A scratch corpus takes what libFuzzer adds, so a short CI run leaves the repository as it was;
    # `FUZZ_KEEP=1` merges the new inputs into Fuzz/Corpus afterwards.
    scratch=$(mktemp -d)
    echo "fuzzing $target for $seconds s"
    .build-fuzz/release/$binary -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=Fuzz/crash-$target- "$scratch" "Fuzz/Corpus/$target"
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then
        .build-fuzz/release/$binary -merge=1 "Fuzz/Corpus/$target" "$scratch"
    fi
    rm -rf "$scratch"
done
