import Foundation
import Operations

/// One product's trace: its stages in order with their times, the first stage that is not
/// done highlighted, and what to do about it at the bottom (wrapped, never cut).
public enum TraceView {
    /// What `t` does on a product (search results, products, details).
    static let openAction = ConsoleAction.view("trace")

    /// The binding the product views list: `t` traces the selected product.
    public static let openBinding = KeyBinding(
        [.character("t")], "trace", "Trace the product's latest change on its way to search", openAction)

    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to where the trace was opened", .back),
        KeyBinding([.character("r")], "refresh", "Trace the product again", .refresh),
        KeyBinding([.up, .down, .pageUp, .pageDown], "scroll", "Scroll the stages", .edit, isHidden: true),
    ]

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let area = s.body.inset(dx: 1, dy: 0)
        guard area.height >= 4, let target = s.trace.target else { return }
        var x = area.x + grid.write("Trace", x: area.x, y: area.y, role: .accent)
        guard let trace = s.trace.trace else {
            grid.write("  " + describe(target), x: x, y: area.y, role: .title, maxWidth: area.maxX - x)
            if s.trace.pending != nil { grid.write("tracing…", x: area.x, y: area.y + 1, role: .muted, maxWidth: area.width) }
            return
        }
        x += grid.write("  product \(trace.productID) · \(trace.sku) · ", x: x, y: area.y, role: .text, maxWidth: area.maxX - x)
        grid.write(trace.name, x: x, y: area.y, role: .title, maxWidth: area.maxX - x)
        var facts = "queue \(trace.queueBackend) · index \(trace.indexBackend) · traced \(formatTime(trace.tracedAt, s.timeZone))"
        if s.trace.pending != nil { facts += " · tracing again…" }
        grid.write(facts, x: area.x, y: area.y + 1, role: .muted, maxWidth: area.width)

        // What to do, pinned to the bottom so it is always whole; the stages scroll above it.
        let next = nextStep(trace, width: area.width, readOnly: s.readOnly)
        let nextTop = area.maxY - next.count
        for (i, line) in next.enumerated() { grid.write(line.text, x: area.x, y: nextTop + i, role: line.role, maxWidth: area.width) }
        grid.write(String(repeating: "─", count: area.width), x: area.x, y: nextTop - 1, role: .border)

        let list = Rect(x: area.x, y: area.y + 3, width: area.width, height: max(0, nextTop - 1 - (area.y + 3)))
        renderStages(trace, s, into: &grid, in: list)
    }

    /// The stage table: one row per stage (its summary wrapped under it), the first not done marked.
    static func renderStages(_ trace: ProductTrace, _ s: ConsoleState, into grid: inout CellGrid, in rect: Rect) {
        guard rect.height >= 2 else { return }
        let times = trace.stages.map { $0.at.map { time($0, tracedAt: trace.tracedAt, s.timeZone) } ?? "" }
        let kindX = 2
        let statusX = kindX + 9
        let timeX = statusX + 9
        let summaryX = timeX + max(4, times.map(\.displayWidth).max() ?? 0) + 2
        let summaryWidth = max(10, rect.width - summaryX)
        grid.write("STAGE", x: rect.x + kindX, y: rect.y, role: .muted)
        grid.write("STATUS", x: rect.x + statusX, y: rect.y, role: .muted)
        grid.write("TIME", x: rect.x + timeX, y: rect.y, role: .muted)
        grid.write("WHAT", x: rect.x + summaryX, y: rect.y, role: .muted, maxWidth: summaryWidth)

        let pending = trace.firstPending?.kind
        var rows: [[(text: String, x: Int, role: Role)]] = []
        for (stage, at) in zip(trace.stages, times) {
            let isPending = stage.kind == pending
            let role: Role = isPending ? highlight(stage.status) : .text
            let summary = TextWrap.lines(stage.summary, width: summaryWidth)
            rows.append([
                (isPending ? "▸" : "", 0, role), (stage.kind.rawValue, kindX, role),
                (word(stage.status), statusX, isPending ? role : statusRole(stage.status)), (at, timeX, isPending ? role : .muted),
                (summary.first ?? "", summaryX, role),
            ])
            rows += summary.dropFirst().map { [($0, summaryX, role)] }
        }
        let visible = rect.height - 1
        let first = min(s.trace.scroll, max(0, rows.count - visible))
        for row in 0..<visible where first + row < rows.count {
            for cell in rows[first + row] {
                grid.write(cell.text, x: rect.x + cell.x, y: rect.y + 1 + row, role: cell.role, maxWidth: rect.width - cell.x)
            }
        }
        if rows.count > visible {
            let position = " \(first + 1)–\(min(rows.count, first + visible)) of \(rows.count) lines "
            grid.write(position, x: rect.maxX - position.displayWidth, y: rect.maxY - 1, role: .muted)
        }
    }

    /// The bottom lines: done, or where it stopped and what to do (every line wrapped to `width`).
    static func nextStep(_ trace: ProductTrace, width: Int, readOnly: Bool) -> [(text: String, role: Role)] {
        guard let stage = trace.firstPending else {
            return TextWrap.lines("✓ Searchable at its latest change: every stage is done.", width: width).map { ($0, .ok) }
        }
        let role = highlight(stage.status)
        let at: String =
            switch stage.status {
            case .failed: "Stuck at \(stage.kind.rawValue)"
            case .unknown: "Not known at \(stage.kind.rawValue)"
            default: "Waiting at \(stage.kind.rawValue)"
            }
        // The action's name ("redrive", "resume"), unless it only repeats "waiting".
        let action = stage.remedy.map(\.action).flatMap { $0 == .wait ? nil : " — \($0.rawValue)" } ?? ""
        var lines = TextWrap.lines("▸ \(at)\(action)", width: width).map { ($0, role) }
        if let remedy = stage.remedy {
            lines += TextWrap.lines(remedy.text, width: width).map { ($0, Role.text) }
            if let command = remedy.command { lines += TextWrap.lines("run: \(command)", width: width).map { ($0, Role.accent) } }
        } else if let error = stage.error {
            lines += TextWrap.lines("error: \(error)", width: width).map { ($0, Role.text) }
        }
        return lines
    }

    /// Stuck is an error; waiting or not known, a warning.
    static func highlight(_ status: TraceStage.Status) -> Role { status == .failed ? .error : .warn }

    static func statusRole(_ status: TraceStage.Status) -> Role {
        switch status {
        case .done: .ok
        case .waiting, .unknown: .warn
        case .failed: .error
        case .skipped: .muted
        }
    }

    static func word(_ status: TraceStage.Status) -> String {
        switch status {
        case .done: "done"
        case .waiting: "waiting"
        case .failed: "stuck"
        case .unknown: "unknown"
        case .skipped: "skipped"
        }
    }

    /// "11:02:03" on the day of the trace, "12-06 16:41:02" before it (in the console's zone).
    static func time(_ date: Date, tracedAt: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let full = formatTime(date, zone)
        return calendar.isDate(date, inSameDayAs: tracedAt) ? String(full.suffix(8)) : full
    }
}
