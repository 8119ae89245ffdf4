import Catalog
import Console
import Operations
import Synchronization
import TestSupport
import Testing

/// The sync's pause switch in the console: read with every refresh, shown in the header and
/// the workers view, and flipped with `p` there (asking first; refused in read-only mode).
@Suite("Console: sync pause")
struct SyncPauseTests {
    static let paused = SyncPauseStatus(paused: true, changedAt: "2027-01-15T07:58:00Z", changedBy: "ops@bastion", outboxRows: 37)
    static let running = SyncPauseStatus(paused: false, changedAt: "2027-01-15T07:59:00Z", changedBy: "ops@bastion", outboxRows: 0)

    /// The requests among `effects` that go to the workers view's own runner.
    func pauseRequests(_ effects: [ConsoleEffect]) -> [(request: Int, payload: AnyViewPayload)] {
        effects.compactMap { if case let .view(r, .workers, payload) = $0 { (r, payload) } else { nil } }
    }

    /// A console on `view` that has read the switch once.
    func state(_ view: ViewID = .workers, _ status: SyncPauseStatus, readOnly: Bool = false, size: Size = Size(columns: 80, rows: 24))
        -> ConsoleState
    {
        var s = Ops.state(size, view: view, readOnly: readOnly)
        // Ops.state answers the queue figures and heartbeats; the switch's read is still out.
        if let read = s.workers.pausePending {
            _ = ConsoleUpdate.update(&s, .viewAnswered(request: read, .workers, AnyViewPayload(status)))
        }
        #expect(s.workers.pause == status, "the switch was read with the refresh")
        return s
    }

    @Test("the switch is read with the queue figures and heartbeats, one read at a time")
    func readWithTheRefresh() {
        var s = Sample.state()
        let start = ConsoleUpdate.start(&s)
        let reads = pauseRequests(start)
        #expect(reads.count == 1 && !reads[0].payload.base.isWrite)
        #expect(pauseRequests(ConsoleUpdate.update(&s, .ticked(at: .seconds(5)))).isEmpty, "still waiting for the first")
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: reads[0].request, .workers, AnyViewPayload(Self.paused)))
        #expect(s.workers.pause == Self.paused)
        #expect(ConsoleView.render(s).text.split(separator: "\n").first?.contains("sync paused") == true)
    }

    @Test("a failed read keeps the last state and says nothing (the heartbeats speak for the backend)")
    func aFailedReadIsQuiet() {
        var s = Sample.state()
        let read = pauseRequests(ConsoleUpdate.start(&s))[0]
        _ = ConsoleUpdate.update(&s, .requestFailed(request: read.request, ConsoleError(summary: "cannot be read here")))
        #expect(s.workers.pause == nil && s.status == nil && s.inFlight[read.request] == nil)
    }

    @Test func pAsksFirstThenPausesAndSaysSo() throws {
        var s = state(.workers, Self.running)
        #expect(ConsoleUpdate.bindings(for: s).contains { $0.label == "pause sync" })
        #expect(press(&s, .character("p")).isEmpty, "p only asks")
        guard case let .confirm(dialog, _)? = s.overlay else { throw Failure("p should ask first") }
        #expect(dialog.title == "Pause sync" && dialog.message.contains("every worker"))
        #expect(press(&s, .character("n")).isEmpty && s.overlay == nil, "n cancels")
        press(&s, .character("p"))
        let effects = press(&s, .character("y"))
        let change = try #require(pauseRequests(effects).first)
        #expect(change.payload.base.isWrite, "a pause changes data: the read-only guard refuses it")
        #expect(s.inFlight[change.request]?.label == "pausing the sync")
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: change.request, .workers, AnyViewPayload(Self.paused)))
        #expect(s.workers.pause == Self.paused)
        #expect(s.status?.level == .ok && s.status?.text.hasPrefix("Sync paused: changes wait in the outbox (37 changes now)") == true)
        #expect(ConsoleUpdate.bindings(for: s).contains { $0.label == "resume sync" })
    }

    @Test func pResumesAPausedSync() throws {
        var s = state(.workers, Self.paused)
        press(&s, .character("p"))
        guard case let .confirm(dialog, _)? = s.overlay else { throw Failure("p should ask first") }
        #expect(dialog.title == "Resume sync" && dialog.message.contains("37 changes waiting"))
        let change = try #require(pauseRequests(press(&s, .character("y"))).first)
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: change.request, .workers, AnyViewPayload(Self.running)))
        #expect(s.workers.pause?.paused == false && s.status?.text.hasPrefix("Sync resumed") == true)
        #expect(!ConsoleView.render(s).text.contains("sync paused"))
    }

    @Test("a pause that fails says why and keeps the last state")
    func aFailedChangeSaysWhy() throws {
        var s = state(.workers, Self.running)
        press(&s, .character("p"))
        let change = try #require(pauseRequests(press(&s, .character("y"))).first)
        _ = ConsoleUpdate.update(
            &s, .requestFailed(request: change.request, ConsoleError(summary: "Postgres refused.", remedy: "Check the database.")))
        #expect(s.workers.pause == Self.running && s.status?.level == .error && s.status?.text == "Postgres refused. Check the database.")
    }

    @Test("read-only: p is hidden, and pressing it says changes are refused")
    func readOnlyRefusesP() {
        var s = state(.workers, Self.running, readOnly: true)
        #expect(!ConsoleUpdate.bindings(for: s).contains { $0.keys.contains(.character("p")) })
        #expect(press(&s, .character("p"), .character("y")).isEmpty)
        #expect(s.overlay == nil && s.workers.pauseChange == nil)
        #expect(s.status?.level == .error && s.status?.text.hasPrefix("Read-only mode: changes are refused") == true)
    }

    @Test func readOnlyRefusesAConfirmedPauseAsASecondGuard() throws {
        var writable = state(.workers, Self.running)
        press(&writable, .character("p"))
        guard case let .confirm(dialog, action)? = writable.overlay else { throw Failure("p should ask first") }
        var s = state(.workers, Self.running, readOnly: true)
        s.overlay = .confirm(dialog, action)
        #expect(press(&s, .character("y")).isEmpty)
        #expect(s.status?.level == .error && s.status?.text.hasPrefix("Read-only mode") == true)
    }

    @Test("the effect runner runs the workers view's own requests through the services and answers them")
    func theRunnerReadsAndSetsTheSwitch() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let answers = Mutex<[ConsoleMessage]>([])
        let runner = EffectRunner(services: services) { message in answers.withLock { $0.append(message) } }
        // The set request as the update makes it: p, then y, on the workers view.
        var s = state(.workers, Self.running)
        press(&s, .character("p"))
        let change = try #require(pauseRequests(press(&s, .character("y"))).first)
        runner.run(.view(request: change.request, .workers, change.payload))
        let deadline = ContinuousClock.now + .seconds(120)
        while answers.withLock({ $0.isEmpty }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        guard case let .viewAnswered(request, .workers, payload)? = answers.withLock({ $0.first }) else {
            throw Failure("expected the new state, got \(answers.withLock { $0 })")
        }
        #expect(request == change.request)
        #expect(payload.as(SyncPauseStatus.self) == SyncPauseStatus(paused: true, changedBy: "tester@console"))
        #expect(try await services.syncPauseStatus().paused, "the services were told")
    }

    // MARK: Golden screens

    @Test func headerSaysSyncPausedOnEveryView() {
        let s = state(.queues, Self.paused)
        assertSnapshot(ConsoleView.render(s), "queues-sync-paused-80x24", roles: true)
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)])
    func workersPaused(size: Size) {
        let s = state(.workers, Self.paused, size: size)
        assertSnapshot(ConsoleView.render(s), "workers-paused-\(size.columns)x\(size.rows)", roles: size.columns == 80)
    }

    @Test func workersRunningAndTheConfirmation() {
        var s = state(.workers, Self.running)
        assertSnapshot(ConsoleView.render(s), "workers-running-80x24")
        press(&s, .character("p"))
        assertSnapshot(ConsoleView.render(s), "workers-confirm-pause-80x24")
    }

    @Test func workersReadOnlyRefusal() {
        var s = state(.workers, Self.paused, readOnly: true)
        press(&s, .character("p"))
        assertSnapshot(ConsoleView.render(s), "workers-read-only-pause-80x24", roles: true)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
