import Catalog
import Console
import Foundation
import Operations
import TestSupport
import Testing

/// The alerts view: `:alerts`, subscribe (form, then confirm) and unsubscribe (confirm naming
/// the endpoint; refused while pending), read-only refusals, and its golden screens.
@Suite("Alerts view")
struct AlertsTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    @discardableResult
    func drive(_ s: inout ConsoleState, _ effects: [ConsoleEffect], _ services: FakeConsoleServices) async -> [ConsoleEffect] {
        await Ops.drive(&s, effects, services, screen: AlertsView.self).seen
    }

    func opened(
        _ size: Size = Size(columns: 80, rows: 24), overview: AlertOverview = AlertSamples.healthy, readOnly: Bool = false
    ) async -> (ConsoleState, FakeConsoleServices) {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.alertOverviewAnswer.withLock { $0 = overview }
        var s = Ops.state(size, readOnly: readOnly)
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, "alerts"), services)
        return (s, services)
    }

    @Test func colonAlertsOpensTheViewOverTheCurrentOneAndEscGoesBack() async {
        var (s, _) = await opened()
        #expect(s.view == .alerts)
        #expect(s.alerts.overview == AlertSamples.healthy)
        #expect(!ViewID.tabs.contains(.alerts))
        press(&s, .escape)
        #expect(s.view != .alerts)
    }

    @Test func slashFiltersBothListsEnterAppliesEscClearsThenGoesBack() async {
        var (s, _) = await opened(overview: AlertSamples.firing)
        press(&s, .down)
        #expect(s.alerts.selectedSubscription?.endpoint == "https://hooks.example.com/refarch")
        press(&s, .character("/"))
        type(&s, "email")
        press(&s, .enter)
        #expect(s.alerts.visibleSubscriptions.map(\.endpoint) == ["ops@example.com"])
        #expect(AlertsView.visibleAlarms(s).isEmpty)
        // d acts on the subscription shown, not on the row the whole list has there.
        press(&s, .character("d"))
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("ops@example.com"))
        press(&s, .character("n"))
        // column:value keeps the rows of the table that has the column.
        press(&s, .character("/"), .control("u"))
        type(&s, "state:alarm")
        press(&s, .enter)
        #expect(AlertsView.visibleAlarms(s).map(\.name) == ["refarch-dlq-not-empty"])
        #expect(s.alerts.visibleSubscriptions.isEmpty)
        #expect(s.alerts.selectedSubscription == nil)
        press(&s, .escape)
        #expect(s.view == .alerts && s.alerts.filter.applied == nil, "esc clears the filter first")
        #expect(s.alerts.visibleSubscriptions.count == 2 && AlertsView.visibleAlarms(s).count == 2)
        press(&s, .escape)
        #expect(s.view != .alerts)
    }

    @Test func anAmbiguousColumnIsNamedAndChangesNothing() async {
        var (s, _) = await opened()
        press(&s, .character("/"))
        type(&s, "stat:ok")
        press(&s, .enter)
        #expect(s.alerts.filter.applied == nil && s.alerts.filter.field?.text == "stat:ok")
        #expect(s.status?.text == "“stat” could be status or state: type more of the column's name.")
    }

    @Test func filteredAlarms() async {
        var (s, _) = await opened(overview: AlertSamples.firing)
        press(&s, .character("/"))
        type(&s, "queue:dlq")
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), "alerts-filtered-80x24")
    }

    @Test func subscribeAsksTheEndpointThenToConfirmThenSubscribes() async {
        var (s, services) = await opened()
        press(&s, .character("a"))
        #expect(s.alerts.subscribeForm != nil)
        type(&s, "oncall@example.com")
        press(&s, .enter)
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("oncall@example.com"))
        #expect(services.alertActions.withLock { $0 }.isEmpty)
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.alertActions.withLock { $0 } == ["subscribe oncall@example.com"])
        #expect(s.status?.text.contains("pending until it confirms") == true)
    }

    @Test func aBadEndpointIsRefusedInTheFormSayingWhatIsAccepted() async {
        var (s, services) = await opened()
        press(&s, .character("a"))
        type(&s, "http://hooks.example.com/x")
        press(&s, .enter)
        #expect(s.overlay == nil)
        #expect(s.alerts.subscribeForm?.error?.contains("https://") == true)
        press(&s, .escape)
        #expect(s.alerts.subscribeForm == nil)
        #expect(services.alertActions.withLock { $0 }.isEmpty)
    }

    @Test func unsubscribeConfirmsNamingTheEndpointThenRemovesIt() async {
        var (s, services) = await opened()
        press(&s, .character("d"))
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("ops@example.com"))
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.alertActions.withLock { $0 } == ["unsubscribe \(AlertSamples.subscriptions[0].subscriptionARN!)"])
        #expect(s.status?.text.contains("Unsubscribed ops@example.com") == true)
    }

    @Test func aPendingSubscriptionCannotBeUnsubscribedAndTheViewSaysSo() async {
        var (s, services) = await opened()
        press(&s, .down)
        let effects = press(&s, .character("d"))
        #expect(effects.isEmpty)
        #expect(s.overlay == nil)
        #expect(s.status?.text.contains("pending confirmation") == true)
        #expect(services.alertActions.withLock { $0 }.isEmpty)
    }

    @Test func readOnlyRefusesSubscribeAndUnsubscribe() async {
        for key in ["a", "d"] {
            var (s, services) = await opened(readOnly: true)
            let effects = press(&s, .character(Character(key)))
            #expect(effects.isEmpty)
            #expect(s.overlay == nil)
            #expect(s.alerts.subscribeForm == nil)
            #expect(s.status?.text == "Read-only mode: restart without --read-only to edit.")
            #expect(services.alertActions.withLock { $0 }.isEmpty)
        }
    }

    @Test func readOnlyAlertOperationsRefusesEachActionBeforeTheBackend() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let guarded = ReadOnlyAlertOperations(services)
        let endpoint = try AlertEndpoint(parsing: "ops@example.com")
        await #expect(throws: AlertOperationError.readOnly(action: "subscribe ops@example.com to the alerts")) {
            try await guarded.subscribeToAlerts(endpoint)
        }
        await #expect(throws: AlertOperationError.readOnly(action: "unsubscribe arn:x")) {
            try await guarded.unsubscribeFromAlerts(subscriptionARN: "arn:x")
        }
        #expect(services.alertActions.withLock { $0 }.isEmpty)
    }

    @Test func embeddedSubscribeSaysThereIsNoTopic() async {
        var (s, services) = await opened(overview: AlertSamples.embedded)
        press(&s, .character("a"))
        #expect(s.alerts.subscribeForm == nil)
        #expect(s.status?.text.contains("SNS_TOPIC_ARN") == true)
        #expect(services.alertActions.withLock { $0 }.isEmpty)
    }

    // MARK: Endpoints

    @Test func endpointsAreAnEmailAddressOrAnHTTPSURLAndHTTPOnlyOnLoopback() throws {
        #expect(try AlertEndpoint(parsing: " ops@example.com ").protocolName == "email")
        #expect(try AlertEndpoint(parsing: "https://hooks.example.com/a?b=c").protocolName == "https")
        #expect(try AlertEndpoint(parsing: "http://127.0.0.1:8080/hook").protocolName == "http")
        #expect(try AlertEndpoint(parsing: "http://localhost/hook").protocolName == "http")
        for bad in [
            "", "ops", "ops@", "@example.com", "ops@example", "a b@example.com", "ftp://example.com", "http://example.com/x",
            "https://", "https://user:secret@hooks.example.com/x",
        ] {
            #expect(throws: AlertOperationError.self, "\(bad)") { try AlertEndpoint(parsing: bad) }
        }
        #expect(
            throws: AlertOperationError.invalidEndpoint(
                "https://hooks.example.com/x", reason: "it carries a user or password; SNS would keep and show it in clear")
        ) {
            try AlertEndpoint(parsing: "https://user:secret@hooks.example.com/x")
        }
    }

    @Test func credentialsInEndpointURLsAreNeverShown() {
        #expect(AlertEndpoint.redacted("https://user:secret@hooks.example.com/x@y") == "https://hooks.example.com/x@y")
        #expect(AlertEndpoint.redacted("ops@example.com") == "ops@example.com")
        let row = AlertSubscription(subscriptionARN: "arn:s", protocolName: "https", endpoint: "https://u:p@h.example.com/")
        #expect(row.endpoint == "https://h.example.com/")
        #expect(AlertSubscription(subscriptionARN: "PendingConfirmation", protocolName: "email", endpoint: "a@b.c").isPendingConfirmation)
    }

    // MARK: Golden screens

    @Test(arguments: sizes)
    func healthy(size: Size) async {
        let (s, _) = await opened(size)
        assertSnapshot(ConsoleView.render(s), name("alerts-healthy", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes)
    func emptyTopic(size: Size) async {
        let (s, _) = await opened(size, overview: AlertSamples.emptyTopic)
        assertSnapshot(ConsoleView.render(s), name("alerts-empty-topic", size))
    }

    @Test(arguments: sizes)
    func alarmFiring(size: Size) async {
        let (s, _) = await opened(size, overview: AlertSamples.firing)
        assertSnapshot(ConsoleView.render(s), name("alerts-firing", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes)
    func readOnly(size: Size) async {
        let (s, _) = await opened(size, readOnly: true)
        assertSnapshot(ConsoleView.render(s), name("alerts-read-only", size))
    }

    @Test(arguments: sizes)
    func embedded(size: Size) async {
        let (s, _) = await opened(size, overview: AlertSamples.embedded)
        assertSnapshot(ConsoleView.render(s), name("alerts-embedded", size))
    }

    @Test func subscribeFormWithABadEndpoint() async {
        var (s, _) = await opened()
        press(&s, .character("a"))
        type(&s, "ops")
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), "alerts-subscribe-bad-80x24")
    }
}
