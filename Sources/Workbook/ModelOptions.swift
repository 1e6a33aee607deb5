// Options shared by every subcommand that reads a model.

import ArgumentParser
import Ch01TFLiteFile
import Foundation

struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The .tflite model to read.", valueName: "path"))
    var model: String = ModelOptions.defaultModel

    static let defaultModel = "models/mnist-int8.tflite"

    /// The path to open: as given, or, for the default, the shipped model in this checkout
    /// when the command runs from another directory.
    var resolvedPath: String { Self.resolve(model) }

    static func resolve(_ path: String) -> String {
        guard path == defaultModel, !FileManager.default.fileExists(atPath: path) else { return path }
        return Repository.root.appendingPathComponent(path).path
    }

    func load() throws -> Model {
        do { return try Model.load(path: resolvedPath) } catch { throw CommandFailure(error.description) }
    }
}

/// The checkout this binary was built from (its sources sit at Sources/Workbook/).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
