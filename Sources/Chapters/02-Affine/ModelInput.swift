// Chapter 2 — an image as the model's input tensor.
//
// The workbook's own models were trained on the real values pixel/255 in [0, 1]
// (tools/train.py). A float model takes those reals; a quantized model takes codes. By default
// pixel p becomes code qmin + p, which spans the input tensor's own range (PixelMapping below):
// for S = 1/255 that is the raw pixel (uint8, Z = 0) or pixel − 128 (int8, Z = −128), the
// values tools/reference.py fed LiteRT (tools/litert_io.py `encode_images`), and the same codes
// as quantize(pixel/255). A person's model trained on [−1, 1] gets its own range the same way.
// Prose: chapters/02-affine.md.

import Ch01TFLiteFile
import Foundation

// snippet.pixel-real
/// The real value a pixel stands for: pixel/255, a float32 division, as the models were trained
/// and fed (tools/litert_io.py: `pixels.astype(np.float32) / np.float32(255.0)`).
public func pixelReal(_ pixel: UInt8) -> Float {
    Float(pixel) / 255
}

/// The codes of an image for a quantized input tensor: q = quantize(pixel/255) for each pixel.
public func inputCodes(pixels: [UInt8], quantization: AffineQuantization) -> [Int32] {
    pixels.map { quantization.quantize(pixelReal($0)) }
}
// snippet.end

/// The values a model's input tensor holds for an image, in the tensor's own type.
public enum InputValues: Sendable, Equatable {
    /// A quantized input (uint8, int8): the codes, and the mapping that gives them meaning.
    case quantized(codes: [Int32], quantization: AffineQuantization)
    /// A float32 input: pixel/255 itself.
    case real([Float])

    /// The codes, or nil for a float input.
    public var codes: [Int32]? {
        if case .quantized(let codes, _) = self { return codes }
        return nil
    }

    /// The real numbers the input stands for: the floats, or the codes dequantized.
    public var reals: [Float] {
        switch self {
        case .quantized(let codes, let quantization): codes.map(quantization.dequantize)
        case .real(let values): values
        }
    }
}

// snippet.pixel-mapping
/// How pixels 0…255 become the real numbers a model was trained on. The workbook's own models
/// were trained on pixel/255, but many people train on [−1, 1], or on (pixel/255 − mean)/std.
/// A quantized input tensor says which: its codes qmin…qmax span S·(qmin − Z) … S·(qmax − Z),
/// the range the converter saw in the representative data, and 8-bit codes have exactly 256
/// values, one per pixel value.
public enum PixelMapping: Sendable, Equatable {
    /// Pixels onto the input tensor's own range: pixel p is code qmin + p, real S·(qmin + p − Z).
    /// No rounding at all: p − 128 for an int8 input, p itself for a uint8 one.
    case inputTensorRange
    /// real = lo + (hi − lo)·(p/255), each operation in float32 in that order (p/255 first,
    /// as `pixelReal`), then quantized as TFLite's QUANTIZE does: `quantize`, eq. (2.2).
    case reals(lo: Float, hi: Float)

    /// The mapping a model gets unless told otherwise: a quantized input's own range; [0, 1]
    /// for a float input, which carries no range.
    public static func standard(for tensor: Tensor) -> PixelMapping {
        tensor.type == .float32 ? .reals(lo: 0, hi: 1) : .inputTensorRange
    }

    /// The real value of pixel p under `.reals`.
    public static func real(_ pixel: UInt8, lo: Float, hi: Float) -> Float {
        lo + (hi - lo) * pixelReal(pixel)
    }
}
// snippet.end

extension PixelMapping {
    /// "pixel − 128", "pixel", "pixel + 5".
    static func pixelPlus(_ offset: Int32) -> String {
        offset == 0 ? "pixel" : offset < 0 ? "pixel − \(-Int(offset))" : "pixel + \(offset)"
    }

    /// "pixels 0…255 → reals −0.9961…1.004 (from the input tensor's quantization)".
    public func summary(for tensor: Tensor) -> String {
        func number(_ value: Float) -> String {
            let text = String(format: "%.4g", Double(value))
            return text.hasPrefix("-") ? "−" + text.dropFirst() : text
        }
        switch self {
        case .inputTensorRange:
            guard let quantization = try? AffineQuantization(tensor: tensor) else { return "pixels 0…255 onto the input tensor's range" }
            let range = quantization.realRange
            return "pixels 0…255 → reals \(number(range.lowerBound))…\(number(range.upperBound)) (from the input tensor's quantization: code = \(Self.pixelPlus(quantization.codeRange.lowerBound)))"
        case .reals(let lo, let hi):
            let source = self == .standard(for: tensor) ? "a float input carries no range: the workbook's default, set with --input-range" : "--input-range"
            return "pixels 0…255 → reals \(number(lo))…\(number(hi)) (\(source))"
        }
    }
}

/// The input values for `pixels` (784 of them, 0…255, row-major 28×28) in the type of `tensor`,
/// normally the model's input tensor `model.main.tensors[model.main.inputs[0]]`, mapped by
/// `mapping` (the tensor's standard one when nil).
public func inputValues(pixels: [UInt8], for tensor: Tensor, mapping: PixelMapping? = nil) throws(AffineQuantizationError) -> InputValues {
    guard let count = tensor.elementCount, count == pixels.count else {
        throw AffineQuantizationError("the input tensor \(tensor.index) '\(tensor.name)' has shape \(tensor.shape); an image has \(pixels.count) pixels")
    }
    let mapping = mapping ?? .standard(for: tensor)
    switch (tensor.type, mapping) {
    case (.float32, .reals(let lo, let hi)):
        return .real(pixels.map { PixelMapping.real($0, lo: lo, hi: hi) })
    case (.float32, .inputTensorRange):
        throw AffineQuantizationError("the input tensor \(tensor.index) '\(tensor.name)' is float32 and has no range of codes to map pixels onto")
    case (.uint8, _), (.int8, _):
        let quantization = try AffineQuantization(tensor: tensor)
        switch mapping {
        case .inputTensorRange:
            let first = quantization.codeRange.lowerBound
            return .quantized(codes: pixels.map { first + Int32($0) }, quantization: quantization)
        case .reals(let lo, let hi):
            return .quantized(codes: pixels.map { quantization.quantize(PixelMapping.real($0, lo: lo, hi: hi)) }, quantization: quantization)
        }
    default:
        throw AffineQuantizationError("the input tensor \(tensor.index) '\(tensor.name)' is \(tensor.type); the workbook feeds float32, uint8 or int8")
    }
}
