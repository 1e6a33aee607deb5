"""A QUANTIZE that requantizes uint8 codes, and what each LiteRT kernel set makes of every code.

A legacy uint8 model whose probabilities are given the range [0, 1] ends with a QUANTIZE from
TFLite's softmax scale, S = 1/256, to S = 1/255 (chapter 9). None of the shipped models has
one, so chapter 9's numbers for it are checked here: a probe model holding that QUANTIZE, fed
all 256 uint8 codes at once, and a fixture of each LiteRT resolver's output for each code
(TFLite Micro's QUANTIZE refuses uint8 to uint8; the fixture records its reason).

    python tools/quantize_probes.py models     # needs TensorFlow: writes models/probes/*.tflite
    python tools/quantize_probes.py fixtures   # runtime only: writes models/fixtures/probes/quantize/*.json
    python tools/quantize_probes.py fixtures --check

Fixture format (JSON): generatedBy, command, litertVersion, tflmVersion, model, modelSHA256,
operator {index, op, input, output} (the QUANTIZE and its two tensors: index, name, dtype,
shape, scale as a double holding the float32 exactly, zeroPoint), input {index, dtype, data},
runs [{resolver, runtime, delegateNodes (AUTO only), outputs [{index, dtype, data}]} or
{resolver, skipped}]; data is base64 of the values, little-endian, in code order (the input's
data is the codes 0 … 255).
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
# A folder of its own: tests read every .json directly in models/fixtures/probes/ as a
# softmax probe (Sources/TestSupport/SoftmaxProbeFixture.swift).
FIXTURES = os.path.join(REPO, "models", "fixtures", "probes", "quantize")

NAME = "quantize-uint8-256ths-to-255ths"
CODES = 256                         # every uint8 code, in one [1, 256] tensor
INPUT_SCALE = np.float32(1 / 256)   # TFLite's uint8 SOFTMAX output: S = 1/256, Z = 0
OUTPUT_SCALE = np.float32(1 / 255)  # the range [0, 1] in 8 bits: S = f32(1/255), Z = 0


# --- making the model (TensorFlow) -------------------------------------------

def make_model(tf):
    """The TF1 converter's requantizing QUANTIZE, from a graph that carries both ranges.

    The converter writes a QUANTIZE from one range to another only where an operator needs
    its input at the second: with the [0, 1] fake-quant straight on the input it fails ("type
    of return operand 0 ... doesn't match function result type"). A MINIMUM with 1.0 needs
    its input at its output's scale, so the converter puts the QUANTIZE in front of it; the
    MINIMUM changes no code in [0, 1], the fixture reads the QUANTIZE's own output tensor, and
    under AUTO the XNNPACK delegate takes the QUANTIZE alone.
    """
    graph = tf.Graph()
    with graph.as_default():
        codes = tf.compat.v1.placeholder(tf.float32, [1, CODES], name="softmax")
        x = tf.quantization.fake_quant_with_min_max_args(codes, min=0.0, max=255.0 / 256.0, num_bits=8)
        probabilities = tf.quantization.fake_quant_with_min_max_args(
            tf.minimum(x, 1.0), min=0.0, max=1.0, num_bits=8, name="probabilities")
        with tf.compat.v1.Session(graph=graph) as session:
            converter = tf.compat.v1.lite.TFLiteConverter.from_session(session, [codes], [probabilities])
            converter.inference_type = tf.uint8
            # (mean, std): real = (q - mean) / std, so S = 1/256 and Z = 0, as the softmax writes.
            converter.quantized_input_stats = {"softmax": (0.0, 256.0)}
            return converter.convert()


def quantize_operator(interpreter):
    """The model's one QUANTIZE, checked to be the requantization the chapter follows."""
    ops = [op for op in interpreter._get_ops_details() if op["op_name"] == "QUANTIZE"]
    if len(ops) != 1:
        raise SystemExit(f"{NAME}: expected one QUANTIZE, found {len(ops)}")
    details = {t["index"]: t for t in interpreter.get_tensor_details()}
    source, target = details[int(ops[0]["inputs"][0])], details[int(ops[0]["outputs"][0])]
    for tensor, scale in ((source, INPUT_SCALE), (target, OUTPUT_SCALE)):
        q = tensor["quantization_parameters"]
        if (np.dtype(tensor["dtype"]) != np.uint8 or list(q["scales"]) != [scale]
                or list(q["zero_points"]) != [0] or list(tensor["shape"]) != [1, CODES]):
            raise SystemExit(f"{NAME}: tensor {tensor['index']} is not uint8 [1, {CODES}], S = {scale}, Z = 0")
    return ops[0], source, target


def make_models():
    import tensorflow as tf
    os.makedirs(MODELS, exist_ok=True)
    path = os.path.join(MODELS, f"{NAME}.tflite")
    data = make_model(tf)
    with open(path, "wb") as file:
        file.write(data)
    interpreter = litert_io.open_litert(path, "BUILTIN_REF")
    quantize_operator(interpreter)
    ops = [op["op_name"] for op in interpreter._get_ops_details()]
    print(f"{os.path.relpath(path, REPO)}: {len(data)} bytes, ops {ops}")


# --- the fixture (runtime only) ----------------------------------------------

def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).decode()


def tensor_entry(detail):
    q = detail["quantization_parameters"]
    return {
        "index": int(detail["index"]),
        "name": detail["name"],
        "dtype": np.dtype(detail["dtype"]).name,
        "shape": [int(d) for d in detail["shape"]],
        # float(np.float32) is the float32 value exactly, as a JSON double.
        "scale": float(np.float32(q["scales"][0])),
        "zeroPoint": int(q["zero_points"][0]),
    }


def run_codes(path, resolver, codes):
    """The QUANTIZE's output for the codes, one invoke, every tensor kept; and any DELEGATE nodes."""
    interpreter = litert_io.open_litert(path, resolver, preserve_all_tensors=True)
    _, source, target = quantize_operator(interpreter)
    interpreter.set_tensor(source["index"], codes[np.newaxis, :])
    interpreter.invoke()
    delegates = [{"index": int(node["index"]), "op": node["op_name"],
                  "inputs": [int(i) for i in node["inputs"]], "outputs": [int(i) for i in node["outputs"]]}
                 for node in interpreter._get_ops_details() if node["op_name"] == "DELEGATE"]
    return interpreter.get_tensor(target["index"]).reshape(-1).copy(), delegates


def run_tflm(path, codes, target_index):
    """(outputs, None) from TFLite Micro, or (None, reason) when it refuses the model or the op."""
    micro, reason = litert_io.open_tflm(path, preserve_all_tensors=True)
    if micro is None:
        return None, reason
    micro.set_input(codes[np.newaxis, :], 0)
    with litert_io.captured_stderr() as log:
        try:
            micro.invoke()
            failure = None
        except RuntimeError as error:  # TFLM says why on stderr, not in the exception
            failure = error
    if failure is not None:
        said = " ".join(line.strip() for line in log["text"].splitlines() if line.strip())
        return None, f"{type(failure).__name__}: {failure}" + (f" ({said})" if said else "")
    return np.array(micro.GetTensor(target_index, 0)["tensor_data"], copy=True).reshape(-1), None


def build_fixture():
    path = os.path.join(MODELS, f"{NAME}.tflite")
    op, source, target = quantize_operator(litert_io.open_litert(path, "BUILTIN_REF"))
    codes = np.arange(CODES, dtype=np.uint8)
    runs = []
    for resolver in litert_io.RESOLVERS:
        outputs, delegates = run_codes(path, resolver, codes)
        run = {"resolver": resolver, "runtime": f"ai-edge-litert {litert_io.litert_version()}"}
        if delegates:
            run["delegateNodes"] = delegates
        run["outputs"] = [{"index": int(target["index"]), "dtype": outputs.dtype.name, "data": b64(outputs)}]
        runs.append(run)
        print(f"{NAME} {resolver}: 128 -> {outputs[128]}, 255 -> {outputs[255]}")
    outputs, reason = run_tflm(path, codes, int(target["index"]))
    if outputs is None:
        runs.append({"resolver": "TFLM", "skipped": reason})
        print(f"{NAME} TFLM: refused, {reason}")
    else:
        runs.append({"resolver": "TFLM", "runtime": f"tflite-micro {litert_io.tflm_version()}", "outputs": [
            {"index": int(target["index"]), "dtype": outputs.dtype.name, "data": b64(outputs)}]})
        print(f"{NAME} TFLM: 128 -> {outputs[128]}, 255 -> {outputs[255]}")
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    return {
        "generatedBy": "tools/quantize_probes.py",
        "command": "python tools/quantize_probes.py fixtures",
        "litertVersion": litert_io.litert_version(),
        "tflmVersion": litert_io.tflm_version(),
        "model": os.path.relpath(path, REPO),
        "modelSHA256": digest,
        "operator": {"index": int(op["index"]), "op": op["op_name"],
                     "input": tensor_entry(source), "output": tensor_entry(target)},
        "input": {"index": int(source["index"]), "dtype": "uint8", "data": b64(codes)},
        "runs": runs,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["models", "fixtures"])
    parser.add_argument("--check", action="store_true", help="exit 1 if the fixture on disk differs")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.what == "models":
        make_models()
        return
    text = json.dumps(build_fixture(), indent=1) + "\n"
    target = os.path.join(FIXTURES, f"{NAME}.json")
    if args.check:
        with open(target) as file:
            if file.read() != text:
                print(f"out of date (run python tools/quantize_probes.py fixtures):\n  {target}")
                sys.exit(1)
        return
    os.makedirs(FIXTURES, exist_ok=True)
    with open(target, "w") as file:
        file.write(text)


if __name__ == "__main__":
    main()
