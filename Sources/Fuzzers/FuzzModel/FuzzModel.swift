// A coverage-guided fuzzer for the model path: bytes → chapter 1's reader and checks → every
// network the chapters build from them (part two's operators too, as every command builds it) → one image through each (and through chapter 13's fast
// engine, which must write the same integers). Whatever the bytes, each
// step must end in a value or a thrown error; a trap, an overflow or a huge allocation is a bug,
// and libFuzzer stops on it with the input that caused it.
//
// Built with libFuzzer (the -DFUZZING build in tools/fuzz.sh), FuzzDriver hands it to
// libFuzzer; built plainly, it replays the files named on the command line.

import FuzzDriver
import Ch01TFLiteFile
import Ch02Affine
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Ch11Hardware
import Ch13FastEngine
import Ch16ConvolutionalNetwork

/// One image with ink in the middle and every pixel value somewhere, so that every code path
/// of the input mapping and the layers gets non-trivial numbers.
let image: [UInt8] = (0..<784).map { index in
    let (row, column) = (index / 28, index % 28)
    return (6...21).contains(row) && (8...19).contains(column) ? UInt8(truncatingIfNeeded: index &* 37) : 0
}

func exercise(_ bytes: [UInt8]) {
    guard bytes.count >= 8, let model = try? Model(flatBuffer: FlatBuffer(bytes: bytes)) else { return }
    guard (try? model.validate()) != nil, (try? model.requireComputable()) != nil else { return }
    _ = try? model.family()
    _ = try? model.staticShapes()
    if let float = try? FloatNetwork(model: model) { _ = float.classify(pixels: image) }
    if let naive = try? NaivePort(model: model) {
        for step in NaiveStep.allCases { _ = naive.run(pixels: image, step: step) }
    }
    for family in KernelFamily.allCases {
        for mapping in [nil, PixelMapping.reals(lo: -1, hi: 1)] {
            guard let network = try? Network(wholeBook: model, family: family, pixelMapping: mapping) else { continue }
            guard let run = try? network.run(pixels: image) else { continue }
            _ = run.prediction
            // Differential: chapter 13's engine must write chapter 9's integers, two images a batch.
            if let fast = try? FastNetwork(network) {
                let batch = (image + image).withUnsafeBufferPointer { fast.run(pixels: $0, rows: 2) }
                for (_, tensor) in run.written where run.tensors[tensor]?.integers != nil {
                    for row in 0..<2 where batch.tensors[tensor]!.values(row: row) != run.tensors[tensor]! {
                        fatalError("the fast engine differs from chapter 9 in tensor \(tensor), \(family.rawValue)")
                    }
                }
            }
            for layer in network.layers {
                if let input = run.tensors[layer.scales.input.index]?.integers, layer.weights.outputCount > 0 {
                    _ = layer.trace(input, neuron: layer.weights.outputCount - 1)
                }
            }
        }
        if let contract = try? NetworkContract(model: model, family: family),
           let golden = try? GoldenVectors(contract: contract, model: model, images: [image], source: "fuzz") {
            _ = LayerWidths.of(contract)
            // One export format per input, chosen by its length, so that each run stays short.
            let export = HardwareExport(contract: contract, vectors: golden, modelPath: "fuzz.tflite", command: "fuzz")
            _ = export.files(ExportFormat.allCases[bytes.count % ExportFormat.allCases.count])
        }
    }
}

@main
struct Main {
    static func main() throws { try fuzz(maximumBytes: Model.maximumFileSize, exercise) }
}
