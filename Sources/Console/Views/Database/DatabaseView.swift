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
        KeyBinding(
            [.character("/")], "filter", "Filter the tables, queries and lock waits: text, or column:value (state:idle); esc clears",
            .focusInput),
        KeyBinding([.up, .down, .pageUp, .pageDown], "scroll", "Scroll the figures", .edit, isHidden: true),
    ]

    /// While the `/` filter is typed.
    static let filterBindings: [KeyBinding] = [
        KeyBinding([.enter], "apply", "Show only the tables, queries and lock waits matching every word (empty shows all)", .submit),
        KeyBinding([.escape], "cancel", "Leave the filter as it was", .back),
    ]

    static let tableColumnNames = ["SIZE", "ROWS", "NAME"]
    static let queryColumnNames = ["PID", "RUNNING", "STATE", "QUERY"]
    static let lockWaitColumnNames = ["PID", "WAITING", "EVENT", "BLOCKED BY", "QUERY"]
    /// The names `column:value` may use: every list's.
    static let filterColumnNames =
        tableColumnNames + queryColumnNames.filter { !tableColumnNames.contains($0) } + ["WAITING", "EVENT", "BLOCKED BY"]

    static func cells(_ table: TableSize) -> [String] {
        [formatBytes(Double(table.totalBytes)), table.estimatedRows < 0 ? "?" : ConsoleView.grouped(Int(table.estimatedRows)), table.name]
    }

    static func cells(_ q: RunningQuery) -> [String] {
        [String(q.pid), formatAge(.seconds(q.runningSeconds)), q.state == "idle in transaction" ? "idle txn" : q.state, q.query]
    }

    static func cells(_ wait: LockWait) -> [String] {
        [
            String(wait.pid), formatAge(.seconds(wait.waitingSeconds)), wait.waitEvent,
            wait.blockedBy.map(String.init).joined(separator: ", "), wait.query,
        ]
    }

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
        if let field = state.filter.field {
            let label = "Filter › "
            grid.write(label, x: area.x, y: area.y, role: .accent)
            field.render(
                into: &grid, rect: Rect(x: area.x + label.displayWidth, y: area.y, width: area.width - label.displayWidth, height: 1),
                focused: true, placeholder: "text, or column:value (name, state, query, …)")
        } else {
            renderTitle(s, into: &grid, in: area)
        }
        guard let status = state.status else { return }
        let lines = self.lines(status, width: area.width, filter: state.filter.isActive ? state.filter.applied : nil)
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

    /// "Database  postgres · refreshed 2 s ago · every 5 s", then the filter when one is applied.
    static func renderTitle(_ s: ConsoleState, into grid: inout CellGrid, in area: Rect) {
        let state = s.database
        var x = area.x + grid.write("Database", x: area.x, y: area.y, role: .accent)
        if let filter = state.filter.applied, state.filter.isActive {
            x += grid.write("  filter “\(filter.text)”", x: x, y: area.y, role: .muted, maxWidth: area.maxX - x)
        }
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
    }

    /// Every line of the body, top to bottom; `filter` narrows the three lists.
    static func lines(_ status: DatabaseStatus, width: Int, filter: ListFilter? = nil) -> [Line] {
        var lines: [Line] = []
        /// The rows `filter` lets through, and what a list's header adds: " · 1 of 3".
        func shown<Row>(_ rows: [Row], _ columns: [String], _ cells: (Row) -> [String]) -> (rows: [Row], count: String) {
            guard let filter else { return (rows, "") }
            let kept = filter.apply(rows, columns: columns, cells: cells)
            return (kept, "  (\(kept.count) of \(rows.count))")
        }
        func noMatch(_ label: String, _ noun: String) -> Line {
            Line(label, [("no \(noun) matches \(filter?.text ?? "") — esc clears, / changes it", .muted)])
        }
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
        } else if let all = status.largestTables.value {
            let (tables, count) = shown(all, tableColumnNames, cells)
            if tables.isEmpty {
                lines.append(noMatch("Tables", "table"))
            } else {
                lines.append(
                    Line("Tables", [(pad("SIZE", 10, right: true) + "  " + pad("ROWS", 10, right: true) + "  NAME" + count, .muted)]))
            }
            for table in tables {
                let c = cells(table)
                lines.append(Line("", [(pad(c[0], 10, right: true) + "  " + pad(c[1], 10, right: true) + "  " + c[2], .text)]))
            }
        } else {
            lines += errorLines("Tables", status.largestTables.error, width: width)
        }
        lines.append(Line())
        if let activity = status.activity.value {
            if activity.longestQueries.isEmpty {
                lines.append(Line("Queries", [("none running", .muted)]))
            } else {
                let (queries, count) = shown(activity.longestQueries, queryColumnNames, cells)
                if queries.isEmpty {
                    lines.append(noMatch("Queries", "query"))
                } else {
                    lines.append(
                        Line(
                            "Queries",
                            [
                                (
                                    pad("PID", 7, right: true) + "  " + pad("RUNNING", 8, right: true) + "  " + pad("STATE", 8) + "  QUERY"
                                        + count, .muted
                                )
                            ]))
                }
                for q in queries {
                    let role: Role = q.waitEvent?.hasPrefix("Lock") == true ? .warn : .text
                    let c = cells(q)
                    lines.append(
                        Line("", [(pad(c[0], 7, right: true) + "  " + pad(c[1], 8, right: true) + "  " + pad(c[2], 8) + "  " + c[3], role)])
                    )
                }
            }
            let (waits, _) = shown(activity.lockWaits, lockWaitColumnNames, cells)
            if activity.lockWaits.isEmpty {
                lines.append(Line("Lock waits", [("none", .muted)]))
            } else if waits.isEmpty {
                lines.append(noMatch("Lock waits", "lock wait"))
            } else {
                for (i, wait) in waits.enumerated() {
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
            storage.append((" · \(formatBytes(free)) free", total > 0 && free < total / 10 ? .warn : .text))
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
}
