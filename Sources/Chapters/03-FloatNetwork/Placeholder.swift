// Chapter 3 — FloatNetwork: not written yet.

enum Ch03FloatNetworkPlaceholder {}
