// `workbook render`: each figure is a PNG of the promised size, drawn from the real model's
// numbers (its one line of output says which), and the rendered input is the network's input
// itself: classifying the figure gives back the same codes as the picture.

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
        // Four labelled panels of 250 pixels.
        #expect(pngSize([UInt8](try Data(contentsOf: URL(fileURLWithPath: activations)))) == (1024, 1000))
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

/// Runs `workbook render <arguments> --output <scratch>.png` and returns its output line and the
/// PNG's size.
func renderFigure(_ arguments: [String]) throws -> (output: String, size: (width: Int, height: Int)) {
    try withScratchFile([], named: "unused") { scratch in
        let figure = scratch + "-figure.png"
        defer { try? FileManager.default.removeItem(atPath: figure) }
        let result = try WorkbookBinary.run(["render"] + arguments + ["--output", figure])
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        let prefix = "wrote \(figure): "
        #expect(result.standardOutput.hasPrefix(prefix), "\(result.standardOutput)")
        return (String(result.standardOutput.dropFirst(prefix.count)), pngSize([UInt8](try Data(contentsOf: URL(fileURLWithPath: figure)))))
    }
}

@Test func `render affine draws r = S·(q − Z) for the input, Z = −128, and the logits, Z = −12`() throws {
    let figure = try renderFigure(["affine"])
    #expect(figure.size == (1200, 480))
    #expect(figure.output == "1200×480, r = S·(q − Z) for tensor 0 (S = 0.003921569, Z = -128) and tensor 9 (S = 0.31325874, Z = -12) of models/mnist-int8.tflite\n")
}

@Test func `render accumulators sets the fixture digits' largest accumulators against chapter 4's bound`() throws {
    let figure = try renderFigure(["accumulators"])
    #expect(figure.size == (1000, 560))
    #expect(figure.output == "1000×560, models/mnist-int8.tflite on the 64 fixture digits (models/fixtures/), largest |acc| against the bound: 1537677 of 6737610 (22 of 24 bits), 379064 of 4801905 (20 of 24 bits), 208313 of 863430 (19 of 21 bits)\n")
}

@Test func `render ties finds chapter 6's disagreements on the fixture digits, none of them XNNPACK's`() throws {
    let figure = try renderFigure(["ties"])
    #expect(figure.size == (1000, 560))
    #expect(figure.output == "1000×560, models/mnist-int8.tflite on the 64 fixture digits (models/fixtures/): the families disagree on 11 of 39808 outputs, all within 215.2e-6 of a tie; against reference: optimized 9, micro 9, xnnpack 0\n")
}

@Test func `render clamp piles the first layer's negative values on Z3 = −128`() throws {
    let figure = try renderFigure(["clamp"])
    #expect(figure.size == (1000, 560))
    #expect(figure.output == "1000×560, operator 0 of models/mnist-int8.tflite on the 64 fixture digits (models/fixtures/), reference kernels: 15708 of 32768 values below -128 (the lowest -401) stored as -128, 0 above 127\n")
}

@Test func `render softmax draws e^z three ways, the fixed point ending at diff_min = −62`() throws {
    let figure = try renderFigure(["softmax"])
    #expect(figure.size == (1000, 600))
    #expect(figure.output == "1000×600, operator 3 (SOFTMAX, β = 1.0) of models/mnist-int8.tflite: the fixed point's e^z ends at diff_min = -62 with 3.725290298461914e-09, the table's at d = -255 is 2.032968e-35, and e^z < 1/512 from d = -20\n")
}

@Test func `render widths draws chapter 11's register widths, the multiply the only one above 32 bits`() throws {
    let figure = try renderFigure(["widths"])
    #expect(figure.size == (1000, 560))
    #expect(figure.output == "1000×560, models/mnist-int8.tflite, micro kernels, on the 64 fixture digits (models/fixtures/), bits: op 0: acc 24 (seen 22), x·M0 55 (seen 53); op 1: acc 24 (seen 20), x·M0 55 (seen 51); op 2: acc 21 (seen 19), x·M0 52 (seen 50)\n")
}

@Test func `render bytes maps the int8 model's 473344 bytes: 95.8 % weights, the tables after them`() throws {
    let figure = try renderFigure(["bytes"])
    #expect(figure.size == (1400, 820))
    #expect(figure.output == "1400×820, models/mnist-int8.tflite: 473344 bytes in 18 regions: weights 453608 (95.8 %), biases 2488 (0.5 %), metadata 112 (0.0 %), FlatBuffer tables, vectors, strings and padding 17136 (3.6 %)\n")
}

@Test func `render bytes maps a float model too, and refuses a missing model and a cut file in one line, exit 1`() throws {
    let float = try renderFigure(["bytes", "--model", "models/mnist-float.tflite"])
    #expect(float.output.hasPrefix("1400×820, models/mnist-float.tflite: 1818924 bytes in 18 regions: weights 1814432 (99.8 %)"), "\(float.output)")
    let missing = try WorkbookBinary.run(["render", "bytes", "--model", "no/such.tflite", "--output", "/tmp/never.png"])
    #expect(missing.status == 1 && missing.standardError == "workbook: no/such.tflite: no such file\n", "\(missing.standardError)")
    let model = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "models/mnist-int8.tflite")))
    try withScratchFile(Array(model.prefix(1000)), named: "cut.tflite") { cut in
        let result = try WorkbookBinary.run(["render", "bytes", "--model", cut, "--output", "/tmp/never.png"])
        #expect(result.status == 1 && result.standardOutput.isEmpty)
        #expect(result.standardError.hasPrefix("workbook: \(cut): ") && result.standardError.filter { $0 == "\n" }.count == 1, "\(result.standardError)")
    }
    #expect(!FileManager.default.fileExists(atPath: "/tmp/never.png"))
}

@Test func `render naive sets each of chapter 3's steps against the labels: the seed gets 5 of 64 right`() throws {
    let figure = try renderFigure(["naive", "--model", "models/mnist-uint8.tflite"])
    #expect(figure.size == (1400, 428))
    #expect(figure.output == "1400×428, models/mnist-uint8.tflite on the 64 fixture digits (models/fixtures/), correct: step 1 5, step 2 8, step 3 3, step 4 64, step 5 64, the float network 64; the seed answers 2 for 12 of them\n")
}

@Test func `render bias finds every int32 bias code within half a code of b over S1·S2`() throws {
    let figure = try renderFigure(["bias"])
    #expect(figure.size == (1000, 840))
    #expect(figure.output == "1000×840, models/mnist-int8.tflite against models/mnist-float.tflite: op 0: 512 codes from -7974 to 10127, largest |q_b − b/(S1·S2)| 0.4998; op 1: 100 codes from -776 to 974, largest |q_b − b/(S1·S2)| 0.4969; op 2: 10 codes from -164 to 107, largest |q_b − b/(S1·S2)| 0.4535\n")
}

@Test func `render rules finds the fixed point's exact ties beside every tie of the first layer`() throws {
    let figure = try renderFigure(["rules"])
    #expect(figure.size == (1400, 620))
    #expect(figure.output == "1400×620, operator 0 of models/mnist-int8.tflite: of the 261120 accumulators either side of a tie, the nine rules disagree on 132027, all within 244.1e-6 of the tie; exact ties: double 0, fixed point 88031, float32 3519; against reference (double, away): double ties up 0, double ties to even 0, fixed point ties away 87985, fixed point ties up 87985, fixed point ties to even 87846, float32 ties away 4003, float32 ties up 4003, float32 ties to even 4018\n")
}

@Test(arguments: ["affine", "naive", "accumulators", "bias", "ties", "clamp", "softmax", "widths", "rules"])
func `a plot refuses a missing model and a float model in one line, exit 1`(_ figure: String) throws {
    let missing = try WorkbookBinary.run(["render", figure, "--model", "no/such.tflite", "--output", "/tmp/never.png"])
    #expect(missing.status == 1 && missing.standardError == "workbook: no/such.tflite: no such file\n", "\(missing.standardError)")
    #expect(missing.standardOutput.isEmpty)
    let float = try WorkbookBinary.run(["render", figure, "--model", "models/mnist-float.tflite", "--output", "/tmp/never.png"])
    #expect(float.status == 1 && float.standardOutput.isEmpty, "\(float.standardOutput)")
    #expect(float.standardError.hasPrefix("workbook: models/mnist-float.tflite: ") && float.standardError.filter { $0 == "\n" }.count == 1,
            "\(float.standardError)")
    #expect(!FileManager.default.fileExists(atPath: "/tmp/never.png"))
}

@Test func `a plot's bad option is a usage error, exit 64, and a missing MNIST file one line, exit 1`() throws {
    for arguments in [["ties", "--vectors", "0"], ["accumulators", "--vectors", "65"], ["clamp", "--kernels", "bogus"], ["widths", "--kernels", "reference"], ["softmax"]] {
        let result = try WorkbookBinary.run(["render"] + arguments + (arguments == ["softmax"] ? [] : ["--output", "/tmp/never.png"]))
        #expect(result.status == 64, "\(arguments): \(result.status) \(result.standardError)")
        #expect(result.standardError.hasPrefix("Error: "), "\(arguments): \(result.standardError)")
    }
    let mnist = try WorkbookBinary.run(["render", "accumulators", "--mnist", "no/such.gz", "--output", "/tmp/never.png"])
    #expect(mnist.status == 1 && mnist.standardError == "workbook: no/such.gz: no such file\n", "\(mnist.standardError)")
    let unwritable = try WorkbookBinary.run(["render", "softmax", "--output", "/no/such/directory/figure.png"])
    #expect(unwritable.status == 1 && unwritable.standardError.hasPrefix("workbook: /no/such/directory/figure.png: cannot be written"), "\(unwritable.standardError)")
}

@Test func `render feature-maps outlines the patch trace follows, and draws SAME padding as a border`() throws {
    let picture = "images/digits/mnist-train-03085-label-6-240x160-off-centre.png"
    try withScratchFile([], named: "unused") { scratch in
        let figure = scratch + "-maps.png", padded = scratch + "-padded.png"
        defer { for path in [figure, padded] { try? FileManager.default.removeItem(atPath: path) } }
        let maps = try WorkbookBinary.run(["render", "feature-maps", picture, "--model", "models/cnn/cnn-int8.tflite", "--output", figure])
        #expect(maps.status == 0, "\(maps.standardError)")
        // The value outlined is the one trace follows, and its code is the one trace ends at.
        let said = try #require(maps.standardOutput.firstMatch(of: /the patch of output \((\d+), (\d+)\), channel (\d+): code (-?\d+)\n/))
        let trace = try WorkbookBinary.run(["trace", picture, "--model", "models/cnn/cnn-int8.tflite"])
        #expect(trace.standardOutput.contains("convolution 0, output pixel (row \(said.1), column \(said.2)), channel \(said.3) (the largest accumulator)"))
        #expect(trace.standardOutput.contains("= q3 \(said.4), as the network wrote"))
        #expect(maps.standardOutput.contains("(padding 0/0 rows, 0/0 columns) and its 16 channels"))
        #expect(pngSize([UInt8](try Data(contentsOf: URL(fileURLWithPath: figure)))) == (1250, 270))
        // SAME over 28×28 with a 3×3 window: one row and one column of Z_in on every side.
        let border = try WorkbookBinary.run(["render", "feature-maps", picture, "--model", "models/cnn/cnn-gap-int8.tflite", "--pixel", "0,0", "--output", padded])
        #expect(border.standardOutput.contains("(padding 1/1 rows, 1/1 columns) and its 16 channels; the patch of output (0, 0), channel 0: code "), "\(border.standardOutput)")
        let refused = try WorkbookBinary.run(["render", "feature-maps", picture, "--output", padded])
        #expect(refused.status == 1 && refused.standardError.contains("models/mnist-int8.tflite: the model has no CONV_2D"), "\(refused.standardError)")
    }
}
