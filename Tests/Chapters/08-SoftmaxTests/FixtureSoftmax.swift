// Test support for chapter 8: a model's SOFTMAX operator with the logits it read and the
// probabilities it wrote in each run of the fixture (models/fixtures/, written by
// tools/reference.py with LiteRT 2.3.0 and TFLite Micro).

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import TestSupport
import Testing

/// Every model with a fixture whose SOFTMAX is quantized (the float model's is not; a model
/// that ends in logits has none).
let modelsWithQuantizedSoftmax = RepositoryFiles.modelsWithFixtures.filter { path in
    guard !path.hasSuffix("mnist-float.tflite"), let model = try? Model.load(path: RepositoryFiles.path(path)) else { return false }
    return model.main.operators.contains { model.operatorCodes[$0.opcodeIndex].code == SupportedOperator.softmax.code }
}

/// One model's SOFTMAX, and what each runtime fed it and got from it for the 64 fixture digits.
struct FixtureSoftmax {
    let path: String
    let model: Model
    let fixture: ReferenceFixture
    let layer: SoftmaxLayer

    init(_ path: String) throws {
        self.path = path
        model = try Model.load(path: RepositoryFiles.path(path))
        fixture = try RepositoryFiles.fixture(for: path)
        layer = try model.softmaxLayer()
    }

    var imageCount: Int { fixture.images.count }

    /// The run of `family`, or nil when the fixture has none (TFLM refuses uint8 models).
    func run(_ family: KernelFamily) -> ReferenceFixture.Run? { fixture.run(family.resolver) }

    /// The tensor `index` of image `image` in `run`, as Int32 codes.
    func values(_ run: ReferenceFixture.Run, tensor index: Int, image: Int) throws -> [Int32] {
        let tensor = try #require(run.outputs?.first { $0.index == index }, "\(path) \(run.resolver) has no tensor \(index)")
        return try #require(tensor.integers(image: image)).map { Int32($0) }
    }

    /// The logits the SOFTMAX operator read in `run`: the FC stack's output in that same run.
    func logits(_ run: ReferenceFixture.Run, image: Int) throws -> [Int32] {
        try values(run, tensor: layer.input.index, image: image)
    }

    /// What the SOFTMAX operator wrote in `run`.
    func probabilities(_ run: ReferenceFixture.Run, image: Int) throws -> [Int32] {
        try values(run, tensor: layer.output.index, image: image)
    }
}

/// The index of the first largest value.
func argmax(_ values: [Int32]) -> Int { values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }! }
