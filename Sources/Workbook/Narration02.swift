// The narration of chapter 2 (`workbook chapter 2`); not written yet.

func narrateChapter2(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 2 has no narration yet")
}
