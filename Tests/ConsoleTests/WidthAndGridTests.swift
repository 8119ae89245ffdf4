import Console
import Testing

@Suite("Display width and the cell grid")
struct WidthAndGridTests {
    @Test("columns per character", arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("保", 2), ("Ｆ", 2), ("☕", 2), ("👍🏽", 2), ("❤️", 2), ("\u{200B}", 0), ("한", 2),
    ] as [(String, Int)])
    func widths(text: String, expected: Int) {
        #expect(DisplayWidth.of(Character(text)) == expected)
    }

    @Test func stringsAreMeasuredInColumnsNotCharacters() {
        #expect("保温杯 mug".displayWidth == 10)
        #expect("☕ Café".displayWidth == 7)
    }

    @Test func truncationKeepsWithinTheWidthAndNeverSplitsAWideCharacter() {
        #expect(DisplayWidth.truncate("保温杯保温杯", to: 6) == "保温…")
        #expect(DisplayWidth.truncate("保温杯保温杯", to: 6).displayWidth <= 6)
        #expect(DisplayWidth.truncate("abcdef", to: 6) == "abcdef")
        #expect(DisplayWidth.truncate("abcdefg", to: 6) == "abcde…")
        #expect(DisplayWidth.fit("保", to: 4) == "保  ")
        #expect(DisplayWidth.fit("42", to: 5, alignRight: true) == "   42")
    }

    @Test func wideCharactersTakeTwoCellsAndAreClippedAtTheEdge() {
        var grid = CellGrid(size: Size(columns: 5, rows: 1))
        let used = grid.write("a保b", x: 0, y: 0, role: .text)
        #expect(used == 4)
        #expect(grid[1, 0].character == "保" && grid[2, 0].isContinuation)
        #expect(grid.line(0) == "a保b ")
        // A wide character that would straddle the right edge is not drawn.
        var edge = CellGrid(size: Size(columns: 3, rows: 1))
        edge.write("ab保", x: 0, y: 0, role: .text, ellipsis: false)
        #expect(edge.line(0) == "ab ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = CellGrid(size: Size(columns: 4, rows: 1))
        grid.write("保温", x: 0, y: 0, role: .text)
        grid.write("x", x: 1, y: 0, role: .text)
        #expect(grid.line(0) == " x温")
    }

    @Test func wrappingBreaksAtSpacesByDisplayWidth() {
        #expect(TextWrap.lines("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextWrap.lines("保温杯保温杯", width: 4) == ["保温", "杯保", "温杯"])
        #expect(TextWrap.lines("line one\nline two", width: 20) == ["line one", "line two"])
        #expect(TextWrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }
}
