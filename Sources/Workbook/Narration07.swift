// The narration of chapter 7 (`workbook chapter 7`); not written yet.

func narrateChapter7(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 7 has no narration yet")
}
