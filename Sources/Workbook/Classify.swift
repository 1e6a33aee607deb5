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
            A model without SOFTMAX ends in logits: the prediction is then the largest logit, and there are no \
            probabilities. With --json, prints an array with one object per file: {"file", "digit", "probabilities", \
            "outputCodes", "logits", "warnings"} (probabilities null for a model that ends in logits, logits null \
            for one that ends in a softmax), or {"file", "error"}. A warning says when ink covers half the \
            picture or more, or the winning probability is below 0.5. A file that cannot be read is also named on stderr, and \
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
                        results.append(answer.json(file: path, picture: picture))
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
        network = try loaded.network(family)
    }

    struct Answer {
        let digit: Int
        /// The softmax's probabilities (chapter 8), nil for a model that ends in logits.
        let probabilities: [Float]?
        /// The softmax's codes and their (S, Z); nil for a float model, whose softmax writes
        /// probabilities directly.
        let outputCodes: [Int32]?
        let outputQuantization: AffineQuantization?
        /// A model that ends in logits: their real values (nil for a model with a softmax).
        let logits: [Float]?

        func json(file: String, picture: DigitPicture) -> JSON {
            .object([
                ("file", .string(file)), ("digit", .int(digit)),
                ("probabilities", probabilities.map { .array($0.map(JSON.float)) } ?? .null),
                ("outputCodes", outputCodes.map { .array($0.map { .int(Int($0)) }) } ?? .null),
                ("logits", logits.map { .array($0.map(JSON.float)) } ?? .null),
                ("warnings", .array(warnings(picture).map(JSON.string))),
            ])
        }

        /// What a reader should doubt: paper taken for ink, or no clear winner.
        func warnings(_ picture: DigitPicture) -> [String] {
            var found: [String] = []
            let percent = picture.preprocessing.inkPercent
            if percent >= 50 {
                found.append("ink covers \(percent) % of the picture: the paper may have been taken for ink (a digit's strokes cover far less)")
            }
            if let probabilities, let winner = probabilities.max(), winner < 0.5 {
                found.append("the winning probability is only \(String(format: "%.2f", winner)): the picture may not look like an MNIST digit")
            }
            return found
        }

        func text(picture: DigitPicture, classifier: Classifier) -> String {
            var out = "\(picture.path): \(picture.preparationSummary)\n"
            for warning in warnings(picture) { out += "warning: \(warning)\n" }
            out += shaded(picture.pixels)
            out += "input: \(classifier.network.pixelMapping.summary(for: classifier.network.input))\n"
            out += "prediction: \(digit)   (\(classifier.modelName), \(classifier.network.kernelsLabel))\n"
            if let logits {
                let output = classifier.network.output
                out += "no SOFTMAX: the model ends in logits (tensor \(output.index) '\(output.name)'), so there are no probabilities; the prediction is the largest logit\n"
                out += outputQuantization.map { "digit  code  logit = S·(code − Z), S = \($0.scale), Z = \($0.zeroPoint)\n" } ?? "digit  logit (float32)\n"
                for (candidate, logit) in logits.enumerated() {
                    let code = outputCodes.map { String($0[candidate]).leftPadded(to: 4) + "  " } ?? ""
                    out += "  \(candidate)    \(code)\(String(format: "%.6f", logit))\(candidate == digit ? " ◀" : "")\n"
                }
                return out
            }
            if let quantization = outputQuantization {
                out += "digit  code  probability = S·(code − Z), S = \(quantization.scale), Z = \(quantization.zeroPoint)\n"
            } else {
                out += "digit  probability (float32 softmax)\n"
            }
            for (candidate, probability) in (probabilities ?? []).enumerated() {
                let code = outputCodes.map { String($0[candidate]).leftPadded(to: 4) + "  " } ?? ""
                // A probability outside [0, 1] (an output zero point no converter writes) gets no bar beyond the ends.
                let bar = String(repeating: "█", count: probability.isFinite ? Int((min(max(probability, 0), 1) * 40).rounded()) : 0)
                let line = "  \(candidate)    \(code)\(String(format: "%.8f", probability))  \(bar)\(candidate == digit ? " ◀" : "")"
                out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            }
            return out
        }
    }

    func classify(_ picture: DigitPicture) throws -> Answer {
        let run: NetworkRun
        do { run = try network.run(pixels: picture.pixels) } catch { throw CommandFailure("\(picture.path): \(error)") }
        guard let softmax = network.softmaxTensors else {
            // Logits only: the model's output tensor, in codes with their (S, Z), or in float32.
            let output = run.output
            let quantization = output.integers == nil ? nil : try? AffineQuantization(tensor: network.output)
            let reals = output.floats ?? (output.integers ?? []).map { quantization?.dequantize($0) ?? Float($0) }
            return Answer(digit: run.prediction, probabilities: nil, outputCodes: output.integers, outputQuantization: quantization, logits: reals)
        }
        return Answer(digit: run.prediction, probabilities: run.probabilities,
                      outputCodes: run.tensors[softmax.probabilities]?.integers, outputQuantization: softmax.quantization, logits: nil)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
