"""Microseconds per image: the workbook's two engines in each kernel family
against the runtime each family reproduces and against the machine's limit,
on the same models, images and machine, one thread everywhere, in one run.

    swift build -c release                             # .build/release/workbook
    python tools/benchmark.py                          # both target models
    python tools/benchmark.py --model models/mnist-uint8.tflite --first 1000

Per model, Markdown tables of: 1. `workbook eval --timing`, the fast engine
per family in batches of 1, 8 and 128, the readable engine (on at most 1000
images: it is two orders of magnitude slower) and the fast engine's
instruction paths; 2. LiteRT BUILTIN_REF, BUILTIN_WITHOUT_DEFAULT_DELEGATES
and AUTO (XNNPACK) at batch 1 (tools/accuracy.py's loop) and batch 100 (the
input resized), and TFLite Micro; 3. the fast engine ÷ XNNPACK; 4. the limit,
multiply-accumulates ÷ MACs per cycle ÷ the clock (timed on dependent adds);
5. whole processes over all 10,000 images, `workbook eval` against Python
looping over LiteRT AUTO (this script, --litert-loop). Tables 1 to 3 time
only the network's run, not reading the IDX files, each the best of 3 passes
(load only slows a pass down). A benchmark, not a test:
the figures depend on the machine and its load, and nothing fails when they
change. Needs ../shared/mnist.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import manifest  # noqa: E402
import mnist_data  # noqa: E402

FAMILIES = manifest.FAMILIES  # family → the runtime it reproduces
TARGET_MODELS = ["models/mnist-int8.tflite", "models/mnist-uint8.tflite"]
BATCHES = (1, 8, 128)  # the fast engine's; 128 is eval's default
READABLE_CAP = 1000    # the readable engine is two orders of magnitude slower
RUNTIME_BATCH = 100
PATHS = ("avx512-vnni", "avx2", "portable")
# Multiply-accumulates per cycle of the widest int8 instruction of each path:
# one 512-bit vpdpbusd (64 u8×s8 products) per cycle; two 256-bit vpmaddwd
# (16 products each) per cycle. portable has no such instruction.
MACS_PER_CYCLE = {"avx512-vnni": 64, "avx2": 32}
WHOLE_RUNS = 3

# Ten dependent `add`s per pass, so the loop's own increment and branch run
# alongside and each add costs its latency, one cycle: adds / seconds = Hz.
CLOCK_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#define ADD "add %1, %0\n\t"
int main(int argc, char **argv) {
    long passes = atol(argv[1]), x = 0, y = 1;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < passes; i++)
        __asm__ volatile(ADD ADD ADD ADD ADD ADD ADD ADD ADD ADD : "+r"(x) : "r"(y));
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%ld %.9f\n", x, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
"""


def absolute(model):
    return model if os.path.isabs(model) else os.path.join(mnist_data.REPO_ROOT, model)


def input_range(model):
    """The manifest's input range for the model (None for its default, or a model it does not list)."""
    return manifest.input_range(model) if model in manifest.models() else None


def eval_command(args, model, *options):
    command = [args.workbook, "eval", "--model", model, "--images", args.images, "--labels", args.labels]
    lo_hi = input_range(model)
    return command + (["--input-range", f"{lo_hi[0]:g},{lo_hi[1]:g}"] if lo_hi else []) + list(options)


PASSES = 3  # every per-image figure is the best of this many passes: the machine's load only adds


def workbook_timing(args, model, family="reference", first=None, *options):
    """`workbook eval --timing`, best of PASSES: (µs per image, instruction path or None), or
    (None, why it refused)."""
    command = eval_command(args, model, "--kernels", family, "--timing", "--first", str(first), *options)
    best = None
    for _ in range(PASSES):
        result = subprocess.run(command, capture_output=True, text=True, cwd=mnist_data.REPO_ROOT)
        if result.returncode != 0:
            return None, result.stderr.strip().removeprefix(f"workbook: {model}: ")
        match = re.search(r"timing: ([0-9.]+) µs per image", result.stdout)
        if not match:
            raise RuntimeError(f"no timing line in the output of {' '.join(command)}:\n{result.stdout}")
        best = float(match.group(1)) if best is None else min(best, float(match.group(1)))
    path = re.search(r"fast engine, ([a-z0-9-]+)", result.stdout)  # the readable engine has none
    return best, path and path.group(1)


def runtime_microseconds(model, resolver, inputs, batch):
    """µs per image through LiteRT (num_threads=1), `batch` images per invoke (whole batches only),
    or None if the model cannot take that batch."""
    interpreter = litert_io.open_litert(model, resolver)
    detail = interpreter.get_input_details()[0]
    output_index = interpreter.get_output_details()[0]["index"]
    batches = inputs[:len(inputs) // batch * batch].reshape((-1, batch) + inputs.shape[1:])
    try:
        if batch != 1:
            interpreter.resize_tensor_input(detail["index"], [batch] + [int(d) for d in detail["shape"][1:]])
            interpreter.allocate_tensors()
        interpreter.set_tensor(detail["index"], batches[0])
        interpreter.invoke()  # once untimed: the first invoke may still prepare
    except (RuntimeError, ValueError):  # e.g. a RESHAPE to a fixed batch of 1
        return None
    best = None
    for _ in range(PASSES):
        start = time.perf_counter_ns()
        for images in batches:
            interpreter.set_tensor(detail["index"], images)
            interpreter.invoke()
            interpreter.get_tensor(output_index)
        elapsed = (time.perf_counter_ns() - start) / 1000 / (len(batches) * batch)
        best = elapsed if best is None else min(best, elapsed)
    return best


def tflm_microseconds(model, inputs):
    """(µs per image through TFLite Micro, one at a time, None), or (None, why it refuses)."""
    interpreter, reason = litert_io.open_tflm(model)
    if interpreter is None:
        return None, reason
    start = time.perf_counter_ns()
    for image in inputs:
        interpreter.set_input(image[np.newaxis, :], 0)
        interpreter.invoke()
        interpreter.get_output(0)
    return (time.perf_counter_ns() - start) / 1000 / len(inputs), None


def multiply_accumulates(model):
    """(MACs per image, "784×512 + ..."): each FULLY_CONNECTED's weights are [outputs, inputs]."""
    interpreter = litert_io.open_litert(model, "BUILTIN_REF")
    shapes = {t["index"]: [int(d) for d in t["shape"]] for t in interpreter.get_tensor_details()}
    layers = [shapes[int(op["inputs"][1])] for op in interpreter._get_ops_details()
              if op["op_name"] == "FULLY_CONNECTED"]
    return sum(o * i for o, i in layers), " + ".join(f"{i}×{o}" for o, i in layers)


def measure_clock(passes=100_000_000):
    """(Hz, how it was found): the fastest of 3 runs of CLOCK_C (load only slows it)."""
    with tempfile.TemporaryDirectory() as directory:
        source, binary = os.path.join(directory, "clock.c"), os.path.join(directory, "clock")
        with open(source, "w") as f:
            f.write(CLOCK_C)
        try:
            subprocess.run(["gcc", "-O1", "-o", binary, source], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            with open("/proc/cpuinfo") as f:
                mhz = float(re.search(r"cpu MHz\s*:\s*([0-9.]+)", f.read()).group(1))
            return mhz * 1e6, "from /proc/cpuinfo's cpu MHz: gcc is missing, nothing measured"
        seconds = min(float(subprocess.run([binary, str(passes)], capture_output=True, text=True,
                                           check=True).stdout.split()[1]) for _ in range(3))
    adds = passes * 10
    return adds / seconds, f"measured: {adds:,} dependent additions in {seconds:.3f} s"


def median_seconds(command):
    """Median wall-clock seconds of WHOLE_RUNS runs of command, and the lines it printed."""
    times = []
    for _ in range(WHOLE_RUNS):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=mnist_data.REPO_ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result.stdout.strip().splitlines()


def litert_loop(model, mnist):
    """The whole-process comparison's Python side: load, run all images through AUTO, print accuracy."""
    pixels, labels = mnist_data.load_mnist_test(mnist)
    correct = int(np.sum(litert_io.predict_litert(absolute(model), "AUTO", pixels) == labels))
    print(f"{correct} of {len(labels)} correct ({100 * correct / len(labels):.2f} %)")


def us(value):
    return "—" if value is None else f"{value:.2f}"


def table_head(*columns):
    print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")


def workbook_tables(args, model, n, notes):
    """Table 1; returns ({family: {batch: µs}}, the instruction path, {path: µs or None})."""
    readable_n = min(n, READABLE_CAP)
    print(f"\n### 1. The workbook, µs per image ({n} images; the readable engine on the first {readable_n})\n")
    table_head("family", *(f"fast, batch {b}" for b in BATCHES), "readable, one at a time")
    fast, path = {}, None
    for family in FAMILIES:
        times = {b: workbook_timing(args, model, family, n, "--batch", str(b)) for b in BATCHES}
        if times[1][0] is None:  # the workbook refuses the model in this family
            notes.append(f"- {family}: the workbook refuses {model}: {times[1][1]}")
            print(f"| {family} | refused | refused | refused | refused |")
            continue
        readable, _ = workbook_timing(args, model, family, readable_n, "--engine", "readable")
        path, fast[family] = times[128][1], {b: t for b, (t, _) in times.items()}
        print(f"| {family} | " + " | ".join(us(fast[family][b]) for b in BATCHES) + f" | {us(readable)} |")
    print(f"\nThe fast engine ran on {path}. Its instruction paths, reference family, batch 128:\n")
    table_head("instructions", "µs per image")
    by_path = {}
    for p in PATHS:
        by_path[p] = fast["reference"][128] if p == path else workbook_timing(
            args, model, "reference", n, "--instructions", p)[0]  # fails when the CPU lacks p
        print(f"| {p} | {'not on this CPU' if by_path[p] is None else us(by_path[p])} |")
    return fast, path, by_path


def runtime_table(model, pixels, notes):
    """Table 2; returns {resolver: {batch: µs or None}} for LiteRT."""
    print(f"\n### 2. The runtimes, µs per image ({len(pixels)} images; batch 100 on whole batches), one thread\n")
    table_head("family", "runtime", "batch 1", f"batch {RUNTIME_BATCH}")
    detail = litert_io.open_litert(absolute(model), "BUILTIN_REF").get_input_details()[0]
    inputs = litert_io.encode_images(pixels, detail, input_range(model))
    runtime = {}
    for family, resolver in FAMILIES.items():
        if resolver == "TFLM":
            micro, reason = tflm_microseconds(absolute(model), inputs)
            print(f"| {family} | TFLite Micro | {'refused' if micro is None else us(micro)} | one at a time |")
            if reason:
                notes.append(f"- TFLite Micro refuses {model}: {reason}")
            continue
        runtime[resolver] = {b: runtime_microseconds(absolute(model), resolver, inputs, b) for b in (1, RUNTIME_BATCH)}
        cells = ["cannot batch" if t is None else us(t) for t in runtime[resolver].values()]
        print(f"| {family} | LiteRT {resolver} | " + " | ".join(cells) + " |")
    return runtime


def ratio_table(fast, xnnpack):
    print("\n### 3. The fast engine's best batch ÷ XNNPACK (LiteRT AUTO); below 1 the workbook is faster\n")
    table_head("family", "fast, best batch, µs", "÷ XNNPACK batch 1", f"÷ XNNPACK batch {RUNTIME_BATCH}")
    for family, times in fast.items():
        batch = min(times, key=times.get)
        ratios = [f"{times[batch] / xnnpack[b]:.2f}×" if xnnpack[b] else "—" for b in (1, RUNTIME_BATCH)]
        print(f"| {family} | {times[batch]:.2f} (batch {batch}) | " + " | ".join(ratios) + " |")


def limit_table(model, fast, path, by_path, clock_hz):
    macs, layers = multiply_accumulates(absolute(model))
    family, batch = min(((f, b) for f in fast for b in BATCHES), key=lambda fb: fast[fb[0]][fb[1]])
    best = {"avx2": (by_path["avx2"], "reference, batch 128"),  # the fast engine's best is on its path
            path: (fast[family][batch], f"{family}, batch {batch}")}
    print(f"\n### 4. The machine's limit: {macs:,} multiply-accumulates per image ({layers}) "
          f"÷ MACs per cycle ÷ {clock_hz / 1e9:.2f} GHz\n")
    table_head("instructions", "MACs per cycle", "limit, µs per image", "fast engine, µs per image", "÷ limit")
    for p, per_cycle in MACS_PER_CYCLE.items():
        limit = macs / per_cycle / clock_hz * 1e6
        measured, what = best.get(p, (None, ""))
        cells = f"{measured:.2f} ({what}) | {measured / limit:.1f}×" if measured else "— | —"
        print(f"| {p} | {per_cycle} | {limit:.2f} | {cells} |")


def whole_process_table(args, model):
    print("\n### 5. Whole processes over all 10,000 images, wall-clock, median of 3\n")
    ours, ours_out = median_seconds(eval_command(args, model))
    theirs, theirs_out = median_seconds([sys.executable, os.path.abspath(__file__), "--litert-loop",
                                         "--model", model, "--mnist", args.mnist])
    table_head("process", "seconds", "accuracy")
    print(f"| `workbook eval` (fast engine, reference, batch 128; and the float model) | {ours:.2f} | "
          f"{ours_out[0].split(': ', 1)[1]} |")
    print(f"| Python loop over LiteRT AUTO (XNNPACK), batch 1 | {theirs:.2f} | {theirs_out[-1]} |")
    print(f"\nworkbook ÷ Python + LiteRT: {ours / theirs:.2f}×")


def benchmark(args, model, pixels, clock_hz, notes):
    print(f"\n## {model}")
    fast, path, by_path = workbook_tables(args, model, len(pixels), notes)
    ratio_table(fast, runtime_table(model, pixels, notes)["AUTO"])
    limit_table(model, fast, path, by_path, clock_hz)
    whole_process_table(args, model)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workbook", default=os.path.join(mnist_data.REPO_ROOT, ".build", "release", "workbook"),
                        help="the release build of the workbook (default: .build/release/workbook)")
    parser.add_argument("--model", action="append", help=f"repeatable (default: {' and '.join(TARGET_MODELS)})")
    parser.add_argument("--mnist", default=mnist_data.SHARED_MNIST_DIR, help="directory of the MNIST test set")
    parser.add_argument("--first", type=int, default=2000, help="images for the per-image tables (default 2000)")
    parser.add_argument("--litert-loop", action="store_true", help=argparse.SUPPRESS)  # section 5's subprocess
    args = parser.parse_args()
    models = args.model or TARGET_MODELS
    if args.litert_loop:
        return litert_loop(models[0], args.mnist)
    args.images = os.path.abspath(os.path.join(args.mnist, mnist_data.TEST_IMAGES))
    args.labels = os.path.abspath(os.path.join(args.mnist, mnist_data.TEST_LABELS))
    args.mnist = os.path.abspath(args.mnist)
    if not os.path.exists(args.workbook):
        raise SystemExit(f"{args.workbook} is missing: run `swift build -c release` first")
    if not os.path.exists(args.images):
        print(f"{args.images} is missing: the benchmark needs the MNIST test set", file=sys.stderr)
        raise SystemExit(2)
    pixels = mnist_data.load_mnist_test(args.mnist)[0][:args.first]

    with open("/proc/cpuinfo") as f:
        cpu = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    clock_hz, how = measure_clock()
    path = workbook_timing(args, models[0], first=128)[1]
    print("# Benchmark\n")
    print(f"- CPU: {cpu}, {os.cpu_count()} logical cores; one thread everywhere (the workbook has one; "
          "LiteRT num_threads=1; TFLite Micro has none)")
    print(f"- clock: {clock_hz / 1e9:.2f} GHz ({how})")
    print(f"- workbook: {os.path.relpath(args.workbook, mnist_data.REPO_ROOT)}, fast engine on {path}")
    print(f"- Python {platform.python_version()}, LiteRT (ai-edge-litert) {litert_io.litert_version()}, "
          f"tflite-micro {litert_io.tflm_version()}")
    notes = []
    for model in models:
        benchmark(args, model, pixels, clock_hz, notes)
    if notes:
        print("\n## Refusals\n\n" + "\n".join(notes))


if __name__ == "__main__":
    main()
