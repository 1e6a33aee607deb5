"""Seeds for the port fuzzer (Sources/Fuzzers/FuzzNPZ): small .npz ports of models/mnist-int8.tflite
on the fuzzer's two images (all black, and pixel i = 37·i mod 256), in the forms a port writes them:
every tensor exact in int8 (np.savez), the same in int64 compressed (np.savez_compressed), keys
'input' and 'opK', float64 codes, one tensor only, and a port with a mistake (layer 0 off by one).

    python tools/fuzz_npz_seeds.py [--workbook .build/debug/workbook]

Writes tools/fuzz-seeds/npz/*.npz. Needs numpy only, and the workbook binary.
"""

import argparse
import json
import os
import subprocess
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tools", "fuzz-seeds", "npz")


def fuzzer_images():
    """The two images FuzzNPZ.swift computes, as uint8 [2, 784]."""
    return np.stack([np.zeros(784, dtype=np.uint8), (np.arange(784) * 37 % 256).astype(np.uint8)])


def write_idx(path, images):
    with open(path, "wb") as f:
        f.write(np.array([0x803, len(images), 28, 28], dtype=">u4").tobytes())
        f.write(images.tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbook", default=os.path.join(REPO, ".build/debug/workbook"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        idx = os.path.join(scratch, "two-images-idx3-ubyte")
        write_idx(idx, fuzzer_images())
        lines = subprocess.run([args.workbook, "tensors", "--model", "models/mnist-int8.tflite", "--mnist", idx],
                               cwd=REPO, check=True, capture_output=True, text=True).stdout.splitlines()
    records = [json.loads(line)["tensors"] for line in lines]
    tensors = {name: np.array([record[name] for record in records]) for name in records[0]}
    names = list(tensors)
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, "exact-int8.npz"), **{name: values.astype(np.int8) for name, values in tensors.items()})
    np.savez_compressed(os.path.join(OUT, "exact-int64-compressed.npz"), **tensors)
    np.savez(os.path.join(OUT, "keys-input-opK.npz"), input=tensors[names[0]].astype(np.int8),
             **{f"op{k}": tensors[name].astype(np.int16) for k, name in enumerate(names[1:])})
    np.savez(os.path.join(OUT, "float64-codes.npz"), **{name: values.astype(np.float64) for name, values in tensors.items()})
    np.savez(os.path.join(OUT, "input-only.npz"), **{names[0]: tensors[names[0]].astype(np.int8)})
    broken = dict(tensors)
    broken[names[1]] = np.clip(tensors[names[1]] + 1, -128, 127).astype(np.int8)
    np.savez(os.path.join(OUT, "layer0-off-by-one.npz"), **broken)
    print(f"wrote {len(os.listdir(OUT))} seeds to {os.path.relpath(OUT, REPO)}")


if __name__ == "__main__":
    main()
