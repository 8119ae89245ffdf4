import Catalog

// Queues and dead letters: the jobs queue's depth and settings, the dead letters, and the
// actions on them. The answers (`JobQueueStats`, `QueueDepth`, `QueuedMessage`,
// `RedriveSummary`) are those of `Catalog.JobQueue`, which each backend implements beside
// its technology (`PostgresJobQueue`, `SQSJobQueue` with CloudWatch's oldest-message
// ages); ``JobQueueOperations`` answers these questions through it for either.

/// The jobs queue and its dead letters, as the console's Queues and DLQ views ask.
public protocol QueueOperations: Sendable {
    /// Depth and settings of the jobs queue and its DLQ: one round trip per queue.
    func queueStats() async throws -> JobQueueStats
    /// Up to `limit` dead letters, oldest first, left in the DLQ.
    func deadLetters(limit: Int) async throws -> [QueuedMessage]
    /// Dead letters back to the jobs queue (`ids` nil: all); `progress` gets the running count.
    func redriveDeadLetters(ids: [String]?, progress: @escaping @Sendable (Int) -> Void) async throws -> RedriveSummary
    /// Deletes the named dead letters; returns how many were deleted.
    func deleteDeadLetters(ids: [String]) async throws -> Int
    /// Empties the DLQ; nil when the backend does not say how many it removed.
    func purgeDeadLetters() async throws -> Int?
}

/// ``QueueOperations`` through any `JobQueue`, opened when first asked (the console starts
/// without waiting for the queue, and a queue that was unreachable is found once it answers).
public struct JobQueueOperations: QueueOperations {
    let queue: @Sendable () async throws -> any JobQueue

    /// - Parameter queue: the configured queue; called for every request, so it should
    ///   return an opened queue quickly once it has one.
    public init(_ queue: @escaping @Sendable () async throws -> any JobQueue) {
        self.queue = queue
    }

    public func queueStats() async throws -> JobQueueStats { try await queue().stats() }

    public func deadLetters(limit: Int) async throws -> [QueuedMessage] { try await queue().peek(.deadLetters, limit: limit) }

    public func redriveDeadLetters(ids: [String]?, progress: @escaping @Sendable (Int) -> Void) async throws -> RedriveSummary {
        try await queue().redriveDeadLetters(messageIDs: ids) { progress($0.moved) }
    }

    public func deleteDeadLetters(ids: [String]) async throws -> Int { try await queue().deleteDeadLetters(messageIDs: ids) }

    public func purgeDeadLetters() async throws -> Int? { try await queue().purge(.deadLetters) }
}
