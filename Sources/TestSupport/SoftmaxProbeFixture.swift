// The softmax probes of tools/softmax_probes.py: single-SOFTMAX models with small input scales,
// and logit rows on which TFLite's softmax kernels disagree (models/fixtures/probes/).

import Foundation

public struct SoftmaxProbeFixture: Decodable, Sendable {
    public let generatedBy: String
    public let model: String
    public let modelSHA256: String
    public let classes: Int
    public let rows: Int
    /// How many of the rows were chosen because LiteRT's reference and optimized kernels disagree on them.
    public let minedRows: Int
    public let input: Values
    public let runs: [Run]

    public struct Values: Decodable, Sendable {
        public let dtype: String
        public let data: EncodedData
        public var integers: [Int] { data.integers(dtype: dtype) ?? [] }
    }

    public struct Run: Decodable, Sendable {
        public let resolver: String
        public let outputs: [Values]?
        public let skipped: String?
    }

    public func run(_ resolver: String) -> Run? { runs.first { $0.resolver == resolver && $0.outputs != nil } }

    /// Every probe fixture, by model path.
    public static func all() throws -> [SoftmaxProbeFixture] {
        let directory = RepositoryFiles.root.appendingPathComponent("models/fixtures/probes")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            do {
                return try JSONDecoder().decode(SoftmaxProbeFixture.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
            } catch {
                throw FixtureError("cannot read models/fixtures/probes/\(name) (\(error)); regenerate it with `python tools/softmax_probes.py fixtures`")
            }
        }
    }
}
