import Catalog
import Foundation

/// The dead letters view: what emu gave up on, with the reason it attached, and the
/// actions that put messages back, delete them or empty the DLQ (each asks first).
public enum DeadLettersView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], "show", "Show the message: its JSON body and every attribute", .open),
        KeyBinding([.character(" ")], "mark", "Mark or unmark the message (actions apply to the marked ones)", .toggleMark),
        KeyBinding(
            [.character("/")], "filter",
            "Show only messages containing a text (id, product, op, reason or body), or column:value; esc clears",
            .focusInput),
        KeyBinding(
            [.character("R")], "redrive", "Move the marked messages (none marked: all) back to the jobs queue (asks first)", .redrive,
            isWrite: true),
        KeyBinding(
            [.character("D")], "delete", "Delete the marked messages (none marked: the selected one) (asks first)", .deleteMessages,
            isDestructive: true),
        KeyBinding([.character("P")], "purge", "Delete every message in the DLQ (asks first)", .purge, isDestructive: true),
        KeyBinding([.character("r")], "reload", "List the messages again", .refresh, isHidden: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    public static let filterBindings: [KeyBinding] = [
        KeyBinding(
            [.enter], "apply", "Show only messages matching every word: text, or column:value (reason:poison) (empty shows all)", .submit),
        KeyBinding([.escape], "cancel", "Leave the filter as it was", .back),
    ]

    static let columns: [TableColumn] = [
        TableColumn("", .fixed(1), priority: 5),
        TableColumn("MESSAGE ID", .flexible(min: 10, weight: 1), priority: 3),
        TableColumn("PRODUCT", .fixed(8), alignRight: true, priority: 4),
        TableColumn("OP", .fixed(6), priority: 3),
        TableColumn("RECV", .fixed(4), alignRight: true, priority: 2),
        TableColumn("FIRST RECEIVE", .fixed(14), priority: 0),
        TableColumn("LAST RECEIVE", .fixed(14), priority: 1),
        TableColumn("REASON", .flexible(min: 24, weight: 3), priority: 4),
    ]

    static let columnNames = columns.map(\.title)

    /// A row's cells as the table shows them (and the filter reads them).
    static func cells(_ row: DeadLetterRow, _ zone: TimeZone, marked: Bool = false) -> [String] {
        [
            marked ? "●" : "", row.message.messageID, row.productID, row.operation, String(row.message.receiveCount),
            row.message.firstReceivedAt.map { formatTime($0, zone) } ?? "", row.message.lastReceivedAt.map { formatTime($0, zone) } ?? "",
            row.message.deadLetterReason ?? "—",
        ]
    }

    static func tableRect(_ s: ConsoleState) -> Rect { s.body.splitTop(2).rest }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let top = s.body.splitTop(1).top
        let state = s.deadLetters
        let queue = s.queues.stats?.deadLetters.name ?? "the DLQ"
        if let field = state.filterField {
            let label = " Filter › "
            grid.write(label, x: top.x, y: top.y, role: .accent)
            field.render(
                into: &grid, rect: Rect(x: top.x + label.displayWidth, y: top.y, width: top.width - label.displayWidth - 1, height: 1),
                focused: true, placeholder: "text in id, product, op, reason or body, or column:value")
        } else {
            var x = top.x + grid.write(" Dead letters", x: top.x, y: top.y, role: .accent)
            var parts = [queue]
            if let rows = state.rows {
                let shown = s.shownDeadLetters.count
                parts.append(state.filter == nil ? "\(ConsoleView.grouped(rows.count)) listed" : "\(shown) of \(rows.count) listed")
                if let total = s.queues.stats?.deadLetters.total, total > rows.count {
                    parts.append("\(ConsoleView.grouped(total)) in all")
                }
            } else if state.pending != nil {
                parts.append("loading…")
            }
            if !state.marked.isEmpty { parts.append("\(state.marked.count) marked") }
            if let filter = state.filter { parts.append("filter “\(filter)”") }
            x += grid.write("  " + parts.joined(separator: " · "), x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
            if state.isStale { grid.write("  stale", x: x, y: top.y, role: .warn, maxWidth: top.maxX - x) }
        }
        // The line under the title shows a task in progress; the table is below it.
        let statusRow = Rect(x: top.x, y: top.y + 1, width: top.width, height: 1), tableArea = tableRect(s)
        if let task = s.queueTask {
            grid.write(" " + task.line(now: s.now), x: statusRow.x, y: statusRow.y, role: .accent, maxWidth: statusRow.width)
        }
        guard let rows = state.rows else { return }
        let visible = s.shownDeadLetters
        if visible.isEmpty {
            let emptied = state.purged.map { purge in
                purge.count.map { "\(queue) is empty: you purged \(ConsoleView.counted($0, "message")) from it." }
                    ?? "\(queue) was purged: SQS deletes its messages within a minute."
            }
            let text =
                rows.isEmpty
                ? emptied ?? "\(queue) is empty: nothing was dead-lettered. Messages emu gives up on land here with the reason."
                : "No message matches \(state.filter ?? "") — esc clears, / changes it."
            // Wrapped: the sentence says what to expect, so it must not be cut at 80 columns.
            for (i, line) in TextWrap.lines(text, width: max(10, tableArea.width - 4)).enumerated() where i + 1 < tableArea.height {
                grid.write(line, x: tableArea.x + 2, y: tableArea.y + 1 + i, role: .muted, maxWidth: tableArea.width - 4)
            }
            return
        }
        let table = Table(
            columns: columns,
            rows: visible.map { cells($0, s.timeZone, marked: state.marked.contains($0.message.messageID)) })
        table.render(into: &grid, rect: tableArea, selection: state.selection, focused: state.filterField == nil)
    }
}
