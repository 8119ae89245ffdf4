import Foundation
import UserFacing

/// A metadata filter in Pinecone's filter language, parsed once into a typed tree.
///
/// Supported: `$eq $ne $gt $gte $lt $lte $in $nin $exists $and $or`, implicit `$eq`
/// (`{"genre": "drama"}`) and implicit `$and` (several keys, or several operators on one
/// field). Range operators take numbers; `$in`/`$nin` strings and numbers. A list-valued
/// field matches when any element matches (and `$ne`/`$nin` when none does).
public indirect enum MetadataFilter: Hashable, Sendable {
    case and([MetadataFilter])
    case or([MetadataFilter])
    case field(String, Condition)

    /// A value a condition compares with.
    public enum Scalar: Hashable, Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
    }

    public enum Condition: Hashable, Sendable {
        case eq(Scalar)
        case ne(Scalar)
        case gt(Double)
        case gte(Double)
        case lt(Double)
        case lte(Double)
        case isIn([Scalar])
        case notIn([Scalar])
        case exists(Bool)
    }

    /// Parses the JSON text of a filter; throws a ``MetadataFilterError`` that says what is wrong.
    public init(json: String) throws {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        } catch {
            throw MetadataFilterError(message: "the filter is not valid JSON")
        }
        try self.init(value)
    }

    public init(_ json: JSONValue) throws {
        guard case .object(let object) = json else {
            throw MetadataFilterError(message: "a filter must be a JSON object, like {\"price\": {\"$lte\": 50}}")
        }
        var parts: [MetadataFilter] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "$and", "$or":
                guard case .array(let items) = value, !items.isEmpty else {
                    throw MetadataFilterError(message: "\(key) needs a non-empty array of filters")
                }
                let filters = try items.map(MetadataFilter.init)
                parts.append(key == "$and" ? .and(filters) : .or(filters))
            case let op where op.hasPrefix("$"):
                throw MetadataFilterError(
                    message: "\(op) is not supported at the top level; use it inside a field, like {\"price\": {\"\(op)\": …}}")
            default:
                parts.append(contentsOf: try Self.conditions(field: key, value).map { .field(key, $0) })
            }
        }
        guard !parts.isEmpty else { throw MetadataFilterError(message: "the filter is empty") }
        self = parts.count == 1 ? parts[0] : .and(parts)
    }

    static func conditions(field: String, _ value: JSONValue) throws -> [Condition] {
        guard case .object(let ops) = value else {
            return [.eq(try scalar(value, field: field, op: "$eq"))]
        }
        guard !ops.isEmpty else { throw MetadataFilterError(message: "\(field): no operator given") }
        return try ops.sorted(by: { $0.key < $1.key }).map { op, operand in
            func number() throws -> Double {
                guard case .number(let n) = operand else {
                    throw MetadataFilterError(message: "\(field): \(op) needs a number")
                }
                return n
            }
            func list() throws -> [Scalar] {
                guard case .array(let items) = operand else {
                    throw MetadataFilterError(message: "\(field): \(op) needs an array of strings or numbers")
                }
                return try items.map { item in
                    let s = try scalar(item, field: field, op: op)
                    if case .bool = s { throw MetadataFilterError(message: "\(field): \(op) takes strings and numbers") }
                    return s
                }
            }
            switch op {
            case "$eq": return .eq(try scalar(operand, field: field, op: op))
            case "$ne": return .ne(try scalar(operand, field: field, op: op))
            case "$gt": return .gt(try number())
            case "$gte": return .gte(try number())
            case "$lt": return .lt(try number())
            case "$lte": return .lte(try number())
            case "$in": return .isIn(try list())
            case "$nin": return .notIn(try list())
            case "$exists":
                guard case .bool(let b) = operand else { throw MetadataFilterError(message: "\(field): $exists needs true or false") }
                return .exists(b)
            default:
                throw MetadataFilterError(message: "\(field): unknown operator \(op); use $eq $ne $gt $gte $lt $lte $in $nin $exists")
            }
        }
    }

    static func scalar(_ value: JSONValue, field: String, op: String) throws -> Scalar {
        switch value {
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        default: throw MetadataFilterError(message: "\(field): \(op) needs a string, number or boolean")
        }
    }

    /// True when `metadata` satisfies the filter.
    public func matches(_ metadata: Metadata) -> Bool {
        switch self {
        case .and(let parts): return parts.allSatisfy { $0.matches(metadata) }
        case .or(let parts): return parts.contains { $0.matches(metadata) }
        case .field(let name, let condition): return condition.matches(metadata[name])
        }
    }

    /// The filter as Pinecone's JSON (for the REST API).
    public var jsonValue: JSONValue {
        switch self {
        case .and(let parts): return .object(["$and": .array(parts.map(\.jsonValue))])
        case .or(let parts): return .object(["$or": .array(parts.map(\.jsonValue))])
        case .field(let name, let condition): return .object([name: .object([condition.operatorName: condition.operandJSON])])
        }
    }
}

extension MetadataFilter.Condition {
    var operatorName: String {
        switch self {
        case .eq: "$eq"
        case .ne: "$ne"
        case .gt: "$gt"
        case .gte: "$gte"
        case .lt: "$lt"
        case .lte: "$lte"
        case .isIn: "$in"
        case .notIn: "$nin"
        case .exists: "$exists"
        }
    }

    var operandJSON: JSONValue {
        func json(_ s: MetadataFilter.Scalar) -> JSONValue {
            switch s {
            case .string(let v): .string(v)
            case .number(let v): .number(v)
            case .bool(let v): .bool(v)
            }
        }
        switch self {
        case .eq(let s), .ne(let s): return json(s)
        case .gt(let n), .gte(let n), .lt(let n), .lte(let n): return .number(n)
        case .isIn(let list), .notIn(let list): return .array(list.map(json))
        case .exists(let b): return .bool(b)
        }
    }

    /// Evaluates against one field's value (nil when the record has no such key).
    public func matches(_ value: MetadataValue?) -> Bool {
        switch self {
        case .exists(let wanted): return (value != nil) == wanted
        case .eq(let s): return value.map { Self.any($0) { $0 == s } } ?? false
        case .ne(let s): return !(value.map { Self.any($0) { $0 == s } } ?? false)
        case .isIn(let list): return value.map { Self.any($0) { list.contains($0) } } ?? false
        case .notIn(let list): return !(value.map { Self.any($0) { list.contains($0) } } ?? false)
        case .gt(let n): return value?.numberValue.map { $0 > n } ?? false
        case .gte(let n): return value?.numberValue.map { $0 >= n } ?? false
        case .lt(let n): return value?.numberValue.map { $0 < n } ?? false
        case .lte(let n): return value?.numberValue.map { $0 <= n } ?? false
        }
    }

    static func any(_ value: MetadataValue, _ predicate: (MetadataFilter.Scalar) -> Bool) -> Bool {
        switch value {
        case .string(let s): return predicate(.string(s))
        case .number(let n): return predicate(.number(n))
        case .bool(let b): return predicate(.bool(b))
        case .strings(let list): return list.contains { predicate(.string($0)) }
        }
    }
}

/// Why a filter could not be parsed.
public struct MetadataFilterError: UserFacingError, Hashable {
    public let message: String
    public var summary: String { "Invalid filter: \(message)." }
    public var remedy: String? { "Write it in Pinecone's filter language, e.g. {\"price\": {\"$gte\": 10, \"$lte\": 50}}." }
}

/// Any JSON value, for code that must look at JSON whose shape it does not know ahead.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try container.encode(Int64(n)) } else { try container.encode(n) }
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
