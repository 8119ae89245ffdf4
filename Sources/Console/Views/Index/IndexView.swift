import Foundation
import Operations

/// The index's figures (Pinecone or local), products in Postgres against products in the
/// index, and the last verify; drift in the warning role, a running verify's progress.
public enum IndexView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to where the index view was opened", .back),
        KeyBinding(
            [.character("r")], "refresh",
            "Read the figures again, counting the products in the index anew (the refresh while shown reuses the count)",
            .refresh),
        KeyBinding([.character("v")], "verify", "Verify now, in the background (progress shows here; the keys keep working)", verifyAction),
        KeyBinding(
            [.character("R")], "repair", "Enqueue the fixes the verify finds (asks first, naming the counts)", repairAction,
            isWrite: true),
        KeyBinding(
            [.character("X")], "reindex all", "Enqueue every product for indexing again (asks first)", reindexAction,
            isWrite: true, isDestructive: true),
    ]

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let area = s.body.inset(dx: 1, dy: 0)
        guard area.height >= 4 else { return }
        var x = area.x + grid.write("Index", x: area.x, y: area.y, role: .accent)
        guard let status = s.index.status else {
            grid.write(
                s.index.isStale ? "  the index could not be read" : "  loading…", x: x, y: area.y,
                role: s.index.isStale ? .warn : .muted, maxWidth: area.maxX - x)
            return
        }
        x += grid.write("  \(status.backend) · ", x: x, y: area.y, role: .text, maxWidth: area.maxX - x)
        grid.write(status.location, x: x, y: area.y, role: .title, maxWidth: area.maxX - x)
        grid.write("read \(formatTime(status.readAt, s.timeZone))", x: area.x, y: area.y + 1, role: .muted, maxWidth: area.width)

        var rows: [(String, String, Role)] = [
            ("Namespace", status.namespace, .text),
            ("Dimension", String(status.dimension), .text),
            ("Metric", status.metric, .text),
            ("Vectors", ConsoleView.grouped(status.totalVectorCount), .text),
            (
                "Products",
                "\(status.productsInDatabase.map(ConsoleView.grouped) ?? "?") in Postgres · "
                    + "\(ConsoleView.grouped(status.productsInIndex)) in the index" + countedAt(status, s.timeZone),
                status.countsDiffer ? .warn : .ok
            ),
        ]
        if let error = status.catalogError { rows.append(("Catalog", "not read: \(error)", .error)) }
        if status.namespaces.count > 1 {
            let others = status.namespaces.sorted { $0.key < $1.key }.map { "\($0.key) \(ConsoleView.grouped($0.value))" }
            rows.append(("Namespaces", others.joined(separator: " · "), .muted))
        }
        var y = area.y + 3
        for (label, value, role) in rows where y < area.maxY {
            grid.write(label, x: area.x, y: y, role: .muted)
            grid.write(value, x: area.x + 12, y: y, role: role, maxWidth: area.width - 12)
            y += 1
        }
        y += 1
        guard y < area.maxY else { return }
        grid.write("Last verify", x: area.x, y: y, role: .muted)
        if let last = status.lastVerify {
            grid.write(
                "\(formatTime(last.ranAt, s.timeZone)) by \(last.ranBy)", x: area.x + 12, y: y, role: .text,
                maxWidth: area.width - 12)
            y += 1
            let counts: [(String, Int, Bool)] = [
                ("current", last.current, false), ("metadata-stale", last.metadataStale, true),
                ("text-stale", last.textStale, true), ("missing", last.missing, true), ("orphaned", last.orphaned, true),
            ]
            for (label, count, isDrift) in counts where y < area.maxY {
                grid.write(label, x: area.x + 2, y: y, role: .muted)
                grid.write(
                    ConsoleView.grouped(count), x: area.x + 18, y: y, role: isDrift && count > 0 ? .warn : .text,
                    maxWidth: area.width - 18)
                y += 1
            }
            if y < area.maxY {
                grid.write(
                    last.isClean
                        ? "✓ the index agreed with the catalog"
                        : "▸ \(last.drift) drifting: " + (s.readOnly ? "repair is off in read-only mode" : "R enqueues the fixes"),
                    x: area.x, y: y, role: last.isClean ? .ok : .warn, maxWidth: area.width)
                y += 1
            }
        } else if status.catalogError == nil {
            grid.write("never: v verifies now", x: area.x + 12, y: y, role: .warn, maxWidth: area.width - 12)
            y += 1
        }
        if s.index.verifyPending != nil, y + 1 < area.maxY {
            renderProgress(status.verifyRunning, into: &grid, x: area.x, y: y + 1, width: area.width)
        }
    }

    /// " (counted 12:03:05)" when the products in the index were counted before this read
    /// (refreshes reuse the count: counting lists every vector id; `r` counts again).
    static func countedAt(_ status: IndexStatus, _ timeZone: TimeZone) -> String {
        guard let counted = status.productsCountedAt, status.readAt.timeIntervalSince(counted) >= 1 else { return "" }
        return " (counted \(formatTime(counted, timeZone)))"
    }

    /// "verifying ████░░░░ 40%  400/1,000" (or "verifying: starting…" before the first figure).
    static func renderProgress(_ progress: IndexVerifyProgress?, into grid: inout CellGrid, x: Int, y: Int, width: Int) {
        var cursor = x + grid.write("verifying ", x: x, y: y, role: .accent)
        guard let progress, progress.total > 0 else {
            grid.write("starting…", x: cursor, y: y, role: .muted, maxWidth: width - (cursor - x))
            return
        }
        let fraction = min(1, Double(progress.checked) / Double(progress.total))
        let bar = 20, filled = Int(fraction * Double(bar))
        cursor += grid.write(String(repeating: "█", count: filled), x: cursor, y: y, role: .accent)
        cursor += grid.write(String(repeating: "░", count: bar - filled), x: cursor, y: y, role: .muted)
        grid.write(
            " \(Int(fraction * 100))%  \(ConsoleView.grouped(progress.checked))/\(ConsoleView.grouped(progress.total))",
            x: cursor, y: y, role: .text, maxWidth: width - (cursor - x))
    }
}
