// The class a classifier reports: the argmax of its codes, the first on a tie, as numpy's.

import Ch02Affine
import Testing

@Test func `the argmax takes the first of equal codes, as numpy's does`() {
    #expect(argmax([Int32(3), 7, 7, -2]) == 1)
    #expect(argmax([Int32(-128), -128]) == 0)
    #expect(argmax([Int32(5)]) == 0)
    #expect(argmax([Int32]()) == 0)
    #expect(argmax([Float(0.1), 0.7, 0.2]) == 1)
}

@Test func `the argmax of an array slice counts from the slice's start`() {
    let values: [Int32] = [9, 1, 4, 2]
    #expect(argmax(values[1...]) == 1)
}

@Test func `the largest code stands for the largest real, so the argmax of codes is that of reals`() {
    let mapping = AffineQuantization(scale: 0.5, zeroPoint: -3, type: .int8)
    let codes: [Int32] = [-128, 12, 90, 90, -7]
    #expect(argmax(codes) == argmax(codes.map(mapping.dequantize)))
}
