// Chapter 11's widths: the two's-complement bit count, swept exhaustively; the worst case of
// each layer reached exactly by an input built for it; and every accumulator of the fixture
// digits inside it.

import Ch01TFLiteFile
import Ch06Requantize
import TestSupport
import Testing
@testable import Ch11Hardware

/// The smallest b with −2^(b−1) ≤ value ≤ 2^(b−1) − 1, by search.
func bitsBySearch(_ value: Int64) -> Int {
    var bits = 1
    while !(-(Int64(1) << (bits - 1)) <= value && value <= (Int64(1) << (bits - 1)) - 1) { bits += 1 }
    return bits
}

@Test func `twosComplementBits is the narrowest two's-complement width, for every value up to 17 bits and the int32 ends`() {
    for value in Array(Int64(-70_000)...70_000) + [Int64(Int32.min), Int64(Int32.max), Int64(Int32.min) + 1] {
        let (expected, observed) = (bitsBySearch(value), twosComplementBits(value...value))
        if observed != expected { Issue.record("\(value): expected \(expected) bits, observed \(observed)") }
    }
}

@Test func `the widths of the familiar ranges`() {
    #expect(twosComplementBits(-128...127) == 8)
    #expect(twosComplementBits(0...255) == 9)
    #expect(twosComplementBits(-255...255) == 9)
    #expect(twosComplementBits(-65025...65025) == 17)
    #expect(twosComplementBits(0...0) == 1)
    #expect(twosComplementBits(-1...0) == 1)
}

@Test(arguments: ["models/mnist-int8.tflite", "models/mnist-uint8.tflite", "models/variants/mnist-h128-int8.tflite"])
func `an input built for the worst case reaches it exactly, in the channel that holds it`(path: String) throws {
    let contract = try NetworkContract(model: load(path), family: .optimized)
    for (layer, widths) in zip(contract.layers, LayerWidths.of(contract)) {
        let inputRange = widths.inputTerms.lowerBound + Int64(layer.inputZeroPoint)...widths.inputTerms.upperBound + Int64(layer.inputZeroPoint)
        for (target, wantLargest) in [(widths.worstCase.upperBound, true), (widths.worstCase.lowerBound, false)] {
            // Each input at whichever end of its range pushes this channel's sum the wanted way.
            let reached = (0..<layer.outputCount).map { channel -> Int64 in
                let input = (0..<layer.inputCount).map { k -> Int32 in
                    let weight = layer.weights[channel * layer.inputCount + k] - layer.weightZeroPoints[channel]
                    return Int32((weight >= 0) == wantLargest ? inputRange.upperBound : inputRange.lowerBound)
                }
                return Int64(layer.accumulator(channel: channel, input: input))
            }
            #expect((wantLargest ? reached.max() : reached.min()) == target, "\(path) operator \(layer.operatorIndex)")
        }
        // Chapter 4's bound has no bias; the bias moves each channel's range, never by more than its largest bias.
        let largestBias = Int64(layer.bias.map { abs($0) }.max() ?? 0)
        #expect(widths.worstCase.upperBound <= widths.productsBound.largest + largestBias)
        #expect(widths.worstCase.lowerBound >= widths.productsBound.smallest - largestBias)
    }
}

@Test func `the accumulators of the fixture digits lie inside the worst case, with bits to spare`() throws {
    let path = "models/mnist-int8.tflite"
    let (model, fixture) = (try load(path), try RepositoryFiles.fixture(for: path))
    let contract = try NetworkContract(model: model, family: .micro)
    let images = (0..<fixture.images.count).map(fixture.pixels(ofImage:))
    let (survey, agreements) = try AccumulatorSurvey.measure(contract, model: model, images: images)
    #expect(survey.imageCount == 64)
    #expect(agreements == 64)
    for (index, widths) in LayerWidths.of(contract).enumerated() {
        let seen = try #require(survey.seen[index])
        #expect(widths.worstCase.contains(seen.lowerBound) && widths.worstCase.contains(seen.upperBound))
        #expect(twosComplementBits(seen) < widths.worstCaseBits)
        // Every factor is a code minus a zero point: 9 bits at most, so products of 17 at most.
        #expect(widths.productBits <= 17)
        // acc·M0 with M0 below 2^31: at most acc's bits + 31, always inside the 64-bit product.
        #expect(widths.multiplyBits(accumulators: widths.worstCase) <= widths.worstCaseBits + 31)
        #expect(widths.multiplyBits(accumulators: widths.worstCase) <= 64)
    }
}
