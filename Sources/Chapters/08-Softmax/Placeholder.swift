// Chapter 8 — Softmax: not written yet.

enum Ch08SoftmaxPlaceholder {}
