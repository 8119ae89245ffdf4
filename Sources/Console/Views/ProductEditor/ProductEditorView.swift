import Catalog
import Operations

/// The product form, and after a save the change's way to the index.
public enum ProductEditorView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.control("s")], "save", "Save (validates every field first; nothing is written on error)", .save, isWrite: true),
        KeyBinding([.tab, .backTab], "field", "Next / previous field (↑ ↓ too, outside the description)", .edit),
        KeyBinding([.escape], "back", "Back (asks first if there are unsaved edits)", .back),
        KeyBinding([.enter], "new line", "In the description: a new line", .edit, isHidden: true),
    ]

    static func formRect(_ s: ConsoleState) -> Rect {
        let body = s.body.inset(dx: 1, dy: 0)
        return Rect(x: body.x, y: body.y + 3, width: body.width, height: body.height - 3)
    }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        guard let editor = s.editor else { return }
        let body = s.body.inset(dx: 1, dy: 0)
        let title: String
        if let original = editor.original { title = "Edit product \(original.id) — \(original.name)" } else { title = "New product" }
        var x = body.x
        x += grid.write(title, x: x, y: body.y, role: .title, maxWidth: body.width)
        if editor.isDirty { grid.write("  (unsaved edits)", x: x, y: body.y, role: .warn, maxWidth: body.maxX - x) }
        if s.readOnly { grid.write("read-only", x: body.maxX - 9, y: body.y, role: .warn) }
        renderSync(editor, now: s.now, into: &grid, at: Rect(x: body.x, y: body.y + 1, width: body.width, height: 1))
        if editor.saving != nil { grid.write("saving…", x: body.x, y: body.y + 1, role: .accent) }
        editor.form.render(into: &grid, rect: formRect(s))
    }

    /// "saved ✓ → captured ✓ 3 ms → sent ✓ 41 ms → indexed ◌  0.31 s"
    static func renderSync(_ editor: EditorState, now: Duration, into grid: inout CellGrid, at rect: Rect) {
        guard let sync = editor.sync else {
            if editor.original != nil {
                grid.write(
                    "ctrl-s saves; the change then travels outbox → queue → index, shown here.", x: rect.x, y: rect.y,
                    role: .muted, maxWidth: rect.width)
            }
            return
        }
        var x = rect.x
        for (i, stage) in SyncStage.allCases.enumerated() {
            if i > 0 { x += grid.write(" → ", x: x, y: rect.y, role: .border, maxWidth: rect.maxX - x) }
            if let at = sync.reached[stage] {
                x += grid.write("\(stage.label) ✓", x: x, y: rect.y, role: .ok, maxWidth: rect.maxX - x)
                if stage != .saved { x += grid.write(" \(formatSeconds(at))", x: x, y: rect.y, role: .muted, maxWidth: rect.maxX - x) }
            } else {
                x += grid.write("\(stage.label) …", x: x, y: rect.y, role: sync.gaveUp ? .warn : .muted, maxWidth: rect.maxX - x)
            }
        }
        if sync.stage < .indexed {
            x += grid.write("  \(formatSeconds(now - sync.savedAt))", x: x, y: rect.y, role: .accent, maxWidth: rect.maxX - x)
        }
        if let note = sync.note, sync.stage < .indexed {
            grid.write("  (\(note))", x: x, y: rect.y, role: .warn, maxWidth: rect.maxX - x)
        }
    }
}
