/// The id of a row of `products_with_increment` (a Postgres `serial`).
public struct ProductID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ value: Int64) { self.rawValue = value }
    public static func < (lhs: ProductID, rhs: ProductID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A calendar date without a time zone (Postgres `date`), written `YYYY-MM-DD`.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= LocalDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2023-09-20`, also accepting a time after it (`2023-09-20 22:51:32`, as the
    /// reference CSV writes `last_updated`), which is dropped.
    public init?(parsing text: String) {
        let s = text.trimmingSpaces()
        let datePart = s.split(whereSeparator: { $0 == " " || $0 == "T" }).first.map(String.init) ?? ""
        let fields = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
            fields.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A product as stored: a row of `products_with_increment`.
public struct Product: Hashable, Sendable, Codable {
    public var id: ProductID
    public var name: String
    public var sku: String
    public var description: String
    public var price: Price
    public var lastUpdated: LocalDate?
    /// When the row was created (Postgres `created_at`), in seconds since 1970.
    public var createdAt: Double?
    public var uuid: String?

    public init(
        id: ProductID, name: String, sku: String, description: String, price: Price,
        lastUpdated: LocalDate? = nil, createdAt: Double? = nil, uuid: String? = nil
    ) {
        self.id = id
        self.name = name
        self.sku = sku
        self.description = description
        self.price = price
        self.lastUpdated = lastUpdated
        self.createdAt = createdAt
        self.uuid = uuid
    }

    enum CodingKeys: String, CodingKey {
        case id, name, sku, description, price
        case lastUpdated = "last_updated"
        case createdAt = "created_at"
        case uuid
    }
}

/// The fields of a new product, validated on creation.
public struct NewProduct: Hashable, Sendable {
    public var name: String
    public var sku: String
    public var description: String
    public var price: Price
    public var lastUpdated: LocalDate?

    /// Validates every field; throws all problems at once so a form can show each beside its field.
    public init(
        name: String, sku: String, description: String = "", price: Price,
        lastUpdated: LocalDate? = nil
    ) throws(ProductValidationErrors) {
        var problems: [ProductValidationError] = []
        problems += ProductRules.check(name: name)
        problems += ProductRules.check(sku: sku)
        problems += ProductRules.check(description: description)
        guard problems.isEmpty else { throw ProductValidationErrors(problems) }
        self.name = name.trimmingSpaces()
        self.sku = sku.trimmingSpaces()
        self.description = description
        self.price = price
        self.lastUpdated = lastUpdated
    }
}

/// A partial update: only the fields that are set change.
public struct ProductChanges: Hashable, Sendable {
    public var name: String?
    public var sku: String?
    public var description: String?
    public var price: Price?
    public var lastUpdated: LocalDate?

    public init(
        name: String? = nil, sku: String? = nil, description: String? = nil,
        price: Price? = nil, lastUpdated: LocalDate? = nil
    ) throws(ProductValidationErrors) {
        var problems: [ProductValidationError] = []
        if let name { problems += ProductRules.check(name: name) }
        if let sku { problems += ProductRules.check(sku: sku) }
        if let description { problems += ProductRules.check(description: description) }
        guard problems.isEmpty else { throw ProductValidationErrors(problems) }
        self.name = name?.trimmingSpaces()
        self.sku = sku?.trimmingSpaces()
        self.description = description
        self.price = price
        self.lastUpdated = lastUpdated
    }

    /// True when nothing would change.
    public var isEmpty: Bool {
        name == nil && sku == nil && description == nil && price == nil && lastUpdated == nil
    }
}
