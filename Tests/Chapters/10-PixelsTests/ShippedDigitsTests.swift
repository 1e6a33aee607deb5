// images/digits/: the twenty pictures tools/make_digits.py draws from MNIST digits. Each is
// read, and where the style loses nothing (enlarged by whole pixels, inverted, moved, made
// transparent, stored in 16 bits, interlaced), chapter 10 gives back the MNIST digit exactly.

import Ch10Pixels
import Foundation
import TestSupport
import Testing

let shippedDigits: [String] = {
    let directory = RepositoryFiles.path("images/digits")
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
}()

/// "mnist-train-03085-label-6-240x160-off-centre.png" → (3085, 6, "240x160-off-centre").
func provenance(_ name: String) -> (row: Int, label: Int, style: String)? {
    let parts = name.dropLast(4).split(separator: "-", maxSplits: 5)
    guard parts.count == 6, parts[0] == "mnist", parts[1] == "train", parts[3] == "label",
          let row = Int(parts[2]), let label = Int(parts[4]) else { return nil }
    return (row, label, String(parts[5]))
}

/// The styles that carry every pixel of the digit through; the others change its greys.
let losslessStyles: Set<String> = [
    "28-white-on-black", "280-rgb-black-on-white", "112-rgba-transparent", "240x160-off-centre",
    "56-grey-16-bit", "84-interlaced",
]

/// The styles that keep every pixel's share of ink but not full contrast: (the strongest ink
/// we see, as a fraction of MNIST's, and the tolerance in grey levels), from the colours in
/// tools/make_digits.py through (10.1) to (10.3).
let fadedStyles: [String: (contrast: Double, tolerance: Double)] = [
    // Grey ink 40 at full opacity: inverted 215 on paper 0, so ink v looks like v·215/255;
    // ±1 for the two roundings of (10.1) and of luma.
    "84-grey-alpha": (215.0 / 255, 1),
    // Red ink (200, 30, 30), luma 81, on paper (200, 220, 255), luma 218: inverted, paper 37,
    // ink 174, so (10.3) stretches 137 of 218 levels: v·137/218. ±2 for three roundings.
    "84-red-on-blue": (137.0 / 218, 2),
    // Ink luma 37 on paper luma 237: 200 of 237 levels, in 16 steps of 17 MNIST levels, so up
    // to 8.5·200/237 ≈ 7.2 levels off, +2 for the roundings.
    "140-palette": (200.0 / 237, 9.2),
]

@Test func `there are twenty shipped digits, two of each class, named after their MNIST source`() throws {
    #expect(shippedDigits.count == 20)
    let sources = try shippedDigits.map { try #require(provenance($0), "\($0) is not named mnist-train-ROW-label-D-STYLE.png") }
    #expect(Dictionary(grouping: sources, by: \.label).mapValues(\.count) == Dictionary(uniqueKeysWithValues: (0...9).map { ($0, 2) }))
    for source in sources { #expect(fixtureDigit(row: source.row).label == source.label, "row \(source.row)") }
}

@Test(arguments: shippedDigits)
func `a shipped digit is read, and a lossless style gives back its MNIST pixels`(name: String) throws {
    let source = try #require(provenance(name))
    let picture = try DigitPicture.read(path: RepositoryFiles.path("images/digits/\(name)"))
    let side = source.style.split(separator: "-")[0].split(separator: "x").compactMap { Int($0) }
    #expect([picture.decoded.width, picture.decoded.height] == (side.count == 2 ? side : [side[0], side[0]]))
    let digit = fixtureDigit(row: source.row)
    if losslessStyles.contains(source.style) {
        #expect(picture.pixels == digit.pixels)
    } else if let faded = fadedStyles[source.style] {
        let worst = zip(picture.pixels, digit.pixels).map { abs(Double($0) - Double($1) * faded.contrast) }.max()!
        #expect(worst <= faded.tolerance, "\(name): a pixel is \(worst) levels from the faded MNIST digit")
    } else {
        // The 1-bit picture keeps only the shape: most strong ink (≥ 128) lands on ink.
        #expect(source.style == "140-bilevel")
        let strong = digit.pixels.indices.filter { digit.pixels[$0] >= 128 }
        let kept = strong.filter { picture.pixels[$0] >= 64 }.count
        #expect(Double(kept) >= 0.8 * Double(strong.count), "\(name): \(kept) of \(strong.count) strong pixels kept")
    }
}

@Test func `the styles cover grey, RGB, RGBA, grey + alpha, palette, 16-bit and interlaced files`() throws {
    let formats = try Set(shippedDigits.map { try DigitPicture.read(path: RepositoryFiles.path("images/digits/\($0)")).decoded.fileFormat })
    #expect(formats == ["grey", "RGB", "RGBA", "grey + alpha", "palette", "grey, 16-bit"])
}
