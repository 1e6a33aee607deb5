// Chapter 10 — reading a PNG with libpng's simplified API (`png_image_begin_read_*`, then
// `png_image_finish_read`), whatever its colour type, bit depth or interlacing, into 8-bit
// RGBA. Prose: chapters/10-pixels.md, step 1.
//
// libpng does the format work: palettes and tRNS become alpha, 1-, 2- and 4-bit samples are
// widened, 16-bit ones narrowed, Adam7 interlacing undone, and a gAMA, sRGB or iCCP chunk is
// honoured by converting the samples to sRGB. Two choices are ours:
//   * a 16-bit file with no colour-space chunk is taken as sRGB (PNG_IMAGE_FLAG_16BIT_sRGB);
//     libpng's default would take it as linear light and brighten it (32896 → 186, not 128);
//   * we ask for RGBA, not libpng's own grey (PNG_FORMAT_GRAY), and make grey ourselves
//     (Luminance.swift): libpng's converts in linear light with the sRGB primaries'
//     coefficients (pure red → 126, pure green → 219, pure blue → 76), a rule that cannot be
//     checked by hand.
// The simplified API reports errors and warnings in `image.message` and never prints: a
// damaged file costs one line from us, nothing from libpng.

import Ch01TFLiteFile
import CLibPNG
import Foundation

/// A decoded PNG: 8-bit, non-premultiplied sRGB red, green, blue and alpha, row-major.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// width·height·4 bytes: R, G, B, A for each pixel, rows top to bottom.
    public let samples: [UInt8]
    /// What the file held, in words: "RGB, 8-bit", "palette", "grey + alpha, 16-bit".
    public let fileFormat: String

    public init(width: Int, height: Int, samples: [UInt8], fileFormat: String) {
        precondition(samples.count == width * height * 4, "\(width)×\(height) RGBA needs \(width * height * 4) bytes")
        (self.width, self.height, self.samples, self.fileFormat) = (width, height, samples, fileFormat)
    }
}

public enum PNGReader {
    // snippet.pixel-cap
    /// The largest image we decode: 2^24 pixels (4096×4096), whose RGBA buffer is 64 MiB.
    /// The header declares the size before any pixel is read, so a file that claims more is
    /// refused before anything is allocated for it; a digit needs a few hundred pixels a side.
    public static let maximumPixels = 1 << 24

    /// The largest file we read: 256 MiB, four times the pixel cap's RGBA buffer, room for any
    /// PNG within it; a larger file is refused before it is read into memory.
    public static let maximumFileBytes = 1 << 28
    // snippet.end

    /// Reads the PNG file at `path`.
    public static func read(path: String) throws(PixelsError) -> RGBAImage {
        let bytes: [UInt8]
        do { bytes = try UserFile.read(path, kind: "a PNG file", maximumBytes: maximumFileBytes) } catch {
            throw PixelsError(path: error.path, reason: error.reason)
        }
        return try decode(bytes, name: path)
    }

    /// Decodes the bytes of a PNG file; `name` is what errors call it.
    public static func decode(_ bytes: [UInt8], name: String) throws(PixelsError) -> RGBAImage {
        guard !bytes.isEmpty else { throw PixelsError(path: name, reason: "is empty, not a PNG file") }
        guard bytes.starts(with: pngSignature) else { throw notPNG(name) }
        let result: Result<RGBAImage, PixelsError> = bytes.withUnsafeBytes { memory in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            defer { png_image_free(&image) }
            // snippet.read-header
            // The header first: width, height and format, and nothing allocated for pixels.
            guard png_image_begin_read_from_memory(&image, memory.baseAddress, memory.count) != 0 else {
                return .failure(PixelsError(path: name, reason: "damaged PNG: \(message(of: image))"))
            }
            let (width, height) = (Int(image.width), Int(image.height))
            guard width * height <= maximumPixels else {  // each is below 2^31: no overflow in Int
                return .failure(PixelsError(path: name, reason: "the header declares \(width)×\(height) pixels, more than the \(maximumPixels) we decode"))
            }
            let fileFormat = describe(image.format)
            // Then the pixels, as 8-bit sRGB RGBA; a 16-bit file without gAMA is sRGB too.
            image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            var samples = [UInt8](repeating: 0, count: width * height * 4)
            guard png_image_finish_read(&image, nil, &samples, 0, nil) != 0 else {
                return .failure(PixelsError(path: name, reason: "damaged PNG: \(message(of: image))"))
            }
            // snippet.end
            return .success(RGBAImage(width: width, height: height, samples: samples, fileFormat: fileFormat))
        }
        return try result.get()
    }

    /// The eight bytes every PNG file starts with.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func notPNG(_ name: String) -> PixelsError {
        PixelsError(path: name, reason: "not a PNG file: it does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A")
    }

    /// libpng's message, which it keeps in the image instead of printing.
    static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? "libpng gave no reason" : text
    }

    /// The format libpng reports for the file itself, before any conversion.
    static func describe(_ format: UInt32) -> String {
        let colour = format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        var words = format & UInt32(PNG_FORMAT_FLAG_COLORMAP) != 0 ? "palette" : (colour ? "RGB" : "grey")
        if alpha { words += format & UInt32(PNG_FORMAT_FLAG_COLORMAP) != 0 ? " with transparency" : (colour ? "A" : " + alpha") }
        if format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0 { words += ", 16-bit" }
        return words
    }
}
