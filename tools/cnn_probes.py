"""A convolution whose roundings are ties, so that the kernel families' roundings show.

On the MNIST digits the CNNs of models/cnn/ cannot tell LiteRT's reference and optimized
convolutions apart: both round M·acc with a fixed-point multiplier, the reference kernels'
last shift ties away from zero and the optimized kernels' ties toward +infinity, and they differ
only on a negative tie, which the fused ReLU then clamps to the same code. This probe is
one of those CNNs with one convolution changed so that every family's rounding shows:

  * scales that are powers of two: S1 = 2^-8 (the input), S2 = 2^-7 (every channel),
    S3 = 2^-10 (the output, and the pooling after it, which must keep its input's scale),
    the bias scale S1*S2 = 2^-15; so M = S1*S2/S3 = 2^-5 exactly and every accumulator that
    is 16 mod 32 is an exact tie (the next weighted layer's bias scale follows its new S1);
  * no fused activation (NONE instead of RELU) and Z3 in the middle of the type's range (0 for
    int8, 128 for uint8), so that negative values, and negative ties, reach the output.

Four probes: a CONV_2D with int8 per-channel weights (cnn-int8), with one int8 weight scale
(cnn-int8-per-tensor), legacy uint8 with weight zero points (cnn-uint8), and the
DEPTHWISE_CONV_2D of cnn-strided-depthwise-int8. The weights, biases and every other tensor
are the source model's. It is made from the shipped file
with LiteRT's own flatbuffer schema (no TensorFlow), deterministically:

    python tools/cnn_probes.py            # writes models/cnn/probes/*.tflite
    python tools/cnn_probes.py --check    # exit 1 unless the committed file is what it makes

Its fixture comes from tools/reference.py like any model of the manifest (kind cnn-probe).
"""

import argparse
import os
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_files  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# probe: (the CNN it is made from, which of its convolutions, counted from 0, is the probe's)
PROBES = {
    "cnn-int8-ties": ("cnn-int8", 0),                       # CONV_2D, int8 per-channel weights
    "cnn-int8-per-tensor-ties": ("cnn-int8-per-tensor", 0), # CONV_2D, int8, one weight scale
    "cnn-uint8-ties": ("cnn-uint8", 0),                     # CONV_2D, legacy uint8, Z2 != 0
    "cnn-depthwise-ties": ("cnn-strided-depthwise-int8", 1),  # DEPTHWISE_CONV_2D, multiplier 2
}
CONVOLUTIONS = (schema.BuiltinOperator.CONV_2D, schema.BuiltinOperator.DEPTHWISE_CONV_2D)
POOLS = (schema.BuiltinOperator.MAX_POOL_2D, schema.BuiltinOperator.AVERAGE_POOL_2D)

S1, S2, S3 = 2.0 ** -8, 2.0 ** -7, 2.0 ** -10


def path_of(name, probe=False):
    return os.path.join(REPO, "models", "cnn", *(["probes"] if probe else []), f"{name}.tflite")


def builtin(model, op):
    code = model.operatorCodes[op.opcodeIndex]
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def set_scale(tensor, scales, zero_point=None):
    tensor.quantization.scale = scales
    if zero_point is not None:
        tensor.quantization.zeroPoint = [zero_point] * len(tensor.quantization.zeroPoint)


def make_probe(source_bytes, which):
    model = schema.ModelT.InitFromPackedBuf(bytearray(source_bytes), 0)
    graph = model.subgraphs[0]
    tensors = graph.tensors
    conv = [op for op in graph.operators if builtin(model, op) in CONVOLUTIONS][which]
    source, weights, bias = conv.inputs[:3]
    unsigned = tensors[source].type == schema.TensorType.UINT8
    # The middle of the output's range as Z3 (0 for int8, 128 for uint8): negative values show.
    middle = 128 if unsigned else 0
    set_scale(tensors[source], [S1])
    set_scale(tensors[weights], [S2] * len(tensors[weights].quantization.scale))
    set_scale(tensors[bias], [S1 * S2] * len(tensors[bias].quantization.scale))
    set_scale(tensors[conv.outputs[0]], [S3], middle)
    conv.builtinOptions.fusedActivationFunction = schema.ActivationFunctionType.NONE
    # A pooling keeps its input's quantization; the weighted layer after reads the new scale,
    # and its bias is stored in units of its S1*S2, so both follow.
    reads = conv.outputs[0]
    consumer = next(op for op in graph.operators if op.inputs is not None and len(op.inputs) and op.inputs[0] == reads)
    while builtin(model, consumer) in POOLS:
        set_scale(tensors[consumer.outputs[0]], [S3], middle)
        reads = consumer.outputs[0]
        consumer = next(op for op in graph.operators if op.inputs is not None and len(op.inputs) and op.inputs[0] == reads)
    if builtin(model, consumer) == schema.BuiltinOperator.RESHAPE:
        set_scale(tensors[consumer.outputs[0]], [S3], middle)
        reads = consumer.outputs[0]
        consumer = next(op for op in graph.operators if op.inputs is not None and len(op.inputs) and op.inputs[0] == reads)
    later_weights, later_bias = consumer.inputs[1], consumer.inputs[2]
    tensors[later_bias].quantization.scale = [float(np.float32(S3 * w)) for w in tensors[later_weights].quantization.scale]
    model.description = f"tools/cnn_probes.py: convolution {which} with M = 2^-5 exactly, no activation, Z3 = {middle}"
    builder = flatbuffers.Builder(len(source_bytes))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 unless the committed probes are what this makes")
    args = parser.parse_args()
    outputs = []
    for name, (source, which) in PROBES.items():
        with open(path_of(source), "rb") as f:
            outputs.append((path_of(name, probe=True), make_probe(f.read(), which)))
    generated_files.write_or_check(outputs, "python tools/cnn_probes.py", args.check)

if __name__ == "__main__":
    main()
