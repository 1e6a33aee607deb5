// The narration of chapter 5 (`workbook chapter 5`); not written yet.

func narrateChapter5(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 5 has no narration yet")
}
