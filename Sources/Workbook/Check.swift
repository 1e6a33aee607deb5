// `workbook check` (chapter 12): what is wrong with my port. Reads a port's results from numpy's
// .npz (one array per tensor), computes the same images in all four families, and prints per
// tensor how many elements differ from each, the families the port matches, and for a port that
// matches none, what it most likely did wrong.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Ch12YourPort
import Foundation
import JSONText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 12: compare a port's tensors (.npz) with all four families, and say what it did wrong.",
        discussion: """
            PORT.npz holds any of the model's tensors, keyed by the tensor's name in the .tflite, or \
            'input', or 'opK' for what operator K writes, each of shape [N, …] for the N images in order \
            (np.savez(path, **arrays)). Exit status 0 when the port matches at least one family, 1 otherwise.
            """)

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("MNIST images in IDX format, gzipped or not (default, without pictures: the 64 fixture digits).", valueName: "images.idx.gz"))
    var mnist: String?

    @Option(parsing: .unconditional, help: "Only the first N images of --mnist.")
    var first: Int?

    @Flag(help: "One JSON object instead of text.")
    var json = false

    @Argument(help: ArgumentHelp("PNG pictures of digits (or none, for --mnist or the fixture digits), then the port's .npz file.", valueName: "picture.png … port.npz"))
    var files: [String] = []

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name the port's .npz file last") }
        if mnist != nil, files.count > 1 { throw ValidationError("give either --mnist or pictures, not both") }
        if let first, first < 1 { throw ValidationError("--first takes a count of images from 1, not \(first)") }
        if first != nil, mnist == nil { throw ValidationError("--first counts images of --mnist") }
    }

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            let portPath = files.last!
            let (images, source) = try readImages()
            var networks: [KernelFamily: Network] = [:]
            var notOffered: [KernelFamily: String] = [:]
            for family in KernelFamily.allCases {
                do { networks[family] = try loaded.network(family) } catch { notOffered[family] = "\(error)" }
            }
            guard let any = networks.values.first else { throw CommandFailure(notOffered[.reference] ?? "\(loaded.name): no family computes it") }
            let tensors: [CheckedTensor]
            do { tensors = try checkedTensors(of: any) } catch { throw CommandFailure("\(loaded.name): \(error)") }
            let port: PortFile
            do {
                // Every tensor of every image in int64, plus headers: a larger file is not a port of this model.
                let largest = (1 << 20) + images.count * tensors.reduce(0) { $0 + $1.elementCount } * 8
                let bytes = try UserFile.read(portPath, kind: "a .npz file", maximumBytes: largest)
                port = try PortFile(bytes: bytes, path: portPath, tensors: tensors, imageCount: images.count)
            } catch { throw CommandFailure("\(error)") }
            let report: CheckReport
            do { report = try checkPort(port, networks: networks, notOffered: notOffered, images: images) } catch {
                throw CommandFailure("\(loaded.name): \(error)")
            }
            print(json ? jsonText(report, model: loaded.name, source: source, port: portPath) : text(report, model: loaded.name, source: source, port: portPath))
            if report.comparison.matches.isEmpty { throw ExitCode.failure }
        }
    }

    /// The images' pixels, and how to name them.
    func readImages() throws -> ([[UInt8]], String) {
        if let mnist {
            let set: IDXFile
            do { set = try IDXFile.read(path: mnist) } catch { throw CommandFailure("\(error)") }
            guard set.dimensions.count == 3, set.dimensions[1] * set.dimensions[2] == Model.imagePixels else {
                throw CommandFailure("\(mnist): images of shape \(set.dimensions), not 28×28")
            }
            if let first, first > set.dimensions[0] {
                Self.exit(withError: ValidationError("--first \(first): \(mnist) holds \(set.dimensions[0]) images"))
            }
            let count = first ?? set.dimensions[0]
            let size = Model.imagePixels
            return ((0..<count).map { Array(set.data[($0 * size)..<(($0 + 1) * size)]) }, "\(count) images of \(mnist)")
        }
        if files.count == 1 {
            let digits = try fixtureDigitPixels()
            return (digits, "the \(digits.count) fixture digits (models/fixtures/)")
        }
        let pictures = try files.dropLast().map { try readPicture($0).pixels }
        return (pictures, pictures.count == 1 ? files[0] : "\(pictures.count) pictures")
    }

    func text(_ report: CheckReport, model: String, source: String, port: String) -> String {
        let comparison = report.comparison
        var lines = ["\(port): \(comparison.tensors.count) tensor\(comparison.tensors.count == 1 ? "" : "s") of \(model), \(source)", ""]
        for tensor in comparison.tensors {
            let what = tensor.tensor.op.map { "operator \($0) \(tensor.tensor.operatorName)" } ?? "input"
            let counts = KernelFamily.allCases.map { family in
                tensor.differing[family].map { "\(family.rawValue) \($0)" } ?? "\(family.rawValue) not offered"
            }.joined(separator: ", ")
            lines.append("\(what), '\(tensor.tensor.name)': \(tensor.compared) elements; differing: \(counts)")
            let closest = KernelFamily.allCases.compactMap { family in tensor.first[family].map { (family, $0) } }.first
            if let (family, first) = closest {
                lines.append("    first difference from \(family.rawValue): image \(first.image), element \(first.element): port \(number(first.port)), \(family.rawValue) \(number(first.family))")
            }
        }
        lines.append("")
        let matches = comparison.matches
        lines.append("matches: " + (matches.isEmpty ? "none" : matches.map(\.rawValue).joined(separator: ", ")))
        for (family, reason) in comparison.notOffered.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("not offered: \(family.rawValue): \(reason)")
        }
        if let fix = report.fix {
            let what = fix.tensor.op.map { "tensor '\(fix.tensor.name)' (operator \($0), \(fix.tensor.operatorName))" } ?? "the input tensor '\(fix.tensor.name)'"
            lines.append("")
            lines.append("The first tensor that differs is \(what): fix it first; every tensor after it reads its values. The port follows \(fix.family.rawValue) furthest, so the diagnosis compares with \(fix.family.rawValue).")
            // The mistakes of one layer share their evidence: say it once, after them.
            let shared = Set(report.diagnoses.map(\.evidence)).count == 1
            for diagnosis in report.diagnoses {
                lines.append("")
                lines.append("\(diagnosis.id): \(diagnosis.detail)" + (shared ? "" : " \(diagnosis.evidence)"))
            }
            if shared, let evidence = report.diagnoses.first?.evidence {
                lines.append("")
                lines.append(evidence)
            }
        }
        return lines.joined(separator: "\n")
    }

    func jsonText(_ report: CheckReport, model: String, source: String, port: String) -> String {
        let comparison = report.comparison
        let tensors: [JSON] = comparison.tensors.map { tensor in
            .object([
                ("name", .string(tensor.tensor.name)),
                ("key", .string(tensor.port.key)),
                ("operator", tensor.tensor.op.map { .int($0) } ?? .null),
                ("operatorName", .string(tensor.tensor.operatorName)),
                ("compared", .int(tensor.compared)),
                ("differing", .object(KernelFamily.allCases.map { ($0.rawValue, tensor.differing[$0].map { .int($0) } ?? .null) })),
                ("first", .object(KernelFamily.allCases.compactMap { family in
                    tensor.first[family].map { first in
                        (family.rawValue, .object([("image", .int(first.image)), ("element", .int(first.element)),
                                                    ("port", .double(first.port)), ("family", .double(first.family))]))
                    }
                })),
            ])
        }
        return JSON.object([
            ("model", .string(model)),
            ("port", .string(port)),
            ("images", .int(comparison.imageCount)),
            ("matches", .array(comparison.matches.map { .string($0.rawValue) })),
            ("notOffered", .object(KernelFamily.allCases.compactMap { family in comparison.notOffered[family].map { (family.rawValue, .string($0)) } })),
            ("tensors", .array(tensors)),
            ("fix", report.fix.map { fix in
                .object([("tensor", .string(fix.tensor.name)), ("operator", fix.tensor.op.map { .int($0) } ?? .null), ("family", .string(fix.family.rawValue))])
            } ?? .null),
            ("diagnoses", .array(report.diagnoses.map { .object([("id", .string($0.id)), ("tensor", .string($0.tensor)), ("detail", .string("\($0.detail) \($0.evidence)")), ("evidence", .string($0.evidence))]) })),
        ]).text
    }

    func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
