// `workbook eval` (chapter 9): how many MNIST digits the network classifies correctly, in a
// kernel family; with --table, every shipped model in every family.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 9: accuracy on MNIST images, for a model and a kernel family.")

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions

    @Option(help: ArgumentHelp("MNIST images in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var images: String

    @Option(help: ArgumentHelp("Their labels in IDX format.", valueName: "labels.idx.gz"))
    var labels: String

    @Option(help: "Evaluate only the first N images.")
    var first: Int?

    @Flag(help: "Every shipped model in every kernel family, as a Markdown table.")
    var table = false

    func run() throws {
        try failingCleanly {
            let set: LabeledImages
            do { set = try LabeledImages.read(images: images, labels: labels) } catch { throw CommandFailure("\(error)") }
            let count = min(first ?? set.count, set.count)
            if !table {
                let correct = try accuracy(modelPath: options.model, resolved: options.resolvedPath, family: kernels.kernels, set: set, count: count)
                print("\(options.model), \(kernels.kernels.rawValue) kernels: \(correct) of \(count) correct (\(percent(correct, count)))")
                return
            }
            print("| model | " + KernelFamily.allCases.map(\.rawValue).joined(separator: " | ") + " |")
            print("|---|" + String(repeating: "---|", count: KernelFamily.allCases.count))
            for name in Self.shippedModels {
                let path = "models/\(name)"
                let cells = try KernelFamily.allCases.map { family -> String in
                    do {
                        let correct = try accuracy(modelPath: path, resolved: ModelOptions.resolve(path), family: family, set: set, count: count)
                        return percent(correct, count)
                    } catch {
                        // TFLite Micro has no uint8 kernels: the micro family refuses, as TFLM does.
                        return "no kernel"
                    }
                }
                print("| \(name) | " + cells.joined(separator: " | ") + " |")
            }
        }
    }

    static let shippedModels = [
        "mnist-float.tflite", "mnist-uint8.tflite", "mnist-int8.tflite",
        "mnist-int8-per-tensor.tflite", "mnist-int8-float-io.tflite",
    ]

    func accuracy(modelPath: String, resolved: String, family: KernelFamily, set: LabeledImages, count: Int) throws -> Int {
        let network: Network
        do { network = try Network(model: try Model.load(path: resolved), family: family) } catch {
            throw CommandFailure("\(modelPath): \(error)")
        }
        var correct = 0
        for image in 0..<count {
            do {
                if try network.run(pixels: set.images[image]).prediction == set.labels[image] { correct += 1 }
            } catch { throw CommandFailure("\(images): image \(image): \(error)") }
        }
        return correct
    }

    func percent(_ correct: Int, _ count: Int) -> String {
        String(format: "%.2f %%", 100 * Double(correct) / Double(max(count, 1)))
    }
}
