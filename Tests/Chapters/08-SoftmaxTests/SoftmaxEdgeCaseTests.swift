// Chapter 8: the softmax at its edges — equal logits, one logit far above the rest, differences
// below diff_min, the checks SoftmaxPrepare makes — and the argmax a classifier reads from it.
// Scales are the int8 model's logit scale (models/mnist-int8.tflite, tensor 9) unless stated.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import Foundation
import Testing

/// S_in of the int8 model's logits, as float32 (what models/fixtures/mnist-int8.json reports).
let logitScale = Float(0.31325873732566833)

func softmax(_ type: TensorType, _ family: KernelFamily, inputScale: Float = logitScale) throws -> QuantizedSoftmax {
    try QuantizedSoftmax(inputScale: inputScale, beta: 1, inputType: type, outputType: type,
                         outputScale: 1 / 256, outputZeroPoint: type == .int8 ? -128 : 0, family: family)
}

@Test(arguments: [TensorType.int8, .uint8], [KernelFamily.reference, .optimized])
func `equal logits give every class round(256/n) steps, for 1 to 300 classes`(type: TensorType, family: KernelFamily) throws {
    let subject = try softmax(type, family)
    let zeroPoint: Int32 = type == .int8 ? -128 : 0
    let top: Int32 = type == .int8 ? 127 : 255
    for count in 1...300 {
        let outputs = subject.apply(Array(repeating: type == .int8 ? -5 : 40, count: count))
        // 1/n in steps of 1/256; one class alone is 256/256, one more than the type holds.
        let expected = min(Int32((256 / Double(count)).rounded()) + zeroPoint, top)
        #expect(outputs == Array(repeating: expected, count: count), "\(count) classes")
    }
}

@Test(arguments: [KernelFamily.reference, .optimized])
func `one logit far above the rest saturates: 256/256 becomes code 127 for int8 and 255 for uint8`(family: KernelFamily) throws {
    #expect(try softmax(.int8, family).apply([-128, 127, -100, 0]) == [-128, 127, -128, -128])
    #expect(try softmax(.uint8, family).apply([0, 255, 28, 128]) == [0, 255, 0, 0])
}

@Test func `differences below diff_min add nothing to the sum and give the lowest code`() throws {
    let subject = try #require(try softmax(.int8, .reference).fixedPoint)
    let diffMin = subject.scaling.diffMin  // −62 at S_in = 0.313
    let top: Int32 = 100
    let row = subject.trace([top, top + diffMin, top + diffMin - 1, top - 3])
    #expect(row.scaledDifferences[1] != nil)
    #expect(row.scaledDifferences[2] == nil)
    #expect(row.exponentials[2] == nil)
    #expect(row.outputs[2] == -128)
    // The same row without the left-out class has the same sum, to the last bit.
    let without = subject.trace([top, top + diffMin, top - 3])
    #expect(row.sumOfExponentials == without.sumOfExponentials)
    // The class at diffMin is kept but is e^(−19.4): it adds 0 to the Q12.19 sum all the same.
    #expect(row.outputs[1] == -128)
}

@Test func `a small logit scale leaves nothing out: diff_min lies beyond the int8 range`() throws {
    // At S_in = 0.05, β·S_in·2^26 ≈ 3.4·10^6 has shift 22: 31·2^26/2^22 = 496 steps, more than
    // any two int8 codes are apart.
    let scaling = try SoftmaxScaling(inputScale: 0.05, beta: 1)
    #expect(scaling.diffMin < -255)
}

@Test func `TFLite's preparation checks are ours`() throws {
    // int8 output: zero point −128 and scale 1/256 (within 0.1 % in LiteRT, exactly in TFLM).
    #expect(throws: SoftmaxError.self) {
        try QuantizedSoftmax(inputScale: logitScale, beta: 1, inputType: .int8, outputType: .int8,
                             outputScale: 1 / 256, outputZeroPoint: 0, family: .reference)
    }
    #expect(throws: SoftmaxError.self) {
        try QuantizedSoftmax(inputScale: logitScale, beta: 1, inputType: .int8, outputType: .int8,
                             outputScale: 1 / 255, outputZeroPoint: -128, family: .optimized)
    }
    let nearly = Float(1) / 256 * 1.0005
    _ = try QuantizedSoftmax(inputScale: logitScale, beta: 1, inputType: .int8, outputType: .int8,
                             outputScale: nearly, outputZeroPoint: -128, family: .optimized)
    #expect(throws: SoftmaxError.self) {
        try QuantizedSoftmax(inputScale: logitScale, beta: 1, inputType: .int8, outputType: .int8,
                             outputScale: nearly, outputZeroPoint: -128, family: .micro)
    }
    // TFLite Micro has no uint8 softmax; mixed types are not one of these kernels.
    #expect(throws: SoftmaxError.self) { try softmax(.uint8, .micro) }
    #expect(throws: SoftmaxError.self) {
        try QuantizedSoftmax(inputScale: logitScale, beta: 1, inputType: .int8, outputType: .uint8,
                             outputScale: 1 / 256, outputZeroPoint: 0, family: .reference)
    }
    // β·S_in·2^26 must be above 1 for QuantizeMultiplierGreaterThanOne.
    #expect(throws: SoftmaxError.self) { try SoftmaxScaling(inputScale: 1e-9, beta: 1) }
}

@Test func `the families map to the two algorithms`() {
    #expect(SoftmaxAlgorithm(family: .reference) == .fixedPoint)
    #expect(SoftmaxAlgorithm(family: .micro) == .fixedPoint)
    #expect(SoftmaxAlgorithm(family: .optimized) == .floatTable)
    #expect(SoftmaxAlgorithm(family: .xnnpack) == .floatTable)
}

@Test func `the float table holds e^(−v·S_in) at 255 − v`() throws {
    let table = try #require(try softmax(.int8, .optimized).floatTable).table
    #expect(table.count == 256)
    #expect(table[255] == 1)
    for v in 0...255 {
        // The argument is rounded to float32 first, f32(f32(−S_in)·v); glibc's expf is then
        // within one float32 ulp (a relative 2^−23) of e to that argument.
        let argument = -logitScale * Float(v)
        let exact = exp(Double(argument))
        #expect(abs(Double(table[255 - v]) - exact) <= exact * 0x1p-23, "v = \(v)")
    }
}

@Test(arguments: modelsWithQuantizedSoftmax)
func `the argmax of the logits is the argmax of the softmax on every fixture digit`(model path: String) throws {
    let subject = try FixtureSoftmax(path)
    for family in KernelFamily.allCases {
        guard let run = subject.run(family) else { continue }
        var ties = 0
        for image in 0..<subject.imageCount {
            let logits = try subject.logits(run, image: image)
            let probabilities = try subject.probabilities(run, image: image)
            // Softmax is monotone: the top logit gets a top code, but two codes can tie where
            // the logits do not, when both round to the same 1/256 step.
            #expect(probabilities[argmax(logits)] == probabilities.max(), "\(path) \(family) digit \(image)")
            if probabilities.filter({ $0 == probabilities.max() }).count > 1 { ties += 1 }
        }
        // On these 64 digits the top class always stands alone (counted, not assumed).
        #expect(ties == 0, "\(path) \(family): \(ties) digits whose softmax has a tie at the top")
    }
}

@Test func `softmax can tie where the logits do not`() throws {
    // With S_in = 0.001 two logits one step apart are 0.50025 and 0.49975: both 128/256.
    for family in [KernelFamily.reference, .optimized] {
        let outputs = try softmax(.int8, family, inputScale: 0.001).apply([11, 10])
        #expect(outputs == [0, 0], "\(family)")
    }
}

@Test(arguments: [KernelFamily.reference, .optimized])
func `a larger logit never gets a smaller code`(family: KernelFamily) throws {
    // Every pair (q, 0) with q in the int8 range, beside a fixed third logit.
    let subject = try softmax(.int8, family)
    for q in Int32(-128)...127 {
        let outputs = subject.apply([q, 0, -20])
        #expect((q > 0) ? outputs[0] >= outputs[1] : outputs[0] <= outputs[1], "q = \(q): \(outputs)")
    }
}
