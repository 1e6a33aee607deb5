// `workbook render rules` (chapter 12): chapter 12's nine rounding rules (three arithmetics for
// M·acc, three rules for an exact tie) on the first layer's accumulators nearest a tie k + ½,
// from the model alone: for every channel and every tie between two codes the layer can store,
// the two integers acc either side of (k + ½)/M. Where the nine rules do not all agree, each
// rule's result is drawn, rounded down (to k) or up (to k + 1), by how far the exact M·acc (M in
// double) lies from the tie. The double rules turn at 0; the float32 ones within a float32 step
// of it. The fixed point keeps M·acc to 2^−n of a step (n the final right shift; M = (M0/2^31)·2^−n
// with M0/2^31 in [½, 1)), coarser than the gap M between neighbouring accumulators, so many
// accumulators this near a tie are an exact tie there, and its three tie rules part on them.

import ArgumentParser
import Ch01TFLiteFile
import Ch06Requantize
import Ch12YourPort
import Foundation

extension Render {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 12: the nine rounding rules on the first layer's accumulators nearest a tie, from the model alone.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// One accumulator the nine rules round differently.
        struct Disagreement {
            let distance: Double  // M·acc − (k + ½), M in double
            let up: [Bool]        // RoundingRule.all order: rounded to k + 1
        }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let layer: LayerScales
                let double: Requantizer, fixedPoint: Requantizer, float32: Requantizer
                do {
                    guard let first = try loaded.model.fullyConnectedLayers().first, first.output.type.integerRange != nil else {
                        throw CommandFailure("\(loaded.name): the first layer is not quantized, so there is no M·acc to round")
                    }
                    layer = first
                    (double, fixedPoint, float32) = (try Requantizer(layer: layer, family: .reference), try Requantizer(layer: layer, family: .micro),
                                                     try Requantizer(layer: layer, family: .xnnpack))
                } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let rules = RoundingRule.all
                let codes = layer.output.type.integerRange!
                let zeroPoint = Int64(layer.outputZeroPoint)
                // The ties that decide a stored code: k + ½ with k and k + 1 both storable as Z3 + k.
                let ties = (Int64(codes.lowerBound) - zeroPoint)..<(Int64(codes.upperBound) - zeroPoint)
                var found: [Disagreement] = [], candidates = 0, exactTies = Array(repeating: 0, count: ProductArithmetic.allCases.count)
                for channel in layer.weightScales.indices {
                    let m = double.realMultiplier(channel: channel)
                    for k in ties {
                        let tie = Double(k) + 0.5
                        let nearest = (tie / m).rounded(.down)
                        for acc in [nearest, nearest + 1] where acc >= Double(Int32.min) && acc <= Double(Int32.max) {
                            candidates += 1
                            let results = rules.map { $0.scaled(Int32(acc), channel: channel, double: double, fixedPoint: fixedPoint, float32: float32) }
                            guard Set(results).count > 1 else { continue }
                            found.append(Disagreement(distance: acc * m - tie, up: results.map { $0 > k }))
                            // An exact tie in an arithmetic: its three tie rules do not agree.
                            for (index, arithmetic) in ProductArithmetic.allCases.enumerated() {
                                let own = zip(rules, results).filter { $0.0.arithmetic == arithmetic }.map(\.1)
                                if Set(own).count > 1 { exactTies[index] += 1 }
                            }
                        }
                    }
                }
                guard !found.isEmpty else { throw CommandFailure("\(loaded.name): the nine rules agree on every accumulator nearest a tie; nothing to draw") }

                let farthest = found.map { abs($0.distance) * 1e6 }.max()!
                let reach = farthest * 1.15
                let (width, height) = (1400, 620)
                var canvas = Canvas(width: width, height: height, palette: plotPalette)
                let count = Double(rules.count)
                let ticks = rules.enumerated().map { index, rule in
                    (count - 1 - Double(index), "\(rule.arithmetic.short), \(rule.ties.short)\(rule.family.map { " (\($0.rawValue))" } ?? "")")
                }
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: width, height: height),
                                title: "op \(layer.operatorIndex): the \(found.count) accumulators nearest a tie k + 1/2 the nine rules round differently: blue up, orange down",
                                x: Axis("M·acc − (k + 1/2) with M in double, in millionths of a step", range: -reach...reach),
                                y: Axis("", range: -0.5...count - 0.5, ticks: ticks))
                plot.line(&canvas, from: (0, -0.5), to: (0, count - 0.5), ink: .grey, dashed: true)
                for item in found {
                    for (index, up) in item.up.enumerated() {
                        // Rounded up (blue) a little above the row's line, down (orange) a little below it.
                        let y = count - 1 - Double(index) + (up ? 0.18 : -0.18)
                        plot.marker(&canvas, at: (item.distance * 1e6, y), ink: up ? .blue : .orange, shape: up ? .square : .diamond)
                    }
                }
                try canvas.write(to: output)
                let reference = RoundingRule(family: .reference)
                let referenceIndex = rules.firstIndex(of: reference)!
                let differ = rules.indices.filter { $0 != referenceIndex }.map { index in
                    "\(rules[index].arithmetic.short) \(rules[index].ties.short) \(found.filter { $0.up[index] != $0.up[referenceIndex] }.count)"
                }
                let exact = zip(ProductArithmetic.allCases, exactTies).map { "\($0.short) \($1)" }
                print("wrote \(output): \(canvas.width)×\(canvas.height), operator \(layer.operatorIndex) of \(loaded.name): of the \(candidates) accumulators either side of a tie, the nine rules disagree on \(found.count), all within \(tickText(farthest, decimals: 1))e-6 of the tie; exact ties: \(exact.joined(separator: ", ")); against reference (double, away): \(differ.joined(separator: ", "))")
            }
        }
    }
}

extension ProductArithmetic {
    /// The arithmetic in a word or two, for a tick label.
    var short: String {
        switch self {
        case .double: "double"
        case .fixedPoint: "fixed point"
        case .float32: "float32"
        }
    }
}

extension TieRule {
    var short: String {
        switch self {
        case .awayFromZero: "ties away"
        case .up: "ties up"
        case .toEven: "ties to even"
        }
    }
}
