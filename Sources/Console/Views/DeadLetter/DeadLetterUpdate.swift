extension ViewID {
    public static let deadLetter = ViewID(rawValue: "message")
}

/// One dead letter, opened from the DLQ view: scroll, redrive or delete this message.
extension DeadLetterView: ConsoleScreen {
    public static var id: ViewID { .deadLetter }
    public static var title: String { "Message" }
    public static var isTab: Bool { false }
    public static func crumb(_ s: ConsoleState) -> String? { " › Message" }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {
        if s.deadLetter != nil { ConsoleUpdate.scroll(&s.deadLetter!.scroll, key) }
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .redrive, .deleteMessages:
            return DeadLettersView.act(&s, action, on: s.deadLetter.map { [$0.row.message.messageID] })
        default:
            return nil
        }
    }

    public static func closed(_ s: inout ConsoleState) { s.deadLetter = nil }
}
