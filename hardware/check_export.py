#!/usr/bin/env python3
"""Chapter 11: reads one model's export in every format and checks they hold the same numbers.

    python3 hardware/check_export.py DIR

DIR holds the subdirectories json/, npy/, mem/, coe/ and mif/ that `workbook export` wrote for
one model (a dense network, chapter 11, or a CNN, chapter 17) and one kernel family
(hardware/run-checks.sh makes them). json/ is the reference;
every array in npy/ (read with numpy.load), mem/, coe/ and mif/ (parsed as $readmemh, Vivado
and Quartus read them) must equal it element for element. Exits 1 on the first difference.
"""
import json
import pathlib
import sys

import numpy


def arrays_from_json(directory):
    """Every exported array, by name, from network.json and vectors.json."""
    network = json.loads((directory / "network.json").read_text())
    vectors = json.loads((directory / "vectors.json").read_text())["vectors"]
    arrays = {}
    for index, layer in enumerate(network["layers"]):
        # A CNN's layers (chapter 17) give their weights flat with their shape, and a pooling
        # layer has no arrays and no accumulators.
        if "weights" in layer:
            weights = numpy.array(layer["weights"])
            arrays[f"layer{index}_weights"] = weights.reshape(layer["weightsShape"]) if "weightsShape" in layer else weights
        for key, name in [("weightZeroPoints", "weight_zero_points"), ("bias", "bias"),
                          ("multipliers", "multipliers"), ("shifts", "shifts")]:
            if key in layer:
                arrays[f"layer{index}_{name}"] = numpy.array(layer[key])
        if "accumulators" in vectors[0]["layers"][index]:
            arrays[f"vectors_layer{index}_accumulators"] = numpy.array([v["layers"][index]["accumulators"] for v in vectors])
        arrays[f"vectors_layer{index}_outputs"] = numpy.array([v["layers"][index]["outputs"] for v in vectors])
    arrays["vectors_input"] = numpy.array([v["input"] for v in vectors])
    arrays["vectors_classes"] = numpy.array([v["class"] for v in vectors])
    return arrays


def signed(values, bits, is_signed):
    values = numpy.array(values, dtype=numpy.int64)
    return numpy.where(values >= 1 << (bits - 1), values - (1 << bits), values) if is_signed else values


def hex_values(path):
    """The hex words of a .mem, .coe or .mif file, in address order, and their width in bits."""
    lines = path.read_text().splitlines()
    if path.suffix == ".mem":
        words = [line for line in lines if line and not line.startswith("//")]
    elif path.suffix == ".coe":
        start = lines.index("memory_initialization_vector=") + 1
        words = [line.rstrip(",;") for line in lines[start:]]
    else:
        start = lines.index("CONTENT BEGIN") + 1
        entries = [line.strip().rstrip(";").split(" : ") for line in lines[start:lines.index("END;")]]
        assert [int(address) for address, _ in entries] == list(range(len(entries))), f"{path}: addresses out of order"
        words = [word for _, word in entries]
    return [int(word, 16) for word in words], len(words[0]) * 4


def main():
    root = pathlib.Path(sys.argv[1])
    expected = arrays_from_json(root / "json")
    checked = 0
    for name, values in expected.items():
        stored = numpy.load(root / "npy" / f"{name}.npy")
        if stored.shape != values.shape or not numpy.array_equal(stored.astype(numpy.int64), values):
            sys.exit(f"{root}/npy/{name}.npy differs from json/ (shape {stored.shape}, expected {values.shape})")
        # uint8 arrays are the only unsigned ones; their dtype says so.
        is_signed = stored.dtype.kind == "i"
        for suffix in ["mem", "coe", "mif"]:
            words, bits = hex_values(root / suffix / f"{name}.{suffix}")
            if not numpy.array_equal(signed(words, bits, is_signed), values.reshape(-1)):
                sys.exit(f"{root}/{suffix}/{name}.{suffix} differs from json/")
        checked += 1
    stored = {path.stem for path in (root / "npy").glob("*.npy") if not path.stem.endswith("_parameters")}
    if stored != set(expected):
        sys.exit(f"{root}/npy holds {sorted(stored ^ set(expected))} that json/ does not, or the reverse")
    print(f"{root}: {checked} arrays agree in json, npy, mem, coe and mif")


if __name__ == "__main__":
    main()
