// A coverage-guided fuzzer for the picture path: bytes → chapter 10's PNG reader (libpng) →
// luminance → MNIST's preparation → the input tensor. Whatever the bytes, each step must end
// in a picture or a thrown error, within the reader's size limits: libFuzzer stops on a trap,
// and on a huge allocation (-rss_limit_mb).
//
// Built with libFuzzer (-DFUZZING, tools/fuzz.sh), main hands over to libFuzzer's driver;
// built plainly, it replays files named on the command line: `swift run FuzzPNG crash-…`.

import CLibFuzzer
import Ch01TFLiteFile
import Foundation
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
    static func main() throws {
        #if FUZZING
        // libFuzzer takes over: it calls `exercise` with inputs it mutates from the corpus.
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            exercise(Array(UnsafeBufferPointer(start: data, count: count)))
            return 0
        })
        #else
        for path in CommandLine.arguments.dropFirst() {
            exercise(try UserFile.read(path, kind: "a fuzzer input", maximumBytes: 64 << 20))
            print("\(path): no crash")
        }
        #endif
    }
}
