// libpng is reachable from Swift: a small grayscale image survives a write and a read through
// the simplified `png_image_*` API (the one chapter 10 uses).

import CLibPNG
import Testing

@Test func `a 3×2 grayscale PNG round-trips through libpng`() throws {
    let pixels: [UInt8] = [0, 128, 255, 7, 77, 200]
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = 3
    image.height = 2
    image.format = UInt32(PNG_FORMAT_GRAY)

    // First ask for the size, then write into a buffer of that size.
    var size = 0
    #expect(png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0)
    var encoded = [UInt8](repeating: 0, count: size)
    #expect(png_image_write_to_memory(&image, &encoded, &size, 0, pixels, 0, nil) != 0)
    #expect(Array(encoded.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])  // the PNG signature

    var decoded = png_image()
    decoded.version = UInt32(PNG_IMAGE_VERSION)
    #expect(png_image_begin_read_from_memory(&decoded, encoded, size) != 0)
    #expect(decoded.width == 3 && decoded.height == 2)
    decoded.format = UInt32(PNG_FORMAT_GRAY)
    var back = [UInt8](repeating: 0, count: 6)
    #expect(png_image_finish_read(&decoded, nil, &back, 0, nil) != 0)
    #expect(back == pixels)
}

@Test func `libpng refuses bytes that are not a PNG`() {
    let notPNG = Array("GIF89a, not a PNG at all".utf8)
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    #expect(png_image_begin_read_from_memory(&image, notPNG, notPNG.count) == 0)
    let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    #expect(!message.isEmpty)
    png_image_free(&image)
}
