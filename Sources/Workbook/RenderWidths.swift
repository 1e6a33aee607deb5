// `workbook render widths` (chapter 11): the register widths of `workbook widths` as bars, per
// layer: one product of (11.1), the accumulator in the worst case and as the digits reach it,
// and the requantization's product x·M0 of (11.3), worst case and seen. The numbers are chapter
// 11's LayerWidths and AccumulatorSurvey, the ones the table prints.

import ArgumentParser
import Ch11Hardware

extension Render {
    struct Widths: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 11: the bits of each layer's registers, worst case and seen on the digits, as bars.")

        @OptionGroup var options: ModelOptions
        @OptionGroup var contract: ContractOptions
        @OptionGroup var digits: DigitOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let contract = try self.contract.contract(of: loaded)
                let (images, source) = try digits.images()
                let survey: AccumulatorSurvey
                do { survey = try AccumulatorSurvey.measure(contract, model: loaded.model, images: images, pixelMapping: loaded.pixelMapping).survey } catch {
                    throw CommandFailure("\(loaded.name): \(error)")
                }
                let widths = LayerWidths.of(contract)
                let kinds: [(text: String, ink: Ink)] = [("one product (11.1)", .grey), ("acc, worst case", .blue), ("acc, seen", .lightBlue),
                                                         ("x·M0 (11.3), worst case", .orange), ("x·M0, seen", .lightOrange)]
                let bars: [[Int]] = zip(widths, survey.seen).map { width, seen in
                    let seen = seen ?? width.worstCase
                    return [width.productBits, width.worstCaseBits, twosComplementBits(seen),
                            width.multiplyBits(accumulators: width.worstCase), width.multiplyBits(accumulators: seen)]
                }
                var canvas = Canvas(width: 1000, height: 560, palette: plotPalette)
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: 1000, height: 560),
                                title: "register widths per layer, \(contract.family.rawValue) kernels, seen on \(images.count) digits",
                                x: Axis("layer", range: -0.5...Double(widths.count) - 0.5,
                                        ticks: widths.enumerated().map { (Double($0), "op \($1.operatorIndex), \($1.inputCount) inputs") }),
                                y: Axis("bits", range: 0...96, ticks: stride(from: 0, through: 64, by: 8).map { (Double($0), "\($0)") }))
                for limit in [32.0, 64.0] { plot.line(&canvas, from: (-0.5, limit), to: (Double(widths.count) - 0.5, limit), ink: .red, thickness: 1, dashed: true) }
                let slot = 0.8 / Double(kinds.count)
                for (layer, values) in bars.enumerated() {
                    for (index, bits) in values.enumerated() {
                        let left = Double(layer) - 0.4 + Double(index) * slot
                        plot.bar(&canvas, across: left + 0.01...left + slot - 0.01, from: 0, to: Double(bits), ink: kinds[index].ink)
                        plot.label(&canvas, "\(bits)", at: (left + slot / 2, Double(bits)), centred: true, above: 12)
                    }
                }
                plot.legend(&canvas, kinds.map { (.box, $0.ink, $0.text) } + [(.line(dashed: true), .red, "32 and 64 bits")], topRight: false)
                try canvas.write(to: output)
                let summary = zip(widths, bars).map { "op \($0.operatorIndex): acc \($1[1]) (seen \($1[2])), x·M0 \($1[3]) (seen \($1[4]))" }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name), \(contract.family.rawValue) kernels, on \(source), bits: \(summary.joined(separator: "; "))")
            }
        }
    }
}
