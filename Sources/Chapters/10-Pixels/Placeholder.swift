// Chapter 10 — Pixels: not written yet.

enum Ch10PixelsPlaceholder {}
