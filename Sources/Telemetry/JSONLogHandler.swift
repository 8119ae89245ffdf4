import Foundation
import Logging
import Synchronization

/// Log lines as JSON objects, one per event: on stdout for a container's log driver (workers),
/// in a file for the console.
///
/// Every line carries `ts`, `level`, `msg`, the logger label, and the fixed fields given at
/// bootstrap (worker kind and id); metadata keys are merged in. Secrets never reach a
/// logger in this project, so nothing is filtered here.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let fields: [String: String]
    let sink: LogSink

    public init(label: String, level: Logger.Level = .info, fields: [String: String] = [:], sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.fields = fields
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = fields
        object["ts"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["msg"] = event.message.description
        object["logger"] = label
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = Self.jsonValue(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        sink.write(data + Data("\n".utf8))
    }

    /// Metadata as JSON: strings stay strings (an id such as "00123" must not become 123), while
    /// values logged as numbers or booleans (`.stringConvertible(42)`) stay numbers and booleans.
    static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            switch c {
            case let b as Bool: return b
            case let i as any BinaryInteger: return i
            case let d as Double where d.isFinite: return d
            case let f as Float where f.isFinite: return f
            default: return c.description
            }
        case .array(let a): return a.map(jsonValue)
        case .dictionary(let d): return d.mapValues(jsonValue)
        }
    }

    /// ISO 8601 with milliseconds, UTC: one value-type style shared by every line (a Foundation
    /// date formatter is costly to create, and this runs for every log line).
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func timestamp(_ date: Date = Date()) -> String { date.formatted(timestampStyle) }
}

/// Where log lines go: stdout for workers (a container's log driver reads it; errors that end
/// the process go to stderr), a file for the console (whose screen is the terminal), memory in tests.
public final class LogSink: Sendable {
    enum Destination {
        case standardOutput
        case file(FileHandle)
        case memory
    }

    private let lines = Mutex<[String]>([])
    private let destination: Destination

    public static let standardOutput = LogSink(.standardOutput)
    public static func memory() -> LogSink { LogSink(.memory) }

    /// Appends to the file at `path`, creating it and its folder; throws when it cannot be opened.
    public static func file(path: String) throws -> LogSink {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return LogSink(.file(handle))
    }

    private init(_ destination: Destination) { self.destination = destination }

    func write(_ data: Data) {
        // The lock keeps lines whole when several threads log at once.
        switch destination {
        case .standardOutput: lines.withLock { _ in FileHandle.standardOutput.write(data) }
        case .file(let handle): lines.withLock { _ in try? handle.write(contentsOf: data) }
        case .memory: lines.withLock { $0.append(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)) }
        }
    }

    /// Lines written so far (memory sinks only).
    public var recorded: [String] { lines.withLock { $0 } }
}
