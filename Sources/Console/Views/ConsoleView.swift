import Foundation

/// Renders the whole screen from the state: header, the active view, hint bar, status bar
/// and any overlay. Pure: the same state gives the same grid.
public enum ConsoleView {
    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public static func render(_ s: ConsoleState) -> CellGrid {
        var grid = CellGrid(size: s.size)
        guard !s.isTooSmall else {
            let message = "Terminal too small: \(s.size), need \(ConsoleState.minimumSize) (q quits)"
            // Wrapped and centred, so the whole sentence shows however narrow the window.
            let lines = TextWrap.lines(message, width: max(1, s.size.columns - 2))
            let top = max(0, (s.size.rows - lines.count) / 2)
            for (i, line) in lines.enumerated() where top + i < s.size.rows {
                grid.write(line, x: max(0, (s.size.columns - line.displayWidth) / 2), y: top + i, role: .warn)
            }
            return grid
        }
        renderHeader(s, into: &grid)
        ConsoleScreens.screen(s.view).render(s, into: &grid)
        renderLoadError(s, into: &grid)
        renderHints(s, into: &grid)
        renderStatus(s, into: &grid)
        if let overlay = s.overlay { renderOverlay(overlay, s, into: &grid) }
        return grid
    }

    static func renderHeader(_ s: ConsoleState, into grid: inout CellGrid) {
        let root = s.stack.first ?? s.view
        var tabs = ViewID.tabs.map(\.title)
        var active = ViewID.tabs.firstIndex(of: root)
        if let crumb = ConsoleScreens.screen(s.view).crumb(s) { tabs[active ?? 0] += crumb }
        if s.isTooSmall { active = nil }
        // Backend, then what the views show on every view (depths, a paused sync).
        let right: [(String, Role)] = [(s.backendLabel, .muted)] + ConsoleScreens.all.flatMap { $0.headerFacts(s) }
        TabHeader.render(
            into: &grid, rect: Rect(x: 0, y: 0, width: s.size.columns, height: 1), tabs: tabs, active: active,
            right: right + (s.readOnly ? [("READ-ONLY", .warn)] : []))
    }

    /// The current view's failed load, with its remedy, in the body. A view with nothing of
    /// its own to show yet (search, products) shows the backend's error (the queue figures,
    /// read from the same place) so the body never invites typing into a dead backend.
    static func renderLoadError(_ s: ConsoleState, into grid: inout CellGrid) {
        let screen = ConsoleScreens.screen(s.view)
        guard let title = screen.loadErrorTitle else { return }
        let area = s.body.splitTop(2).rest
        if let error = s.loadErrors[s.view] {
            ErrorPanel.render(error, title: title, into: &grid, in: area, atBottom: screen.hasData(s))
        } else if let error = s.loadErrors[.queues], screen.showsBackendErrorWhenEmpty, !screen.hasData(s) {
            ErrorPanel.render(error, title: "The backend is not answering", into: &grid, in: area)
        }
    }

    static func renderHints(_ s: ConsoleState, into grid: inout CellGrid) {
        let y = s.size.rows - 2
        var x = 1
        for binding in ConsoleUpdate.bindings(for: s) where !binding.isHidden {
            let key = binding.keys.map(\.description).prefix(2).joined(separator: "/")
            let needed = key.displayWidth + binding.label.displayWidth + 3
            guard x + needed <= s.size.columns else { break }
            x += grid.write(key, x: x, y: y, role: binding.isDestructive ? .error : .accent)
            x += grid.write(" " + binding.label + "  ", x: x, y: y, role: .muted)
        }
    }

    static func renderStatus(_ s: ConsoleState, into grid: inout CellGrid) {
        let rect = Rect(x: 0, y: s.size.rows - 1, width: s.size.columns, height: 1)
        var message = " "
        var role: Role = .text
        let busy = s.inFlight.values.filter { !$0.label.isEmpty && s.now - $0.startedAt >= .milliseconds(150) }
        if let status = s.status {
            message += status.text
            role = status.role
        } else if let oldest = busy.min(by: { $0.startedAt < $1.startedAt }) {
            let frame = Int((s.now - oldest.startedAt) / .milliseconds(100)) % spinner.count
            message += "\(spinner[frame]) \(oldest.label)… \(formatSeconds(s.now - oldest.startedAt))"
            role = .accent
        }
        var right: [(String, Role)] = []
        if let progress = s.indexProgress {
            if progress.isComplete {
                right.append(("indexed \(grouped(progress.indexed))", .muted))
            } else {
                right.append(("indexing \(grouped(progress.indexed))/\(grouped(progress.total))", .warn))
            }
        }
        StatusBar.render(into: &grid, rect: rect, message: message, role: role, right: right)
    }

    static func renderOverlay(_ overlay: Overlay, _ s: ConsoleState, into grid: inout CellGrid) {
        let area = s.body
        switch overlay {
        case .help(let scroll):
            HelpOverlay.render(
                into: &grid, in: area, title: "Keys — \(s.view.title)", sections: helpSections(s), logPath: s.logPath,
                scroll: scroll)
        case .confirm(let dialog, _):
            dialog.render(into: &grid, in: area)
        case .command(let field):
            let y = s.size.rows - 2
            grid.fill(Rect(x: 0, y: y, width: s.size.columns, height: 1), role: .input)
            grid.write(":", x: 0, y: y, role: .accent)
            field.render(into: &grid, rect: Rect(x: 1, y: y, width: min(30, s.size.columns - 1), height: 1), focused: true)
            grid.write(
                "  view name: \(ConsoleUpdate.commandNames.joined(separator: ", ")) · tab completes · esc cancels", x: 32, y: y,
                role: .muted, maxWidth: s.size.columns - 32)
        case .priceRange(let form):
            SearchView.renderPriceRange(form, into: &grid, in: area)
        }
    }

    /// The help overlay's sections: the view's own keys, the other mode's (search box or
    /// results), then the keys that work everywhere.
    static func helpSections(_ s: ConsoleState) -> [(String, [KeyBinding])] {
        let own = ConsoleUpdate.bindings(for: s).filter { b in !GlobalBindings.all.contains(b) }
        return [(s.view.title, own)] + ConsoleScreens.screen(s.view).extraHelpSections(for: s)
            + [("Everywhere", KeyBinding.visible(GlobalBindings.all, readOnly: s.readOnly))]
    }

    /// How far the help overlay can scroll at this size.
    static func helpScrollLimit(_ s: ConsoleState) -> Int {
        HelpOverlay.scrollLimit(in: s.body, sections: helpSections(s), logPath: s.logPath)
    }

    /// (1, "message") → "1 message"; (10000, "message") → "10,000 messages".
    static func counted(_ n: Int, _ noun: String) -> String { "\(grouped(n)) \(noun)\(n == 1 ? "" : "s")" }

    /// 10000 → "10,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
