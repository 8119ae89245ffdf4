import Foundation

/// What a list's `/` filter says, as k9s and e1s read it: each word must match the row
/// (ignoring case); a plain word matches any cell, `column:value` only the column whose
/// header is (or unambiguously starts with) that name. Quotes keep spaces or a colon in one
/// word (`"task failed"`, `reason:"exit 1"`). Pure: the views keep one and ask it of each row.
public struct ListFilter: Hashable, Sendable {
    /// One word of the filter: text to find, in one named column or in any.
    public struct Term: Hashable, Sendable {
        /// The column's name as typed (nil: any cell).
        public var column: String?
        /// The text to find, lower-cased.
        public var value: String

        public init(column: String?, value: String) {
            self.column = column
            self.value = value.lowercased()
        }
    }

    /// What the user typed, trimmed (shown as the active filter).
    public let text: String
    public let terms: [Term]

    public init(_ text: String) {
        self.text = text.trimmingCharacters(in: .whitespaces)
        terms = ListFilter.words(self.text).compactMap(ListFilter.term)
    }

    /// Nothing to match: every row is shown.
    public var isEmpty: Bool { terms.isEmpty }

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

    /// Why this filter cannot be applied to a list with these headers (nil: it can): a
    /// column no header names, or a prefix of several. Named so a user can fix it.
    public func problem(columns: [String]) -> String? {
        let named = columns.filter { !$0.isEmpty }
        for term in terms {
            guard let name = term.column else { continue }
            switch ListFilter.resolve(name, in: named) {
            case .column: continue
            case .unknown:
                return "No column “\(name)”: filter by \(ListFilter.list(named)) (as column:value), or quote text with a colon."
            case .ambiguous(let candidates):
                return "“\(name)” could be \(ListFilter.list(candidates)): type more of the column's name."
            }
        }
        return nil
    }

    /// Whether a row passes: every term is found in its column (or, for a plain term, in any
    /// cell or in `moreText`, text the row has beyond its cells, like a message's body). A
    /// term naming a column these `columns` do not have fails the row.
    public func matches(_ cells: [String], columns: [String], moreText: String? = nil) -> Bool {
        terms.allSatisfy { term in
            guard let name = term.column else {
                return cells.contains { $0.lowercased().contains(term.value) } || moreText?.lowercased().contains(term.value) == true
            }
            guard case .column(let index) = ListFilter.resolve(name, in: columns), cells.indices.contains(index) else { return false }
            return cells[index].lowercased().contains(term.value)
        }
    }

    /// The rows of `rows` that pass (all when empty).
    public func apply<Row>(_ rows: [Row], columns: [String], cells: (Row) -> [String]) -> [Row] {
        isEmpty ? rows : rows.filter { matches(cells($0), columns: columns) }
    }

    // MARK: Parsing

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

    /// "A, B or C", lower-cased as a user would type them.
    static func list(_ names: [String]) -> String {
        let lower = names.map { $0.lowercased() }
        guard lower.count > 1 else { return lower.first ?? "nothing" }
        return lower.dropLast().joined(separator: ", ") + " or " + lower.last!
    }
}

/// A list's `/` filter: the input while it is typed, and the filter applied.
public struct ListFilterInput: Hashable, Sendable {
    /// The `/` input while it has the focus.
    public var field: TextField?
    /// The filter applied (nil: every row).
    public var applied: ListFilter?

    public init() {}

    /// Whether a filter narrows the list now.
    public var isActive: Bool { applied.map { !$0.isEmpty } ?? false }

    /// `/`: opens the input with the filter applied now, to change it.
    public mutating func startEditing() { field = TextField(applied?.text ?? "") }

    /// The rows the applied filter lets through.
    public func apply<Row>(_ rows: [Row], columns: [String], cells: (Row) -> [String]) -> [Row] {
        applied?.apply(rows, columns: columns, cells: cells) ?? rows
    }
}
