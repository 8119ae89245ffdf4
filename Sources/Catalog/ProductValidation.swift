/// The limits a product must respect, shared by the CLI, the console's form and the import.
public enum ProductRules {
    public static let maxNameLength = 255
    public static let maxSKULength = 255
    public static let maxDescriptionLength = 100_000

    static func check(name: String) -> [ProductValidationError] {
        let trimmed = name.trimmingSpaces()
        if trimmed.isEmpty { return [.init(field: .name, problem: .required)] }
        if trimmed.count > maxNameLength { return [.init(field: .name, problem: .tooLong(max: maxNameLength, actual: trimmed.count))] }
        return controlCharacterProblems(in: trimmed, field: .name)
    }

    static func check(sku: String) -> [ProductValidationError] {
        let trimmed = sku.trimmingSpaces()
        if trimmed.isEmpty { return [.init(field: .sku, problem: .required)] }
        if trimmed.count > maxSKULength { return [.init(field: .sku, problem: .tooLong(max: maxSKULength, actual: trimmed.count))] }
        if trimmed.contains(where: { $0 == " " || $0 == "\t" }) { return [.init(field: .sku, problem: .containsSpace)] }
        return controlCharacterProblems(in: trimmed, field: .sku)
    }

    static func check(description: String) -> [ProductValidationError] {
        if description.count > maxDescriptionLength {
            return [.init(field: .description, problem: .tooLong(max: maxDescriptionLength, actual: description.count))]
        }
        if description.unicodeScalars.contains(where: { $0.value == 0 }) {
            return [.init(field: .description, problem: .nulCharacter)]
        }
        return []
    }

    private static func controlCharacterProblems(in text: String, field: ProductField) -> [ProductValidationError] {
        text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            ? [.init(field: field, problem: .controlCharacter)] : []
    }

    /// Checks that bytes are valid UTF-8 and returns the string, or throws naming the field.
    public static func decodeUTF8(_ bytes: some Collection<UInt8>, field: ProductField) throws(ProductValidationError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ProductValidationError(field: field, problem: .invalidUTF8)
        }
        return text
    }
}

/// The fields a person can set on a product.
public enum ProductField: String, Sendable, Hashable, CaseIterable {
    case name, sku, description, price
    case lastUpdated = "last_updated"
}

/// One problem with one field, worded for the person who typed it.
public struct ProductValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case required
        case tooLong(max: Int, actual: Int)
        case containsSpace
        case controlCharacter
        case nulCharacter
        case invalidUTF8
        case negativePrice
        case priceTooLarge
        case tooManyDecimals(String)
        case notAPrice(String)
        case notADate(String)
        case duplicateSKU(String)
        /// The SKU differs from another product's only in case (SKUs are unique ignoring case).
        case skuTakenIgnoringCase(String, existing: String, productID: Int64)
    }

    public let field: ProductField
    public let problem: Problem

    public init(field: ProductField, problem: Problem) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .required: return "\(field.rawValue) is required."
        case let .tooLong(max, actual): return "\(field.rawValue) is \(actual) characters long; at most \(max) are allowed."
        case .containsSpace: return "\(field.rawValue) must not contain spaces."
        case .controlCharacter: return "\(field.rawValue) must not contain control characters or line breaks."
        case .nulCharacter: return "\(field.rawValue) must not contain NUL characters."
        case .invalidUTF8: return "\(field.rawValue) is not valid UTF-8."
        case .negativePrice: return "price must not be negative."
        case .priceTooLarge: return "price is too large; at most \(Price.maximum) is allowed."
        case let .tooManyDecimals(text): return "price \"\(text)\" has more than two decimals; write cents at most, like 12.50."
        case let .notAPrice(text): return "price \"\(text)\" is not a price; write it like 12, 12.5 or $1,234.50."
        case let .notADate(text): return "\(field.rawValue) \"\(text)\" is not a date; write it as YYYY-MM-DD."
        case let .duplicateSKU(sku): return "sku \"\(sku)\" is already used by another product."
        case let .skuTakenIgnoringCase(sku, existing, id):
            return "sku \"\(sku)\" is already used by product \(id) as \"\(existing)\"; SKUs are unique ignoring case."
        }
    }
}

/// Every problem found in one product, so all can be shown at once.
public struct ProductValidationErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public let problems: [ProductValidationError]
    public init(_ problems: [ProductValidationError]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: " ") }
    /// The problem for one field, for a form that shows it beside the field.
    public func problem(for field: ProductField) -> ProductValidationError? { problems.first { $0.field == field } }
}
