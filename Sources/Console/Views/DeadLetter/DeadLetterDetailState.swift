import Catalog
import Foundation

/// One dead letter in full: its attributes and its body, pretty-printed when it is JSON.
public struct DeadLetterDetailState: ViewPayload {
    public var row: DeadLetterRow
    /// The body as shown: indented JSON, or the text as it came.
    public var bodyLines: [String]
    public var scroll = 0

    public init(_ row: DeadLetterRow) {
        self.row = row
        if let object = try? JSONSerialization.jsonObject(with: Data(row.message.body.utf8), options: [.fragmentsAllowed]),
            JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            bodyLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else {
            bodyLines = row.message.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

extension ConsoleState {
    /// The dead letter open in the message view.
    public var deadLetter: DeadLetterDetailState? {
        get { views[DeadLetterDetailState.self] }
        set { views[DeadLetterDetailState.self] = newValue }
    }
}
