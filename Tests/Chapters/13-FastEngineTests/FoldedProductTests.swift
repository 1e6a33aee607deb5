// Chapter 13, the product: (13.1)'s folded bias and packed bytes give chapter 4's accumulator
// plus chapter 5's bias, on the real model (the worked example of the prose) and on random
// layers of every shape, type and zero point, on every instruction path this CPU offers.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch09Network
import Ch13FastEngine
import TestSupport
import Testing


@Test func `the first neuron of mnist-int8 on the first fixture digit, folded, its accumulator is chapter 9's`() throws {
    let network = try Network(model: Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite")), family: .reference)
    let layer = network.layers[0]
    let folded = try FastDenseLayer(layer).folded
    // int8 weights have Z_w = 0, so a[c] = 0 − 0: no image sum, only the folded bias.
    #expect(!folded.needsInputSum && folded.inputOffset == 128)
    let pixels = try fixtureImages("models/mnist-int8.tflite")[0]
    let codes = try network.run(pixels: pixels).tensors[network.input.index]!.integers!
    // u = q + 128: the input Z = −128 makes u the pixel itself.
    let unsigned = codes.map { UInt8($0 + 128) }
    #expect(unsigned == pixels)
    // b = o_in + Z_in = 128 − 128 = 0: the folded bias is the bias, untouched.
    #expect(folded.foldedBias == layer.bias.codes)
    let expected = layer(codes).accumulators
    #expect(folded.accumulator(channel: 0, unsignedInput: unsigned) == expected[0])
    #expect((0..<expected.count).map { folded.accumulator(channel: $0, unsignedInput: unsigned) } == expected)
}

@Test func `legacy uint8, the folded bias takes b·Σs and K·a·b, the image sum a·Σu`() throws {
    let network = try Network(model: Model.load(path: RepositoryFiles.path("models/mnist-uint8.tflite")), family: .reference)
    for layer in network.layers {
        let folded = try FastDenseLayer(layer).folded
        // uint8 weights: s = q_w − 128 and a = 128 − Z_w, the same for every channel (per tensor).
        #expect(folded.needsInputSum && Set(folded.inputSumFactor) == [128 - layer.weights.zeroPoints[0]])
        #expect(folded.signedWeights.map(Int32.init) == layer.weights.codes.map { $0 - 128 })
        let input = try network.run(pixels: fixtureImages("models/mnist-uint8.tflite")[1]).tensors[layer.scales.input.index]!.integers!
        let expected = layer(input).accumulators
        let unsigned = input.map { UInt8($0) }  // uint8 activations: o_in = 0
        #expect((0..<expected.count).map { folded.accumulator(channel: $0, unsignedInput: unsigned) } == expected)
    }
}

/// A random layer: chapter 4's weights, chapter 5's bias, and inputs, with the given types.
struct RandomLayer {
    let weights: QuantizedWeights
    let weightType: TensorType
    let bias: QuantizedBias
    let inputType: TensorType
    let inputZeroPoint: Int32
    let inputs: [[Int32]]

    init(_ generator: inout SplitMix64, rows: Int, inputCount: Int, outputCount: Int, extreme: Bool, sparse: Bool = false) {
        let weightType: TensorType = Bool.random(using: &generator) ? .int8 : .uint8
        let inputType: TensorType = Bool.random(using: &generator) ? .int8 : .uint8
        (self.weightType, self.inputType) = (weightType, inputType)
        let (wRange, xRange): (ClosedRange<Int32>, ClosedRange<Int32>) = (
            weightType == .int8 ? -128...127 : 0...255, inputType == .int8 ? -128...127 : 0...255)
        // int8 weights are symmetric in TFLite (Z_w = 0); test non-zero ones too, per channel.
        let zeroPoints = (0..<outputCount).map { _ in weightType == .int8 && Bool.random(using: &generator) ? 0 : Int32.random(in: wRange, using: &generator) }
        // Extreme: every weight and input at an end of its range, the products at their largest.
        let codes = (0..<(inputCount * outputCount)).map { _ in
            extreme ? (Bool.random(using: &generator) ? wRange.lowerBound : wRange.upperBound) : Int32.random(in: wRange, using: &generator)
        }
        weights = QuantizedWeights(outputCount: outputCount, inputCount: inputCount, codes: codes, zeroPoints: zeroPoints)
        bias = QuantizedBias(codes: (0..<outputCount).map { _ in Int32.random(in: -(1 << 20)...(1 << 20), using: &generator) })
        inputZeroPoint = Int32.random(in: xRange, using: &generator)
        // Sparse: some groups of 4 k hold the code whose byte is 0 in every image (the AVX-512
        // kernel skips such groups), others in only some images (it must not).
        let zeroCode: Int32 = inputType == .int8 ? -128 : 0
        let blank = (0..<((inputCount + 3) / 4)).map { _ in sparse && Bool.random(using: &generator) }
        inputs = (0..<rows).map { _ in
            (0..<inputCount).map { k in
                if blank[k / 4] || (sparse && Int.random(in: 0..<3, using: &generator) == 0) { return zeroCode }
                return extreme ? (Bool.random(using: &generator) ? xRange.lowerBound : xRange.upperBound) : Int32.random(in: xRange, using: &generator)
            }
        }
    }

    /// Chapter 4's (4.1) plus chapter 5's bias: what every path must give.
    var expected: [[Int32]] { inputs.map { bias.added(to: accumulate(weights, input: $0, inputZeroPoint: inputZeroPoint)) } }
}

@Test(arguments: InstructionPath.available)
func `random layers, every path gives chapter 4's accumulators plus chapter 5's bias`(_ path: InstructionPath) throws {
    var generator = SplitMix64(state: 13)
    // Sizes around every boundary: K not a multiple of 4, N not of 16 or 32, rows not of 6.
    let sizes = [(1, 1, 1), (3, 5, 17), (7, 4, 16), (13, 33, 31), (6, 100, 10), (2, 784, 48), (12, 9, 64), (5, 130, 33)]
    for (case_, (rows, k, n)) in sizes.enumerated() {
        for (extreme, sparse) in [(false, false), (true, false), (false, true)] {
            let layer = RandomLayer(&generator, rows: rows, inputCount: k, outputCount: n, extreme: extreme, sparse: sparse)
            let folded = try FoldedZeroPoints(weights: layer.weights, weightType: layer.weightType, bias: layer.bias,
                                              inputType: layer.inputType, inputZeroPoint: layer.inputZeroPoint)
            let packed = PackedWeights(folded, outputCount: n, inputCount: k)
            let offset = folded.inputOffset
            var activations = [UInt8](repeating: 0, count: rows * packed.paddedInputCount)
            for (r, input) in layer.inputs.enumerated() {
                for (i, code) in input.enumerated() { activations[r * packed.paddedInputCount + i] = UInt8(code + offset) }
            }
            var sums = [Int32](repeating: 0, count: rows * packed.paddedOutputCount)
            activations.withUnsafeBufferPointer { a in
                sums.withUnsafeMutableBufferPointer { packed.multiply(a.baseAddress!, rows: rows, into: $0.baseAddress!, path: path) }
            }
            for (r, expected) in layer.expected.enumerated() {
                let inputSum = layer.inputs[r].reduce(Int32(0)) { $0 &+ ($1 + offset) }
                let ours = (0..<n).map { sums[r * packed.paddedOutputCount + $0] &+ folded.inputSumFactor[$0] &* inputSum }
                #expect(ours == expected, "case \(case_) (\(rows)×\(k)→\(n), \(layer.weightType) weights, \(layer.inputType) input, extreme \(extreme), sparse \(sparse)), row \(r)")
                // The scalar form of (13.1) says the same.
                let unsigned = layer.inputs[r].map { UInt8($0 + offset) }
                #expect((0..<n).map { folded.accumulator(channel: $0, unsignedInput: unsigned) } == expected)
            }
        }
    }
}

@Test func `a term of the folded bias may leave int32; the accumulator it adds up to does not`() throws {
    // 784 inputs at Z_in = 127 (b = 255), weights all −128: −b·Σs = 255·128·784 = 25,589,760,
    // which added to a bias of 2^31 − 1 − 2·10^7 passes 2^31: the fold leaves int32.
    let k = 784
    let weights = QuantizedWeights(outputCount: 1, inputCount: k, codes: [Int32](repeating: -128, count: k), zeroPoints: [0])
    let bias = QuantizedBias(codes: [Int32.max - 20_000_000])
    let folded = try FoldedZeroPoints(weights: weights, weightType: .int8, bias: bias, inputType: .int8, inputZeroPoint: 127)
    // bias − b·Σs = (2^31 − 1 − 2·10^7) + 25,589,760 > 2^31 − 1: the folded bias wrapped …
    #expect(folded.foldedBias[0] < 0)
    // … and an input of 127 everywhere (u = 255) brings the true accumulator back to the bias.
    let unsigned = [UInt8](repeating: 255, count: k)
    #expect(folded.accumulator(channel: 0, unsignedInput: unsigned) == Int32.max - 20_000_000)
}

@Test func `a weight that is not a byte is refused, not wrapped`() throws {
    let weights = QuantizedWeights(outputCount: 1, inputCount: 1, codes: [300], zeroPoints: [0])
    #expect(throws: FastEngineError.self) {
        try FoldedZeroPoints(weights: weights, weightType: .int8, bias: QuantizedBias(codes: [0]), inputType: .int8, inputZeroPoint: 0)
    }
    #expect(throws: FastEngineError.self) {
        try FoldedZeroPoints(weights: weights, weightType: .int8, bias: QuantizedBias(codes: [0]), inputType: .int16, inputZeroPoint: 0)
    }
}
