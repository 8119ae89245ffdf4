import Foundation
import Operations

/// The services view: the services that run the workers with their counts, the PRIMARY
/// deployment's rollout and the last hour's CPU and memory; under the table the selected
/// service's deployments, autoscaling target and last events. `enter` shows its tasks,
/// `enter` on a task its containers.
public enum ServicesView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], "open", "The selected service's tasks; on a task, its containers", .open),
        KeyBinding([.character("r")], "refresh", "Refresh now (it also refreshes every few seconds while shown)", .refresh),
        KeyBinding([.character("l")], "logs", "Tail the service's logs (the last lines, then follows)", logsAction),
        KeyBinding(
            [.character("s")], "scale", "Scale the service to N tasks (asks N, then to confirm; within the autoscaling bounds)",
            scaleAction, isWrite: true),
        KeyBinding(
            [.character("F")], "redeploy", "Force a new deployment of the service (asks first)", redeployAction, isWrite: true),
        KeyBinding(
            [.character("B")], "roll back", "Roll the service back to the previous task-definition revision (asks first)",
            rollBackAction, isWrite: true, isDestructive: true),
        KeyBinding(
            [.character("/")], "filter", "Filter the list: text in any column, or column:value (rollout:failed); esc clears",
            .focusInput),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    /// While a list's `/` filter is typed.
    static let filterBindings: [KeyBinding] = [
        KeyBinding([.enter], "apply", "Show only the rows matching every word: text in any column, or column:value", .submit),
        KeyBinding([.escape], "cancel", "Leave the filter as it was", .back),
    ]

    static let logBindings: [KeyBinding] = [
        KeyBinding([.character("/")], "filter", "Show only lines containing a text (ignoring case)", .focusInput),
        KeyBinding([.character("r")], "reload", "Read the last lines again", .refresh),
        KeyBinding(
            [.up, .down, .pageUp, .pageDown], "scroll", "Scroll back (down to the end follows again; also j, k, G)", .edit, isHidden: true),
    ]

    static let formBindings: [KeyBinding] = [
        KeyBinding([.enter], "scale", "Scale to the number typed (asks to confirm)", .submit),
        KeyBinding([.escape], "cancel", "Close the form without scaling", .edit),
    ]

    static let serviceColumns: [TableColumn] = [
        TableColumn("CLUSTER", .flexible(min: 7, weight: 1, max: 24), priority: 1),
        TableColumn("SERVICE", .flexible(min: 10, weight: 2, max: 32), priority: 6),
        TableColumn("DES", .fixed(3), alignRight: true, priority: 5),
        TableColumn("RUN", .fixed(3), alignRight: true, priority: 5),
        TableColumn("PEND", .fixed(4), alignRight: true, priority: 4),
        TableColumn("ROLLOUT", .fixed(11), priority: 4),
        TableColumn("CPU", .flexible(min: 9, weight: 1, max: 30), priority: 3),
        TableColumn("MEM", .flexible(min: 9, weight: 1, max: 30), priority: 2),
    ]

    static let taskColumns: [TableColumn] = [
        TableColumn("TASK", .flexible(min: 12, weight: 1, max: 34), priority: 6),
        TableColumn("STATUS", .fixed(12), priority: 5),
        TableColumn("HEALTH", .fixed(9), priority: 3),
        TableColumn("STARTED", .fixed(14), priority: 2),
        TableColumn("STOPPED REASON", .flexible(min: 14, weight: 2), priority: 4),
    ]

    static let containerColumns: [TableColumn] = [
        TableColumn("CONTAINER", .flexible(min: 8, weight: 1, max: 20), priority: 6),
        TableColumn("IMAGE", .flexible(min: 10, weight: 2), priority: 3),
        TableColumn("STATUS", .fixed(9), priority: 5),
        TableColumn("EXIT", .fixed(4), alignRight: true, priority: 4),
        TableColumn("REASON", .flexible(min: 10, weight: 2), priority: 4),
    ]

    static let serviceColumnNames = serviceColumns.map(\.title)
    static let taskColumnNames = taskColumns.map(\.title)
    static let containerColumnNames = containerColumns.map(\.title)

    /// A service's cells as the filter reads them (CPU and MEM: the latest percentage).
    static func cells(_ service: ServiceStatus) -> [String] {
        [
            service.cluster, service.name, count(service.desired), count(service.running), count(service.pending), rollout(service),
            metricText(service, \.cpu), metricText(service, \.memory),
        ]
    }

    static func cells(_ task: ServiceTask, _ zone: TimeZone) -> [String] {
        [
            task.id, task.lastStatus ?? "-", task.health ?? "-", task.startedAt.map { formatTime($0, zone) } ?? "-",
            [task.stopCode, task.stoppedReason].compactMap { $0 }.joined(separator: ": "),
        ]
    }

    static func cells(_ c: TaskContainer) -> [String] {
        [c.name, c.image ?? "-", c.lastStatus ?? "-", c.exitCode.map(String.init) ?? "-", c.reason ?? ""]
    }

    /// The tasks the filter lets through.
    public static func visibleTasks(_ s: ConsoleState) -> [ServiceTask] {
        s.services.taskFilter.apply(s.services.tasks ?? [], columns: taskColumnNames) { cells($0, s.timeZone) }
    }

    /// The filter of the list shown (nil: the log tail, which filters by text itself).
    static func listFilter(_ level: ServicesState.Level) -> (path: WritableKeyPath<ConsoleState, ListFilterInput>, columns: [String])? {
        switch level {
        case .services: (\.services.serviceFilter, serviceColumnNames)
        case .tasks: (\.services.taskFilter, taskColumnNames)
        case .containers: (\.services.containerFilter, containerColumnNames)
        case .logs: nil
        }
    }

    /// How many rows the title line counts: "2 services", or with a filter first of all (so a
    /// narrow window keeps it) "1 of 2 services · filter “rollout:failed”".
    static func counted(_ filter: ListFilterInput, shown: Int, of total: Int, _ noun: String) -> String {
        guard let applied = filter.applied, filter.isActive else { return ConsoleView.counted(total, noun) }
        return "\(shown) of \(ConsoleView.counted(total, noun)) · filter “\(applied.text)”"
    }

    /// The `/` input on the title line while it is typed; true when drawn.
    static func renderFilterField(_ s: ConsoleState, into grid: inout CellGrid, title top: Rect) -> Bool {
        guard let filter = listFilter(s.services.level), let field = s[keyPath: filter.path].field else { return false }
        let label = " Filter › "
        grid.write(label, x: top.x, y: top.y, role: .accent)
        field.render(
            into: &grid, rect: Rect(x: top.x + label.displayWidth, y: top.y, width: top.width - label.displayWidth - 1, height: 1),
            focused: true,
            placeholder: "text, or column:value (\(filter.columns.prefix(3).map { $0.lowercased() }.joined(separator: ", ")), …)")
        return true
    }

    /// Where a filter left no row: says which, and how to get the rows back.
    static func renderNoMatch(_ noun: String, _ filter: ListFilterInput, into grid: inout CellGrid, in rect: Rect) {
        let text = "No \(noun) matches \(filter.applied?.text ?? "") — esc clears, / changes it."
        for (i, line) in TextWrap.lines(text, width: max(10, rect.width - 2)).enumerated() where i + 1 < max(2, rect.height) {
            grid.write(line, x: rect.x + 1, y: rect.y + 1 + i, role: .muted, maxWidth: rect.width - 2)
        }
    }

    /// The table's rows: at the services level the table takes what the detail pane leaves.
    static func tableRect(_ s: ConsoleState) -> Rect {
        let area = s.body.splitTop(1).rest.inset(dx: 1, dy: 0)
        guard case .services = s.services.level else { return area }
        let rows = max(1, s.services.visibleServices.count) + 1
        return area.splitTop(min(max(2, rows), max(2, area.height / 2))).top
    }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let top = s.body.splitTop(1).top
        switch s.services.level {
        case .services: renderServices(s, into: &grid, title: top)
        case .tasks(let service): renderTasks(s, service, into: &grid, title: top)
        case .containers(_, let taskID): renderContainers(s, taskID, into: &grid, title: top)
        case .logs(let service): renderLogs(s, service, into: &grid, title: top)
        }
        if let form = s.services.scaleForm { renderScaleForm(form, into: &grid, in: s.body) }
    }

    static func renderServices(_ s: ConsoleState, into grid: inout CellGrid, title top: Rect) {
        let filterShown = renderFilterField(s, into: &grid, title: top)
        var x = filterShown ? top.maxX : top.x + grid.write(" Services", x: top.x, y: top.y, role: .accent)
        guard let list = s.services.list else {
            grid.write(
                s.services.isStale ? "  the services could not be read" : "  loading…", x: x, y: top.y,
                role: s.services.isStale ? .warn : .muted, maxWidth: top.maxX - x)
            return
        }
        let services = s.services.visibleServices
        let rolling = list.services.filter(\.isRollingOut).count
        var summary = "  \(counted(s.services.serviceFilter, shown: services.count, of: list.services.count, "service")) · \(list.backend)"
        if !list.clusters.isEmpty { summary += " " + list.clusters.joined(separator: ", ") }
        if rolling > 0 { summary += " · \(rolling) rolling out" }
        x += grid.write(summary, x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
        if s.services.isStale { grid.write("  stale", x: x, y: top.y, role: .warn, maxWidth: top.maxX - x) }

        let rect = tableRect(s)
        if list.services.isEmpty {
            let text =
                list.clusters.isEmpty
                ? "No ECS cluster found. Set ECS_CLUSTER, or deploy the infra program (infra/)."
                : "No services in \(list.clusters.joined(separator: ", "))."
            grid.write(text, x: rect.x + 1, y: rect.y + 1, role: .muted, maxWidth: rect.width - 2)
            return
        }
        if services.isEmpty {
            renderNoMatch("service", s.services.serviceFilter, into: &grid, in: Rect(x: rect.x, y: rect.y, width: rect.width, height: 4))
            return
        }
        let layout = Table(columns: serviceColumns, rows: []).layout(width: rect.width)
        let cpuWidth = max(0, layout[6] - 5), memWidth = max(0, layout[7] - 5)
        var table = Table(
            columns: serviceColumns,
            rows: services.map { service in
                Array(cells(service).prefix(6)) + [
                    metricCell(service, \.cpu, width: cpuWidth), metricCell(service, \.memory, width: memWidth),
                ]
            })
        table.rowRoles = services.map(role)
        table.render(into: &grid, rect: rect, selection: s.services.selection, focused: s.services.serviceFilter.field == nil)

        guard let service = s.services.selectedService else { return }
        let detail = Rect(x: rect.x, y: rect.maxY + 1, width: rect.width, height: s.body.maxY - rect.maxY - 1)
        renderDetail(service, s, into: &grid, in: detail)
    }

    /// The selected service: deployments, utilisation (or its source's error), autoscaling, events.
    static func renderDetail(_ service: ServiceStatus, _ s: ConsoleState, into grid: inout CellGrid, in rect: Rect) {
        guard rect.height > 0 else { return }
        var lines: [(String, Role)] = []
        var head = service.name
        if let status = service.status { head += " · \(status)" }
        if let launch = service.launchType { head += " · \(launch)" }
        if let definition = service.taskDefinition { head += " · \(definition)" }
        lines.append((head, .accent))
        for deployment in service.deployments {
            var line = "  \(deployment.status ?? "?") \(deployment.taskDefinition ?? "")"
            line += " · \(count(deployment.running))/\(count(deployment.desired)) running"
            if let failed = deployment.failedTasks, failed > 0 { line += " · \(failed) failed" }
            if let state = deployment.rolloutState { line += " · \(state)" }
            if let reason = deployment.rolloutStateReason { line += ": \(reason)" }
            let role: Role =
                deployment.rolloutState == "FAILED" ? .error : deployment.rolloutState == "IN_PROGRESS" ? .warn : .text
            lines.append((line, role))
        }
        if let error = service.metricsError {
            lines.append(("  ✗ CPU and memory not read: \(error)", .error))
        } else if let utilisation = service.utilisation {
            let width = max(8, min(30, (rect.width - 30) / 2))
            lines.append(
                (
                    "  CPU \(SeriesSparkline.text(utilisation.cpu.values, width: width)) \(percent(utilisation.cpu.latest))"
                        + "   Mem \(SeriesSparkline.text(utilisation.memory.values, width: width)) \(percent(utilisation.memory.latest))",
                    .text
                ))
        }
        if let error = service.autoscalingError {
            lines.append(("  ✗ Autoscaling not read: \(error)", .error))
        } else if let scaling = service.autoscaling {
            var line = "  Autoscaling \(scaling.minCapacity) to \(scaling.maxCapacity) tasks"
            for policy in scaling.policies {
                line += " · \(policy.name)"
                if let value = policy.targetValue { line += " target \(formatNumber(value))" }
                if let metric = policy.metric { line += " on \(metric)" }
            }
            lines.append((line, .muted))
        } else {
            lines.append(("  No autoscaling target", .muted))
        }
        if !service.events.isEmpty { lines.append(("Events", .accent)) }
        for event in service.events {
            lines.append(("  \(event.at.map { formatTime($0, s.timeZone) } ?? "")  \(event.message)", .text))
        }
        for (i, line) in lines.enumerated() where i < rect.height {
            grid.write(line.0, x: rect.x, y: rect.y + i, role: line.1, maxWidth: rect.width)
        }
    }

    static func renderTasks(_ s: ConsoleState, _ service: ServiceReference, into grid: inout CellGrid, title top: Rect) {
        let filterShown = renderFilterField(s, into: &grid, title: top)
        let x = filterShown ? top.maxX : top.x + grid.write(" Tasks of \(service)", x: top.x, y: top.y, role: .accent, maxWidth: top.width)
        guard let all = s.services.tasks else {
            grid.write("  loading…", x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
            return
        }
        let tasks = visibleTasks(s)
        let stopped = all.filter { $0.lastStatus == "STOPPED" }.count
        grid.write(
            "  \(counted(s.services.taskFilter, shown: tasks.count, of: all.count, "task"))"
                + "\(stopped > 0 ? " · \(stopped) stopped" : "") · esc back", x: x, y: top.y,
            role: .muted, maxWidth: top.maxX - x)
        let rect = tableRect(s)
        if all.isEmpty {
            grid.write("No tasks (ECS keeps stopped tasks for about an hour).", x: rect.x + 1, y: rect.y + 1, role: .muted)
            return
        }
        if tasks.isEmpty { return renderNoMatch("task", s.services.taskFilter, into: &grid, in: rect) }
        var table = Table(columns: taskColumns, rows: tasks.map { cells($0, s.timeZone) })
        table.rowRoles = tasks.map { task in
            if task.lastStatus == "STOPPED" { return task.stopCode == "UserInitiated" ? .muted : .error }
            return task.health == "UNHEALTHY" ? .warn : nil
        }
        table.render(into: &grid, rect: rect, selection: s.services.taskSelection, focused: s.services.taskFilter.field == nil)
    }

    static func renderContainers(_ s: ConsoleState, _ taskID: String, into grid: inout CellGrid, title top: Rect) {
        let filterShown = renderFilterField(s, into: &grid, title: top)
        let x =
            filterShown
            ? top.maxX : top.x + grid.write(" Containers of task \(taskID)", x: top.x, y: top.y, role: .accent, maxWidth: top.width)
        guard let all = s.services.containers else {
            grid.write("  loading…", x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
            return
        }
        let containers = s.services.visibleContainers
        grid.write(
            "  "
                + (s.services.containerFilter.isActive
                    ? counted(s.services.containerFilter, shown: containers.count, of: all.count, "container") + " · " : "")
                + "esc back", x: x, y: top.y,
            role: .muted, maxWidth: top.maxX - x)
        if !all.isEmpty, containers.isEmpty {
            return renderNoMatch("container", s.services.containerFilter, into: &grid, in: tableRect(s))
        }
        var table = Table(columns: containerColumns, rows: containers.map(cells))
        table.rowRoles = containers.map { ($0.exitCode ?? 0) != 0 ? .error : nil }
        table.render(
            into: &grid, rect: tableRect(s), selection: s.services.containerSelection, focused: s.services.containerFilter.field == nil)
    }

    /// The log tail, newest at the bottom, each JSON line as its message in its level's colour.
    static func renderLogs(_ s: ConsoleState, _ service: ServiceReference, into grid: inout CellGrid, title top: Rect) {
        let x = top.x + grid.write(" Logs of \(service)", x: top.x, y: top.y, role: .accent, maxWidth: top.width)
        var facts: [String] = []
        if let source = s.services.logSource { facts.append(source) }
        if let filter = s.services.logFilter { facts.append("filter “\(filter)”") }
        facts.append(s.services.logScroll > 0 ? "scrolled back (G follows)" : "following")
        grid.write("  " + facts.joined(separator: " · "), x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
        var area = s.body.splitTop(1).rest.inset(dx: 1, dy: 0)
        if let field = s.services.logFilterField {
            let row = area.splitBottom(1)
            area = row.rest
            grid.write("/", x: row.bottom.x, y: row.bottom.y, role: .accent)
            field.render(
                into: &grid, rect: Rect(x: row.bottom.x + 1, y: row.bottom.y, width: row.bottom.width - 1, height: 1), focused: true,
                placeholder: "text to keep")
        }
        if let error = s.services.logError {
            ErrorPanel.render(error, title: "Logs not read", into: &grid, in: area)
            return
        }
        let lines = s.services.logLines
        if lines.isEmpty {
            let text = s.services.logsPending != nil && s.services.logSource == nil ? "loading…" : "No lines in the last hour (it follows)."
            grid.write(text, x: area.x, y: area.y, role: .muted, maxWidth: area.width)
            return
        }
        let end = lines.count - s.services.logScroll
        let shown = lines[max(0, end - area.height)..<end]
        for (i, line) in shown.enumerated() {
            let y = area.maxY - shown.count + i
            var x = area.x + grid.write(formatClock(line.timestamp, s.timeZone) + " ", x: area.x, y: y, role: .muted)
            if let level = line.level {
                x += grid.write(
                    String(level.uppercased().prefix(5)).padding(toLength: 6, withPad: " ", startingAt: 0), x: x, y: y,
                    role: role(level: level))
            }
            grid.write(
                line.message, x: x, y: y, role: line.level.map { role(level: $0) == .error ? .error : .text } ?? .text,
                maxWidth: area.maxX - x)
        }
    }

    static func role(level: String) -> Role {
        switch level.lowercased() {
        case "error", "critical", "fatal": .error
        case "warn", "warning": .warn
        case "debug", "trace": .muted
        default: .ok
        }
    }

    /// "05:46:40": a log line's time of day in the console's zone.
    static func formatClock(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// The `s` form, in a box over the view.
    static func renderScaleForm(_ form: ScaleForm, into grid: inout CellGrid, in area: Rect) {
        let bounds = form.bounds.map { "autoscaling allows \($0.lowerBound) to \($0.upperBound)" } ?? "no autoscaling target"
        let lines = TextWrap.lines(form.error ?? "", width: 56)
        let rect = area.centred(width: 60, height: 6 + (form.error == nil ? 0 : lines.count))
        grid.fill(rect, role: .text)
        Box.render(into: &grid, rect: rect, title: " Scale \(form.service.name) ")
        var y = rect.y + 1
        let now = form.current.map { "desired now \($0) · " } ?? ""
        grid.write(now + bounds, x: rect.x + 2, y: y, role: .muted, maxWidth: rect.width - 4)
        y += 1
        let label = "Tasks: "
        grid.write(label, x: rect.x + 2, y: y, role: .accent)
        form.field.render(
            into: &grid, rect: Rect(x: rect.x + 2 + label.count, y: y, width: 10, height: 1), focused: true, placeholder: "N")
        y += 1
        if form.error != nil {
            for line in lines where y < rect.maxY - 2 {
                grid.write(line, x: rect.x + 2, y: y, role: .error, maxWidth: rect.width - 4)
                y += 1
            }
        }
        grid.write("enter scale · esc cancel", x: rect.x + 2, y: rect.maxY - 2, role: .muted, maxWidth: rect.width - 4)
    }

    /// A metric's cell: its sparkline and latest value, or "✗ error" where its source failed.
    static func metricCell(_ service: ServiceStatus, _ metric: KeyPath<ServiceUtilisation, MetricSeries>, width: Int) -> String {
        if service.metricsError != nil { return "✗ error" }
        guard let series = service.utilisation?[keyPath: metric] else { return "-" }
        return SeriesSparkline.text(series.values, width: width) + " " + percent(series.latest)
    }

    /// A metric's latest percentage ("12%"), as the filter reads the CPU and MEM columns.
    static func metricText(_ service: ServiceStatus, _ metric: KeyPath<ServiceUtilisation, MetricSeries>) -> String {
        if service.metricsError != nil { return "✗ error" }
        guard let series = service.utilisation?[keyPath: metric] else { return "-" }
        return percent(series.latest).trimmingCharacters(in: .whitespaces)
    }

    /// The PRIMARY deployment's rollout state ("-": no deployment).
    static func rollout(_ service: ServiceStatus) -> String {
        service.deployments.first { $0.status == "PRIMARY" }?.rolloutState ?? (service.deployments.isEmpty ? "-" : "?")
    }

    static func role(_ service: ServiceStatus) -> Role? {
        if service.deployments.contains(where: { $0.rolloutState == "FAILED" }) { return .error }
        if service.isRollingOut || (service.running ?? 0) < (service.desired ?? 0) { return .warn }
        return nil
    }

    static func count(_ n: Int?) -> String { n.map(String.init) ?? "-" }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "  -" }
        return String(format: "%3.0f%%", value)
    }

    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
