// Which engine runs many images (chapter 13): the fast one by default, batched, on the best
// instructions this CPU offers; the readable one of chapter 9 on request. Both write the same
// integers (Tests/Chapters/13-FastEngineTests).

import ArgumentParser
import Ch09Network
import Ch13FastEngine

extension InstructionPath: ExpressibleByArgument {}

struct EngineOptions: ParsableArguments {
    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case fast, readable
    }

    @Option(help: ArgumentHelp("fast (chapter 13: batched, packed, vectorized) or readable (chapter 9, one image at a time); the same integers.", valueName: "engine"))
    var engine: Engine = .fast

    @Option(help: ArgumentHelp("Images per batch of the fast engine.", valueName: "count"))
    var batch: Int = 128

    @Option(help: ArgumentHelp("The fast engine's instructions: avx512-vnni, avx2 or portable (default: the best this CPU offers).", valueName: "path"))
    var instructions: InstructionPath?

    func validate() throws {
        guard batch >= 1, batch <= 4096 else { throw ValidationError("--batch takes 1 to 4096 images, not \(batch)") }
        if engine == .readable && instructions != nil { throw ValidationError("--instructions chooses the fast engine's path: leave out --engine readable") }
        if let instructions, !InstructionPath.available.contains(instructions) {
            throw ValidationError("--instructions \(instructions.rawValue): this CPU offers \(InstructionPath.available.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The fast engine for `network`, or nil when the reader asked for the readable one.
    func fast(_ network: Network) throws -> FastNetwork? {
        guard engine == .fast else { return nil }
        do { return try FastNetwork(network, path: instructions ?? .best) } catch { throw CommandFailure("\(error)") }
    }
}

/// Runs `images` in batches, through the fast engine when there is one, else image by image
/// through chapter 9's network; hands each image's index and prediction to `record`.
func predictions(_ network: Network, fast: FastNetwork?, images: ArraySlice<[UInt8]>, batch: Int, source: String,
                 record: (_ image: Int, _ prediction: Int) -> Void) throws {
    guard let fast else {
        for (index, pixels) in zip(images.indices, images) {
            do { record(index, try network.run(pixels: pixels).prediction) } catch { throw CommandFailure("\(source): image \(index): \(error)") }
        }
        return
    }
    try forEachBatch(fast, images: images, batch: batch, source: source) { start, run in
        for row in 0..<run.rows { record(start + row, run.prediction(row: row)) }
    }
}

/// The fast engine over `images`, `batch` at a time: each batch's first index and its run.
func forEachBatch(_ fast: FastNetwork, images: ArraySlice<[UInt8]>, batch: Int, source: String,
                  _ body: (Int, FastRun) throws -> Void) throws {
    let size = fast.network.input.elementCount ?? 0
    var pixels = [UInt8](repeating: 0, count: batch * size)
    for start in stride(from: images.startIndex, to: images.endIndex, by: batch) {
        let rows = min(batch, images.endIndex - start)
        for row in 0..<rows {
            guard images[start + row].count == size else {
                throw CommandFailure("\(source): image \(start + row) has \(images[start + row].count) pixels; the model's input takes \(size)")
            }
            pixels.replaceSubrange((row * size)..<((row + 1) * size), with: images[start + row])
        }
        let run = pixels.withUnsafeBufferPointer { fast.run(pixels: UnsafeBufferPointer(rebasing: $0[0..<(rows * size)]), rows: rows) }
        try body(start, run)
    }
}
