// Chapter 11 — how wide each register of the datapath must be, per layer: the two factors of
// (11.1), their product, the accumulator (the worst case from the weights, the bias and the
// input range, and the largest value real images produce), and the product acc·M0 of (11.3).
// Chapter 4's AccumulatorBound gives the worst case of the sum of products; here we add each
// channel's bias, because the hardware's accumulator holds it too.

import Ch01TFLiteFile
import Ch02Affine
import Ch04ZeroPointMatmul
import Ch09Network

/// The bits of the narrowest two's-complement integer holding every value of `range`:
/// −128…127 takes 8 bits, 0…255 takes 9.
public func twosComplementBits(_ range: ClosedRange<Int64>) -> Int {
    func bits(_ value: Int64) -> Int { 65 - (value >= 0 ? value : ~value).leadingZeroBitCount }
    return max(bits(range.lowerBound), bits(range.upperBound))
}

/// The widths one layer needs, before any image is seen.
public struct LayerWidths: Sendable {
    public let operatorIndex: Int
    public let inputCount: Int
    /// q_w − Z2 over the layer's real weights.
    public let weightTerms: ClosedRange<Int64>
    /// q_in − Z1 over every code the layer can read: its type's range for the first layer, the
    /// clamp bounds of the layer before it for the others.
    public let inputTerms: ClosedRange<Int64>
    /// Chapter 4's bound on Σ_k (q_w − Z2)(q_in − Z1), over every channel.
    public let productsBound: AccumulatorBound
    /// The same, channel by channel with its bias added: every value acc of (11.1) can take.
    public let worstCase: ClosedRange<Int64>
    /// The largest M0 and the largest left shift ℓ of (11.2) over the channels.
    public let largestMultiplier: Int32
    public let largestLeftShift: Int

    public init(_ layer: LayerContract, inputRange: ClosedRange<Int32>) {
        self.init(operatorIndex: layer.operatorIndex,
                  weights: QuantizedWeights(outputCount: layer.outputCount, inputCount: layer.inputCount,
                                            codes: layer.weights, zeroPoints: layer.weightZeroPoints),
                  bias: layer.bias, multipliers: layer.multipliers, shifts: layer.shifts,
                  inputZeroPoint: layer.inputZeroPoint, inputRange: inputRange)
    }

    /// The widths of any layer whose accumulator is a row of `weights` times what it reads, plus
    /// a bias: chapter 17 sizes a convolution's with it, one filter row per output channel.
    public init(operatorIndex: Int, weights: QuantizedWeights, bias: [Int32], multipliers: [Int32], shifts: [Int32],
                inputZeroPoint: Int32, inputRange: ClosedRange<Int32>) {
        self.operatorIndex = operatorIndex
        inputCount = weights.inputCount
        let weightTerms = (0..<weights.outputCount).flatMap { channel in weights.row(channel).map { Int64($0 - weights.zeroPoints[channel]) } }
        self.weightTerms = (weightTerms.min() ?? 0)...(weightTerms.max() ?? 0)
        inputTerms = Int64(inputRange.lowerBound - inputZeroPoint)...Int64(inputRange.upperBound - inputZeroPoint)
        productsBound = AccumulatorBound(weights, inputRange: inputRange, inputZeroPoint: inputZeroPoint)
        // One channel at a time: chapter 4's bound of a one-row matrix, plus that row's bias.
        var (smallest, largest) = (Int64.max, Int64.min)
        for channel in 0..<weights.outputCount {
            let row = QuantizedWeights(outputCount: 1, inputCount: weights.inputCount, codes: Array(weights.row(channel)),
                                       zeroPoints: [weights.zeroPoints[channel]])
            let bound = AccumulatorBound(row, inputRange: inputRange, inputZeroPoint: inputZeroPoint)
            smallest = min(smallest, bound.smallest + Int64(bias[channel]))
            largest = max(largest, bound.largest + Int64(bias[channel]))
        }
        worstCase = smallest...largest
        largestMultiplier = multipliers.max() ?? 0
        largestLeftShift = max(0, Int(shifts.max() ?? 0))
    }

    /// The widths of every layer of a contract, each with the input range the layer before allows.
    public static func of(_ contract: NetworkContract) -> [LayerWidths] {
        var inputRange: ClosedRange<Int32> = contract.codeType == .uint8 ? 0...255 : -128...127
        return contract.layers.map { layer in
            defer { inputRange = layer.outputMinimum...layer.outputMaximum }
            return LayerWidths(layer, inputRange: inputRange)
        }
    }

    /// The bits of one product (q_w − Z2)(q_in − Z1).
    public var productBits: Int {
        let ends = [weightTerms.lowerBound, weightTerms.upperBound].flatMap { w in [inputTerms.lowerBound, inputTerms.upperBound].map { w * $0 } }
        return twosComplementBits(ends.min()!...ends.max()!)
    }

    public var worstCaseBits: Int { twosComplementBits(worstCase) }

    /// The bits of the product x·M0 of (11.3) when acc stays within `accumulators`: x = acc·2^ℓ
    /// wraps to 32 bits, so a left shift makes the full 32 bits possible.
    public func multiplyBits(accumulators: ClosedRange<Int64>) -> Int {
        let x = largestLeftShift > 0 ? Int64(Int32.min)...Int64(Int32.max) : accumulators
        let m0 = Int64(largestMultiplier)
        return twosComplementBits((x.lowerBound * m0)...(x.upperBound * m0))
    }
}

/// The accumulators real images produce: per layer, the smallest and largest seen.
public struct AccumulatorSurvey: Sendable {
    public private(set) var seen: [ClosedRange<Int64>?]
    public private(set) var imageCount = 0

    public init(layerCount: Int) { seen = Array(repeating: nil, count: layerCount) }

    /// Records one image's accumulators, layer by layer.
    public mutating func observe(_ accumulators: [[Int32]]) {
        precondition(accumulators.count == seen.count, "\(accumulators.count) layers observed, \(seen.count) expected")
        for (layer, values) in accumulators.enumerated() {
            guard let low = values.min(), let high = values.max() else { continue }
            let range = seen[layer].map { min($0.lowerBound, Int64(low))...max($0.upperBound, Int64(high)) } ?? Int64(low)...Int64(high)
            seen[layer] = range
        }
        imageCount += 1
    }
}

extension AccumulatorSurvey {
    /// Runs `images` (784 pixels each) through chapter 9's network in the contract's family and
    /// records every layer's accumulators; also counts the images whose class (the argmax of the
    /// last layer's codes) is the network's own prediction (the argmax of its softmax).
    public static func measure(_ contract: NetworkContract, model: Model, images: [[UInt8]],
                               pixelMapping: PixelMapping? = nil) throws -> (survey: AccumulatorSurvey, classAgreements: Int) {
        let network = try Network(model: model, family: contract.family, pixelMapping: pixelMapping)
        var survey = AccumulatorSurvey(layerCount: contract.layers.count)
        var agreements = 0
        for pixels in images {
            let run = try network.run(pixels: pixels)
            survey.observe(contract.layers.map { run.accumulators[$0.outputTensor] ?? [] })
            let logits = run.tensors[contract.layers[contract.layers.count - 1].outputTensor]?.integers ?? []
            if argmax(logits) == run.prediction { agreements += 1 }
        }
        return (survey, agreements)
    }
}
