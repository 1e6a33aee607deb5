// `workbook tensors` (chapter 9): every tensor the network writes, for every image of an MNIST
// IDX file, one JSON line each — the machine interface that tools/crosscheck.py compares with
// TFLite's own tensors. For a person, `workbook trace IMAGE.png`.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch09Network
import Ch13FastEngine
import Foundation
import JSONText

struct Tensors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 9: every tensor the network writes, for each MNIST image, as JSON lines.",
        discussion: """
            Writes one line per image: {"image": i, "tensors": {"<tensor name>": [values]}} for the \
            model's input tensor and every tensor an operator writes, named as in the .tflite file; integer codes as integers, float \
            tensors as numbers. With --npz FILE, writes instead one numpy archive: each tensor an array \
            [images, …] of its own type under its name, np.load(FILE)["<tensor name>"], as `workbook check` \
            reads a port's. tools/crosscheck.py compares them with TFLite's own.
            """)

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: ArgumentHelp("An MNIST images file in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var mnist: String

    @Option(parsing: .unconditional, help: "Only the first N images.")
    var first: Int?

    @Option(help: ArgumentHelp("Write the tensors as one numpy archive (.npz) instead of JSON lines.", valueName: "file.npz"))
    var npz: String?

    func validate() throws {
        if let first, first < 0 { throw ValidationError("--first takes a count of images, not \(first)") }
    }

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            let network = try loaded.network(kernels.kernels)
            let images: IDXFile
            do { images = try IDXFile.read(path: mnist) } catch { throw CommandFailure("\(error)") }
            guard images.dimensions.count == 3, images.dimensions[1] * images.dimensions[2] == network.input.elementCount else {
                throw CommandFailure("\(mnist): images of shape \(images.dimensions) do not fit the model's input \(network.input.shape)")
            }
            let size = images.dimensions[1] * images.dimensions[2]
            let count = min(first ?? images.dimensions[0], images.dimensions[0])
            let names = loaded.model.main.tensors.map { JSON.quote($0.name) }
            let output = BufferedOutput()
            let pictures = (0..<count).map { Array(images.data[($0 * size)..<(($0 + 1) * size)]) }
            let order = [network.input.index]
            if let npz {
                return try writeArchive(npz, network: network, model: loaded.model, pictures: pictures)
            }
            if let fast = try engine.fast(network) {
                try forEachBatch(fast, images: pictures[...], batch: engine.batch, source: mnist) { start, run in
                    for row in 0..<run.rows {
                        let object = tensorsObject(order + run.written.map(\.tensor), names: names) { run.tensors[$0]!.values(row: row) }
                        output.write("{\"image\": \(start + row), \"tensors\": \(object)}\n")
                    }
                }
            } else {
                for (image, pixels) in pictures.enumerated() {
                    let run: NetworkRun
                    do { run = try network.run(pixels: pixels) } catch { throw CommandFailure("\(mnist): image \(image): \(error)") }
                    let object = tensorsObject(order + run.written.map(\.tensor), names: names) { run.tensors[$0]! }
                    output.write("{\"image\": \(image), \"tensors\": \(object)}\n")
                }
            }
            output.flush()
        }
    }
}

extension Tensors {
    func writeArchive(_ path: String, network: Network, model: Model, pictures: [[UInt8]]) throws {
        var archive = TensorArchive(model: model)
        var order: [Int] = []
        if let fast = try engine.fast(network) {
            try forEachBatch(fast, images: pictures[...], batch: engine.batch, source: mnist) { _, run in
                order = [network.input.index] + run.written.map(\.tensor)
                for row in 0..<run.rows { archive.add(order) { run.tensors[$0]!.values(row: row) } }
            }
        } else {
            for (image, pixels) in pictures.enumerated() {
                let run: NetworkRun
                do { run = try network.run(pixels: pixels) } catch { throw CommandFailure("\(mnist): image \(image): \(error)") }
                order = [network.input.index] + run.written.map(\.tensor)
                archive.add(order) { run.tensors[$0]! }
            }
        }
        let bytes: [UInt8]
        do { bytes = try archive.bytes(order: order) } catch { throw CommandFailure("\(path): \(error)") }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CommandFailure("\(path): cannot write the file")
        }
    }
}

/// {"<tensor name>": [values], …}: the model's input tensor first, so that a comparison can
/// start from the first number, then every tensor an operator wrote, in operator order
/// (`tensors`). `names` are the model's tensor names, JSON-quoted once.
func tensorsObject(_ tensors: [Int], names: [String], values: (Int) -> TensorValues) -> String {
    var object = "{"
    for (position, tensor) in tensors.enumerated() {
        if position > 0 { object += ", " }
        object += names[tensor] + ": ["
        switch values(tensor) {
        case .integers(let values): object += values.map { String($0) }.joined(separator: ", ")
        case .floats(let values): object += values.map { "\($0)" }.joined(separator: ", ")
        }
        object += "]"
    }
    return object + "}"
}

/// Collects stdout in large chunks: the tensors of 10,000 images are tens of megabytes.
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
