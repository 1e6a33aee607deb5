// Chapter 14's roundings, proved where the MNIST CNNs cannot prove them: on the tie probes
// (tools/cnn_probes.py: one convolution of a shipped CNN given M = 2^-5 exactly, no activation
// and Z3 mid-range), every accumulator that is 16 mod 32 is a tie. LiteRT's own kernels disagree
// there (the fixtures, written by tools/reference.py, hold what each wrote), and chapter 14's
// layers reproduce each family's codes.

import Ch01TFLiteFile
import Ch06Requantize
import Ch14Convolution
import TestSupport
import Testing

let tieProbes = RepositoryFiles.convolutionalModels.filter { $0.contains("/probes/") }

/// The probe's convolution, prepared for `family`, as a function of one image's input codes.
func probeLayer(_ model: Model, _ scales: LayerScales, _ options: ConvolutionOptions, _ family: KernelFamily) throws -> ([Int32]) -> [Int32] {
    if scales.operatorName == SupportedOperator.depthwiseConv2D.rawValue {
        let layer = try DepthwiseLayer(scales: scales, options: options, model: model, family: family)
        return { layer($0).outputs }
    }
    let layer = try ConvolutionLayer(scales: scales, options: options, model: model, family: family)
    return { layer($0).outputs }
}

@Test(arguments: tieProbes)
func `on a tie probe the families' convolutions differ, and each is reproduced code for code`(probe: String) throws {
    let fixture = try RepositoryFiles.fixture(for: probe)
    let model = try Model.load(path: RepositoryFiles.path(probe))
    // The probe's convolution: the one with no activation and M = 2^-5 in every channel.
    let scales = try #require(try model.convolutionLayers().first { layer in
        layer.fusedActivation == .none
            && (try? convolutionRequantizer(layer, family: .reference)).map { r in r.weightScales.indices.allSatisfy { r.realMultiplier(channel: $0) == 0x1p-5 } } == true
    })
    guard case .convolution(let options) = model.main.operators[scales.operatorIndex].options else {
        Issue.record("operator \(scales.operatorIndex) has no convolution options"); return
    }
    let images = fixture.images.count
    var outputs: [KernelFamily: [Int32]] = [:]
    for family in KernelFamily.allCases {
        guard let run = fixture.run(family.resolver) else {
            // TFLite Micro refuses uint8; chapter 14 builds the layer, chapter 9's network refuses it.
            #expect(family == .micro && scales.input.type == .uint8, "\(family.rawValue) has no run")
            continue
        }
        // Each runtime's own input to the layer: the layers before it may already differ.
        let input = try #require(run.outputs?.first { $0.index == scales.input.index } ?? (fixture.input.index == scales.input.index ? fixture.input : nil))
        let expected = try #require(run.outputs?.first { $0.index == scales.output.index })
        let layer = try probeLayer(model, scales, options, family)
        var ours: [Int32] = []
        for image in 0..<images { ours += layer(try #require(input.integers(image: image)).map { Int32($0) }) }
        #expect(ours == (try #require(expected.integers)).map { Int32($0) }, "\(family.rawValue)")
        outputs[family] = (try #require(expected.integers)).map { Int32($0) }
    }
    // LiteRT's numbers, not ours: the families part on the ties, TFLite Micro with the reference.
    let reference = try #require(outputs[.reference])
    let differing = { (family: KernelFamily) in outputs[family].map { zip($0, reference).filter { $0 != $1 }.count } }
    #expect(differing(.optimized)! > 50 && differing(.xnnpack)! > 50, "\(probe): optimized \(differing(.optimized)!), xnnpack \(differing(.xnnpack)!)")
    if let micro = differing(.micro) { #expect(micro == 0, "\(probe): micro \(micro)") }
}
