// One neuron's whole integer arithmetic, step by step, each step named by its chapter:
// products (chapter 4), bias (chapter 5), the family's M·acc (chapter 6), Z3 and the clamp
// (chapter 7). Used by `workbook trace IMAGE.png` (TracePicture.swift). Every value is
// recomputed here from the chapters' public functions, and the last one is checked against
// what the network wrote.

import Ch04ZeroPointMatmul
import Ch06Requantize
import Ch07Clamp
import Ch09Network
import Foundation

struct NeuronArithmetic {
    let layer: FullyConnectedLayer
    let neuron: Int
    /// The layer's input codes for this image.
    let input: [Int32]

    var weights: ArraySlice<Int32> { layer.weights.row(neuron) }
    var weightZeroPoint: Int32 { layer.weights.zeroPoints[neuron] }
    var inputZeroPoint: Int32 { Int32(layer.scales.inputZeroPoint) }

    /// (q_w − Z2)(q_in − Z1) for every input k, in int32 as the kernels form them.
    var products: [Int32] {
        zip(weights, input).map { weight, code in (weight - weightZeroPoint) * (code - inputZeroPoint) }
    }
    var sum: Int32 { products.reduce(0, +) }
    var bias: Int32 { layer.bias.codes[neuron] }
    var accumulator: Int32 { sum + bias }

    /// The lines of the trace, from the first products to the stored output code.
    func lines(expectedOutput: Int32) -> [String] {
        var out: [String] = []
        let (z1, z2) = (inputZeroPoint, weightZeroPoint)
        let active = input.indices.filter { input[$0] != z1 }
        out.append("chapter 4  products (q_w − Z2)·(q_in − Z1), Z2 = \(z2), Z1 = \(z1); \(active.count) of \(input.count) inputs differ from Z1, the rest give 0:")
        let all = products
        for k in active.prefix(4) {
            let w = weights[weights.startIndex + k]
            out.append("             input \(k): (\(w) \(minus(z2)))·(\(input[k]) \(minus(z1))) = \(w - z2)·\(input[k] - z1) = \(all[k])")
        }
        if active.count > 4 { out.append("             … \(active.count - 4) more") }
        out.append("           Σ over all \(input.count) inputs = \(sum)")
        out.append("chapter 5  + bias \(bias) (int32, scale S1·S2) = acc \(accumulator)")
        out += requantizationLines()
        let scaled = layer.requantizer.scaled(accumulator, channel: neuron)
        let clamp = layer.clamp
        let output = clamp.apply(scaled)
        out.append("chapter 7  Z3 = \(clamp.zeroPoint): \(scaled) \(plus(clamp.zeroPoint)) = \(Int64(scaled) + Int64(clamp.zeroPoint)), clamped to [\(clamp.minimum), \(clamp.maximum)] (\(layer.scales.fusedActivation.rawValue)) = q3 \(output)"
                   + (output == expectedOutput ? ", as the network wrote" : ", BUT the network wrote \(expectedOutput)"))
        return out
    }

    /// Chapter 6 in the family's own arithmetic.
    func requantizationLines() -> [String] {
        let requantizer = layer.requantizer
        let acc = accumulator
        let real = requantizer.realMultiplier(channel: neuron)
        var out = ["chapter 6  M = S1·S2/S3 = \(requantizer.inputScale)·\(requantizer.weightScales[requantizer.isPerChannel ? neuron : 0])/\(requantizer.outputScale) = \(real)"]
        switch requantizer.multiplier(channel: neuron) {
        case .double(let m):
            let product = Double(acc) * m
            out.append("           reference: acc·M in double = \(product), rounded half away from zero = \(requantizeInDouble(acc, by: m))")
        case .fixedPoint(let m0, let shift):
            let (left, right) = (max(shift, 0), max(-shift, 0))
            // A left shift as TFLite's kernels do it, in int32 (M ≥ 1 only; never in our models).
            let shifted = Int32(truncatingIfNeeded: Int64(acc) << left)
            let high = saturatingRoundingDoublingHighMul(shifted, m0)
            out.append("           M ≈ M0·2^(shift − 31), M0 = \(m0), shift = \(shift)")
            out.append("           SRDHM(acc\(left > 0 ? "·2^\(left)" : ""), M0) = round(acc·M0 / 2^31) = \(high)")
            if layer.requantizer.family == .optimized {
                out.append("           rounding shift right by \(right), ties toward +∞ (optimized) = \(roundingShiftRightTiesUp(high, right))")
            } else {
                out.append("           RoundingDivideByPOT by \(right), ties away from zero (micro) = \(roundingDivideByPowerOfTwo(high, right))")
            }
        case .float(let m):
            let product = Float(acc) * m
            out.append("           xnnpack: M in float32 = \(m); f32(acc)·M = \(product), rounded half to even = \(requantizeInFloat32(acc, by: m))")
        }
        return out
    }

    /// "− 3" or "+ 128": subtracting a zero point, written without a double sign.
    func minus(_ value: Int32) -> String { value < 0 ? "+ \(-Int64(value))" : "− \(value)" }
    /// "+ 3" or "− 12": adding a zero point.
    func plus(_ value: Int32) -> String { value < 0 ? "− \(-Int64(value))" : "+ \(value)" }
}
