import Catalog
import Console
import Foundation
import Operations

/// Fixed queues, dead letters and heartbeats for the operations views.
enum Ops {
    /// 2027-01-15 08:00:00 UTC: every time below is relative to it.
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func stats(visible: Int = 0, inFlight: Int = 0, dead: Int = 0, oldest: Duration? = nil) -> JobQueueStats {
        JobQueueStats(
            jobs: QueueDepth(
                name: "products-jobs.fifo", visible: visible, inFlight: inFlight, delayed: 0,
                oldestAge: visible + inFlight > 0 ? oldest ?? .seconds(42) : nil),
            deadLetters: QueueDepth(
                name: "products-dlq.fifo", visible: dead, inFlight: 0, delayed: 0, oldestAge: dead > 0 ? .seconds(300) : nil),
            maxReceiveCount: 5, isFIFO: true, visibilityTimeout: .seconds(60), retention: .seconds(345_600))
    }

    /// Three poison messages, as emu dead-letters them.
    static let deadLetters: [QueuedMessage] = [
        message("1001", #"not json at all"#, reason: "not JSON: cannot parse \"not json at all\"", receives: 1),
        message("1002", #"{"v":9,"op":"upsert","id":7,"seq":11}"#, reason: "unknown message version 9 (this build reads v1)", receives: 1),
        message(
            "1003", #"{"table":"products_with_increment","action":"UPDATE","new":{"id":42,"name":"Atlas Flask"}}"#,
            reason: nil, receives: 5),
    ]

    static func message(_ id: String, _ body: String, reason: String?, receives: Int) -> QueuedMessage {
        var attributes: [String: String] = [:]
        if let reason { attributes[JobQueueAttribute.deadLetterReason] = reason }
        return QueuedMessage(
            messageID: id, body: body, groupID: "p\(id.suffix(1))", deduplicationID: "seq-\(id)", attributes: attributes,
            receiveCount: receives, sentAt: epoch.addingTimeInterval(-600),
            firstReceivedAt: epoch.addingTimeInterval(-590), lastReceivedAt: epoch.addingTimeInterval(-300),
            deadLetteredAt: epoch.addingTimeInterval(-299))
    }

    static func worker(_ kind: String, _ id: String, seen secondsAgo: Double, processed: Int64, errors: Int64 = 0, leader: Bool = false)
        -> WorkerStatus
    {
        WorkerStatus(
            kind: kind, id: id, host: "ip-10-0-1-17", pid: 4_100 + Int(processed % 97), startedAt: epoch.addingTimeInterval(-3_720),
            lastSeen: epoch.addingTimeInterval(-secondsAgo), processed: processed, errors: errors, isLeader: leader,
            heartbeatInterval: .seconds(5))
    }

    static let roster = WorkerRoster(
        workers: [
            worker("pelican", "task-7f3a", seen: 1, processed: 10_412, leader: true),
            worker("pelican", "task-91c2", seen: 2, processed: 0),
            worker("emu", "task-0b55", seen: 3, processed: 5_230, errors: 3),
            worker("emu", "task-d418", seen: 47, processed: 5_101, errors: 1),
        ], readAt: epoch, leaderLockHeld: true)

    /// A console that has loaded `stats` and `roster` once at `now`, on `view`.
    static func state(
        _ size: Size = Size(columns: 80, rows: 24), view: ViewID = .queues, stats: JobQueueStats = stats(),
        roster: WorkerRoster = roster, readOnly: Bool = false, now: Duration = .seconds(600)
    ) -> ConsoleState {
        var s = Sample.state(size, readOnly: readOnly)
        s.backendLabel = "AWS us-east-1 products-jobs.fifo"
        answer(&s, ConsoleUpdate.start(&s), stats: stats, roster: roster)
        answer(&s, ConsoleUpdate.update(&s, .ticked(at: now)), stats: stats, roster: roster)
        if view != .search {
            s.search.focus = .results  // so that `:` is the command line, not typing
            answer(&s, press(&s, .character(":")) + typeAndEnter(&s, view.rawValue), stats: stats, roster: roster)
        }
        return s
    }

    /// Answers the load effects among `effects` with the fixed data.
    static func answer(
        _ s: inout ConsoleState, _ effects: [ConsoleEffect], stats: JobQueueStats = stats(), roster: WorkerRoster = roster,
        deadLetters: [QueuedMessage] = deadLetters
    ) {
        for effect in effects {
            switch effect {
            case .loadQueueStats(let r): _ = ConsoleUpdate.update(&s, .queueStatsLoaded(request: r, stats))
            case .loadWorkers(let r): _ = ConsoleUpdate.update(&s, .workersLoaded(request: r, roster))
            case .loadDeadLetters(let r, _): _ = ConsoleUpdate.update(&s, .deadLettersLoaded(request: r, deadLetters))
            case .loadIndexProgress(let r):
                _ = ConsoleUpdate.update(&s, .indexProgressLoaded(request: r, IndexProgress(indexed: 120, total: 120)))
            default: break
            }
        }
    }

    /// Runs `screen`'s own requests among `effects` against `services`, as the effect runner
    /// would, and feeds the answers (or failures) back, following the effects they cause; the
    /// other effects are answered by ``answer(_:_:stats:roster:deadLetters:)``. Requests for
    /// which `hold` is true are not run but returned, as if still on their way.
    @discardableResult
    static func drive(
        _ s: inout ConsoleState, _ effects: [ConsoleEffect], _ services: FakeConsoleServices, screen: any ConsoleScreen.Type,
        hold: (AnyViewPayload) -> Bool = { _ in false }
    ) async -> (seen: [ConsoleEffect], held: [ConsoleEffect]) {
        var seen: [ConsoleEffect] = []
        var held: [ConsoleEffect] = []
        var queue = effects
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            seen.append(effect)
            guard case let .view(request, view, payload) = effect, view == screen.id else {
                answer(&s, [effect])
                continue
            }
            if hold(payload) {
                held.append(effect)
                continue
            }
            do {
                let answer = try await screen.run(payload, services: services)
                queue += ConsoleUpdate.update(&s, .viewAnswered(request: request, view, answer))
            } catch {
                queue += ConsoleUpdate.update(&s, .requestFailed(request: request, ConsoleError(describing: error)))
            }
        }
        return (seen, held)
    }

    static func typeAndEnter(_ s: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
        type(&s, text) + press(&s, .enter)
    }

    /// Ten minutes of samples every 20 s: a backlog that rose and drained, then dead letters.
    static func withHistory(_ s: inout ConsoleState) {
        let depth = [0, 0, 40, 180, 620, 1_240, 980, 610, 300, 120, 64, 20, 0, 0, 0, 12, 60, 140, 90, 30, 0, 0, 0, 0, 0, 0, 0, 8, 64, 64]
        s.queues.history = depth.enumerated().map { i, jobs in
            QueueSample(at: .seconds(20 * Int64(i + 1)), jobs: jobs, deadLetters: i >= 25 ? 3 : 0)
        }
        s.workers.processedHistory = [ProcessedSample(at: .seconds(540), total: 40_000), ProcessedSample(at: .seconds(600), total: 46_000)]
    }
}
