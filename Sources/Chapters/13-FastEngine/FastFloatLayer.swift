// Chapter 13 — the float model's FULLY_CONNECTED for a batch, for `workbook eval`'s agreement
// line. On AVX-512 the C kernel adds the products in another order than TFLite's reference
// kernel (16 channels at a time, fused multiply-adds, zeros not skipped), so a float can
// differ in its last bits from chapter 3's; elsewhere chapter 3's own layer runs, row by row.

import CFastKernels
import Ch03FloatNetwork

public struct FastFloatLayer: Sendable {
    public let layer: FloatDenseLayer
    let blocks: Int
    /// [blocks][K][16]: for each k, the weights of 16 channels side by side.
    let packed: [Float]
    let bias: [Float]

    public init(_ layer: FloatDenseLayer) {
        self.layer = layer
        let (n, k) = (layer.outputCount, layer.inputCount)
        blocks = (n + 15) / 16
        var packed = [Float](repeating: 0, count: blocks * k * 16)
        for channel in 0..<n {
            for i in 0..<k { packed[((channel / 16) * k + i) * 16 + channel % 16] = layer.weights[channel * k + i] }
        }
        self.packed = packed
        bias = layer.bias + [Float](repeating: 0, count: blocks * 16 - n)
    }

    func apply(_ input: BatchTensor, into output: BatchTensor, path: InstructionPath) {
        guard path == .avx512VNNI else {
            for r in 0..<input.rows { output.set(row: r, .floats(layer.apply(input.values(row: r).floats!))) }
            return
        }
        let ldc = blocks * 16
        var sums = [Float](repeating: 0, count: input.rows * ldc)
        input.floats.withUnsafeBufferPointer { a in
            fk_gemm_f32_avx512(a.baseAddress, input.stride, Int32(input.rows), Int32(layer.inputCount), packed,
                               Int32(blocks), bias, &sums, ldc)
        }
        let (lower, upper) = layer.bounds
        for r in 0..<input.rows {
            for c in 0..<layer.outputCount {
                var value = sums[r * ldc + c]
                if value < lower { value = lower }  // chapter 3's std::min(std::max(…)) order
                if upper < value { value = upper }
                output.floats[r * output.stride + c] = value
            }
        }
    }
}
