// Chapter 9's QUANTIZE from codes to codes ("A QUANTIZE from codes to codes"), against LiteRT on
// every code. No shipped model has a QUANTIZE that truly requantizes, so the probe of
// tools/quantize_probes.py holds the one a legacy uint8 model gets when its probabilities are
// given the range [0, 1]: uint8 at S = 1/256 to uint8 at S = f32(1/255), both Z = 0. Its
// fixture (models/fixtures/probes/quantize/) has LiteRT 2.3.0's output for all 256 codes in
// one [1, 256] tensor under BUILTIN_REF, BUILTIN_WITHOUT_DEFAULT_DELEGATES and AUTO.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import TestSupport
import Testing
@testable import Ch09Network

/// The probe's QUANTIZE as chapter 9 builds it: from the model file's own two tensors.
func probeRequantize(_ family: KernelFamily) throws -> Requantize {
    let probe = try QuantizeProbeFixture.load()
    let graph = try Model.load(path: RepositoryFiles.path(probe.model)).main
    let op = graph.operators[probe.operator.index]
    return Requantize(input: try AffineQuantization(tensor: graph.tensors[op.inputs[0]]),
                      output: try AffineQuantization(tensor: graph.tensors[op.outputs[0]]), family: family)
}

/// LiteRT's families; TFLite Micro refuses the operator (the last test).
let liteRTFamilies: [KernelFamily] = [.reference, .optimized, .xnnpack]

@Test func `the prose's numbers: M = 0.9960936910920316 is M0 = 2139094913 with shift 0, and XNNPACK's M is 255`() throws {
    let requantize = try probeRequantize(.reference)
    #expect(requantize.input == AffineQuantization(scale: 0.00390625, zeroPoint: 0, type: .uint8))
    #expect(requantize.output == AffineQuantization(scale: Float(1.0 / 255.0), zeroPoint: 0, type: .uint8))
    #expect(Double(requantize.output.scale) == 0.003921568859368563)  // a hair above 1/255

    // Step 1: the scales divided in double, a hair below 255/256 = 0.99609375.
    let real = Double(requantize.input.scale) / Double(requantize.output.scale)
    #expect(real == 0.9960936910920316 && real < 255.0 / 256.0)
    let (multiplier, shift) = quantizeMultiplier(real)
    #expect(multiplier == 2139094913 && shift == 0)
    #expect(requantize.multiplier.multiplier == multiplier && requantize.multiplier.shift == shift)

    // Step 2: one SRDHM, the nearest integer to q·M0/2^31.
    #expect(multiplyByQuantizedMultiplier(255, multiplier: 2139094913, shift: 0) == 254)  // 254.0039
    #expect(Int64(128) * 2139094913 == 273804148864)
    #expect(273804148864 < Int64(255) << 30)  // 255·2^30 = 127.5·2^31: q·M0/2^31 = 127.49999, below the half
    #expect(multiplyByQuantizedMultiplier(128, multiplier: 2139094913, shift: 0) == 127)

    // Step 3: XNNPACK's M = lrintf(256·f32(S_in/S_out)) = lrintf(254.99998) = 255, then
    // floor((q·M + 128)/256).
    let product = 256 * (requantize.input.scale / requantize.output.scale)
    #expect(product == 254.99998474121094 && product.rounded(.toNearestOrEven) == 255)
    #expect((255 * 255 + 128) >> 8 == 254)  // floor(65153/256) = floor(254.504)
    #expect((128 * 255 + 128) >> 8 == 128)  // floor(32768/256): 127.5 exactly, a half, goes up
}

@Test(arguments: liteRTFamilies)
func `every uint8 code requantizes to LiteRT's code`(_ family: KernelFamily) throws {
    let probe = try QuantizeProbeFixture.load()
    let codes = probe.input.integers
    #expect(codes == Array(0...255), "\(QuantizeProbeFixture.path) feeds every uint8 code once, in order")
    let expected = try #require(probe.outputs(family.resolver), "\(QuantizeProbeFixture.path) has no \(family.resolver) run")
    // The whole tensor in one call, as the kernel sees it in one invoke (the optimized kernel
    // takes blocks of 16 through NEON's rounding, so the grouping is part of what is checked).
    let observed = try probeRequantize(family)(codes.map { Int32($0) })
    let differing = codes.indices.filter { Int(observed[$0]) != expected[$0] }
    #expect(differing.isEmpty, "\(family.rawValue): \(differing.count) of 256 codes differ from \(family.resolver), first \(differing.prefix(5).map { "code \(codes[$0]): expected \(expected[$0]), observed \(observed[$0])" })")
}

@Test func `255 becomes 254 everywhere, and 128 becomes 127 in TFLite's kernels but 128 in XNNPACK, the only code they differ on`() throws {
    let probe = try QuantizeProbeFixture.load()
    for family in liteRTFamilies {
        let liteRT = try #require(probe.outputs(family.resolver))
        let ours = try probeRequantize(family)([128, 255])
        let half = family == .xnnpack ? 128 : 127
        #expect(liteRT[255] == 254 && ours[1] == 254, "\(family.rawValue): 255/256 is stored as 254/255")
        #expect(liteRT[128] == half && ours[0] == Int32(half), "\(family.rawValue): 1/2 is stored as \(half)/255")
    }
    let reference = try #require(probe.outputs(KernelFamily.reference.resolver))
    let optimized = try #require(probe.outputs(KernelFamily.optimized.resolver))
    let xnnpack = try #require(probe.outputs(KernelFamily.xnnpack.resolver))
    #expect(optimized == reference)
    // q·255/256 is a half only when q·255 leaves 128 modulo 256, that is when q = 128.
    #expect(reference.indices.filter { reference[$0] != xnnpack[$0] } == [128])
    #expect((0...255).filter { $0 * 255 % 256 == 128 } == [128])
}

@Test func `TFLite Micro's QUANTIZE refuses uint8 to uint8, so the micro family has no run to match`() throws {
    let probe = try QuantizeProbeFixture.load()
    let micro = try #require(probe.runs.first { $0.resolver == KernelFamily.micro.resolver })
    #expect(micro.outputs == nil)
    #expect(micro.skipped?.contains("Input UINT8, output UINT8 not supported") == true, "\(micro.skipped ?? "no reason")")
}
