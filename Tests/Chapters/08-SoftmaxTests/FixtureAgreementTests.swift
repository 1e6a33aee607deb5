// Chapter 8's proof: for every model with a quantized SOFTMAX and every family of kernels with
// a run in the fixture, feeding that run's own logits tensor to our softmax gives that run's
// softmax output, every element of all 64 digits. Regenerate the fixtures with
// `python tools/reference.py` if a model changes.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import TestSupport
import Testing

@Test(arguments: modelsWithQuantizedSoftmax, KernelFamily.allCases)
func `our softmax writes what each runtime wrote, on every fixture digit`(model path: String, family: KernelFamily) throws {
    let subject = try FixtureSoftmax(path)
    guard let run = subject.run(family) else {
        // The only runs a fixture leaves out are TFLite Micro's on uint8 models, which it
        // refuses at SOFTMAX; our softmax refuses them too.
        #expect(subject.layer.input.type == .uint8 && family == .micro, "\(path) has no \(family.resolver) run")
        #expect(throws: SoftmaxError.self) { try QuantizedSoftmax(layer: subject.layer, family: family) }
        return
    }
    let softmax = try QuantizedSoftmax(layer: subject.layer, family: family)
    var mismatches = 0, elements = 0
    for image in 0..<subject.imageCount {
        let expected = try subject.probabilities(run, image: image)
        let observed = softmax.apply(try subject.logits(run, image: image))
        elements += expected.count
        for (position, (want, got)) in zip(expected, observed).enumerated() where want != got {
            mismatches += 1
            Issue.record("\(path) \(family) digit \(image) class \(position): \(run.resolver) wrote \(want), we computed \(got)")
        }
    }
    #expect(elements == subject.imageCount * 10)
    #expect(mismatches == 0, "\(mismatches) of \(elements) elements differ")
}

@Test(arguments: modelsWithQuantizedSoftmax)
func `the two algorithms agree on every fixture row`(model path: String) throws {
    // The notes (tflite-integer-notes.md §0 fact 10) found that fixed point and float table
    // agree on every MNIST row once their inputs are equal: the logit scales here (0.25 to
    // 0.31) put all but the top classes near 0 or below diff_min. Feed both the same logits.
    let subject = try FixtureSoftmax(path)
    let run = try #require(subject.run(.reference))
    let fixedPoint = try QuantizedSoftmax(layer: subject.layer, family: .reference)
    let floatTable = try QuantizedSoftmax(layer: subject.layer, family: .optimized)
    for image in 0..<subject.imageCount {
        let logits = try subject.logits(run, image: image)
        #expect(fixedPoint.apply(logits) == floatTable.apply(logits), "\(path) digit \(image)")
    }
}

@Test func `the fixtures hold every quantized model and family we claim to reproduce`() throws {
    // The book's 4 int8 models × 4 families + 2 uint8 models × 3 families (TFLite Micro refuses
    // uint8), and the 10 models of models/own/ with a softmax (one ends in logits) × 4 families:
    // their uint8 I/O model computes in int8 inside, which TFLite Micro runs.
    let runs = try modelsWithQuantizedSoftmax.map { path in
        let subject = try FixtureSoftmax(path)
        return KernelFamily.allCases.filter { subject.run($0) != nil }.count
    }
    #expect(modelsWithQuantizedSoftmax.count == 6 + 10)
    let runCount: Int = runs.reduce(0, +)
    let expected: Int = 4 * 4 + 2 * 3 + 10 * 4
    #expect(runCount == expected)
}
