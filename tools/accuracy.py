"""Accuracy of every shipped model on the 10,000 official MNIST test images.

Each shipped model of models/manifest.json (the book's MLPs, and part two's
CNNs in a table of their own; not the variants) classifies
every test image under each LiteRT op resolver and under TFLite Micro (where
TFLM accepts the model). Images are fed exactly as in reference.py (see
litert_io.py). The test set is read from ../shared/mnist, checked against its
SHA256SUMS.

    python tools/accuracy.py                           # print the table
    python tools/accuracy.py --write models/README.md  # update the README
    python tools/accuracy.py --check models/README.md  # exit 1 if it differs

The README's tables sit between the lines <!-- accuracy:begin --> and
<!-- accuracy:end --> (kind shipped), <!-- accuracy-cnn:begin --> and
<!-- accuracy-cnn:end --> (kind cnn). Exit status 2 means the test set is missing.
"""

import argparse
import difflib
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import litert_io  # noqa: E402
import manifest  # noqa: E402
import mnist_data  # noqa: E402

# Each table of models/README.md: its marker and the manifest kind it lists.
TABLES = {"accuracy": "shipped", "accuracy-cnn": "cnn"}
COLUMNS = litert_io.RESOLVERS + ("TFLM",)


def measure(model_path, pixels, labels):
    """{column: number of correct predictions, or None if TFLM refuses}."""
    correct = {}
    for resolver in litert_io.RESOLVERS:
        predictions = litert_io.predict_litert(model_path, resolver, pixels)
        correct[resolver] = int(np.sum(predictions == labels))
    micro, _reason = litert_io.open_tflm(model_path)
    if micro is None:
        correct["TFLM"] = None
    else:
        input_detail = litert_io.open_litert(model_path, "BUILTIN_REF").get_input_details()[0]
        predictions = litert_io.predict_tflm(micro, litert_io.encode_images(pixels, input_detail))
        correct["TFLM"] = int(np.sum(predictions == labels))
    return correct


def cell(count, total):
    if count is None:
        return "not supported"
    return f"{100 * count / total:.2f} % ({count}/{total})"


def render_table(results, total):
    lines = ["| model | " + " | ".join(COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 1) + "|"]
    for model, correct in results.items():
        lines.append(f"| `{model}` | " + " | ".join(cell(correct[c], total) for c in COLUMNS) + " |")
    return "\n".join(lines)


def split_readme(text, path, marker):
    """Returns (before, block, after) around one table's markers."""
    begin, end_marker = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    start, end = text.find(begin), text.find(end_marker)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {begin} ... {end_marker} block")
    head = start + len(begin)
    return text[:head], text[head:end], text[end:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="README", help="exit 1 with a diff if README's table differs")
    group.add_argument("--write", metavar="README", help="rewrite the table in README")
    parser.add_argument("--mnist-dir", default=mnist_data.SHARED_MNIST_DIR,
                        help="directory of the MNIST test set (default ../shared/mnist)")
    args = parser.parse_args()

    if not os.path.isdir(args.mnist_dir):
        print(f"MNIST test set not found at {os.path.normpath(args.mnist_dir)}; "
              "accuracy cannot be measured without it.", file=sys.stderr)
        sys.exit(2)
    started = time.monotonic()
    pixels, labels = mnist_data.load_mnist_test(args.mnist_dir)

    tables = {}
    for marker, kind in TABLES.items():
        results = {}
        # Sorted by path: the order of the table in models/README.md.
        for name in sorted(manifest.models(kind=kind)):
            model_path = os.path.join(mnist_data.REPO_ROOT, name)
            model_started = time.monotonic()
            results[name] = measure(model_path, pixels, labels)
            print(f"{name}: {time.monotonic() - model_started:.1f} s", file=sys.stderr)
        tables[marker] = render_table(results, len(labels))
    print(f"measured in {time.monotonic() - started:.1f} s", file=sys.stderr)

    if not (args.check or args.write):
        print("\n\n".join(tables.values()))
        return
    path = args.check or args.write
    with open(path) as f:
        text = f.read()
    stale = False
    for marker, table in tables.items():
        before, block, after = split_readme(text, path, marker)
        if args.write:
            text = before + "\n" + table + "\n" + after
        elif block.strip() != table.strip():
            sys.stdout.writelines(difflib.unified_diff(
                [line + "\n" for line in block.strip().splitlines()],
                [line + "\n" for line in table.splitlines()],
                fromfile=f"{path} (recorded, {marker})", tofile="measured"))
            stale = True
    if args.write:
        with open(path, "w") as f:
            f.write(text)
        print(f"updated the accuracy tables in {path}")
    elif stale:
        print(f"\nthe accuracy tables in {path} are out of date: "
              f"run python tools/accuracy.py --write {path}")
        sys.exit(1)
    else:
        print(f"the accuracy tables in {path} match")

if __name__ == "__main__":
    main()
