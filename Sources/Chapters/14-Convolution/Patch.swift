// Chapter 14 — a convolution is a matrix product over patches. The patch of output pixel
// (y, x) is every input value its window covers, in the order the filter stores its weights,
// [tap row][tap column][input channel]; one row of weights times the patch is chapter 4's
// accumulator (4.1). TFLite's optimized kernels build the same rows ("im2col") and hand them
// to a matrix product; the reference kernels walk the window instead.
//
// Where the window hangs over the border, the patch holds the input's zero point Z_in, the
// code of the real number 0: (q_in − Z_in) = 0 there, so the padding adds nothing to the
// accumulator, exactly as if the image were surrounded by real zeros. The reference kernels
// skip those taps, which is the same sum; im2col writes Z_in's byte
// (tflite/kernels/internal/optimized/im2col_utils.h, the zero_byte argument). Padding with
// the code 0 instead would add (0 − Z_in)·q_w for every tap outside: with Z_in = −128 a real
// value of 128·S_in at every border pixel (chapter 14 shows the damage).

/// The patches of one input image under one window.
public struct Patches: Sendable {
    public let input: ImageShape
    public let geometry: WindowGeometry
    /// What a tap outside the image reads: Z_in.
    public let paddingCode: Int32

    public init(input: ImageShape, geometry: WindowGeometry, paddingCode: Int32) {
        (self.input, self.geometry, self.paddingCode) = (input, geometry, paddingCode)
    }

    /// Values per patch: taps × input channels, the filter's row length.
    public var length: Int { geometry.taps * input.channels }

    // snippet.patch
    /// The patch of output pixel (y, x): [tap row][tap column][channel], Z_in off the image.
    public func patch(_ image: [Int32], y: Int, x: Int) -> [Int32] {
        var values: [Int32] = []
        values.reserveCapacity(length)
        for tapY in 0..<geometry.height.window {
            let row = geometry.height.inputPosition(output: y, tap: tapY)
            for tapX in 0..<geometry.width.window {
                let column = geometry.width.inputPosition(output: x, tap: tapX)
                let inside = (0..<input.height).contains(row) && (0..<input.width).contains(column)
                for channel in 0..<input.channels {
                    values.append(inside ? image[input.index(y: row, x: column, channel: channel)] : paddingCode)
                }
            }
        }
        return values
    }
    // snippet.end

    /// How many of the window's taps at (y, x) lie on the image (AVERAGE_POOL_2D divides by it).
    public func tapsInside(y: Int, x: Int) -> Int {
        let rows = (0..<geometry.height.window).filter { (0..<input.height).contains(geometry.height.inputPosition(output: y, tap: $0)) }
        let columns = (0..<geometry.width.window).filter { (0..<input.width).contains(geometry.width.inputPosition(output: x, tap: $0)) }
        return rows.count * columns.count
    }
}
