// Chapter 11 — Hardware: not written yet.

enum Ch11HardwarePlaceholder {}
