import Testing

@Test func `placeholder until the chapter is written`() { #expect(Bool(true)) }
