import Console
import Testing

@Suite("Widgets")
struct WidgetTests {
    @Test(
        "text field editing keys",
        arguments: [
            // (start text, keys, expected text, expected cursor)
            ("hello world", [Key.control("w")], "hello ", 6),
            ("hello world  ", [Key.control("w")], "hello ", 6),
            ("hello world", [Key.control("u")], "", 0),
            ("hello world", [Key.home, .control("k")], "", 0),
            ("hello", [Key.left, .left, .backspace], "helo", 2),
            ("hello", [Key.home, .delete], "ello", 0),
            ("hello", [Key.home, .right, .character("X")], "hXello", 2),
            ("hello", [Key.control("a"), .character(">")], ">hello", 1),
            ("ab", [Key.left, .control("e"), .character("c")], "abc", 3),
            ("", [Key.character("保"), .character("☕")], "保☕", 2),
            ("", [Key.backspace, .delete, .left], "", 0),
            ("a", [Key.character("\n"), .character("b")], "a b", 3),
        ] as [(String, [Key], String, Int)])
    func textField(start: String, keys: [Key], text: String, cursor: Int) {
        var field = TextField(start)
        for key in keys { field.handle(key) }
        #expect(field.text == text)
        #expect(field.cursor == cursor)
    }

    @Test func aLongPasteScrollsSoTheCursorStaysVisible() {
        var field = TextField()
        let pasted = String(repeating: "0123456789", count: 20)
        for c in pasted { field.handle(.character(c)) }
        var grid = CellGrid(size: Size(columns: 20, rows: 1))
        field.render(into: &grid, rect: Rect(x: 0, y: 0, width: 20, height: 1), focused: true)
        #expect(grid.line(0) == "1234567890123456789 ")
        #expect(grid[19, 0].role == .selection, "the cursor is drawn after the last character")
        field.handle(.home)
        field.render(into: &grid, rect: Rect(x: 0, y: 0, width: 20, height: 1), focused: true)
        #expect(grid.line(0).hasPrefix("0123456789"))
        #expect(grid[0, 0].role == .selection)
    }

    @Test func editorInsertsAndDeletesAcrossLines() {
        var editor = TextEditor("first\nsecond")
        #expect(editor.line == 1 && editor.column == 6)
        editor.handle(.home)
        editor.handle(.backspace)  // joins with the line above
        #expect(editor.text == "firstsecond")
        #expect(editor.line == 0 && editor.column == 5)
        editor.handle(.enter)
        #expect(editor.text == "first\nsecond")
        editor.handle(.up)
        editor.handle(.end)
        editor.handle(.delete)  // joins the next line
        #expect(editor.text == "firstsecond")
        editor.handle(.left)
        editor.handle(.right)
        editor.handle(.right)
        #expect(editor.column == 6)
        editor.handle(.control("k"))
        #expect(editor.text == "firsts")
    }

    @Test func editorWrapsLongLinesAndScrollsToTheCursor() {
        var editor = TextEditor(String(repeating: "word ", count: 40))
        let rows = editor.visualRows(width: 21)
        #expect(rows.count > 5)
        #expect(rows.allSatisfy { $0.line == 0 })
        editor.scrollToCursor(width: 21, height: 3)
        #expect(editor.top == rows.count - 3)
        var grid = CellGrid(size: Size(columns: 21, rows: 3))
        editor.render(into: &grid, rect: Rect(x: 0, y: 0, width: 21, height: 3), focused: true)
        #expect(grid.text.contains("word"))
        #expect(grid.text.contains("/\(rows.count)"), "a scroll position is shown when the text is longer than the box")
        editor.handle(.home)
        editor.scrollToCursor(width: 21, height: 3)
        #expect(editor.top == 0)
    }

    @Test func tableDropsLowPriorityColumnsWhenNarrowAndSharesSpareWidth() {
        let table = Table(
            columns: [
                TableColumn("ID", .fixed(4), priority: 3),
                TableColumn("NAME", .flexible(min: 10, weight: 2), priority: 4),
                TableColumn("NOTE", .flexible(min: 10, weight: 1), priority: 0),
            ], rows: [])
        #expect(table.layout(width: 20) == [4, 15, 0])
        let wide = table.layout(width: 60)
        #expect(wide[0] == 4 && wide[1] + wide[2] + 2 + 4 == 60 && wide[1] > wide[2])
    }

    @Test func tableSelectionScrollsAndClamps() {
        var selection = TableSelection()
        selection.handle(.pageDown, rowCount: 50, visible: 10)
        #expect(selection.selected == 9 && selection.top == 0)
        selection.handle(.down, rowCount: 50, visible: 10)
        #expect(selection.selected == 10 && selection.top == 1)
        selection.handle(.end, rowCount: 50, visible: 10)
        #expect(selection.selected == 49 && selection.top == 40)
        selection.handle(.down, rowCount: 50, visible: 10)
        #expect(selection.selected == 49)
        selection.handle(.home, rowCount: 50, visible: 10)
        #expect(selection == TableSelection())
        selection.clamp(rowCount: 0, visible: 10)
        #expect(selection.selected == 0)
    }

    @Test func formMovesFocusAndClearsAFieldsErrorWhenItIsEdited() {
        var form = Form(fields: [
            .init(name: "a", label: "A", input: .line(TextField())),
            .init(name: "b", label: "B", input: .text(TextEditor())),
        ])
        form.setErrors(["a": "a is required.", "b": "b is bad."])
        form.handle(.character("x"))
        #expect(form.fields[0].error == nil && form.fields[1].error == "b is bad.")
        form.handle(.tab)
        #expect(form.focus == 1)
        form.handle(.enter)  // a new line in the multi-line field, not a focus move
        #expect(form.focus == 1 && form.value("b") == "\n")
        form.handle(.backTab)
        #expect(form.focus == 0)
        form.handle(.down)
        #expect(form.focus == 1)
        #expect(form.values == ["a": "x", "b": "\n"])
    }
}
