// Chapter 13 — the batched matrix product of activation bytes by packed weight bytes:
//   acc[r][c] = bias[c] + Σ_k u[r][k]·s[c][k]     (the first two terms of (13.1))
// for every image r of a batch at once, so that each weight, once loaded, serves them all.
// Three ways to compute the same int32s: the portable loop below, and the C kernels
// (Sources/CFastKernels) for AVX2 and AVX-512 VNNI. All wrap modulo 2^32 (FoldedZeroPoints).

import CFastKernels

extension PackedWeights {
    /// `rows` images, activations [rows][paddedInputCount] bytes, into accumulators
    /// [rows][paddedOutputCount].
    public func multiply(_ activations: UnsafePointer<UInt8>, rows: Int, into accumulators: UnsafeMutablePointer<Int32>,
                         path: InstructionPath) {
        let (lda, ldc) = (paddedInputCount, paddedOutputCount)
        bytes.withUnsafeBufferPointer { packed in
            bias.withUnsafeBufferPointer { bias in
                switch path {
                case .avx512VNNI:
                    fk_gemm_u8s8_avx512vnni(activations, lda, Int32(rows), packed.baseAddress, Int32(groups), Int32(blocks),
                                            bias.baseAddress, accumulators, ldc)
                case .avx2:
                    fk_gemm_u8s8_avx2(activations, lda, Int32(rows), packed.baseAddress, Int32(groups), Int32(blocks),
                                      bias.baseAddress, accumulators, ldc)
                case .portable:
                    portableMultiply(activations, rows: rows, packed, bias, into: accumulators)
                }
            }
        }
    }

    // snippet.portable-product
    /// What one vpdpbusd does for each of its 16 lanes, written out: four byte products added
    /// into the lane's int32, for every group of every block.
    func portableMultiply(_ activations: UnsafePointer<UInt8>, rows: Int, _ packed: UnsafeBufferPointer<Int8>,
                          _ bias: UnsafeBufferPointer<Int32>, into accumulators: UnsafeMutablePointer<Int32>) {
        let (lda, ldc, lanes, depth) = (paddedInputCount, paddedOutputCount, Self.lanes, Self.depth)
        for r in 0..<rows {
            let input = activations + r * lda
            for block in 0..<blocks {
                for lane in 0..<lanes {
                    var sum = bias[block * lanes + lane]
                    for group in 0..<groups {
                        let weights = ((block * groups + group) * lanes + lane) * depth
                        for j in 0..<depth {
                            sum = sum &+ Int32(packed[weights + j]) &* Int32(input[group * depth + j])
                        }
                    }
                    accumulators[r * ldc + block * lanes + lane] = sum
                }
            }
        }
    }
    // snippet.end
}
