// Chapter 6 — the four families of kernels whose arithmetic the workbook reproduces.
//
// The same .tflite file gives slightly different integers depending on which kernels run it.
// Every chapter from here on computes all four and proves each against its own runtime, as
// recorded in models/fixtures/ by tools/reference.py (one run per resolver name below).
// Prose: chapters/06-requantize.md.

/// A family of integer kernels: one way of doing the arithmetic TFLite's operators describe.
/// The raw value is the name used by the `--kernels` option of the CLI and in the prose.
public enum KernelFamily: String, CaseIterable, Sendable {
    /// LiteRT's reference kernels (`BUILTIN_REF`). Since April 2025 their FULLY_CONNECTED
    /// requantizes in double: ties-away(double(acc) · S1·S2/S3)
    /// (tflite/kernels/internal/reference/integer_ops/fully_connected.h, float-scale overloads).
    case reference
    /// LiteRT's optimized builtin kernels (`BUILTIN_WITHOUT_DEFAULT_DELEGATES`): the fixed-point
    /// multiplier M0·2^shift applied with NEON's rounding, ties toward +∞ in both roundings
    /// (tflite/kernels/cpu_backend_gemm_custom_gemv.h, ruy/kernel_avx2_fma.cc).
    case optimized
    /// TensorFlow Lite Micro, and TFLite before April 2025: the same M0 and shift, applied by
    /// gemmlowp's MultiplyByQuantizedMultiplier, whose final shift rounds ties away from zero
    /// (tflite-micro tensorflow/lite/kernels/internal/common.cc).
    case micro
    /// XNNPACK, the delegate LiteRT applies by default (`AUTO`): float32 scale, float32
    /// product, round half to even (XNNPACK src/qs8-qc8w-gemm/gen/*-minmax-fp32-avx2.c).
    case xnnpack

    /// The name of the run in the fixture (models/fixtures/*.json) that this family reproduces:
    /// a LiteRT op resolver, or TFLM for TensorFlow Lite Micro.
    public var resolver: String {
        switch self {
        case .reference: "BUILTIN_REF"
        case .optimized: "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
        case .micro: "TFLM"
        case .xnnpack: "AUTO"
        }
    }
}
