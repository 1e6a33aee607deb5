// Chapter 2 — Affine: not written yet.

enum Ch02AffinePlaceholder {}
