// Chapter 2 — an image as the model's input tensor.
//
// Every model was trained on the real values pixel/255 in [0, 1] (tools/train.py). A float
// model takes those reals; a quantized model takes their codes q = quantize(pixel/255), eq. (2.2).
// We compute the codes from the model's own S and Z exactly as TFLite's QUANTIZE does for the
// float-input model (reference/quantize.h), which for S = 1/255 gives the raw pixel (uint8,
// Z = 0) or pixel − 128 (int8, Z = −128): the values tools/reference.py fed LiteRT
// (tools/litert_io.py `encode_images`). Prose: chapters/02-affine.md.

import Ch01TFLiteFile

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

/// The input values for `pixels` (784 of them, 0…255, row-major 28×28) in the type of `tensor`,
/// normally the model's input tensor `model.main.tensors[model.main.inputs[0]]`.
public func inputValues(pixels: [UInt8], for tensor: Tensor) throws(AffineQuantizationError) -> InputValues {
    guard let count = tensor.elementCount, count == pixels.count else {
        throw AffineQuantizationError("the input tensor \(tensor.index) '\(tensor.name)' has shape \(tensor.shape); an image has \(pixels.count) pixels")
    }
    switch tensor.type {
    case .float32:
        return .real(pixels.map(pixelReal))
    case .uint8, .int8:
        let quantization = try AffineQuantization(tensor: tensor)
        return .quantized(codes: inputCodes(pixels: pixels, quantization: quantization), quantization: quantization)
    default:
        throw AffineQuantizationError("the input tensor \(tensor.index) '\(tensor.name)' is \(tensor.type); the workbook feeds float32, uint8 or int8")
    }
}
