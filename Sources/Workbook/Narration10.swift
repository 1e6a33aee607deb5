// The narration of chapter 10 (`workbook chapter 10`); not written yet.

func narrateChapter10(_ context: NarrationContext) throws -> String {
    throw CommandFailure("chapter 10 has no narration yet")
}
