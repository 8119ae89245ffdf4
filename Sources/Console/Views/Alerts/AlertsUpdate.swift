import Foundation
import Operations

extension ViewID {
    public static let alerts = ViewID(rawValue: "alerts")
}

/// What the alerts view asks of the alerts seam: the overview, and the two actions (writes,
/// refused in read-only mode by the root's guard and by ``ReadOnlyAlertOperations``).
enum AlertsRequest: ViewPayload {
    case overview
    case subscribe(AlertEndpoint)
    case unsubscribe(AlertSubscription)

    var isWrite: Bool {
        switch self {
        case .subscribe, .unsubscribe: true
        case .overview: false
        }
    }
}

extension AlertOverview: ViewPayload {}

/// The answer of an action: what was subscribed or removed.
struct AlertActionAnswer: ViewPayload {
    var subscription: AlertSubscription
    var subscribed: Bool
}

/// The alerts view's update: opened by `:alerts` over the current view (not a tab, `esc`
/// goes back), refreshed while shown, `a` asks an endpoint then to confirm, `d` confirms
/// naming the endpoint.
extension AlertsView: ConsoleScreen {
    public static var id: ViewID { .alerts }
    public static var title: String { "Alerts" }
    public static var isTab: Bool { false }
    public static var commandUsage: String? { "alerts" }
    public static var loadErrorTitle: String? { "Alerts not read" }
    public static func crumb(_ s: ConsoleState) -> String? { " › Alerts" }

    static let subscribeAction = ConsoleAction.view("subscribe")
    static let unsubscribeAction = ConsoleAction.view("unsubscribe")

    public static func prepare(_ s: inout ConsoleState) { s.alerts = AlertsState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        if s.alerts.subscribeForm != nil { return formBindings }
        return s.alerts.filter.field != nil ? filterBindings : bindings
    }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        if s.alerts.subscribeForm != nil { return GlobalBindings.whileEditing }
        return s.alerts.filter.field != nil ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.alerts.overview != nil }

    /// `:alerts` opens the view over the current one.
    public static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect] {
        if s.view != .alerts { ConsoleUpdate.push(&s, .alerts) }
        return load(&s)
    }

    /// The subscribe form and the `/` input take typing while they are open.
    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        if s.alerts.filter.field != nil {
            return ConsoleUpdate.listFilterKey(&s, key, filter: \.alerts.filter, columns: filterColumnNames) { s in
                s.alerts.selection = TableSelection()
                return []
            }
        }
        guard var form = s.alerts.subscribeForm else { return nil }
        switch key {
        case .escape:
            s.alerts.subscribeForm = nil
        case .enter:
            submitSubscribe(&s, form)
        case .function(1), .control("c"):
            return nil
        default:
            if form.field.handle(key) { form.error = nil }
            s.alerts.subscribeForm = form
        }
        return []
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        s.alerts.selection.handle(key, rowCount: s.alerts.visibleSubscriptions.count, visible: visibleRows(s))
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh:
            return load(&s)
        case .focusInput:
            s.alerts.filter.startEditing()
            return []
        case .back:
            // esc shows the filtered lists whole again, then goes back.
            guard ConsoleUpdate.clearListFilter(&s, \.alerts.filter) else { return nil }
            s.alerts.selection = TableSelection()
            return []
        case subscribeAction:
            guard let overview = s.alerts.overview else { return [] }
            guard overview.topicARN != nil else {
                return ConsoleUpdate.showFailure(&s, ConsoleError(describing: AlertOperationError.noTopic(action: "subscribe")))
            }
            s.alerts.subscribeForm = SubscribeForm()
            return []
        case unsubscribeAction:
            guard let subscription = s.alerts.selectedSubscription else { return [] }
            guard !subscription.isPendingConfirmation else {
                return ConsoleUpdate.showFailure(
                    &s, ConsoleError(describing: AlertOperationError.pendingSubscription(endpoint: subscription.endpoint)))
            }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Unsubscribe",
                    message: "Stop sending dead-letter alerts to \(subscription.endpoint) (\(subscription.protocolName))?",
                    confirmLabel: "unsubscribe", isDestructive: true),
                .view(.alerts, AnyViewPayload(AlertsRequest.unsubscribe(subscription))))
            return []
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard case .view(_, let payload) = action, let request = payload.as(AlertsRequest.self), request.isWrite else { return nil }
        let label =
            switch request {
            case .subscribe(let endpoint): "subscribing \(endpoint.address)"
            case .unsubscribe(let subscription): "unsubscribing \(subscription.endpoint)"
            case .overview: ""
            }
        let id = s.begin(label)
        s.alerts.acting.asked(id)
        return [.view(request: id, .alerts, payload)]
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.alerts.overview == nil && !s.alerts.reading.isInFlight ? load(&s) : []
    }

    public static func closed(_ s: inout ConsoleState) {
        s.alerts.subscribeForm = nil
        s.alerts.filter = ListFilterInput()
    }

    /// Refreshed like the services view, only while shown.
    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.view == .alerts, s.alerts.overview != nil || s.alerts.isStale else { return [] }
        if let asked = s.alerts.requestedAt, s.now - asked < s.refreshInterval { return [] }
        return load(&s, background: true)
    }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] { load(&s, background: true) }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .viewAnswered(request, _, payload) = message else { return nil }
        guard s.end(request) else { return [] }
        if s.alerts.reading.settle(request), let overview = payload.as(AlertOverview.self) {
            s.alerts.overview = overview
            s.alerts.isStale = false
            s.loadErrors[.alerts] = nil
            clampSelection(&s)
        } else if s.alerts.acting.settle(request), let answer = payload.as(AlertActionAnswer.self) {
            let subscription = answer.subscription
            s.show(
                answer.subscribed
                    ? "Subscribed \(subscription.endpoint)"
                        + (subscription.isPendingConfirmation ? ": pending until it confirms." : ".")
                    : "Unsubscribed \(subscription.endpoint).", .ok, for: .seconds(10))
            return load(&s, background: true)
        }
        return []
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.alerts.reading.settle(request) {
            s.alerts.isStale = true
            return ConsoleUpdate.loadFailed(&s, .alerts, error, "Alerts are stale")
        }
        if s.alerts.acting.settle(request) {
            return ConsoleUpdate.showFailure(&s, error)
        }
        return nil
    }

    public static func clampSelection(_ s: inout ConsoleState) {
        s.alerts.selection.clamp(rowCount: s.alerts.visibleSubscriptions.count, visible: visibleRows(s))
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        switch request.as(AlertsRequest.self) {
        case .overview?:
            return AnyViewPayload(try await services.alertOverview())
        case .subscribe(let endpoint)?:
            return AnyViewPayload(AlertActionAnswer(subscription: try await services.subscribeToAlerts(endpoint), subscribed: true))
        case .unsubscribe(let subscription)?:
            guard let arn = subscription.subscriptionARN else {
                throw AlertOperationError.pendingSubscription(endpoint: subscription.endpoint)
            }
            return AnyViewPayload(
                AlertActionAnswer(subscription: try await services.unsubscribeFromAlerts(subscriptionARN: arn), subscribed: false))
        case nil:
            throw ConsoleError(summary: "Alerts cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
    }

    static func load(_ s: inout ConsoleState, background: Bool = false) -> [ConsoleEffect] {
        s.alerts.requestedAt = s.now
        guard let request = s.ask(\.alerts.reading, background ? "" : "reading alerts") else { return [] }
        return [.view(request: request, .alerts, AnyViewPayload(AlertsRequest.overview))]
    }

    /// `enter` in the form: an e-mail address or https:// URL asks to confirm; anything else
    /// asks again, saying what is accepted.
    static func submitSubscribe(_ s: inout ConsoleState, _ form: SubscribeForm) {
        var form = form
        let endpoint: AlertEndpoint
        do {
            endpoint = try AlertEndpoint(parsing: form.field.text)
        } catch {
            form.error = "\(error.summary) \(error.remedy ?? "")"
            s.alerts.subscribeForm = form
            return
        }
        s.alerts.subscribeForm = nil
        let topic = s.alerts.overview?.topicARN.map { " to \($0.split(separator: ":").last.map(String.init) ?? $0)" } ?? ""
        s.overlay = .confirm(
            ConfirmDialog(
                title: "Subscribe", message: "Send dead-letter alerts\(topic) to \(endpoint.address) (\(endpoint.protocolName))?",
                confirmLabel: "subscribe", isDestructive: false),
            .view(.alerts, AnyViewPayload(AlertsRequest.subscribe(endpoint))))
    }
}
