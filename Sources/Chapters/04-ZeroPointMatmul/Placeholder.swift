// Chapter 4 — ZeroPointMatmul: not written yet.

enum Ch04ZeroPointMatmulPlaceholder {}
