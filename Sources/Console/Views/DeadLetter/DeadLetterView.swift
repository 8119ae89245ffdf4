import Catalog
import Foundation

/// One dead letter in full, opened with enter from the DLQ view.
public enum DeadLetterView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to the dead letters", .back),
        KeyBinding([.character("R")], "redrive", "Move this message back to the jobs queue (asks first)", .redrive, isWrite: true),
        KeyBinding([.character("D")], "delete", "Delete this message (asks first)", .deleteMessages, isDestructive: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "scroll", "Scroll the message", .edit, isHidden: true),
    ]

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        guard let detail = s.deadLetter else { return }
        let message = detail.row.message
        let body = s.body.inset(dx: 1, dy: 0)
        grid.write("Message \(message.messageID)", x: body.x, y: body.y, role: .title, maxWidth: body.width)
        var facts = [
            "product \(detail.row.productID)", detail.row.operation,
            message.receiveCount == 1 ? "received once" : "received \(message.receiveCount) times",
        ]
        if let first = message.firstReceivedAt { facts.append("first \(formatTime(first, s.timeZone))") }
        if let last = message.lastReceivedAt { facts.append("last \(formatTime(last, s.timeZone))") }
        if let dead = message.deadLetteredAt { facts.append("dead-lettered \(formatTime(dead, s.timeZone))") }
        grid.write(facts.joined(separator: " · "), x: body.x, y: body.y + 1, role: .accent, maxWidth: body.width)
        grid.write(String(repeating: "─", count: body.width), x: body.x, y: body.y + 2, role: .border)

        // Reason, attributes, then the body: one scrolling list of lines.
        var lines: [(String, Role)] = []
        lines.append(("Reason  " + (message.deadLetterReason ?? "none given (moved after too many receives)"), .error))
        lines.append(("", .text))
        lines.append(("Attributes", .title))
        var attributes = message.attributes
        if let group = message.groupID { attributes["MessageGroupId"] = group }
        if let dedup = message.deduplicationID { attributes["MessageDeduplicationId"] = dedup }
        let keyWidth = min(28, (attributes.keys.map(\.displayWidth).max() ?? 0) + 2)
        for key in attributes.keys.sorted() {
            lines.append(("  " + DisplayWidth.fit(key, to: keyWidth) + (attributes[key] ?? ""), .text))
        }
        lines.append(("", .text))
        lines.append(("Body", .title))
        for line in detail.bodyLines {
            for wrapped in TextWrap.lines(line.isEmpty ? " " : line, width: max(10, body.width - 2)) {
                lines.append(("  " + wrapped, .text))
            }
        }
        let area = Rect(x: body.x, y: body.y + 3, width: body.width, height: body.height - 3)
        let first = min(detail.scroll, max(0, lines.count - area.height))
        for row in 0..<area.height where first + row < lines.count {
            let (text, role) = lines[first + row]
            grid.write(text, x: area.x, y: area.y + row, role: role, maxWidth: area.width)
        }
        if lines.count > area.height {
            let position = " \(first + 1)–\(min(lines.count, first + area.height)) of \(lines.count) lines "
            grid.write(position, x: body.maxX - position.displayWidth, y: body.y + 2, role: .muted)
        }
    }
}
