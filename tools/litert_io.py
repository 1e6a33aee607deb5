"""Running the workbook's .tflite models: LiteRT and TFLite Micro.

Shared by convert.py (summaries), reference.py (fixtures) and accuracy.py,
so every tool feeds the network exactly the same input values.
Needs only the runtime packages (ai-edge-litert, tflite-micro, numpy), never
TensorFlow.
"""

import contextlib
import importlib.metadata
import os
import tempfile

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

import manifest

# The three kernel sets LiteRT's Python interpreter can be asked for, one per
# family of models/manifest.json whose runtime is LiteRT:
#   BUILTIN_REF                       reference kernels (plain loops)
#   BUILTIN_WITHOUT_DEFAULT_DELEGATES optimized kernels, no XNNPACK
#   AUTO                              optimized kernels plus the XNNPACK
#                                     delegate (what users get by default)
RESOLVERS = tuple(resolver for family, resolver in manifest.FAMILIES.items()
                  if manifest.runtime_of(family) == "LiteRT")


def litert_version():
    return importlib.metadata.version("ai-edge-litert")


def tflm_version():
    return importlib.metadata.version("tflite-micro")


def file_tensor_count(model_path):
    """How many tensors subgraph 0 of the .tflite file declares. LiteRT lists more: some kernels
    (MEAN, for one) add unnamed temporaries after the file's tensors, which TFLite Micro
    does not have and no fixture keeps. Read from the FlatBuffer: Model.subgraphs (field 2),
    then SubGraph.tensors (field 0), a vector whose length is the count."""
    import struct
    with open(model_path, "rb") as file:
        data = file.read()

    def u32(at):
        return struct.unpack_from("<I", data, at)[0]

    def field(table, index):
        vtable = table - struct.unpack_from("<i", data, table)[0]
        entry = vtable + 4 + 2 * index
        offset = struct.unpack_from("<H", data, entry)[0] if entry < vtable + struct.unpack_from("<H", data, vtable)[0] else 0
        if offset == 0:
            raise ValueError(f"{model_path}: field {index} of the table at byte {table} is absent")
        return table + offset + u32(table + offset)  # where the referenced vector starts

    subgraphs = field(u32(0), 2)
    first_subgraph = subgraphs + 4 + u32(subgraphs + 4)
    return u32(field(first_subgraph, 0))


def open_litert(model_path, resolver, preserve_all_tensors=False):
    """A LiteRT interpreter for model_path with tensors allocated.

    preserve_all_tensors keeps every intermediate tensor's memory to itself,
    so after invoke() each operator's output can still be read. One thread,
    said outright (LiteRT's default is 1 today): the workbook runs on one, and
    tools/benchmark.py compares the two.
    """
    interpreter = Interpreter(
        model_path=model_path,
        num_threads=1,
        experimental_op_resolver_type=OpResolverType[resolver],
        experimental_preserve_all_tensors=preserve_all_tensors,
    )
    interpreter.allocate_tensors()
    return interpreter


def encode_images(pixels, input_detail, input_range=None):
    """The images as the model's input tensor holds them, in its type and shape.

    pixels: uint8 [N, 784]. input_detail: an entry of get_input_details().
    input_range: (lo, hi), the reals pixels 0 and 255 stand for, or None.
    The rule is the workbook's (chapter 2, PixelMapping):
      quantized input, no range:  code = qmin + pixel, which spans the input
                                  tensor's own range S(qmin - Z) .. S(qmax - Z)
                                  (for S = 1/255: pixel - 128 for int8, the
                                  pixel itself for uint8);
      otherwise:                  real = lo + (hi - lo) * (pixel / 255), each
                                  step in float32 ((0, 1) for a float input);
                                  a quantized input then takes TFLite's
                                  reference QUANTIZE of it: round half away
                                  from zero of the float32 real / S, plus Z,
                                  clamped.
    Returns [N, *shape[1:]] (the batch dimension is one image).
    """
    dtype = np.dtype(input_detail["dtype"])
    shape = (len(pixels),) + tuple(int(d) for d in input_detail["shape"][1:])
    if dtype == np.float32 or input_range is not None:
        lo, hi = (np.float32(v) for v in (input_range or (0.0, 1.0)))
        reals = lo + (hi - lo) * (pixels.astype(np.float32) / np.float32(255.0))
        if dtype == np.float32:
            return reals.astype(np.float32).reshape(shape)
    scales = input_detail["quantization_parameters"]["scales"]
    zero_points = input_detail["quantization_parameters"]["zero_points"]
    if len(scales) != 1:
        raise ValueError("expected a per-tensor quantized input")
    info = np.iinfo(dtype)
    if input_range is None:
        codes = pixels.astype(np.int64) + info.min
    else:
        # The float32 quotient, then rounded exactly in float64 (float32 + 0.5 could round).
        steps = (reals / np.float32(scales[0])).astype(np.float64)
        codes = (np.sign(steps) * np.floor(np.abs(steps) + 0.5)).astype(np.int64) + int(zero_points[0])
    return np.clip(codes, info.min, info.max).astype(dtype).reshape(shape)


def predict_litert(model_path, resolver, pixels):
    """Runs every image through the model one at a time; returns the argmax
    of each output (the predicted digit)."""
    interpreter = open_litert(model_path, resolver)
    input_detail = interpreter.get_input_details()[0]
    output_index = interpreter.get_output_details()[0]["index"]
    inputs = encode_images(pixels, input_detail)
    predictions = np.empty(len(inputs), dtype=np.int64)
    for i, image in enumerate(inputs):
        interpreter.set_tensor(input_detail["index"], image[np.newaxis, :])
        interpreter.invoke()
        predictions[i] = np.argmax(interpreter.get_tensor(output_index))
    return predictions


# --- TFLite Micro -----------------------------------------------------------

@contextlib.contextmanager
def captured_stderr():
    """Collects what C++ code writes to file descriptor 2.

    TFLite Micro explains why it refuses a model on stderr, while the Python
    exception only says that allocation failed.
    """
    captured = {"text": ""}
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured["text"] = sink.read().decode("utf-8", "replace")


def open_tflm(model_path, preserve_all_tensors=False):
    """Returns (interpreter, None), or (None, reason) when TFLM refuses."""
    from tflite_micro.python.tflite_micro import runtime

    # kPreserveAllTensors lets GetTensor() read every tensor after invoke().
    # ("intrepreter_config" is spelled so in tflite-micro itself.)
    config = (runtime.InterpreterConfig.kPreserveAllTensors if preserve_all_tensors
              else runtime.InterpreterConfig.kAllocationRecording)
    with captured_stderr() as log:
        try:
            return runtime.Interpreter.from_file(model_path, intrepreter_config=config), None
        except Exception as error:  # TFLM raises RuntimeError on refusal
            failure = error
    reason = " ".join(line.strip() for line in log["text"].splitlines() if line.strip())
    return None, f"{type(failure).__name__}: {failure}" + (f" ({reason})" if reason else "")


def predict_tflm(interpreter, inputs):
    predictions = np.empty(len(inputs), dtype=np.int64)
    for i, image in enumerate(inputs):
        interpreter.set_input(image[np.newaxis, :], 0)
        interpreter.invoke()
        predictions[i] = np.argmax(interpreter.get_output(0))
    return predictions


# --- describing a model -----------------------------------------------------

def describe(model_path, label=None):
    """A short text listing of a model's operators and tensors."""
    interpreter = open_litert(model_path, "BUILTIN_REF")
    lines = [f"{label or model_path}  ({os.path.getsize(model_path)} bytes)"]
    for op in interpreter._get_ops_details():
        lines.append(f"  op {op['index']}: {op['op_name']:<16} inputs {list(map(int, op['inputs']))}"
                     f" -> outputs {list(map(int, op['outputs']))}")
    for t in interpreter.get_tensor_details():
        q = t["quantization_parameters"]
        scales, zero_points = q["scales"], q["zero_points"]
        if len(scales) == 0:
            quant = "not quantized"
        elif len(scales) == 1:
            quant = f"S={scales[0]:.8g} Z={zero_points[0]}"
        else:
            quant = (f"{len(scales)} scales (axis {q['quantized_dimension']}) "
                     f"{scales.min():.4g}..{scales.max():.4g}, Z in {sorted(set(zero_points.tolist()))[:3]}")
        lines.append(f"  tensor {t['index']:>2}: {np.dtype(t['dtype']).name:<7} "
                     f"{str(list(map(int, t['shape']))):<11} {quant}  {t['name']}")
    return "\n".join(lines)
