import InMemoryLogging
import Logging
import Synchronization

/// Sleep calls recorded instead of waited, for retry tests (AWS and Pinecone clients).
public final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])
    public init() {}
    public var delays: [Duration] { recorded.withLock { $0 } }
    public var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in recorded.withLock { $0.append(duration) } }
    }
}

/// Every line logged through ``logger`` (level, message, sorted metadata), kept in memory
/// by swift-log's own `InMemoryLogHandler`, so tests can check that secrets stay out of logs.
public final class LogStore: Sendable {
    private let handler: InMemoryLogHandler
    public init() {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        self.handler = handler
    }
    /// The lines so far, as "level message key=value …".
    public var all: [String] {
        handler.entries.map { entry in
            let fields = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(entry.level) \(entry.message) \(fields)"
        }
    }
    /// A logger that writes into this store.
    public var logger: Logger {
        let handler = self.handler
        return Logger(label: "test") { _ in handler }
    }
}
