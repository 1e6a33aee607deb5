// Chapter 10 — writing PNGs with libpng's simplified API (`png_image_write_to_memory`): grey,
// RGB, or an 8-bit palette. The workbook's figures (`workbook render`) are made with it.
// Prose: chapters/10-pixels.md, "Figures".

import CLibPNG
import Foundation

public enum PNGWriter {
    /// The pixels of a picture to write, in one of the three forms we need.
    public enum Pixels: Sendable {
        /// One byte per pixel, 0 black to 255 white.
        case gray([UInt8])
        /// Three bytes per pixel: red, green, blue.
        case rgb([UInt8])
        /// One byte per pixel, an index into `palette`: up to 256 (red, green, blue) colours.
        case indexed([UInt8], palette: [(UInt8, UInt8, UInt8)])
    }

    /// The bytes of a PNG file holding `pixels`, `width`×`height`, rows top to bottom.
    public static func encode(_ pixels: Pixels, width: Int, height: Int) throws(PixelsError) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        (image.width, image.height) = (UInt32(width), UInt32(height))
        // Swift does not import png.h's composite format macros; we spell them with the flags.
        let samples: [UInt8]
        var colormap: [UInt8] = []
        switch pixels {
        case .gray(let values):
            (image.format, samples) = (UInt32(PNG_FORMAT_GRAY), values)
        case .rgb(let values):
            (image.format, samples) = (UInt32(PNG_FORMAT_FLAG_COLOR), values)
        case .indexed(let values, let palette):
            precondition((1...256).contains(palette.count), "a PNG palette has 1 to 256 colours")
            (image.format, samples) = (UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_COLORMAP)  /* PNG_FORMAT_RGB_COLORMAP */, values)
            image.colormap_entries = UInt32(palette.count)
            colormap = palette.flatMap { [$0.0, $0.1, $0.2] }
        }
        let channels = if case .rgb = pixels { 3 } else { 1 }
        precondition(samples.count == width * height * channels, "\(width)×\(height) needs \(width * height * channels) bytes")
        // Ask for the size first, then write into a buffer of that size.
        var size = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, samples, 0, colormap.isEmpty ? nil : colormap) != 0 else {
            throw PixelsError(path: "(PNG in memory)", reason: PNGReader.message(of: image))
        }
        var bytes = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&image, &bytes, &size, 0, samples, 0, colormap.isEmpty ? nil : colormap) != 0 else {
            throw PixelsError(path: "(PNG in memory)", reason: PNGReader.message(of: image))
        }
        return Array(bytes.prefix(size))
    }

    /// Writes a PNG file at `path`.
    public static func write(_ pixels: Pixels, width: Int, height: Int, to path: String) throws(PixelsError) {
        let bytes = try encode(pixels, width: width, height: height)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw PixelsError(path: path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }
}
