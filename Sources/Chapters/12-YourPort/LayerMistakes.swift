// Chapter 12 — what a port can get wrong in one FULLY_CONNECTED layer, each mistake computed:
// the layer's arithmetic of chapters 4 to 7 with one or several steps done the wrong way. A
// mistake that the port made reproduces the port's numbers; the check tries each combination on
// the layer's real inputs and keeps the simplest one that does.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import Ch09Network

// snippet.mistakes
/// One wrong step, named by the diagnosis id it leads to.
enum LayerMistake: Sendable, Equatable {
    /// Chapter 4: Σ(q_w − Z_w)·q_in, the input's zero point never subtracted.
    case inputZeroPointIgnored
    /// Chapter 4: Σ q_w·(q_in − Z_in), the weights' zero points never subtracted.
    case weightZeroPointIgnored
    /// Chapter 7: M·acc without + Z3.
    case outputZeroPointIgnored
    /// The sum kept in `bits`-bit integers, which wrap (numpy keeps uint8 × uint8 in uint8).
    case wraparound(bits: Int, signed: Bool)
    /// Chapter 5: the bias never added.
    case biasIgnored
    /// Chapter 6: the accumulator written out, never multiplied by M.
    case noRequantization
    /// Chapter 6: M·acc formed another way than the family's.
    case rounding(RoundingRule)
    /// Chapter 6: one S2 (channel 0's) for every channel of per-channel weights.
    case oneWeightScale
    /// Chapter 6: M formed from the wrong scales.
    case wrongScales(WrongScales)
    /// Chapter 7: the fused activation not applied, only the code range.
    case activationIgnored
    /// Chapter 7: no clamp to the code range above (`lowerOnly`) or at all.
    case notClamped(lowerBoundKept: Bool)
    // snippet.end

    var id: String {
        switch self {
        case .inputZeroPointIgnored, .weightZeroPointIgnored, .outputZeroPointIgnored: "zero-point"
        case .wraparound: "wraparound"
        case .biasIgnored: "bias"
        case .noRequantization: "no-requantization"
        case .rounding: "rounding"
        case .oneWeightScale: "per-channel"
        case .wrongScales: "scale"
        case .activationIgnored, .notClamped: "clamp"
        }
    }
}

/// The wrong scales a port can build M from, each with what it used.
enum WrongScales: String, Sendable, CaseIterable {
    case inputScaleAsOutput = "S3 taken from the layer's input tensor instead of its output tensor"
    case noOutputScale = "M = S1·S2, never divided by S3"
    case noInputScale = "M = S2/S3, without S1"
    case noWeightScale = "M = S1/S3, without S2"

    func scales(_ s1: Float, _ s2: [Float], _ s3: Float) -> (Float, [Float], Float) {
        switch self {
        case .inputScaleAsOutput: (s1, s2, s1)
        case .noOutputScale: (s1, s2, 1)
        case .noInputScale: (1, s2, s3)
        case .noWeightScale: (s1, s2.map { _ in 1 }, s3)
        }
    }
}

/// A layer's inputs and what the port and each family wrote, for the images the check samples.
struct LayerSample {
    let layer: FullyConnectedLayer
    let family: KernelFamily
    let images: [Int]
    let inputs: [[Int32]]
    let port: [[Int64]]
    let families: [KernelFamily: [[Int32]]]
    /// Σ_k q_w[c][k]·q_in[k] per image and channel, Σ_k q_in[k] per image, Σ_k q_w[c][k] per
    /// channel: every variant of chapter 4's sum follows from these three.
    let rawSums: [[Int64]]
    let inputSums: [Int64]
    let weightSums: [Int64]
    /// The port's dtype: what it stored was cast to it.
    let portDtype: String

    init(layer: FullyConnectedLayer, family: KernelFamily, images: [Int], inputs: [[Int32]], port: [[Int64]],
         families: [KernelFamily: [[Int32]]], portDtype: String) {
        (self.layer, self.family, self.images, self.inputs, self.port, self.families, self.portDtype) =
            (layer, family, images, inputs, port, families, portDtype)
        let weights = layer.weights
        weightSums = (0..<weights.outputCount).map { weights.row($0).reduce(Int64(0)) { $0 + Int64($1) } }
        inputSums = inputs.map { $0.reduce(Int64(0)) { $0 + Int64($1) } }
        rawSums = inputs.map { input in
            (0..<weights.outputCount).map { channel in
                zip(weights.row(channel), input).reduce(Int64(0)) { $0 + Int64($1.0) * Int64($1.1) }
            }
        }
    }

    var channels: Int { layer.weights.outputCount }
    var elementCount: Int { images.count * channels }
}

/// A combination of mistakes, computed on a sample.
struct LayerHypothesis {
    let mistakes: [LayerMistake]

    func predict(_ sample: LayerSample, _ requantizers: LayerRequantizers, row: Int, channel: Int) -> Int64 {
        let layer = sample.layer
        let zin = Int64(layer.scales.inputZeroPoint)
        let zw = Int64(layer.weights.zeroPoints.count > 1 ? layer.weights.zeroPoints[channel] : layer.weights.zeroPoints.first ?? 0)
        let k = Int64(layer.weights.inputCount)
        let raw = sample.rawSums[row][channel], sx = sample.inputSums[row], sw = sample.weightSums[channel]
        // Σ(q_w − a)(q_in − b) = raw − b·Σq_w − a·Σq_in + K·a·b, with a, b zero or the zero points.
        let a = mistakes.contains(.weightZeroPointIgnored) ? 0 : zw
        let b = mistakes.contains(.inputZeroPointIgnored) ? 0 : zin
        var value = raw - b * sw - a * sx + k * a * b
        for case .wraparound(let bits, let signed) in mistakes { value = wrap(value, bits: bits, signed: signed) }
        if !mistakes.contains(.biasIgnored) { value += Int64(layer.bias.codes[channel]) }
        let accumulator = Int32(clamping: value)
        if !mistakes.contains(.noRequantization) {
            value = requantizers.scaled(accumulator, channel: channel, mistakes: mistakes)
        }
        if !mistakes.contains(.outputZeroPointIgnored) { value += Int64(layer.clamp.zeroPoint) }
        let clamp = layer.clamp
        let typeRange = typeCodeRange(clamp.outputType)
        if mistakes.contains(.activationIgnored) {
            value = min(max(value, typeRange.lowerBound), typeRange.upperBound)
        } else if mistakes.contains(.notClamped(lowerBoundKept: true)) {
            value = max(value, Int64(clamp.minimum))
        } else if !mistakes.contains(.notClamped(lowerBoundKept: false)) {
            value = min(max(value, Int64(clamp.minimum)), Int64(clamp.maximum))
        }
        return castToDtype(value, sample.portDtype)
    }
}

/// The layer's M in the forms the hypotheses need: the family's own, each rounding rule's, one
/// weight scale for every channel, and the wrong scales.
struct LayerRequantizers {
    let family: Requantizer
    let double: Requantizer, fixedPoint: Requantizer, float32: Requantizer
    let oneScale: Requantizer
    let wrong: [WrongScales: Requantizer]

    init(_ requantizer: Requantizer) {
        let (s1, s2, s3) = (requantizer.inputScale, requantizer.weightScales, requantizer.outputScale)
        family = requantizer
        double = Requantizer(inputScale: s1, weightScales: s2, outputScale: s3, family: .reference)
        fixedPoint = Requantizer(inputScale: s1, weightScales: s2, outputScale: s3, family: .micro)
        float32 = Requantizer(inputScale: s1, weightScales: s2, outputScale: s3, family: .xnnpack)
        oneScale = Requantizer(inputScale: s1, weightScales: [s2[0]], outputScale: s3, family: requantizer.family)
        var wrong: [WrongScales: Requantizer] = [:]
        for mistake in WrongScales.allCases {
            let (a, b, c) = mistake.scales(s1, s2, s3)
            // Only an M the fixed-point form can hold (below 2^20 here), and not the right one.
            guard b.allSatisfy({ Double(a) * Double($0) / Double(c) < 0x1p20 }), (a, b, c) != (s1, s2, s3) else { continue }
            wrong[mistake] = Requantizer(inputScale: a, weightScales: b, outputScale: c, family: requantizer.family)
        }
        self.wrong = wrong
    }

    func scaled(_ accumulator: Int32, channel: Int, mistakes: [LayerMistake]) -> Int64 {
        for mistake in mistakes {
            switch mistake {
            case .rounding(let rule): return rule.scaled(accumulator, channel: channel, double: double, fixedPoint: fixedPoint, float32: float32)
            case .oneWeightScale: return Int64(oneScale.scaled(accumulator, channel: 0))
            case .wrongScales(let which): return Int64(wrong[which]!.scaled(accumulator, channel: channel))
            default: continue
            }
        }
        return Int64(family.scaled(accumulator, channel: channel))
    }
}

/// Every combination worth trying for `sample`, the simplest first. A mistake that changes
/// nothing in this layer (a zero point of 0, no bias, no activation) is left out.
func layerHypotheses(_ sample: LayerSample, _ requantizers: LayerRequantizers) -> [LayerHypothesis] {
    let layer = sample.layer
    let hasInputZero = layer.scales.inputZeroPoint != 0
    let hasWeightZero = layer.weights.zeroPoints.contains { $0 != 0 }
    let products: [[LayerMistake]] = [[]] + (hasInputZero ? [[.inputZeroPointIgnored]] : []) + (hasWeightZero ? [[.weightZeroPointIgnored]] : [])
        + (hasInputZero && hasWeightZero ? [[.inputZeroPointIgnored, .weightZeroPointIgnored]] : [])
    let wraps: [[LayerMistake]] = [[], [.wraparound(bits: 8, signed: false)], [.wraparound(bits: 8, signed: true)], [.wraparound(bits: 16, signed: true)]]
    let biases: [[LayerMistake]] = layer.bias.codes.contains { $0 != 0 } ? [[], [.biasIgnored]] : [[]]
    let outputZero: [[LayerMistake]] = layer.clamp.zeroPoint != 0 ? [[], [.outputZeroPointIgnored]] : [[]]
    let typeRange = typeCodeRange(layer.clamp.outputType)
    let hasActivation = Int64(layer.clamp.minimum) != typeRange.lowerBound || Int64(layer.clamp.maximum) != typeRange.upperBound
    let clamps: [[LayerMistake]] = [[]] + (hasActivation ? [[.activationIgnored]] : []) + [[.notClamped(lowerBoundKept: true)], [.notClamped(lowerBoundKept: false)]]
    var all: [LayerHypothesis] = []
    // What a port gets wrong in its structure: zero points, wrapping sums, the bias, M itself.
    for p in products { for w in wraps { for b in biases { for r in [[], [LayerMistake.noRequantization]] { for z in outputZero { for c in clamps {
        all.append(LayerHypothesis(mistakes: p + w + b + r + z + c))
    } } } } } }
    // What it gets wrong in M: the rounding, one scale for all channels, the wrong scales.
    var arithmetic: [LayerMistake] = RoundingRule.all.filter { $0 != RoundingRule(family: sample.family) }.map { .rounding($0) }
    if layer.requantizer.isPerChannel { arithmetic.append(.oneWeightScale) }
    arithmetic += WrongScales.allCases.filter { requantizers.wrong[$0] != nil }.map { .wrongScales($0) }
    for m in arithmetic { for c in [[]] + (hasActivation ? [[LayerMistake.activationIgnored]] : []) {
        all.append(LayerHypothesis(mistakes: [m] + c))
    } }
    return all.sorted { $0.mistakes.count < $1.mistakes.count }
}

/// The hypothesis that reproduces the most of the port's elements (the simplest among equals),
/// and how many it misses.
func bestLayerHypothesis(_ sample: LayerSample) -> (hypothesis: LayerHypothesis, missed: Int, requantizers: LayerRequantizers) {
    let requantizers = LayerRequantizers(sample.layer.requantizer)
    var best = (hypothesis: LayerHypothesis(mistakes: []), missed: Int.max)
    for hypothesis in layerHypotheses(sample, requantizers) {
        var missed = 0
        search: for row in sample.images.indices {
            for channel in 0..<sample.channels where hypothesis.predict(sample, requantizers, row: row, channel: channel) != sample.port[row][channel] {
                missed += 1
                if missed >= best.missed { break search }  // no better than the best so far
            }
        }
        if missed < best.missed { best = (hypothesis, missed) }
        if missed == 0 { break }
    }
    return (best.hypothesis, best.missed, requantizers)
}

/// v modulo 2^bits, as a `bits`-bit integer, signed or not.
func wrap(_ value: Int64, bits: Int, signed: Bool) -> Int64 {
    let modulus = Int64(1) << Int64(bits)
    var wrapped = value & (modulus - 1)
    if signed, wrapped >= modulus / 2 { wrapped -= modulus }
    return wrapped
}

/// What storing `value` into an array of numpy dtype `dtype` leaves (integers wrap; a float
/// or 64-bit array holds it as it is).
func castToDtype(_ value: Int64, _ dtype: String) -> Int64 {
    guard dtype.count >= 3, let size = Int(dtype.dropFirst(2)), size < 8 else { return value }
    switch dtype.dropFirst().first {
    case "i": return wrap(value, bits: 8 * size, signed: true)
    case "u": return wrap(value, bits: 8 * size, signed: false)
    default: return value
    }
}

/// qmin…qmax of an output type, as chapter 7 clamps to it.
func typeCodeRange(_ type: TensorType) -> ClosedRange<Int64> {
    switch type {
    case .uint8: 0...255
    case .int8: -128...127
    case .int16: -32768...32767
    default: Int64(Int32.min)...Int64(Int32.max)
    }
}
