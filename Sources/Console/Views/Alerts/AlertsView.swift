import Foundation
import Operations

/// Who is told when something dead-letters: the alert topic and its subscriptions (the
/// selection is what `d` removes), then the CloudWatch alarms on the jobs queue and DLQ, an
/// alarm firing in the error role. On the embedded backend it says what alerting there is.
public enum AlertsView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to where the alerts were opened", .back),
        KeyBinding([.character("r")], "refresh", "Refresh now (it also refreshes every few seconds while shown)", .refresh),
        KeyBinding(
            [.character("/")], "filter", "Filter both lists: text in any column, or column:value (state:alarm); esc clears", .focusInput),
        KeyBinding(
            [.character("a")], "subscribe", "Subscribe an e-mail address or https:// URL (asks it, then to confirm)", subscribeAction,
            isWrite: true),
        KeyBinding(
            [.character("d")], "unsubscribe", "Unsubscribe the selected endpoint (asks first; not while pending)", unsubscribeAction,
            isWrite: true, isDestructive: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "move", "Move the selection (also j, k, g, G)", .edit, isHidden: true),
    ]

    /// While the `/` filter is typed.
    static let filterBindings: [KeyBinding] = [
        KeyBinding([.enter], "apply", "Show only the rows matching every word: text in any column, or column:value", .submit),
        KeyBinding([.escape], "cancel", "Leave the filter as it was", .back),
    ]

    static let formBindings: [KeyBinding] = [
        KeyBinding([.enter], "subscribe", "Subscribe the endpoint typed (asks to confirm)", .submit),
        KeyBinding([.escape], "cancel", "Close the form without subscribing", .edit),
    ]

    static let subscriptionColumns: [TableColumn] = [
        TableColumn("PROTOCOL", .fixed(8), priority: 5),
        TableColumn("ENDPOINT", .flexible(min: 16, weight: 3, max: 60), priority: 6),
        TableColumn("STATUS", .fixed(9), priority: 4),
        TableColumn("SUBSCRIPTION", .flexible(min: 12, weight: 2), priority: 1),
    ]

    static let alarmColumns: [TableColumn] = [
        TableColumn("ALARM", .flexible(min: 22, weight: 2, max: 40), priority: 6),
        TableColumn("STATE", .fixed(9), priority: 6),
        TableColumn("METRIC", .flexible(min: 12, weight: 2), priority: 1),
        TableColumn("QUEUE", .flexible(min: 12, weight: 1, max: 30), priority: 2),
        TableColumn("WHEN", .fixed(8), priority: 4),
        TableColumn("CHANGED", .fixed(14), priority: 3),
    ]

    static let subscriptionColumnNames = subscriptionColumns.map(\.title)
    static let alarmColumnNames = alarmColumns.map(\.title)
    /// The names `column:value` may use: both tables' headers.
    static let filterColumnNames = subscriptionColumnNames + alarmColumnNames

    /// A subscription's cells as the table shows them (and the filter reads them).
    static func cells(_ subscription: AlertSubscription) -> [String] {
        [
            subscription.protocolName, subscription.endpoint, subscription.isPendingConfirmation ? "pending" : "confirmed",
            subscription.subscriptionARN ?? "-",
        ]
    }

    static func cells(_ alarm: AlertAlarm, _ zone: TimeZone) -> [String] {
        [
            alarm.name, alarm.state, alarm.metric ?? "-", alarm.queue ?? "-", alarm.condition,
            alarm.stateChangedAt.map { formatTime($0, zone) } ?? "-",
        ]
    }

    /// The alarms the filter lets through.
    public static func visibleAlarms(_ s: ConsoleState) -> [AlertAlarm] {
        s.alerts.filter.apply(s.alerts.overview?.alarms ?? [], columns: alarmColumnNames) { cells($0, s.timeZone) }
    }

    /// Where the filter left no row of a table: says so, and how to get the rows back.
    static func noMatch(_ noun: String, _ s: ConsoleState) -> String {
        "No \(noun) matches \(s.alerts.filter.applied?.text ?? "") — esc clears, / changes it."
    }

    /// The subscriptions table (header and rows), at most half the body.
    static func tableRect(_ s: ConsoleState) -> Rect {
        let area = s.body.splitTop(2).rest.inset(dx: 1, dy: 0)
        let rows = max(1, s.alerts.visibleSubscriptions.count) + 1
        return area.splitTop(min(rows, max(2, area.height / 2))).top
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        let top = s.body.splitTop(1).top
        if let field = s.alerts.filter.field {
            let label = " Filter › "
            grid.write(label, x: top.x, y: top.y, role: .accent)
            field.render(
                into: &grid, rect: Rect(x: top.x + label.displayWidth, y: top.y, width: top.width - label.displayWidth - 1, height: 1),
                focused: true, placeholder: "text, or column:value (endpoint, state, queue, …)")
        }
        var x = s.alerts.filter.field != nil ? top.maxX : top.x + grid.write(" Alerts", x: top.x, y: top.y, role: .accent)
        guard let overview = s.alerts.overview else {
            grid.write(
                s.alerts.isStale ? "  the alerts could not be read" : "  loading…", x: x, y: top.y,
                role: s.alerts.isStale ? .warn : .muted, maxWidth: top.maxX - x)
            return
        }
        let filter = s.alerts.filter
        let subscriptions = s.alerts.visibleSubscriptions, alarms = visibleAlarms(s)
        func counted(_ shown: Int, _ total: Int, _ noun: String) -> String {
            (filter.isActive ? "\(shown) of " : "") + ConsoleView.counted(total, noun)
        }
        // A filter leads, so 80 columns keep it.
        var parts = filter.applied.map { filter.isActive ? ["filter “\($0.text)”"] : [] } ?? []
        parts.append(overview.backend)
        if overview.topicARN != nil { parts.append(counted(subscriptions.count, overview.subscriptions.count, "subscription")) }
        if overview.backend != "embedded" { parts.append(counted(alarms.count, overview.alarms.count, "alarm")) }
        let summary = "  " + parts.joined(separator: " · ")
        x += grid.write(summary, x: x, y: top.y, role: .muted, maxWidth: top.maxX - x)
        let firing = overview.firing.count
        if firing > 0 { x += grid.write(" · \(firing) firing", x: x, y: top.y, role: .error, maxWidth: top.maxX - x) }
        if s.alerts.isStale { grid.write("  stale", x: x, y: top.y, role: .warn, maxWidth: top.maxX - x) }

        let area = s.body.splitTop(1).rest.inset(dx: 1, dy: 0)
        guard let topic = overview.topicARN else {
            renderNoTopic(overview, s, into: &grid, in: area)
            return
        }
        grid.write("Topic \(topic)", x: area.x, y: area.y, role: .title, maxWidth: area.width)
        let rect = tableRect(s)
        if let error = overview.subscriptionsError {
            grid.write("✗ subscriptions: \(error)", x: rect.x, y: rect.y, role: .error, maxWidth: rect.width)
        } else if overview.subscriptions.isEmpty {
            grid.write(
                "No subscriptions: alerts are published but nobody receives them. Press a to subscribe.", x: rect.x, y: rect.y,
                role: .warn, maxWidth: rect.width)
        } else if subscriptions.isEmpty {
            grid.write(noMatch("subscription", s), x: rect.x, y: rect.y, role: .muted, maxWidth: rect.width)
        } else {
            var table = Table(columns: subscriptionColumns, rows: subscriptions.map(cells))
            table.rowRoles = subscriptions.map { $0.isPendingConfirmation ? .warn : nil }
            table.render(into: &grid, rect: rect, selection: s.alerts.selection, focused: filter.field == nil)
        }
        let alarmsRect = Rect(x: area.x, y: rect.maxY + 1, width: area.width, height: area.maxY - rect.maxY - 1)
        renderAlarms(overview, s, into: &grid, in: alarmsRect)
        if let form = s.alerts.subscribeForm { renderSubscribeForm(form, topic: topic, into: &grid, in: s.body) }
    }

    /// No topic: what alerting exists (the note), and the alarms when the backend has them.
    static func renderNoTopic(_ overview: AlertOverview, _ s: ConsoleState, into grid: inout CellGrid, in area: Rect) {
        var y = area.y
        let note = overview.note ?? "No dead-letter alert topic is set (SNS_TOPIC_ARN): the alerter is off."
        for line in TextWrap.lines(note, width: area.width) where y < area.maxY {
            grid.write(line, x: area.x, y: y, role: .warn, maxWidth: area.width)
            y += 1
        }
        if y < area.maxY {
            grid.write(
                "Set SNS_TOPIC_ARN (sns.topic_arn) to the alert topic's ARN to publish and subscribe.", x: area.x, y: y, role: .muted,
                maxWidth: area.width)
            y += 1
        }
        guard overview.backend != "embedded" else { return }
        renderAlarms(overview, s, into: &grid, in: Rect(x: area.x, y: y + 1, width: area.width, height: area.maxY - y - 1))
    }

    static func renderAlarms(_ overview: AlertOverview, _ s: ConsoleState, into grid: inout CellGrid, in rect: Rect) {
        guard rect.height >= 2 else { return }
        let on = overview.queues.isEmpty ? "SQS queues" : overview.queues.joined(separator: ", ")
        grid.write("Alarms on \(on)", x: rect.x, y: rect.y, role: .title, maxWidth: rect.width)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if let error = overview.alarmsError {
            grid.write("✗ alarms: \(error)", x: body.x, y: body.y, role: .error, maxWidth: body.width)
            return
        }
        if overview.alarms.isEmpty {
            grid.write("No CloudWatch alarms on these queues.", x: body.x, y: body.y, role: .muted, maxWidth: body.width)
            return
        }
        let alarms = visibleAlarms(s)
        if alarms.isEmpty {
            grid.write(noMatch("alarm", s), x: body.x, y: body.y, role: .muted, maxWidth: body.width)
            return
        }
        var table = Table(columns: alarmColumns, rows: alarms.map { cells($0, s.timeZone) })
        table.rowRoles = alarms.map { $0.isFiring ? .error : $0.state == "OK" ? nil : .warn }
        table.render(into: &grid, rect: body, selection: TableSelection(selected: -1), focused: false)
        // The firing alarm's reason under the table, when there is room.
        let firing = alarms.filter(\.isFiring)
        var y = body.y + 1 + min(alarms.count, Table.visibleRows(height: body.height)) + 1
        for alarm in firing where y < body.maxY {
            grid.write("\(alarm.name): \(alarm.stateReason ?? "in ALARM")", x: body.x, y: y, role: .error, maxWidth: body.width)
            y += 1
        }
    }

    static func renderSubscribeForm(_ form: SubscribeForm, topic: String, into grid: inout CellGrid, in area: Rect) {
        let width = min(area.width - 4, 70)
        let lines = TextWrap.lines(form.error ?? "", width: width - 4)
        let rect = area.centred(width: width, height: 6 + (form.error == nil ? 0 : lines.count))
        grid.fill(rect, role: .text)
        Box.render(into: &grid, rect: rect, title: " Subscribe to dead-letter alerts ")
        var y = rect.y + 1
        grid.write("e-mail address or https:// URL", x: rect.x + 2, y: y, role: .muted, maxWidth: rect.width - 4)
        y += 1
        let label = "Endpoint: "
        grid.write(label, x: rect.x + 2, y: y, role: .accent)
        form.field.render(
            into: &grid, rect: Rect(x: rect.x + 2 + label.count, y: y, width: rect.width - 4 - label.count, height: 1), focused: true,
            placeholder: "ops@example.com")
        y += 1
        if form.error != nil {
            for line in lines where y < rect.maxY - 2 {
                grid.write(line, x: rect.x + 2, y: y, role: .error, maxWidth: rect.width - 4)
                y += 1
            }
        }
        grid.write("enter subscribe · esc cancel", x: rect.x + 2, y: rect.maxY - 2, role: .muted, maxWidth: rect.width - 4)
    }
}
