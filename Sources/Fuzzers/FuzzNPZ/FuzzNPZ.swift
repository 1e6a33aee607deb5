// A coverage-guided fuzzer for the port path (chapter 12): bytes → the ZIP and .npy readers →
// the port's arrays matched to the shipped int8 model's tensors → the comparison with all four
// families and the diagnosis, on two fixed images. Whatever the bytes and whatever numbers the
// arrays hold, each step must end in a report or a thrown error: libFuzzer stops on a trap, and
// on a huge allocation (-malloc_limit_mb).
//
// Built with libFuzzer (-DFUZZING, tools/fuzz.sh), FuzzDriver hands it to libFuzzer; built
// plainly, it replays the files named on the command line. The model is $FUZZ_NPZ_MODEL, or
// models/mnist-int8.tflite from the current directory.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch12YourPort
import Foundation
import FuzzDriver

/// The two images the seeds of tools/fuzz-seeds/npz/ were computed on (tools/fuzz_npz_seeds.py).
let images: [[UInt8]] = [
    [UInt8](repeating: 0, count: Model.imagePixels),
    (0..<Model.imagePixels).map { UInt8(($0 * 37) % 256) },
]

struct Prepared {
    let networks: [KernelFamily: Network]
    let notOffered: [KernelFamily: String]
    let tensors: [CheckedTensor]

    init() {
        let path = ProcessInfo.processInfo.environment["FUZZ_NPZ_MODEL"] ?? "models/mnist-int8.tflite"
        guard let model = try? Model.load(path: path), let prepared = try? familyNetworks(model: model, pixelMapping: nil),
              let any = prepared.networks[.reference], let tensors = try? checkedTensors(of: any) else {
            fatalError("FuzzNPZ: cannot prepare \(path); set FUZZ_NPZ_MODEL to the shipped models/mnist-int8.tflite")
        }
        (networks, notOffered, self.tensors) = (prepared.networks, prepared.notOffered, tensors)
    }
}

let prepared = Prepared()

func exercise(_ bytes: [UInt8]) {
    guard let port = try? PortFile(bytes: bytes, path: "fuzz.npz", tensors: prepared.tensors, imageCount: images.count) else { return }
    _ = try? checkPort(port, networks: prepared.networks, notOffered: prepared.notOffered, images: images)
}

@main
struct Main {
    static func main() throws { try fuzz(maximumBytes: 1 << 20, exercise) }
}
