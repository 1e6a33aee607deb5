// One neuron's whole integer arithmetic, written out step by step, each step named by its
// chapter: products (chapter 4), bias (chapter 5), the family's M·acc (chapter 6), Z3 and the
// clamp (chapter 7). Used by `workbook trace IMAGE.png` (TracePicture.swift). Every number is a
// field of chapter 9's NeuronTrace; nothing is computed here.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import Ch09Network

extension NeuronTrace {
    /// The lines of the trace, from the first products to the stored output code.
    func lines(layer: FullyConnectedLayer, expectedOutput: Int32) -> [String] {
        lines(requantizer: layer.requantizer, clamp: layer.clamp, activation: layer.scales.fusedActivation,
              expectedOutput: expectedOutput, inputs: "inputs") { "input \($0)" }
    }

    /// The same for any row of weights times an input vector: `inputs` names the vector
    /// ("inputs", "patch values") and `name` one element of it.
    func lines(requantizer: Requantizer, clamp layerClamp: OutputClamp, activation: ActivationFunction,
               expectedOutput: Int32, inputs: String, name: (Int) -> String) -> [String] {
        var out: [String] = []
        let (z1, z2) = (terms.inputZeroPoint, terms.weightZeroPoint)
        let active = terms.activeInputs
        out.append("chapter 4  products (q_w − Z2)·(q_in − Z1), Z2 = \(z2), Z1 = \(z1); \(active.count) of \(terms.input.count) \(inputs) differ from Z1, the rest give 0:")
        for k in active.prefix(4) {
            let term = terms.term(k)
            out.append("             \(name(k)): (\(terms.weights[k]) \(minusTerm(z2)))·(\(terms.input[k]) \(minusTerm(z1))) = \(term.weight)·\(term.code) = \(term.product)")
        }
        if active.count > 4 { out.append("             … \(active.count - 4) more") }
        out.append("           Σ over all \(terms.input.count) \(inputs) = \(terms.sum)")
        out.append("chapter 5  + bias \(bias) (int32, scale S1·S2) = acc \(accumulator)")
        out += requantizationLines(requantizer)
        out.append("chapter 7  Z3 = \(layerClamp.zeroPoint): \(clamp.scaled) \(plusTerm(layerClamp.zeroPoint)) = \(clamp.withZeroPoint), clamped to [\(clamp.minimum), \(clamp.maximum)] (\(activation.rawValue)) = q3 \(clamp.output)"
                   + (clamp.output == expectedOutput ? ", as the network wrote" : ", BUT the network wrote \(expectedOutput)"))
        return out
    }

    /// Chapter 6 in the family's own arithmetic.
    func requantizationLines(_ requantizer: Requantizer) -> [String] {
        let channel = terms.channel
        var out = ["chapter 6  M = S1·S2/S3 = \(requantizer.inputScale)·\(requantizer.weightScales[requantizer.isPerChannel ? channel : 0])/\(requantizer.outputScale) = \(requantizer.realMultiplier(channel: channel))"]
        switch requantization {
        case .inDouble(_, let product, let result):
            out.append("           reference: acc·M in double = \(product), rounded half away from zero = \(result)")
        case .fixedPoint(let steps):
            let product = steps.product
            out.append("           M ≈ M0·2^(shift − 31), M0 = \(steps.multiplier), shift = \(steps.shift)")
            out.append("           SRDHM(acc\(product.leftShift > 0 ? "·2^\(product.leftShift)" : ""), M0) = round(acc·M0 / 2^31) = \(product.high)")
            if steps.rounding == .tiesUp {
                out.append("           rounding shift right by \(product.rightShift), ties toward +∞ (optimized) = \(steps.result)")
            } else {
                out.append("           RoundingDivideByPOT by \(product.rightShift), ties away from zero (micro; the reference kernels too, for a convolution) = \(steps.result)")
            }
        case .inFloat32(let multiplier, let product, let result):
            out.append("           xnnpack: M in float32 = \(multiplier); f32(acc)·M = \(product), rounded half to even = \(result)")
        }
        return out
    }
}
