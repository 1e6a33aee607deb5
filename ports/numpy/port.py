"""The workbook's arithmetic as a numpy user writes it: integer-only inference of a quantized
TFLite MLP, bit-exact with TFLite in each of the four kernel families (chapters 2 and 4 to 9).

    python ports/numpy/port.py MODEL.tflite --kernels reference|optimized|micro|xnnpack \\
        --mnist IMAGES.idx[.gz] [--first N] --out OUT.npz [--input-range LO,HI]

writes one array per tensor an operator writes, and one for the input tensor, keyed by the
tensor's name in the .tflite, shape [N, ...] (N images, then the tensor's shape without its batch
of 1), in the tensor's own dtype. As a module: run(model_path, family, pixels, input_range).

The model is read the way a numpy user reads it: LiteRT's Interpreter(...).get_tensor_details()
and get_tensor() for the constants and the quantization parameters (invoke() is never called),
and the two things the Python API does not expose, the fused activation and softmax's beta, from
the flatbuffer (read_options). Operators: FULLY_CONNECTED (fused NONE, RELU, RELU6,
RELU_N1_TO_1), SOFTMAX, QUANTIZE, DEQUANTIZE, RESHAPE and the SHAPE, STRIDED_SLICE, PACK program
Keras's Flatten writes. The families are x86-64 LiteRT 2.3.0's and TFLite Micro's
(../shared/tflite-integer-notes.md names the source of every rule).

Needs numpy and ai-edge-litert only (ports/numpy/requirements.txt).
"""

import argparse
import ctypes
import ctypes.util
import gzip
import os
import struct
import sys
import zlib

import numpy as np

FAMILIES = ("reference", "optimized", "micro", "xnnpack")
# The op resolver each LiteRT family runs; micro is TFLite Micro's own interpreter.
RESOLVERS = {"reference": "BUILTIN_REF", "optimized": "BUILTIN_WITHOUT_DEFAULT_DELEGATES",
             "micro": "TFLM", "xnnpack": "AUTO"}
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


class PortError(Exception):
    """Why the port cannot compute this model or these images: one line for the user."""


# --- Reading the model (chapter 1) ---------------------------------------------------------------

# The builtin options we need, by operator: name -> (field number in schema.fbs, format, default).
OPTION_FIELDS = {
    "FULLY_CONNECTED": {"fused_activation": (0, "<b", 0), "weights_format": (1, "<b", 0)},
    "SOFTMAX": {"beta": (0, "<f", 0.0)},
    "STRIDED_SLICE": {"begin_mask": (0, "<i", 0), "end_mask": (1, "<i", 0), "ellipsis_mask": (2, "<i", 0),
                      "new_axis_mask": (3, "<i", 0), "shrink_axis_mask": (4, "<i", 0), "offset": (5, "<?", False)},
    "PACK": {"values_count": (0, "<i", 0), "axis": (1, "<i", 0)},
}
# schema.fbs ActivationFunctionType, and the real interval each clamps to (None: no bound).
ACTIVATIONS = {0: ("NONE", None, None), 1: ("RELU", 0.0, None), 2: ("RELU_N1_TO_1", -1.0, 1.0), 3: ("RELU6", 0.0, 6.0)}
ACTIVATION_NAMES = {4: "TANH", 5: "SIGN_BIT"}


# snippet.port-flatbuffer-options
def read_options(data):
    """For each operator of the first subgraph: (its output tensors, a function that reads a
    scalar field of its builtin options table). A flatbuffer table starts with the signed
    distance back to its vtable, whose uint16 entries give each field's offset (0: absent)."""
    def u32(at): return struct.unpack_from("<I", data, at)[0]

    def table(at):
        vtable = at - struct.unpack_from("<i", data, at)[0]
        size = struct.unpack_from("<H", data, vtable)[0]
        def field(number):
            slot = 4 + 2 * number
            offset = struct.unpack_from("<H", data, vtable + slot)[0] if slot < size else 0
            return at + offset if offset else None
        return field

    def vector(at):  # an offset field points to a uint32 count, then the elements
        start = at + u32(at)
        return start + 4, u32(start)

    def tables(at):
        first, count = vector(at)
        return [table(first + 4 * k + u32(first + 4 * k)) for k in range(count)]

    subgraph = tables(table(u32(0))(2))[0]  # Model.subgraphs[0]
    operators = []
    for op in tables(subgraph(3)):  # SubGraph.operators
        first, count = vector(op(2))  # Operator.outputs
        options = table(op(4) + u32(op(4))) if op(4) else (lambda number: None)
        def read(number, fmt, default, options=options):
            at = options(number)
            return default if at is None else struct.unpack_from(fmt, data, at)[0]
        operators.append((list(struct.unpack_from(f"<{count}i", data, first)), read))
    return operators
# snippet.end


class Model:
    """A .tflite model as LiteRT's Python API shows it: tensors, operators, constants."""

    def __init__(self, path):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        if not os.path.isfile(path):
            raise PortError(f"{path}: {'not a file' if os.path.exists(path) else 'no such file'}")
        # snippet.port-read-model
        # BUILTIN_REF: the default resolver (AUTO) adds the XNNPACK delegate, and after
        # allocate_tensors() _get_ops_details() lists DELEGATE pseudo-operators besides the real
        # ones. We never allocate or invoke: constants can be read without it.
        try:
            interpreter = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        except (ValueError, RuntimeError) as error:
            raise PortError(f"{path}: not a TFLite model LiteRT can open ({str(error).strip().splitlines()[0]})")
        self.tensors = sorted(interpreter.get_tensor_details(), key=lambda t: t["index"])
        self.ops = interpreter._get_ops_details()  # [{'op_name', 'inputs', 'outputs', ...}]
        self.input = interpreter.get_input_details()[0]["index"]
        self.constant = interpreter.get_tensor  # weights and biases live in the file
        # snippet.end
        with open(path, "rb") as file:
            options = read_options(file.read())
        if [outputs for outputs, _ in options] != [list(op["outputs"]) for op in self.ops]:
            raise PortError(f"{path}: the flatbuffer's operators are not those LiteRT lists")
        for op, (_, read) in zip(self.ops, options):
            fields = OPTION_FIELDS.get(op["op_name"], {})
            op["options"] = {name: read(*field) for name, field in fields.items()}
        self.path = path

    def quantization(self, index):
        """(scales float32 [C], zero points int64 [C]) of a tensor. Not detail['quantization']:
        that tuple is (0.0, 0) for per-channel weights, whose C scales only live here."""
        q = self.tensors[index]["quantization_parameters"]
        if len(q["scales"]) == 0:
            raise PortError(f"tensor {index} '{self.tensors[index]['name']}' is not quantized")
        return q["scales"].astype(np.float32), q["zero_points"].astype(np.int64)

    def dtype(self, index):
        return np.dtype(self.tensors[index]["dtype"])

    def describe(self, op_index):
        return f"{self.path}: operator {op_index} ({self.ops[op_index]['op_name']})"


def is_eight_bit(dtype):
    return dtype in (np.dtype(np.int8), np.dtype(np.uint8))


def type_range(dtype):
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


# --- Rounding and gemmlowp's fixed point (chapters 2, 6, 8) --------------------------------------

# snippet.port-rounding
JUST_BELOW_HALF = np.nextafter(0.5, 0.0)  # 0.49999999999999994, the largest double below 1/2


def round_half_away(x):
    """C's round (TFLite's TfLiteRound): to nearest, ties away from zero. Not np.round, which
    sends ties to even (np.round(2.5) is 2.0); nor trunc(x ± 0.5), which carries the double just
    below 1/2 up to 1.0. Adding ±0.49999999999999994 and truncating is exact: a tie k + 0.5
    becomes k + 1 − 2^−54, which rounds to k + 1, and nothing below the tie reaches k + 1."""
    x = np.asarray(x, dtype=np.float64)
    return (x + np.copysign(JUST_BELOW_HALF, x)).astype(np.int64)  # astype truncates toward 0
# snippet.end


# snippet.port-fixed-point
def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul (ARM VQRDMULH): round(a·b / 2^31), ties up.
    a, b: int32 values in int64 arrays; a·b fits int64. gemmlowp adds 2^30 (or 1 − 2^30 when
    negative) and truncates toward zero, which is the floor of (a·b + 2^30) / 2^31."""
    high = (a * b + (1 << 30)) >> 31
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, high)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT: x / 2^exponent, ties away from zero (micro's last step)."""
    mask = (np.int64(1) << exponent) - 1
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + ((x & mask) > threshold)


def rounding_shift_ties_up(x, exponent):
    """ARM's rounding shift VRSHL (NEON_2_SSE on x86, and ruy's AVX2 kernel): ties up."""
    nudge = np.where(exponent > 0, np.int64(1) << np.maximum(exponent - 1, 0), 0)
    return (x + nudge) >> exponent
# snippet.end


def saturating_shift_left(x, exponent):
    """gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: x·2^e, saturating."""
    threshold = (1 << (31 - exponent)) - 1
    return np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, x << exponent))


def wrap_int32(x):
    return ((x - INT32_MIN) & 0xFFFFFFFF) + INT32_MIN


# snippet.port-quantize-multiplier
def quantize_multiplier(real):
    """TFLite QuantizeMultiplier, (6.4): real ≈ M0·2^(shift − 31), M0 in [2^30, 2^31).
    real: float64 [C]. frexp gives q in [0.5, 1); M0 = round(q·2^31), ties away."""
    q, shift = np.frexp(real)
    m0 = round_half_away(q * 2.0**31)
    shift = np.where(m0 == 1 << 31, shift + 1, shift).astype(np.int64)
    m0 = np.where(m0 == 1 << 31, 1 << 30, m0)
    flushed = (shift < -31) | (real == 0)  # beyond every int32 product: TFLite makes it 0
    return np.where(flushed, 0, m0), np.where(flushed, 0, shift)
# snippet.end


# --- Pixels to the input tensor (chapter 2) ------------------------------------------------------

def input_values(pixels, model, input_range):
    """The input tensor's values for uint8 pixels [N, 784]: codes int64, or reals float32."""
    index = model.input
    dtype = model.dtype(index)
    if not (dtype == np.float32 or is_eight_bit(dtype)):
        raise PortError(f"{model.path}: the input tensor is {dtype}; the port computes int8, uint8 or float32 inputs")
    if int(np.prod(model.tensors[index]["shape"])) != pixels.shape[1]:
        raise PortError(f"{model.path}: the input tensor {list(model.tensors[index]['shape'])} does not take one "
                        f"image of {pixels.shape[1]} pixels")
    # snippet.port-pixels
    if dtype == np.float32 or input_range is not None:
        # real = lo + (hi − lo)·(p/255), each operation in float32, in this order.
        lo, hi = (np.float32(v) for v in (input_range or (0.0, 1.0)))
        reals = lo + (hi - lo) * (pixels.astype(np.float32) / np.float32(255))
        if dtype == np.float32:
            return reals
        # Then TFLite's reference QUANTIZE, (2.2): the float32 quotient r/S, ties away.
        scales, zero_points = model.quantization(index)
        codes = round_half_away(reals / scales[0]) + zero_points[0]
    else:
        # No range: pixel p is code qmin + p, the input tensor's own range (no rounding).
        codes = pixels.astype(np.int64) + type_range(dtype)[0]
    # snippet.end
    return np.clip(codes, *type_range(dtype))


# --- FULLY_CONNECTED (chapters 4 to 7) -----------------------------------------------------------

class Layer:
    """A FULLY_CONNECTED's constants and scales, read from the model and checked the way TFLite's
    Prepare checks them: weights [outputs][inputs] as stored, bias, S1, Z1, S2, Z2, S3, Z3."""

    def __init__(self, model, op, input_count):
        what = model.describe(op["index"])
        input_index, weights_index = int(op["inputs"][0]), int(op["inputs"][1])
        bias_index = int(op["inputs"][2]) if len(op["inputs"]) > 2 else -1
        output_index = int(op["outputs"][0])
        in_type, w_type, out_type = (model.dtype(i) for i in (input_index, weights_index, output_index))
        if w_type == np.float32 or in_type == np.float32:
            raise PortError(f"{what} computes in float ({in_type} input, {w_type} weights): the port is "
                            f"integer-only (a float or dynamic-range model)")
        if not (is_eight_bit(in_type) and w_type == in_type and out_type == in_type):
            raise PortError(f"{what} reads {in_type} with {w_type} weights into {out_type}; the port computes "
                            f"8-bit layers of one type (int8 or uint8)")
        if op["options"]["weights_format"] != 0:
            raise PortError(f"{what} stores shuffled weights; the port reads the default layout")
        self.activation = op["options"]["fused_activation"]
        if self.activation not in ACTIVATIONS:
            raise PortError(f"{what} fuses {ACTIVATION_NAMES.get(self.activation, self.activation)}, "
                            f"which is not a clamp")
        self.weights = model.constant(weights_index).astype(np.int64)  # [outputs][inputs], as stored
        outputs, inputs = self.weights.shape
        self.bias = model.constant(bias_index).astype(np.int64) if bias_index >= 0 else np.zeros(outputs, np.int64)
        self.s1, self.z1 = (v[0] for v in model.quantization(input_index))
        self.s2, z2 = model.quantization(weights_index)  # one per output channel, or one
        self.s3, self.z3 = (v[0] for v in model.quantization(output_index))
        self.output_type = out_type
        if in_type == np.int8 and np.any(z2 != 0):
            raise PortError(f"{what}: int8 weights with a nonzero zero point, which TFLite refuses")
        if len(self.s2) not in (1, outputs) or input_count != inputs:
            raise PortError(f"{what}: {len(self.s2)} weight scales for {outputs} channels, {input_count} "
                            f"inputs for {inputs} columns")
        # Per-channel int8 kernels never read the weights' zero point (it is 0); uint8 ones subtract it.
        self.z2 = z2 if in_type == np.uint8 else np.zeros_like(z2)
        bound = inputs * 255 * int(np.abs(self.weights - self.z2[:, None]).max(initial=0))
        if bound + int(np.abs(self.bias).max(initial=0)) > INT32_MAX:
            raise PortError(f"{what}: its accumulator can reach {bound}, beyond what TFLite's int32 holds")


# snippet.port-matmul
def accumulate(x, z1, weights, z2):
    """(4.1) acc = Σ_k (q_w − Z2)(q_in − Z1) for codes x [N, inputs] and weights [outputs, inputs].
    Every product and every partial sum is an integer below 2^31 (chapter 4's bound, checked by
    Layer), far below 2^53: float64 holds each exactly, so BLAS's float64 matmul, adding in any
    order, is the exact integer sum, and much faster than numpy's integer matmul."""
    centered_input = (x - z1).astype(np.float64)                   # [N, inputs]
    centered_weights = (weights - z2[:, None]).astype(np.float64)  # [outputs, inputs]
    return (centered_input @ centered_weights.T).astype(np.int64)  # [N, outputs]
# snippet.end


# snippet.port-fully-connected
def fully_connected(model, op, x, family):
    layer = Layer(model, op, x.shape[1])
    acc = accumulate(x, layer.z1, layer.weights, layer.z2)          # chapter 4, (4.1)
    acc = acc + layer.bias                                          # chapter 5, (5.1)
    scaled = REQUANTIZE[family](acc, layer.s1, layer.s2, layer.s3)  # chapter 6: M·acc
    low, high = activation_range(layer.activation, layer.s3, layer.z3, layer.output_type, family)
    return np.clip(layer.z3 + scaled, low, high)                    # chapter 7, (7.1)
# snippet.end


# snippet.port-requantize-reference
def requantize_reference(acc, s1, s2, s3):
    """reference (LiteRT's reference FULLY_CONNECTED since April 2025): M in double,
    double(S1)·double(S2[c])/double(S3), and C's round of the double product."""
    multiplier = np.float64(s1) * s2.astype(np.float64) / np.float64(s3)  # (6.3), [C] or [1]
    return round_half_away(acc.astype(np.float64) * multiplier)
# snippet.end


# snippet.port-multiplier-fixed-point
def fixed_point_multiplier(s1, s2, s3):
    """optimized and micro: M0 and shift. Per channel, M in double as reference; per tensor,
    GetQuantizedConvolutionMultipler forms S1·S2 in float32 before widening."""
    if len(s2) == 1:
        real = (np.float32(s1) * s2).astype(np.float64) / np.float64(s3)
    else:
        real = np.float64(s1) * s2.astype(np.float64) / np.float64(s3)
    return quantize_multiplier(real)
# snippet.end


# snippet.port-requantize-optimized
def requantize_optimized(acc, s1, s2, s3):
    """optimized (CustomGemv's NEON through NEON_2_SSE, or ruy's AVX2): (6.5), the high
    multiply then a rounding shift, both rounding ties up."""
    m0, shift = fixed_point_multiplier(s1, s2, s3)
    shifted = wrap_int32(acc << np.maximum(shift, 0))  # 2^ℓ, only when M ≥ 1; wraps like vshlq_s32
    return rounding_shift_ties_up(srdhm(shifted, m0), np.maximum(-shift, 0))
# snippet.end


# snippet.port-requantize-micro
def requantize_micro(acc, s1, s2, s3):
    """micro (TFLite Micro, gemmlowp's MultiplyByQuantizedMultiplier): the same high multiply,
    then RoundingDivideByPOT, ties away from zero."""
    m0, shift = fixed_point_multiplier(s1, s2, s3)
    shifted = wrap_int32(acc << np.maximum(shift, 0))
    return rounding_divide_by_pot(srdhm(shifted, m0), np.maximum(-shift, 0))
# snippet.end


# snippet.port-requantize-xnnpack
def requantize_xnnpack(acc, s1, s2, s3):
    """xnnpack: M = f32(f32(S1·S2[c]) / S3), acc to float32, a float32 product, and the x86
    conversion cvtps2dq, ties to even (np.rint)."""
    multiplier = np.float32(s1) * s2 / np.float32(s3)  # float32 at every step
    return np.rint(acc.astype(np.float32) * multiplier).astype(np.int64)
# snippet.end


REQUANTIZE = {"reference": requantize_reference, "optimized": requantize_optimized,
              "micro": requantize_micro, "xnnpack": requantize_xnnpack}


# snippet.port-activation-range
def activation_range(activation, s3, z3, dtype, family):
    """[act_min, act_max], chapter 7. TFLite (7.2): Z3 + round(f32(v/S3)), ties away, within the
    type. XNNPACK (7.3): lrintf(clamp(f32(v/S3) + Z3)), ties to even, ±∞ where there is no bound."""
    qmin, qmax = type_range(dtype)
    _, low, high = ACTIVATIONS[activation]
    if family == "xnnpack":
        def bound(v):
            return int(np.rint(np.clip(np.float32(v) / s3 + np.float32(z3), qmin, qmax)))
        return bound(-np.inf if low is None else low), bound(np.inf if high is None else high)
    def bound(v):
        return int(z3 + round_half_away(np.float32(v) / s3))
    return (qmin if low is None else max(qmin, bound(low))), (qmax if high is None else min(qmax, bound(high)))
# snippet.end


# --- SOFTMAX (chapter 8) -------------------------------------------------------------------------

def softmax(model, op, x, family):
    what = model.describe(op["index"])
    input_index, output_index = int(op["inputs"][0]), int(op["outputs"][0])
    in_type, out_type = model.dtype(input_index), model.dtype(output_index)
    if not (is_eight_bit(in_type) and out_type == in_type):
        raise PortError(f"{what} reads {in_type} and writes {out_type}; the port computes 8-bit softmax, "
                        f"int8 or uint8 on both sides")
    s_in = model.quantization(input_index)[0][0]
    s_out, z_out = (v[0] for v in model.quantization(output_index))
    beta = np.float32(op["options"]["beta"])
    if in_type == np.int8 and (z_out != -128 or abs(s_out - 1 / 256) > (0 if family == "micro" else 0.001 / 256)):
        raise PortError(f"{what}: an int8 softmax output needs S = 1/256 and Z = -128 (TFLite's SoftmaxPrepare)")
    if family in ("reference", "micro"):
        return softmax_fixed_point(x, s_in, beta, out_type, what)
    return softmax_float_table(x, s_in, beta, s_out, z_out, out_type)  # XNNPACK declines 8-bit softmax


# snippet.port-softmax-scaling
def softmax_scaling(s_in, beta, what):
    """(8.1), (8.2): β·S_in·2^26 as M0·2^(shift − 31), and the smallest difference that counts."""
    real = min(np.float64(beta) * np.float64(s_in) * 2.0**26, 2.0**31 - 1)
    m0, shift = (int(v[0]) for v in quantize_multiplier(np.array([real])))
    if real <= 1 or shift < 0:
        raise PortError(f"{what}: β·S_in·2^26 = {real} is not above 1, which TFLite refuses")
    diff_min = -int(np.floor(31.0 * 2.0**26 / 2.0**shift))
    return m0, shift, diff_min
# snippet.end


# snippet.port-exp
def exp_on_negative_values(a):
    """gemmlowp exp_on_negative_values for Q5.26 a ≤ 0, result Q0.31, (8.4)–(8.6)."""
    quarter = 1 << 24                                     # 1/4 in Q5.26
    in_last_quarter = (a & (quarter - 1)) - quarter       # in [−1/4, 0)
    x = saturating_shift_left(in_last_quarter, 5) + (1 << 28)  # to Q0.31, plus 1/8: (8.5)
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    higher = rounding_divide_by_pot(srdhm(rounding_divide_by_pot(x4, 2) + x3, 715827883) + x2, 1)
    result = 1895147668 + srdhm(1895147668, x + higher)   # e^(−1/8)·(1 + x + x²/2 + x³/6 + x⁴/24)
    remainder = in_last_quarter - a
    for k, multiplier in zip(range(-2, 5), (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242)):
        result = np.where(remainder & (1 << (26 + k)) != 0, srdhm(result, multiplier), result)  # (8.6)
    return np.where(a == 0, INT32_MAX, result)
# snippet.end


# snippet.port-reciprocal
def one_over_one_plus_x(a):
    """gemmlowp one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out: Newton–Raphson, (8.9)."""
    total = a + INT32_MAX
    half_denominator = (total + 1) >> 1                  # RoundingHalfSum(a, 1.0); total > 0
    x = 1515870810 + srdhm(half_denominator, -1010580540)  # 48/17 − 32/17·d, Q2.29
    for _ in range(3):
        one_minus_dx = (1 << 29) - srdhm(half_denominator, x)
        x = x + saturating_shift_left(srdhm(x, one_minus_dx), 2)
    return saturating_shift_left(x, 1)                   # x/2, Q1.30 read as Q0.31
# snippet.end


# snippet.port-softmax-fixed-point
def softmax_fixed_point(x, s_in, beta, out_type, what):
    """reference and micro: TFLite's reference_ops::Softmax, all fixed point. x: codes [N, classes]."""
    m0, shift, diff_min = softmax_scaling(s_in, beta, what)
    d = x - x.max(axis=1, keepdims=True)                  # (8.1) d = q − max ≤ 0
    valid = d >= diff_min                                 # (8.2)
    z = srdhm(np.where(valid, d, 0) << shift, m0)         # (8.3) d·β·S_in in Q5.26
    e = exp_on_negative_values(z)                         # Q0.31
    total = np.where(valid, rounding_divide_by_pot(e, 12), 0).sum(axis=1, keepdims=True)  # (8.7) Q12.19
    headroom = 32 - np.frexp(total.astype(np.float64))[1]  # leading zeros of the int32 sum
    scale = one_over_one_plus_x((total << headroom) - (1 << 31))  # (8.8) sum = 2^b·(1 + x)
    exponent = (12 - headroom) + 31 - 8                   # (8.10) b + 31 − 8
    qmin, qmax = type_range(out_type)
    codes = rounding_divide_by_pot(srdhm(scale, e), exponent) + qmin  # the type's minimum, not Z
    return np.where(valid, np.clip(codes, qmin, qmax), qmin)
# snippet.end


_libm = None


def glibc_expf(values):
    """The C library's expf, which LiteRT's table calls. numpy's float32 np.exp is another
    implementation: it differs from glibc's in about 100 of a table's 256 entries."""
    global _libm
    if _libm is None:
        _libm = ctypes.CDLL(ctypes.util.find_library("m"))
        _libm.expf.restype, _libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]
    return np.array([_libm.expf(float(v)) for v in values], dtype=np.float32)


# snippet.port-softmax-table
def softmax_float_table(x, s_in, beta, s_out, z_out, out_type):
    """optimized and xnnpack: LiteRT's optimized Softmax on x86, a table of 256 float32
    exponentials (8.11), a float32 sum in index order (8.12), and (8.13)."""
    table = np.zeros(256, np.float32)
    table[255 - np.arange(256)] = glibc_expf(np.float32(-s_in * beta) * np.arange(256, dtype=np.float32))
    e = table[255 + x - x.max(axis=1, keepdims=True)]    # [N, classes] float32
    total = np.zeros(len(x), np.float32)
    for column in e.T:                                    # not e.sum(axis=1): numpy sums pairwise
        total = total + column
    inverse = np.float32(1) / (total * s_out)             # float32
    p = e * inverse[:, None]                              # the probability in output steps
    if out_type == np.uint8:
        codes = (p + np.float32(0.5)).astype(np.int64)    # x86 QuantizeSoftmaxOutput<uint8>: no Z
    else:
        codes = round_half_away(p) + z_out                # std::round, then Z
    return np.clip(codes, *type_range(out_type))
# snippet.end


# --- QUANTIZE, DEQUANTIZE (chapter 9) ------------------------------------------------------------

def quantize(model, op, x, family):
    what = model.describe(op["index"])
    input_index, output_index = int(op["inputs"][0]), int(op["outputs"][0])
    in_type, out_type = model.dtype(input_index), model.dtype(output_index)
    if not is_eight_bit(out_type) or not (in_type == np.float32 or is_eight_bit(in_type)):
        raise PortError(f"{what} turns {in_type} into {out_type}; the port quantizes float32 or 8-bit into 8-bit")
    s_out, z_out = (v[0] for v in model.quantization(output_index))
    qmin, qmax = type_range(out_type)
    if in_type == np.float32:
        # snippet.port-quantize-float
        if family in ("reference", "micro"):
            steps = round_half_away(x / s_out)                     # AffineQuantize: f32(x/S), ties away
        else:
            # NEON (vmulq, vcvtnq: 784 = 98 blocks of 8) and XNNPACK multiply by the float32
            # reciprocal of S and round ties to even.
            steps = np.rint(x * np.float32(1.0 / np.float64(s_out))).astype(np.int64)
        return np.clip(steps + z_out, qmin, qmax)
        # snippet.end
    s_in, z_in = (v[0] for v in model.quantization(input_index))
    # snippet.port-requantize-codes
    if s_in == s_out and abs(z_in - z_out) == 128 and in_type != out_type:
        return x - z_in + z_out                                    # uint8 ↔ int8: the top bit flipped
    ratio = np.float32(s_in / s_out)
    if family == "xnnpack" and in_type == out_type and 1 / 256 <= ratio <= 128:
        # XNNPACK's convert: M = lrintf(256·S_in/S_out), floor(((q − Z_in)·M + 128) / 256).
        m = int(np.rint(np.float32(256) * ratio))
        return np.clip((((x - z_in) * m + 128) >> 8) + z_out, qmin, qmax)
    m0, shift = (int(v[0]) for v in quantize_multiplier(np.array([np.float64(s_in) / np.float64(s_out)])))
    centered = wrap_int32((x - z_in) << max(shift, 0))
    high = srdhm(centered, m0)
    scaled = rounding_divide_by_pot(high, max(-shift, 0))          # MultiplyByQuantizedMultiplier
    if family in ("optimized", "xnnpack"):
        # The optimized kernel runs NEON blocks of 16 with the ties-up rounding shift, and the
        # scalar tail as above. (AUTO leaves it a QUANTIZE between two types; no model here has
        # one of 16 values or more at a ratio other than 1, so this line is not proven by data.)
        blocked = x.shape[1] // 16 * 16
        scaled[:, :blocked] = rounding_shift_ties_up(high[:, :blocked], max(-shift, 0))
    return np.clip(scaled + z_out, qmin, qmax)
    # snippet.end


def dequantize(model, op, x, family):
    input_index, output_index = int(op["inputs"][0]), int(op["outputs"][0])
    if not is_eight_bit(model.dtype(input_index)) or model.dtype(output_index) != np.float32:
        raise PortError(f"{model.describe(op['index'])} turns {model.dtype(input_index)} into "
                        f"{model.dtype(output_index)}; the port dequantizes 8-bit codes into float32")
    s, z = (v[0] for v in model.quantization(input_index))
    # snippet.port-dequantize
    # (2.1) r = S·(q − Z): the double product is exact, so there is one rounding, to float32.
    reals = (np.float64(s) * (x - z)).astype(np.float32)
    if family == "optimized":
        # Except in the optimized kernel's NEON blocks of 8 (NEON_2_SSE on x86): vmlaq_f32 is a
        # float32 multiply, then an add, f32(f32(q·S) + f32(−Z·S)): two roundings. The tail is (2.1).
        blocked = x.shape[1] // 8 * 8
        reals[:, :blocked] = x[:, :blocked].astype(np.float32) * s + np.float32(-z * np.float64(s))
    return reals
    # snippet.end


# --- RESHAPE and Keras's Flatten: SHAPE, STRIDED_SLICE, PACK (chapter 1) -------------------------

def reshape(model, op, x, family):
    output_index = int(op["outputs"][0])
    if model.dtype(int(op["inputs"][0])) != model.dtype(output_index) or \
            int(np.prod(model.tensors[output_index]["shape"])) != x.shape[1]:
        raise PortError(f"{model.describe(op['index'])} changes the type or the number of values")
    return x  # the same values under the output tensor's shape


def shape(model, op, values, family):
    # The shape of one image's tensor: the workbook and TFLite run one image at a time.
    return [int(d) for d in model.tensors[int(op["inputs"][0])]["shape"]]


def small_vector(model, values, index, what):
    """A shape an earlier operator computed, or a constant int32 tensor of the file."""
    if index in values:
        return list(values[index])
    if index < 0 or model.dtype(index) != np.int32:
        raise PortError(f"{what} reads tensor {index}, which is not a shape")
    return [int(v) for v in np.ravel(model.constant(index))]


def strided_slice(model, op, values, family):
    what = model.describe(op["index"])
    vector, begin, end, strides = (small_vector(model, values, int(i), what) for i in op["inputs"])
    o = op["options"]
    if len(begin) != 1 or o["ellipsis_mask"] or o["new_axis_mask"] or strides[0] == 0:
        raise PortError(f"{what} slices more than one dimension of a shape")
    n, stride = len(vector), strides[0]
    start = begin[0] + n if begin[0] < 0 else begin[0]
    if o["shrink_axis_mask"] & 1:  # one element, the form Keras's Flatten writes for the batch
        if not 0 <= start < n:
            raise PortError(f"{what} takes element {begin[0]} of a shape of {n}")
        return [vector[start]]
    stop = begin[0] + end[0] if o["offset"] else end[0]
    stop = stop + n if stop < 0 else stop
    low, high = (0, n) if stride > 0 else (-1, n - 1)
    start = (0 if stride > 0 else n - 1) if o["begin_mask"] & 1 else min(max(start, low), high)
    stop = (n if stride > 0 else -1) if o["end_mask"] & 1 else min(max(stop, low), high)
    return vector[start:stop:stride] if stop >= 0 else vector[start::stride]


def pack(model, op, values, family):
    what = model.describe(op["index"])
    parts = [small_vector(model, values, int(i), what) for i in op["inputs"]]
    if any(len(part) != 1 for part in parts) or op["options"]["axis"] not in (0, -1):
        raise PortError(f"{what} packs something other than single numbers into a shape")
    return [part[0] for part in parts]


# Operators on the images' values, and operators that compute a shape (the same for every image).
OPERATORS = {"FULLY_CONNECTED": fully_connected, "SOFTMAX": softmax, "QUANTIZE": quantize,
             "DEQUANTIZE": dequantize, "RESHAPE": reshape}
SHAPE_OPERATORS = {"SHAPE": shape, "STRIDED_SLICE": strided_slice, "PACK": pack}


# --- The network (chapter 9) ---------------------------------------------------------------------

def refusal(model, family):
    """Why TFLite itself does not offer `family` for this model, or None."""
    if family == "micro":
        # TFLite Micro has no uint8 kernels: it refuses a uint8 SOFTMAX when it prepares the model
        # (softmax_common.cc), and its FULLY_CONNECTED computes float32, int8 and int16 only
        # (fully_connected.cc: "Input type uint8 not supported" when it runs).
        for op in model.ops:
            if op["op_name"] in ("SOFTMAX", "FULLY_CONNECTED") and model.dtype(int(op["inputs"][0])) == np.uint8:
                return (f"{model.path}: TFLite Micro has no uint8 kernels (operator {op['index']} is a uint8 "
                        f"{op['op_name']}), so it refuses this model, and so does the micro family")
    return None


def batchless_shape(model, index):
    dims = [int(d) for d in model.tensors[index]["shape"]]
    return dims[1:] if dims and dims[0] == 1 else dims


def check(model, family):
    """Refuses, in one line, a family TFLite does not offer for the model or an operator the port
    does not compute, before any image runs."""
    if family not in FAMILIES:
        raise PortError(f"unknown kernel family '{family}': one of {', '.join(FAMILIES)}")
    why_not = refusal(model, family)
    if why_not:
        raise PortError(why_not)
    for op in model.ops:
        if op["op_name"] not in OPERATORS and op["op_name"] not in SHAPE_OPERATORS:
            raise PortError(f"{model.describe(op['index'])} is not an operator the port computes "
                            f"({', '.join(list(OPERATORS) + list(SHAPE_OPERATORS))})")


def operator_input(model, op, values):
    """The values of the tensor an operator reads: the model's input or an earlier operator's output."""
    index = int(op["inputs"][0])
    if index not in values:
        tensor = f" '{model.tensors[index]['name']}' ({model.dtype(index)})" if index >= 0 else ""
        raise PortError(f"{model.describe(op['index'])} reads tensor {index}{tensor}, which neither the input "
                        f"nor an earlier operator writes")
    return values[index]


def run(model_path, family, pixels, input_range=None):
    """Every tensor the model's operators write, and its input, for uint8 pixels [N, 784]:
    {tensor name: array [N, ...]} in each tensor's dtype."""
    model = Model(model_path)
    check(model, family)
    # snippet.port-network
    values = {model.input: input_values(np.asarray(pixels, dtype=np.uint8), model, input_range)}
    shapes = {}  # what SHAPE, STRIDED_SLICE and PACK compute: small lists, the same for every image
    for op in model.ops:
        output = int(op["outputs"][0])
        if op["op_name"] in SHAPE_OPERATORS:
            shapes[output] = SHAPE_OPERATORS[op["op_name"]](model, op, shapes, family)
        else:
            values[output] = OPERATORS[op["op_name"]](model, op, operator_input(model, op, values), family)
    # snippet.end
    for index, shape in shapes.items():
        values[index] = np.tile(np.array(shape, np.int64), (len(pixels), 1))
    written = [model.input] + [int(op["outputs"][0]) for op in model.ops]
    names = [model.tensors[index]["name"] for index in written]
    if len(set(names)) != len(names):
        raise PortError(f"{model.path}: two tensors share a name, and the port keys its arrays by name")
    return {name: as_tensor(model, index, values[index], len(pixels)) for name, index in zip(names, written)}


def as_tensor(model, index, array, count):
    """[N, values] in int64 or float32 -> [N, ...tensor shape] in the tensor's dtype."""
    dtype = model.dtype(index)
    if dtype.kind in "iu":
        low, high = type_range(dtype)
        if array.size and (array.min() < low or array.max() > high):
            raise AssertionError(f"tensor {index}: values beyond {dtype}")  # a bug of the port's
    return array.astype(dtype).reshape([count] + batchless_shape(model, index))


# --- The command line ----------------------------------------------------------------------------

def read_idx_images(path):
    """MNIST images from an IDX file (gzip-compressed if it ends in .gz): uint8 [N, 784]."""
    try:
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise PortError(f"{path}: cannot read it ({getattr(error, 'strerror', None) or error})")
    if len(data) < 16 or data[:4] != b"\x00\x00\x08\x03":
        raise PortError(f"{path}: not an IDX file of images (magic 0x00000803, unsigned bytes, 3 dimensions)")
    count, rows, columns = struct.unpack(">III", data[4:16])
    if (rows, columns) != (28, 28) or len(data) != 16 + count * rows * columns:
        raise PortError(f"{path}: the header says {count} images of {rows}x{columns}, and {len(data) - 16} bytes "
                        f"follow; MNIST images are 28x28")
    return np.frombuffer(data, np.uint8, offset=16).reshape(count, 784)


def parse_range(text):
    try:
        lo, hi = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI, not {text!r}")
    if not lo < hi:
        raise argparse.ArgumentTypeError(f"LO must be below HI in {text!r}")
    return lo, hi


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"port.py: {message} (see --help)\n")


def main(argv=None):
    parser = OneLineParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .tflite model")
    parser.add_argument("--kernels", required=True, choices=FAMILIES, help="the kernel family to reproduce")
    parser.add_argument("--mnist", required=True, help="an IDX file of 28x28 images, optionally .gz")
    parser.add_argument("--first", type=int, default=None, help="only the first N images")
    parser.add_argument("--out", required=True, help="the .npz to write")
    parser.add_argument("--input-range", type=parse_range, default=None,
                        help="LO,HI: the reals pixels 0 and 255 stand for (chapter 2)")
    args = parser.parse_args(argv)
    try:
        pixels = read_idx_images(args.mnist)
        if args.first is not None:
            if not 1 <= args.first <= len(pixels):
                raise PortError(f"--first {args.first}: {args.mnist} holds {len(pixels)} images")
            pixels = pixels[:args.first]
        tensors = run(args.model, args.kernels, pixels, args.input_range)
        np.savez(args.out, **tensors)
    except PortError as error:
        print(f"port.py: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"port.py: {args.out}: cannot write it ({error.strerror or error})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
