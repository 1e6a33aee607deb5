// Chapter 12 — a FULLY_CONNECTED output that differs: the mistakes of LayerMistakes.swift tried
// on the layer's real inputs, and each one that reproduces the port said in a sentence with the
// numbers of one element.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network

extension DiagnosisContext {
    func layerDiagnoses(_ layer: FullyConnectedLayer) -> [Diagnosis] {
        guard sample.allSatisfy({ $0.port != nil }) else { return [unexplained()] }
        let inputs = sample.map { $0.runs[family]!.tensors[layer.scales.input.index]!.integers! }
        let families = Dictionary(uniqueKeysWithValues: offered.map { other in
            (other, sample.map { $0.runs[other]!.tensors[target.tensor.index]!.integers! })
        })
        let layerSample = LayerSample(layer: layer, family: family, images: sample.map(\.image), inputs: inputs,
                                      port: sample.map { $0.port! }, families: families, portDtype: target.port.dtype)
        let (hypothesis, missed, requantizers) = bestLayerHypothesis(layerSample)
        let elements = layerSample.elementCount
        // A combination is the diagnosis when it reproduces nearly every element (2 % slack for a
        // port that, say, mixes two roundings).
        guard !hypothesis.mistakes.isEmpty, missed * 50 <= elements else { return fallback(layerSample) }

        // The element shown: the first where the port and the family differ.
        let (row, channel) = firstDifference() ?? (0, 0)
        let predicted = hypothesis.predict(layerSample, requantizers, row: row, channel: channel)
        let accumulator = sample[row].runs[family]!.accumulators[target.tensor.index]![channel]
        let evidence = "Image \(sample[row].image), element \(channel): acc = \(accumulator) (bias included), \(layer.requantizer.multiplier(channel: channel)); \(familyValues(row: row, element: channel)); the port gave \(sample[row].port![channel]), which these mistakes give too (\(predicted)); \(explains(elements, missed: missed))."
        var diagnoses: [Diagnosis] = []
        var said = Set<String>()
        for mistake in hypothesis.mistakes where !said.contains(mistake.id) {
            said.insert(mistake.id)
            let related = hypothesis.mistakes.filter { $0.id == mistake.id }
            diagnoses.append(Diagnosis(id: mistake.id, tensor: tensorName,
                                       detail: sentence(related, layer, layerSample, row: row, channel: channel), evidence: evidence))
        }
        return diagnoses
    }

    /// What the mistakes of one id did, in this layer's numbers.
    func sentence(_ mistakes: [LayerMistake], _ layer: FullyConnectedLayer, _ sample: LayerSample, row: Int, channel: Int) -> String {
        let scales = layer.scales
        let z2 = layer.weights.zeroPoints.count > 1 ? layer.weights.zeroPoints[channel] : layer.weights.zeroPoints.first ?? 0
        return mistakes.map { mistake -> String in
            switch mistake {
            case .inputZeroPointIgnored:
                return "the input zero point Z1 = \(scales.inputZeroPoint) is not subtracted from the input codes (chapter 4, (4.2)): the sum is Σ(q_w − Z2)·q_in, off by Z1·Σ(q_w − Z2) in every channel."
            case .weightZeroPointIgnored:
                return "the weight zero point Z2 = \(z2) is not subtracted from the weight codes (chapter 4, (4.2)): the sum is Σ q_w·(q_in − Z1), off by Z2·Σ(q_in − Z1) in every channel."
            case .outputZeroPointIgnored:
                return "the output zero point Z3 = \(layer.clamp.zeroPoint) is not added after M·acc (chapter 7, (7.1))."
            case .wraparound(let bits, let signed):
                let raw = sample.rawSums[row][channel]
                let type = "\(signed ? "int" : "uint")\(bits)"
                return "the sums wrap around modulo 2^\(bits): they were kept in \(type) (a numpy \(type) array times a \(type) array stays \(type)); this element's true sum Σ q_w·q_in is \(raw), \(wrap(raw, bits: bits, signed: signed)) in \(type). Widen to int32 before multiplying (chapter 4)."
            case .biasIgnored:
                return "the int32 bias is not added (chapter 5): this element's bias is \(layer.bias.codes[channel])."
            case .noRequantization:
                return "the accumulators are never multiplied by M = S1·S2/S3 = \(layer.requantizer.realMultiplier(channel: channel)) (chapter 6), where S3 = \(scales.outputScale ?? 0) is the scale of this layer's output tensor '\(scales.output.name)'; what the port stored is the integer sum itself."
            case .rounding(let rule):
                // The families that form the product as the port does, each one tie rule away.
                let siblings = KernelFamily.allCases.filter { RoundingRule(family: $0).arithmetic == rule.arithmetic && networks[$0] != nil }
                let fixes = siblings.map { "\($0.rawValue) rounds \(RoundingRule(family: $0).ties.rawValue)" }.joined(separator: " and ")
                return "The port forms M·acc \(rule.arithmetic.rawValue) and rounds \(rule.ties.rawValue) (chapter 6): it differs from \(family.rawValue) (\(RoundingRule(family: family).description)) only where M·acc falls on or near a tie, \(target.differing[family] ?? 0) of \(target.compared) elements. \(fixes.isEmpty ? "" : "Among the families that form the product \(rule.arithmetic.rawValue), \(fixes): with that rule it would match that family.")"
            case .oneWeightScale:
                let s2 = layer.requantizer.weightScales
                return "one weight scale, channel 0's S2 = \(s2[0]), is used for all \(s2.count) channels, but the weights have one per output channel (\(s2.min()!) to \(s2.max()!)); LiteRT's `quantization` tuple shows (0.0, 0) for per-channel weights: the scales are in `quantization_parameters['scales']`."
            case .wrongScales(let which):
                return "M is formed with the wrong scales: \(which.rawValue) (S1 = \(scales.inputScale ?? 0), S3 = \(scales.outputScale ?? 0), the scale of the output tensor '\(scales.output.name)')."
            case .activationIgnored:
                return "the fused \(scales.fusedActivation.rawValue) is not applied (chapter 7): outputs below \(layer.clamp.minimum) remain."
            case .notClamped(let lowerBoundKept):
                let range = typeCodeRange(layer.clamp.outputType)
                return lowerBoundKept
                    ? "the outputs are clamped below at \(layer.clamp.minimum) but never above at \(layer.clamp.maximum): they leave the code range \(range.lowerBound)…\(range.upperBound) (chapter 7)."
                    : "the outputs are not clamped at all (chapter 7): they leave the range \(layer.clamp.minimum)…\(layer.clamp.maximum)."
            }
        }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// When no combination reproduces the port: what the numbers themselves say.
    func fallback(_ sample: LayerSample) -> [Diagnosis] {
        let layer = sample.layer
        let range = typeCodeRange(layer.clamp.outputType)
        let values = sample.port.joined()
        let (row, channel) = firstDifference() ?? (0, 0)
        let accumulator = self.sample[row].runs[family]!.accumulators[target.tensor.index]![channel]
        let evidence = "Image \(self.sample[row].image), element \(channel): acc = \(accumulator) (bias included), \(layer.requantizer.multiplier(channel: channel)); \(familyValues(row: row, element: channel)); the port gave \(self.sample[row].port![channel])."
        if let outside = values.first(where: { !range.contains($0) }) {
            return [Diagnosis(id: "no-requantization", tensor: tensorName, detail:
                "\(described): the port's values reach \(outside), outside the \(layer.clamp.outputType) code range \(range.lowerBound)…\(range.upperBound): they were not requantized by M = S1·S2/S3 and clamped (chapters 6 and 7).", evidence: evidence)]
        }
        // (q − Z3) against the family's: a wrong scale multiplies every output by one factor.
        let z3 = Double(layer.clamp.zeroPoint)
        var (sxy, sxx, count) = (0.0, 0.0, 0)
        var largestGap = 0.0  // in Double: a port's int64 may be anything, and a difference must not overflow
        for row in sample.images.indices {
            let theirs = sample.families[family]![row]
            for channel in 0..<sample.channels {
                let (x, y) = (Double(theirs[channel]) - z3, Double(sample.port[row][channel]) - z3)
                largestGap = max(largestGap, abs(y - x))
                guard theirs[channel] > layer.clamp.minimum, theirs[channel] < layer.clamp.maximum, x != 0 else { continue }
                (sxy, sxx, count) = (sxy + x * y, sxx + x * x, count + 1)
            }
        }
        if largestGap == 1 {
            return [Diagnosis(id: "rounding", tensor: tensorName, detail:
                "\(described): the port is off by at most 1, at \(target.differing[family] ?? 0) of \(target.compared) elements, but in none of the nine ways the check knows of forming M·acc (double, fixed point or float32; ties away, up or to even): compare its rounding with chapter 6's for \(family.rawValue).", evidence: evidence)]
        }
        if count > 10, sxx > 0 {
            let factor = sxy / sxx
            if abs(factor - 1) > 0.02 {
                return [Diagnosis(id: "scale", tensor: tensorName, detail:
                    "\(described): the port's q − Z3 is about \(format3(factor)) times \(family.rawValue)'s, and the error grows with the accumulator: M = S1·S2/S3 was formed from a wrong scale (S3 is the scale of the output tensor '\(layer.scales.output.name)', \(layer.scales.outputScale ?? 0)).", evidence: evidence)]
            }
        }
        return [unexplained()]
    }
}

/// Three significant digits, without Foundation.
func format3(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return "\(value)" }
    var magnitude = 1.0
    while abs(value) * magnitude < 100 { magnitude *= 10 }
    while abs(value) * magnitude >= 1000 { magnitude /= 10 }
    return "\((value * magnitude).rounded() / magnitude)"
}
