// Chapter 7 — Clamp: not written yet.

enum Ch07ClampPlaceholder {}
