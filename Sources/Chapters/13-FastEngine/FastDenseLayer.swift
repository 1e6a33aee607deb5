// Chapter 13 — chapter 9's FULLY_CONNECTED layer for a batch: (13.1)'s product on packed
// weights, the image sums of legacy uint8 layers, then the row requantization. The same
// prepared layer as chapter 9's (its weights, bias, M and clamp), computed another way.

import CFastKernels
import Ch01TFLiteFile
import Ch09Network

public struct FastDenseLayer: Sendable {
    public let layer: FullyConnectedLayer
    public let folded: FoldedZeroPoints
    public let packed: PackedWeights
    public let requantizer: FastRequantizer

    public init(_ layer: FullyConnectedLayer) throws {
        self.layer = layer
        let scales = layer.scales
        folded = try FoldedZeroPoints(weights: layer.weights, weightType: scales.weights.type, bias: layer.bias,
                                      inputType: scales.input.type, inputZeroPoint: scales.inputZeroPoint)
        packed = PackedWeights(folded, outputCount: layer.weights.outputCount, inputCount: layer.weights.inputCount)
        requantizer = try FastRequantizer(requantizer: layer.requantizer, clamp: layer.clamp, channels: layer.weights.outputCount)
    }

    /// `input` rows (bytes, stride ⌈K/4⌉·4) into `output` rows (bytes) and the accumulators
    /// [rows][paddedOutputCount], bias included: chapter 9's `Result.accumulators`.
    func apply(_ input: BatchTensor, into output: BatchTensor, accumulators: inout [Int32], path: InstructionPath) {
        let (rows, ldc) = (input.rows, packed.paddedOutputCount)
        input.bytes.withUnsafeBufferPointer { activations in
            accumulators.withUnsafeMutableBufferPointer { acc in
                packed.multiply(activations.baseAddress!, rows: rows, into: acc.baseAddress!, path: path)
                if folded.needsInputSum {
                    if path == .avx512VNNI {
                        fk_add_input_sums_avx512(activations.baseAddress, input.stride, Int32(rows), Int32(packed.inputCount),
                                                 folded.inputSumFactor, Int32(packed.outputCount), acc.baseAddress, ldc)
                    } else {
                        addInputSums(activations, rows: rows, stride: input.stride, acc)
                    }
                }
                output.bytes.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        requantizer.apply(acc.baseAddress! + r * ldc, into: out.baseAddress! + r * output.stride, path: path)
                    }
                }
            }
        }
    }

    // snippet.input-sums
    /// The last term of (13.1), a[c]·Σ_k u[k]: one sum per image, one multiply-add per channel.
    func addInputSums(_ activations: UnsafeBufferPointer<UInt8>, rows: Int, stride: Int, _ acc: UnsafeMutableBufferPointer<Int32>) {
        let ldc = packed.paddedOutputCount
        for r in 0..<rows {
            var sum: Int32 = 0
            for k in 0..<packed.inputCount { sum &+= Int32(activations[r * stride + k]) }
            for c in 0..<packed.outputCount { acc[r * ldc + c] &+= folded.inputSumFactor[c] &* sum }
        }
    }
    // snippet.end
}
