// A small indexed-colour canvas for `workbook render`: rectangles, lines and lettering in
// palette colours, written as a palette PNG by chapter 10's writer (one byte per pixel, so a
// figure stays small).

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
        let (rows, columns) = (max(top, 0)..<max(min(top + height, self.height), max(top, 0)), max(left, 0)..<max(min(left + width, self.width), max(left, 0)))
        for row in rows {
            for column in columns { pixels[row * self.width + column] = colour }
        }
    }

    /// Sets one pixel, if it lies on the canvas.
    mutating func plot(row: Int, column: Int, colour: UInt8) {
        guard (0..<height).contains(row), (0..<width).contains(column) else { return }
        pixels[row * width + column] = colour
    }

    /// A straight line from (row0, column0) to (row1, column1), `thickness` pixels wide,
    /// Bresenham's walk; `dash` pixels on and off alternate when it is set; `clip` keeps the
    /// line inside a plot's frame; two dashed lines on the same pixels, `dashPhase` one dash
    /// apart, alternate their colours.
    mutating func line(from start: (row: Int, column: Int), to end: (row: Int, column: Int), colour: UInt8,
                       thickness: Int = 1, dash: Int? = nil, dashPhase: Int = 0, clip: PixelRect? = nil) {
        let (dr, dc) = (abs(end.row - start.row), abs(end.column - start.column))
        let (sr, sc) = (start.row < end.row ? 1 : -1, start.column < end.column ? 1 : -1)
        var (row, column, error, step) = (start.row, start.column, dc - dr, 0)
        while true {
            if dash.map({ ((step + dashPhase) / $0) % 2 == 0 }) ?? true {
                for r in 0..<thickness {
                    for c in 0..<thickness {
                        let (y, x) = (row + r - thickness / 2, column + c - thickness / 2)
                        if clip?.contains(row: y, column: x) ?? true { plot(row: y, column: x, colour: colour) }
                    }
                }
            }
            if row == end.row && column == end.column { break }
            let doubled = 2 * error
            if doubled > -dr { error -= dr; column += sc }
            if doubled < dc { error += dc; row += sr }
            step += 1
        }
    }

    /// `text` in chapter BitmapFont's glyphs, `scale` pixels per font pixel, its top left
    /// corner at (top, left); `upward` turns it a quarter left, for a vertical axis's label.
    mutating func text(_ text: String, top: Int, left: Int, colour: UInt8, scale: Int = 2, upward: Bool = false) {
        for (position, character) in text.enumerated() {
            for (glyphRow, bits) in BitmapFont.rows(character).enumerated() {
                for glyphColumn in 0..<BitmapFont.glyphWidth where bits & (0x10 >> glyphColumn) != 0 {
                    let along = position * BitmapFont.advance + glyphColumn
                    // Upward text runs from the bottom (top + its length) to the top.
                    let (row, column) = upward
                        ? (top + BitmapFont.width(text, scale: 1) - 1 - along, left + glyphRow)
                        : (top + glyphRow, left + along)
                    fill(top: top + (row - top) * scale, left: left + (column - left) * scale, width: scale, height: scale, colour: colour)
                }
            }
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

/// A rectangle of pixels: rows [top, top + height), columns [left, left + width).
struct PixelRect {
    let top: Int, left: Int, width: Int, height: Int
    var bottom: Int { top + height - 1 }
    var right: Int { left + width - 1 }
    func contains(row: Int, column: Int) -> Bool { (top...bottom).contains(row) && (left...right).contains(column) }
}
