/// A value from a TOML file.
public enum TOMLValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return String(b)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// What kind of value this is, for messages ("expected a string, found an integer").
    public var kindName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "a boolean"
        case .array: return "an array"
        }
    }
}

/// A parsed TOML file, flattened: every leaf value with its full dotted key and its line.
///
/// Flat entries with line numbers are what our users need from a config or theme file: an
/// unknown key or a bad value is reported as `file:line`. This reader covers the TOML our
/// files use — tables, dotted and quoted keys, strings (basic, literal, multi-line),
/// integers, floats, booleans, arrays and inline tables — and rejects the rest clearly.
public struct TOMLDocument: Sendable {
    public struct Entry: Sendable, Hashable {
        public let key: [String]
        public let value: TOMLValue
        public let line: Int
        public var dottedKey: String { key.joined(separator: ".") }
    }

    public let file: String
    public let entries: [Entry]

    /// The entry for a dotted key, if present.
    public func entry(_ dottedKey: String) -> Entry? { entries.first { $0.dottedKey == dottedKey } }

    /// Parses `text`; `file` names the source in errors.
    public init(parsing text: String, file: String) throws(TOMLError) {
        self.file = file
        var parser = TOMLParser(scalars: Array(text.unicodeScalars), file: file)
        entries = try parser.parseDocument()
    }
}

/// A TOML syntax error at a line of a file.
public struct TOMLError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file) line \(line): \(message)" }
}

struct TOMLParser {
    let scalars: [Unicode.Scalar]
    let file: String
    var i = 0
    var line = 1

    init(scalars: [Unicode.Scalar], file: String) {
        self.scalars = scalars
        self.file = file
    }

    func fail(_ message: String, line: Int? = nil) -> TOMLError {
        TOMLError(file: file, line: line ?? self.line, message: message)
    }

    var current: Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }

    mutating func advance() {
        if current == "\n" { line += 1 }
        i += 1
    }

    mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { advance() }
    }

    mutating func skipComment() {
        if current == "#" { while let c = current, c != "\n" { advance() } }
    }

    /// Skips spaces, comments and newlines (inside arrays).
    mutating func skipBlank() {
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || c == "\r" { advance() } else if c == "#" { skipComment() } else { break }
        }
    }

    mutating func expectLineEnd() throws(TOMLError) {
        skipSpaces()
        skipComment()
        if current == "\r" { advance() }
        guard current == nil || current == "\n" else {
            throw fail("unexpected text \"\(restOfLine())\" after the value; put each key on its own line")
        }
        if current == "\n" { advance() }
    }

    func restOfLine() -> String {
        var out = ""
        var j = i
        while j < scalars.count, scalars[j] != "\n", out.unicodeScalars.count < 30 {
            out.unicodeScalars.append(scalars[j]); j += 1
        }
        return out
    }

    mutating func parseDocument() throws(TOMLError) -> [TOMLDocument.Entry] {
        var entries: [TOMLDocument.Entry] = []
        var seen: Set<[String]> = []
        var table: [String] = []
        while true {
            skipBlank()
            guard let c = current else { break }
            if c == "[" {
                let startLine = line
                advance()
                if current == "[" { throw fail("arrays of tables ([[…]]) are not supported here") }
                skipSpaces()
                table = try parseKey()
                skipSpaces()
                guard current == "]" else { throw fail("a table header must end with ]", line: startLine) }
                advance()
                try expectLineEnd()
                continue
            }
            let startLine = line
            let key = try parseKey()
            skipSpaces()
            guard current == "=" else { throw fail("expected = after the key \"\(key.joined(separator: "."))\"") }
            advance()
            skipSpaces()
            for entry in try parseValue(prefix: table + key, line: startLine) {
                guard seen.insert(entry.key).inserted else {
                    throw fail("the key \"\(entry.dottedKey)\" is defined twice", line: startLine)
                }
                entries.append(entry)
            }
            try expectLineEnd()
        }
        return entries
    }

    mutating func parseKey() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { throw fail("expected a key") }
            if c == "\"" {
                parts.append(try parseBasicString())
            } else if c == "'" {
                parts.append(try parseLiteralString())
            } else {
                var part = ""
                while let c = current, c.properties.isAlphabetic && c.isASCII || ("0"..."9").contains(c) || c == "_" || c == "-" {
                    part.unicodeScalars.append(c); advance()
                }
                guard !part.isEmpty else { throw fail("expected a key, found \"\(restOfLine())\"") }
                parts.append(part)
            }
            skipSpaces()
            if current == "." { advance(); continue }
            return parts
        }
    }

    /// Parses a value; inline tables expand into several entries.
    mutating func parseValue(prefix: [String], line startLine: Int) throws(TOMLError) -> [TOMLDocument.Entry] {
        if current == "{" {
            advance()
            var entries: [TOMLDocument.Entry] = []
            skipSpaces()
            if current == "}" { advance(); return [] }
            while true {
                skipSpaces()
                let key = try parseKey()
                skipSpaces()
                guard current == "=" else { throw fail("expected = in the inline table") }
                advance()
                skipSpaces()
                entries += try parseValue(prefix: prefix + key, line: startLine)
                skipSpaces()
                if current == "," { advance(); continue }
                guard current == "}" else { throw fail("an inline table must end with }") }
                advance()
                return entries
            }
        }
        return [TOMLDocument.Entry(key: prefix, value: try parseScalarOrArray(), line: startLine)]
    }

    mutating func parseScalarOrArray() throws(TOMLError) -> TOMLValue {
        guard let c = current else { throw fail("expected a value") }
        switch c {
        case "\"": return .string(try parseBasicString())
        case "'": return .string(try parseLiteralString())
        case "[":
            advance()
            var items: [TOMLValue] = []
            while true {
                skipBlank()
                if current == "]" { advance(); return .array(items) }
                items.append(try parseScalarOrArray())
                skipBlank()
                if current == "," { advance(); continue }
                skipBlank()
                guard current == "]" else { throw fail("expected , or ] in the array") }
                advance()
                return .array(items)
            }
        case "t", "f":
            let word = readWord()
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            throw fail("\"\(word)\" is not a value; strings need quotes")
        default:
            let word = readWord()
            let digits = word.filter { $0 != "_" }
            if let n = Int64(digits) { return .integer(n) }
            if digits.hasPrefix("0x"), let n = Int64(digits.dropFirst(2), radix: 16) { return .integer(n) }
            if let d = Double(digits), digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) || digits == "inf" || digits == "nan"
            {
                return .float(d)
            }
            throw fail(word.isEmpty ? "expected a value" : "\"\(word)\" is not a value; strings need quotes")
        }
    }

    mutating func readWord() -> String {
        var word = ""
        while let c = current, !(c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "}" || c == "#") {
            word.unicodeScalars.append(c); advance()
        }
        return word
    }

    mutating func parseBasicString() throws(TOMLError) -> String {
        let multiline = peek(1) == "\"" && peek(2) == "\""
        advance()
        if multiline {
            advance(); advance()
            if current == "\n" { advance() } else if current == "\r" && peek(1) == "\n" { advance(); advance() }
        }
        var out = ""
        while true {
            guard let c = current else { throw fail("a string is never closed") }
            if c == "\n" && !multiline { throw fail("a string is never closed on its line") }
            if c == "\"" {
                if !multiline { advance(); return out }
                if peek(1) == "\"" && peek(2) == "\"" {
                    advance(); advance(); advance()
                    while current == "\"" { out.append("\""); advance() }
                    return out
                }
            }
            if c == "\\" {
                advance()
                guard let e = current else { throw fail("a string is never closed") }
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "b": out.append("\u{8}")
                case "f": out.append("\u{C}")
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "u", "U":
                    let length = e == "u" ? 4 : 8
                    var hex = ""
                    for _ in 0..<length { advance(); if let h = current { hex.unicodeScalars.append(h) } }
                    guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                        throw fail("\\\(e)\(hex) is not a valid Unicode escape")
                    }
                    out.unicodeScalars.append(scalar)
                case "\n" where multiline, " " where multiline, "\r" where multiline:
                    // A line-ending backslash joins lines, trimming the whitespace after it.
                    while let w = current, w == " " || w == "\t" || w == "\n" || w == "\r" { advance() }
                    continue
                default:
                    throw fail("\\\(e) is not a valid escape in a string")
                }
                advance()
                continue
            }
            out.unicodeScalars.append(c)
            advance()
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        let multiline = peek(1) == "'" && peek(2) == "'"
        advance()
        if multiline {
            advance(); advance()
            if current == "\n" { advance() }
        }
        var out = ""
        while true {
            guard let c = current else { throw fail("a string is never closed") }
            if c == "\n" && !multiline { throw fail("a string is never closed on its line") }
            if c == "'" {
                if !multiline { advance(); return out }
                if peek(1) == "'" && peek(2) == "'" { advance(); advance(); advance(); return out }
            }
            out.unicodeScalars.append(c)
            advance()
        }
    }
}
