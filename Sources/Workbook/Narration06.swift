// The narration of chapter 6 (`workbook chapter 6`); not written yet.

func narrateChapter6(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 6 has no narration yet")
}
