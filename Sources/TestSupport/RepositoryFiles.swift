// Test support: the checkout the tests run in, and its models and fixtures as the manifest
// lists them. Linked into the test targets only; the binary finds its files through
// ShippedFiles, which this re-exports so that a test sees the fixture types too.

@_exported import ShippedFiles
import Foundation

public enum RepositoryFiles {
    /// The checkout: the tests run from .build/ inside it, where ShippedFiles finds it.
    public static var root: URL { try! ShippedFiles.home() }

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static var manifest: Manifest { try! ShippedFiles.manifest() }

    /// The shipped models (models/*.tflite), by path relative to the checkout.
    public static var shippedModels: [String] { manifest.shippedModels.map(\.model) }

    /// Every MLP with a fixture, what part one (chapters 1–13) computes: the shipped ones, the
    /// variants in models/variants/, and the models converted as people convert their own
    /// (models/own/). The CNNs of part two are `convolutionalModels`.
    public static var modelsWithFixtures: [String] { manifest.models.filter { !$0.kind.hasPrefix("cnn") }.map(\.model) }

    /// The convolutional networks of part two (models/cnn/: tools/cnn_models.py, and the rounding
    /// probe of tools/cnn_probes.py), all with fixtures.
    public static var convolutionalModels: [String] { manifest.models.filter { $0.kind.hasPrefix("cnn") }.map(\.model) }

    /// The book's MLPs (shipped and variants): trained on pixel/255, input S = 1/255, every
    /// layer with a bias, a SOFTMAX last. Tests of claims about those models use these.
    public static var bookModels: [String] { manifest.models.filter { $0.kind == "shipped" || $0.kind == "variant" }.map(\.model) }

    /// The models in models/own/, as a person's converter writes them (tools/own_models.py).
    public static var ownModels: [String] { manifest.models.filter { $0.kind == "own" }.map(\.model) }

    /// The fixture of a model listed in the manifest.
    public static func fixture(for model: String) throws -> ReferenceFixture {
        guard let entry = manifest.models.first(where: { $0.model == model }) else {
            throw FixtureError("\(model) is not in models/manifest.json, so it has no fixture")
        }
        return try ShippedFiles.fixture(entry.fixture)
    }
}
