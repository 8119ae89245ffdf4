import Catalog
import Foundation
import Synchronization

/// A clock for tests: it moves only when the test says so.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    public var now: Date { current.withLock { $0 } }
    public func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// The in-memory twin of `PostgresJobQueue` and `SQSJobQueue`, for unit tests.
///
/// Same FIFO rules: visibility timeout, receive count, one group in flight at a time in
/// send order, dead-lettering on the receive attempt after `maxReceiveCount`, five-minute
/// deduplication, fresh receipt handles per receive. Time comes from an injected clock, so
/// a test moves past a visibility timeout without waiting. A long poll (`wait` > 0) is
/// woken by a send and otherwise sleeps for real; unit tests pass `wait: .zero`.
public final class InMemoryJobQueue: JobQueue {
    struct Stored {
        var id: Int
        var message: JobMessage
        var sentAt: Date
        var visibleAt: Date
        var receiveCount = 0
        var receiptHandle: String?
        var firstReceivedAt: Date?
        var lastReceivedAt: Date?
        var deadLetteredAt: Date?
    }

    struct State {
        var nextID = 1
        var messages: [Stored] = []
        var deadLetters: [Stored] = []
        var dedup: [String: Date] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// Polls whose waiter has not registered yet, and those of them whose timeout already won.
        var starting: Set<Int> = []
        var abandoned: Set<Int> = []
        /// Bumped by every send, so a poll that looked just before a send does not sleep through it.
        var sends = 0
    }

    public let name: String
    public var deadLetterName: String { name + "-dlq" }
    public let maxMessagesPerReceive = 100
    public let visibilityTimeout: Duration
    public let maxReceiveCount: Int
    public let deduplicationWindow: Duration
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())

    public init(
        name: String = "jobs", visibilityTimeout: Duration = .seconds(30), maxReceiveCount: Int = 5,
        deduplicationWindow: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.name = name
        self.visibilityTimeout = visibilityTimeout
        self.maxReceiveCount = maxReceiveCount
        self.deduplicationWindow = deduplicationWindow
        self.clock = now
    }

    /// A queue whose time is `clock`'s.
    public convenience init(
        name: String = "jobs", visibilityTimeout: Duration = .seconds(30), maxReceiveCount: Int = 5,
        clock: ManualClock
    ) {
        self.init(name: name, visibilityTimeout: visibilityTimeout, maxReceiveCount: maxReceiveCount, now: { clock.now })
    }

    /// Long polls asleep now, waiting for a send or their deadline: a test waits for one before
    /// it sends, so the send is what wakes it (not a poll that had not started yet).
    public var sleepingPolls: Int { state.withLock { $0.waiters.count } }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    public func send(_ messages: [JobMessage]) async throws -> [SendFailure] {
        let now = clock()
        var failures: [SendFailure] = []
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for (index, message) in messages.enumerated() {
                if message.groupID.isEmpty || message.deduplicationID.isEmpty {
                    failures.append(
                        SendFailure(
                            index: index, code: "MissingParameter", message: "group and dedup ids are required",
                            senderFault: true))
                    continue
                }
                if let expiry = state.dedup[message.deduplicationID], expiry > now { continue }
                state.dedup[message.deduplicationID] = now.addingTimeInterval(Self.seconds(deduplicationWindow))
                state.messages.append(Stored(id: state.nextID, message: message, sentAt: now, visibleAt: now))
                state.nextID += 1
            }
            state.sends += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
        return failures
    }

    public func receive(maxMessages: Int, wait: Duration, visibilityTimeout: Duration?) async throws -> [ReceivedJob] {
        let (sendsBefore, waiterID) = state.withLock { state in
            state.nextWaiter += 1
            state.starting.insert(state.nextWaiter)
            return (state.sends, state.nextWaiter)
        }
        let received = receiveNow(maxMessages: maxMessages, visibility: visibilityTimeout ?? self.visibilityTimeout)
        if !received.isEmpty || wait <= .zero {
            state.withLock { _ = $0.starting.remove(waiterID) }
            return received
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: wait) }
            group.addTask {
                await withCheckedContinuation { continuation in
                    let sentMeanwhile = self.state.withLock { state -> Bool in
                        state.starting.remove(waiterID)
                        if state.abandoned.remove(waiterID) != nil || state.sends != sendsBefore { return true }
                        state.waiters[waiterID] = continuation
                        return false
                    }
                    if sentMeanwhile { continuation.resume() }
                }
            }
            await group.next()
            group.cancelAll()
            // The timeout won: let this poll's waiter go (a send would have removed it), or tell
            // it not to wait if it has not registered yet.
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: waiterID) { return waiter }
                if state.starting.contains(waiterID) { state.abandoned.insert(waiterID) }
                return nil
            }
            waiter?.resume()
        }
        return receiveNow(maxMessages: maxMessages, visibility: visibilityTimeout ?? self.visibilityTimeout)
    }

    private func receiveNow(maxMessages: Int, visibility: Duration) -> [ReceivedJob] {
        let now = clock()
        return state.withLock { state in
            // Heads that used up their receives move to the DLQ on this attempt.
            var seenGroups: Set<String> = []
            var index = 0
            while index < state.messages.count {
                let stored = state.messages[index]
                let isHead = seenGroups.insert(stored.message.groupID).inserted
                if isHead, stored.visibleAt <= now, stored.receiveCount >= maxReceiveCount {
                    var dead = state.messages.remove(at: index)
                    dead.deadLetteredAt = now
                    state.deadLetters.append(dead)
                    seenGroups.remove(stored.message.groupID)
                    continue
                }
                index += 1
            }
            var taken: [Int] = []
            var groupState: [String: Bool] = [:]  // group -> still taking
            for (i, stored) in state.messages.enumerated() where taken.count < maxMessages {
                let group = stored.message.groupID
                let visible = stored.visibleAt <= now
                if let open = groupState[group] {
                    if open, visible, stored.receiveCount < maxReceiveCount { taken.append(i) } else { groupState[group] = false }
                } else {
                    groupState[group] = visible
                    if visible { taken.append(i) }
                }
            }
            return taken.map { i in
                state.messages[i].receiveCount += 1
                state.messages[i].visibleAt = now.addingTimeInterval(Self.seconds(visibility))
                state.messages[i].receiptHandle = UUID().uuidString
                state.messages[i].firstReceivedAt = state.messages[i].firstReceivedAt ?? now
                state.messages[i].lastReceivedAt = now
                let s = state.messages[i]
                return ReceivedJob(
                    messageID: String(s.id), receiptHandle: s.receiptHandle!, body: s.message.body, groupID: s.message.groupID,
                    deduplicationID: s.message.deduplicationID, attributes: s.message.attributes, receiveCount: s.receiveCount,
                    sentAt: s.sentAt, firstReceivedAt: s.firstReceivedAt, lastReceivedAt: s.lastReceivedAt)
            }
        }
    }

    private static func stale(_ handle: String) -> ReceiptFailure {
        ReceiptFailure(receiptHandle: handle, code: "MessageNotInflight", message: "stale receipt handle")
    }

    public func delete(receiptHandles: [String]) async throws -> [ReceiptFailure] {
        state.withLock { state in
            receiptHandles.compactMap { handle in
                guard let i = state.messages.firstIndex(where: { $0.receiptHandle == handle }) else { return Self.stale(handle) }
                state.messages.remove(at: i)
                return nil
            }
        }
    }

    public func changeVisibility(receiptHandles: [String], timeout: Duration) async throws -> [ReceiptFailure] {
        let now = clock()
        return state.withLock { state in
            receiptHandles.compactMap { handle in
                guard let i = state.messages.firstIndex(where: { $0.receiptHandle == handle }) else { return Self.stale(handle) }
                state.messages[i].visibleAt = now.addingTimeInterval(Self.seconds(timeout))
                return nil
            }
        }
    }

    public func moveToDeadLetters(_ message: ReceivedJob, reason: String) async throws {
        let now = clock()
        let moved = state.withLock { state -> Bool in
            guard let i = state.messages.firstIndex(where: { $0.receiptHandle == message.receiptHandle }) else { return false }
            var dead = state.messages.remove(at: i)
            dead.message.attributes[JobQueueAttribute.deadLetterReason] = reason
            dead.deadLetteredAt = now
            state.deadLetters.append(dead)
            return true
        }
        if !moved { throw JobQueueError.staleReceiptHandle(message.receiptHandle) }
    }

    public func stats() async throws -> JobQueueStats {
        let now = clock()
        return state.withLock { state in
            let visible = state.messages.filter { $0.visibleAt <= now }.count
            let inFlight = state.messages.filter { $0.visibleAt > now && $0.receiptHandle != nil }.count
            func age(_ date: Date?) -> Duration? { date.map { .milliseconds(Int64(now.timeIntervalSince($0) * 1000)) } }
            return JobQueueStats(
                jobs: QueueDepth(
                    name: name, visible: visible, inFlight: inFlight, delayed: 0, oldestAge: age(state.messages.map(\.sentAt).min())),
                deadLetters: QueueDepth(
                    name: deadLetterName, visible: state.deadLetters.count, inFlight: 0, delayed: 0,
                    oldestAge: age(state.deadLetters.compactMap(\.deadLetteredAt).min())),
                maxReceiveCount: maxReceiveCount, isFIFO: true)
        }
    }

    public func peek(_ queue: QueueRole, limit: Int) async throws -> [QueuedMessage] {
        state.withLock { state in
            (queue == .jobs ? state.messages : state.deadLetters).prefix(max(0, limit)).map { s in
                QueuedMessage(
                    messageID: String(s.id), body: s.message.body, groupID: s.message.groupID,
                    deduplicationID: s.message.deduplicationID, attributes: s.message.attributes, receiveCount: s.receiveCount,
                    sentAt: s.sentAt, firstReceivedAt: s.firstReceivedAt, lastReceivedAt: s.lastReceivedAt,
                    deadLetteredAt: s.deadLetteredAt)
            }
        }
    }

    public func lookUp(groupID: String, deadLetterLimit: Int) async throws -> GroupLookup {
        let now = clock()
        return state.withLock { state in
            func queued(_ s: Stored) -> QueuedMessage {
                QueuedMessage(
                    messageID: String(s.id), body: s.message.body, groupID: s.message.groupID,
                    deduplicationID: s.message.deduplicationID, attributes: s.message.attributes, receiveCount: s.receiveCount,
                    sentAt: s.sentAt, firstReceivedAt: s.firstReceivedAt, lastReceivedAt: s.lastReceivedAt,
                    deadLetteredAt: s.deadLetteredAt)
            }
            let jobs = state.messages.filter { $0.message.groupID == groupID }.map { s in
                s.receiptHandle != nil && s.visibleAt > now
                    ? LocatedMessage(message: queued(s), place: .inFlight, visibleAgainAt: s.visibleAt)
                    : LocatedMessage(message: queued(s), place: .waiting)
            }
            let dead = state.deadLetters.filter { $0.message.groupID == groupID }.map {
                LocatedMessage(message: queued($0), place: .deadLettered)
            }
            return GroupLookup(
                messages: jobs + dead, searchedJobs: true, deadLettersScanned: state.deadLetters.count, deadLettersComplete: true,
                maxReceiveCount: maxReceiveCount)
        }
    }

    public func redriveDeadLetters(messageIDs: [String]?, progress: @escaping @Sendable (RedriveSummary) -> Void) async throws
        -> RedriveSummary
    {
        let now = clock()
        let summary = state.withLock { state in
            let wanted = messageIDs.map(Set.init)
            var moved = 0
            var kept: [Stored] = []
            for dead in state.deadLetters {
                guard wanted?.contains(String(dead.id)) ?? true else {
                    kept.append(dead)
                    continue
                }
                state.messages.append(Stored(id: state.nextID, message: dead.message, sentAt: now, visibleAt: now))
                state.nextID += 1
                moved += 1
            }
            state.deadLetters = kept
            return RedriveSummary(moved: moved, failed: 0, notFound: (wanted?.count ?? moved) - moved)
        }
        progress(summary)
        return summary
    }

    public func deleteDeadLetters(messageIDs: [String]) async throws -> Int {
        state.withLock { state in
            let before = state.deadLetters.count
            state.deadLetters.removeAll { messageIDs.contains(String($0.id)) }
            return before - state.deadLetters.count
        }
    }

    public func purge(_ queue: QueueRole) async throws -> Int? {
        state.withLock { state in
            if queue == .jobs {
                defer { state.messages.removeAll() }
                return state.messages.count
            }
            defer { state.deadLetters.removeAll() }
            return state.deadLetters.count
        }
    }
}
