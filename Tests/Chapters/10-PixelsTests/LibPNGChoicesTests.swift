// The two libpng defaults chapter 10 does not take, measured, so the numbers the prose gives
// for them are libpng's own: its grey conversion (linear light, sRGB primaries), and its
// reading of a 16-bit file without gAMA as linear light.

import CLibPNG
import Testing

/// Decodes `bytes` with libpng into `format`, optionally with PNG_IMAGE_FLAG_16BIT_sRGB.
func libpngDecode(_ bytes: [UInt8], format: UInt32, sixteenBitIsSRGB: Bool = false) throws -> [UInt8] {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }
    try #require(png_image_begin_read_from_memory(&image, bytes, bytes.count) != 0)
    image.format = format
    if sixteenBitIsSRGB { image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB) }
    let channels = format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1
    var out = [UInt8](repeating: 0, count: Int(image.width * image.height) * (channels + (format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)))
    try #require(png_image_finish_read(&image, nil, &out, 0, nil) != 0)
    return out
}

@Test func `libpng's own grey of pure red, green and blue is 126, 219 and 76, ours 76, 150 and 29`() throws {
    let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
    let row = PNGBytes.signature
        + PNGBytes.chunk("IHDR", PNGBytes.header(width: 3, height: 1, colorType: 2))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0] + rgb)) + PNGBytes.chunk("IEND", [])
    #expect(try libpngDecode(row, format: UInt32(PNG_FORMAT_GRAY)) == [126, 219, 76])
}

@Test func `without PNG_IMAGE_FLAG_16BIT_sRGB, libpng reads 128·257 in a 16-bit file as 186`() throws {
    let sample: UInt16 = 128 * 257
    let bytes = PNGBytes.signature
        + PNGBytes.chunk("IHDR", PNGBytes.header(width: 1, height: 1, bitDepth: 16))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0, UInt8(sample >> 8), UInt8(sample & 0xFF)])) + PNGBytes.chunk("IEND", [])
    #expect(try libpngDecode(bytes, format: UInt32(PNG_FORMAT_GRAY)) == [186])
    #expect(try libpngDecode(bytes, format: UInt32(PNG_FORMAT_GRAY), sixteenBitIsSRGB: true) == [128])
}
