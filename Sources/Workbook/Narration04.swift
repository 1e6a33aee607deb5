// The narration of chapter 4 (`workbook chapter 4`); not written yet.

func narrateChapter4(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 4 has no narration yet")
}
