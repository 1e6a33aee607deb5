// Chapter 14: where TFLite puts a window. The expected sizes are TFLite's (padding.h), worked
// by hand in chapters/14-convolution.md, and the models' own tensors.

import Ch01TFLiteFile
import Ch14Convolution
import Testing

@Test func `SAME keeps ceil(in over stride) and puts an odd padding's extra pixel after`() {
    // 28 wide, 3 taps, stride 2: out 14, total (14 − 1)·2 + 3 − 28 = 1: none before, one after.
    let axis = WindowAxis(inputSize: 28, window: 3, stride: 2, padding: .same)
    #expect((axis.outputSize, axis.paddingBefore, axis.paddingAfter) == (14, 0, 1))
    #expect(axis.inputPosition(output: 0, tap: 0) == 0)
    #expect(axis.inputPosition(output: 13, tap: 2) == 28)  // the one tap past the edge
    // Stride 1: total 2, one on each side.
    let even = WindowAxis(inputSize: 14, window: 3, stride: 1, padding: .same)
    #expect((even.outputSize, even.paddingBefore, even.paddingAfter) == (14, 1, 1))
}

@Test func `VALID never leaves the image, and dilation widens the window`() {
    let plain = WindowAxis(inputSize: 28, window: 3, stride: 1, padding: .valid)
    #expect((plain.outputSize, plain.paddingBefore, plain.paddingAfter) == (26, 0, 0))
    // Dilation 2: taps 0, 2, 4, an effective window of 5: 14 − 5 + 1 = 10.
    let dilated = WindowAxis(inputSize: 14, window: 3, stride: 1, dilation: 2, padding: .valid)
    #expect(dilated.outputSize == 10)
    #expect(dilated.inputPosition(output: 9, tap: 2) == 13)
    // 2×2 pooling with stride 2 over an odd size drops the last row: ⌊(11 − 2)/2⌋ + 1 = 5.
    #expect(WindowAxis(inputSize: 11, window: 2, stride: 2, padding: .valid).outputSize == 5)
    // A window wider than the image leaves nothing: TFLite's output size is 0.
    #expect(WindowAxis(inputSize: 2, window: 3, stride: 1, padding: .valid).outputSize == 0)
}

@Test func `SAME with a dilated window pads by the effective size`() {
    // Effective window (3 − 1)·2 + 1 = 5 at stride 1 over 7: total 4, two on each side.
    let axis = WindowAxis(inputSize: 7, window: 3, stride: 1, dilation: 2, padding: .same)
    #expect((axis.outputSize, axis.paddingBefore, axis.paddingAfter) == (7, 2, 2))
    // Stride 3 over 10: out 4, total (4 − 1)·3 + 5 − 10 = 4.
    let strided = WindowAxis(inputSize: 10, window: 3, stride: 3, dilation: 2, padding: .same)
    #expect((strided.outputSize, strided.paddingBefore, strided.paddingAfter) == (4, 2, 2))
}
