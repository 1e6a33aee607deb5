#!/usr/bin/env bash
# Chapter 11's proofs, as CI runs them (.ci/run), from the repository root:
#   1. `workbook export` writes every format for every shipped quantized model, and the formats
#      agree with each other (hardware/check_export.py, when Python has numpy);
#   2. hardware/c/reference.c (dense networks, chapter 11) and hardware/c/convolutional.c (CNNs,
#      chapter 17), compiled with gcc -std=c99 -Wall -Wextra -Werror, reproduce the golden
#      vectors of every shipped quantized model in each integer family;
#   3. hardware/verilog/testbench.v runs golden vectors through three fully_connected layers in
#      Icarus Verilog and matches them bit for bit (int8 in micro, uint8 in optimized);
#   4. Yosys synthesizes fully_connected.v for each layer of the int8 model (synth_xilinx), and
#      the resource counts equal those recorded in hardware/verilog/synthesis.txt, which the
#      chapter quotes.
# Environment: WORKBOOK (default .build/debug/workbook), PYTHON (default python3),
# VERILOG_VECTORS (default 8; all 64 take about five minutes), SYNTH_LAYERS (default "0 1 2").
set -euo pipefail
cd "$(dirname "$0")/.."

workbook=${WORKBOOK:-.build/debug/workbook}
python=${PYTHON:-python3}
verilog_vectors=${VERILOG_VECTORS:-8}
synth_layers=${SYNTH_LAYERS:-0 1 2}
repository=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in gcc iverilog vvp yosys; do
  command -v "$tool" > /dev/null || { echo "run-checks.sh: $tool is missing (apt-get install gcc iverilog yosys)" >&2; exit 1; }
done
[ -x "$workbook" ] || { echo "run-checks.sh: no workbook binary at $workbook (swift build, or set WORKBOOK)" >&2; exit 1; }

# The quantized models of models/manifest.json, and the families each has an integer contract in,
# the default export family first. (TFLite Micro has no uint8 kernels, so the uint8 models have
# only the optimized contract.)
quantized=$("$python" tools/manifest.py models --quantized)
mapfile -t models <<< "$quantized"
families() { "$python" tools/manifest.py contract "$1"; }
# Part two's models (the CNNs and their rounding probes) are computed by convolutional.c.
convolutional=$("$python" tools/manifest.py models --kind cnn; "$python" tools/manifest.py models --kind cnn-probe)
c_reference() { if grep -qxF "$1" <<< "$convolutional"; then echo hardware/c/convolutional.c; else echo hardware/c/reference.c; fi; }

echo "-- every format, every model; the formats agree"
numpy=no
"$python" -c "import numpy" 2> /dev/null && numpy=yes
for model in "${models[@]}"; do
  name=$(basename "$model" .tflite)
  family=$(families "$model" | cut -d' ' -f1)
  if [ -z "$family" ]; then
    # No integer contract: export must refuse the model in one line and exit 1, and write nothing.
    status=0
    message=$("$workbook" export --model "$model" --format c --out "$work/$name/c" 2>&1 > /dev/null) || status=$?
    if [ "$status" -ne 1 ] || [ "$(wc -l <<< "$message")" -ne 1 ] || [ -e "$work/$name/c" ]; then
      echo "run-checks.sh: $model has no contract, and export did not refuse it in one line (exit $status): $message" >&2; exit 1
    fi
    echo "$name: no integer contract; export refuses it in one line"
    continue
  fi
  for format in c mem coe mif npy json; do
    "$workbook" export --model "$model" --kernels "$family" --format "$format" --out "$work/$name/$format" > /dev/null
    [ -s "$work/$name/$format/README.md" ] || { echo "run-checks.sh: $model --format $format wrote no README.md" >&2; exit 1; }
  done
  if [ "$numpy" = yes ]; then "$python" hardware/check_export.py "$work/$name"; else echo "$name: no numpy, formats not cross-checked"; fi
done

echo "-- the C reference, every model, every integer family"
for model in "${models[@]}"; do
  name=$(basename "$model" .tflite)
  for family in $(families "$model"); do
    out="$work/c-$name-$family"
    "$workbook" export --model "$model" --kernels "$family" --format c --out "$out" > /dev/null
    gcc -std=c99 -Wall -Wextra -Werror -O2 -I "$out" "$(c_reference "$model")" -o "$out/reference"
    printf '%s %s: ' "$name" "$family"
    "$out/reference"
  done
done

echo "-- the Verilog layer in Icarus Verilog"
simulate() {  # model family vectors
  local out="$work/verilog-$(basename "$1" .tflite)-$2"
  "$workbook" export --model "$1" --kernels "$2" --format mem --vectors "$3" --out "$out" > /dev/null
  iverilog -g2005 -Wall -I "$out" -o "$out/testbench.vvp" hardware/verilog/testbench.v hardware/verilog/fully_connected.v
  local log
  log=$(cd "$out" && vvp -n testbench.vvp) || { echo "$log"; echo "run-checks.sh: the testbench failed for $1 $2" >&2; exit 1; }
  echo "$log"
  grep -qx PASS <<< "$log" || { echo "run-checks.sh: the testbench did not pass for $1 $2" >&2; exit 1; }
}
simulate models/mnist-int8.tflite micro "$verilog_vectors"
simulate models/mnist-uint8.tflite optimized 2

echo "-- Yosys: fully_connected.v for each layer of models/mnist-int8.tflite (synth_xilinx)"
out="$work/verilog-mnist-int8-micro"
summary="$work/synthesis.txt"
echo "# yosys $(yosys -V | cut -d' ' -f2), synth_xilinx -family xc7, models/mnist-int8.tflite micro" > "$summary"
for layer in $synth_layers; do
  # Yosys 0.23 warns about every block RAM port it narrows; the log keeps them, and any error.
  if ! (cd "$out" && yosys -q -l "$out/yosys-$layer.log" -p "read_verilog -I . -DSYNTH_LAYER$layer $repository/hardware/verilog/fully_connected.v $repository/hardware/verilog/synth_layer.v; synth_xilinx -family xc7 -top synth_layer; tee -q -o $out/stat-$layer.txt stat" > /dev/null 2>&1); then
    tail -20 "$out/yosys-$layer.log"; echo "run-checks.sh: Yosys failed on layer $layer" >&2; exit 1
  fi
  # The whole design's cells, from the last block of `stat`: name and count, LUTs summed.
  awk -v layer="$layer" '
    /=== design hierarchy ===/ { top = 1 }
    top && $1 ~ /^(RAMB36E1|RAMB18E1|DSP48E1|CARRY4|FDRE|FDSE)$/ { count[$1] = $2 }
    top && $1 ~ /^LUT[1-6]$/ { luts += $2 }
    END { printf "layer %s: RAMB36E1 %d, RAMB18E1 %d, DSP48E1 %d, LUT %d, FDRE+FDSE %d, CARRY4 %d\n", layer,
          count["RAMB36E1"], count["RAMB18E1"], count["DSP48E1"], luts, count["FDRE"] + count["FDSE"], count["CARRY4"] }
  ' "$out/stat-$layer.txt" | tee -a "$summary"
done
recorded=hardware/verilog/synthesis.txt
if [ "$synth_layers" = "0 1 2" ] && [ -f "$recorded" ]; then
  if [ "$(head -1 "$recorded")" != "$(head -1 "$summary")" ]; then
    echo "run-checks.sh: $recorded was made by another Yosys; not compared: $(head -1 "$recorded")"
  elif ! diff -u "$recorded" "$summary"; then
    echo "run-checks.sh: the resource counts changed; if that is right, copy them into $recorded and chapters/11-hardware.md" >&2
    exit 1
  fi
fi
echo "run-checks.sh: all of chapter 11's and chapter 17's checks pass"
