// Chapter 7's worked example and the activation ranges: every activation for both output
// types, with the real S3 and Z3 of the models' last layer (models/fixtures/*.json, as LiteRT's
// get_tensor_details reports them), the ties where TFLite and XNNPACK part ways, saturation,
// and the refusals.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import TestSupport
import Testing

@Test func `the first layer's RELU range is the whole int8 range, carried by Z3 = −128`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite"))
    let first = try #require(try model.fullyConnectedLayers().first)
    // What LiteRT reports for the tensor operator 0 writes.
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    let details = try #require(fixture.tensors.first { $0.index == first.output.index })
    #expect(first.fusedActivation == .relu)
    #expect(first.outputZeroPoint == -128 && details.zeroPoints == [-128])
    for family in KernelFamily.allCases {
        let clamp = try OutputClamp(layer: first, family: family)
        // RELU's bound Z3 + round(0/S3) = Z3 = −128: real 0 is already the smallest int8.
        #expect(clamp.minimum == -128 && clamp.maximum == 127, "\(family)")
        #expect(clamp.zeroPoint == -128)
        // A neuron at M·acc = 100 steps above zero stores −28; 300 steps saturates at 127;
        // a negative M·acc (a negative real value) is cut to −128, which is real 0: the ReLU.
        #expect(clamp.apply(100) == -28)
        #expect(clamp.apply(300) == 127)
        #expect(clamp.apply(-5) == -128)
    }
}

@Test func `with RELU the lower bound is Z3, and Z3 is the type's minimum, in every model`() throws {
    for path in RepositoryFiles.modelsWithFixtures {
        let model = try Model.load(path: RepositoryFiles.path(path))
        for layer in try model.fullyConnectedLayers() where layer.fusedActivation == .relu && layer.output.type != .float32 {
            let qmin: Int32 = layer.output.type == .int8 ? -128 : 0
            #expect(layer.outputZeroPoint == qmin, "\(path) operator \(layer.operatorIndex)")
            for family in KernelFamily.allCases {
                let clamp = try OutputClamp(layer: layer, family: family)
                #expect(clamp.minimum == layer.outputZeroPoint, "\(path) operator \(layer.operatorIndex) \(family)")
                #expect(Int64(clamp.maximum) == (layer.output.type == .int8 ? 127 : 255))
            }
        }
    }
}

/// One row of the activation table: an output type, its S3 and Z3, and the expected range.
struct RangeCase: Sendable, CustomTestStringConvertible {
    let type: TensorType
    let scale: Float
    let zeroPoint: Int32
    let activation: ActivationFunction
    let minimum: Int32
    let maximum: Int32
    var testDescription: String { "\(activation.rawValue) on \(type), S3 = \(scale), Z3 = \(zeroPoint)" }
}

// S3 and Z3 of the last FULLY_CONNECTED's output: mnist-int8 tensor 9 (0.31325873732566833, −12)
// and mnist-uint8 tensor 9 (0.31325867772102356, 116), from models/fixtures. With them
// 6/S3 = 19.15 and 1/S3 = 3.19 steps, far from any tie, so all families agree:
// RELU6's top is Z3 + 19, RELU_N1_TO_1's bounds are Z3 ∓ 3.
let int8Scale: Float = 0.31325873732566833
let uint8Scale: Float = 0.31325867772102356
let activationTable: [RangeCase] = [
    RangeCase(type: .int8, scale: int8Scale, zeroPoint: -12, activation: .none, minimum: -128, maximum: 127),
    RangeCase(type: .int8, scale: int8Scale, zeroPoint: -12, activation: .relu, minimum: -12, maximum: 127),
    RangeCase(type: .int8, scale: int8Scale, zeroPoint: -12, activation: .relu6, minimum: -12, maximum: 7),
    RangeCase(type: .int8, scale: int8Scale, zeroPoint: -12, activation: .reluN1To1, minimum: -15, maximum: -9),
    RangeCase(type: .uint8, scale: uint8Scale, zeroPoint: 116, activation: .none, minimum: 0, maximum: 255),
    RangeCase(type: .uint8, scale: uint8Scale, zeroPoint: 116, activation: .relu, minimum: 116, maximum: 255),
    RangeCase(type: .uint8, scale: uint8Scale, zeroPoint: 116, activation: .relu6, minimum: 116, maximum: 135),
    RangeCase(type: .uint8, scale: uint8Scale, zeroPoint: 116, activation: .reluN1To1, minimum: 113, maximum: 119),
]

@Test(arguments: activationTable, KernelFamily.allCases)
func `every activation on both output types gives the expected range`(_ row: RangeCase, family: KernelFamily) throws {
    // The steps the table assumes, from the real S3.
    #expect((6 / Double(row.scale)).rounded() == 19 && (1 / Double(row.scale)).rounded() == 3)
    let clamp = try OutputClamp(outputType: row.type, zeroPoint: row.zeroPoint, scale: row.scale, activation: row.activation, family: family)
    #expect(clamp.minimum == row.minimum && clamp.maximum == row.maximum,
            "expected \(row.minimum)...\(row.maximum), observed \(clamp.minimum)...\(clamp.maximum)")
}

@Test func `RELU6 on the first layer's real S3 ends 241 steps above Z3`() throws {
    // mnist-int8 tensor 7: S3 = 0.02487705647945404, Z3 = −128 (models/fixtures/mnist-int8.json).
    // 6 / S3 = 241.19 steps: RELU6 would keep real values up to code −128 + 241 = 113.
    let scale: Float = 0.02487705647945404
    #expect((6 / Double(scale)).rounded() == 241)
    for family in KernelFamily.allCases {
        let clamp = try OutputClamp(outputType: .int8, zeroPoint: -128, scale: scale, activation: .relu6, family: family)
        #expect(clamp.minimum == -128 && clamp.maximum == 113, "\(family)")
        #expect(clamp.apply(241) == 113 && clamp.apply(240) == 112)
    }
}

@Test func `on an exact tie TFLite rounds the bound away from zero and XNNPACK to even`() throws {
    // S3 = 4, Z3 = 1: 6/S3 = 1.5 steps. TFLite: 1 + round(1.5) = 3. XNNPACK: lrintf(1.5 + 1) = 2.
    for family in KernelFamily.allCases {
        let clamp = try OutputClamp(outputType: .uint8, zeroPoint: 1, scale: 4, activation: .relu6, family: family)
        #expect(clamp.maximum == (family == .xnnpack ? 2 : 3), "\(family)")
    }
    // S3 = 2, Z3 = 0: ±1/S3 = ±0.5. TFLite: [−1, 1]. XNNPACK: lrintf(±0.5) = 0, so [0, 0].
    for family in KernelFamily.allCases {
        let clamp = try OutputClamp(outputType: .int8, zeroPoint: 0, scale: 2, activation: .reluN1To1, family: family)
        let expected: (Int32, Int32) = family == .xnnpack ? (0, 0) : (-1, 1)
        #expect(clamp.minimum == expected.0 && clamp.maximum == expected.1, "\(family)")
    }
}

@Test(arguments: KernelFamily.allCases)
func `the clamp saturates at both ends without overflowing`(family: KernelFamily) throws {
    let int8 = try OutputClamp(outputType: .int8, zeroPoint: 127, scale: 0.5, activation: .none, family: family)
    #expect(int8.apply(Int32.max) == 127)
    #expect(int8.apply(Int32.min) == -128)
    #expect(int8.apply(-255) == -128 && int8.apply(-254) == -127 && int8.apply(0) == 127 && int8.apply(1) == 127)
    let uint8 = try OutputClamp(outputType: .uint8, zeroPoint: 0, scale: 0.5, activation: .none, family: family)
    #expect(uint8.apply(Int32.max) == 255 && uint8.apply(Int32.min) == 0)
    #expect(uint8.apply(-1) == 0 && uint8.apply(255) == 255 && uint8.apply(256) == 255)
}

@Test func `int16 outputs have the int16 range, except in XNNPACK, which has no int16 kernel`() throws {
    let clamp = try OutputClamp(outputType: .int16, zeroPoint: 0, scale: 0.5, activation: .none, family: .reference)
    #expect(clamp.minimum == -32768 && clamp.maximum == 32767)
    #expect(throws: ClampError.self) {
        try OutputClamp(outputType: .int16, zeroPoint: 0, scale: 0.5, activation: .none, family: .xnnpack)
    }
}

@Test(arguments: [TensorType.float32, .int32, .int64])
func `an output type that is not a small integer is refused`(type: TensorType) {
    for family in KernelFamily.allCases {
        #expect(throws: ClampError.self) {
            try OutputClamp(outputType: type, zeroPoint: 0, scale: 0.5, activation: .none, family: family)
        }
    }
}

@Test func `TANH, SIGN_BIT and an impossible zero point are refused`() {
    #expect(throws: ClampError.self) { try OutputClamp(outputType: .int8, zeroPoint: 0, scale: 0.5, activation: .tanh, family: .reference) }
    #expect(throws: ClampError.self) { try OutputClamp(outputType: .int8, zeroPoint: 0, scale: 0.5, activation: .signBit, family: .xnnpack) }
    #expect(throws: ClampError.self) { try OutputClamp(outputType: .int8, zeroPoint: 200, scale: 0.5, activation: .none, family: .optimized) }
    #expect(throws: ClampError.self) { try OutputClamp(outputType: .uint8, zeroPoint: 0, scale: 0, activation: .none, family: .micro) }
}
