/// Metadata keys of the queue layer's log lines, spelled once (the same spelling as the
/// other layers: `queue`, …).
enum LogKey {
    static let count = "count"
    static let messageID = "message_id"
    static let queue = "queue"
    static let reason = "reason"
}
