// The figures' lettering: a 5×7 bitmap font of our own, drawn for `workbook render`'s titles,
// axis labels, ticks and legends. libpng writes pixels and knows no text, and a font file would
// be one more thing to ship, so each glyph is seven rows of five bits (bit 4 the leftmost
// column), written as fourteen hex digits.

enum BitmapFont {
    static let glyphWidth = 5
    static let glyphHeight = 7
    /// A glyph and the blank column after it.
    static let advance = glyphWidth + 1

    /// Printable ASCII, and the symbols the book's prose uses: − (minus, wider than the
    /// hyphen), ·, ×, ≈, ≠, ≤, ≥, ±, …, Σ, →, ⌊, ⌋, β.
    static let glyphs: [Character: String] = [
        " ": "00000000000000", "!": "04040404040004", "\"": "0A0A0000000000", "#": "0A0A1F0A1F0A0A",
        "$": "040F140E051E04", "%": "18190204081303", "&": "0C12140815120D", "'": "04040000000000",
        "(": "02040808080402", ")": "08040202020408", "*": "0004150E150400", "+": "0004041F040400",
        ",": "00000000040408", "-": "0000000E000000", ".": "00000000000004", "/": "00010204081000",
        "0": "0E11131519110E", "1": "040C040404040E", "2": "0E11010204081F", "3": "1F02040201110E",
        "4": "02060A121F0202", "5": "1F101E0101110E", "6": "0608101E11110E", "7": "1F010204080808",
        "8": "0E11110E11110E", "9": "0E11110F01020C", ":": "00000400000400", ";": "00000400040408",
        "<": "02040810080402", "=": "00001F001F0000", ">": "08040201020408", "?": "0E110102040004",
        "@": "0E11010D15150E", "A": "0E11111F111111", "B": "1E11111E11111E", "C": "0E11101010110E",
        "D": "1C12111111121C", "E": "1F10101E10101F", "F": "1F10101E101010", "G": "0E11101711110F",
        "H": "1111111F111111", "I": "0E04040404040E", "J": "0702020202120C", "K": "11121418141211",
        "L": "1010101010101F", "M": "111B1515111111", "N": "11111915131111", "O": "0E11111111110E",
        "P": "1E11111E101010", "Q": "0E11111115120D", "R": "1E11111E141211", "S": "0F10100E01011E",
        "T": "1F040404040404", "U": "1111111111110E", "V": "11111111110A04", "W": "1111111515150A",
        "X": "11110A040A1111", "Y": "1111110A040404", "Z": "1F01020408101F", "[": "0E08080808080E",
        "\\": "00100804020100", "]": "0E02020202020E", "^": "040A1100000000", "_": "0000000000001F",
        "`": "08040000000000", "a": "00000E010F110F", "b": "1010161911111E", "c": "00000E1010110E",
        "d": "01010D1311110F", "e": "00000E111F100E", "f": "0609081C080808", "g": "000F11110F010E",
        "h": "10101619111111", "i": "04000C0404040E", "j": "0200060202120C", "k": "10101214181412",
        "l": "0C04040404040E", "m": "00001A15151111", "n": "00001619111111", "o": "00000E1111110E",
        "p": "00001E11111E10", "q": "00000F11110F01", "r": "00001619101010", "s": "00000E100E011E",
        "t": "08081C08080906", "u": "0000111111130D", "v": "00001111110A04", "w": "0000111115150A",
        "x": "0000110A040A11", "y": "000011110F010E", "z": "00001F0204081F", "{": "02040408040402",
        "|": "04040404040404", "}": "08040402040408", "~": "00000815020000",
        "−": "0000001F000000", "·": "00000004000000", "×": "0000110A040A11", "≈": "00081502081502",
        "≠": "00011F041F1000", "≤": "0204080402001F", "≥": "0804020408001F", "±": "04041F0404001F",
        "…": "00000000000015", "Σ": "1F10080408101F", "→": "0004021F020400", "⌊": "0808080808080E",
        "⌋": "0202020202020E", "β": "0E111E11111E10",
    ]

    /// Drawn for a character the table lacks: a hollow box, visible, never a crash.
    static let missing = "1F11111111111F"

    /// The seven rows of a character's glyph.
    static func rows(_ character: Character) -> [UInt8] {
        let hex = Array(glyphs[character] ?? missing)
        return (0..<glyphHeight).map { UInt8(String(hex[(2 * $0)...(2 * $0 + 1)]), radix: 16)! }
    }

    /// The width in pixels of `text` at `scale` pixels per font pixel, without the trailing blank.
    static func width(_ text: String, scale: Int) -> Int {
        max(text.count * advance - 1, 0) * scale
    }
}
