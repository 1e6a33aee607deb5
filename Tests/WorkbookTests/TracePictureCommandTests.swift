// `workbook trace IMAGE.png` as a reader runs it: the layers' scales and this picture's outputs
// agree with LiteRT, one neuron's arithmetic ends at the code the network wrote in every family,
// and the two forms of the command (a picture, or --mnist with --jsonl) cannot be mixed.

import Foundation
import TestSupport
import Testing

let tracedPicture = "images/digits/mnist-train-03085-label-6-240x160-off-centre.png"

@Test(arguments: ["reference", "optimized", "micro", "xnnpack"])
func `trace follows the winning neuron to the code the network wrote, with LiteRT's output ranges`(family: String) throws {
    let result = try WorkbookBinary.run(["trace", "--kernels", family, tracedPicture])
    #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
    let text = result.standardOutput
    #expect(text.contains("models/mnist-int8.tflite, \(family) kernels: prediction 6\n"))
    #expect(text.contains("neuron 6 of layer 2 (the winning class), \(family) kernels:\n"))
    #expect(text.contains(", as the network wrote\n") && !text.contains("BUT"))
    for chapter in [4, 5, 6, 7, 8] { #expect(text.contains("  chapter \(chapter)  "), "chapter \(chapter)") }
    // Each layer's "outputs from A to B" is the range of LiteRT's tensor for MNIST digit 3085,
    // which the picture gives back exactly (tensors 7, 8, 9: operators 0, 1, 2).
    let resolver = ["reference": "BUILTIN_REF", "optimized": "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "micro": "TFLM", "xnnpack": "AUTO"][family]!
    for tensor in [7, 8, 9] {
        let codes = try #require(fixtureCodes(tensor: tensor, row: 3085, resolver: resolver))
        #expect(text.contains("outputs from \(codes.min()!) to \(codes.max()!), clamp"), "tensor \(tensor)")
    }
    // The scales as the file stores them (fixture: LiteRT's get_tensor_details).
    let s3 = Float(int8Fixture.tensors[9].scales[0])
    #expect(text.contains("S3 = \(s3), Z3 = \(int8Fixture.tensors[9].zeroPoints[0])   (output tensor 9)"))
    switch family {
    case "reference": #expect(text.contains("reference: acc·M in double = "))
    case "optimized": #expect(text.contains("rounding shift right by ") && text.contains("ties toward +∞ (optimized)"))
    case "micro": #expect(text.contains("RoundingDivideByPOT by ") && text.contains("ties away from zero (micro"))
    default: #expect(text.contains("xnnpack: M in float32 = "))
    }
}

@Test func `trace --layer and --neuron choose another neuron, and out-of-range ones are usage errors`() throws {
    let hidden = try WorkbookBinary.run(["trace", "--layer", "0", "--neuron", "17", tracedPicture])
    #expect(hidden.status == 0)
    #expect(hidden.standardOutput.contains("neuron 17 of layer 0, reference kernels:\n"))
    #expect(!hidden.standardOutput.contains("chapter 8"))  // only the last layer feeds the softmax
    let tooFar = try WorkbookBinary.run(["trace", "--layer", "0", "--neuron", "512", tracedPicture])
    #expect(tooFar.status == 64)
    #expect(tooFar.standardError.contains("--neuron 512: layer 0 has neurons 0 to 511"), "\(tooFar.standardError)")
    let noLayer = try WorkbookBinary.run(["trace", "--layer", "3", tracedPicture])
    #expect(noLayer.status == 64)
    #expect(noLayer.standardError.contains("--layer 3: the model has FULLY_CONNECTED layers 0 to 2"))
    // The usage is the subcommand's, not the root's.
    #expect(noLayer.standardError.contains("Usage: workbook trace <image.png>"), "\(noLayer.standardError)")
}

@Test func `trace takes one picture, tensors takes MNIST images, and negative numbers are read as numbers`() throws {
    let cases: [([String], String)] = [
        (["trace"], "Missing expected argument '<image.png>'"),
        (["trace", tracedPicture, "--mnist", "x.idx"], "Unknown option '--mnist'"),
        (["trace", tracedPicture, "--neuron", "-1"], "--neuron takes a neuron's index from 0, not -1"),
        (["trace", tracedPicture, "--layer", "-2"], "--layer takes a layer's index from 0, not -2"),
        (["tensors"], "Missing expected argument '--mnist <images.idx.gz>'"),
        (["tensors", "--mnist", "x.idx", "--first", "-5"], "--first takes a count of images, not -5"),
    ]
    for (arguments, message) in cases {
        let result = try WorkbookBinary.run(arguments)
        #expect(result.status == 64, "\(arguments)")
        #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    }
}

@Test func `trace refuses the float model, which has no integer arithmetic, and bad pictures`() throws {
    let float = try WorkbookBinary.run(["trace", "--model", "models/mnist-float.tflite", tracedPicture])
    #expect(float.status == 1)
    #expect(float.standardError == "workbook: models/mnist-float.tflite: a float model has no integer arithmetic to trace; `workbook classify` runs it\n")
    let missing = try WorkbookBinary.run(["trace", "no/such.png"])
    #expect(missing.status == 1 && missing.standardError == "workbook: no/such.png: no such file\n")
}

@Test func `tensors writes one JSON line per image with every written tensor`() throws {
    // An IDX file of two fixture digits, written here (tools/crosscheck.py reads this form).
    let pixels = Array(int8Fixture.pixels.bytes.prefix(2 * 784))
    let idx: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28] + pixels
    try withScratchFile(idx, named: "two.idx") { path in
        let result = try WorkbookBinary.run(["tensors", "--mnist", path])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["image"] as? Int == 0)
        let tensors = try #require(first["tensors"] as? [String: [Double]])
        // The input tensor, then the four tensors the operators write.
        #expect(tensors.count == 5)
        #expect(tensors["serving_default_pixels:0"]?.count == 784)
        #expect(tensors["StatefulPartitionedCall_1:0"]?.map { Int($0) } == fixtureCodes(tensor: 10, row: int8Fixture.images[0].row, resolver: "BUILTIN_REF"))
    }
}

@Test(arguments: ["reference", "optimized", "micro", "xnnpack"])
func `trace on a CNN follows one convolution output through its patch to the code the network wrote`(family: String) throws {
    let result = try WorkbookBinary.run(["trace", "--model", "models/cnn/cnn-int8.tflite", "--kernels", family, tracedPicture])
    #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
    let text = result.standardOutput
    #expect(text.contains("convolution 0: CONV_2D (operator 0), 28×28×1 → 26×26×16, 3×3 window, padding VALID, stride 1×1, RELU\n"))
    #expect(text.contains("convolution 1: CONV_2D (operator 2), 13×13×16 → 11×11×32"))
    #expect(text.contains("(the largest accumulator), \(family) kernels:\n"))
    #expect(text.contains("patch 0, input (row "))
    // The convolution's value and the dense layer's winning neuron both end where the network did.
    #expect(text.components(separatedBy: ", as the network wrote\n").count == 3 && !text.contains("BUT"), "\(text)")
}

@Test func `trace --conv, --pixel and --channel choose a value; a border pixel reads Z1 off the image; bad ones are usage errors`() throws {
    // SAME padding: pixel (0, 0)'s window hangs over the top and left border.
    let corner = try WorkbookBinary.run(["trace", "--model", "models/cnn/cnn-gap-int8.tflite", "--pixel", "0,0", "--channel", "3", tracedPicture])
    #expect(corner.status == 0, "\(corner.standardError)")
    #expect(corner.standardOutput.contains("convolution 0, output pixel (row 0, column 0), channel 3, reference kernels:\n"))
    #expect(corner.standardOutput.contains("padding SAME"))
    let second = try WorkbookBinary.run(["trace", "--model", "models/cnn/cnn-int8.tflite", "--conv", "1", "--pixel", "5,6", tracedPicture])
    #expect(second.standardOutput.contains("convolution 1, output pixel (row 5, column 6), channel 0, reference kernels:\n"))
    #expect(second.standardOutput.contains("Σ over all 144 patch values = "))
    let cases: [([String], String)] = [
        (["--model", "models/cnn/cnn-int8.tflite", "--pixel", "26,0"], "--pixel 26,0: convolution 0 writes rows 0 to 25, columns 0 to 25"),
        (["--model", "models/cnn/cnn-int8.tflite", "--conv", "2"], "--conv 2: the model has CONV_2D layers 0 to 1"),
        (["--model", "models/cnn/cnn-int8.tflite", "--channel", "16"], "--channel 16: convolution 0 writes channels 0 to 15"),
        (["--model", "models/cnn/cnn-int8.tflite", "--pixel", "3"], "--pixel takes an output pixel as row,column from 0"),
        (["--conv", "0"], "--conv, --pixel and --channel follow a CONV_2D; models/mnist-int8.tflite has none"),
    ]
    for (arguments, message) in cases {
        let result = try WorkbookBinary.run(["trace"] + arguments + [tracedPicture])
        #expect(result.status == 64, "\(arguments)")
        #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    }
}
