// Chapter 13 — the weights, packed once into the order the inner loop reads them.
//
// The .tflite file stores W as [N][K], a row per output channel. The kernel computes 16
// channels at once, one per 32-bit lane, and consumes 4 consecutive k per lane per
// instruction; so it wants, for each block of 16 channels, for each group of 4 k, the 64
// bytes [channel 0: k..k+3][channel 1: k..k+3]…[channel 15: k..k+3] side by side:
//   packed[block][group][lane][j] = s[16·block + lane][4·group + j]
// K is padded to a multiple of 4 and N to a multiple of 16 with zero weights, which add 0.
// Every path, the portable one included, reads this same layout, so the packing is tested
// on every machine. XNNPACK packs the same way for its c4 kernels (src/reference/packing.cc).

/// A layer's signed weight bytes in the kernel's order, with its padded bias.
public struct PackedWeights: Sendable {
    public static let lanes = 16  // int32 lanes of a 512-bit register: channels per block
    public static let depth = 4   // bytes one lane takes per vpdpbusd: k per group

    public let outputCount: Int   // N
    public let inputCount: Int    // K
    public let blocks: Int        // ⌈N/16⌉
    public let groups: Int        // ⌈K/4⌉
    /// [blocks][groups][16][4] bytes.
    public let bytes: [Int8]
    /// The folded bias, padded with zeros to blocks·16 channels.
    public let bias: [Int32]

    /// K rounded up to whole groups: the stride of an activation row.
    public var paddedInputCount: Int { groups * Self.depth }
    /// N rounded up to whole blocks: the stride of an accumulator row.
    public var paddedOutputCount: Int { blocks * Self.lanes }

    // snippet.pack
    public init(_ folded: FoldedZeroPoints, outputCount: Int, inputCount: Int) {
        (self.outputCount, self.inputCount) = (outputCount, inputCount)
        blocks = (outputCount + Self.lanes - 1) / Self.lanes
        groups = (inputCount + Self.depth - 1) / Self.depth
        var bytes = [Int8](repeating: 0, count: blocks * groups * Self.lanes * Self.depth)
        for channel in 0..<outputCount {
            let (block, lane) = channel.quotientAndRemainder(dividingBy: Self.lanes)
            for k in 0..<inputCount {
                let (group, j) = k.quotientAndRemainder(dividingBy: Self.depth)
                let position = ((block * groups + group) * Self.lanes + lane) * Self.depth + j
                bytes[position] = folded.signedWeights[channel * inputCount + k]
            }
        }
        self.bytes = bytes
        bias = folded.foldedBias + [Int32](repeating: 0, count: blocks * Self.lanes - outputCount)
    }
    // snippet.end
}
