// Chapter 10 — the whole path from a PNG file to the model's input tensor: decode (libpng),
// grey (10.1, 10.2), MNIST's preprocessing (10.3 to 10.7), then chapter 2's input
// quantization (2.2), q = quantize(pixel/255). Prose: chapters/10-pixels.md.

import Ch01TFLiteFile
import Ch02Affine

/// A picture of a digit, from its file to the 784 pixels the network reads.
public struct DigitPicture: Sendable {
    public let path: String
    /// What libpng decoded: 8-bit RGBA.
    public let decoded: RGBAImage
    /// Every step of the preparation, and its result.
    public let preprocessing: MNISTPreprocessing

    // snippet.picture
    /// Reads and prepares the PNG at `path`; every failure names the file and the reason.
    public static func read(path: String) throws(PixelsError) -> DigitPicture {
        let decoded = try PNGReader.read(path: path)                   // step 1: libpng → RGBA
        let gray = GrayImage(decoded)                                   // step 1: (10.1), (10.2)
        let preprocessing = try MNISTPreprocessing(gray, name: path)   // steps 2 to 5
        return DigitPicture(path: path, decoded: decoded, preprocessing: preprocessing)
    }

    /// 784 pixels, row-major 28×28, 0 (background) to 255 (ink), as in MNIST.
    public var pixels: [UInt8] { preprocessing.pixels }

    /// Step 6, chapter 2: the values of `tensor` (the model's input) for these pixels.
    /// `mapping` nil: the tensor's standard one (its own range; [0, 1] for a float input).
    public func inputValues(for tensor: Tensor, mapping: PixelMapping? = nil) throws -> InputValues {
        try Ch02Affine.inputValues(pixels: pixels, for: tensor, mapping: mapping)
    }
    // snippet.end
}
