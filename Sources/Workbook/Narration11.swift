// The narration of chapter 11 (`workbook chapter 11`); not written yet.

func narrateChapter11(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 11 has no narration yet")
}
