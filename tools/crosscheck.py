"""The workbook's central claim, checked: every tensor that every operator writes, for every
MNIST test image, is the same in the Swift workbook as in TFLite itself.

For each quantized model of models/manifest.json and each kernel family, runs

    workbook tensors --model M --mnist IMAGES --kernels F --first N --npz TENSORS.npz

and the matching interpreter, with every intermediate tensor preserved:

    reference  <->  LiteRT, op resolver BUILTIN_REF
    optimized  <->  LiteRT, op resolver BUILTIN_WITHOUT_DEFAULT_DELEGATES
    xnnpack    <->  LiteRT, op resolver AUTO (the XNNPACK delegate)
    micro      <->  TFLite Micro's Python interpreter (int8 models; it refuses uint8)

then prints a table of differing elements and images with a difference. Each cell also runs the
numpy port, ports/numpy/port.py (imported as a module: port.run), and compares every tensor it
writes with the same interpreter tensors ("port differing elements"). Any difference, of the
workbook or of the port, exits 1: it is a bug to find, not a tolerance to add.

    python tools/crosscheck.py [--workbook .build/release/workbook] [--mnist-dir ../shared/mnist]
                               [--first N] [--first-cnn N] [--models M ...] [--families F ...]
                               [--input-range LO,HI] [--no-workbook]

--first-cnn caps the images for part two's CNNs (chapter 14 on), whose every image writes about
twenty times the tensors of an MLP; --first-probe (default 2,000) those of the rounding probes
(tools/cnn_probes.py), which are not classifiers and whose fixtures are the proof. The table's
images column says how many each row saw.

--no-workbook checks the port alone (no workbook binary needed), for fast iteration on the port.

--models takes any model the workbook accepts (paths relative to the current directory, or the
repository's models/...); the model's input tensor is compared first: the Python rule of
litert_io.encode_images against the workbook's chapter 2, then fed to TFLite.

Needs only tools/requirements-runtime.txt (no TensorFlow).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import manifest  # noqa: E402
import mnist_data  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ports", "numpy"))
import port  # noqa: E402

# The quantized models, shipped and variants (another architecture, so that nothing can depend
# on our layer sizes); the float model's float32 sums depend on the order of additions, so it
# is not a bit-exact claim (chapter 3 discusses it).
SHIPPED = manifest.models(quantized=True)
FAMILIES = manifest.FAMILIES


def workbook_tensors(workbook, model, images_path, family, count, input_range=None):
    """Runs `workbook tensors --npz` and returns {tensor name: array [count, size]}. (The JSON
    lines hold the same values; a CNN writes about 20,000 of them an image, 100 MB of JSON per
    1,000 images, so the crosscheck reads the numpy archive instead.)"""
    with tempfile.TemporaryDirectory() as scratch:
        archive = os.path.join(scratch, "tensors.npz")
        command = [workbook, "tensors", "--model", model, "--mnist", images_path,
                   "--kernels", family, "--first", str(count), "--npz", archive]
        if input_range is not None:
            command += ["--input-range", f"{input_range[0]},{input_range[1]}"]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
        with np.load(archive) as arrays:
            tensors = {name: arrays[name].reshape(arrays[name].shape[0], -1) for name in arrays.files}
    for name, values in tensors.items():
        if len(values) != count:
            raise RuntimeError(f"workbook tensors wrote {len(values)} images of '{name}' for {count}")
    return tensors


def interpreter_tensors(model, resolver, inputs, names):
    """Runs the interpreter image by image; returns ({tensor name: array [count, size]}, None)
    for the tensors named (those every operator writes), or (None, why it refused the model)."""
    path = model
    if resolver == "TFLM":
        interpreter, reason = litert_io.open_tflm(path, preserve_all_tensors=True)
        if interpreter is None:
            return None, reason
        # TFLM numbers tensors as the .tflite file does; LiteRT tells us which name is which.
        details = litert_io.open_litert(path, "BUILTIN_REF").get_tensor_details()
        index_of = {detail["name"]: detail["index"] for detail in details}

        def run(image):
            interpreter.set_input(image[np.newaxis, :], 0)
            interpreter.invoke()
            return {name: interpreter.GetTensor(index_of[name], 0)["tensor_data"].reshape(-1) for name in names}
    else:
        interpreter = litert_io.open_litert(path, resolver, preserve_all_tensors=True)
        index_of = {detail["name"]: detail["index"] for detail in interpreter.get_tensor_details()}
        input_index = interpreter.get_input_details()[0]["index"]

        def run(image):
            interpreter.set_tensor(input_index, image[np.newaxis, :])
            interpreter.invoke()
            return {name: interpreter.get_tensor(index_of[name]).reshape(-1) for name in names}

    rows = [run(image) for image in inputs]
    return {name: np.stack([row[name] for row in rows]) for name in names}, None


def compare(ours, theirs):
    """(differing elements, images with a difference, total elements, first difference)."""
    differing, images, total, first = 0, np.zeros(len(next(iter(ours.values()))), dtype=bool), 0, None
    for name, values in ours.items():
        if theirs[name].dtype.kind == "f":
            # The workbook prints float32 in its shortest decimal form: read it back as float32.
            values, expected = values.astype(np.float32), theirs[name]
        else:
            values, expected = values.astype(np.int64), theirs[name].astype(np.int64)
        mismatch = values != expected
        differing += int(mismatch.sum())
        images |= mismatch.any(axis=1)
        total += values.size
        if first is None and mismatch.any():
            image, element = np.argwhere(mismatch)[0]
            first = f"image {image}, tensor '{name}' [{element}]: workbook {values[image, element]}, TFLite {expected[image, element]}"
    return differing, int(images.sum()), total, first


def compare_port(ported, theirs, count):
    """(differing elements, first difference) of the port's tensors against the interpreter's.
    The port must give exactly the tensors compared, each [count, ...] in the tensor's dtype;
    float32 is compared bit for bit."""
    if set(ported) != set(theirs):
        missing, extra = sorted(set(theirs) - set(ported)), sorted(set(ported) - set(theirs))
        return 1, f"the port wrote the wrong tensors: missing {missing}, extra {extra}"
    differing, first = 0, None
    for name, expected in theirs.items():
        values = ported[name]
        if values.dtype != expected.dtype or values.shape[0] != count or values.size != expected.size:
            return differing + 1, (f"tensor '{name}': the port wrote {values.dtype} {list(values.shape)}, "
                                   f"TFLite's is {expected.dtype} [{count}, {expected.size // count} values]")
        values, expected = values.reshape(count, -1), expected.reshape(count, -1)
        if values.dtype.kind == "f":
            unsigned = np.dtype(f"u{values.dtype.itemsize}")
            mismatch = values.view(unsigned) != expected.view(unsigned)
        else:
            mismatch = values != expected
        differing += int(mismatch.sum())
        if first is None and mismatch.any():
            image, element = np.argwhere(mismatch)[0]
            first = (f"image {image}, tensor '{name}' [{element}]: port {values[image, element]}, "
                     f"TFLite {expected[image, element]}")
    return differing, first


def run_port(path, family, pixels, input_range):
    """(the port's tensors, seconds), or (None, why the port refused the model)."""
    started = time.time()
    try:
        return port.run(path, family, pixels, input_range), time.time() - started
    except port.PortError as error:
        return None, str(error)


def model_path(model):
    """A model named on the command line: as a path from here, else inside the repository."""
    return os.path.abspath(model) if os.path.exists(model) else os.path.join(REPO, model)


PART_TWO_OPERATORS = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN"}


def is_convolutional(path):
    """Whether the model uses an operator of part two (chapters 14 to 16), which the numpy
    port, part one's listing, does not compute."""
    ops = litert_io.open_litert(path, "BUILTIN_REF")._get_ops_details()
    return any(op["op_name"] in PART_TWO_OPERATORS for op in ops)


def manifest_input_range(path):
    """The input range models/manifest.json gives a model it lists, else None (the default)."""
    try:
        return manifest.input_range(mnist_data.repo_relative(path))
    except KeyError:
        return None


def manifest_kind(path):
    """The kind models/manifest.json gives a model it lists, else None."""
    try:
        return manifest.kind_of(mnist_data.repo_relative(path))
    except KeyError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbook", default=os.path.join(REPO, ".build/release/workbook"))
    parser.add_argument("--mnist-dir", default=mnist_data.SHARED_MNIST_DIR)
    parser.add_argument("--first", type=int, default=10000)
    parser.add_argument("--first-cnn", type=int, default=10000, help="at most this many images for a CNN")
    parser.add_argument("--first-probe", type=int, default=2000,
                        help="at most this many images for a rounding probe (its fixture is the proof; these confirm it)")
    parser.add_argument("--models", nargs="*", default=SHIPPED)
    parser.add_argument("--families", nargs="*", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument("--input-range", type=port.parse_range, default=None,
                        help="the reals pixels 0 and 255 stand for, passed to the workbook and the port (e.g. -1,1)")
    parser.add_argument("--no-workbook", action="store_true", help="check only the numpy port (fast iteration)")
    args = parser.parse_args()
    # LiteRT warns that preserving every tensor is for debugging: that is what we are doing.
    warnings.filterwarnings("ignore", message=".*experimental_preserve_all_tensors.*")

    images_path = os.path.join(args.mnist_dir, "t10k-images-idx3-ubyte.gz")
    pixels, _ = mnist_data.load_mnist_test(args.mnist_dir)
    count = min(args.first, len(pixels))
    pixels = pixels[:count]

    workbook = ("no workbook (--no-workbook)" if args.no_workbook
                else f"workbook {os.path.relpath(args.workbook, REPO)} (its fast engine, chapter 13; swift test proves it equal to chapter 9's)")
    cnn_images = "" if args.first_cnn >= count else f" (the CNNs: the first {args.first_cnn})"
    print(f"Crosscheck: {count} MNIST test images{cnn_images}, {workbook}, numpy port ports/numpy/port.py, "
          f"ai-edge-litert {litert_io.litert_version()}, tflite-micro {litert_io.tflm_version()}")
    print()
    print("| model | family | runtime | images | differing elements | images with a difference | port differing elements "
          "| elements compared | seconds | port seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    failures = []
    started_all, port_seconds = time.time(), 0.0
    for model in args.models:
        path = model_path(model)
        input_range = args.input_range or manifest_input_range(path)
        # The numpy port is part one's listing (MLPs); the CNNs of part two are the workbook's alone.
        ported_here = not is_convolutional(path)
        images_here = count if ported_here else min(count, args.first_probe if manifest_kind(path) == "cnn-probe" else args.first_cnn)
        input_detail = litert_io.open_litert(path, "BUILTIN_REF").get_input_details()[0]
        inputs = litert_io.encode_images(pixels[:images_here], input_detail, input_range)
        for family in args.families:
            resolver = FAMILIES[family]
            started = time.time()
            if resolver == "TFLM" and litert_io.open_tflm(path)[0] is None:
                # TFLite Micro refuses uint8 models; the micro family must refuse them too.
                refusing = []
                if not args.no_workbook:
                    try:
                        workbook_tensors(args.workbook, path, images_path, family, 1, input_range)
                        failures.append(f"{model} {family}: TFLite Micro refuses this model, the workbook does not")
                    except RuntimeError:
                        refusing.append("the workbook")
                if not ported_here:
                    pass
                elif run_port(path, family, pixels[:1], input_range)[0] is None:
                    refusing.append("the port")
                else:
                    failures.append(f"{model} {family}: TFLite Micro refuses this model, the port does not")
                not_refusing = [who for who in ([] if args.no_workbook else ["the workbook"]) + (["the port"] if ported_here else [])
                                if who not in refusing]
                verdict = (f"refused by TFLite Micro, NOT by {' and '.join(not_refusing)}" if not_refusing
                           else f"refused by TFLite Micro, {' and '.join(refusing)}")
                print(f"| {model} | {family} | {resolver} | | {verdict} | | | | | |")
                continue
            if not ported_here:
                if args.no_workbook:
                    break
                ported, port_time, refused = {}, 0.0, False
            else:
                ported, port_time = run_port(path, family, pixels[:images_here], input_range)
                refused = ported is None
            if refused:
                failures.append(f"{model} {family}: the port refused a model TFLite runs: {port_time}")
                ported, port_time = {}, 0.0
            port_seconds += port_time
            if args.no_workbook:
                ours, names = None, list(ported)
            else:
                ours = workbook_tensors(args.workbook, path, images_path, family, images_here, input_range)
                names = list(ours)
            theirs, _ = interpreter_tensors(path, resolver, inputs, names)
            port_differing, port_first = (("refused", None) if refused else compare_port(ported, theirs, images_here)) \
                if ported_here else ("— (part one's listing)", None)
            if ours is None:
                differing, images, total, first = "—", "—", sum(v.size for v in theirs.values()), None
            else:
                differing, images, total, first = compare(ours, theirs)
            print(f"| {model} | {family} | {resolver} | {images_here} | {differing} | {images} | {port_differing} | {total} "
                  f"| {time.time() - started:.1f} | {port_time:.2f} |", flush=True)
            if ours is not None and differing:
                failures.append(f"{model} {family}: {first}")
            if ported_here and port_differing and not refused:
                failures.append(f"{model} {family}: {port_first}")
    print()
    print(f"{time.time() - started_all:.0f} seconds in all, {port_seconds:.1f} of them in the port.")
    if failures:
        print("Differences (each is a bug to find):")
        for failure in failures:
            print(f"  {failure}")
        sys.exit(1)
    print("Every tensor of every image is identical" + (" in the port." if args.no_workbook else ", in the workbook and in the port."))


if __name__ == "__main__":
    main()
