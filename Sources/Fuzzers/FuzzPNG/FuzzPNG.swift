// A coverage-guided fuzzer for the picture path: bytes → chapter 10's PNG reader (libpng) →
// luminance → MNIST's preparation → the input tensor. Whatever the bytes, each step must end
// in a picture or a thrown error, within the reader's size limits: libFuzzer stops on a trap,
// and on a huge allocation (-malloc_limit_mb).
//
// Built with libFuzzer (-DFUZZING, tools/fuzz.sh), FuzzDriver hands it to libFuzzer;
// built plainly, it replays the files named on the command line.

import FuzzDriver
import Ch01TFLiteFile
import Ch02Affine
import Ch10Pixels

/// An int8 input like the shipped models' (S = 1/255, Z = −128).
let input = AffineQuantization(scale: Float(1) / 255, zeroPoint: -128, type: .int8)

func exercise(_ bytes: [UInt8]) {
    guard let decoded = try? PNGReader.decode(bytes, name: "fuzz.png") else { return }
    let gray = GrayImage(decoded)
    guard let prepared = try? MNISTPreprocessing(gray, name: "fuzz.png") else { return }
    _ = inputCodes(pixels: prepared.pixels, quantization: input)
}

@main
struct Main {
    static func main() throws { try fuzz(maximumBytes: 64 << 20, exercise) }
}
