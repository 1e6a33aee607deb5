// Test support for chapters 6 and 7: each FULLY_CONNECTED of a quantized model with the int32
// accumulators of the fixture's 64 digits, computed from LiteRT's (or TFLite Micro's) own
// input tensor of that layer. acc = Σ_k (q_w − Z_w)(q_in − Z_in) + bias, in Int64 and checked.
// Chapter 4 owns the real matmul; this deliberately independent copy is the tests' oracle, so
// that chapters 6 and 7 are proven against TFLite's own inputs, not against chapter 4.

import Ch01TFLiteFile

/// One quantized FULLY_CONNECTED, its constants unpacked to Int32.
public struct FixtureLayer {
    public let scales: LayerScales
    public let inputCount: Int
    public let outputCount: Int
    /// [outputCount][inputCount] row-major, as stored in the .tflite buffer, minus Z2.
    public let weights: [Int32]
    /// One per output channel; zero when the layer has no bias.
    public let bias: [Int32]
    public let inputZeroPoint: Int32

    public init(_ scales: LayerScales, in model: Model) throws {
        self.scales = scales
        (outputCount, inputCount) = (scales.weights.shape[0], scales.weights.shape[1])
        guard scales.weights.type == .int8 || scales.weights.type == .uint8 else {
            throw FixtureError("operator \(scales.operatorIndex) has \(scales.weights.type) weights, not int8 or uint8")
        }
        let weightZeroPoint = Int32(scales.weightZeroPoints.first ?? 0)
        weights = try model.codes(of: scales.weights).map { $0 - weightZeroPoint }
        bias = try scales.bias.map { try model.codes(of: $0) } ?? Array(repeating: 0, count: outputCount)
        inputZeroPoint = Int32(scales.inputZeroPoint)
    }

    /// The accumulators of every output channel for one image's input values.
    public func accumulators(_ input: ArraySlice<Int>) -> [Int32] {
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
public final class AccumulatorCache {
    public init() {}

    private var stored: [Int: [[Int]: [Int32]]] = [:]

    public func accumulators(_ layer: FixtureLayer, _ input: ArraySlice<Int>) -> [Int32] {
        let key = Array(input)
        if let found = stored[layer.scales.operatorIndex]?[key] { return found }
        let computed = layer.accumulators(input)
        stored[layer.scales.operatorIndex, default: [:]][key] = computed
        return computed
    }
}

/// A quantized model with its fixture, ready for the per-layer proofs.
public struct FixtureModel {
    public let path: String
    public let model: Model
    public let fixture: ReferenceFixture
    public let layers: [FixtureLayer]

    /// Nil for the float model, which has nothing to requantize.
    public init?(path: String) throws {
        let model = try Model.load(path: RepositoryFiles.path(path))
        let scales = try model.fullyConnectedLayers()
        guard scales.allSatisfy({ $0.weights.type != .float32 }) else { return nil }
        self.path = path
        self.model = model
        fixture = try RepositoryFiles.fixture(for: path)
        layers = try scales.map { try FixtureLayer($0, in: model) }
    }

    /// Every quantized model that has a fixture.
    public static func all() throws -> [FixtureModel] {
        try RepositoryFiles.modelsWithFixtures.compactMap { try FixtureModel(path: $0) }
    }

    /// What `run` holds for tensor `index` on `image`: the fixture's input if the tensor is the
    /// model input, otherwise the value an operator of that same run wrote.
    public func values(of index: Int, in run: ReferenceFixture.Run, image: Int) throws -> ArraySlice<Int> {
        if index == fixture.input.index, let values = fixture.input.integers(image: image) { return values }
        guard let tensor = run.outputs?.first(where: { $0.index == index }), let values = tensor.integers(image: image) else {
            throw FixtureError("\(path): the \(run.resolver) run has no integer values for tensor \(index)")
        }
        return values
    }

    public var imageCount: Int { fixture.images.count }
}
