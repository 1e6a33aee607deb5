// Chapter 14's roundings, proved where the MNIST CNNs cannot prove them: on the tie probe
// (tools/cnn_probes.py: cnn-int8 with M = 2^-5 exactly, no ReLU, Z3 = 0), every accumulator
// that is 16 mod 32 is a tie. LiteRT's own kernels disagree there (its fixture, written by
// tools/reference.py, says how often), and chapter 14's layer reproduces each family's codes.

import Ch01TFLiteFile
import Ch06Requantize
import Ch14Convolution
import TestSupport
import Testing

let tieProbe = "models/cnn/probes/cnn-int8-ties.tflite"

@Test func `on the tie probe the families' convolutions differ, and each is reproduced code for code`() throws {
    let fixture = try RepositoryFiles.fixture(for: tieProbe)
    let model = try Model.load(path: RepositoryFiles.path(tieProbe))
    let scales = try #require(try model.convolutionLayers().first)
    guard case .convolution(let options) = model.main.operators[scales.operatorIndex].options else {
        Issue.record("operator \(scales.operatorIndex) has no CONV_2D options"); return
    }
    // The probe is what it claims: M = 2^-5 in every channel, and nothing clamps at 0.
    #expect(scales.fusedActivation == .none && scales.outputZeroPoint == 0)
    let reference = try ConvolutionLayer(scales: scales, options: options, model: model, family: .reference)
    #expect((0..<16).allSatisfy { reference.requantizer.realMultiplier(channel: $0) == 0x1p-5 })

    var outputs: [KernelFamily: [Int]] = [:]
    for family in KernelFamily.allCases {
        let run = try #require(fixture.run(family.resolver))
        // The model's input tensor, the same codes for every runtime.
        let input = fixture.input
        #expect(input.index == scales.input.index)
        let expected = try #require(run.outputs?.first { $0.index == scales.output.index })
        let layer = try ConvolutionLayer(scales: scales, options: options, model: model, family: family)
        var ours: [Int] = []
        for image in 0..<fixture.images.count {
            ours += layer(try #require(input.integers(image: image)).map { Int32($0) }).outputs.map { Int($0) }
        }
        #expect(ours == Array(try #require(expected.integers)), "\(family.rawValue)")
        outputs[family] = ours
    }
    // LiteRT's numbers, not ours: the optimized kernels' ties toward +∞ and XNNPACK's ties to
    // even part from the reference kernels' ties away from zero; TFLite Micro rounds as the reference.
    let differing = { (family: KernelFamily) in zip(outputs[family]!, outputs[.reference]!).filter { $0 != $1 }.count }
    #expect(differing(.optimized) > 100 && differing(.xnnpack) > 100 && differing(.micro) == 0,
            "optimized \(differing(.optimized)), xnnpack \(differing(.xnnpack)), micro \(differing(.micro))")
    // Every difference of the optimized kernels is one code up: the same tie, rounded toward +∞.
    #expect(zip(outputs[.optimized]!, outputs[.reference]!).allSatisfy { $0 == $1 || $0 == $1 + 1 })
}
