import Foundation
import Logging

/// Where dead-letter alerts go: an SNS topic in AWS mode (`SNS_TOPIC_ARN`).
public protocol AlertPublisher: Sendable {
    /// Publishes one alert; throws when the topic did not accept it.
    func publish(subject: String, message: String) async throws
}

/// Tells operators that messages were dead-lettered, at most once a minute.
///
/// The first batch after a quiet minute is published at once. Batches within the minute
/// after a publish are gathered and sent together when the minute is over, so every dead
/// letter is reported within a minute and a poison storm costs one notification a minute,
/// not one per batch. A failed publish is logged and the counts go into the next one.
public actor DeadLetterAlerter {
    let publisher: any AlertPublisher
    let interval: Duration
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger
    let clock = ContinuousClock()

    private var lastPublished: ContinuousClock.Instant?
    private var pending = Pending()
    private var flush: Task<Void, Never>?

    struct Pending {
        var count = 0
        var batches = 0
        var queue = ""
        var reasons: [String: Int] = [:]
    }

    /// - Parameters:
    ///   - interval: at most one alert per `interval` (one minute).
    ///   - sleep: injected for tests; waits until a gathered alert is due.
    public init(
        publisher: any AlertPublisher, interval: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }, logger: Logger
    ) {
        self.publisher = publisher
        self.interval = interval
        self.sleep = sleep
        self.logger = logger
    }

    /// Records one dead-lettered batch (`reasons`: one per message). Never waits for the
    /// topic: publishing happens in the alerter's own flush, now or when the minute is over.
    public func deadLettered(queue: String, reasons: [String]) {
        guard !reasons.isEmpty else { return }
        pending.count += reasons.count
        pending.batches += 1
        pending.queue = queue
        for reason in reasons { pending.reasons[reason, default: 0] += 1 }
        scheduleFlush()
    }

    /// Sends what is gathered now and stops waiting (a worker that stops calls it, so
    /// nothing gathered goes unsaid). Shutdown cancels the caller's task, and a cancelled
    /// request would not go out, so the publish runs in a fresh task, awaited here.
    public func finish() async {
        flush?.cancel()
        flush = nil
        await Task { await self.publishNow() }.value
    }

    private func scheduleFlush() {
        guard flush == nil, pending.count > 0 else { return }
        let wait = lastPublished.map { max(.zero, interval - (clock.now - $0)) } ?? .zero
        flush = Task { [sleep] in
            if wait > .zero { try? await sleep(wait) }
            guard !Task.isCancelled else { return }
            await self.flushed()
        }
    }

    private func flushed() async {
        flush = nil
        await publishNow()
        // A failed publish keeps its counts: try again when the next minute is over.
        scheduleFlush()
    }

    private func publishNow() async {
        guard pending.count > 0 else { return }
        let gathered = pending
        pending = Pending()
        lastPublished = clock.now
        let subject = "refarch-tui: \(gathered.count) message\(gathered.count == 1 ? "" : "s") dead-lettered in \(gathered.queue)"
        do {
            try await publisher.publish(subject: String(subject.prefix(99)), message: Self.message(gathered))
            logger.info("Dead-letter alert published", metadata: ["count": "\(gathered.count)", "queue": "\(gathered.queue)"])
        } catch {
            logger.warning("Dead-letter alert not published; it will go with the next one", metadata: ["error": "\(error)"])
            pending.count += gathered.count
            pending.batches += gathered.batches
            pending.queue = gathered.queue
            for (reason, count) in gathered.reasons { pending.reasons[reason, default: 0] += count }
        }
    }

    static func message(_ pending: Pending) -> String {
        var lines = [
            "\(pending.count) message\(pending.count == 1 ? "" : "s") in \(pending.batches) batch\(pending.batches == 1 ? "" : "es") "
                + "could not be processed and went to \(pending.queue).", "", "Reasons:",
        ]
        for (reason, count) in pending.reasons.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(10) {
            lines.append("  \(count) × \(reason)")
        }
        lines += ["", "See them with `refarch-tui queue peek --dlq` or the console's :dlq view; redrive with `refarch-tui queue redrive`."]
        return lines.joined(separator: "\n")
    }
}
