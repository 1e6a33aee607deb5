// Chapter 13 — which instructions the fast engine's inner loops use, chosen when the program
// runs, never when it is built: the binary is compiled for the baseline CPU, and a kernel that
// needs AVX2 or AVX-512 is called only after CPUID and XGETBV say this CPU and its operating
// system support it (Sources/CFastKernels/cpu.c). The portable path, plain Swift, runs
// everywhere and is tested on every machine. Prose: chapters/13-fast-engine.md.

import CFastKernels

/// The instruction set the engine's matrix products and requantizations run with.
public enum InstructionPath: String, CaseIterable, Sendable {
    /// AVX-512 with VNNI: `vpdpbusd`, 64 byte products per instruction, and the families'
    /// requantizations 8 or 16 channels at a time.
    case avx512VNNI = "avx512-vnni"
    /// AVX2: `vpmaddwd` on bytes widened to int16, 16 products per instruction; the
    /// requantization and the float model take the portable path.
    case avx2
    /// Plain Swift, one product at a time: the same layout and the same integers.
    case portable

    /// The paths this CPU can run, best first; `portable` is always among them.
    public static let available: [InstructionPath] = {
        let features = fk_cpu_features()
        var paths: [InstructionPath] = []
        if features & Int32(FK_AVX512_VNNI) != 0 { paths.append(.avx512VNNI) }
        if features & Int32(FK_AVX2) != 0 { paths.append(.avx2) }
        return paths + [.portable]
    }()

    /// The best path this CPU offers.
    public static var best: InstructionPath { available[0] }

    /// Multiply-accumulates one core retires per cycle with this path's instruction at its
    /// documented throughput (one 512-bit vpdpbusd, or two 256-bit vpmaddwd, per cycle), for
    /// the machine's limit that tools/benchmark.py prints; nil for the portable path.
    public var multiplyAccumulatesPerCycle: Int? {
        switch self {
        case .avx512VNNI: 64
        case .avx2: 32
        case .portable: nil
        }
    }
}
