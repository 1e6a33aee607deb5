// `workbook export` (chapter 11): the integer contract of every FULLY_CONNECTED layer and golden
// vectors, written as a C header, $readmemh .mem files, Xilinx .coe, Intel .mif, numpy .npy or
// JSON, for hardware/c/reference.c, hardware/verilog/ and whatever the reader builds next.
// With --widths, the accumulator widths each layer needs instead (chapter 11's table).

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch06Requantize
import Ch11Hardware
import Foundation
import ReferenceFixtures

extension ExportFormat: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 11: the integer contract and golden vectors, for C, Verilog, Vivado, Quartus, numpy.",
        discussion: """
            Writes each FULLY_CONNECTED layer's weights and zero points, int32 bias, M0 and shift, \
            clamp bounds and output zero point, and golden vectors (input codes, every layer's int32 \
            accumulators and output codes, the class) into --out, with a README.md on the packing. \
            With --widths, prints the bits each layer's accumulator needs instead.
            """)

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp(
        "The rounding of the contract: micro (TFLite Micro) or optimized (LiteRT's builtin kernels).",
        valueName: "family"))
    var kernels: KernelFamily = .micro

    @Option(help: ArgumentHelp("c, mem, coe, mif, npy or json.", valueName: "format"))
    var format: ExportFormat?

    @Option(help: ArgumentHelp("The directory to write into, created if missing.", valueName: "directory"))
    var out: String?

    @Option(help: "How many golden vectors (default: the 64 fixture digits, or the first 64 images of --mnist).")
    var vectors: Int?

    @Option(help: ArgumentHelp("Take the digits from an MNIST images file in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var mnist: String?

    @Flag(help: "Print each layer's accumulator widths, worst case and seen on the digits, instead of writing files.")
    var widths = false

    static let fixtureDigits = 64

    func validate() throws {
        guard kernels == .micro || kernels == .optimized else {
            throw ValidationError("--kernels \(kernels.rawValue) requantizes in \(kernels == .reference ? "double" : "float32"); the integer contract is micro or optimized")
        }
        if let vectors, vectors < 1 { throw ValidationError("--vectors takes a count of at least 1, not \(vectors)") }
        if mnist == nil, let vectors, vectors > Self.fixtureDigits {
            throw ValidationError("the fixture has \(Self.fixtureDigits) digits; take more from an MNIST file with --mnist")
        }
        if widths {
            guard format == nil, out == nil else { throw ValidationError("--widths prints the widths and writes no files: drop --format and --out") }
        } else {
            guard format != nil else { throw ValidationError("missing --format: c, mem, coe, mif, npy or json") }
            guard out != nil else { throw ValidationError("missing --out: the directory to write into") }
        }
    }

    func run() throws {
        try failingCleanly {
            let model = try options.load()
            let contract: NetworkContract
            do { contract = try NetworkContract(model: model, family: kernels) } catch {
                throw CommandFailure("\(options.model): \(error)")
            }
            let (images, source) = try digits()
            if widths {
                let measured: (survey: AccumulatorSurvey, classAgreements: Int)
                do { measured = try AccumulatorSurvey.measure(contract, model: model, images: images) } catch {
                    throw CommandFailure("\(options.model): \(error)")
                }
                print(widthReport(contract, measured.survey, classAgreements: measured.classAgreements, source: source), terminator: "")
                return
            }
            let golden: GoldenVectors
            do { golden = try GoldenVectors(contract: contract, model: model, images: images, source: source) } catch {
                throw CommandFailure("\(options.model): \(error)")
            }
            var command = "workbook export --model \(options.model) --kernels \(kernels.rawValue) --format \(format!.rawValue) --vectors \(images.count)"
            if let mnist { command += " --mnist \(mnist)" }
            let export = HardwareExport(contract: contract, vectors: golden, modelPath: options.model, command: command)
            let files = export.files(format!)
            try write(files, to: out!)
            print("\(options.model), \(kernels.rawValue) kernels: \(contract.layers.count) layers and \(images.count) golden vectors, \(files.count) files in \(out!)")
        }
    }

    /// The digits to run: the fixture's (what tools/reference.py ran through TFLite), or MNIST's.
    func digits() throws -> (images: [[UInt8]], source: String) {
        guard let mnist else {
            let count = vectors ?? Self.fixtureDigits
            let fixture: ReferenceFixture
            do { fixture = try RepositoryFiles.fixture(for: ModelOptions.defaultModel) } catch { throw CommandFailure("\(error)") }
            let images = (0..<count).map { Array(fixture.pixels.bytes[($0 * 784)..<(($0 + 1) * 784)]) }
            return (images, count == Self.fixtureDigits ? "the \(count) fixture digits (models/fixtures/)" : "the first \(count) fixture digits (models/fixtures/)")
        }
        let file: IDXFile
        do { file = try IDXFile.read(path: mnist) } catch { throw CommandFailure("\(error)") }
        guard file.dimensions.count == 3, file.dimensions[1] * file.dimensions[2] == 784 else {
            throw CommandFailure("\(mnist): images of shape \(file.dimensions), not 28×28")
        }
        let count = min(vectors ?? Self.fixtureDigits, file.dimensions[0])
        let images = (0..<count).map { Array(file.data[($0 * 784)..<(($0 + 1) * 784)]) }
        return (images, "the first \(count) images of \(mnist)")
    }

    func write(_ files: [ExportedFile], to directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandFailure("\(directory): exists and is not a directory")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CommandFailure("\(directory): cannot create the directory (\(error.localizedDescription))")
        }
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do { try Data(file.bytes).write(to: URL(fileURLWithPath: path)) } catch {
                throw CommandFailure("\(path): cannot write (\(error.localizedDescription))")
            }
        }
    }

    /// Chapter 11's table: per layer the widths of the factors, the product, the accumulator
    /// (worst case and seen) and the requantization's product.
    func widthReport(_ contract: NetworkContract, _ survey: AccumulatorSurvey, classAgreements: Int, source: String) -> String {
        func range<T: BinaryInteger>(_ r: ClosedRange<T>) -> String { "\(r.lowerBound)…\(r.upperBound)" }
        var out = "\(options.model), \(kernels.rawValue) kernels, over \(source)\n"
        for (index, width) in LayerWidths.of(contract).enumerated() {
            out += "op \(width.operatorIndex), \(width.inputCount) inputs: q_w − Z2 in \(range(width.weightTerms)), q_in − Z1 in \(range(width.inputTerms)), products of \(width.productBits) bits\n"
            out += "  acc, worst case:   \(range(width.worstCase)), \(width.worstCaseBits) bits (chapter 4's bound before the bias: \(width.productsBound.bits) bits)\n"
            if let seen = survey.seen[index] {
                out += "  acc, largest seen: \(range(seen)), \(twosComplementBits(seen)) bits\n"
                out += "  x·M0 of (11.3): \(width.multiplyBits(accumulators: width.worstCase)) bits worst case, \(width.multiplyBits(accumulators: seen)) bits seen\n"
            }
        }
        let last = contract.layers[contract.layers.count - 1].operatorIndex
        out += "the class, argmax of op \(last)'s codes, is the network's prediction on \(classAgreements) of \(survey.imageCount) images\n"
        return out
    }
}
