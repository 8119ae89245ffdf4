import Catalog
import Foundation
import Operations

/// The workers view: every worker's heartbeat, one that stopped beating in the warn role,
/// and which pelican holds the leader lock.
public enum WorkersView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.character("r")], "refresh", "Refresh now (it also refreshes every few seconds)", .refresh),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    static let columns: [TableColumn] = [
        TableColumn("KIND", .fixed(7), priority: 5),
        TableColumn("ID", .flexible(min: 12, weight: 2), priority: 4),
        TableColumn("HOST", .flexible(min: 8, weight: 1), priority: 1),
        TableColumn("PID", .fixed(7), alignRight: true, priority: 0),
        TableColumn("UPTIME", .fixed(8), alignRight: true, priority: 2),
        TableColumn("PROCESSED", .fixed(9), alignRight: true, priority: 3),
        TableColumn("ERRORS", .fixed(6), alignRight: true, priority: 3),
        TableColumn("LAST SEEN", .fixed(20), priority: 4),
        TableColumn("ROLE", .fixed(7), priority: 2),
    ]

    static func tableRect(_ s: ConsoleState) -> Rect { s.body.splitTop(2).rest.inset(dx: 1, dy: 0) }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let top = s.body.splitTop(1).top
        var x = top.x + grid.write(" Workers", x: top.x, y: top.y, role: .accent)
        guard let roster = s.workers.roster else {
            renderPause(s, into: &grid, at: Rect(x: top.x, y: top.y + 1, width: top.width, height: 1))
            grid.write(
                s.workers.isStale ? "  the heartbeats could not be read" : "  loading…", x: x, y: top.y,
                role: s.workers.isStale ? .warn : .muted, maxWidth: top.maxX - x)
            return
        }
        let missing = roster.workers.filter { $0.isMissing(at: roster.readAt) }.count
        var parts = ["\(roster.workers.count - missing) running"]
        if missing > 0 { parts.append("\(missing) missing") }
        x += grid.write("  " + parts.joined(separator: " · ") + " · ", x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
        let (lock, lockRole): (String, Role) =
            switch (roster.leader, roster.leaderLockHeld) {
            case (let leader?, true): ("leader lock held by \(leader.id)", .ok)
            case (nil, true): ("leader lock held, but no pelican with it is beating", .warn)
            case (_, false): ("leader lock free: no pelican is sending changes", .warn)
            }
        x += grid.write(lock, x: x, y: top.y, role: lockRole, maxWidth: top.maxX - x)
        if s.workers.isStale { grid.write("  stale", x: x, y: top.y, role: .warn, maxWidth: top.maxX - x) }
        renderPause(s, into: &grid, at: Rect(x: top.x, y: top.y + 1, width: top.width, height: 1))

        let rect = tableRect(s)
        if roster.workers.isEmpty {
            grid.write(
                "No worker has written a heartbeat in the last hour. Start them with `refarch-tui run-local` (embedded)",
                x: rect.x + 2, y: rect.y + 1, role: .muted, maxWidth: rect.width - 4)
            grid.write(
                "or `refarch-tui worker pelican` and `refarch-tui worker emu`.", x: rect.x + 2, y: rect.y + 2, role: .muted,
                maxWidth: rect.width - 4)
            return
        }
        var table = Table(
            columns: columns,
            rows: roster.workers.map { w in
                let missing = w.isMissing(at: roster.readAt)
                let seen = formatAge(.milliseconds(Int64(max(0, roster.readAt.timeIntervalSince(w.lastSeen)) * 1000))) + " ago"
                return [
                    w.kind, w.id, w.host, String(w.pid),
                    formatAge(.seconds(Int64(max(0, roster.readAt.timeIntervalSince(w.startedAt))))),
                    ConsoleView.grouped(Int(w.processed)), ConsoleView.grouped(Int(w.errors)),
                    missing ? seen + " (missing)" : seen,
                    w.kind != "pelican" || missing ? "" : (w.isLeader ? "leader" : "standby"),
                ]
            })
        table.rowRoles = roster.workers.map { $0.isMissing(at: roster.readAt) ? .warn : nil }
        table.render(into: &grid, rect: rect, selection: s.workers.selection)
    }

    /// The sync's pause switch under the title: who paused it, when, and what waits
    /// (nothing until it has been read, or where it cannot be).
    static func renderPause(_ s: ConsoleState, into grid: inout CellGrid, at rect: Rect) {
        guard let pause = s.workers.pause else { return }
        var parts: [String]
        if pause.paused {
            // Short enough for 80 columns: when (in the console's zone), who, what waits.
            var since = "Sync paused"
            if let at = ISO8601DateFormatter().date(from: pause.changedAt) { since += " \(formatTime(at, s.timeZone))" }
            if !pause.changedBy.isEmpty { since += " by \(pause.changedBy)" }
            parts = [since, "\(ConsoleView.counted(pause.outboxRows, "change")) waiting"]
            if !s.readOnly { parts.append("p resumes") }
        } else {
            parts = ["Sync running"]
            if !s.readOnly { parts.append("p pauses it for every worker") }
        }
        grid.write(
            " " + parts.joined(separator: " · "), x: rect.x, y: rect.y, role: pause.paused ? .warn : .muted, maxWidth: rect.width)
    }
}
