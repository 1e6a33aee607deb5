// The narration of chapter 1 (`workbook chapter 1`); not written yet.

func narrateChapter1(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 1 has no narration yet")
}
