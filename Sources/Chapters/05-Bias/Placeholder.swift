// Chapter 5 — Bias: not written yet.

enum Ch05BiasPlaceholder {}
