// Chapter 3 — the 10% mystery: the seed's numpy port of the legacy uint8 model, reproduced
// faithfully, and then fixed one step at a time. Prose: chapters/03-float-network.md.
//
// The seed copied each layer's raw codes (uint8 weights, int32 biases) and computed
//     h = relu(W @ x + b)
// on the raw input codes, with no zero points and no rescaling, in numpy's types: a uint8 array
// times a uint8 array stays uint8, so its products and sums wrap modulo 256; adding the int32
// bias promotes to int32, which wraps modulo 2^32. This chapter is about that wrapping, so it is
// the one place where we compute it on purpose (with &* and &+ in `wrappingDot`).
// Each later step fixes one thing; the last is the dequantized float network (FloatNetwork.swift).

import Ch01TFLiteFile
import Ch02Affine
import Foundation

/// The seed's port and the fixes, in the order the chapter applies them. Each step keeps the
/// fixes before it.
public enum NaiveStep: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Raw codes, numpy's types: the first layer's products and sums wrap modulo 256.
    case seed = 1
    /// Every sum in int32 (numpy: `x.astype(np.int32)`), still raw codes.
    case int32Sums
    /// Zero points subtracted: Σ (q_w − Z_w)·(q_x − Z_x) + bias, still in int32.
    case zeroPoints
    /// The same sums in int64, so that nothing wraps.
    case int64Sums
    /// Scaled back after every layer, r = S·(q − Z): the float network on dequantized weights.
    case scaledBack

    public var description: String {
        switch self {
        case .seed: "the seed: raw codes, 8-bit sums wrap"
        case .int32Sums: "every sum in int32"
        case .zeroPoints: "zero points subtracted, int32"
        case .int64Sums: "the same sums in int64"
        case .scaledBack: "scaled back: r = S·(q − Z)"
        }
    }
}

/// What one step computed for one image.
public struct NaiveResult: Sendable {
    /// The last layer's outputs: integer sums for steps 1 to 4, reals for step 5.
    public let integerLogits: [Int64]?
    public let realLogits: [Float]?
    /// Whether some int32 sum did not fit and wrapped around. (The seed's uint8 sums of layer 1
    /// wrap on nearly every neuron; they are not counted here.)
    public let wrapped: Bool
    public let prediction: Int
}

// snippet.seed-dot
/// The seed's first layer, Σ_k W[o][k]·x[k] with both arrays uint8: numpy keeps the result in
/// uint8, so every product and every partial sum wraps around modulo 256. Swift traps on
/// overflow; &* and &+ are its wrapping operators, used here because the wrap is what we
/// reproduce. (An int8 model wraps the same bits: modulo 256, signed and unsigned agree.)
func wrappingDot(_ weights: UnsafeBufferPointer<UInt8>, _ inputs: UnsafeBufferPointer<UInt8>) -> UInt8 {
    var sum: UInt8 = 0
    for k in 0..<inputs.count {
        sum = sum &+ weights[k] &* inputs[k]
    }
    return sum
}
// snippet.end

/// A quantized model's layers as raw codes, the way the seed copied them out of netron.
public struct NaivePort: Sendable {
    struct Layer: Sendable {
        let inputCount: Int
        let outputCount: Int
        /// Raw weight bytes, [outputCount][inputCount] row-major, as in the .tflite buffer.
        let weightBytes: [UInt8]
        /// The same codes as integers (int8 codes are signed).
        let weightCodes: [Int64]
        let weightZeroPoints: [Int64]
        let biasCodes: [Int64]
        /// Z of the tensor the layer reads.
        let inputZeroPoint: Int64
        let relu: Bool
    }

    let layers: [Layer]
    let weightsAreSigned: Bool
    let input: AffineQuantization
    /// Step 5.
    public let dequantized: FloatNetwork

    /// The FULLY_CONNECTED layers of an 8-bit model (uint8 or int8 weights and input).
    public init(model: Model) throws(FloatNetworkError) {
        if let convolutional = model.firstPartTwoOperator {
            throw FloatNetworkError("chapter 3's naive port is part one's network of FULLY_CONNECTED layers; \(convolutional) is part two's (chapters 14 to 16)")
        }
        let scales: [LayerScales]
        do { scales = try model.fullyConnectedLayers() } catch { throw FloatNetworkError("\(error)") }
        guard let first = scales.first, first.weights.type == .uint8 || first.weights.type == .int8,
              first.input.type == first.weights.type else {
            throw FloatNetworkError("the seed's port (chapter 3: the raw codes multiplied as they are) needs a model with 8-bit weights and an input of the same type (the legacy uint8 model, or an int8 one)")
        }
        do { input = try AffineQuantization(tensor: first.input) } catch { throw FloatNetworkError("\(error)") }
        let signed = first.weights.type == .int8
        weightsAreSigned = signed
        var layers: [Layer] = []
        for layer in scales {
            guard layer.weights.type == first.weights.type, layer.weights.shape.count == 2 else {
                throw FloatNetworkError("operator \(layer.operatorIndex): weights \(layer.weights.type) \(layer.weights.shape), not like the first layer's")
            }
            let (outputs, inputs) = (layer.weights.shape[0], layer.weights.shape[1])
            let bytes = Array(model.buffers[layer.weights.buffer].bytes)
            guard bytes.count == outputs * inputs else { throw FloatNetworkError("operator \(layer.operatorIndex): the weights hold \(bytes.count) bytes") }
            let zeroPoints = layer.weightZeroPoints.count == outputs ? layer.weightZeroPoints : Array(repeating: layer.weightZeroPoints.first ?? 0, count: outputs)
            let bias = try Self.biasCodes(of: layer.bias, in: model, count: outputs)
            layers.append(Layer(
                inputCount: inputs, outputCount: outputs, weightBytes: bytes,
                weightCodes: bytes.map { signed ? Int64(Int8(bitPattern: $0)) : Int64($0) },
                weightZeroPoints: zeroPoints.map(Int64.init), biasCodes: bias, inputZeroPoint: Int64(layer.inputZeroPoint),
                relu: layer.fusedActivation == .relu))
        }
        self.layers = layers
        dequantized = try FloatNetwork(model: model)
    }

    /// What `step` computes for an image given as its 784 pixels.
    public func run(pixels: [UInt8], step: NaiveStep) -> NaiveResult {
        if step == .scaledBack {
            let pass = dequantized.classify(pixels: pixels)
            return NaiveResult(integerLogits: nil, realLogits: pass.logits, wrapped: false, prediction: pass.prediction)
        }
        // The input codes, as the model takes them: the pixel itself for uint8 (S = 1/255, Z = 0).
        let codes = inputCodes(pixels: pixels, quantization: input)
        var values = codes.map(Int64.init)
        var wrapped = false
        // snippet.steps
        for (index, layer) in layers.enumerated() {
            let subtract = step == .zeroPoints || step == .int64Sums
            var sums: [Int64]
            if step == .seed && index == 0 {
                sums = seedFirstLayer(layer, codes: codes)
            } else {
                sums = exactSums(layer, inputs: values, subtractingZeroPoints: subtract)
            }
            for o in sums.indices {
                if step != .int64Sums {
                    // int32 arithmetic wraps modulo 2^32; wrapping each product and partial sum,
                    // as numpy does, ends on the exact sum modulo 2^32, which is this.
                    let narrowed = Int64(Int32(truncatingIfNeeded: sums[o]))
                    wrapped = wrapped || narrowed != sums[o]
                    sums[o] = narrowed
                }
                if layer.relu { sums[o] = max(sums[o], 0) }
            }
            values = sums
        }
        // snippet.end
        return NaiveResult(integerLogits: values, realLogits: nil, wrapped: wrapped, prediction: argmax(values))
    }

    /// numpy: `W1 @ x` in uint8 (or int8) wrapping, then `+ b1`, which promotes to int32.
    func seedFirstLayer(_ layer: Layer, codes: [Int32]) -> [Int64] {
        let inputBytes = codes.map { UInt8(truncatingIfNeeded: $0) }
        return layer.weightBytes.withUnsafeBufferPointer { weights in
            inputBytes.withUnsafeBufferPointer { inputs in
                (0..<layer.outputCount).map { o in
                    let row = UnsafeBufferPointer(rebasing: weights[(o * layer.inputCount)..<((o + 1) * layer.inputCount)])
                    let byte = wrappingDot(row, inputs)
                    let product = weightsAreSigned ? Int64(Int8(bitPattern: byte)) : Int64(byte)
                    return product + layer.biasCodes[o]
                }
            }
        }
    }

    /// Σ_k (W[o][k] − Z_w)·(x[k] − Z_x) + b[o] exactly (or without the zero points), in Int64.
    /// The largest sums are those of step 4 in the last layer, fed unscaled sums: in the legacy
    /// model |W − Z_w| ≤ 133 (148 in layer 3) and x ≤ 255, so layer 1 stays below
    /// 784·133·255 ≈ 2.7·10^7, layer 2 below 512·133 times that ≈ 1.8·10^12 and layer 3 below
    /// 100·148 times that ≈ 2.7·10^16 < 2^55 (biases add little). Beyond Int64 Swift would trap.
    func exactSums(_ layer: Layer, inputs: [Int64], subtractingZeroPoints: Bool) -> [Int64] {
        let inputZero = subtractingZeroPoints ? layer.inputZeroPoint : 0
        let shifted = inputs.map { $0 - inputZero }
        let active = shifted.indices.filter { shifted[$0] != 0 }
        return layer.weightCodes.withUnsafeBufferPointer { w in
            shifted.withUnsafeBufferPointer { x in
                active.withUnsafeBufferPointer { nonzero in
                    (0..<layer.outputCount).map { o in
                        let row = o * layer.inputCount
                        let weightZero = subtractingZeroPoints ? layer.weightZeroPoints[o] : 0
                        var sum: Int64 = 0
                        for k in nonzero { sum += (w[row + k] - weightZero) * x[k] }
                        return sum + layer.biasCodes[o]
                    }
                }
            }
        }
    }
}

extension NaivePort {
    /// The int32 codes of a bias tensor (zeros when there is none).
    static func biasCodes(of tensor: Tensor?, in model: Model, count: Int) throws(FloatNetworkError) -> [Int64] {
        guard let tensor else { return [Int64](repeating: 0, count: count) }
        guard tensor.type == .int32, let codes = try? model.codes(of: tensor), codes.count == count else {
            throw FloatNetworkError("the bias tensor \(tensor.index) '\(tensor.name)' is \(tensor.type) \(tensor.shape), not \(count) int32 values")
        }
        return codes.map(Int64.init)
    }
}

/// How many of `images` each step classifies correctly.
public struct NaiveAccuracy: Sendable {
    public let step: NaiveStep
    public let correct: Int
    public let total: Int
    /// Images on which some integer sum wrapped around.
    public let wrappedImages: Int
}

public func naiveAccuracies(images: [[UInt8]], labels: [Int], model: Model) throws(FloatNetworkError) -> [NaiveAccuracy] {
    precondition(images.count == labels.count, "\(images.count) images but \(labels.count) labels")
    let port = try NaivePort(model: model)
    return NaiveStep.allCases.map { step in
        var (correct, wrapped) = (0, 0)
        for (pixels, label) in zip(images, labels) {
            let result = port.run(pixels: pixels, step: step)
            if result.prediction == label { correct += 1 }
            if result.wrapped { wrapped += 1 }
        }
        return NaiveAccuracy(step: step, correct: correct, total: images.count, wrappedImages: wrapped)
    }
}

/// The chapter's table: each step's accuracy on `images`, one line per step.
public func naiveAccuracyTable(images: [[UInt8]], labels: [Int], model: Model) throws(FloatNetworkError) -> String {
    naiveAccuracyTable(try naiveAccuracies(images: images, labels: labels, model: model))
}

/// The table of accuracies already measured: a header, then one line per step.
public func naiveAccuracyTable(_ rows: [NaiveAccuracy]) -> String {
    var out = "step".padding(toLength: 42, withPad: " ", startingAt: 0) + "correct\n"
    for row in rows {
        let name = "\(row.step.rawValue). \(row.step)"
        let share = row.total == 0 ? 0 : 100 * Double(row.correct) / Double(row.total)
        var line = name.padding(toLength: 42, withPad: " ", startingAt: 0)
            + "\(row.correct)/\(row.total)".padding(toLength: 12, withPad: " ", startingAt: 0)
            + String(format: "%6.2f %%", share)
        if row.wrappedImages > 0 { line += "   (int32 wrapped in \(row.wrappedImages) images)" }
        out += line + "\n"
    }
    return out
}
