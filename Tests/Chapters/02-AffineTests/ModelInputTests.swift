// Chapter 2: an image as each model's input tensor. The fixtures record the exact values
// tools/reference.py fed LiteRT for the 64 digits (`input`); we compute them from the model's
// own S and Z and must get the same values, for every model.

import Ch01TFLiteFile
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
    for image in 0..<fixture.images.count {
        let pixels = fixture.pixels(ofImage: image)
        let values = try inputValues(pixels: pixels, for: tensor)
        switch values {
        case .quantized(let codes, _):
            #expect(codes.map(Int.init) == (try #require(fedCodes))[image], "\(path) digit \(image)")
        case .real(let reals):
            let fed = (try #require(fedReals))[image]
            #expect(reals.map(\.bitPattern) == fed.map(\.bitPattern), "\(path) digit \(image)")
        }
    }
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
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
}

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
