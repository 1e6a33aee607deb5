"""Files the tools generate and CI checks: one way to write them, or to check they are current.

Each generator (tools/cnn_probes.py, tools/broken_ports.py, tools/reference.py) makes its
files' bytes, then either writes them or, with --check, names every file on disk that is not
what it would write and exits 1.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def differs(path, data):
    """Whether the file at `path` is missing or holds other bytes than `data`."""
    if not os.path.exists(path):
        return True
    with open(path, "rb") as f:
        return f.read() != data


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_or_check(outputs, command, check):
    """`outputs` is a list of (path, bytes). Writes each, printing its name and size; or, with
    `check`, exits 1 naming the files that are not current (run `command` to refresh them)."""
    if check:
        stale = [os.path.relpath(path, REPO) for path, data in outputs if differs(path, data)]
        if stale:
            sys.exit(f"not what `{command}` makes: {', '.join(stale)}: run it")
        print(f"{len(outputs)} files are what `{command}` makes")
        return
    for path, data in outputs:
        write(path, data)
        print(f"wrote {os.path.relpath(path, REPO)} ({len(data) / 1024:.1f} KiB)")
