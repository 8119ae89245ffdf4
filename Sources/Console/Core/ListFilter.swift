import Catalog
import Foundation

/// What a list's `/` filter says, as k9s and e1s read it: each word must match the row
/// (ignoring case); a plain word matches any cell, `column:value` only the column whose
/// header is (or unambiguously starts with) that name. Quotes keep spaces or a colon in one
/// word (`"task failed"`, `reason:"exit 1"`); the splitting is Catalog's ``FilterText``, which
/// the products view's server-side filter shares. Pure: the views keep one and ask it of each row.
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
        terms = FilterText.terms(self.text).map { Term(column: $0.column, value: $0.value) }
    }

    /// Nothing to match: every row is shown.
    public var isEmpty: Bool { terms.isEmpty }

    /// Why this filter cannot be applied to a list with these headers (nil: it can): a
    /// column no header names, or a prefix of several. Named so a user can fix it.
    public func problem(columns: [String]) -> String? {
        let named = columns.filter { !$0.isEmpty }
        for term in terms {
            guard let name = term.column else { continue }
            switch FilterText.resolve(name, in: named) {
            case .column: continue
            case .unknown:
                return "No column “\(name)”: filter by \(FilterText.list(named)) (as column:value), or quote text with a colon."
            case .ambiguous(let candidates):
                return "“\(name)” could be \(FilterText.list(candidates)): type more of the column's name."
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
            guard case .column(let index) = FilterText.resolve(name, in: columns), cells.indices.contains(index) else { return false }
            return cells[index].lowercased().contains(term.value)
        }
    }

    /// The rows of `rows` that pass (all when empty).
    public func apply<Row>(_ rows: [Row], columns: [String], cells: (Row) -> [String]) -> [Row] {
        isEmpty ? rows : rows.filter { matches(cells($0), columns: columns) }
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
