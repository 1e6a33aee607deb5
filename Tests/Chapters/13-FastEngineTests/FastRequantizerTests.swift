// Chapter 13, the requantization: the AVX-512 kernels give chapter 6's and chapter 7's
// integers for every family, on the accumulators where roundings part (exact ties, the ends
// of int32, zero) and on random ones, with multipliers from tiny to above 1.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import Ch13FastEngine
import TestSupport
import Testing

/// Accumulators that land on exact ties of M·acc for M = 2^−e, and the ends of int32.
func edgeAccumulators(_ generator: inout SplitMix64) -> [Int32] {
    var values: [Int32] = [0, 1, -1, 2, -2, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1, 127, -128, 255, -255]
    for e in 0...30 {
        let half = Int32(1) << e
        values += [half, -half, half + 1, -half - 1, 3 &* half, -3 &* half]
    }
    values += (0..<200).map { _ in Int32.random(in: Int32.min...Int32.max, using: &generator) }
    values += (0..<200).map { _ in Int32.random(in: -100_000...100_000, using: &generator) }
    return values
}

@Test(arguments: KernelFamily.allCases)
func `AVX-512 requantization gives chapter 6 and 7's codes, channel by channel`(_ family: KernelFamily) throws {
    guard InstructionPath.available.contains(.avx512VNNI) else { return }  // the portable path is chapter 6 itself
    var generator = SplitMix64(state: 6)
    let accumulators = edgeAccumulators(&generator)
    // Multipliers: powers of two (ties), the model's own size (~1e-3), tiny (shift near 31), above 1.
    let multipliers: [Float] = [0.5, 0.25, 1.0 / 1024, 0x1p-20, 0x1p-30, 3.1e-3, 7.7e-4, 0.9999, 1.5, 3.0]
    for outputType in [TensorType.int8, .uint8] {
        for activation in [ActivationFunction.none, .relu, .relu6] {
            for perChannel in [false, true] {
                let channels = accumulators.count
                let zeroPoint: Int32 = outputType == .int8 ? Int32.random(in: -128...127, using: &generator) : Int32.random(in: 0...255, using: &generator)
                let scales = perChannel ? (0..<channels).map { _ in multipliers.randomElement(using: &generator)! } : [multipliers.randomElement(using: &generator)!]
                // M = S1·S2/S3 with S1 = S3 = 1/16: each family forms M from S2 its own way.
                let requantizer = Requantizer(inputScale: 1.0 / 16, weightScales: scales, outputScale: 1.0 / 16, family: family)
                let clamp = try OutputClamp(outputType: outputType, zeroPoint: zeroPoint, scale: 0.05, activation: activation, family: family)
                let fast = try FastRequantizer(requantizer: requantizer, clamp: clamp, channels: channels)
                var vector = [UInt8](repeating: 0, count: channels)
                var portable = [UInt8](repeating: 0, count: channels)
                accumulators.withUnsafeBufferPointer { acc in
                    vector.withUnsafeMutableBufferPointer { fast.apply(acc.baseAddress!, into: $0.baseAddress!, path: .avx512VNNI) }
                    portable.withUnsafeMutableBufferPointer { fast.apply(acc.baseAddress!, into: $0.baseAddress!, path: .portable) }
                }
                let offset = fast.outputOffset
                let expected = accumulators.indices.map { UInt8(clamp.apply(requantizer.scaled(accumulators[$0], channel: $0)) + offset) }
                #expect(portable == expected)
                let wrong = accumulators.indices.filter { vector[$0] != expected[$0] }
                #expect(wrong.isEmpty, "\(outputType) \(activation) per-channel \(perChannel): acc \(wrong.prefix(3).map { accumulators[$0] }) → \(wrong.prefix(3).map { vector[$0] }), expected \(wrong.prefix(3).map { expected[$0] })")
            }
        }
    }
}

@Test func `every row length, the vector tail handles 1 to 40 channels`() throws {
    guard InstructionPath.available.contains(.avx512VNNI) else { return }
    var generator = SplitMix64(state: 7)
    for family in KernelFamily.allCases {
        for channels in 1...40 {
            let accumulators = (0..<channels).map { _ in Int32.random(in: -40_000...40_000, using: &generator) }
            let requantizer = Requantizer(inputScale: 0.01, weightScales: [0.003], outputScale: 0.05, family: family)
            let clamp = try OutputClamp(outputType: .int8, zeroPoint: -5, scale: 0.05, activation: .none, family: family)
            let fast = try FastRequantizer(requantizer: requantizer, clamp: clamp, channels: channels)
            // A guard byte after the row: the kernel must not write past `channels`.
            var vector = [UInt8](repeating: 0xAB, count: channels + 1)
            accumulators.withUnsafeBufferPointer { acc in
                vector.withUnsafeMutableBufferPointer { fast.apply(acc.baseAddress!, into: $0.baseAddress!, path: .avx512VNNI) }
            }
            let expected = accumulators.indices.map { UInt8(clamp.apply(requantizer.scaled(accumulators[$0], channel: $0)) + 128) }
            #expect(Array(vector.prefix(channels)) == expected && vector[channels] == 0xAB, "\(family) \(channels) channels")
        }
    }
}
