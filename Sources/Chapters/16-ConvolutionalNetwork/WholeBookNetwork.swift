// Chapter 16 — the convolutional network: chapter 9's network with part two's operators,
// prepared by chapters 14 and 15 (PartTwoOperators). Every command of the workbook builds its
// network here, so that an MLP and a CNN are read, validated and run the same way.
// Prose: chapters/16-convolutional-network.md.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network
import Ch15Pooling

extension Network {
    /// The whole book's network: chapter 9's operators and part two's.
    public init(wholeBook model: Model, family: KernelFamily, pixelMapping: PixelMapping? = nil) throws {
        try self.init(model: model, family: family, pixelMapping: pixelMapping, operators: PartTwoOperators())
    }
}
