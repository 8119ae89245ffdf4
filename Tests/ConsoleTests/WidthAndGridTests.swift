import Console
import Testing

@Suite("Display width and the cell grid")
struct WidthAndGridTests {
    @Test(
        "columns per character",
        arguments: [
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

    @Test("plain ASCII (the fast path) clips, ends in an ellipsis and clears wide characters like any text")
    func asciiWritesMatchTheGeneralPath() {
        var grid = CellGrid(size: Size(columns: 8, rows: 2))
        #expect(grid.write("abcdefghij", x: 0, y: 0, role: .text, maxWidth: 6) == 6)
        #expect(grid.line(0) == "abcde…  ")
        #expect(grid.write("abcdefghij", x: 2, y: 0, role: .muted, ellipsis: false) == 6)
        #expect(grid.line(0) == "ababcdef" && grid[7, 0].role == .muted && grid[1, 0].role == .text)
        grid.write("保温杯", x: 0, y: 1, role: .text)
        grid.write("zz", x: 1, y: 1, role: .text)
        #expect(grid.line(1) == " zz 杯  ")
        #expect(!grid[3, 1].isContinuation && grid[5, 1].isContinuation && !grid[0, 1].isWide)
        // A control character is not printable ASCII: the general path leaves it out.
        var tab = CellGrid(size: Size(columns: 4, rows: 1))
        #expect(tab.write("a\tb", x: 0, y: 0, role: .text) == 2)
        #expect(tab.line(0) == "ab  ")
        #expect("ab\tc".displayWidth == 3 && "abc".displayWidth == 3)
    }

    @Test func wrappingBreaksAtSpacesByDisplayWidth() {
        #expect(TextWrap.lines("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextWrap.lines("保温杯保温杯", width: 4) == ["保温", "杯保", "温杯"])
        #expect(TextWrap.lines("line one\nline two", width: 20) == ["line one", "line two"])
        #expect(TextWrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }
}
