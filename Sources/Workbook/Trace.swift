// `workbook trace`: with --mnist and --jsonl (chapter 9), every tensor the network writes, for
// every image of an MNIST IDX file, one JSON line each: what tools/crosscheck.py compares with
// TFLite's own tensors. With a PNG picture (chapter 10), every layer's scales, multipliers and
// accumulators, and one neuron's whole arithmetic, for a person to read (TracePicture.swift).

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch09Network
import Foundation

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapters 9 and 10: every intermediate value of the network, for a picture or for MNIST images.",
        discussion: """
            With a PNG picture: each layer's S1/Z1, S2/Z2, S3/Z3, M (as the kernel family forms it) and \
            accumulator range, then one neuron's arithmetic from its first products to its clamped output, \
            each step named by its chapter.

            With --mnist and --jsonl, writes one line per image:
            {"image": i, "tensors": {"<tensor name>": [values]}} for every tensor an operator writes,
            named as in the .tflite file; integer codes as integers, float tensors as numbers.
            """)

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions

    @Argument(help: ArgumentHelp("A PNG picture of a digit to trace (instead of --mnist).", valueName: "image.png"))
    var image: String?

    @Option(help: "With a picture: the neuron to follow, in the layer of --layer (default: the winning class, or the largest output).")
    var neuron: Int?

    @Option(help: "With a picture: which FULLY_CONNECTED layer the neuron is in, from 0 (default: the last).")
    var layer: Int?

    @Option(help: ArgumentHelp("An MNIST images file in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var mnist: String?

    @Option(help: "Trace only the first N images.")
    var first: Int?

    @Flag(help: "One JSON object per line (the only format of --mnist for now).")
    var jsonl = false

    func validate() throws {
        switch (image, mnist) {
        case (nil, nil): throw ValidationError("give a PNG picture to trace, or --mnist images.idx.gz --jsonl")
        case (.some, .some): throw ValidationError("give a PNG picture or --mnist, not both")
        case (.some, nil):
            guard !jsonl, first == nil else { throw ValidationError("--jsonl and --first go with --mnist, not with a picture") }
        case (nil, .some):
            guard jsonl else { throw ValidationError("--mnist writes JSON lines: add --jsonl") }
            guard neuron == nil, layer == nil else { throw ValidationError("--neuron and --layer go with a picture, not with --mnist") }
        }
        if let first, first < 0 { throw ValidationError("--first takes a count of images, not \(first)") }
        if let neuron, neuron < 0 { throw ValidationError("--neuron takes a neuron's index from 0, not \(neuron)") }
        if let layer, layer < 0 { throw ValidationError("--layer takes a layer's index from 0, not \(layer)") }
    }

    func run() throws {
        if let image { return try tracePicture(image) }
        try traceMNIST(mnist!)
    }

    /// Chapter 9's proof: every tensor of every image, as JSON lines.
    func traceMNIST(_ mnist: String) throws {
        try failingCleanly {
            let model = try options.load()
            let network: Network
            do { network = try Network(model: model, family: kernels.kernels) } catch {
                throw CommandFailure("\(options.model): \(error)")
            }
            let images: IDXFile
            do { images = try IDXFile.read(path: mnist) } catch { throw CommandFailure("\(error)") }
            guard images.dimensions.count == 3, images.dimensions[1] * images.dimensions[2] == network.input.elementCount else {
                throw CommandFailure("\(mnist): images of shape \(images.dimensions) do not fit the model's input \(network.input.shape)")
            }
            let size = images.dimensions[1] * images.dimensions[2]
            let count = min(first ?? images.dimensions[0], images.dimensions[0])
            let names = model.main.tensors.map { JSON.quote($0.name) }
            let output = BufferedOutput()
            for image in 0..<count {
                let pixels = Array(images.data[(image * size)..<((image + 1) * size)])
                let run: NetworkRun
                do { run = try network.run(pixels: pixels) } catch { throw CommandFailure("\(mnist): image \(image): \(error)") }
                var line = "{\"image\": \(image), \"tensors\": {"
                for (position, written) in run.written.enumerated() {
                    if position > 0 { line += ", " }
                    line += names[written.tensor] + ": ["
                    switch run.tensors[written.tensor]! {
                    case .integers(let values): line += values.map { String($0) }.joined(separator: ", ")
                    case .floats(let values): line += values.map { "\($0)" }.joined(separator: ", ")
                    }
                    line += "]"
                }
                output.write(line + "}}\n")
            }
            output.flush()
        }
    }
}

/// Collects stdout in large chunks: a trace of 10,000 images is tens of megabytes.
final class BufferedOutput {
    private var pending = ""

    func write(_ text: String) {
        pending += text
        if pending.utf8.count > 1 << 20 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(Data(pending.utf8))
        pending = ""
    }
}
