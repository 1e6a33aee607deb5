// `workbook naive` (chapter 3): the seed's numpy port and each fix in turn, measured on MNIST.

import ArgumentParser
import Ch03FloatNetwork

struct Naive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 3: the naive port's accuracy, and after each fix, on MNIST images.")

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("MNIST images in IDX format, gzipped or not.", valueName: "images.idx.gz"))
    var images: String

    @Option(help: ArgumentHelp("Their labels in IDX format.", valueName: "labels.idx.gz"))
    var labels: String

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            // The model is judged before the images are read: a CNN is refused in its own words.
            do { _ = try NaivePort(model: loaded.model) } catch { throw CommandFailure("\(loaded.name): \(error)") }
            let set: LabeledImages
            do { set = try LabeledImages.read(images: images, labels: labels) } catch { throw CommandFailure("\(error)") }
            do {
                print(try naiveAccuracyTable(images: set.images, labels: set.labels, model: loaded.model), terminator: "")
            } catch {
                throw CommandFailure("\(loaded.name): \(error)")
            }
        }
    }
}
