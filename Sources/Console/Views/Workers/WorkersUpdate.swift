import Catalog
import Operations

extension ViewID {
    public static let workers = ViewID(rawValue: "workers")
}

/// What the workers view asks of the services beyond the roster: the sync's pause switch.
enum SyncPauseRequest: ViewPayload {
    case read
    case set(paused: Bool)

    var isWrite: Bool { if case .set = self { true } else { false } }
}

extension SyncPauseStatus: ViewPayload {}

/// The workers view's update: heartbeats refreshed with the queue figures, and the sync's
/// pause switch (read with them, shown in the header; `p` pauses or resumes, asking first).
extension WorkersView: ConsoleScreen {
    public static var id: ViewID { .workers }
    public static var title: String { "Workers" }
    public static var loadErrorTitle: String? { "Heartbeats not read" }

    static let togglePause = ConsoleAction.view("toggle-pause")

    public static func prepare(_ s: inout ConsoleState) { s.workers = WorkersState() }

    /// `p` is listed once the switch's state is known: its label says what it will do.
    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        guard let pause = s.workers.pause else { return bindings }
        return bindings + [
            pause.paused
                ? KeyBinding(
                    [.character("p")], "resume sync", "Resume the sync: the outbox drains to the index again (asks first)", togglePause,
                    isWrite: true)
                : KeyBinding(
                    [.character("p")], "pause sync",
                    "Pause the sync for every worker: changes wait in the outbox until resumed (asks first)", togglePause, isWrite: true)
        ]
    }

    public static func hasData(_ s: ConsoleState) -> Bool { s.workers.roster != nil }

    public static func headerFacts(_ s: ConsoleState) -> [(String, Role)] {
        s.workers.pause?.paused == true ? [("sync paused", .warn)] : []
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        s.workers.selection.handle(key, rowCount: s.workers.roster?.workers.count ?? 0, visible: visibleRows(s))
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh:
            return load(&s)
        case togglePause:
            guard let pause = s.workers.pause else { return [] }
            let waiting = ConsoleView.counted(pause.outboxRows, "change")
            let dialog =
                pause.paused
                ? ConfirmDialog(
                    title: "Resume sync",
                    message: "Resume the sync? Pelican drains the outbox again (\(waiting) waiting) and emu receives again.",
                    confirmLabel: "resume", isDestructive: false)
                : ConfirmDialog(
                    title: "Pause sync",
                    message:
                        "Pause the sync for every worker? Pelican stops draining the outbox and emu stops after the batch in hand; "
                        + "changes wait in the outbox until you resume.",
                    confirmLabel: "pause", isDestructive: false)
            s.overlay = .confirm(dialog, .view(.workers, AnyViewPayload(SyncPauseRequest.set(paused: !pause.paused))))
            return []
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard case .view(_, let payload) = action, case .set(let paused)? = payload.as(SyncPauseRequest.self) else { return nil }
        let request = s.begin(paused ? "pausing the sync" : "resuming the sync")
        s.workers.changingPause.asked(request)
        return [.view(request: request, .workers, payload)]
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.workers.roster == nil && !s.workers.readingRoster.isInFlight ? load(&s) : []
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        switch message {
        case let .workersLoaded(request, roster):
            guard s.end(request), s.workers.readingRoster.settle(request) else { return [] }
            s.workers.roster = roster
            s.workers.isStale = false
            s.loadErrors[.workers] = nil
            s.workers.account(roster, at: s.now)
            ConsoleUpdate.clampSelections(&s)
            return []
        case let .viewAnswered(request, _, payload):
            guard s.end(request), let status = payload.as(SyncPauseStatus.self) else { return [] }
            if s.workers.changingPause.settle(request) {
                s.show(
                    status.paused
                        ? "Sync paused: changes wait in the outbox (\(ConsoleView.counted(status.outboxRows, "change")) now); p resumes."
                        : "Sync resumed: the outbox drains to the index again.", .ok, for: .seconds(10))
            } else if !s.workers.readingPause.settle(request) {
                return []
            }
            s.workers.pause = status
            return []
        default:
            return nil
        }
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.workers.readingRoster.settle(request) {
            s.workers.isStale = true
            // The queue's error (same backend, same cause) already speaks for both in the status bar.
            let repeated = s.loadErrors[.workers] == error
            s.loadErrors[.workers] = error
            if s.view == .workers, !repeated { s.show("Heartbeats are stale: \(error.summary)", .error, for: .seconds(15)) }
            return []
        }
        if s.workers.readingPause.settle(request) {
            // Background: the heartbeats' error speaks for the backend; the last state stays.
            return []
        }
        if s.workers.changingPause.settle(request) {
            return ConsoleUpdate.showFailure(&s, error)
        }
        return nil
    }

    public static func clampSelection(_ s: inout ConsoleState) {
        s.workers.selection.clamp(rowCount: s.workers.roster?.workers.count ?? 0, visible: visibleRows(s))
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        switch request.as(SyncPauseRequest.self) {
        case .read?:
            return AnyViewPayload(try await services.syncPauseStatus())
        case .set(let paused)?:
            try await services.setSyncPaused(paused)
            return AnyViewPayload(try await services.syncPauseStatus())
        case nil:
            throw ConsoleError(summary: "Workers cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
    }

    // MARK: Requests

    /// The heartbeats and the pause switch (`background`: not in the spinner).
    static func load(_ s: inout ConsoleState, background: Bool = false) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        if let request = s.ask(\.workers.readingRoster, background ? "" : "reading heartbeats") {
            effects.append(.loadWorkers(request: request))
        }
        if !s.workers.changingPause.isInFlight, let request = s.ask(\.workers.readingPause, "") {
            effects.append(.view(request: request, .workers, AnyViewPayload(SyncPauseRequest.read)))
        }
        return effects
    }

    static func visibleRows(_ s: ConsoleState) -> Int { Table.visibleRows(height: tableRect(s).height) }
}
