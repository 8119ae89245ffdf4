import Catalog
import Foundation

/// Reads the metadata JSON of the vectors table fast: loading a million rows at start-up
/// must not spend seconds in a general JSON decoder.
///
/// Handles the flat objects the index writes (string, number, boolean, list-of-strings
/// values); anything else falls back to `JSONDecoder`.
enum MetadataJSON {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Metadata {
        var parser = FlatParser(bytes: bytes)
        if let result = parser.object() { return result }
        return (try? JSONDecoder().decode(Metadata.self, from: Data(buffer: bytes))) ?? [:]
    }

    static func encode(_ metadata: Metadata) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(metadata)) ?? Data("{}".utf8), as: UTF8.self)
    }

    struct FlatParser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
        }

        mutating func expect(_ c: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func object() -> Metadata? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var out: Metadata = [:]
            if expect(UInt8(ascii: "}")) { return out }
            while true {
                guard let key = string(), expect(UInt8(ascii: ":")), let value = value() else { return nil }
                out[key] = value
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "}")) else { return nil }
                return out
            }
        }

        mutating func value() -> MetadataValue? {
            skipSpace()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""): return string().map(MetadataValue.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "["):
                i += 1
                var list: [String] = []
                if expect(UInt8(ascii: "]")) { return .strings(list) }
                while true {
                    guard let s = string() else { return nil }
                    list.append(s)
                    if expect(UInt8(ascii: ",")) { continue }
                    guard expect(UInt8(ascii: "]")) else { return nil }
                    return .strings(list)
                }
            default:
                let start = i
                while i < bytes.count, let c = Optional(bytes[i]),
                    (c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69
                { i += 1 }
                guard i > start else { return nil }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                return Double(text).map(MetadataValue.number)
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }

        /// A JSON string; escapes other than the simple ones send the row to the fallback.
        mutating func string() -> String? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = i
            var plain = true
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") { plain = false; i += 2 } else { i += 1 }
            }
            guard i < bytes.count else { return nil }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
            i += 1
            if plain { return String(decoding: raw, as: UTF8.self) }
            var quoted = [UInt8(ascii: "\"")]
            quoted.append(contentsOf: raw)
            quoted.append(UInt8(ascii: "\""))
            return try? JSONDecoder().decode(String.self, from: Data(quoted))
        }
    }
}
