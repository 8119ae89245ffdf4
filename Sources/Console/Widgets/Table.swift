/// A table column: a title, how wide it may be, and its alignment.
public struct TableColumn: Hashable, Sendable {
    public enum Width: Hashable, Sendable {
        /// Exactly this many columns.
        case fixed(Int)
        /// At least `min` and at most `max`, sharing the spare width with other flexible
        /// columns by `weight` (a wide window leaves a capped column at `max`; weight 0
        /// takes only what the others leave).
        case flexible(min: Int, weight: Int, max: Int = Int.max)
    }
    public var title: String
    public var width: Width
    public var alignRight: Bool
    /// Columns with a lower priority are dropped first when the table is too narrow.
    public var priority: Int

    public init(_ title: String, _ width: Width, alignRight: Bool = false, priority: Int = 0) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
        self.priority = priority
    }
}

/// Which row is selected and which is at the top: the part of a table that keys change.
public struct TableSelection: Hashable, Sendable {
    public var selected = 0
    public var top = 0
    public init(selected: Int = 0, top: Int = 0) {
        self.selected = selected
        self.top = top
    }

    /// Handles a movement key for `rowCount` rows of which `visible` fit; false for other keys.
    @discardableResult
    public mutating func handle(_ key: Key, rowCount: Int, visible: Int) -> Bool {
        let page = max(1, visible - 1)
        switch key {
        case .up, .character("k"): selected -= 1
        case .down, .character("j"): selected += 1
        case .pageUp, .control("b"): selected -= page
        case .pageDown, .control("f"): selected += page
        case .home, .character("g"): selected = 0
        case .end, .character("G"): selected = rowCount - 1
        default: return false
        }
        clamp(rowCount: rowCount, visible: visible)
        return true
    }

    /// Keeps the selection within the rows and the selected row within view.
    public mutating func clamp(rowCount: Int, visible: Int) {
        selected = max(0, min(selected, rowCount - 1))
        if selected < top { top = selected }
        if visible > 0, selected >= top + visible { top = selected - visible + 1 }
        top = max(0, min(top, max(0, rowCount - visible)))
    }
}

/// A table that fits its columns to the width: a header row, then rows with the selected
/// one highlighted and the sort column marked.
public struct Table {
    public var columns: [TableColumn]
    public var rows: [[String]]
    /// A role per row (nil: text), e.g. warn for a stale worker.
    public var rowRoles: [Role?] = []
    public var sortColumn: Int?
    public var sortDescending = false

    public init(columns: [TableColumn], rows: [[String]], sortColumn: Int? = nil, sortDescending: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.sortColumn = sortColumn
        self.sortDescending = sortDescending
    }

    /// Rows that fit under the header in a rectangle `height` rows tall.
    public static func visibleRows(height: Int) -> Int { max(0, height - 1) }

    /// The width of each column at `total` columns (0 for a dropped column), one space apart.
    public func layout(width total: Int) -> [Int] {
        var included = Array(columns.indices)
        func minimum(_ i: Int) -> Int {
            switch columns[i].width {
            case .fixed(let w): return w
            case .flexible(let min, _, _): return min
            }
        }
        func needed() -> Int { included.map(minimum).reduce(0, +) + max(0, included.count - 1) }
        while needed() > total, included.count > 1 {
            // Drop the lowest-priority column, the rightmost among equals.
            let drop = included.enumerated().min { a, b in
                columns[a.element].priority < columns[b.element].priority
                    || (columns[a.element].priority == columns[b.element].priority && a.offset > b.offset)
            }!.offset
            included.remove(at: drop)
        }
        var widths = Array(repeating: 0, count: columns.count)
        for i in included { widths[i] = minimum(i) }
        var spare = total - needed()
        let flexible = included.filter { if case .flexible = columns[$0].width { return true } else { return false } }
        func weight(_ i: Int) -> Int { if case .flexible(_, let w, _) = columns[i].width { return w } else { return 0 } }
        func cap(_ i: Int) -> Int { if case .flexible(_, _, let m) = columns[i].width { return m } else { return widths[i] } }
        // Share the spare width by weight; what a capped column cannot take goes round again
        // to the others. Weight-0 columns take only what is left (and then it is left blank).
        var open = flexible.filter { weight($0) > 0 && widths[$0] < cap($0) }
        while spare > 0, !open.isEmpty {
            let weightSum = open.map(weight).reduce(0, +)
            var given = 0
            for (n, i) in open.enumerated() {
                let share = n == open.count - 1 ? spare - given : spare * weight(i) / weightSum
                let taken = min(share, cap(i) - widths[i])
                widths[i] += taken
                given += taken
            }
            spare -= given
            let stillOpen = open.filter { widths[$0] < cap($0) }
            if stillOpen.count == open.count { break }
            open = stillOpen
        }
        let rest = flexible.filter { weight($0) == 0 }
        for (n, i) in rest.enumerated() where spare > 0 {
            let share = n == rest.count - 1 ? spare : spare / rest.count
            widths[i] += share
            spare -= share
        }
        if included.count == 1, let only = included.first { widths[only] = min(widths[only], total) }
        return widths
    }

    /// The width a column needs to show every value of `rows[column]` whole (and its title):
    /// for prices, which are never cut.
    public static func widthToFit(_ rows: [[String]], column: Int, title: String, minimum: Int) -> Int {
        rows.reduce(max(minimum, title.displayWidth + 2)) { max($0, column < $1.count ? $1[column].displayWidth : 0) }
    }

    /// Draws the header and the visible rows of `selection` in `rect`.
    public func render(into grid: inout CellGrid, rect: Rect, selection: TableSelection, focused: Bool = true) {
        guard rect.height > 0 else { return }
        let widths = layout(width: rect.width)
        var x = rect.x
        for (i, column) in columns.enumerated() where widths[i] > 0 {
            var title = column.title
            if sortColumn == i { title += sortDescending ? " ▼" : " ▲" }
            grid.write(
                DisplayWidth.fit(title, to: widths[i], alignRight: column.alignRight), x: x, y: rect.y, role: .title,
                maxWidth: widths[i])
            x += widths[i] + 1
        }
        let visible = Table.visibleRows(height: rect.height)
        for screenRow in 0..<visible {
            let index = selection.top + screenRow
            guard index < rows.count else { break }
            let y = rect.y + 1 + screenRow
            let isSelected = index == selection.selected
            let role: Role = isSelected && focused ? .selection : (index < rowRoles.count ? rowRoles[index] ?? .text : .text)
            if isSelected && focused { grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selection) }
            x = rect.x
            for (i, column) in columns.enumerated() where widths[i] > 0 {
                let value = i < rows[index].count ? rows[index][i] : ""
                let cellRole: Role = (i == 0 && !isSelected && role == .text) ? .muted : role
                grid.write(
                    DisplayWidth.fit(value, to: widths[i], alignRight: column.alignRight), x: x, y: y, role: cellRole,
                    maxWidth: widths[i])
                x += widths[i] + 1
            }
            if isSelected && !focused { grid.paint(Rect(x: rect.x, y: y, width: 1, height: 1), role: .accent) }
        }
    }
}

/// Where a window over a long list is: a one-column track beside the rows with a mark
/// at the position of the rows on screen.
public enum ScrollMark {
    /// - Parameters:
    ///   - first: the index (in the whole list) of the first row on screen.
    ///   - shown: rows on screen; total: rows in the whole list.
    public static func render(into grid: inout CellGrid, rect: Rect, first: Int, shown: Int, total: Int) {
        guard rect.height > 0, total > shown, total > 0 else { return }
        let thumb = max(1, rect.height * shown / total)
        let top = min(rect.height - thumb, (rect.height * first + total / 2) / total)
        for row in 0..<rect.height {
            let isThumb = row >= top && row < top + thumb
            grid.write(isThumb ? "┃" : "│", x: rect.x, y: rect.y + row, role: isThumb ? .accent : .border)
        }
    }
}
