import Foundation

/// Raw JSON calls for setting up emulator records the typed clients have no operation for.
public struct RawJSON: Encodable {
    public let value: [String: RawJSONValue]
    public init(_ value: [String: RawJSONValue]) { self.value = value }
    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

public enum RawJSONValue: Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([RawJSONValue])
    case object([String: RawJSONValue])
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: RawJSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, RawJSONValue)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }
}
