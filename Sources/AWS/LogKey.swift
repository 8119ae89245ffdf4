/// Metadata keys of the AWS layer's log lines, spelled once (the same spelling as the
/// other layers: `queue`, `elapsed_ms`, …).
enum LogKey {
    static let attempt = "attempt"
    static let delayMilliseconds = "delay_ms"
    static let error = "error"
    static let operation = "operation"
    static let queue = "queue"
    static let requestID = "request_id"
    static let service = "service"
    static let skewSeconds = "skew_s"
}
