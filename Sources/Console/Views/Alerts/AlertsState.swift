import Foundation
import Operations

/// The alerts view (`:alerts`): the dead-letter topic's subscriptions and the queue alarms.
public struct AlertsState: ViewPayload {
    public var overview: AlertOverview?
    /// The read of the overview on its way.
    public var reading = RequestSlot()
    /// When the overview was last asked for (console time): refreshed every interval while shown.
    public var requestedAt: Duration?
    /// The last refresh failed: the last good overview stays, marked stale.
    public var isStale = false
    /// The selected subscription (what `d` removes).
    public var selection = TableSelection()
    /// The `a` form: the endpoint to subscribe (nil: closed).
    public var subscribeForm: SubscribeForm?
    /// A subscribe or unsubscribe the user confirmed, in flight.
    public var acting = RequestSlot()

    public init() {}

    public var selectedSubscription: AlertSubscription? {
        guard let rows = overview?.subscriptions, rows.indices.contains(selection.selected) else { return nil }
        return rows[selection.selected]
    }
}

/// The `a` form: an endpoint typed, with the message of the last try.
public struct SubscribeForm: Hashable, Sendable {
    public var field = TextField()
    public var error: String?

    public init() {}
}

extension ConsoleState {
    public var alerts: AlertsState {
        get { views[AlertsState.self] ?? AlertsState() }
        set { views[AlertsState.self] = newValue }
    }
}
