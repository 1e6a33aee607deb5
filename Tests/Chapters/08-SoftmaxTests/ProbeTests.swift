// The softmax probes: on MNIST almost every softmax output saturates, so the whole-model
// fixtures cannot tell the fixed-point algorithm from the float table. These single-SOFTMAX
// models (tools/softmax_probes.py) have small input scales, and their rows include every row,
// out of 100,000 random ones, on which LiteRT's reference and optimized kernels disagree.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import TestSupport
import Testing

struct ProbeAndFamily: CustomTestStringConvertible, Sendable {
    let fixture: SoftmaxProbeFixture
    let family: KernelFamily
    var testDescription: String { "\(fixture.model) \(family.rawValue)" }
}

let probeCases: [ProbeAndFamily] = ((try? SoftmaxProbeFixture.all()) ?? []).flatMap { fixture in
    KernelFamily.allCases.map { ProbeAndFamily(fixture: fixture, family: $0) }
}

func softmax(_ probe: SoftmaxProbeFixture, _ family: KernelFamily) throws -> QuantizedSoftmax {
    let model = try Model.load(path: RepositoryFiles.path(probe.model))
    return try QuantizedSoftmax(layer: model.softmaxLayer(), family: family)
}

/// The rows on which `softmax` differs from `expected`.
func differingRows(_ probe: SoftmaxProbeFixture, _ softmax: QuantizedSoftmax, _ expected: [Int]) -> [Int] {
    let logits = probe.input.integers
    return (0..<probe.rows).filter { row in
        let range = (row * probe.classes)..<((row + 1) * probe.classes)
        return softmax.apply(logits[range].map { Int32($0) }) != expected[range].map { Int32($0) }
    }
}

@Test func `the probes exist and include rows where the kernels disagree`() throws {
    let probes = try SoftmaxProbeFixture.all()
    #expect(probes.count == 4)
    #expect(probes.allSatisfy { $0.minedRows > 0 })
}

@Test(arguments: probeCases)
func `every probe row equals the runtime's softmax`(_ item: ProbeAndFamily) throws {
    guard let run = item.fixture.run(item.family.resolver), let expected = run.outputs?.first?.integers else {
        // TFLite Micro has no uint8 softmax; neither has our micro family.
        #expect(throws: (any Error).self) { _ = try softmax(item.fixture, item.family) }
        return
    }
    let differing = differingRows(item.fixture, try softmax(item.fixture, item.family), expected)
    #expect(differing.isEmpty, "\(differing.count) of \(item.fixture.rows) rows differ, first \(differing.prefix(3))")
}

@Test(arguments: ((try? SoftmaxProbeFixture.all()) ?? []).indices)
func `the other algorithm fails on the mined rows`(probeNumber: Int) throws {
    let probe = try SoftmaxProbeFixture.all()[probeNumber]
    // Fixed point against the optimized kernel's outputs, float table against the reference's:
    // if the probes could not tell the algorithms apart, these would pass too.
    let reference = try #require(probe.run("BUILTIN_REF")?.outputs?.first?.integers)
    let optimized = try #require(probe.run("BUILTIN_WITHOUT_DEFAULT_DELEGATES")?.outputs?.first?.integers)
    #expect(!differingRows(probe, try softmax(probe, .reference), optimized).isEmpty)
    #expect(!differingRows(probe, try softmax(probe, .optimized), reference).isEmpty)
}
