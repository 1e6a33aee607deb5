// `workbook export` (chapter 11): the integer contract of every FULLY_CONNECTED layer and golden
// vectors, written as a C header, $readmemh .mem files, Xilinx .coe, Intel .mif, numpy .npy or
// JSON, for hardware/c/reference.c, hardware/verilog/ and whatever the reader builds next. On a
// CNN, chapter 17's contract of every layer, for hardware/c/convolutional.c.
// `workbook widths` (Widths.swift) prints the accumulator widths instead.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Ch11Hardware
import Ch13FastEngine
import Ch17ConvolutionalExport
import Foundation
import ShippedFiles

extension ExportFormat: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 11: the integer contract and golden vectors, for C, Verilog, Vivado, Quartus, numpy.",
        discussion: """
            Writes each FULLY_CONNECTED layer's weights and zero points, int32 bias, M0 and shift, \
            clamp bounds and output zero point, and golden vectors (input codes, every layer's int32 \
            accumulators and output codes, the class) into --out, with a README.md on the packing. \
            On a CNN (chapter 17), every CONV_2D, DEPTHWISE_CONV_2D, pooling, MEAN and \
            FULLY_CONNECTED layer, with its window, strides, dilation and padding, for \
            hardware/c/convolutional.c.
            """)

    @OptionGroup var options: ModelOptions
    @OptionGroup var contract: ContractOptions

    @Option(help: ArgumentHelp("c, mem, coe, mif, npy or json.", valueName: "format"))
    var format: ExportFormat

    @Option(help: ArgumentHelp("The directory to write into, created if missing.", valueName: "directory"))
    var out: String

    @OptionGroup var digits: DigitOptions

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            if loaded.model.firstPartTwoOperator != nil { return try exportConvolutional(loaded) }
            let contract = try self.contract.contract(of: loaded)
            let (images, source) = try digits.images()
            let golden = try goldenVectors(contract, loaded, images: images, source: source)
            var command = "workbook export --model \(loaded.name) --kernels \(contract.family.rawValue) --format \(format.rawValue) --vectors \(images.count)"
            if let mnist = digits.mnist { command += " --mnist \(mnist)" }
            let export = HardwareExport(contract: contract, vectors: golden, modelPath: loaded.name, command: command)
            let files = export.writers(format)
            try write(files, to: out)
            print("\(loaded.name), \(contract.family.rawValue) kernels: \(contract.layers.count) layers and \(images.count) golden vectors, \(files.count) files in \(out)")
            print("wrote " + files.map(\.name).joined(separator: ", "))
        }
    }

    /// A CNN (chapter 17): its layers' contract, golden vectors from chapter 16's network.
    func exportConvolutional(_ loaded: LoadedModel) throws {
        let contract: ConvolutionalContract
        do { contract = try ConvolutionalContract(model: loaded.model, family: self.contract.kernels) } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
        let (images, source) = try digits.images()
        let golden: ConvolutionalVectors
        do {
            golden = try ConvolutionalVectors(contract: contract, model: loaded.model, images: images, source: source, pixelMapping: loaded.pixelMapping)
        } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
        var command = "workbook export --model \(loaded.name) --kernels \(contract.family.rawValue) --format \(format.rawValue) --vectors \(images.count)"
        if let mnist = digits.mnist { command += " --mnist \(mnist)" }
        let files = ConvolutionalExport(contract: contract, vectors: golden, modelPath: loaded.name, command: command).writers(format)
        try write(files, to: out)
        let kinds = contract.layers.map(\.kind.operatorName).joined(separator: ", ")
        print("\(loaded.name), \(contract.family.rawValue) kernels: \(contract.layers.count) layers (\(kinds)) and \(images.count) golden vectors, \(files.count) files in \(out)")
        print("wrote " + files.map(\.name).joined(separator: ", "))
    }

    /// The golden vectors, by chapter 13's fast engine in batches (the same integers as chapter 9's
    /// network, which GoldenVectors' own init runs).
    func goldenVectors(_ contract: NetworkContract, _ loaded: LoadedModel, images: [[UInt8]], source: String) throws -> GoldenVectors {
        do {
            let fast = try FastNetwork(Network(model: loaded.model, family: contract.family, pixelMapping: loaded.pixelMapping))
            var vectors: [GoldenVector] = []
            vectors.reserveCapacity(images.count)
            try forEachBatch(fast, images: images[...], batch: 128, source: source) { _, run in
                for row in 0..<run.rows { vectors.append(try GoldenVector(contract: contract, run: fast.networkRun(run, row: row))) }
            }
            return GoldenVectors(source: source, vectors: vectors)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
    }

    func write(_ files: [ExportedFileWriter], to directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandFailure("\(directory): exists and is not a directory")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CommandFailure("\(directory): cannot create the directory (\(error.localizedDescription))")
        }
        // Every file is written beside its name first, a piece at a time as chapter 11 makes it
        // (one array's text in memory at once), then all are renamed into place: a failure (a
        // full disk, no permission) leaves no half-written file behind.
        let paths = files.map { (directory as NSString).appendingPathComponent($0.name) }
        var written: [String] = []
        for (file, path) in zip(files, paths) {
            let partial = path + ".partial"
            do {
                guard FileManager.default.createFile(atPath: partial, contents: nil),
                      let handle = FileHandle(forWritingAtPath: partial) else { throw CocoaError(.fileWriteNoPermission) }
                defer { try? handle.close() }
                try file.write { try handle.write(contentsOf: $0) }
            } catch {
                for leftover in written + [partial] { try? FileManager.default.removeItem(atPath: leftover) }
                throw CommandFailure("\(path): cannot write (\(error.localizedDescription)); nothing was written")
            }
            written.append(partial)
        }
        for (partial, path) in zip(written, paths) where rename(partial, path) != 0 {
            for leftover in written { try? FileManager.default.removeItem(atPath: leftover) }
            throw CommandFailure("\(path): cannot put the file in place (errno \(errno))")
        }
    }
}

/// The integer family of a contract, shared by `export` and `widths`.
struct ContractOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The rounding of the contract: micro (TFLite Micro) or optimized (LiteRT's builtin kernels).",
        valueName: "family"))
    var kernels: KernelFamily = .micro

    func validate() throws {
        guard FinalRounding(family: kernels) != nil else {
            throw ValidationError("--kernels \(kernels.rawValue) requantizes in \(kernels == .reference ? "double" : "float32"); the integer contract is micro or optimized")
        }
    }

    func contract(of loaded: LoadedModel) throws -> NetworkContract {
        do { return try NetworkContract(model: loaded.model, family: kernels) } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
    }
}

/// Which digits to run, shared by `export` and `widths`: the fixture's, or an MNIST file's.
struct DigitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "How many golden vectors (default: the 64 fixture digits, or the first 64 images of --mnist).")
    var vectors: Int?

    @Option(help: ArgumentHelp("Take the digits from an MNIST images file in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var mnist: String?

    static let fixtureDigits = 64

    func validate() throws {
        if let vectors, vectors < 1 { throw ValidationError("--vectors takes a count of at least 1, not \(vectors)") }
        if mnist == nil, let vectors, vectors > Self.fixtureDigits {
            throw ValidationError("the fixture has \(Self.fixtureDigits) digits; take more from an MNIST file with --mnist")
        }
    }

    /// The digits to run: the fixture's (what tools/reference.py ran through TFLite), or MNIST's.
    func images() throws -> (images: [[UInt8]], source: String) {
        guard let mnist else {
            let count = vectors ?? Self.fixtureDigits
            let images = Array(try fixtureDigitPixels().prefix(count))
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
}

/// The pixels of the fixture digits (models/manifest.json's narrationDigits): what
/// tools/reference.py ran through TFLite, and tools/broken_ports.py through ports/numpy/port.py.
func fixtureDigitPixels() throws -> [[UInt8]] {
    let fixture: ReferenceFixture
    do { fixture = try ShippedFiles.fixture(try ShippedFiles.manifest().narrationDigits) } catch { throw CommandFailure("\(error)") }
    return fixture.images.indices.map(fixture.pixels(ofImage:))
}
