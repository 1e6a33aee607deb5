// images/photos/: four digits photographed on paper that is not flat (tools/make_digits.py:
// sensor noise, a lamp to one side, vignetting, all three). Step 3 estimates the paper where
// each pixel is (UnevenPaper.swift), and the digits are classified as their clean drawings
// are; a picture on flat paper never takes that path, so the 64 fixture digits and the
// twenty drawings of images/digits/ are prepared exactly as before.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
@testable import Ch10Pixels
import Foundation
import TestSupport
import Testing

let photos: [String] = {
    let directory = RepositoryFiles.path("images/photos")
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
}()

func preparedPhoto(_ name: String) throws -> MNISTPreprocessing {
    let decoded = try PNGReader.read(path: RepositoryFiles.path("images/photos/\(name)"))
    return try MNISTPreprocessing(GrayImage(decoded), name: name)
}

@Test func `the four photographs are there, one for each kind of uneven paper`() {
    #expect(photos.count == 4)
    #expect(photos.map { provenance($0)?.style ?? "" }.sorted() == ["photo-all-three", "photo-lamp-to-one-side", "photo-noisy-paper", "photo-vignetting"])
}

@Test(arguments: photos)
func `a photographed digit is found on its paper and classified as its label, in every family`(_ name: String) throws {
    let (_, label, _) = try #require(provenance(name))
    let prepared = try preparedPhoto(name)
    let paper = try #require(prepared.unevenPaper, "\(name): its border is not one grey")
    // The paper is 280×280 and the MNIST digit's 20×20 box was drawn 10 times larger, so the
    // ink box is at most 200 pixels and not the whole picture (as it was before step 3 knew
    // about uneven paper); a handful of strokes is kept, the noise's specks are not.
    #expect(max(prepared.inkBox.width, prepared.inkBox.height) <= 210, "\(name): ink box \(prepared.inkBox)")
    #expect(paper.keptPieces <= 2 && paper.pieces >= paper.keptPieces)
    #expect(prepared.inkPercent < 50)
    for model in RepositoryFiles.bookModels {
        let loaded = try Model.load(path: RepositoryFiles.path(model))
        let families: [KernelFamily] = try loaded.family() == .float ? [.reference] : KernelFamily.allCases
        for family in families {
            guard let network = try? Network(model: loaded, family: family) else { continue }  // micro refuses uint8
            let run = try network.run(pixels: prepared.pixels)
            #expect(run.prediction == label, "\(name) \(model) \(family)")
        }
    }
}

@Test func `the noise, the threshold and the full-ink level are the picture's own`() throws {
    // images/photos/…-photo-noisy-paper.png: flat paper 225 with σ = 6 sensor noise. After
    // inversion the paper is 30; (10.9) measures its noise in units of 255/(255 − 30), so the
    // MAD of σ = 6 Gaussian noise (0.674σ ≈ 4.0) shows as about 4.6, and the threshold is 4.5
    // MADs above the paper.
    let name = try #require(photos.first { $0.contains("noisy-paper") })
    let paper = try #require(try preparedPhoto(name).unevenPaper)
    #expect((4...7).contains(paper.noise), "noise \(paper.noise)")
    #expect(paper.margin == max(1, (9 * paper.noise + 1) / 2))
    // Ink absorbing 85 % of 225 leaves 34, 191 below the paper: in units of 255/(255 − 30)
    // that is about 216 above it; the strokes' 95th percentile is near that.
    #expect((180...230).contains(paper.fullInk), "full ink \(paper.fullInk)")
}

@Test func `a picture on flat paper never takes the uneven path`() throws {
    for name in shippedDigits {
        let decoded = try PNGReader.read(path: RepositoryFiles.path("images/digits/\(name)"))
        #expect(try MNISTPreprocessing(GrayImage(decoded), name: name).unevenPaper == nil, "\(name)")
    }
}

@Test func `connected pieces count strokes that touch by a corner as one`() {
    // Two diagonal pixels touch (8-connectivity); a third pixel apart is its own piece.
    let ink: [Bool] = [true, false, false, false,
                       false, true, false, true,
                       false, false, false, false]
    let (labels, sizes) = UnevenPaper.connectedPieces(ink, width: 4, height: 3)
    #expect(sizes.sorted() == [1, 2])
    #expect(labels[0] == labels[5] && labels[7] != labels[0] && labels[1] == -1)
}

@Test func `between tile centres the paper is interpolated, beyond them it is the outer tile's`() {
    // Two tiles side by side, 0 and 100, each 4 pixels wide: centres at 1.5 and 5.5.
    let paper = UnevenPaper.interpolated([[0, 100]], width: 8, height: 1)
    #expect(paper.pixels == [0, 0, 13, 38, 63, 88, 100, 100])
}
