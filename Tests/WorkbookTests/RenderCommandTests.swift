// `workbook render`: each figure is a PNG of the promised size, and the rendered input is the
// network's input itself: classifying the figure gives back the same codes as the picture.

import Foundation
import TestSupport
import Testing

@Test func `render input draws the 28×28 input enlarged, and the figure classifies as the picture does`() throws {
    let picture = "images/digits/mnist-train-03085-label-6-240x160-off-centre.png"
    try withScratchFile([], named: "unused") { scratch in
        let figure = scratch + "-input.png"
        defer { try? FileManager.default.removeItem(atPath: figure) }
        let result = try WorkbookBinary.run(["render", "input", picture, "--output", figure, "--scale", "7"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "wrote \(figure): 196×196, the 28×28 input of \(picture), 7× enlarged\n")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: figure)))
        #expect(pngSize(bytes) == (196, 196))
        // White on black, 7× enlarged: chapter 10 turns it back into the same 28×28 input.
        let (_, original, _) = try classifyJSON([picture])
        let (_, rendered, _) = try classifyJSON([figure])
        #expect(rendered[0]["outputCodes"] as? [Int] == original[0]["outputCodes"] as? [Int])
    }
}

@Test func `render weights tiles the first layer's 512 rows, and render activations draws four panels`() throws {
    try withScratchFile([], named: "unused") { scratch in
        let weights = scratch + "-weights.png", activations = scratch + "-activations.png"
        defer { for path in [weights, activations] { try? FileManager.default.removeItem(atPath: path) } }
        let tiles = try WorkbookBinary.run(["render", "weights", "--output", weights])
        #expect(tiles.status == 0, "\(tiles.standardError)")
        // 32 tiles of 28 pixels and a 1-pixel gap each, plus the last gap: 32·29 + 1 by 16·29 + 1.
        #expect(pngSize([UInt8](try Data(contentsOf: URL(fileURLWithPath: weights)))) == (929, 465))
        #expect(tiles.standardOutput.hasSuffix("the 512 weight rows of models/mnist-int8.tflite's first layer, largest |q − Z2| = 127\n"))

        let bars = try WorkbookBinary.run(["render", "activations", "images/digits/mnist-train-00039-label-0-28-white-on-black.png", "--output", activations])
        #expect(bars.status == 0, "\(bars.standardError)")
        // Four panels of 120 pixels, each after a 12-pixel gap, and a last gap: 4·132 + 12.
        #expect(pngSize([UInt8](try Data(contentsOf: URL(fileURLWithPath: activations)))) == (1024, 540))
        #expect(bars.standardOutput.hasSuffix("4 panels for images/digits/mnist-train-00039-label-0-28-white-on-black.png (models/mnist-int8.tflite, reference kernels, prediction 0)\n"))
    }
}

@Test func `render refuses a picture it cannot read, a float model's weights, and a path it cannot write`() throws {
    let missing = try WorkbookBinary.run(["render", "input", "no/such.png", "--output", "/tmp/never.png"])
    #expect(missing.status == 1 && missing.standardError == "workbook: no/such.png: no such file\n")
    let float = try WorkbookBinary.run(["render", "weights", "--model", "models/mnist-float.tflite", "--output", "/tmp/never.png"])
    #expect(float.status == 1)
    #expect(float.standardError.hasPrefix("workbook: models/mnist-float.tflite: ") && float.standardError.hasSuffix("(the mosaic needs integer weights)\n"), "\(float.standardError)")
    let unwritable = try WorkbookBinary.run(["render", "input", "images/digits/mnist-train-00039-label-0-28-white-on-black.png", "--output", "/no/such/directory/figure.png"])
    #expect(unwritable.status == 1 && unwritable.standardError.hasPrefix("workbook: /no/such/directory/figure.png: cannot be written"), "\(unwritable.standardError)")
}
