// Chapter 9 — Network: not written yet.

enum Ch09NetworkPlaceholder {}
