import Foundation
import Operations

extension ViewID {
    public static let services = ViewID(rawValue: "services")
}

/// What the services view asks of the services seam: reads, and the three actions (writes,
/// refused in read-only mode by the root's guard and by ``ReadOnlyServiceOperations``).
enum ServicesRequest: ViewPayload {
    case list
    case tasks(ServiceReference)
    case containers(ServiceReference, taskID: String)
    case logs(ServiceReference, LogTailRequest)
    case scale(ServiceReference, to: Int)
    case forceNewDeployment(ServiceReference)
    case rollBack(ServiceReference)

    var isWrite: Bool {
        switch self {
        case .scale, .forceNewDeployment, .rollBack: true
        case .list, .tasks, .containers, .logs: false
        }
    }
}

extension ServiceList: ViewPayload {}
extension ServiceChange: ViewPayload {}

/// A service's tasks, as answered.
struct ServiceTasksAnswer: ViewPayload {
    var service: ServiceReference
    var tasks: [ServiceTask]
}

/// A service's log lines, as answered (`follow`: after the cursor, to append).
struct ServiceLogsAnswer: ViewPayload {
    var tail: LogTail
    var follow: Bool
}

/// A task's containers, as answered.
struct TaskContainersAnswer: ViewPayload {
    var taskID: String
    var containers: [TaskContainer]
}

/// The services view's update: the list refreshed every interval while shown, `enter` down
/// to tasks and containers, `esc` back up, and scale / force a new deployment / roll back,
/// each confirmed naming the service.
extension ServicesView: ConsoleScreen {
    public static var id: ViewID { .services }
    public static var title: String { "Services" }
    public static var loadErrorTitle: String? { "Services not read" }

    static let scaleAction = ConsoleAction.view("scale")
    static let redeployAction = ConsoleAction.view("force-new-deployment")
    static let rollBackAction = ConsoleAction.view("roll-back")
    static let logsAction = ConsoleAction.view("logs")

    public static func prepare(_ s: inout ConsoleState) { s.services = ServicesState() }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        if s.services.scaleForm != nil { return formBindings }
        if isFiltering(s) { return filterBindings }
        if case .logs = s.services.level { return logBindings }
        return bindings
    }

    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] {
        if s.services.scaleForm != nil { return GlobalBindings.whileEditing }
        return isFiltering(s) ? GlobalBindings.whileTyping : GlobalBindings.all
    }

    /// Whether the `/` input of the list shown has the focus.
    static func isFiltering(_ s: ConsoleState) -> Bool {
        listFilter(s.services.level).map { s[keyPath: $0.path].field != nil } ?? false
    }

    /// `:svc` jumps here too.
    public static var aliases: [String] { ["svc"] }

    public static func hasData(_ s: ConsoleState) -> Bool { s.services.list != nil }

    /// The scale form and the `/` inputs take typing while they are open.
    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? {
        if let filter = listFilter(s.services.level), s[keyPath: filter.path].field != nil {
            return ConsoleUpdate.listFilterKey(&s, key, filter: filter.path, columns: filter.columns) { s in
                resetSelection(&s)
                return []
            }
        }
        if s.services.logFilterField != nil {
            return ConsoleUpdate.filterKey(&s, key, field: \.services.logFilterField) { s, text in
                s.services.logFilter = text
                return restartLogs(&s)
            }
        }
        guard var form = s.services.scaleForm else { return nil }
        switch key {
        case .escape:
            s.services.scaleForm = nil
        case .enter:
            return submitScale(&s, form)
        case .function(1), .control("c"):
            return nil
        default:
            if form.field.handle(key) { form.error = nil }
            s.services.scaleForm = form
        }
        return []
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        switch s.services.level {
        case .services:
            s.services.selection.handle(key, rowCount: s.services.visibleServices.count, visible: visibleRows(s))
        case .tasks:
            s.services.taskSelection.handle(key, rowCount: visibleTasks(s).count, visible: visibleRows(s))
        case .containers:
            s.services.containerSelection.handle(key, rowCount: s.services.visibleContainers.count, visible: visibleRows(s))
        case .logs:
            // Up scrolls back from the newest line; down to 0 follows the end again.
            switch key {
            case .up, .character("k"): s.services.logScroll = min(s.services.logLines.count, s.services.logScroll + 1)
            case .down, .character("j"): s.services.logScroll = max(0, s.services.logScroll - 1)
            case .pageUp: s.services.logScroll = min(s.services.logLines.count, s.services.logScroll + 10)
            case .pageDown: s.services.logScroll = max(0, s.services.logScroll - 10)
            case .end, .character("G"): s.services.logScroll = 0
            default: break
            }
        }
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh:
            // In the log tail: the last lines again (the list refreshes with it).
            if case .logs = s.services.level { return restartLogs(&s) }
            return load(&s)
        case .open:
            return drillDown(&s)
        case .back:
            // A filtered list is shown whole again first.
            if let filter = listFilter(s.services.level), ConsoleUpdate.clearListFilter(&s, filter.path) {
                resetSelection(&s)
                return []
            }
            switch s.services.level {
            case .services: return nil
            case .tasks:
                s.services.level = .services
                s.services.taskFilter = ListFilterInput()
                s.services.tasks = nil
                s.services.readingTasks.drop()
            case .containers(let service, _):
                s.services.level = .tasks(service)
                s.services.containerFilter = ListFilterInput()
                s.services.containers = nil
                s.services.readingContainers.drop()
            case .logs:
                s.services.level = .services
                clearLogs(&s)
            }
            return []
        case logsAction:
            guard let service = s.services.actionService else { return [] }
            s.services.level = .logs(service.reference)
            s.services.logFilter = nil
            return restartLogs(&s)
        case .focusInput:
            if let filter = listFilter(s.services.level) {
                s[keyPath: filter.path].startEditing()
                return []
            }
            s.services.logFilterField = TextField(s.services.logFilter ?? "")
            return []
        case scaleAction, redeployAction, rollBackAction:
            guard s.services.list?.backend == "embedded" else { return act(&s, action) }
            // Said at once, as the backend would say it after the form and the confirmation.
            guard let service = s.services.actionService else { return [] }
            let verb = action == scaleAction ? "scale" : action == redeployAction ? "redeploy" : "roll back"
            return ConsoleUpdate.showFailure(
                &s, ConsoleError(describing: ServiceOperationError.embeddedAction(action: verb, service: service.name)))
        default:
            return nil
        }
    }

    /// `s`, `F`, `B`: the scale form, or the confirmation naming the service.
    static func act(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case scaleAction:
            guard let service = s.services.actionService else { return [] }
            s.services.scaleForm = ScaleForm(
                service: service.reference, current: service.desired,
                bounds: service.autoscaling.map { $0.minCapacity...$0.maxCapacity })
            return []
        case redeployAction:
            guard let service = s.services.actionService else { return [] }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Force new deployment",
                    message:
                        "Start a new deployment of \(name(service))? Its tasks are replaced with new ones of the same task definition.",
                    confirmLabel: "redeploy", isDestructive: false),
                .view(.services, AnyViewPayload(ServicesRequest.forceNewDeployment(service.reference))))
            return []
        case rollBackAction:
            guard let service = s.services.actionService else { return [] }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Roll back",
                    message:
                        "Roll \(name(service)) back to the previous revision of \(service.taskDefinition ?? "its task definition")? "
                        + "Its tasks are replaced.",
                    confirmLabel: "roll back", isDestructive: true),
                .view(.services, AnyViewPayload(ServicesRequest.rollBack(service.reference))))
            return []
        default:
            return []
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard case .view(_, let payload) = action, let request = payload.as(ServicesRequest.self), request.isWrite else { return nil }
        let label =
            switch request {
            case .scale(let service, let count): "scaling \(service.name) to \(count)"
            case .forceNewDeployment(let service): "redeploying \(service.name)"
            case .rollBack(let service): "rolling back \(service.name)"
            default: ""
            }
        let id = s.begin(label)
        s.services.acting.asked(id)
        return [.view(request: id, .services, payload)]
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.services.list == nil && !s.services.reading.isInFlight ? load(&s) : []
    }

    public static func closed(_ s: inout ConsoleState) {
        s.services.scaleForm = nil
        s.services.logFilterField = nil
        s.services.serviceFilter.field = nil
        s.services.taskFilter.field = nil
        s.services.containerFilter.field = nil
    }

    /// Refreshed like the queues view, but only while shown (each refresh is several AWS calls).
    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.view == .services, s.services.list != nil || s.services.isStale else { return [] }
        if let asked = s.services.requestedAt, s.now - asked < s.refreshInterval { return [] }
        return load(&s, background: true)
    }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] { load(&s, background: true) }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .viewAnswered(request, _, payload) = message else { return nil }
        guard s.end(request) else { return [] }
        if s.services.reading.settle(request), let list = payload.as(ServiceList.self) {
            s.services.list = list
            s.services.isStale = false
            s.loadErrors[.services] = nil
            clampSelection(&s)
        } else if s.services.readingTasks.settle(request), let answer = payload.as(ServiceTasksAnswer.self) {
            s.services.tasks = answer.tasks
            clampSelection(&s)
        } else if s.services.readingContainers.settle(request), let answer = payload.as(TaskContainersAnswer.self) {
            s.services.containers = answer.containers
            clampSelection(&s)
        } else if s.services.readingLogs.settle(request), let answer = payload.as(ServiceLogsAnswer.self) {
            s.services.logError = nil
            s.services.logSource = answer.tail.source
            if answer.follow {
                s.services.logLines += answer.tail.lines
                // Scrolled back: the lines in view stay where they are.
                if s.services.logScroll > 0 { s.services.logScroll += answer.tail.lines.count }
            } else {
                s.services.logLines = answer.tail.lines
            }
            s.services.logLines = Array(s.services.logLines.suffix(ServicesState.maxLogLines))
            s.services.logScroll = min(s.services.logScroll, s.services.logLines.count)
            if let cursor = answer.tail.cursor { s.services.logCursor = cursor }
        } else if s.services.acting.settle(request), let change = payload.as(ServiceChange.self) {
            s.show(describe(change), .ok, for: .seconds(10))
            return load(&s, background: true)
        }
        return []
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.services.reading.settle(request) {
            s.services.isStale = true
            return ConsoleUpdate.loadFailed(&s, .services, error, "Services are stale")
        }
        if s.services.readingTasks.settle(request) || s.services.readingContainers.settle(request) || s.services.acting.settle(request) {
            return ConsoleUpdate.showFailure(&s, error)
        }
        if s.services.readingLogs.settle(request) {
            // In the body with its remedy (no log group, the embedded backend); kept trying.
            s.services.logError = error
            return []
        }
        return nil
    }

    public static func clampSelection(_ s: inout ConsoleState) {
        let visible = visibleRows(s)
        s.services.selection.clamp(rowCount: s.services.visibleServices.count, visible: visible)
        s.services.taskSelection.clamp(rowCount: visibleTasks(s).count, visible: visible)
        s.services.containerSelection.clamp(rowCount: s.services.visibleContainers.count, visible: visible)
    }

    /// A new filter on the list shown starts at its first row.
    static func resetSelection(_ s: inout ConsoleState) {
        switch s.services.level {
        case .services: s.services.selection = TableSelection()
        case .tasks: s.services.taskSelection = TableSelection()
        case .containers: s.services.containerSelection = TableSelection()
        case .logs: break
        }
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        switch request.as(ServicesRequest.self) {
        case .list?:
            return AnyViewPayload(try await services.listServices())
        case .tasks(let service)?:
            return AnyViewPayload(ServiceTasksAnswer(service: service, tasks: try await services.tasks(of: service)))
        case .containers(let service, let taskID)?:
            return AnyViewPayload(
                TaskContainersAnswer(taskID: taskID, containers: try await services.containers(ofTask: taskID, in: service)))
        case .scale(let service, let count)?:
            return AnyViewPayload(try await services.scale(service, to: count))
        case .forceNewDeployment(let service)?:
            return AnyViewPayload(try await services.forceNewDeployment(service))
        case .rollBack(let service)?:
            return AnyViewPayload(try await services.rollBack(service))
        case .logs(let service, let tail)?:
            return AnyViewPayload(ServiceLogsAnswer(tail: try await services.logs(of: service, tail), follow: tail.after != nil))
        case nil:
            throw ConsoleError(summary: "Services cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
    }

    // MARK: Requests

    /// The list, and the tasks or containers shown (`background`: not in the spinner).
    static func load(_ s: inout ConsoleState, background: Bool = false) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        s.services.requestedAt = s.now
        if let request = s.ask(\.services.reading, background ? "" : "reading services") {
            effects.append(.view(request: request, .services, AnyViewPayload(ServicesRequest.list)))
        }
        switch s.services.level {
        case .services: break
        case .tasks(let service): effects += loadTasks(&s, service, background: background)
        case .containers(let service, let taskID): effects += loadContainers(&s, service, taskID, background: background)
        case .logs(let service): effects += loadLogs(&s, service, background: background)
        }
        return effects
    }

    /// The newest lines (or, once read, those after the cursor: follow).
    static func loadLogs(_ s: inout ConsoleState, _ service: ServiceReference, background: Bool) -> [ConsoleEffect] {
        guard let request = s.ask(\.services.readingLogs, background ? "" : "reading the logs of \(service.name)") else { return [] }
        let tail = LogTailRequest(limit: 200, after: s.services.logCursor, filter: s.services.logFilter)
        return [.view(request: request, .services, AnyViewPayload(ServicesRequest.logs(service, tail)))]
    }

    /// Reads the tail from the start again (a new service or filter); an older read is dropped.
    static func restartLogs(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard case .logs(let service) = s.services.level else { return [] }
        let cancel = s.cancel(\.services.readingLogs)
        let filter = s.services.logFilter
        clearLogs(&s)
        s.services.logFilter = filter
        return cancel + loadLogs(&s, service, background: false)
    }

    static func clearLogs(_ s: inout ConsoleState) {
        s.services.logLines = []
        s.services.logCursor = nil
        s.services.logSource = nil
        s.services.logFilter = nil
        s.services.logFilterField = nil
        s.services.readingLogs.drop()
        s.services.logError = nil
        s.services.logScroll = 0
    }

    static func loadTasks(_ s: inout ConsoleState, _ service: ServiceReference, background: Bool) -> [ConsoleEffect] {
        guard let request = s.ask(\.services.readingTasks, background ? "" : "reading the tasks of \(service.name)") else { return [] }
        return [.view(request: request, .services, AnyViewPayload(ServicesRequest.tasks(service)))]
    }

    static func loadContainers(_ s: inout ConsoleState, _ service: ServiceReference, _ taskID: String, background: Bool)
        -> [ConsoleEffect]
    {
        guard let request = s.ask(\.services.readingContainers, background ? "" : "reading the containers of \(taskID)") else {
            return []
        }
        return [.view(request: request, .services, AnyViewPayload(ServicesRequest.containers(service, taskID: taskID)))]
    }

    /// `enter`: a service's tasks, a task's containers.
    static func drillDown(_ s: inout ConsoleState) -> [ConsoleEffect] {
        switch s.services.level {
        case .services:
            guard let service = s.services.selectedService else { return [] }
            s.services.level = .tasks(service.reference)
            s.services.tasks = nil
            s.services.taskSelection = TableSelection()
            s.services.taskFilter = ListFilterInput()
            return loadTasks(&s, service.reference, background: false)
        case .tasks(let service):
            let tasks = visibleTasks(s)
            guard tasks.indices.contains(s.services.taskSelection.selected) else { return [] }
            let taskID = tasks[s.services.taskSelection.selected].id
            s.services.level = .containers(service, taskID: taskID)
            s.services.containers = nil
            s.services.containerSelection = TableSelection()
            s.services.containerFilter = ListFilterInput()
            return loadContainers(&s, service, taskID, background: false)
        case .containers, .logs:
            return []
        }
    }

    /// `enter` in the scale form: a whole number inside the autoscaling bounds asks to
    /// confirm; anything else asks again, saying why (naming the bounds).
    static func submitScale(_ s: inout ConsoleState, _ form: ScaleForm) -> [ConsoleEffect] {
        var form = form
        let text = form.field.text.trimmingCharacters(in: .whitespaces)
        guard let count = Int(text), count >= 0 else {
            form.error = "Type a whole number of tasks (0 or more)."
            s.services.scaleForm = form
            return []
        }
        if let bounds = form.bounds, !bounds.contains(count) {
            form.error = "\(count) is outside the autoscaling target's \(bounds.lowerBound) to \(bounds.upperBound): choose within them."
            s.services.scaleForm = form
            return []
        }
        s.services.scaleForm = nil
        let now = form.current.map { " (desired now \($0))" } ?? ""
        s.overlay = .confirm(
            ConfirmDialog(
                title: "Scale", message: "Scale \(form.service) to \(count) task\(count == 1 ? "" : "s")\(now)?", confirmLabel: "scale",
                isDestructive: false),
            .view(.services, AnyViewPayload(ServicesRequest.scale(form.service, to: count))))
        return []
    }

    /// "emu in refarch": how dialogs name a service.
    static func name(_ service: ServiceStatus) -> String { service.reference.description }

    /// The status line after an action.
    static func describe(_ change: ServiceChange) -> String {
        switch change.action {
        case "scale": "Scaling \(change.service) to \(change.desired.map(String.init) ?? "?"): desired count set."
        case "rollback":
            "Rolling \(change.service) back to \(change.taskDefinition ?? "the previous revision")"
                + (change.previousTaskDefinition.map { " from \($0)" } ?? "") + "."
        default: "New deployment of \(change.service) started."
        }
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }
}
