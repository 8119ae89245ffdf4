/// A box with a border and a title: dialogs and overlays are drawn in one.
public enum Box {
    public static func render(into grid: inout CellGrid, rect: Rect, title: String, role: Role = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        grid.fill(rect, role: .text)
        let horizontal = String(repeating: "─", count: rect.width - 2)
        grid.write("┌" + horizontal + "┐", x: rect.x, y: rect.y, role: role)
        grid.write("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1, role: role)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            grid.write("│", x: rect.x, y: y, role: role)
            grid.write("│", x: rect.maxX - 1, y: y, role: role)
        }
        if !title.isEmpty { grid.write(" \(title) ", x: rect.x + 2, y: rect.y, role: .title, maxWidth: rect.width - 4) }
    }
}

/// A question before a destructive or lossy action, naming its target.
public struct ConfirmDialog: Hashable, Sendable {
    public var title: String
    public var message: String
    public var confirmLabel: String
    public var isDestructive: Bool

    public init(title: String, message: String, confirmLabel: String, isDestructive: Bool) {
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.isDestructive = isDestructive
    }

    public func render(into grid: inout CellGrid, in area: Rect) {
        let width = min(area.width - 2, max(40, message.displayWidth + 4))
        let lines = TextWrap.lines(message, width: width - 4)
        let rect = area.centred(width: width, height: lines.count + 5)
        Box.render(into: &grid, rect: rect, title: title, role: isDestructive ? .error : .border)
        for (i, line) in lines.enumerated() { grid.write(line, x: rect.x + 2, y: rect.y + 2 + i, role: .text, maxWidth: rect.width - 4) }
        let choices = "y/enter \(confirmLabel)   n/esc cancel"
        grid.write(choices, x: rect.x + 2, y: rect.maxY - 2, role: isDestructive ? .error : .accent, maxWidth: rect.width - 4)
    }
}

/// The bottom line: a message in its level's role on the left, facts on the right.
public enum StatusBar {
    public static func render(into grid: inout CellGrid, rect: Rect, message: String, role: Role, right: [(String, Role)]) {
        grid.fill(rect, role: .muted)
        let rightWidth = right.reduce(0) { $0 + $1.0.displayWidth + 2 }
        var x = rect.maxX - rightWidth
        for (text, role) in right {
            grid.write("  ", x: x, y: rect.y, role: .muted)
            grid.write(text, x: x + 2, y: rect.y, role: role)
            x += text.displayWidth + 2
        }
        grid.write(message, x: rect.x, y: rect.y, role: role, maxWidth: max(0, rect.width - rightWidth - 1))
    }
}

/// The top line: the program, the views as tabs with the active one highlighted, and facts on the right.
public enum TabHeader {
    static let title = " refarch-tui "

    public static func render(into grid: inout CellGrid, rect: Rect, tabs: [String], active: Int?, right: [(String, Role)]) {
        grid.fill(rect, role: .border)
        var x = rect.x
        // On a narrow terminal the facts on the right matter more than the program's name.
        let tabsWidth = tabs.reduce(0) { $0 + $1.displayWidth + 2 }
        let rightWidth = right.reduce(0) { $0 + $1.0.displayWidth + 2 }
        if title.displayWidth + tabsWidth + min(rightWidth, 30) < rect.width { x += grid.write(title, x: x, y: rect.y, role: .title) }
        for (i, tab) in tabs.enumerated() {
            let label = " \(tab) "
            guard x + label.displayWidth < rect.maxX else { break }
            x += grid.write(label, x: x, y: rect.y, role: i == active ? .selection : .muted)
        }
        // Facts on the right, the first one shortened (or left out) when space runs short.
        var items = right
        let available = rect.maxX - x - 1
        let fixed = items.dropFirst().reduce(0) { $0 + $1.0.displayWidth + 2 }
        if let first = items.first, fixed + first.0.displayWidth + 2 > available {
            let room = available - fixed - 2
            if room >= 8 { items[0].0 = DisplayWidth.truncate(first.0, to: room) } else { items.removeFirst() }
        }
        // Still too wide: the earlier facts go first (the DLQ depth and READ-ONLY come last and stay longest).
        var shownWidth = items.reduce(0) { $0 + $1.0.displayWidth + 2 }
        while shownWidth > available, let first = items.first {
            items.removeFirst()
            shownWidth -= first.0.displayWidth + 2
        }
        guard !items.isEmpty else { return }
        var rx = rect.maxX - shownWidth
        for (text, role) in items {
            rx += 2
            rx += grid.write(text, x: rx, y: rect.y, role: role)
        }
    }
}

/// The key bindings of a view, one per row: keys, label and help sentence.
public enum HelpOverlay {
    /// - Parameters:
    ///   - logPath: shown at the foot, so an error's full text can be found.
    ///   - scroll: lines scrolled past, when the keys do not fit.
    public static func render(
        into grid: inout CellGrid, in area: Rect, title: String, sections: [(String, [KeyBinding])],
        logPath: String? = nil, scroll: Int = 0
    ) {
        let width = frameWidth(in: area, sections: sections, logPath: logPath)
        let lines = self.lines(sections, width: width)
        let rect = frame(in: area, width: width, lineCount: lines.count, logPath: logPath)
        Box.render(into: &grid, rect: rect, title: title)
        let visible = visibleLines(rect, logPath: logPath)
        let first = max(0, min(scroll, lines.count - visible))
        for (row, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            let y = rect.y + 1 + row
            switch line {
            case .heading(let text): grid.write(text, x: rect.x + 2, y: y, role: .title, maxWidth: rect.width - 4)
            case .binding(let binding, let text, let isFirst):
                if isFirst {
                    grid.write(
                        binding.keyLabel, x: rect.x + 2, y: y, role: binding.isDestructive ? .error : .accent, maxWidth: keyWidth - 1)
                }
                grid.write(text, x: rect.x + 2 + keyWidth, y: y, role: .text, maxWidth: rect.width - keyWidth - 4)
            case .blank: break
            }
        }
        if let logPath {
            grid.write("Log: \(logPath)", x: rect.x + 2, y: rect.maxY - 3, role: .muted, maxWidth: rect.width - 4)
        }
        // F1 too: it opens help in forms, where `?` is typed.
        var footer = "esc, ? or F1 closes this help"
        if lines.count > visible {
            footer += first + visible < lines.count ? " · ↓ more (\(lines.count - first - visible) lines)" : " · ↑ back to the top"
        }
        grid.write(footer, x: rect.x + 2, y: rect.maxY - 2, role: .muted, maxWidth: rect.width - 4)
    }

    /// The most lines the overlay can scroll past in `area`.
    public static func scrollLimit(in area: Rect, sections: [(String, [KeyBinding])], logPath: String?) -> Int {
        let width = frameWidth(in: area, sections: sections, logPath: logPath)
        let count = lines(sections, width: width).count
        return max(0, count - visibleLines(frame(in: area, width: width, lineCount: count, logPath: logPath), logPath: logPath))
    }

    static let keyWidth = 14

    /// A row of the overlay: a binding's help sentence wraps onto rows of its own.
    enum Line { case heading(String), binding(KeyBinding, text: String, isFirst: Bool), blank }

    static func lines(_ sections: [(String, [KeyBinding])], width: Int) -> [Line] {
        var lines: [Line] = []
        for (heading, bindings) in sections {
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(.heading(heading))
            for binding in bindings {
                for (i, text) in TextWrap.lines(binding.help, width: max(10, width - keyWidth - 4)).enumerated() {
                    lines.append(.binding(binding, text: text, isFirst: i == 0))
                }
            }
        }
        return lines
    }

    /// As wide as the longest help sentence needs, up to the window.
    static func frameWidth(in area: Rect, sections: [(String, [KeyBinding])], logPath: String?) -> Int {
        let helpWidth = sections.flatMap(\.1).map(\.help.displayWidth).max() ?? 0
        let needed = max(50, keyWidth + helpWidth + 4, (logPath.map { "Log: \($0)".displayWidth } ?? 0) + 4)
        return max(0, min(area.width - 2, needed))
    }

    static func frame(in area: Rect, width: Int, lineCount: Int, logPath: String?) -> Rect {
        area.centred(width: width, height: min(area.height - 2, lineCount + 4 + (logPath == nil ? 0 : 1)))
    }

    /// Rows for key lines: the box less its borders, a blank line and the footer (and the log line).
    static func visibleLines(_ rect: Rect, logPath: String?) -> Int { max(0, rect.height - 4 - (logPath == nil ? 0 : 1)) }
}

/// A one-row chart of values over time: one column per time slice, the slice's highest
/// value as a block from ▁ to █ (a blank where no sample fell).
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The characters for `samples` (time, value) over the `window` ending at `end`, `width` columns.
    public static func text(_ samples: [(at: Duration, value: Int)], end: Duration, window: Duration, width: Int) -> String {
        guard width > 0 else { return "" }
        let start = end - window
        var slices = [Int?](repeating: nil, count: width)
        for sample in samples where sample.at >= start && sample.at <= end {
            let i = min(width - 1, Int((sample.at - start) / window * Double(width)))
            slices[i] = max(slices[i] ?? 0, sample.value)
        }
        // A depth holds between samples: carry the last one forward (blank before the first).
        var last: Int?
        for i in slices.indices {
            if let value = slices[i] { last = value } else { slices[i] = last }
        }
        let highest = slices.compactMap { $0 }.max() ?? 0
        return String(
            slices.map { value -> Character in
                guard let value else { return " " }
                guard highest > 0, value > 0 else { return blocks[0] }
                return blocks[min(blocks.count - 1, (value * blocks.count - 1) / highest)]
            })
    }
}

/// A failed load, in the view's body: what went wrong and what to do, wrapped to the
/// width, in a box sized to its text. It stays until the load succeeds.
public enum ErrorPanel {
    /// Draws the panel at the top of `area` (or its bottom, over less important rows).
    public static func render(_ error: ConsoleError, title: String, into grid: inout CellGrid, in area: Rect, atBottom: Bool = false) {
        let inner = max(10, area.width - 6)
        let summary = TextWrap.lines("✗ " + error.summary, width: inner)
        let remedy = error.remedy.map { TextWrap.lines($0, width: inner) } ?? []
        let widest = (summary + remedy + [title + "  "]).map(\.displayWidth).max() ?? 0
        let height = min(area.height, summary.count + remedy.count + (remedy.isEmpty ? 0 : 1) + 2)
        guard height >= 3 else { return }
        let rect = Rect(x: area.x + 1, y: atBottom ? area.maxY - height : area.y, width: min(area.width - 2, widest + 4), height: height)
        Box.render(into: &grid, rect: rect, title: title, role: .error)
        var y = rect.y + 1
        for line in summary where y < rect.maxY - 1 {
            grid.write(line, x: rect.x + 2, y: y, role: .error, maxWidth: rect.width - 4)
            y += 1
        }
        if !remedy.isEmpty { y += 1 }
        for line in remedy where y < rect.maxY - 1 {
            grid.write(line, x: rect.x + 2, y: y, role: .text, maxWidth: rect.width - 4)
            y += 1
        }
    }
}
