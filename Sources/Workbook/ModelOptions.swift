// Options shared by every subcommand that reads a model, and how a named model is found.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network
import Ch16ConvolutionalNetwork
import Foundation
import ShippedFiles

struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The .tflite model to read (default: the shipped int8 model, models/mnist-int8.tflite).", valueName: "path"))
    var model: String?

    @Option(name: .customLong("input-range"), parsing: .unconditional,
            help: ArgumentHelp("The reals pixels 0 and 255 stand for, as the model was trained (e.g. -1,1). Default: a quantized input's own range; 0,1 for a float input.", valueName: "lo,hi"))
    var inputRange: InputRange?

    init() {}
    init(model: String?) { (self.model, self.inputRange) = (model, nil) }

    /// The model as the reader named it (or the manifest's default), for messages.
    var name: String { model ?? ((try? ShippedFiles.manifest().defaultModel) ?? "the default model") }

    /// Reads and validates the model, and refuses it unless the workbook computes it: every
    /// command asks chapter 1's `requireComputable` the same question first, then prepares the
    /// whole book's network once in the reference family, which checks what only a chapter can
    /// (a convolution's window against its output tensor, chapter 14), so that `inspect` refuses
    /// what `classify` refuses. A path that does not exist here but names a shipped
    /// model ("models/mnist-uint8.tflite") opens the shipped one, so the book's commands work
    /// from any directory.
    func load() throws -> LoadedModel {
        let file = try Self.locate(model)
        let model: Model
        do { model = try Model.load(path: file) } catch { throw CommandFailure(error.description) }
        do { try model.requireComputable() } catch { throw CommandFailure("\(name): \(error)") }
        do { _ = try Network(wholeBook: model, family: .reference) } catch { throw CommandFailure("\(name): \(error)") }
        return LoadedModel(model: model, name: name, file: file, pixelMapping: inputRange.map { .reals(lo: $0.lo, hi: $0.hi) })
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
    /// --input-range, or nil for the input tensor's standard mapping (chapter 2).
    let pixelMapping: PixelMapping?

    /// The model prepared in one kernel family (chapter 9), its refusal named after the model.
    func network(_ family: KernelFamily) throws -> Network {
        // A float model has one order of additions here, TFLite's reference kernels' (chapter 3).
        if family != .reference, (try? model.family()) == .float {
            throw CommandFailure("\(name): a float model is computed in float32 in the order of TFLite's reference kernels; LiteRT's optimized and XNNPACK float kernels add in other orders (chapter 3), so --kernels \(family.rawValue) is not computed for it")
        }
        do { return try Network(wholeBook: model, family: family, pixelMapping: pixelMapping) } catch {
            throw CommandFailure("\(name): \(error)")
        }
    }
}

/// `--input-range LO,HI`: two finite reals, LO below HI.
struct InputRange: ExpressibleByArgument {
    let lo: Float
    let hi: Float

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-") }
        guard parts.count == 2, let lo = Float(parts[0]), let hi = Float(parts[1]),
              lo.isFinite, hi.isFinite, lo < hi, (hi - lo).isFinite else { return nil }
        (self.lo, self.hi) = (lo, hi)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension Network {
    /// "xnnpack kernels", or for a float model "float32 in TFLite's reference order": the
    /// workbook does not claim a kernel family it does not compute.
    var kernelsLabel: String {
        (try? model.family()) == .float ? "float32 in TFLite's reference order" : "\(family.rawValue) kernels"
    }
}
