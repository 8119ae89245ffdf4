/// The words of a `/` filter as k9s and e1s read them, shared by the console's lists (which
/// filter rows in memory) and the product catalog (which filters in SQL): words split at
/// spaces outside double quotes; a word is `column:value` when what comes before its first
/// colon is a bare name; a word wholly in quotes is always text to find.
public enum FilterText {
    /// One word of a filter: text to find, in one named column or in any.
    public struct Term: Hashable, Sendable {
        /// The column's name as typed (nil: any column).
        public var column: String?
        /// The text to find, as typed (quotes removed).
        public var value: String

        public init(column: String?, value: String) {
            self.column = column
            self.value = value
        }
    }

    /// The terms of `text`, in order; empty words are left out.
    public static func terms(_ text: String) -> [Term] {
        words(text).compactMap(term)
    }

    /// The column a name means among `columns`: the one equal to it (ignoring case), else
    /// the only one it starts.
    public enum Resolution: Hashable, Sendable {
        case column(Int)
        case unknown
        case ambiguous([String])
    }

    public static func resolve(_ name: String, in columns: [String]) -> Resolution {
        let wanted = name.lowercased()
        if let exact = columns.firstIndex(where: { !$0.isEmpty && $0.lowercased() == wanted }) { return .column(exact) }
        let starting = columns.indices.filter { !columns[$0].isEmpty && columns[$0].lowercased().hasPrefix(wanted) }
        switch starting.count {
        case 0: return .unknown
        case 1: return .column(starting[0])
        default: return .ambiguous(starting.map { columns[$0] })
        }
    }

    /// "a, b or c", lower-cased as a user would type them.
    public static func list(_ names: [String]) -> String {
        let lower = names.map { $0.lowercased() }
        guard lower.count > 1 else { return lower.first ?? "nothing" }
        return lower.dropLast().joined(separator: ", ") + " or " + lower.last!
    }

    // MARK: Splitting

    /// A word is `column:value` when what comes before its first colon is a bare name
    /// (letters, digits, `_`, `-`) and something follows; else it is text to find.
    static func term(_ word: Word) -> Term? {
        if word.quoted { return word.text.isEmpty ? nil : Term(column: nil, value: word.text) }
        if let colon = word.text.firstIndex(of: ":") {
            let name = word.text[..<colon], value = word.text[word.text.index(after: colon)...]
            let isName = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            if isName, !value.isEmpty { return Term(column: String(name), value: unquoted(String(value))) }
        }
        return word.text.isEmpty ? nil : Term(column: nil, value: word.text)
    }

    struct Word {
        var text: String
        /// The whole word was in quotes: never a column.
        var quoted: Bool
    }

    /// Splits at spaces outside double quotes; a word wholly in quotes loses them.
    static func words(_ text: String) -> [Word] {
        var words: [Word] = []
        var current = ""
        var inQuotes = false
        for c in text {
            if c == "\"" { inQuotes.toggle() }
            if c.isWhitespace && !inQuotes {
                if !current.isEmpty { words.append(word(current)) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(word(current)) }
        return words
    }

    static func word(_ raw: String) -> Word {
        let whole = raw.count >= 2 && raw.hasPrefix("\"") && raw.hasSuffix("\"") && raw.dropFirst().dropLast().allSatisfy { $0 != "\"" }
        return whole ? Word(text: String(raw.dropFirst().dropLast()), quoted: true) : Word(text: raw, quoted: false)
    }

    static func unquoted(_ value: String) -> String {
        value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : value
    }
}
