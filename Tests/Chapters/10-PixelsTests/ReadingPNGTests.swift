// Chapter 10, step 1: libpng decodes every kind of PNG into 8-bit RGBA, and writes them back.
// The files are built here, byte by byte or with our writer, so each expected value is known.

@testable import Ch10Pixels
import Testing

@Test func `a grey picture survives our writer and our reader`() throws {
    let pixels: [UInt8] = [0, 1, 127, 128, 254, 255]
    let decoded = try PNGReader.decode(try PNGWriter.encode(.gray(pixels), width: 3, height: 2), name: "grey")
    #expect(decoded.width == 3 && decoded.height == 2)
    #expect(decoded.fileFormat == "grey")
    #expect(GrayImage(decoded).pixels == pixels)
    #expect(stride(from: 3, to: decoded.samples.count, by: 4).allSatisfy { decoded.samples[$0] == 255 })  // opaque
}

@Test func `an RGB picture and a palette picture come back with their colours`() throws {
    let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]
    let decoded = try PNGReader.decode(try PNGWriter.encode(.rgb(rgb), width: 2, height: 2), name: "rgb")
    #expect(decoded.fileFormat == "RGB")
    #expect((0..<4).flatMap { Array(decoded.samples[(4 * $0)..<(4 * $0 + 3)]) } == rgb)
    #expect(GrayImage(decoded).pixels == [76, 150, 29, 18])  // (10.2): 0.299·10 + 0.587·20 + 0.114·30 = 18.16

    let palette: [(UInt8, UInt8, UInt8)] = [(250, 240, 190), (20, 30, 120)]
    let indexed = try PNGReader.decode(try PNGWriter.encode(.indexed([0, 1, 1, 0], palette: palette), width: 2, height: 2), name: "palette")
    #expect(indexed.fileFormat == "palette")
    #expect(Array(indexed.samples[4..<8]) == [20, 30, 120, 255])
}

@Test(arguments: [(UInt8(1), [UInt8]([0, 1]), [UInt8]([0, 255])),
                  (UInt8(2), [UInt8]([0, 1, 2, 3]), [UInt8]([0, 85, 170, 255])),
                  (UInt8(4), [UInt8]([0, 1, 7, 15]), [UInt8]([0, 17, 119, 255]))])
func `grey samples of 1, 2 and 4 bits are widened to 8 by repeating their bits`(bitDepth: UInt8, samples: [UInt8], expected: [UInt8]) throws {
    // One row, the samples packed most significant bits first, the last byte padded with 0.
    let perByte = 8 / Int(bitDepth)
    let packed: [UInt8] = stride(from: 0, to: samples.count, by: perByte).map { start in
        samples[start..<min(start + perByte, samples.count)].enumerated().reduce(UInt8(0)) { byte, sample in
            byte | sample.element << (8 - Int(bitDepth) * (sample.offset + 1))
        }
    }
    let bytes = PNGBytes.signature
        + PNGBytes.chunk("IHDR", PNGBytes.header(width: UInt32(samples.count), height: 1, bitDepth: bitDepth))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0] + packed)) + PNGBytes.chunk("IEND", [])
    #expect(GrayImage(try PNGReader.decode(bytes, name: "\(bitDepth)-bit")).pixels == expected)
}

@Test func `a 16-bit grey file without gAMA is read as sRGB: v·257 becomes v`() throws {
    let values: [UInt16] = [0, 128 * 257, 200 * 257, 65535]
    let row = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    let bytes = PNGBytes.signature
        + PNGBytes.chunk("IHDR", PNGBytes.header(width: 4, height: 1, bitDepth: 16))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0] + row)) + PNGBytes.chunk("IEND", [])
    let decoded = try PNGReader.decode(bytes, name: "16-bit")
    #expect(decoded.fileFormat == "grey, 16-bit")
    // Without PNG_IMAGE_FLAG_16BIT_sRGB libpng would take these as linear light: 128·257 → 186.
    #expect(GrayImage(decoded).pixels == [0, 128, 200, 255])
}

@Test func `transparent pixels are white paper and half-transparent black ink is mid grey`() throws {
    // Grey + alpha (colour type 4), 8-bit: (grey, alpha) pairs.
    let row: [UInt8] = [0, 0, 0, 255, 0, 128, 255, 0]
    let bytes = PNGBytes.signature
        + PNGBytes.chunk("IHDR", PNGBytes.header(width: 4, height: 1, colorType: 4))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0] + row)) + PNGBytes.chunk("IEND", [])
    let decoded = try PNGReader.decode(bytes, name: "grey-alpha")
    #expect(decoded.fileFormat == "grey + alpha")
    #expect(GrayImage(decoded).pixels == [255, 0, 127, 255])  // (10.1): 255·127/255 = 127
}

@Test func `an ancillary chunk with a bad CRC is dropped with a warning, and the picture still reads`() throws {
    let text = PNGBytes.chunk("tEXt", Array("Comment\u{0}hello".utf8), crc: 0xDEAD_BEEF)
    let decoded = try PNGReader.decode(PNGBytes.grey([[0, 255]], extraChunks: [text]), name: "text")
    #expect(GrayImage(decoded).pixels == [0, 255])
}
