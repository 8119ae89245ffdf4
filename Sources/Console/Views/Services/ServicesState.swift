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
    }

    public var level: Level = .services
    public var list: ServiceList?
    public var pending: Int?
    /// When the list was last asked for (console time): refreshed every interval while shown.
    public var requestedAt: Duration?
    /// The last refresh failed: the last good list stays, marked stale.
    public var isStale = false
    public var selection = TableSelection()

    public var tasks: [ServiceTask]?
    public var tasksPending: Int?
    public var taskSelection = TableSelection()

    public var containers: [TaskContainer]?
    public var containersPending: Int?
    public var containerSelection = TableSelection()

    /// The `s` form: how many tasks, for which service (nil: closed).
    public var scaleForm: ScaleForm?
    /// A scale, redeploy or rollback the user confirmed, in flight.
    public var actionPending: Int?

    public init() {}

    /// The selected service of the list.
    public var selectedService: ServiceStatus? {
        guard let services = list?.services, services.indices.contains(selection.selected) else { return nil }
        return services[selection.selected]
    }

    /// The service the actions apply to: the drilled-into one, else the selected one.
    public var actionService: ServiceStatus? {
        switch level {
        case .services: return selectedService
        case .tasks(let reference), .containers(let reference, _):
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
