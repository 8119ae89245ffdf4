/// A small XML reader for the Query-protocol replies of SNS and RDS.
///
/// Why our own: the replies are small, namespaced-but-flat documents, and all we need is
/// "find element, read its text". Handles the prolog, comments, CDATA, attributes (kept),
/// self-closing tags and the five named entities plus numeric references. Namespaces are
/// kept as part of the name only when prefixed; lookups use the local name.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own text (concatenated, not trimmed).
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The name without a namespace prefix.
    public var localName: String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    /// The first direct child with this local name.
    public subscript(_ child: String) -> XMLElement? {
        children.first { $0.localName == child }
    }

    /// All direct children with this local name.
    public func all(_ child: String) -> [XMLElement] {
        children.filter { $0.localName == child }
    }

    /// Follows a path of child names (`["DBInstances", "DBInstance"]`).
    public func path(_ names: String...) -> XMLElement? {
        var current: XMLElement? = self
        for name in names { current = current?[name] }
        return current
    }

    /// The first element with this local name anywhere below (depth first), or self.
    public func first(named name: String) -> XMLElement? {
        if localName == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }

    /// Text of a direct child, trimmed; nil when absent.
    public func string(_ child: String) -> String? {
        self[child].map { $0.text.trimmingWhitespace() }
    }

    public func int(_ child: String) -> Int? { string(child).flatMap { Int($0) } }
    public func bool(_ child: String) -> Bool? { string(child).map { $0.lowercased() == "true" } }

    /// The `member` children of `child` (the Query protocol's list shape).
    public func members(_ child: String, element: String = "member") -> [XMLElement] {
        self[child]?.all(element) ?? []
    }
}

/// Why the XML could not be read, with the byte offset.
public struct XMLReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "XML: \(message) at byte \(offset)" }
}

/// Entry points of the XML reader.
public enum XMLReader {
    /// Parses `text` into its root element.
    public static func parse(_ text: String) throws(XMLReadError) -> XMLElement {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.document()
    }

    public static func parse(_ bytes: [UInt8]) throws(XMLReadError) -> XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ message: String) -> XMLReadError { XMLReadError(message: message, offset: i) }

        func starts(with literal: String) -> Bool {
            let l = Array(literal.utf8)
            return i + l.count <= bytes.count && Array(bytes[i..<i + l.count]) == l
        }

        mutating func skip(past literal: String) throws(XMLReadError) {
            let l = Array(literal.utf8)
            while i + l.count <= bytes.count {
                if Array(bytes[i..<i + l.count]) == l {
                    i += l.count
                    return
                }
                i += 1
            }
            throw fail("missing \(literal)")
        }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) { i += 1 }
        }

        mutating func skipMisc() throws(XMLReadError) {
            while true {
                skipSpace()
                if starts(with: "<?") {
                    try skip(past: "?>")
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<!DOCTYPE") {
                    try skip(past: ">")
                } else {
                    return
                }
            }
        }

        mutating func document() throws(XMLReadError) -> XMLElement {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            try skipMisc()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("no root element") }
            let root = try element()
            return root
        }

        mutating func name() throws(XMLReadError) -> String {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if [0x20, 0x09, 0x0a, 0x0d, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(b) { break }
                i += 1
            }
            guard i > start else { throw fail("expected a name") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func element() throws(XMLReadError) -> XMLElement {
            i += 1  // "<"
            var node = XMLElement(name: try name())
            while true {
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated tag") }
                if bytes[i] == UInt8(ascii: "/") {
                    guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("bad tag end") }
                    i += 2
                    return node
                }
                if bytes[i] == UInt8(ascii: ">") {
                    i += 1
                    break
                }
                let attribute = try name()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("expected =") }
                i += 1
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw fail("expected a quote")
                }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count && bytes[i] != quote { i += 1 }
                guard i < bytes.count else { throw fail("unterminated attribute") }
                node.attributes[attribute] = decodeEntities(bytes[start..<i])
                i += 1
            }
            var text: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("unterminated element <\(node.name)>") }
                if bytes[i] == UInt8(ascii: "<") {
                    if starts(with: "</") {
                        i += 2
                        let closing = try name()
                        guard closing == node.name else { throw fail("</\(closing)> closes <\(node.name)>") }
                        skipSpace()
                        guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("bad closing tag") }
                        i += 1
                        node.text = String(decoding: text, as: UTF8.self)
                        return node
                    } else if starts(with: "<!--") {
                        try skip(past: "-->")
                    } else if starts(with: "<![CDATA[") {
                        i += 9
                        let start = i
                        try skip(past: "]]>")
                        text.append(contentsOf: bytes[start..<(i - 3)])
                    } else if starts(with: "<?") {
                        try skip(past: "?>")
                    } else {
                        node.children.append(try element())
                    }
                } else {
                    let start = i
                    while i < bytes.count && bytes[i] != UInt8(ascii: "<") { i += 1 }
                    text.append(contentsOf: Array(decodeEntities(bytes[start..<i]).utf8))
                }
            }
        }

        func decodeEntities(_ slice: ArraySlice<UInt8>) -> String {
            guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
            var out = ""
            let text = String(decoding: slice, as: UTF8.self)
            var index = text.startIndex
            while index < text.endIndex {
                let c = text[index]
                if c == "&", let semicolon = text[index...].firstIndex(of: ";"), text.distance(from: index, to: semicolon) <= 10 {
                    let entity = text[text.index(after: index)..<semicolon]
                    var replacement: String?
                    switch entity {
                    case "amp": replacement = "&"
                    case "lt": replacement = "<"
                    case "gt": replacement = ">"
                    case "quot": replacement = "\""
                    case "apos": replacement = "'"
                    default:
                        if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let v = UInt32(entity.dropFirst(2), radix: 16),
                            let s = Unicode.Scalar(v)
                        {
                            replacement = String(Character(s))
                        } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let s = Unicode.Scalar(v) {
                            replacement = String(Character(s))
                        }
                    }
                    if let replacement {
                        out += replacement
                        index = text.index(after: semicolon)
                        continue
                    }
                }
                out.append(c)
                index = text.index(after: index)
            }
            return out
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
