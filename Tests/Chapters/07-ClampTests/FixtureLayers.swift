// Test support for chapter 7, a copy of chapter 6's: each FULLY_CONNECTED of a quantized model
// with the int32 accumulators of the fixture's 64 digits, computed from LiteRT's (or TFLite
// Micro's) own input tensor of that layer. acc = Σ_k (q_w − Z_w)(q_in − Z_in) + bias, in int32.
// Chapter 4 owns the real matmul; this small copy only feeds the proofs of chapters 6 and 7.
// (Tests/Chapters/06-RequantizeTests/FixtureLayers.swift is the same helper: test targets
// cannot share files.)

import Ch01TFLiteFile
import ReferenceFixtures

/// One quantized FULLY_CONNECTED, its constants unpacked to Int32.
struct FixtureLayer {
    let scales: LayerScales
    let inputCount: Int
    let outputCount: Int
    /// [outputCount][inputCount] row-major, as stored in the .tflite buffer, minus Z2.
    let weights: [Int32]
    /// One per output channel; zero when the layer has no bias.
    let bias: [Int32]
    let inputZeroPoint: Int32

    init(_ scales: LayerScales, in model: Model) throws {
        self.scales = scales
        (outputCount, inputCount) = (scales.weights.shape[0], scales.weights.shape[1])
        let bytes = Array(model.buffers[scales.weights.buffer].bytes)
        let weightZeroPoint = Int32(scales.weightZeroPoints.first ?? 0)
        switch scales.weights.type {
        case .int8: weights = bytes.map { Int32(Int8(bitPattern: $0)) - weightZeroPoint }
        case .uint8: weights = bytes.map { Int32($0) - weightZeroPoint }
        default: throw FixtureError("operator \(scales.operatorIndex) has \(scales.weights.type) weights, not int8 or uint8")
        }
        if let biasTensor = scales.bias {
            let biasBytes = Array(model.buffers[biasTensor.buffer].bytes)
            bias = stride(from: 0, to: biasBytes.count, by: 4).map { at in
                Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(biasBytes[at + $1]) << (8 * $1) })
            }
        } else {
            bias = Array(repeating: 0, count: outputCount)
        }
        inputZeroPoint = Int32(scales.inputZeroPoint)
    }

    /// The accumulators of every output channel for one image's input values.
    func accumulators(_ input: ArraySlice<Int>) -> [Int32] {
        precondition(input.count == inputCount, "the layer reads \(inputCount) values, got \(input.count)")
        let centred = input.map { Int64($0) - Int64(inputZeroPoint) }
        // A plain indexed loop: the tests run unoptimized, where this is ~50 times faster than zip.
        return weights.withUnsafeBufferPointer { weights in
            centred.withUnsafeBufferPointer { centred in
                (0..<outputCount).map { channel in
                    // |acc| ≤ 784·255·255 ≈ 5.1·10^7 for these models: Int32 cannot overflow here,
                    // but we sum in Int64 and check, so a bigger model fails loudly instead.
                    var sum = Int64(bias[channel])
                    let row = channel * inputCount
                    var k = 0
                    while k < inputCount {
                        sum += Int64(weights[row + k]) * centred[k]
                        k += 1
                    }
                    guard let accumulator = Int32(exactly: sum) else { preconditionFailure("accumulator \(sum) does not fit in int32") }
                    return accumulator
                }
            }
        }
    }
}

/// Accumulators already computed, by layer and input values: the runs of a model mostly feed a
/// layer the same input (always, for the first layer), so each is computed once.
final class AccumulatorCache {
    private var stored: [Int: [[Int]: [Int32]]] = [:]

    func accumulators(_ layer: FixtureLayer, _ input: ArraySlice<Int>) -> [Int32] {
        let key = Array(input)
        if let found = stored[layer.scales.operatorIndex]?[key] { return found }
        let computed = layer.accumulators(input)
        stored[layer.scales.operatorIndex, default: [:]][key] = computed
        return computed
    }
}

/// A quantized model with its fixture, ready for the per-layer proofs.
struct FixtureModel {
    let path: String
    let model: Model
    let fixture: ReferenceFixture
    let layers: [FixtureLayer]

    /// Nil for the float model, which has nothing to requantize.
    init?(path: String) throws {
        let model = try Model.load(path: RepositoryFiles.path(path))
        let scales = try model.fullyConnectedLayers()
        guard scales.allSatisfy({ $0.weights.type != .float32 }) else { return nil }
        self.path = path
        self.model = model
        fixture = try RepositoryFiles.fixture(for: path)
        layers = try scales.map { try FixtureLayer($0, in: model) }
    }

    /// Every quantized model that has a fixture.
    static func all() throws -> [FixtureModel] {
        try RepositoryFiles.modelsWithFixtures.compactMap { try FixtureModel(path: $0) }
    }

    /// What `run` holds for tensor `index` on `image`: the fixture's input if the tensor is the
    /// model input, otherwise the value an operator of that same run wrote.
    func values(of index: Int, in run: ReferenceFixture.Run, image: Int) throws -> ArraySlice<Int> {
        if index == fixture.input.index, let values = fixture.input.integers(image: image) { return values }
        guard let tensor = run.outputs?.first(where: { $0.index == index }), let values = tensor.integers(image: image) else {
            throw FixtureError("\(path): the \(run.resolver) run has no integer values for tensor \(index)")
        }
        return values
    }

    var imageCount: Int { fixture.images.count }
}
