/// A single-line text input: cursor moves, home/end, ctrl-w, ctrl-u, ctrl-k, UTF-8 and wide
/// characters, and long text (a paste) scrolled so the cursor stays in view.
public struct TextField: Hashable, Sendable {
    public private(set) var characters: [Character]
    /// Cursor position, in characters from the start (0…count).
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isBlank: Bool { characters.allSatisfy(\.isWhitespace) }

    public mutating func set(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// Applies an editing key; false when the key is not an editing key (the caller handles it).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let c):
            // Line breaks in a paste become spaces: this is one line.
            insert(c == "\n" || c == "\r" ? " " : c)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .backspace, .control("h"):
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .control("w"):
            // Delete the word before the cursor and the spaces after it, as a shell does.
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .control("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"):
            characters.removeSubrange(cursor..<characters.count)
        default:
            return false
        }
        return true
    }

    public mutating func insert(_ c: Character) {
        characters.insert(c, at: cursor)
        cursor += 1
    }

    /// The first character shown when the field is `width` columns wide: the start, or as
    /// far right as needed to keep the cursor (one column) in view.
    public func firstVisible(width: Int) -> Int {
        guard width > 1 else { return cursor }
        var start = cursor, used = 1  // the cursor cell
        while start > 0 {
            let w = DisplayWidth.of(characters[start - 1])
            if used + w > width { break }
            used += w
            start -= 1
        }
        return start
    }

    /// Draws the field in `rect` (one row); a focused field shows its cursor as a selected cell.
    public func render(into grid: inout CellGrid, rect: Rect, focused: Bool, placeholder: String = "") {
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .input)
        if characters.isEmpty, !placeholder.isEmpty {
            grid.write(placeholder, x: rect.x + (focused ? 1 : 0), y: rect.y, role: .input, maxWidth: rect.width - 1)
            for x in rect.x..<(rect.x + rect.width) where grid[x, rect.y].role == .input && !grid[x, rect.y].isContinuation {
                if grid[x, rect.y].character != " " { grid[x, rect.y].role = .muted }
            }
        }
        let start = focused ? firstVisible(width: rect.width) : 0
        var x = rect.x
        var i = start
        while i < characters.count {
            let w = DisplayWidth.of(characters[i])
            if x + w > rect.maxX { break }
            if w > 0 { grid.write(String(characters[i]), x: x, y: rect.y, role: .input) }
            if focused, i == cursor { grid.paint(Rect(x: x, y: rect.y, width: max(1, w), height: 1), role: .selection) }
            x += w
            i += 1
        }
        if focused, cursor == characters.count, x < rect.maxX {
            grid.paint(Rect(x: x, y: rect.y, width: 1, height: 1), role: .selection)
        }
    }
}
