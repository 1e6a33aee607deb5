// The proof of chapters 6 and 7 together: for every FULLY_CONNECTED of every quantized model
// with a fixture, and every kernel family whose runtime ran it, requantizing LiteRT's (or
// TFLite Micro's) own accumulators and clamping gives exactly the integers that runtime wrote,
// for every element of all 64 digits (models/fixtures/*.json, from tools/reference.py).
// A single difference is a bug in our arithmetic: there is no tolerance.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import TestSupport
import Testing

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `requantizing and clamping reproduces every FULLY_CONNECTED output of every runtime`(model path: String) throws {
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
        var (compared, differing) = (0, 0)
        for layer in subject.layers {
            let requantizer = try Requantizer(layer: layer.scales, family: family)
            let clamp = try OutputClamp(layer: layer.scales, family: family)
            for image in 0..<subject.imageCount {
                let input = try subject.values(of: layer.scales.input.index, in: run, image: image)
                let output = try subject.values(of: layer.scales.output.index, in: run, image: image)
                for (channel, accumulator) in cache.accumulators(layer, input).enumerated() {
                    let ours = Int(clamp.apply(requantizer.scaled(accumulator, channel: channel)))
                    let theirs = output[output.startIndex + channel]
                    compared += 1
                    if ours != theirs {
                        differing += 1
                        if differing <= 10 {
                            Issue.record("\(path) operator \(layer.scales.operatorIndex) image \(image) channel \(channel), acc \(accumulator): \(family.resolver) wrote \(theirs), \(family.rawValue) gives \(ours)")
                        }
                    }
                }
            }
        }
        #expect(differing == 0, "\(path) \(family.rawValue): \(differing) of \(compared) elements differ from \(family.resolver)")
        // 64 digits × (512 + 100 + 10) outputs, or × (128 + 10) for the variants.
        #expect(compared == subject.imageCount * subject.layers.map(\.outputCount).reduce(0, +))
    }
    // Four runtimes for int8 models; TFLite Micro refuses uint8.
    #expect(familiesRun == (subject.layers[0].scales.output.type == .uint8 ? 3 : 4))
}

/// How many stored outputs of `run` the arithmetic of `family` gets wrong, over every quantized
/// model with a fixture: the proof above is only as strong as these are large.
func mismatches(of family: KernelFamily, against resolver: String, models: [(FixtureModel, AccumulatorCache)]) throws -> Int {
    var count = 0
    for (subject, cache) in models {
        guard let run = subject.fixture.run(resolver) else { continue }
        for layer in subject.layers {
            let requantizer = try Requantizer(layer: layer.scales, family: family)
            let clamp = try OutputClamp(layer: layer.scales, family: family)
            for image in 0..<subject.imageCount {
                let input = try subject.values(of: layer.scales.input.index, in: run, image: image)
                let output = try subject.values(of: layer.scales.output.index, in: run, image: image)
                for (channel, accumulator) in cache.accumulators(layer, input).enumerated()
                where Int(clamp.apply(requantizer.scaled(accumulator, channel: channel))) != output[output.startIndex + channel] {
                    count += 1
                }
            }
        }
    }
    return count
}

@Test func `the fixture digits tell every family from the others, except xnnpack from reference`() throws {
    let models = try FixtureModel.all().map { ($0, AccumulatorCache()) }
    // The fixed-point families against the double and float32 runtimes, and back.
    for resolver in ["BUILTIN_REF", "AUTO"] {
        #expect(try mismatches(of: .optimized, against: resolver, models: models) > 0, "\(resolver)")
        #expect(try mismatches(of: .micro, against: resolver, models: models) > 0, "\(resolver)")
    }
    for resolver in ["BUILTIN_WITHOUT_DEFAULT_DELEGATES", "TFLM"] {
        #expect(try mismatches(of: .reference, against: resolver, models: models) > 0, "\(resolver)")
        #expect(try mismatches(of: .xnnpack, against: resolver, models: models) > 0, "\(resolver)")
    }
    // The two fixed-point families differ only on exact negative ties that survive the clamp:
    // one output of mnist-h128-int8 in TFLM's run, one of mnist-h128-uint8 in the optimized run.
    #expect(try mismatches(of: .optimized, against: "TFLM", models: models) > 0)
    #expect(try mismatches(of: .micro, against: "BUILTIN_WITHOUT_DEFAULT_DELEGATES", models: models) > 0)
    // XNNPACK and the reference kernels wrote the same integers for all 64 digits: on these
    // digits alone their rules are indistinguishable, though other accumulators do tell them
    // apart (chapter 6 finds one). XNNPACK's rule rests on its source and chapter 6's unit tests.
    #expect(try mismatches(of: .xnnpack, against: "BUILTIN_REF", models: models) == 0)
    #expect(try mismatches(of: .reference, against: "AUTO", models: models) == 0)
}
