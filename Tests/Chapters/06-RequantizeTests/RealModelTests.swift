// Chapter 6's proof on the real models: every FULLY_CONNECTED of every quantized model with a
// fixture, fed LiteRT's (or TFLite Micro's) own input tensor, requantized by each family and
// compared with what that family's runtime wrote (models/fixtures/, tools/reference.py).
//
// Chapter 6 stops before the clamp, so the comparison is: wherever the runtime's output lies
// strictly inside the output type's range, Z3 + M·acc equals it; where the output sits on an
// end of the range, Z3 + M·acc lies on or beyond that end. Chapter 7 closes the gap exactly.

import Ch01TFLiteFile
import Ch06Requantize
import TestSupport
import Testing

/// The output type's range, for reading a fixture value as "clamped" or "inside".
func typeRange(_ type: TensorType) -> ClosedRange<Int64>? {
    switch type {
    case .int8: Int64(Int8.min)...Int64(Int8.max)
    case .uint8: Int64(UInt8.min)...Int64(UInt8.max)
    default: nil
    }
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `Z3 + M·acc matches every output the runtime did not clamp`(model path: String) throws {
    guard let subject = try FixtureModel(path: path) else { return }  // the float model
    let cache = AccumulatorCache()
    var familiesRun = 0
    for family in KernelFamily.allCases {
        guard let run = subject.fixture.run(family.resolver) else {
            // TFLite Micro refuses uint8 models; the fixture records why.
            let skipped = subject.fixture.runs.first { $0.resolver == family.resolver }?.skipped
            #expect(skipped != nil, "\(path) has no \(family.resolver) run and no reason for it")
            continue
        }
        familiesRun += 1
        var compared = 0
        for layer in subject.layers {
            let requantizer = try Requantizer(layer: layer.scales, family: family)
            let range = try #require(typeRange(layer.scales.output.type))
            let zeroPoint = layer.scales.outputZeroPoint
            for image in 0..<subject.imageCount {
                let input = try subject.values(of: layer.scales.input.index, in: run, image: image)
                let output = try subject.values(of: layer.scales.output.index, in: run, image: image)
                for (channel, accumulator) in cache.accumulators(layer, input).enumerated() {
                    let ours = Int64(zeroPoint) + Int64(requantizer.scaled(accumulator, channel: channel))
                    let theirs = Int64(output[output.startIndex + channel])
                    let place = "\(path) operator \(layer.scales.operatorIndex) image \(image) channel \(channel), acc \(accumulator)"
                    if theirs == range.lowerBound {
                        #expect(ours <= theirs, "\(place): \(family.resolver) wrote the minimum \(theirs), \(family.rawValue) gives \(ours)")
                    } else if theirs == range.upperBound {
                        #expect(ours >= theirs, "\(place): \(family.resolver) wrote the maximum \(theirs), \(family.rawValue) gives \(ours)")
                    } else {
                        #expect(ours == theirs, "\(place): \(family.resolver) wrote \(theirs), \(family.rawValue) gives \(ours)")
                    }
                    compared += 1
                }
            }
        }
        // 64 digits × (512 + 100 + 10) outputs, or × (128 + 10) for the variants.
        #expect(compared == subject.imageCount * subject.layers.map(\.outputCount).reduce(0, +))
    }
    // Four runtimes for int8 models; TFLite Micro refuses uint8.
    #expect(familiesRun == (subject.layers[0].scales.output.type == .uint8 ? 3 : 4))
}
