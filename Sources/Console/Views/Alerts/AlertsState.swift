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
    /// The `/` filter, over both tables: a `column:value` term keeps the rows of the table
    /// that has the column (the other table shows none).
    public var filter = ListFilterInput()
    public var acting = RequestSlot()

    public init() {}

    /// The subscriptions the filter lets through.
    public var visibleSubscriptions: [AlertSubscription] {
        filter.apply(overview?.subscriptions ?? [], columns: AlertsView.subscriptionColumnNames, cells: AlertsView.cells)
    }

    public var selectedSubscription: AlertSubscription? {
        let rows = visibleSubscriptions
        return rows.indices.contains(selection.selected) ? rows[selection.selected] : nil
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
