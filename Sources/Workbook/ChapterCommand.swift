// `workbook chapter N`: prints chapter N's narration, which lives in the chapter's own module
// (Sources/Chapters/NN-Name/Narration.swift), on a real digit with the real model's numbers.
// This output is what the prose in chapters/ quotes in its console blocks, checked byte for
// byte by the book test. This file only gathers the narration's context.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch03FloatNetwork
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch06Requantize
import Ch07Clamp
import Ch08Softmax
import Ch09Network
import Ch10Pixels
import Ch11Hardware
import Ch12YourPort
import Ch13FastEngine
import Ch14Convolution
import Ch15Pooling
import Ch16ConvolutionalNetwork
import Ch17ConvolutionalExport
import Foundation
import ShippedFiles

struct ChapterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter",
        abstract: "Narrate a chapter on a real digit, with the model's real numbers.")

    /// The book, in order: chapter N is entry N − 1.
    static let narrations: [Narration] = [
        narrateChapter1, narrateChapter2, narrateChapter3, narrateChapter4, narrateChapter5, narrateChapter6,
        narrateChapter7, narrateChapter8, narrateChapter9, narrateChapter10, narrateChapter11, narrateChapter12,
        narrateChapter13, narrateChapter14, narrateChapter15, narrateChapter16, narrateChapter17,
    ]

    @Argument(help: "The chapter number, 1 to 17.")
    var number: Int

    @OptionGroup var options: ModelOptions

    @Option(help: "Which fixture digit to narrate (0 to 63): the digits tools/reference.py ran through TFLite.")
    var digit: Int = 0

    func validate() throws {
        guard (1...Self.narrations.count).contains(number) else { throw ValidationError("there are chapters 1 to \(Self.narrations.count), not \(number)") }
        guard (0..<64).contains(digit) else { throw ValidationError("--digit takes 0 to 63") }
        // The narrations feed each model the fixture digits with its input tensor's own mapping.
        if options.inputRange != nil {
            throw ValidationError("--input-range applies to classify, trace, eval, tensors, render, export and widths; the chapters narrate each model with its input tensor's own mapping")
        }
    }

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            let context = try narrationContext(loaded)
            do { print(try Self.narrations[number - 1](context), terminator: "") } catch {
                throw CommandFailure("\(loaded.name): \(error)")
            }
        }
    }

    /// The fixture's digits and, for each, the integer codes TFLite's reference kernels gave
    /// every tensor: LiteRT's own when the model is a shipped one, else chapter 9's network.
    func narrationContext(_ loaded: LoadedModel) throws -> NarrationContext {
        do {
            let manifest = try ShippedFiles.manifest()
            let narrated = try ShippedFiles.fixture(manifest.narrationDigits)
            let digits = narrated.digits
            let reference: [[Int: [Int32]]], source: String
            // LiteRT's own codes when the model's fixture ran the same digits (a CNN's fixture
            // holds 16 other digits: its codes come from chapter 9's network instead).
            if let entry = ShippedFiles.entry(forModelFile: loaded.file), case let fixture = try ShippedFiles.fixture(entry.fixture),
               fixture.images.map(\.row) == narrated.images.map(\.row),
               let run = fixture.run(KernelFamily.reference.resolver) {
                reference = digits.indices.map { image in fixture.integerTensors(of: run, image: image) }
                source = "LiteRT's reference"
            } else {
                // Chapters 1 to 3 need no reference codes, so a model chapter 9 refuses is still
                // narrated there; the later chapters then say which codes are missing.
                let network = try? loaded.network(.reference)
                reference = try digits.map { digit in try network?.run(pixels: digit.pixels).integerTensors ?? [:] }
                source = "chapter 9's reference"
            }
            return NarrationContext(model: loaded.model, modelPath: loaded.name, modelFile: loaded.file, digit: digit, digits: digits,
                                    reference: reference, referenceSource: source, floatModelPath: manifest.floatModel,
                                    shippedFile: { try ShippedFiles.path($0) })
        } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
    }
}

extension ReferenceFixture {
    /// The fixture's digits, as the narrations take them.
    var digits: [NarrationDigit] {
        images.indices.map { index in
            NarrationDigit(pixels: pixels(ofImage: index), label: images[index].label, mlxtendRow: images[index].row)
        }
    }

    /// The model's input and every integer tensor `run` wrote, for one image.
    func integerTensors(of run: Run, image: Int) -> [Int: [Int32]] {
        var tensors: [Int: [Int32]] = [:]
        for tensor in [input] + (run.outputs ?? []) {
            if let values = tensor.integers(image: image) { tensors[tensor.index] = values.map { Int32(truncatingIfNeeded: $0) } }
        }
        return tensors
    }
}

extension NetworkRun {
    /// Every integer tensor of the run, by index.
    var integerTensors: [Int: [Int32]] { tensors.compactMapValues(\.integers) }
}
