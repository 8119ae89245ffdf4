import CLibPQ

/// How one parameter travels to the server: SQL NULL, text, or raw bytes (for `bytea`).
public enum PostgresBind: Sendable, Hashable {
    case null
    case text(String)
    case binary([UInt8])
}

/// A Swift value that can be bound to a `$n` parameter of a statement.
///
/// Values always travel separately from the SQL text (`PQexecParams`), so no value can
/// change what a statement does.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}

extension String: PostgresEncodable { public var postgresBind: PostgresBind { .text(self) } }
extension Substring: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int64: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int32: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Double: PostgresEncodable { public var postgresBind: PostgresBind { .text("\(self)") } }
extension Float: PostgresEncodable { public var postgresBind: PostgresBind { .text("\(self)") } }
extension Bool: PostgresEncodable { public var postgresBind: PostgresBind { .text(self ? "t" : "f") } }
extension Array: PostgresEncodable where Element == UInt8 { public var postgresBind: PostgresBind { .binary(self) } }
extension PostgresBind: PostgresEncodable { public var postgresBind: PostgresBind { self } }
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresBind: PostgresBind { self?.postgresBind ?? .null }
}

/// A list of strings as a Postgres array literal (`text[]`, `bigint[]` with a cast), for `= ANY($1)`.
public struct PostgresArray: PostgresEncodable {
    public let elements: [String]
    public init(_ elements: [String]) { self.elements = elements }
    public init(_ elements: [Int64]) { self.elements = elements.map(String.init) }
    public var postgresBind: PostgresBind {
        let quoted = elements.map { element -> String in
            var out = "\""
            for ch in element.unicodeScalars {
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.unicodeScalars.append(ch)
            }
            out.append("\"")
            return out
        }
        return .text("{" + quoted.joined(separator: ",") + "}")
    }
}

/// A value that can be read from one cell of a result.
public protocol PostgresDecodable {
    init(postgresCell cell: PostgresCell) throws
}

/// One cell of a result row: its bytes as the server sent them, in text or binary format.
public struct PostgresCell {
    public let columnName: String
    /// The column's type OID (25 text, 20 int8, 17 bytea, 1184 timestamptz, …).
    public let typeOID: UInt32
    public let isBinary: Bool
    /// Nil for SQL NULL.
    public let bytes: UnsafeBufferPointer<UInt8>?

    public var isNull: Bool { bytes == nil }

    /// The cell as UTF-8 text (text-format results), or nil for NULL.
    public var text: String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    func failure(_ type: String) -> PostgresError {
        .decodingFailed(column: columnName, type: type, text: text ?? "NULL")
    }

    func requireText(_ type: String) throws -> String {
        guard let text else { throw failure(type) }
        return text
    }
}

extension String: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        if cell.isBinary, cell.typeOID == 3802, let bytes = cell.bytes, bytes.first == 1 {
            // jsonb in binary format: a version byte, then the JSON text.
            self = String(decoding: UnsafeBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
            return
        }
        self = try cell.requireText("text")
    }
}

extension Int64: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        if cell.isBinary, let bytes = cell.bytes {
            var value: Int64 = 0
            for byte in bytes { value = value << 8 | Int64(byte) }
            switch bytes.count {
            case 2: self = Int64(Int16(truncatingIfNeeded: value))
            case 4: self = Int64(Int32(truncatingIfNeeded: value))
            case 8: self = value
            default: throw cell.failure("integer")
            }
            return
        }
        guard let value = Int64(try cell.requireText("integer")) else { throw cell.failure("integer") }
        self = value
    }
}

extension Int: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { self = Int(try Int64(postgresCell: cell)) }
}

extension Int32: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard let value = Int32(exactly: try Int64(postgresCell: cell)) else { throw cell.failure("int4") }
        self = value
    }
}

extension Double: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard let value = Double(try cell.requireText("number")) else { throw cell.failure("number") }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        if cell.isBinary, let bytes = cell.bytes, bytes.count == 1 { self = bytes[0] != 0; return }
        switch try cell.requireText("boolean") {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw cell.failure("boolean")
        }
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// `bytea`: raw bytes in binary format, `\x…` hex in text format.
    public init(postgresCell cell: PostgresCell) throws {
        guard let bytes = cell.bytes else { throw cell.failure("bytea") }
        if cell.isBinary { self = Array(bytes); return }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw cell.failure("bytea")
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity((bytes.count - 2) / 2)
        var i = 2
        while i < bytes.count {
            guard let hi = nibble(bytes[i]), let lo = nibble(bytes[i + 1]) else { throw cell.failure("bytea") }
            out.append(hi << 4 | lo)
            i += 2
        }
        self = out
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        self = cell.isNull ? nil : try Wrapped(postgresCell: cell)
    }
}

/// A `timestamptz` as seconds since 1970 (UTC), read from Postgres' ISO text output.
public struct PostgresTimestamp: PostgresDecodable, Hashable, Sendable, Comparable {
    public let secondsSince1970: Double
    public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }
    public static func < (a: Self, b: Self) -> Bool { a.secondsSince1970 < b.secondsSince1970 }

    /// Parses `2026-11-25 08:13:34.123456+00` (or `+05:30`, or `T` between date and time).
    public init(postgresCell cell: PostgresCell) throws {
        let text = try cell.requireText("timestamptz")
        guard let value = Self.parse(text) else { throw cell.failure("timestamptz") }
        secondsSince1970 = value
    }

    /// Seconds since 1970 for a timestamptz in Postgres' ISO text form, or nil.
    public static func parse(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var v = 0
            for c in chars[from..<from + count] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
            let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                fraction += Double(chars[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < chars.count, chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
            let sign = chars[i] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = number(i + 1, 2) else { return nil }
            var om = 0
            if i + 3 < chars.count, chars[i + 3] == UInt8(ascii: ":") { om = number(i + 4, 2) ?? 0 }
            offset = sign * (oh * 3600 + om * 60)
        }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86400 + h * 3600 + mi * 60 + s - offset) + fraction
    }
}
