// Chapter 2: an image as each model's input tensor. The fixtures record the exact values
// tools/reference.py fed LiteRT for the 64 digits (`input`, by litert_io.encode_images' rule);
// we compute them from the model's own S and Z and must get the same values, for every model,
// with the input range the fixture was made with.

import Ch01TFLiteFile
import ShippedFiles
import TestSupport
import Testing
@testable import Ch02Affine

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `our input values are what LiteRT was fed, for all 64 digits`(model path: String) throws {
    let model = try loadModel(path)
    let fixture = try RepositoryFiles.fixture(for: path)
    let tensor = model.main.tensors[model.main.inputs[0]]
    #expect(fixture.input.index == tensor.index && fixture.input.dtype == tensor.type.description)
    let fedCodes = fixture.input.integersPerImage, fedReals = fixture.input.floatsPerImage
    let mapping = fixture.inputRange.map { PixelMapping.reals(lo: $0[0], hi: $0[1]) }
    for image in 0..<fixture.images.count {
        let pixels = fixture.pixels(ofImage: image)
        let values = try inputValues(pixels: pixels, for: tensor, mapping: mapping)
        switch values {
        case .quantized(let codes, _):
            #expect(codes.map(Int.init) == (try #require(fedCodes))[image], "\(path) digit \(image)")
        case .real(let reals):
            let fed = (try #require(fedReals))[image]
            #expect(reals.map(\.bitPattern) == fed.map(\.bitPattern), "\(path) digit \(image)")
        }
    }
}

@Test(arguments: RepositoryFiles.bookModels)
func `every pixel 0…255 becomes itself in uint8, itself − 128 in int8`(model path: String) throws {
    let model = try loadModel(path)
    guard let tensor = quantizedInputTensor(of: model) else {
        // The float model has no codes: it is fed pixel/255 itself, checked above.
        #expect(path.hasSuffix("mnist-float.tflite"))
        return
    }
    let mapping = try AffineQuantization(tensor: tensor)
    #expect(mapping.scale == Float(1) / 255)
    let shift = tensor.type == .uint8 ? 0 : -128
    #expect(mapping.zeroPoint == shift)
    let codes = inputCodes(pixels: (0...255).map { UInt8($0) }, quantization: mapping)
    for pixel in 0...255 {
        #expect(codes[pixel] == pixel + shift, "pixel \(pixel): r/S = \(pixelReal(UInt8(pixel)) / mapping.scale)")
    }
    // The default mapping, onto the tensor's own range, gives these same codes without rounding.
    let image = (0..<784).map { UInt8($0 % 256) }
    #expect(try inputValues(pixels: image, for: tensor).codes == inputCodes(pixels: image, quantization: mapping))
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `by default pixel p is code qmin + p, spanning the input tensor's own range`(model path: String) throws {
    let model = try loadModel(path)
    let tensor = model.main.tensors[model.main.inputs[0]]
    let pixels = (0..<784).map { UInt8($0 % 256) }  // every pixel value, three times nearly
    guard let quantization = try? AffineQuantization(tensor: tensor) else {
        #expect(PixelMapping.standard(for: tensor) == .reals(lo: 0, hi: 1))
        #expect(try inputValues(pixels: pixels, for: tensor).reals == pixels.map(pixelReal))
        return
    }
    #expect(pixels[255] == 255)
    let codes = try #require(try inputValues(pixels: pixels, for: tensor).codes)
    #expect(codes == pixels.map { quantization.codeRange.lowerBound + Int32($0) })
    #expect(quantization.dequantize(codes[0]) == quantization.realRange.lowerBound)
    #expect(quantization.dequantize(codes[255]) == quantization.realRange.upperBound)
}

@Test func `a standardized model's input range is MNIST's (0 − 0.1307)/0.3081 … (1 − 0.1307)/0.3081`() throws {
    // tools/own_models.py trained it on (pixel/255 − 0.1307)/0.3081; the converter saw that range.
    let tensor = try quantizedInputTensor(of: loadModel("models/own/standardized-int8.tflite"))!
    let range = try AffineQuantization(tensor: tensor).realRange
    #expect(abs(range.lowerBound - (0 - 0.1307) / 0.3081) < 0.01 && abs(range.upperBound - (1 - 0.1307) / 0.3081) < 0.01)
    #expect(PixelMapping.inputTensorRange.summary(for: tensor) == "pixels 0…255 → reals −0.42…2.826 (from the input tensor's quantization: code = pixel − 128)")
}

// snippet.ties
@Test func `with S = 2/255 and Z = −1, every pixel of [−1, 1] is a tie, and the codes are TFLite's own QUANTIZE's`() throws {
    // real = −1 + 2·(p/255) in float32, then real/S: in exact arithmetic p − 127.5, a tie for
    // every pixel. Which way each goes is decided by float32's roundings of the two steps, then
    // roundf's "away from zero". The oracle: the QUANTIZE that LiteRT's reference kernels ran on
    // the same reals in models/own/minus1to1-float-io.tflite (same S and Z), from its fixture.
    let int8 = try quantizedInputTensor(of: loadModel("models/own/minus1to1-int8.tflite"))!
    let quantization = try AffineQuantization(tensor: int8)
    #expect(quantization.scale == Float(2) / 255 && quantization.zeroPoint == -1)
    let fixture = try RepositoryFiles.fixture(for: "models/own/minus1to1-float-io.tflite")
    let run = try #require(fixture.run("BUILTIN_REF"))
    let quantize = try #require(run.outputs?.first { $0.name == "tfl.quantize" })
    var ties = 0
    for image in 0..<fixture.images.count {
        let pixels = fixture.pixels(ofImage: image)
        let ours = try inputValues(pixels: pixels, for: int8, mapping: .reals(lo: -1, hi: 1)).codes!
        #expect(ours.map(Int.init) == Array(try #require(quantize.integers(image: image))), "digit \(image)")
        ties += pixels.count
    }
    #expect(ties == 64 * 784)
    // Four pixels worked by hand from the float32 steps (S = f32(2/255) = 0.007843138, a hair
    // above 2/255, so the quotients fall just inside the ties):
    //   0:   real −1,           /S = −127.49999   → −127, + Z = −128
    //   255: real 1,            /S = 127.49999    → 127,  + Z = 126
    //   128: real 0.003921628,  /S = 0.50000757   → 1,    + Z = 0
    //   127: real −0.0039215684, /S = −0.49999994 → 0,    + Z = −1
    let edge = try inputValues(pixels: [0, 255, 128, 127] + Array(repeating: 0, count: 780), for: int8, mapping: .reals(lo: -1, hi: 1)).codes!
    #expect(Array(edge.prefix(4)) == [-128, 126, 0, -1])
}
// snippet.end

@Test func `the quantized input stands for the reals the float model is fed, within half a step`() throws {
    // An image of 784 pixels that runs through every value 0…255 (three times, nearly).
    let pixels = (0..<784).map { UInt8($0 % 256) }
    let int8 = try inputValues(pixels: pixels, for: quantizedInputTensor(of: loadModel("models/mnist-int8.tflite"))!)
    let float = try inputValues(pixels: pixels, for: loadModel("models/mnist-float.tflite").main.tensors[0])
    #expect(float.codes == nil)
    let scale = Float(1) / 255
    for (quantized, real) in zip(int8.reals, float.reals) {
        // Not always equal: S·q is one rounding, q/255 another (pixel 254 shows it).
        #expect(abs(quantized - real) <= scale / 2)
    }
}

@Test func `an image of the wrong size or a tensor of another type is refused`() throws {
    let model = try loadModel("models/mnist-int8.tflite")
    let input = model.main.tensors[0]
    #expect(throws: AffineQuantizationError.self) { try inputValues(pixels: [0, 1, 2], for: input) }
    let bias = model.main.tensors[1]  // an int32 tensor of 10 values
    #expect(throws: AffineQuantizationError.self) { try inputValues(pixels: Array(repeating: 0, count: 10), for: bias) }
}
