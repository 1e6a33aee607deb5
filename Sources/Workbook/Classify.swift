// `workbook classify` (chapter 10): any PNG of a digit in, the prediction out: the picture
// prepared as MNIST's digits were (chapter 10), run through the network in one kernel family
// (chapter 9), with the ten probabilities of the quantized softmax (chapter 8) beside the
// integer codes they come from.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network
import Ch10Pixels
import Foundation
import JSONText

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 10: classify PNG pictures of digits, showing the input and the ten probabilities.",
        discussion: """
            Each picture is prepared as the MNIST digits were (ink bright on black, cropped, scaled to fit \
            20×20, centred by its centre of mass in 28×28) and run through the model in the chosen kernel family. \
            With --json, prints an array with one object per file: {"file", "digit", "probabilities", \
            "outputCodes"}, or {"file", "error"}. A file that cannot be read is also named on stderr, and \
            the exit status is 1 if any file failed.
            """)

    @Argument(help: ArgumentHelp("PNG pictures of digits: any size, colour type or bit depth.", valueName: "image.png"))
    var images: [String]

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions

    @Flag(help: "Print one JSON array instead of text.")
    var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one PNG picture to classify") }
    }

    func run() throws {
        try failingCleanly {
            let classifier = try Classifier(options: options, family: kernels.kernels)
            var results: [JSON] = []
            var (failed, printed) = (false, false)
            for path in images {
                do {
                    let picture = try readPicture(path)
                    let answer = try classifier.classify(picture)
                    if json {
                        results.append(answer.json(file: path))
                    } else {
                        print((printed ? "\n" : "") + answer.text(picture: picture, classifier: classifier), terminator: "")
                        printed = true
                    }
                } catch let failure as CommandFailure {
                    failed = true
                    standardError(failure.description)
                    if json { results.append(.object([("file", .string(path)), ("error", .string(failure.description))])) }
                }
            }
            if json { print(JSON.array(results).text) }
            if failed { throw ExitCode.failure }
        }
    }
}

/// A model prepared once in one family.
struct Classifier {
    let network: Network
    let modelName: String

    init(options: ModelOptions, family: KernelFamily) throws {
        let loaded = try options.load()
        modelName = loaded.name
        do { network = try Network(model: loaded.model, family: family) } catch { throw CommandFailure("\(loaded.name): \(error)") }
    }

    struct Answer {
        let digit: Int
        /// The softmax's probabilities (chapter 8), nil for a model that ends in logits.
        let probabilities: [Float]?
        /// The softmax's codes and their (S, Z); nil for a float model, whose softmax writes
        /// probabilities directly.
        let outputCodes: [Int32]?
        let outputQuantization: AffineQuantization?

        func json(file: String) -> JSON {
            .object([
                ("file", .string(file)), ("digit", .int(digit)),
                ("probabilities", probabilities.map { .array($0.map(JSON.float)) } ?? .null),
                ("outputCodes", outputCodes.map { .array($0.map { .int(Int($0)) }) } ?? .null),
            ])
        }

        func text(picture: DigitPicture, classifier: Classifier) -> String {
            var out = "\(picture.path): \(picture.preparationSummary)\n"
            out += shaded(picture.pixels)
            out += "prediction: \(digit)   (\(classifier.modelName), \(classifier.network.family.rawValue) kernels)\n"
            if let quantization = outputQuantization {
                out += "digit  code  probability = S·(code − Z), S = \(quantization.scale), Z = \(quantization.zeroPoint)\n"
            } else {
                out += "digit  probability (float32 softmax)\n"
            }
            for (candidate, probability) in (probabilities ?? []).enumerated() {
                let code = outputCodes.map { String($0[candidate]).leftPadded(to: 4) + "  " } ?? ""
                let bar = String(repeating: "█", count: Int((probability * 40).rounded()))
                let line = "  \(candidate)    \(code)\(String(format: "%.8f", probability))  \(bar)\(candidate == digit ? " ◀" : "")"
                out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            }
            return out
        }
    }

    func classify(_ picture: DigitPicture) throws -> Answer {
        let run: NetworkRun
        do { run = try network.run(pixels: picture.pixels) } catch { throw CommandFailure("\(picture.path): \(error)") }
        let softmax = network.softmaxTensors
        return Answer(digit: run.prediction, probabilities: run.probabilities,
                      outputCodes: softmax.flatMap { run.tensors[$0.probabilities]?.integers }, outputQuantization: softmax?.quantization)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
