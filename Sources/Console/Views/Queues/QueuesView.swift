import Catalog
import Foundation

/// The queues view: depth of the jobs queue and its DLQ, the jobs queue's settings,
/// throughput and ten minutes of depth as sparklines, and a redrive in progress.
public enum QueuesView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], "dead letters", "Show the dead letters (the DLQ view)", .open),
        KeyBinding([.character("R")], "redrive all", "Move every dead letter back to the jobs queue (asks first)", .redrive, isWrite: true),
        KeyBinding([.character("r")], "refresh", "Refresh now (it also refreshes every few seconds)", .refresh),
    ]

    static let columns: [TableColumn] = [
        TableColumn("QUEUE", .flexible(min: 12, weight: 1), priority: 4),
        TableColumn("VISIBLE", .fixed(9), alignRight: true, priority: 4),
        TableColumn("IN FLIGHT", .fixed(9), alignRight: true, priority: 3),
        TableColumn("DELAYED", .fixed(9), alignRight: true, priority: 1),
        TableColumn("OLDEST", .fixed(10), alignRight: true, priority: 2),
    ]

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let body = s.body.inset(dx: 1, dy: 0)
        var y = body.y
        var x = body.x + grid.write("Queues", x: body.x, y: y, role: .accent)
        let queues = s.queues
        if queues.isStale, let at = queues.statsAt {
            grid.write("  stale: last good figures \(formatAge(s.now - at)) ago", x: x, y: y, role: .warn, maxWidth: body.maxX - x)
        } else if queues.stats == nil {
            grid.write(
                queues.isStale ? "  the queue could not be read" : "  loading…", x: x, y: y, role: queues.isStale ? .warn : .muted,
                maxWidth: body.maxX - x)
        } else if let at = queues.statsAt {
            x += grid.write(
                "  refreshed \(formatAge(s.now - at)) ago · every \(formatAge(s.refreshInterval))", x: x, y: y, role: .muted,
                maxWidth: body.maxX - x)
        }
        y += 2
        guard let stats = queues.stats else { return }

        let depths = [stats.jobs, stats.deadLetters]
        let rows = depths.map { d in
            [
                d.name, ConsoleView.grouped(d.visible), ConsoleView.grouped(d.inFlight), ConsoleView.grouped(d.delayed),
                d.oldestAge.map(formatAge) ?? (d.total == 0 ? "" : "—"),
            ]
        }
        var table = Table(columns: columns, rows: rows)
        table.rowRoles = [nil, stats.deadLetters.total > 0 ? .error : nil]
        table.render(
            into: &grid, rect: Rect(x: body.x, y: y, width: min(body.width, 72), height: 3),
            selection: TableSelection(selected: -1), focused: false)
        y += 4

        let label = 16
        func line(_ title: String, _ text: String, _ role: Role = .text) {
            guard y < body.maxY else { return }
            grid.write(title, x: body.x, y: y, role: .muted, maxWidth: label)
            grid.write(text, x: body.x + label, y: y, role: role, maxWidth: body.width - label)
            y += 1
        }
        line("Jobs queue", settings(stats))
        if let perMinute = s.workers.throughputPerMinute {
            line(
                "Throughput",
                "\(ConsoleView.counted(Int(perMinute.rounded()), "message"))/min processed (last minute, from the workers' heartbeats)")
        } else {
            line("Throughput", "measuring… (needs a few refreshes)", .muted)
        }
        y += 1
        let sparkWidth = max(10, min(60, body.width - label - 14))
        let jobs = queues.history.map { (at: $0.at, value: $0.jobs) }
        let dead = queues.history.map { (at: $0.at, value: $0.deadLetters) }
        line("Depth, 10 min", sparkline(jobs, now: s.now, width: sparkWidth), .accent)
        line("DLQ, 10 min", sparkline(dead, now: s.now, width: sparkWidth), stats.deadLetters.total > 0 ? .error : .accent)
        y += 1
        if let task = s.queueTask { line("In progress", task.line(now: s.now), .accent) }
    }

    /// "FIFO · visibility 30 s · kept 4 d · to jobs-dlq after 5 receives"
    static func settings(_ stats: JobQueueStats) -> String {
        var parts: [String] = []
        if let fifo = stats.isFIFO { parts.append(fifo ? "FIFO (per-product order)" : "standard (no order)") }
        if let visibility = stats.visibilityTimeout { parts.append("visibility \(formatAge(visibility))") }
        parts.append(stats.retention.map { "kept \(formatAge($0))" } ?? "kept until processed")
        if let count = stats.maxReceiveCount { parts.append("to \(stats.deadLetters.name) after \(count) receives") }
        return parts.joined(separator: " · ")
    }

    static func sparkline(_ samples: [(at: Duration, value: Int)], now: Duration, width: Int) -> String {
        let line = Sparkline.text(samples, end: now, window: QueuesState.historyWindow, width: width)
        let highest = samples.filter { $0.at >= now - QueuesState.historyWindow }.map(\.value).max() ?? 0
        return line + "  max \(ConsoleView.grouped(highest))"
    }
}

/// "0 s", "4 s", "2 min", "1 h 5 min", "3 d": ages and intervals for people, in whole units
/// (a refresh every few seconds makes finer figures flicker).
public func formatAge(_ duration: Duration) -> String {
    let seconds = max(0, duration.seconds)
    if seconds < 120 { return "\(Int(seconds)) s" }
    if seconds < 7200 { return "\(Int(seconds / 60)) min" }
    if seconds < 172_800 {
        let minutes = Int(seconds / 60)
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }
    return "\(Int(seconds / 86_400)) d"
}

/// "12-06 16:41:02": a receive time in the console's time zone.
func formatTime(_ date: Date, _ zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let c = calendar.dateComponents([.month, .day, .hour, .minute, .second], from: date)
    return String(format: "%02d-%02d %02d:%02d:%02d", c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
}
