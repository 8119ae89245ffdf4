/// A product price in whole cents, never negative.
///
/// Postgres `money` is a 64-bit count of cents, so cents are exact both ways; a `Double`
/// would turn `$0.10` into 0.1000000000000000055….
public struct Price: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The price in cents.
    public let cents: Int64

    /// The largest price accepted ($900,000,000,000,000.00), well inside Postgres money's
    /// range (about $92 quadrillion).
    public static let maximumCents: Int64 = 90_000_000_000_000_000

    /// The largest price accepted, for messages.
    public static var maximum: Price { try! Price(cents: maximumCents) }

    public init(cents: Int64) throws(ProductValidationError) {
        guard cents >= 0 else { throw .init(field: .price, problem: .negativePrice) }
        guard cents <= Price.maximumCents else { throw .init(field: .price, problem: .priceTooLarge) }
        self.cents = cents
    }

    /// Parses what a person types: `12`, `12.5`, `$1,234.50`, ` 3.99 `.
    ///
    /// Throws for empty input, a minus sign, more than two decimals, misplaced thousands
    /// separators or any other character, naming the field `price`.
    public init(parsing text: String) throws(ProductValidationError) {
        var s = Substring(text.trimmingSpaces())
        func fail(_ problem: ProductValidationError.Problem) -> ProductValidationError {
            .init(field: .price, problem: problem)
        }
        if s.hasPrefix("-") || s.hasPrefix("$-") || s.hasPrefix("-$") { throw fail(.negativePrice) }
        if s.hasPrefix("$") { s = s.dropFirst() }
        guard !s.isEmpty else { throw fail(.notAPrice(text)) }
        let parts = s.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail(.notAPrice(text)) }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty) else { throw fail(.notAPrice(text)) }
        guard fraction.count <= 2 else { throw fail(.tooManyDecimals(text)) }
        guard fraction.allSatisfy(\.isASCIIDigit) else { throw fail(.notAPrice(text)) }
        // Thousands separators: either none, or groups of exactly three digits after the first.
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard let first = groups.first, (1...3).contains(first.count),
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { throw fail(.notAPrice(text)) }
        }
        let digits = groups.joined()
        guard digits.allSatisfy(\.isASCIIDigit) else { throw fail(.notAPrice(text)) }
        // A number, but more dollars than Int64 cents (and Postgres money) can hold.
        guard digits.drop(while: { $0 == "0" }).count <= 17 else { throw fail(.priceTooLarge) }
        let dollars = Int64(digits.isEmpty ? "0" : digits) ?? 0
        let centsPart = Int64(fraction.padding(toLength: 2, withPad: "0")) ?? 0
        let (scaled, overflow) = dollars.multipliedReportingOverflow(by: 100)
        guard !overflow else { throw fail(.priceTooLarge) }
        try self.init(cents: scaled + centsPart)
    }

    public static func < (lhs: Price, rhs: Price) -> Bool { lhs.cents < rhs.cents }

    /// `1234.5` for 1234.50: a plain decimal, as Postgres `numeric` reads it.
    public var decimalString: String {
        let fraction = cents % 100
        return "\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The value as a number (for index metadata, where Pinecone stores float64).
    public var doubleValue: Double { Double(cents) / 100 }

    /// `$1,234.50`, as the reference CSV writes prices.
    public var description: String {
        let dollars = String(cents / 100)
        var grouped = ""
        for (i, ch) in dollars.enumerated() {
            if i > 0 && (dollars.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        let fraction = cents % 100
        return "$\(grouped).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            try self.init(parsing: text)
        } else {
            let value = try container.decode(Double.self)
            try self.init(cents: Int64((value * 100).rounded()))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(doubleValue)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    func padding(toLength length: Int, withPad pad: Character) -> String {
        count >= length ? String(self) : String(self) + String(repeating: pad, count: length - count)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
