/// A multi-line editor for descriptions: soft wrapping to the width, scrolling that keeps
/// the cursor in view, insert and delete across lines.
public struct TextEditor: Hashable, Sendable {
    public private(set) var lines: [[Character]]
    public private(set) var line = 0
    public private(set) var column = 0
    /// The first visual row shown (kept by ``scrollToCursor(width:height:)``).
    public private(set) var top = 0

    public init(_ text: String = "") {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        if lines.isEmpty { lines = [[]] }
        line = lines.count - 1
        column = lines[line].count
    }

    public var text: String { lines.map { String($0) }.joined(separator: "\n") }

    /// Applies an editing key; false when it is not one.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character("\r"), .character("\n"), .enter:
            let rest = Array(lines[line][column...])
            lines[line].removeSubrange(column...)
            lines.insert(rest, at: line + 1)
            line += 1
            column = 0
        case .character(let c):
            lines[line].insert(c, at: column)
            column += 1
        case .left:
            if column > 0 { column -= 1 } else if line > 0 { line -= 1; column = lines[line].count }
        case .right:
            if column < lines[line].count { column += 1 } else if line + 1 < lines.count { line += 1; column = 0 }
        case .up:
            guard line > 0 else { column = 0; return true }
            line -= 1
            column = min(column, lines[line].count)
        case .down:
            guard line + 1 < lines.count else { column = lines[line].count; return true }
            line += 1
            column = min(column, lines[line].count)
        case .home, .control("a"): column = 0
        case .end, .control("e"): column = lines[line].count
        case .pageUp: line = max(0, line - 10); column = min(column, lines[line].count)
        case .pageDown: line = min(lines.count - 1, line + 10); column = min(column, lines[line].count)
        case .backspace, .control("h"):
            if column > 0 {
                lines[line].remove(at: column - 1)
                column -= 1
            } else if line > 0 {
                let joined = lines.remove(at: line)
                line -= 1
                column = lines[line].count
                lines[line].append(contentsOf: joined)
            }
        case .delete, .control("d"):
            if column < lines[line].count {
                lines[line].remove(at: column)
            } else if line + 1 < lines.count {
                lines[line].append(contentsOf: lines.remove(at: line + 1))
            }
        case .control("k"):
            if column < lines[line].count {
                lines[line].removeSubrange(column...)
            } else if line + 1 < lines.count {
                lines[line].append(contentsOf: lines.remove(at: line + 1))
            }
        default:
            return false
        }
        return true
    }

    /// Visual rows at `width`: (logical line, character range).
    public func visualRows(width: Int) -> [(line: Int, range: Range<Int>)] {
        var rows: [(Int, Range<Int>)] = []
        for (i, characters) in lines.enumerated() {
            for range in TextWrap.rows(characters, width: max(1, width - 1)) { rows.append((i, range)) }
        }
        return rows
    }

    /// The visual row holding the cursor.
    func cursorRow(in rows: [(line: Int, range: Range<Int>)]) -> Int {
        var candidate = 0
        for (index, row) in rows.enumerated() where row.line == line {
            candidate = index
            if column < row.range.upperBound
                || (column == row.range.upperBound && (index + 1 == rows.count || rows[index + 1].line != line))
            {
                return index
            }
        }
        return candidate
    }

    /// Scrolls so the cursor's row is within `height` rows.
    public mutating func scrollToCursor(width: Int, height: Int) {
        let rows = visualRows(width: width)
        let row = cursorRow(in: rows)
        if row < top { top = row }
        if row >= top + height { top = row - height + 1 }
        top = max(0, min(top, max(0, rows.count - 1)))
    }

    /// Draws the text in `rect`; a focused editor shows its cursor as a selected cell.
    public func render(into grid: inout CellGrid, rect: Rect, focused: Bool) {
        grid.fill(rect, role: .input)
        let rows = visualRows(width: rect.width)
        let cursor = cursorRow(in: rows)
        // Keep the cursor visible even if no scroll happened since the last resize.
        var first = top
        if cursor < first { first = cursor }
        if cursor >= first + rect.height { first = cursor - rect.height + 1 }
        for screenRow in 0..<rect.height {
            let index = first + screenRow
            guard index < rows.count else { break }
            let row = rows[index]
            let characters = lines[row.line]
            var x = rect.x
            for i in row.range {
                let w = DisplayWidth.of(characters[i])
                if w > 0 { grid.write(String(characters[i]), x: x, y: rect.y + screenRow, role: .input, maxWidth: rect.maxX - x) }
                if focused, index == cursor, row.line == line, i == column {
                    grid.paint(Rect(x: x, y: rect.y + screenRow, width: max(1, w), height: 1), role: .selection)
                }
                x += w
            }
            if focused, index == cursor, column == row.range.upperBound, x < rect.maxX {
                grid.paint(Rect(x: x, y: rect.y + screenRow, width: 1, height: 1), role: .selection)
            }
        }
        if rows.count > rect.height, rect.height > 0 {
            let position = " \(first + 1)–\(min(rows.count, first + rect.height))/\(rows.count) "
            grid.write(position, x: rect.maxX - position.displayWidth, y: rect.maxY - 1, role: .muted)
        }
    }
}
