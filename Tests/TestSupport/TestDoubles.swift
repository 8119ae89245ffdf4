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

/// A swift-log handler that keeps every line (level, message, sorted metadata) in memory,
/// so tests can check that secrets stay out of logs.
public struct MemoryLogHandler: LogHandler {
    let store: LogStore
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: LogStore) { self.store = store }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(event.message) \(fields)")
    }
}

/// The lines a ``MemoryLogHandler`` kept.
public final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
    public var all: [String] { lines.withLock { $0 } }
    /// A logger that writes into this store.
    public var logger: Logger { Logger(label: "test") { _ in MemoryLogHandler(store: self) } }
}
