// The nine ways of forming M·acc (RoundingRule.swift) include chapter 6's four families: on every
// channel of the shipped models' layers, for accumulators across the int32 range and for exact
// ties, the rule of each family computes what the family's requantizer computes.

@testable import Ch12YourPort
import Ch01TFLiteFile
import Ch06Requantize
import TestSupport
import Testing

@Test(arguments: ["models/mnist-int8.tflite", "models/mnist-int8-per-tensor.tflite", "models/mnist-uint8.tflite"])
func `each family's pair of arithmetic and tie rule is the family's requantizer`(model: String) throws {
    let loaded = try Model.load(path: RepositoryFiles.path(model))
    for layer in try loaded.fullyConnectedLayers() {
        let requantizers = Dictionary(uniqueKeysWithValues: try KernelFamily.allCases.map { ($0, try Requantizer(layer: layer, family: $0)) })
        for family in KernelFamily.allCases {
            let rule = RoundingRule(family: family)
            #expect(rule.family == family)
            for channel in stride(from: 0, to: layer.weights.shape[0], by: 7) {
                // Accumulators every 9,973 across ±2^24, and the exact ties of the double product.
                let m = requantizers[.reference]!.realMultiplier(channel: channel)
                let ties = (1...50).map { Int32(clamping: Int64((Double($0) + 0.5) / m)) }
                for accumulator in Array(stride(from: Int32(-1 << 24), through: 1 << 24, by: 9973)) + ties {
                    let expected = Int64(requantizers[family]!.scaled(accumulator, channel: channel))
                    let observed = rule.scaled(accumulator, channel: channel, double: requantizers[.reference]!,
                                               fixedPoint: requantizers[.micro]!, float32: requantizers[.xnnpack]!)
                    #expect(observed == expected, "\(model) operator \(layer.operatorIndex) channel \(channel) acc \(accumulator): \(family)")
                    if observed != expected { return }
                }
            }
        }
    }
}

@Test(arguments: [
    // high, shift, then ties away, up, to even: 5/2 = 2.5, −5/2 = −2.5, 7/2 = 3.5, 6/4 = 1.5, 3/2^0
    (Int64(5), 1, [Int64(3), 3, 2]), (-5, 1, [-3, -2, -2]), (7, 1, [4, 4, 4]), (6, 2, [2, 2, 2]), (3, 0, [3, 3, 3]),
])
func `the three tie rules divide exactly`(high: Int64, shift: Int, expected: [Int64]) {
    #expect(TieRule.allCases.map { $0.divide(high, byPowerOfTwo: shift) } == expected)
}
