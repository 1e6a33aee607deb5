#!/usr/bin/env bash
# Builds the three coverage-guided fuzzers with libFuzzer and runs each for a while.
#
#   tools/fuzz.sh [SECONDS]                all three fuzzers, SECONDS each (default 60)
#   tools/fuzz.sh SECONDS model|png|npz    one of them
#
# FuzzModel starts from the tiny models of tools/fuzz-seeds/ (tools/own_models.py --fuzz-seeds) and part two's
# CNNs (models/cnn/), FuzzPNG from
# images/digits/ and, when ../shared/pngsuite is there, the PNG conformance suite; FuzzNPZ from
# the ports of tools/fuzz-seeds/npz/ (tools/fuzz_npz_seeds.py), against models/mnist-int8.tflite. New inputs
# the fuzzer finds go to .build/fuzz/corpus-*/ (not committed). A crash, a trap or an
# allocation past -malloc_limit_mb stops the run with exit 1 and the input in .build/fuzz/artifacts/;
# replay it with `swift run FuzzModel FILE` (or FuzzPNG) for the full message.
set -euo pipefail
# (gold fails on the libFuzzer link with an internal error, so the fuzzers link with lld.)
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"
WHICH="${2:-model png npz}"
SCRATCH=.build/fuzz

for which in $WHICH; do
    case "$which" in
        model) product=FuzzModel; seeds=(tools/fuzz-seeds models/cnn) ; max_len=32768 ;;
        png) product=FuzzPNG; seeds=(images/digits) ; max_len=65536
             if [ -d ../shared/pngsuite ]; then seeds+=(../shared/pngsuite); fi ;;
        npz) product=FuzzNPZ; seeds=(tools/fuzz-seeds/npz) ; max_len=65536
             export FUZZ_NPZ_MODEL="$PWD/models/mnist-int8.tflite" ;;
        *) echo "tools/fuzz.sh: unknown fuzzer '$which' (model, png or npz)" >&2; exit 64 ;;
    esac
    mkdir -p "$SCRATCH"
    if ! swift build -c release --scratch-path "$SCRATCH" --product "$product" -Xswiftc -sanitize=fuzzer \
            -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld > "$SCRATCH/build-$which.log" 2>&1; then
        grep -E "error" "$SCRATCH/build-$which.log" | head -5 >&2
        echo "tools/fuzz.sh: building $product failed ($SCRATCH/build-$which.log)" >&2
        exit 1
    fi
    corpus="$SCRATCH/corpus-$which"
    mkdir -p "$corpus"
    echo "$product: ${SECONDS_EACH} s from ${seeds[*]}"
    # -malloc_limit_mb: no file may make the workbook allocate 512 MiB at once (the largest
    # picture, 4096×4096, needs 64 MiB for its pixels and about 250 MiB in all). The process's
    # RSS grows past that over millions of runs as the allocator keeps freed memory, so its
    # limit is looser.
    status=0
    mkdir -p "$SCRATCH/artifacts"
    # Swift's own backtracer would take the trap's signal before libFuzzer could save the input.
    (cd "$SCRATCH" && SWIFT_BACKTRACE=enable=no "./release/$product" -artifact_prefix=artifacts/ -max_total_time="$SECONDS_EACH" -max_len="$max_len" \
        -malloc_limit_mb=512 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 "corpus-$which" "${seeds[@]/#/../../}") \
        > "$SCRATCH/run-$which.log" 2>&1 || status=$?
    grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written|Fatal error|==[0-9]+==" \
        "$SCRATCH/run-$which.log" | tail -12 || true
    [ "$status" -eq 0 ] || { echo "tools/fuzz.sh: $product found a crash (exit $status, log $SCRATCH/run-$which.log)" >&2; exit 1; }
done
