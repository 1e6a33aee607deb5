// The narration of chapter 3 (`workbook chapter 3`); not written yet.

func narrateChapter3(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 3 has no narration yet")
}
