// The narration of chapter 8 (`workbook chapter 8`); not written yet.

func narrateChapter8(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 8 has no narration yet")
}
