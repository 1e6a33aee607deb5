"""The workbook's models and kernel families, as models/manifest.json lists them.

models/manifest.json is the one home of these facts, read by the Swift code
(Sources/ShippedFiles), by the Python tools through this module and by
hardware/run-checks.sh through its command line. Adding a model is one line
there. Paths are relative to the repository root, in manifest order.

    python tools/manifest.py models [--kind shipped|variant|own|cnn] [--quantized]
        one model path per line
    python tools/manifest.py contract MODEL
        the model's contract families, space-separated, the default export family first

Standard library only: the shell scripts run it with a bare python3.
"""

import argparse
import json
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

with open(os.path.join(REPO_ROOT, "models", "manifest.json")) as _file:
    _MANIFEST = json.load(_file)

_ENTRIES = {entry["model"]: entry for entry in _MANIFEST["models"]}

DEFAULT_MODEL = _MANIFEST["defaultModel"]
FLOAT_MODEL = _MANIFEST["floatModel"]
# The fixture whose 64 digits the chapters narrate.
NARRATION_DIGITS = _MANIFEST["narrationDigits"]
# family → the op resolver name of the runtime it reproduces ("TFLM" for TFLite Micro).
FAMILIES = {family["family"]: family["resolver"] for family in _MANIFEST["families"]}
KINDS = ("shipped", "variant", "own", "cnn", "cnn-probe")
_RUNTIMES = {family["family"]: family["runtime"] for family in _MANIFEST["families"]}


def models(kind=None, quantized=None):
    """Model paths, optionally only one kind (KINDS) or only (non-)quantized ones."""
    return [entry["model"] for entry in _MANIFEST["models"]
            if (kind is None or entry["kind"] == kind)
            and (quantized is None or entry["quantized"] == quantized)]


def _entry(model_path):
    try:
        return _ENTRIES[model_path]
    except KeyError:
        raise KeyError(f"{model_path} is not in models/manifest.json") from None


def kind_of(model_path):
    return _entry(model_path)["kind"]


def fixture_of(model_path):
    return _entry(model_path)["fixture"]


def input_range(model_path):
    """(lo, hi) the model was trained to see for pixels 0 and 255, or None for the default."""
    stored = _entry(model_path).get("inputRange")
    return tuple(float(v) for v in stored) if stored else None


def contract_families(model_path):
    """The families with an integer contract for hardware (chapter 11); the first is the default export family."""
    return list(_entry(model_path)["contract"])


def resolver_of(family):
    return FAMILIES[family]


def runtime_of(family):
    """"LiteRT" or "TFLite Micro"."""
    return _RUNTIMES[family]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("models", help="print the model paths, one per line")
    listing.add_argument("--kind", choices=KINDS)
    listing.add_argument("--quantized", action="store_true", help="only the quantized models")
    contract = commands.add_parser("contract", help="print a model's contract families, space-separated")
    contract.add_argument("model")
    args = parser.parse_args()
    if args.command == "models":
        print("\n".join(models(args.kind, True if args.quantized else None)))
    else:
        try:
            print(" ".join(contract_families(args.model)))
        except KeyError as error:
            parser.exit(1, f"manifest.py: {error.args[0]}\n")


if __name__ == "__main__":
    main()
