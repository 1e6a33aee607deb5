// A small indexed-colour canvas for `workbook render`: rectangles of palette colours, written
// as a palette PNG by chapter 10's writer (one byte per pixel, so a figure stays small).

import Ch10Pixels

struct Canvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]
    let palette: [(UInt8, UInt8, UInt8)]

    init(width: Int, height: Int, palette: [(UInt8, UInt8, UInt8)], background: UInt8 = 0) {
        (self.width, self.height, self.palette) = (width, height, palette)
        pixels = Array(repeating: background, count: width * height)
    }

    /// Fills the rectangle [left, left + width) × [top, top + height), clipped to the canvas.
    mutating func fill(top: Int, left: Int, width: Int, height: Int, colour: UInt8) {
        for row in max(top, 0)..<min(top + height, self.height) where width > 0 {
            for column in max(left, 0)..<min(left + width, self.width) { pixels[row * self.width + column] = colour }
        }
    }

    func write(to path: String) throws {
        do { try PNGWriter.write(.indexed(pixels, palette: palette), width: width, height: height, to: path) } catch {
            throw CommandFailure(error.description)
        }
    }
}

/// 256 colours for signed values: index 128 + v for v in −127…127, white at 0, red for
/// positive, blue for negative; index 0 is a neutral grey for gaps.
let divergingPalette: [(UInt8, UInt8, UInt8)] = (0..<256).map { index in
    if index == 0 { return (160, 160, 160) }
    let t = Double(index - 128) / 127
    let fade = UInt8((255 * (1 - abs(t))).rounded())
    return t >= 0 ? (255, fade, fade) : (fade, fade, 255)
}

/// 256 greys, index = grey: 0 black, 255 white.
let greyPalette: [(UInt8, UInt8, UInt8)] = (0..<256).map { (UInt8($0), UInt8($0), UInt8($0)) }
