// `workbook widths` (chapter 11): how many bits each layer's accumulator and requantization
// product need, worst case and seen on the digits, so hardware can size its registers. On a
// CNN, chapter 17's contract gives every weighted layer's, convolutions included.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch09Network
import Ch11Hardware
import Ch13FastEngine
import Ch17ConvolutionalExport

struct Widths: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 11: the bits each layer's accumulator needs, worst case and seen on the digits.")

    @OptionGroup var options: ModelOptions
    @OptionGroup var contract: ContractOptions
    @OptionGroup var digits: DigitOptions

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            if loaded.model.firstPartTwoOperator != nil {
                let (images, source) = try digits.images()
                return print(try convolutionalReport(loaded, images: images, source: source), terminator: "")
            }
            let contract = try self.contract.contract(of: loaded)
            let (images, source) = try digits.images()
            let measured: (survey: AccumulatorSurvey, classAgreements: Int)
            do { measured = try survey(contract, loaded, images: images, source: source) } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(loaded.name): \(error)")
            }
            print(widthReport(contract, measured.survey, classAgreements: measured.classAgreements, source: source, model: loaded.name), terminator: "")
        }
    }

    /// AccumulatorSurvey.measure's survey, with chapter 13's fast engine running the images in
    /// batches (the same accumulators as chapter 9's network, which measure runs).
    func survey(_ contract: NetworkContract, _ loaded: LoadedModel, images: [[UInt8]], source: String)
        throws -> (survey: AccumulatorSurvey, classAgreements: Int) {
        let fast = try FastNetwork(Network(model: loaded.model, family: contract.family, pixelMapping: loaded.pixelMapping))
        var survey = AccumulatorSurvey(layerCount: contract.layers.count)
        var agreements = 0
        try forEachBatch(fast, images: images[...], batch: 128, source: source) { _, batch in
            for row in 0..<batch.rows {
                let run = fast.networkRun(batch, row: row)
                survey.observe(contract.layers.map { run.accumulators[$0.outputTensor] ?? [] })
                let logits = run.tensors[contract.layers[contract.layers.count - 1].outputTensor]?.integers ?? []
                if argmax(logits) == run.prediction { agreements += 1 }
            }
        }
        return (survey, agreements)
    }

    /// Chapter 11's table: per layer the widths of the factors, the product, the accumulator
    /// (worst case and seen) and the requantization's product.
    func widthReport(_ contract: NetworkContract, _ survey: AccumulatorSurvey, classAgreements: Int, source: String, model: String) -> String {
        func range<T: BinaryInteger>(_ r: ClosedRange<T>) -> String { "\(r.lowerBound)…\(r.upperBound)" }
        var out = "\(model), \(contract.family.rawValue) kernels, over \(source)\n"
        for (index, width) in LayerWidths.of(contract).enumerated() {
            out += "op \(width.operatorIndex), \(width.inputCount) inputs: q_w − Z2 in \(range(width.weightTerms)), q_in − Z1 in \(range(width.inputTerms)), products of \(width.productBits) bits\n"
            out += "  acc (bias included), worst case:   \(range(width.worstCase)), \(width.worstCaseBits) bits (chapter 4's bound before the bias: \(width.productsBound.bits) bits)\n"
            if let seen = survey.seen[index] {
                out += "  acc (bias included), largest seen: \(range(seen)), \(twosComplementBits(seen)) bits\n"
                out += "  x·M0 of (11.3): \(width.multiplyBits(accumulators: width.worstCase)) bits worst case, \(width.multiplyBits(accumulators: seen)) bits seen\n"
            }
        }
        let last = contract.layers[contract.layers.count - 1].operatorIndex
        out += "the class, argmax of op \(last)'s codes, is the network's prediction on \(classAgreements) of \(survey.imageCount) images\n"
        return out
    }
}

extension Widths {
    /// The same table for a CNN: chapter 17's weighted layers, seen over its golden vectors.
    func convolutionalReport(_ loaded: LoadedModel, images: [[UInt8]], source: String) throws -> String {
        func range<T: BinaryInteger>(_ r: ClosedRange<T>) -> String { "\(r.lowerBound)…\(r.upperBound)" }
        let contract: ConvolutionalContract, vectors: ConvolutionalVectors
        do {
            contract = try ConvolutionalContract(model: loaded.model, family: self.contract.kernels)
            vectors = try ConvolutionalVectors(contract: contract, model: loaded.model, images: images, source: source, pixelMapping: loaded.pixelMapping)
        } catch {
            throw CommandFailure("\(loaded.name): \(error)")
        }
        var out = "\(loaded.name), \(contract.family.rawValue) kernels, over \(source)\n"
        for entry in contract.widths {
            let width = entry.widths
            out += "op \(width.operatorIndex), \(entry.description): q_w − Z2 in \(range(width.weightTerms)), q_in − Z1 in \(range(width.inputTerms)), products of \(width.productBits) bits\n"
            out += "  acc (bias included), worst case:   \(range(width.worstCase)), \(width.worstCaseBits) bits (chapter 4's bound before the bias: \(width.productsBound.bits) bits)\n"
            let values = vectors.vectors.flatMap { $0.accumulators[entry.layerIndex] }
            if let low = values.min(), let high = values.max() {
                let seen = Int64(low)...Int64(high)
                out += "  acc (bias included), largest seen: \(range(seen)), \(twosComplementBits(seen)) bits\n"
                out += "  x·M0 of (11.3): \(width.multiplyBits(accumulators: width.worstCase)) bits worst case, \(width.multiplyBits(accumulators: seen)) bits seen\n"
            }
        }
        let agreements = vectors.vectors.filter { $0.predictedClass == $0.networkPrediction }.count
        out += "the class, argmax of the last layer's codes, is the network's prediction on \(agreements) of \(vectors.vectors.count) images\n"
        return out
    }
}
