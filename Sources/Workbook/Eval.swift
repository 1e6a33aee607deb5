// `workbook eval` (chapters 9 and 10): how many MNIST digits the network classifies correctly
// in a kernel family, which digits it confuses with which, and how often its predictions agree
// with the float model's; with --table, every shipped model in every family; with --timing,
// how long the network takes per image (what tools/benchmark.py reads).

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Ch13FastEngine
import Foundation
import ShippedFiles

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapters 9 and 10: accuracy on MNIST images, the confusion matrix, and agreement with the float model.",
        discussion: """
            Prints the accuracy, the confusion matrix (a row per label, a column per prediction) and how many \
            predictions equal those of a float model of the same architecture: --float-model, or the shipped \
            models/mnist-float.tflite when its layers are the model's (otherwise the line says why it is left out). \
            A progress bar goes to stderr when stderr is a terminal.
            """)

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: ArgumentHelp("MNIST images in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var images: String

    @Option(help: ArgumentHelp("Their labels in IDX format.", valueName: "labels.idx.gz"))
    var labels: String

    @Option(parsing: .unconditional, help: "Evaluate only the first N images.")
    var first: Int?

    @Option(name: .customLong("float-model"), help: ArgumentHelp("The float model to compare predictions with (default: models/mnist-float.tflite, if it has the model's layers).", valueName: "path"))
    var floatModel: String?

    @Flag(help: "Every shipped model in every kernel family, as a Markdown table.")
    var table = false

    @Flag(help: "Also print the microseconds per image the network takes (the model's run only, not reading or the float model).")
    var timing = false

    func validate() throws {
        if let first, first < 1 { throw ValidationError("--first takes a count of images from 1, not \(first)") }
        if table && timing { throw ValidationError("--timing measures one model in one family: leave out --table") }
    }

    func run() throws {
        try failingCleanly {
            let set: LabeledImages
            do { set = try LabeledImages.read(images: images, labels: labels) } catch { throw CommandFailure("\(error)") }
            if let first, first > set.count {
                // Known only once the file is read, but still a usage error, with this command's usage.
                Self.exit(withError: ValidationError("--first \(first): \(images) holds \(set.count) images"))
            }
            let count = first ?? set.count
            if table { return try printTable(set: set, count: count) }

            let network = try options.load().network(kernels.kernels)
            guard network.output.elementCount == 10 else {
                throw CommandFailure("\(options.name): its output has \(network.output.elementCount ?? 0) values; the confusion matrix needs one per digit, 10")
            }
            let (floatModel, floatNetwork, leftOut) = try comparison(with: network)
            let progress = ProgressBar(total: count, label: "\(kernels.kernels.rawValue)")
            let images = set.images.prefix(count)
            var predicted = [Int](repeating: 0, count: count)
            let fast = try engine.fast(network)
            let clock = ContinuousClock()
            let networkTime = try clock.measure {
                try predictions(network, fast: fast, images: images, batch: engine.batch, source: self.images) { image, prediction in
                    predicted[image] = prediction
                    progress.advance(to: image + 1)
                }
            }
            var confusion = ConfusionMatrix()
            for image in 0..<count { confusion.record(label: set.labels[image], prediction: predicted[image]) }
            var agreeing = 0
            if let floatNetwork {
                // The float model on the fast path adds its sums in another order than TFLite's
                // reference kernel (chapter 13); a prediction it changes would be a near tie.
                try predictions(floatNetwork, fast: try engine.fast(floatNetwork), images: images, batch: engine.batch,
                                source: self.images) { image, prediction in
                    if prediction == predicted[image] { agreeing += 1 }
                }
            }
            progress.finish()
            let correct = confusion.correct
            print("\(options.name), \(network.kernelsLabel): \(correct) of \(count) correct (\(percent(correct, count)))")
            print("")
            print(confusion.text, terminator: "")
            print("")
            if floatNetwork != nil {
                print("agreement with the float model (\(floatModel)): \(agreeing) of \(count) predictions equal (\(percent(agreeing, count)))")
            } else {
                print("agreement with a float model: left out, \(leftOut)")
            }
            if timing {
                let seconds = Double(networkTime.components.seconds) + Double(networkTime.components.attoseconds) * 1e-18
                let how = fast.map { "fast engine, \($0.path.rawValue), batches of \(engine.batch)" } ?? "readable engine, one image at a time"
                print(String(format: "timing: %.2f µs per image (%d images, %@ kernels, %@, the network's run only)",
                             1e6 * seconds / Double(max(count, 1)), count, kernels.kernels.rawValue, how))
            }
        }
    }

    func printTable(set: LabeledImages, count: Int) throws {
        print("| model | " + KernelFamily.allCases.map(\.rawValue).joined(separator: " | ") + " |")
        print("|---|" + String(repeating: "---|", count: KernelFamily.allCases.count))
        for entry in try manifest().shippedModels {
            let cells = try KernelFamily.allCases.map { family -> String in
                // The float model is computed in the reference kernels' order only (chapter 3).
                if !entry.quantized && family != .reference { return "—" }
                let network: Network
                do { network = try prepare(entry.model, family: family) } catch {
                    // TFLite Micro has no uint8 kernels: the micro family refuses, as TFLM does.
                    // Any other refusal is a failure, not a table cell.
                    guard family == .micro else { throw error }
                    return "no kernel"
                }
                var correct = 0
                try predictions(network, fast: try engine.fast(network), images: set.images.prefix(count), batch: engine.batch,
                                source: images) { image, prediction in
                    if prediction == set.labels[image] { correct += 1 }
                }
                return percent(correct, count)
            }
            print("| \((entry.model as NSString).lastPathComponent) | " + cells.joined(separator: " | ") + " |")
        }
    }

    /// The float network to compare with, by the reader's --float-model or the shipped one, and
    /// only if it has the same layers; else nil and the reason for the reader.
    func comparison(with network: Network) throws -> (path: String, network: Network?, leftOut: String) {
        let path = try floatModel ?? manifest().floatModel
        let candidate = try prepare(path, family: .reference)
        guard candidate.layers.isEmpty, let theirs = try? FloatNetwork(model: candidate.model) else {
            throw CommandFailure("\(path): --float-model takes a float32 model")
        }
        guard let ours = try? FloatNetwork(model: network.model) else {
            return (path, nil, "\(options.name) has no float network of its own to compare layers with (chapter 3)")
        }
        if theirs.isSameArchitecture(as: ours) { return (path, candidate, "") }
        let why = "\(path) is \(theirs.architecture) and \(options.name) is \(ours.architecture): not the same network"
        return (path, nil, why + (floatModel == nil ? "; give --float-model PATH" : ""))
    }

    /// A model by name (nil: the default), prepared in one family.
    func prepare(_ model: String?, family: KernelFamily) throws -> Network {
        try ModelOptions(model: model).load().network(family)
    }

    func manifest() throws -> Manifest {
        do { return try ShippedFiles.manifest() } catch { throw CommandFailure("\(error)") }
    }

    func percent(_ correct: Int, _ count: Int) -> String {
        String(format: "%.2f %%", 100 * Double(correct) / Double(max(count, 1)))
    }
}

/// Which digits the network takes for which: counts[label][prediction].
struct ConfusionMatrix {
    private(set) var counts = Array(repeating: Array(repeating: 0, count: 10), count: 10)

    mutating func record(label: Int, prediction: Int) { counts[label][prediction] += 1 }

    var correct: Int { (0..<10).reduce(0) { $0 + counts[$1][$1] } }

    /// A row per label, a column per prediction; the diagonal is what the network got right.
    var text: String {
        let width = max(5, String(counts.joined().max() ?? 0).count + 1)
        var out = "confusion matrix (a row per label, a column per prediction):\n"
        out += "label" + (0..<10).map { String($0).leftPadded(to: width) }.joined() + "\n"
        for label in 0..<10 {
            out += "  \(label)  " + counts[label].map { String($0).leftPadded(to: width) }.joined() + "\n"
        }
        return out
    }
}
