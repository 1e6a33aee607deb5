// The QUANTIZE probe of tools/quantize_probes.py: a model whose QUANTIZE moves uint8 codes from
// S = 1/256 to S = f32(1/255), both Z = 0, and what LiteRT's kernels make of all 256 codes
// (models/fixtures/probes/quantize/).

import Foundation

public struct QuantizeProbeFixture: Decodable, Sendable {
    public let generatedBy: String
    public let command: String
    public let litertVersion: String
    public let model: String
    public let modelSHA256: String
    /// The QUANTIZE: its operator index and its two tensors as LiteRT reports them.
    public let `operator`: Operator
    /// The codes fed to the QUANTIZE's input tensor, in one invoke: 0 … 255.
    public let input: Values
    public let runs: [Run]

    public struct Operator: Decodable, Sendable {
        public let index: Int
        public let op: String
        public let input: Tensor
        public let output: Tensor
    }

    public struct Tensor: Decodable, Sendable {
        public let index: Int
        public let dtype: String
        public let shape: [Int]
        /// The float32 scale, written as the double that holds it exactly.
        public let scale: Double
        public let zeroPoint: Int
    }

    public struct Values: Decodable, Sendable {
        public let index: Int
        public let dtype: String
        public let data: EncodedData
        public var integers: [Int] { data.integers(dtype: dtype) ?? [] }
    }

    public struct Run: Decodable, Sendable {
        public let resolver: String
        public let outputs: [Values]?
        public let skipped: String?
    }

    /// The QUANTIZE's output codes under a resolver, or nil if that runtime did not run it.
    public func outputs(_ resolver: String) -> [Int]? {
        runs.first { $0.resolver == resolver }?.outputs?.first { $0.index == `operator`.output.index }?.integers
    }

    public static let path = "models/fixtures/probes/quantize/quantize-uint8-256ths-to-255ths.json"

    public static func load() throws -> QuantizeProbeFixture {
        do {
            return try JSONDecoder().decode(QuantizeProbeFixture.self, from: Data(contentsOf: RepositoryFiles.root.appendingPathComponent(path)))
        } catch {
            throw FixtureError("cannot read \(path) (\(error)); regenerate it with `python tools/quantize_probes.py fixtures`")
        }
    }
}
