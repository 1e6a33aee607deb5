// The narration of chapter 9 (`workbook chapter 9`); not written yet.

func narrateChapter9(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 9 has no narration yet")
}
