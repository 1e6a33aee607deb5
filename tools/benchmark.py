"""Microseconds per image: the workbook's network in each kernel family against
the runtime it reproduces, on the same model, images and machine, in one run.

    swift build -c release
    python tools/benchmark.py                       # all 10,000 test images
    python tools/benchmark.py --first 1000 --model models/mnist-uint8.tflite

For each family this runs `workbook eval --timing` (release build), which times
only the network's run per image (input quantization, every operator, keeping
every tensor; not reading the IDX files and not the float model it also runs).
For the runtime it times the same per-image loop tools/accuracy.py runs:
set_tensor, invoke, get_tensor. reference ↔ LiteRT BUILTIN_REF, optimized ↔
BUILTIN_WITHOUT_DEFAULT_DELEGATES, xnnpack ↔ AUTO, micro ↔ TFLite Micro's
Python interpreter. A benchmark, not a test: the figures depend on the machine
and its load, and nothing fails when they change. Needs ../shared/mnist.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import manifest  # noqa: E402
import mnist_data  # noqa: E402

FAMILIES = manifest.FAMILIES  # family → the runtime it reproduces


def workbook_microseconds(workbook, model, images, labels, family, first):
    """Runs `workbook eval --timing`; returns (µs per image, accuracy line), or (None, why)."""
    command = [workbook, "eval", "--model", model, "--kernels", family, "--images", images,
               "--labels", labels, "--timing"] + (["--first", str(first)] if first else [])
    result = subprocess.run(command, capture_output=True, text=True, cwd=mnist_data.REPO_ROOT)
    if result.returncode != 0:
        return None, result.stderr.strip()
    match = re.search(r"timing: ([0-9.]+) µs per image", result.stdout)
    if not match:
        raise RuntimeError(f"no timing line in the output of {' '.join(command)}:\n{result.stdout}")
    return float(match.group(1)), result.stdout.splitlines()[0]


def runtime_microseconds(model, resolver, pixels):
    """Times one image at a time through LiteRT (resolver) or TFLite Micro ("TFLM")."""
    input_detail = litert_io.open_litert(model, "BUILTIN_REF").get_input_details()[0]
    inputs = litert_io.encode_images(pixels, input_detail)
    if resolver == "TFLM":
        interpreter, reason = litert_io.open_tflm(model)
        if interpreter is None:
            return None, reason
        start = time.perf_counter_ns()
        for image in inputs:
            interpreter.set_input(image[np.newaxis, :], 0)
            interpreter.invoke()
            interpreter.get_output(0)
        return (time.perf_counter_ns() - start) / 1000 / len(inputs), None
    interpreter = litert_io.open_litert(model, resolver)
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    start = time.perf_counter_ns()
    for image in inputs:
        interpreter.set_tensor(input_index, image[np.newaxis, :])
        interpreter.invoke()
        interpreter.get_tensor(output_index)
    return (time.perf_counter_ns() - start) / 1000 / len(inputs), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", default=os.path.join(mnist_data.REPO_ROOT, ".build", "release", "workbook"),
                        help="the release build of the workbook (default: .build/release/workbook)")
    parser.add_argument("--model", default=manifest.DEFAULT_MODEL)
    parser.add_argument("--mnist", default=mnist_data.SHARED_MNIST_DIR, help="directory of the MNIST test set")
    parser.add_argument("--first", type=int, default=None, help="only the first N test images")
    args = parser.parse_args()
    if not os.path.exists(args.workbook):
        raise SystemExit(f"{args.workbook} is missing: run `swift build -c release` first")
    images = os.path.join(args.mnist, mnist_data.TEST_IMAGES)
    labels = os.path.join(args.mnist, mnist_data.TEST_LABELS)
    if not os.path.exists(images):
        print(f"{images} is missing: the benchmark needs the MNIST test set", file=sys.stderr)
        raise SystemExit(2)
    pixels, _ = mnist_data.load_mnist_test(args.mnist)
    if args.first:
        pixels = pixels[:args.first]
    model = os.path.join(mnist_data.REPO_ROOT, args.model) if not os.path.isabs(args.model) else args.model

    print(f"{args.model}, {len(pixels)} MNIST test images, one at a time, µs per image")
    print("| family | workbook | runtime | runtime µs | workbook / runtime |")
    print("|---|---|---|---|---|")
    for family, resolver in FAMILIES.items():
        ours, note = workbook_microseconds(args.workbook, args.model, images, labels, family, args.first)
        theirs, reason = runtime_microseconds(model, resolver, pixels)
        runtime = "TFLite Micro" if resolver == "TFLM" else f"LiteRT {resolver}"
        ours_text = f"{ours:.1f}" if ours is not None else f"refused ({note})"
        theirs_text = f"{theirs:.1f}" if theirs is not None else f"refused ({reason})"
        ratio = f"{ours / theirs:.1f}×" if ours is not None and theirs is not None else "—"
        print(f"| {family} | {ours_text} | {runtime} | {theirs_text} | {ratio} |")


if __name__ == "__main__":
    main()
