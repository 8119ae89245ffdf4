/// A form: labelled fields (single-line or multi-line), one focused, each with its own
/// validation message. Tab and shift-tab move between fields; ↑/↓ do too from a
/// single-line field.
public struct Form: Hashable, Sendable {
    public enum Input: Hashable, Sendable {
        case line(TextField)
        case text(TextEditor)

        public var value: String {
            switch self {
            case .line(let field): field.text
            case .text(let editor): editor.text
            }
        }
    }

    public struct Field: Hashable, Sendable {
        public var name: String
        public var label: String
        public var input: Input
        public var error: String?
        public init(name: String, label: String, input: Input, error: String? = nil) {
            self.name = name
            self.label = label
            self.input = input
            self.error = error
        }
    }

    public var fields: [Field]
    public var focus = 0

    public init(fields: [Field]) { self.fields = fields }

    public func value(_ name: String) -> String { fields.first { $0.name == name }?.input.value ?? "" }

    public var values: [String: String] { Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.input.value) }) }

    /// Sets each field's message (nil clears it); unknown names are ignored.
    public mutating func setErrors(_ errors: [String: String]) {
        for i in fields.indices { fields[i].error = errors[fields[i].name] }
    }

    public var hasErrors: Bool { fields.contains { $0.error != nil } }

    /// Moves focus or edits the focused field; false when the key is not the form's.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        guard !fields.isEmpty else { return false }
        switch key {
        case .tab:
            focus = (focus + 1) % fields.count
            return true
        case .backTab:
            focus = (focus + fields.count - 1) % fields.count
            return true
        default: break
        }
        switch fields[focus].input {
        case .line(var field):
            if key == .down || key == .enter { focus = min(fields.count - 1, focus + 1); return true }
            if key == .up { focus = max(0, focus - 1); return true }
            let handled = field.handle(key)
            fields[focus].input = .line(field)
            if handled { fields[focus].error = nil }
            return handled
        case .text(var editor):
            if key == .up, editor.line == 0 { focus = max(0, focus - 1); return true }
            let handled = editor.handle(key)
            fields[focus].input = .text(editor)
            if handled { fields[focus].error = nil }
            return handled
        }
    }

    /// Keeps a multi-line field's cursor in view for its rectangle's size.
    public mutating func scrollToCursor(width: Int, height: Int) {
        for i in fields.indices {
            if case .text(var editor) = fields[i].input {
                editor.scrollToCursor(width: width, height: height)
                fields[i].input = .text(editor)
            }
        }
    }

    /// The width of the label column.
    public var labelWidth: Int { (fields.map { $0.label.displayWidth }.max() ?? 0) + 2 }

    /// Draws labels, inputs and messages: single-line fields take a row (plus one for a
    /// message), the multi-line field takes the rows left.
    public func render(into grid: inout CellGrid, rect: Rect, focused: Bool = true) {
        let labelWidth = min(self.labelWidth, rect.width / 3)
        let inputX = rect.x + labelWidth
        let inputWidth = rect.width - labelWidth
        var y = rect.y
        let fixedRows = fields.reduce(0) { sum, field in
            if case .line = field.input { return sum + 1 + (field.error == nil ? 0 : 1) }
            return sum + (field.error == nil ? 0 : 1)
        }
        let textRows = max(1, rect.height - fixedRows)
        for (i, field) in fields.enumerated() {
            guard y < rect.maxY else { break }
            let isFocused = focused && i == focus
            grid.write(field.label, x: rect.x, y: y, role: isFocused ? .accent : .muted, maxWidth: labelWidth - 1)
            switch field.input {
            case .line(let text):
                text.render(into: &grid, rect: Rect(x: inputX, y: y, width: inputWidth, height: 1), focused: isFocused)
                y += 1
            case .text(let editor):
                let height = min(textRows, rect.maxY - y - (field.error == nil ? 0 : 1))
                editor.render(into: &grid, rect: Rect(x: inputX, y: y, width: inputWidth, height: max(1, height)), focused: isFocused)
                y += max(1, height)
            }
            if let error = field.error, y < rect.maxY {
                grid.write("✗ " + error, x: inputX, y: y, role: .error, maxWidth: inputWidth)
                y += 1
            }
        }
    }

    /// Rows the multi-line field gets in a rectangle `height` rows tall.
    public func textRows(height: Int) -> Int {
        let fixed = fields.reduce(0) { sum, field in
            if case .line = field.input { return sum + 1 + (field.error == nil ? 0 : 1) }
            return sum + (field.error == nil ? 0 : 1)
        }
        return max(1, height - fixed)
    }
}
