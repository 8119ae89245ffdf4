import Foundation
import Operations

/// The services view: the services that run the workers (ECS, or the local workers), and
/// the drill-down into one service's tasks and one task's containers.
public struct ServicesState: ViewPayload {
    /// What the view shows: the services, one service's tasks, or one task's containers.
    public enum Level: Hashable, Sendable {
        case services
        case tasks(ServiceReference)
        case containers(ServiceReference, taskID: String)
        /// The service's log tail (`l`), following.
        case logs(ServiceReference)
    }

    public var level: Level = .services
    public var list: ServiceList?
    /// The read of the list on its way.
    public var reading = RequestSlot()
    /// When the list was last asked for (console time): refreshed every interval while shown.
    public var requestedAt: Duration?
    /// The last refresh failed: the last good list stays, marked stale.
    public var isStale = false
    public var selection = TableSelection()

    public var tasks: [ServiceTask]?
    public var readingTasks = RequestSlot()
    public var taskSelection = TableSelection()

    public var containers: [TaskContainer]?
    public var readingContainers = RequestSlot()
    public var containerSelection = TableSelection()

    /// The `/` filter of each list (the log tail has its own text filter below).
    public var serviceFilter = ListFilterInput()
    public var taskFilter = ListFilterInput()
    public var containerFilter = ListFilterInput()

    /// The log tail: lines oldest first (the newest ``maxLogLines``), where it continues
    /// from, where the lines come from, and the text it is filtered by.
    public var logLines: [LogLine] = []
    public var logCursor: LogCursor?
    public var logSource: String?
    public var logFilter: String?
    /// The `/` input while it is open.
    public var logFilterField: TextField?
    public var readingLogs = RequestSlot()
    /// Why the tail cannot be read (no log group, the embedded backend): shown in the body.
    public var logError: ConsoleError?
    /// Lines scrolled back from the newest (0: following the end).
    public var logScroll = 0
    public static let maxLogLines = 1_000

    /// The `s` form: how many tasks, for which service (nil: closed).
    public var scaleForm: ScaleForm?
    /// A scale, redeploy or rollback the user confirmed, in flight.
    public var acting = RequestSlot()

    public init() {}

    /// The log read on its way, if any (for the view).
    public var logsPending: Int? { readingLogs.request }

    /// The services the filter lets through, as listed.
    public var visibleServices: [ServiceStatus] {
        serviceFilter.apply(list?.services ?? [], columns: ServicesView.serviceColumnNames, cells: ServicesView.cells)
    }

    /// The containers the filter lets through.
    public var visibleContainers: [TaskContainer] {
        containerFilter.apply(containers ?? [], columns: ServicesView.containerColumnNames, cells: ServicesView.cells)
    }

    /// The selected service of the list (as filtered).
    public var selectedService: ServiceStatus? {
        let services = visibleServices
        return services.indices.contains(selection.selected) ? services[selection.selected] : nil
    }

    /// The service the actions apply to: the drilled-into one, else the selected one.
    public var actionService: ServiceStatus? {
        switch level {
        case .services: return selectedService
        case .tasks(let reference), .containers(let reference, _), .logs(let reference):
            return list?.services.first { $0.reference == reference } ?? selectedService
        }
    }
}

/// The `s` form: a count typed for one service, with the message of the last try.
public struct ScaleForm: Hashable, Sendable {
    public var service: ServiceReference
    public var current: Int?
    public var bounds: ClosedRange<Int>?
    public var field = TextField()
    public var error: String?

    public init(service: ServiceReference, current: Int?, bounds: ClosedRange<Int>?) {
        self.service = service
        self.current = current
        self.bounds = bounds
    }
}

extension ConsoleState {
    public var services: ServicesState {
        get { views[ServicesState.self] ?? ServicesState() }
        set { views[ServicesState.self] = newValue }
    }
}
