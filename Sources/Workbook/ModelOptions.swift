// Options shared by every subcommand that reads a model, and how a named model is found.

import ArgumentParser
import Ch01TFLiteFile
import Foundation
import ShippedFiles

struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The .tflite model to read (default: the shipped int8 model, models/mnist-int8.tflite).", valueName: "path"))
    var model: String?

    init() {}
    init(model: String?) { self.model = model }

    /// The model as the reader named it (or the manifest's default), for messages.
    var name: String { model ?? ((try? ShippedFiles.manifest().defaultModel) ?? "the default model") }

    /// Reads and validates the model. A path that does not exist here but names a shipped
    /// model ("models/mnist-uint8.tflite") opens the shipped one, so the book's commands work
    /// from any directory.
    func load() throws -> LoadedModel {
        let file = try Self.locate(model)
        do { return LoadedModel(model: try Model.load(path: file), name: name, file: file) } catch {
            throw CommandFailure(error.description)
        }
    }

    /// The file to open for a model name, or nil for the default model.
    static func locate(_ model: String?) throws -> String {
        do {
            guard let model else { return try ShippedFiles.path(try ShippedFiles.manifest().defaultModel) }
            if FileManager.default.fileExists(atPath: model) { return model }
            return (try? ShippedFiles.path(model)) ?? model
        } catch { throw CommandFailure("\(error)") }
    }
}

/// A model read from a file, with the name the reader gave it.
struct LoadedModel {
    let model: Model
    /// As the reader named it: what every message starts with.
    let name: String
    /// The file opened.
    let file: String
}
