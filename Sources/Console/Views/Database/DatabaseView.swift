import Foundation
import Operations

/// The database's health: the RDS instance (AWS), connections, the outbox backlog, the
/// schema version, the largest tables and what is running or waiting for a lock. A source
/// that failed shows its error where its figures would be; a publicly accessible instance is
/// an error, a schema behind the binary a warning.
public enum DatabaseView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to where the database view was opened", .back),
        KeyBinding([.character("r")], "refresh", "Refresh now (it also refreshes every few seconds)", .refresh),
        KeyBinding([.up, .down, .pageUp, .pageDown], "scroll", "Scroll the figures", .edit, isHidden: true),
    ]

    /// One line of the body: a label and its parts, each in its role.
    struct Line {
        var label = ""
        var parts: [(String, Role)] = []
        init(_ label: String = "", _ parts: [(String, Role)] = []) {
            self.label = label
            self.parts = parts
        }
    }

    static let labelWidth = 13

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let area = s.body.inset(dx: 1, dy: 0)
        guard area.height >= 3 else { return }
        let state = s.database
        var x = area.x + grid.write("Database", x: area.x, y: area.y, role: .accent)
        if state.isStale, let at = state.statusAt {
            grid.write("  stale: last good figures \(formatAge(s.now - at)) ago", x: x, y: area.y, role: .warn, maxWidth: area.maxX - x)
        } else if let status = state.status, let at = state.statusAt {
            x += grid.write("  \(status.backend)", x: x, y: area.y, role: .title, maxWidth: area.maxX - x)
            grid.write(
                " · refreshed \(formatAge(s.now - at)) ago · every \(formatAge(s.refreshInterval))", x: x, y: area.y, role: .muted,
                maxWidth: area.maxX - x)
        } else {
            grid.write(
                state.isStale ? "  the database could not be read" : "  loading…", x: x, y: area.y, role: .muted, maxWidth: area.maxX - x)
        }
        guard let status = state.status else { return }
        let lines = self.lines(status, width: area.width)
        let visible = area.height - 2
        let first = min(state.scroll, max(0, lines.count - visible))
        for row in 0..<visible where first + row < lines.count {
            let line = lines[first + row]
            let y = area.y + 2 + row
            grid.write(line.label, x: area.x, y: y, role: .muted, maxWidth: labelWidth)
            var x = area.x + labelWidth
            for (text, role) in line.parts where x < area.maxX {
                x += grid.write(text, x: x, y: y, role: role, maxWidth: area.maxX - x)
            }
        }
        if lines.count > visible {
            let position = " \(first + 1)–\(min(lines.count, first + visible)) of \(lines.count) lines "
            grid.write(position, x: area.maxX - position.displayWidth, y: area.maxY - 1, role: .muted)
        }
    }

    /// Every line of the body, top to bottom.
    static func lines(_ status: DatabaseStatus, width: Int) -> [Line] {
        var lines: [Line] = []
        if let instance = status.instance {
            lines += instanceLines(instance, width: width)
            lines.append(Line())
        }
        lines +=
            (reading("Connections", status.connections, width: width) { c in
                let free = c.max - c.reserved - c.inUse
                return [
                    ("\(c.inUse) in use of \(c.max)", free <= 0 ? .error : free < c.max / 10 ? .warn : .text),
                    (" (\(c.reserved) reserved)", .muted),
                ]
            })
        lines +=
            (reading("Outbox", status.outbox, width: width) { o in
                var parts: [(String, Role)] = [(ConsoleView.counted(o.rows, "change") + " waiting", .text)]
                if let age = o.oldestAgeSeconds { parts.append((", oldest \(formatAge(.seconds(age)))", o.syncPaused ? .warn : .text)) }
                if o.syncPaused { parts.append((" · sync paused", .warn)) }
                return parts
            })
        lines +=
            (reading("Schema", status.schema, width: width) { v in
                if v.isBehind { return [("version \(v.database), this binary needs \(v.binary): run refarch-tui db migrate", .warn)] }
                if v.isAhead { return [("version \(v.database), newer than this binary's \(v.binary)", .warn)] }
                return [("version \(v.database)", .ok), (" (current)", .muted)]
            })
        lines.append(Line())
        if let tables = status.largestTables.value, tables.isEmpty {
            lines.append(Line("Tables", [("none", .muted)]))
        } else if let tables = status.largestTables.value {
            lines.append(Line("Tables", [(pad("SIZE", 10, right: true) + "  " + pad("ROWS", 10, right: true) + "  NAME", .muted)]))
            for table in tables {
                let rows = table.estimatedRows < 0 ? "?" : ConsoleView.grouped(Int(table.estimatedRows))
                lines.append(
                    Line(
                        "",
                        [
                            (
                                pad(bytes(Double(table.totalBytes)), 10, right: true) + "  " + pad(rows, 10, right: true) + "  "
                                    + table.name, .text
                            )
                        ]))
            }
        } else {
            lines += errorLines("Tables", status.largestTables.error, width: width)
        }
        lines.append(Line())
        if let activity = status.activity.value {
            if activity.longestQueries.isEmpty {
                lines.append(Line("Queries", [("none running", .muted)]))
            } else {
                lines.append(
                    Line(
                        "Queries",
                        [(pad("PID", 7, right: true) + "  " + pad("RUNNING", 8, right: true) + "  " + pad("STATE", 8) + "  QUERY", .muted)])
                )
                for q in activity.longestQueries {
                    let role: Role = q.waitEvent?.hasPrefix("Lock") == true ? .warn : .text
                    let state = q.state == "idle in transaction" ? "idle txn" : q.state
                    lines.append(
                        Line(
                            "",
                            [
                                (
                                    pad(String(q.pid), 7, right: true) + "  " + pad(formatAge(.seconds(q.runningSeconds)), 8, right: true)
                                        + "  " + pad(state, 8) + "  " + q.query, role
                                )
                            ]))
                }
            }
            if activity.lockWaits.isEmpty {
                lines.append(Line("Lock waits", [("none", .muted)]))
            } else {
                for (i, wait) in activity.lockWaits.enumerated() {
                    let blockers = wait.blockedBy.map(String.init).joined(separator: ", ")
                    lines.append(
                        Line(
                            i == 0 ? "Lock waits" : "",
                            [
                                ("pid \(wait.pid) waits \(formatAge(.seconds(wait.waitingSeconds))) on \(wait.waitEvent)", .warn),
                                (blockers.isEmpty ? "" : ", blocked by \(blockers)", .warn),
                            ]))
                    lines.append(Line("", [(wait.query, .muted)]))
                }
            }
        } else {
            lines += errorLines("Queries", status.activity.error, width: width)
        }
        return lines
    }

    static func instanceLines(_ reading: DatabaseReading<RDSInstanceHealth>, width: Int) -> [Line] {
        guard let db = reading.value else { return errorLines("RDS", reading.error, width: width) }
        var lines: [Line] = []
        let engine = [db.engine, db.engineVersion].compactMap { $0 }.joined(separator: " ")
        lines.append(
            Line(
                "RDS",
                [
                    (db.identifier, .title), (" · ", .muted), (db.status ?? "status unknown", db.status == "available" ? .ok : .warn),
                    (" · " + [db.instanceClass, engine.isEmpty ? nil : engine].compactMap { $0 }.joined(separator: " · "), .text),
                ]))
        if db.publiclyAccessible == true {
            lines.append(Line("Access", [("publicly accessible: reachable from the internet", .error)]))
        }
        if let address = db.endpointAddress {
            lines.append(Line("Endpoint", [(address + (db.endpointPort.map { ":\($0)" } ?? ""), .text)]))
        }
        var storage: [(String, Role)] = [
            ((db.allocatedStorageGiB.map { "\($0) GiB" } ?? "size unknown") + (db.storageType.map { " \($0)" } ?? ""), .text)
        ]
        if let free = db.freeStorageBytes {
            let total = Double(db.allocatedStorageGiB ?? 0) * 1_073_741_824
            storage.append((" · \(bytes(free)) free", total > 0 && free < total / 10 ? .warn : .text))
        } else if db.freeStorageError != nil {
            storage.append((" · free: not read (below)", .error))
        } else {
            storage.append((" · free: no figure yet", .muted))
        }
        storage.append((" · Multi-AZ " + yesNo(db.multiAZ), db.multiAZ == false ? .muted : .text))
        lines.append(Line("Storage", storage))
        if let error = db.freeStorageError { lines += errorLines("Free storage", error, width: width) }
        lines.append(
            Line(
                "Backups",
                [
                    (
                        (db.backupWindow.map { "\($0) UTC" } ?? "window unknown") + (db.backupRetentionDays.map { ", kept \($0) d" } ?? ""),
                        db.backupRetentionDays == 0 ? .warn : .text
                    ),
                    (" · encrypted " + yesNo(db.storageEncrypted), db.storageEncrypted == false ? .warn : .text),
                    (" · CA " + (db.certificateAuthority ?? "unknown"), .text),
                ]))
        return lines
    }

    static func reading<Value>(
        _ label: String, _ reading: DatabaseReading<Value>, width: Int, _ parts: (Value) -> [(String, Role)]
    ) -> [Line] {
        guard let value = reading.value else { return errorLines(label, reading.error, width: width) }
        return [Line(label, parts(value))]
    }

    /// A failed source's error where its figures would be, wrapped (never cut).
    static func errorLines(_ label: String, _ error: String?, width: Int) -> [Line] {
        TextWrap.lines("error: " + (error ?? "not read"), width: max(10, width - labelWidth)).enumerated().map {
            Line($0.offset == 0 ? label : "", [($0.element, .error)])
        }
    }

    static func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown" }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = String(repeating: " ", count: max(0, width - text.displayWidth))
        return right ? gap + text : text + gap
    }

    /// "1.5 GiB", "812 MiB", "96 KiB".
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = value
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 || value >= 100 ? "\(Int(value.rounded())) \(units[unit])" : String(format: "%.1f", value) + " " + units[unit]
    }
}
