// Chapter 10 — from colour to one 8-bit grey per pixel: each channel composited over white
// paper, equation (10.1), then the Rec. 601 luma of the three, equation (10.2), the weights
// JPEG and most image libraries use for "convert to greyscale" (Pillow's mode "L" among them).
// Both work on the sRGB-encoded 8-bit values, as a paint program shows them, not in linear
// light. MNIST's own digits were bilevel scans, so no colour rule is "right" for them; we
// choose one the reader can check by hand. Prose: chapters/10-pixels.md, step 1.

/// One 8-bit grey per pixel, row-major: 0 is black, 255 is white.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "\(width)×\(height) pixels, not \(pixels.count)")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    public subscript(row: Int, column: Int) -> UInt8 { pixels[row * width + column] }

    /// The grey of every pixel of a decoded PNG, seen on white paper.
    public init(_ image: RGBAImage) {
        var pixels = [UInt8](repeating: 0, count: image.width * image.height)
        image.samples.withUnsafeBufferPointer { rgba in
            for index in pixels.indices {
                let alpha = rgba[4 * index + 3]
                pixels[index] = luminance(red: overWhite(rgba[4 * index], alpha: alpha),
                                          green: overWhite(rgba[4 * index + 1], alpha: alpha),
                                          blue: overWhite(rgba[4 * index + 2], alpha: alpha))
            }
        }
        self.init(width: image.width, height: image.height, pixels: pixels)
    }
}

// snippet.over-white
/// (10.1) A channel value c with opacity a, seen on white paper: (c·a + 255·(255 − a)) / 255,
/// rounded to nearest. The divisor 255 is odd, so the quotient is never exactly k + ½: adding
/// 127 before the integer division rounds every value to nearest.
public func overWhite(_ channel: UInt8, alpha: UInt8) -> UInt8 {
    let (c, a) = (Int(channel), Int(alpha))
    return UInt8((c * a + 255 * (255 - a) + 127) / 255)
}

/// (10.2) Rec. 601 luma: Y = 0.299·R + 0.587·G + 0.114·B, rounded half up. The weights sum
/// to 1, so a grey (g, g, g) stays g and white stays 255.
public func luminance(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
    let weighted = 299 * Int(red) + 587 * Int(green) + 114 * Int(blue)
    return UInt8((weighted + 500) / 1000)
}
// snippet.end
