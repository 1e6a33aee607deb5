"""A convolution whose roundings are ties, so that the kernel families' roundings show.

On the MNIST digits the CNNs of models/cnn/ cannot tell LiteRT's reference and optimized
convolutions apart: both round M·acc with a fixed-point multiplier, the reference kernels'
last shift ties away from zero and the optimized kernels' ties toward +infinity, and they differ
only on a negative tie, which the fused ReLU then clamps to the same code. This probe is
cnn-int8 with its first CONV_2D changed so that every family's rounding shows:

  * scales that are powers of two: S1 = 2^-8 (the input), S2 = 2^-7 (every channel),
    S3 = 2^-10 (the output, and the MAX_POOL_2D after it, which must keep its input's scale),
    the bias scale S1*S2 = 2^-15; so M = S1*S2/S3 = 2^-5 exactly and every accumulator that
    is 16 mod 32 is an exact tie (the second CONV_2D's bias scale follows its new S1);
  * no fused activation (NONE instead of RELU) and Z3 = 0 instead of -128 (the output and
    the pool), so that negative values, and negative ties, reach the output.

The weights, biases and every other tensor are cnn-int8's. It is made from the shipped file
with LiteRT's own flatbuffer schema (no TensorFlow), deterministically:

    python tools/cnn_probes.py            # writes models/cnn/probes/cnn-int8-ties.tflite
    python tools/cnn_probes.py --check    # exit 1 unless the committed file is what it makes

Its fixture comes from tools/reference.py like any model of the manifest (kind cnn-probe).
"""

import argparse
import os
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPO, "models", "cnn", "cnn-int8.tflite")
PROBE = os.path.join(REPO, "models", "cnn", "probes", "cnn-int8-ties.tflite")

S1, S2, S3 = 2.0 ** -8, 2.0 ** -7, 2.0 ** -10


def builtin(model, op):
    code = model.operatorCodes[op.opcodeIndex]
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def make_probe(source_bytes):
    model = schema.ModelT.InitFromPackedBuf(bytearray(source_bytes), 0)
    graph = model.subgraphs[0]
    tensors = graph.tensors
    conv = next(op for op in graph.operators if builtin(model, op) == schema.BuiltinOperator.CONV_2D)
    pool = next(op for op in graph.operators if op.inputs[0] == conv.outputs[0])
    assert builtin(model, pool) == schema.BuiltinOperator.MAX_POOL_2D, "cnn-int8's first CONV_2D feeds a MAX_POOL_2D"
    source, weights, bias = conv.inputs[:3]
    channels = len(tensors[weights].quantization.scale)
    tensors[source].quantization.scale = [S1]
    tensors[weights].quantization.scale = [S2] * channels
    tensors[bias].quantization.scale = [S1 * S2] * channels
    for tensor in (conv.outputs[0], pool.outputs[0]):
        tensors[tensor].quantization.scale = [S3]
        tensors[tensor].quantization.zeroPoint = [0]
    conv.builtinOptions.fusedActivationFunction = schema.ActivationFunctionType.NONE
    # The next CONV_2D reads the pool's new scale: its bias is stored in units of S1*S2 as well.
    after = next(op for op in graph.operators if op.inputs[0] == pool.outputs[0])
    assert builtin(model, after) == schema.BuiltinOperator.CONV_2D, "cnn-int8's first MAX_POOL_2D feeds a CONV_2D"
    tensors[after.inputs[2]].quantization.scale = [float(np.float32(S3 * s2)) for s2 in tensors[after.inputs[1]].quantization.scale]
    model.description = "tools/cnn_probes.py: cnn-int8 with M = 2^-5 exactly and no activation in its first CONV_2D"
    builder = flatbuffers.Builder(len(source_bytes))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 unless the committed probe is what this makes")
    args = parser.parse_args()
    with open(SOURCE, "rb") as f:
        probe = make_probe(f.read())
    relative = os.path.relpath(PROBE, REPO)
    if args.check:
        with open(PROBE, "rb") as f:
            if f.read() != probe:
                sys.exit(f"{relative} is not what tools/cnn_probes.py makes from models/cnn/cnn-int8.tflite: run it")
        print(f"{relative} is what tools/cnn_probes.py makes")
        return
    os.makedirs(os.path.dirname(PROBE), exist_ok=True)
    with open(PROBE, "wb") as f:
        f.write(probe)
    print(f"wrote {relative} ({len(probe)} bytes)")


if __name__ == "__main__":
    main()
