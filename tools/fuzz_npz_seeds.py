"""Seeds for the port fuzzer (Sources/Fuzzers/FuzzNPZ): small .npz ports of models/mnist-int8.tflite
on the fuzzer's two images (all black, and pixel i = 37·i mod 256), in the forms a port writes them:
every tensor exact in int8 (np.savez), the same in int64 compressed (np.savez_compressed), keys
'input' and 'opK', float64 codes, one tensor only, and a port with a mistake (layer 0 off by one).

    python tools/fuzz_npz_seeds.py [--workbook .build/debug/workbook] [--check]

Writes tools/fuzz-seeds/npz/*.npz; --check writes them elsewhere and fails unless they are the
committed files byte for byte. Needs numpy only, and the workbook binary.
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
    parser.add_argument("--check", action="store_true", help="compare with the committed seeds instead of writing them")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as fresh:
            write_seeds(args.workbook, fresh)
            differing = [name for name in sorted(os.listdir(fresh))
                         if not os.path.exists(os.path.join(OUT, name))
                         or open(os.path.join(fresh, name), "rb").read() != open(os.path.join(OUT, name), "rb").read()]
            extra = sorted(set(os.listdir(OUT)) - set(os.listdir(fresh)))
        if differing or extra:
            raise SystemExit(f"tools/fuzz-seeds/npz differs from what tools/fuzz_npz_seeds.py makes: {differing + extra}")
        print(f"tools/fuzz-seeds/npz: {len(os.listdir(OUT))} seeds, as tools/fuzz_npz_seeds.py makes them")
        return
    write_seeds(args.workbook, OUT)
    print(f"wrote {len(os.listdir(OUT))} seeds to {os.path.relpath(OUT, REPO)}")


def write_seeds(workbook, out):
    with tempfile.TemporaryDirectory() as scratch:
        idx = os.path.join(scratch, "two-images-idx3-ubyte")
        write_idx(idx, fuzzer_images())
        lines = subprocess.run([workbook, "tensors", "--model", "models/mnist-int8.tflite", "--mnist", idx],
                               cwd=REPO, check=True, capture_output=True, text=True).stdout.splitlines()
    records = [json.loads(line)["tensors"] for line in lines]
    tensors = {name: np.array([record[name] for record in records]) for name in records[0]}
    names = list(tensors)
    os.makedirs(out, exist_ok=True)
    np.savez(os.path.join(out, "exact-int8.npz"), **{name: values.astype(np.int8) for name, values in tensors.items()})
    np.savez_compressed(os.path.join(out, "exact-int64-compressed.npz"), **tensors)
    np.savez(os.path.join(out, "keys-input-opK.npz"), input=tensors[names[0]].astype(np.int8),
             **{f"op{k}": tensors[name].astype(np.int16) for k, name in enumerate(names[1:])})
    np.savez(os.path.join(out, "float64-codes.npz"), **{name: values.astype(np.float64) for name, values in tensors.items()})
    np.savez(os.path.join(out, "input-only.npz"), **{names[0]: tensors[names[0]].astype(np.int8)})
    broken = dict(tensors)
    broken[names[1]] = np.clip(tensors[names[1]] + 1, -128, 127).astype(np.int8)
    np.savez(os.path.join(out, "layer0-off-by-one.npz"), **broken)


if __name__ == "__main__":
    main()
