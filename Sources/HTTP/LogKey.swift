/// Metadata keys of the HTTP layer's log lines, spelled once.
enum LogKey {
    static let method = "method"
    static let host = "host"
    static let path = "path"
    static let status = "status"
    static let elapsedMilliseconds = "elapsed_ms"
    static let error = "error"
}
