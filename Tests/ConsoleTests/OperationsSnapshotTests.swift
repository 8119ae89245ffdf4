import Catalog
import Console
import Operations
import Testing

/// Golden screens of the queues, dead letters, message and workers views (mono theme,
/// fixed clock, UTC): see `Snapshots/`.
@Suite("Golden screens: operations views")
struct OperationsSnapshotTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    @Test(arguments: sizes)
    func queuesEmpty(size: Size) {
        let s = Ops.state(size)
        assertSnapshot(ConsoleView.render(s), name("queues-empty", size))
    }

    @Test(arguments: sizes)
    func queuesBusyWithARedriveRunning(size: Size) {
        var s = Ops.state(size, stats: Ops.stats(visible: 1_176, inFlight: 64, dead: 12, oldest: .seconds(95)))
        Ops.withHistory(&s)
        _ = ConsoleUpdate.update(&s, .keyPressed(.character("R")))
        let effects = ConsoleUpdate.update(&s, .keyPressed(.character("y")))
        guard case let .redriveDeadLetters(request, nil)? = effects.first else {
            Issue.record("R then y should start a redrive of all dead letters: \(effects)")
            return
        }
        _ = ConsoleUpdate.update(&s, .queueTaskProgressed(request: request, done: 5))
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(601_200)))
        assertSnapshot(ConsoleView.render(s), name("queues-busy", size), roles: size.columns == 80)
    }

    @Test func queuesStaleKeepTheLastGoodFigures() {
        var s = Ops.state(stats: Ops.stats(visible: 40, dead: 3))
        let effects = ConsoleUpdate.update(&s, .keyPressed(.character("r")))
        for case let .loadQueueStats(request) in effects {
            _ = ConsoleUpdate.update(
                &s,
                .requestFailed(
                    request: request,
                    ConsoleError(
                        summary: "Cannot reach SQS at sqs.us-east-1.amazonaws.com (timed out).",
                        remedy: "Check the network and AWS_ENDPOINT_URL.")))
        }
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(612)))
        assertSnapshot(ConsoleView.render(s), "queues-stale-80x24", roles: true)
    }

    @Test func queuesReadOnly() {
        let s = Ops.state(stats: Ops.stats(dead: 3), readOnly: true)
        assertSnapshot(ConsoleView.render(s), "queues-read-only-80x24")
    }

    @Test(arguments: sizes)
    func deadLettersWithMessages(size: Size) {
        var s = Ops.state(size, view: .deadLetters, stats: Ops.stats(dead: 3))
        _ = ConsoleUpdate.update(&s, .keyPressed(.character(" ")))
        assertSnapshot(ConsoleView.render(s), name("dlq-messages", size), roles: size.columns == 80)
    }

    @Test func deadLettersEmpty() {
        var s = Ops.state(view: .deadLetters)
        Ops.answer(&s, ConsoleUpdate.update(&s, .keyPressed(.character("r"))), deadLetters: [])
        assertSnapshot(ConsoleView.render(s), "dlq-empty-80x24")
    }

    @Test func deadLettersPurgeAsksNamingQueueAndCount() {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        _ = ConsoleUpdate.update(&s, .keyPressed(.character("P")))
        assertSnapshot(ConsoleView.render(s), "dlq-confirm-purge-80x24", roles: true)
    }

    @Test func deadLettersReadOnly() {
        let s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3), readOnly: true)
        assertSnapshot(ConsoleView.render(s), "dlq-read-only-80x24")
    }

    @Test(arguments: sizes)
    func oneDeadLetter(size: Size) {
        var s = Ops.state(size, view: .deadLetters, stats: Ops.stats(dead: 3))
        _ = ConsoleUpdate.update(&s, .keyPressed(.down))
        _ = ConsoleUpdate.update(&s, .keyPressed(.enter))
        assertSnapshot(ConsoleView.render(s), name("message", size))
    }

    @Test(arguments: sizes)
    func workers(size: Size) {
        let s = Ops.state(size, view: .workers)
        assertSnapshot(ConsoleView.render(s), name("workers", size), roles: size.columns == 80)
    }

    @Test func workersNone() {
        let s = Ops.state(view: .workers, roster: WorkerRoster(workers: [], readAt: Ops.epoch, leaderLockHeld: false))
        assertSnapshot(ConsoleView.render(s), "workers-none-80x24")
    }
}
