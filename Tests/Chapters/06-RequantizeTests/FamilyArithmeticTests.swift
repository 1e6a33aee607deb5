// The four families' arithmetic (FamilyArithmetic.swift, Requantizer.swift) on small cases
// worked by hand: ties, a multiplier of 1 or more, saturation, the wrapping left shift, and
// how each family forms M from per-tensor scales.

import Ch01TFLiteFile
import Ch06Requantize
import TestSupport
import Testing

@Test func `each family maps to its fixture run`() {
    #expect(KernelFamily.allCases.map(\.resolver) == ["BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "TFLM", "AUTO"])
    #expect(KernelFamily.allCases.map(\.rawValue) == ["reference", "optimized", "micro", "xnnpack"])
}

/// M = 1.5 = 0.75 · 2^1: M0 = 3·2^29, shift = +1, so the fixed-point families shift left first.
let threeHalves = (multiplier: Int32(3 << 29), shift: 1)

@Test(arguments: [
    // acc, M·acc, then reference (ties away), optimized, micro, xnnpack (ties to even)
    (Int32(7), 10.5, [Int32(11), 11, 11, 10]),
    (-7, -10.5, [-11, -10, -10, -10]),
    (5, 7.5, [8, 8, 8, 8]),
    (-5, -7.5, [-8, -7, -7, -8]),
    (4, 6.0, [6, 6, 6, 6]),
])
func `M = 1.5 uses a positive shift, and each family breaks ties its own way`(accumulator: Int32, exact: Double, expected: [Int32]) {
    #expect(quantizeMultiplier(1.5) == threeHalves)
    #expect(Double(accumulator) * 1.5 == exact)
    let observed = [
        requantizeInDouble(accumulator, by: 1.5),
        multiplyByQuantizedMultiplierTiesUp(accumulator, multiplier: threeHalves.multiplier, shift: threeHalves.shift),
        // With no right shift, RDBPOT does nothing: micro's tie is SRDHM's, toward +∞.
        multiplyByQuantizedMultiplier(accumulator, multiplier: threeHalves.multiplier, shift: threeHalves.shift),
        requantizeInFloat32(accumulator, by: 1.5),
    ]
    #expect(observed == expected, "acc \(accumulator): expected \(expected), observed \(observed)")
}

@Test func `huge products saturate in the double and float32 families instead of trapping`() {
    #expect(requantizeInDouble(Int32.max, by: 2) == Int32.max)
    #expect(requantizeInDouble(Int32.min, by: 2) == Int32.min)
    #expect(requantizeInFloat32(Int32.max, by: 2) == Int32.max)
    #expect(requantizeInFloat32(Int32.min, by: 2) == Int32.min)
    // Int32.max becomes 2^31 in float32, which no longer fits: saturated, not trapped.
    #expect(requantizeInFloat32(Int32.max, by: 1) == Int32.max)
    #expect(requantizeInFloat32(Int32.min, by: 1) == Int32.min)
}

@Test func `the fixed-point left shift wraps as the kernels' 32-bit shift does`() {
    // 2^30 · 2^1 = 2^31 does not fit in int32: vshlq_s32 and C's x * (1 << 1) leave −2^31,
    // and SRDHM(−2^31, 2^30) = −2^30. No layer of these models has a positive shift.
    let wrapped = multiplyByQuantizedMultiplierTiesUp(1 << 30, multiplier: 1 << 30, shift: 1)
    #expect(wrapped == -(1 << 30))
    #expect(multiplyByQuantizedMultiplier(1 << 30, multiplier: 1 << 30, shift: 1) == -(1 << 30))
}

@Test func `a multiplier flushed to zero gives zero`() {
    let (multiplier, shift) = quantizeMultiplier(1e-12)
    #expect(multiplyByQuantizedMultiplier(Int32.max, multiplier: multiplier, shift: shift) == 0)
    #expect(multiplyByQuantizedMultiplierTiesUp(Int32.min, multiplier: multiplier, shift: shift) == 0)
}

@Test(arguments: ["models/mnist-uint8.tflite", "models/mnist-int8-per-tensor.tflite", "models/variants/mnist-h128-uint8.tflite"])
func `per-tensor layers form M from float32 S1·S2 in the fixed-point families`(path: String) throws {
    let model = try Model.load(path: RepositoryFiles.path(path))
    for layer in try model.fullyConnectedLayers() {
        let (s1, s2, s3) = (layer.inputScale!, layer.weightScales[0], layer.outputScale!)
        #expect(layer.weightScales.count == 1)
        let fromFloatProduct = quantizeMultiplier(Double(s1 * s2) / Double(s3))
        for family in [KernelFamily.optimized, .micro] {
            #expect(try Requantizer(layer: layer, family: family).multiplier(channel: 7)
                    == .fixedPoint(multiplier: fromFloatProduct.multiplier, shift: fromFloatProduct.shift))
        }
        // The reference family keeps the double product; XNNPACK rounds every step to float32.
        #expect(try Requantizer(layer: layer, family: .reference).multiplier(channel: 7) == .double(Double(s1) * Double(s2) / Double(s3)))
        #expect(try Requantizer(layer: layer, family: .xnnpack).multiplier(channel: 7) == .float(s1 * s2 / s3))
    }
}

@Test func `per-channel layers form M in double in the fixed-point families`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite"))
    for layer in try model.fullyConnectedLayers() {
        let requantizer = try Requantizer(layer: layer, family: .micro)
        #expect(requantizer.isPerChannel && requantizer.channels.count == layer.weights.shape[0])
        for channel in requantizer.channels.indices {
            let real = Double(layer.inputScale!) * Double(layer.weightScales[channel]) / Double(layer.outputScale!)
            let expected = quantizeMultiplier(real)
            #expect(requantizer.multiplier(channel: channel) == .fixedPoint(multiplier: expected.multiplier, shift: expected.shift))
        }
    }
}

@Test func `a float layer cannot be requantized`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-float.tflite"))
    let layer = try #require(try model.fullyConnectedLayers().first)
    #expect(throws: RequantizationError.self) { try Requantizer(layer: layer, family: .reference) }
}

@Test func `xnnpack rounds S1·S2 to float32 before dividing by S3, channel by channel`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite"))
    var (channels, unlikeOneRounding) = (0, 0)
    for layer in try model.fullyConnectedLayers() {
        let requantizer = try Requantizer(layer: layer, family: .xnnpack)
        let (s1, s3) = (layer.inputScale!, layer.outputScale!)
        for (channel, s2) in layer.weightScales.enumerated() {
            let twoRoundings = s1 * s2 / s3
            #expect(requantizer.multiplier(channel: channel) == .float(twoRoundings))
            channels += 1
            if twoRoundings != Float(requantizer.realMultiplier(channel: channel)) { unlikeOneRounding += 1 }
        }
    }
    #expect(channels == 512 + 100 + 10)
    // Rounding the double M once to float32 gives another value on some channels, so the
    // check above does tell XNNPACK's arithmetic from that shortcut.
    #expect(unlikeOneRounding > 0)
}
