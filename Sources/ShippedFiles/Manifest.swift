// models/manifest.json: the one list of the workbook's models and kernel families, read here,
// by the Python tools (tools/manifest.py) and by hardware/run-checks.sh. Adding a model is one
// line there.

public struct Manifest: Decodable, Sendable {
    /// What `--model` means when it is left out.
    public let defaultModel: String
    /// The float model every quantized one is compared with (chapter 3, `workbook eval`).
    public let floatModel: String
    /// The fixture whose 64 digits `workbook chapter N` narrates and `export` writes by default.
    public let narrationDigits: String
    public let families: [Family]
    public let models: [Entry]

    /// A kernel family and the runtime, by its op resolver name, that it reproduces.
    public struct Family: Decodable, Sendable {
        public let family: String
        public let resolver: String
        public let runtime: String
    }

    public struct Entry: Decodable, Sendable {
        /// Paths relative to the workbook's home (the checkout).
        public let model: String
        public let fixture: String
        /// "shipped" (in models/), "variant" (models/variants/, another architecture) or "own"
        /// (models/own/: converted as people convert their own models, tools/own_models.py).
        public let kind: String
        /// The reals pixels 0 and 255 stood for in training, [lo, hi] (`--input-range`); nil: the
        /// workbook's default mapping (chapter 2).
        public let inputRange: [Float]?
        public let quantized: Bool
        /// The families with an integer contract for hardware (chapter 11).
        public let contract: [String]
    }

    public var shippedModels: [Entry] { models.filter { $0.kind == "shipped" } }

    /// The op resolver a family's fixture run is recorded under.
    public func resolver(of family: String) -> String? { families.first { $0.family == family }?.resolver }
}
