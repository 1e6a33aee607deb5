"""Single-operator SOFTMAX models and the rows that tell TFLite's softmax kernels apart.

On MNIST the logits' scale (about 0.3) saturates almost every softmax output, so the fixtures
of the whole models cannot tell the reference kernel's fixed point from the optimized kernel's
float table: even an exact softmax matches them. These probes can. Each is a model holding one
SOFTMAX with a small input scale, and a fixture of logit rows: random ones, plus every row out
of many random ones on which LiteRT's reference and optimized kernels disagree.

    python tools/softmax_probes.py models     # needs TensorFlow: writes models/probes/*.tflite
    python tools/softmax_probes.py fixtures   # runtime only: writes models/fixtures/probes/*.json
    python tools/softmax_probes.py fixtures --check

Fixture format (JSON): generatedBy, command, litertVersion, tflmVersion, model, modelSHA256,
classes, rows, seed, input {index, dtype, data}, runs [{resolver, runtime, outputs
[{index, dtype, data}]} or {resolver, skipped}]; data is base64 of the rows' values,
little-endian, row after row.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(REPO, "models", "probes")
FIXTURES = os.path.join(REPO, "models", "fixtures", "probes")

# (name, type, classes, half-width of the logits' real range): the input scale is about
# 2·half-width/255, from 0.0157 to 0.0627, where outputs are not saturated.
PROBES = [
    ("softmax-int8-10-s0.0235", "int8", 10, 3.0),
    ("softmax-int8-10-s0.0627", "int8", 10, 8.0),
    ("softmax-uint8-10-s0.0235", "uint8", 10, 3.0),
    ("softmax-uint8-4-s0.0157", "uint8", 4, 2.0),
]
RANDOM_ROWS = 2000          # kept as they come
MINED_FROM = 100_000        # random rows searched for reference/optimized disagreements
SEED = 2026


# --- making the models (TensorFlow) ------------------------------------------

def make_int8(tf, classes, half_width):
    model = tf.keras.Sequential([tf.keras.Input((classes,), batch_size=1), tf.keras.layers.Softmax()])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    corners = np.array([[-half_width] * classes, [half_width] * classes], dtype=np.float32)

    def representative_dataset():
        for row in corners:  # the calibrated range is exactly [-half_width, half_width]
            yield [row[np.newaxis, :]]

    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def make_uint8(tf, classes, half_width):
    graph = tf.Graph()
    with graph.as_default():
        logits = tf.compat.v1.placeholder(tf.float32, [1, classes], name="logits")
        x = tf.quantization.fake_quant_with_min_max_args(logits, min=-half_width, max=half_width, num_bits=8)
        probabilities = tf.quantization.fake_quant_with_min_max_args(
            tf.nn.softmax(x), min=0.0, max=255.0 / 256.0, num_bits=8, name="probabilities")
        with tf.compat.v1.Session(graph=graph) as session:
            converter = tf.compat.v1.lite.TFLiteConverter.from_session(session, [logits], [probabilities])
            converter.inference_type = tf.uint8
            # (mean, std): real = (q - mean) / std, so S = 2·half_width/255 and Z = 127.5 → 128.
            converter.quantized_input_stats = {"logits": (127.5, 255.0 / (2 * half_width))}
            return converter.convert()


def make_models():
    import tensorflow as tf
    os.makedirs(MODELS, exist_ok=True)
    for name, kind, classes, half_width in PROBES:
        data = (make_int8 if kind == "int8" else make_uint8)(tf, classes, half_width)
        path = os.path.join(MODELS, f"{name}.tflite")
        with open(path, "wb") as file:
            file.write(data)
        ops = [op["op_name"] for op in litert_io.open_litert(path, "BUILTIN_REF")._get_ops_details()]
        print(f"{os.path.relpath(path, REPO)}: {len(data)} bytes, ops {ops}")


# --- the fixtures (runtime only) ---------------------------------------------

def run_rows(path, resolver, rows):
    """The SOFTMAX op's input and output for each row, under one runtime."""
    if resolver == "TFLM":
        interpreter, reason = litert_io.open_tflm(path)
        if interpreter is None:
            return None, reason
        outputs = []
        for row in rows:
            interpreter.set_input(row[np.newaxis, :], 0)
            interpreter.invoke()
            outputs.append(interpreter.get_output(0).reshape(-1))
        return np.stack(outputs), None
    interpreter = litert_io.open_litert(path, resolver)
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    outputs = []
    for row in rows:
        interpreter.set_tensor(input_index, row[np.newaxis, :])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(output_index).reshape(-1).copy())
    return np.stack(outputs), None


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).decode()


def build_fixture(name):
    path = os.path.join(MODELS, f"{name}.tflite")
    interpreter = litert_io.open_litert(path, "BUILTIN_REF")
    detail = interpreter.get_input_details()[0]
    output_detail = interpreter.get_output_details()[0]
    dtype = np.dtype(detail["dtype"])
    info = np.iinfo(dtype)
    classes = int(detail["shape"][-1])

    # Random codes, then the rows among many more on which reference and optimized disagree.
    generator = np.random.default_rng(SEED)
    candidates = generator.integers(info.min, info.max + 1, size=(MINED_FROM, classes)).astype(dtype)
    reference, _ = run_rows(path, "BUILTIN_REF", candidates)
    optimized, _ = run_rows(path, "BUILTIN_WITHOUT_DEFAULT_DELEGATES", candidates)
    disagree = np.flatnonzero((reference != optimized).any(axis=1))
    rows = np.concatenate([candidates[:RANDOM_ROWS], candidates[disagree]])

    runs = []
    for resolver in litert_io.RESOLVERS + ("TFLM",):
        outputs, reason = run_rows(path, resolver, rows)
        if outputs is None:
            runs.append({"resolver": resolver, "skipped": reason})
            continue
        runtime = f"tflite-micro {litert_io.tflm_version()}" if resolver == "TFLM" else f"ai-edge-litert {litert_io.litert_version()}"
        runs.append({"resolver": resolver, "runtime": runtime, "outputs": [
            {"index": int(output_detail["index"]), "dtype": np.dtype(output_detail["dtype"]).name, "data": b64(outputs)}]})
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    print(f"{name}: {len(rows)} rows ({len(disagree)} mined from {MINED_FROM} where reference and optimized disagree)")
    return {
        "generatedBy": "tools/softmax_probes.py",
        "command": "python tools/softmax_probes.py fixtures",
        "litertVersion": litert_io.litert_version(),
        "tflmVersion": litert_io.tflm_version(),
        "model": os.path.relpath(path, REPO),
        "modelSHA256": digest,
        "classes": classes,
        "rows": int(len(rows)),
        "minedRows": int(len(disagree)),
        "seed": SEED,
        "input": {"index": int(detail["index"]), "dtype": dtype.name, "data": b64(rows)},
        "runs": runs,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["models", "fixtures"])
    parser.add_argument("--check", action="store_true", help="exit 1 if a fixture on disk differs")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.what == "models":
        make_models()
        return
    os.makedirs(FIXTURES, exist_ok=True)
    stale = []
    for name, *_ in PROBES:
        text = json.dumps(build_fixture(name), indent=1) + "\n"
        target = os.path.join(FIXTURES, f"{name}.json")
        if args.check:
            with open(target) as file:
                if file.read() != text:
                    stale.append(target)
        else:
            with open(target, "w") as file:
                file.write(text)
    if stale:
        print("out of date (run python tools/softmax_probes.py fixtures):", *stale, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
