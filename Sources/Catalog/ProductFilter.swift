import UserFacing

/// The products list's `/` filter (and `products list --filter`), in the grammar of the
/// console's other lists (``FilterText``) but matched by the store, so it covers the whole
/// catalog and not one page: plain words are found in the name, SKU or description;
/// `name:`, `sku:`, `description:` find text in one of them (ignoring case); `id:` is one
/// product; `price:` compares (`price:20`, `price:<20`, `price:>=5.50`, `price:10-20`).
/// Every term must match. A column may be shortened to an unambiguous prefix (`desc:`).
public struct ProductFilter: Hashable, Sendable {
    /// A product field text is found in.
    public enum Field: String, Hashable, Sendable, CaseIterable {
        case name, sku, description
    }

    /// How a price term compares the product's price with its amount.
    public enum Comparison: String, Hashable, Sendable {
        case equal = "="
        case below = "<"
        case atMost = "<="
        case above = ">"
        case atLeast = ">="
    }

    /// One condition every matching product meets.
    public enum Term: Hashable, Sendable {
        /// The name, SKU or description contains the text, ignoring case.
        case anyText(String)
        /// The field contains the text, ignoring case.
        case text(Field, String)
        case id(ProductID)
        case price(Comparison, Price)
    }

    /// The columns a term may name, in the order an error lists them.
    public static let columns = ["name", "sku", "description", "id", "price"]

    public let terms: [Term]

    /// Nothing to match: every product.
    public var isEmpty: Bool { terms.isEmpty }

    public init(terms: [Term]) { self.terms = terms }

    /// Parses what the user typed (nil or blank: every product).
    public init(parsing text: String?) throws(ProductFilterError) {
        var terms: [Term] = []
        for word in FilterText.terms(text ?? "") {
            guard let name = word.column else {
                terms.append(.anyText(word.value))
                continue
            }
            switch FilterText.resolve(name, in: Self.columns) {
            case .unknown: throw .unknownColumn(name)
            case .ambiguous(let candidates): throw .ambiguousColumn(name, candidates)
            case .column(let index):
                let column = Self.columns[index]
                if let field = Field(rawValue: column) {
                    terms.append(.text(field, word.value))
                } else if column == "id" {
                    guard let id = Int64(word.value.trimmingSpaces()) else { throw .badID(word.value) }
                    terms.append(.id(ProductID(id)))
                } else {
                    terms += try Self.priceTerms(word.value)
                }
            }
        }
        self.terms = terms
    }

    /// `20`, `<20`, `<=20`, `>5.50`, `>=5.50`, `10-20` (both ends included); amounts as
    /// ``Price/init(parsing:)`` reads them (`$1,234.50`).
    static func priceTerms(_ text: String) throws(ProductFilterError) -> [Term] {
        func amount(_ part: Substring) throws(ProductFilterError) -> Price {
            do { return try Price(parsing: String(part)) } catch { throw .badPrice(text) }
        }
        let operators: [(String, Comparison)] = [("<=", .atMost), (">=", .atLeast), ("<", .below), (">", .above), ("=", .equal)]
        if let (prefix, comparison) = operators.first(where: { text.hasPrefix($0.0) }) {
            return [.price(comparison, try amount(text.dropFirst(prefix.count)))]
        }
        // A range: the dash after the first character (a leading one is a minus sign).
        if let dash = text.dropFirst().firstIndex(of: "-") {
            let low = try amount(text[..<dash]), high = try amount(text[text.index(after: dash)...])
            guard low <= high else { throw .badPrice(text) }
            return [.price(.atLeast, low), .price(.atMost, high)]
        }
        return [.price(.equal, try amount(Substring(text)))]
    }

    /// Whether `product` meets every term, as the SQL store decides it (the in-memory store
    /// filters with this).
    public func matches(_ product: Product) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .anyText(let text):
                return [product.name, product.sku, product.description].contains { $0.lowercased().contains(text.lowercased()) }
            case .text(let field, let text):
                let value: String
                switch field {
                case .name: value = product.name
                case .sku: value = product.sku
                case .description: value = product.description
                }
                return value.lowercased().contains(text.lowercased())
            case .id(let id):
                return product.id == id
            case .price(let comparison, let amount):
                switch comparison {
                case .equal: return product.price == amount
                case .below: return product.price < amount
                case .atMost: return product.price <= amount
                case .above: return product.price > amount
                case .atLeast: return product.price >= amount
                }
            }
        }
    }
}

/// A products filter that cannot be used: a column the products list has not, or a term
/// whose value does not read. Bad usage (exit status 64); the console keeps the input open.
public enum ProductFilterError: UserFacingError, Hashable, Sendable {
    case unknownColumn(String)
    case ambiguousColumn(String, [String])
    case badPrice(String)
    case badID(String)

    public var summary: String {
        switch self {
        case .unknownColumn(let name):
            return "No column “\(name)”: filter products by \(FilterText.list(ProductFilter.columns)) (as column:value)."
        case .ambiguousColumn(let name, let candidates):
            return "“\(name)” could be \(FilterText.list(candidates)): type more of the column's name."
        case .badPrice(let text):
            return "“price:\(text)” is not a price filter."
        case .badID(let text):
            return "“id:\(text)” is not a product id."
        }
    }

    public var remedy: String? {
        switch self {
        case .unknownColumn, .ambiguousColumn:
            return "Plain words match name, SKU or description; quote text with a colon."
        case .badPrice:
            return "Write price:20, price:<20, price:<=20, price:>5.50, price:>=5.50 or price:10-20 (low first)."
        case .badID:
            return "Write id: and a whole number, like id:42."
        }
    }

    public var exitClass: ExitClass { .usage }
}
