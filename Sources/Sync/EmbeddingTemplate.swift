import Catalog

/// What is embedded for a product: by default `name + ". " + description`.
///
/// DESIGN.md "Embedding" says why the name goes in front (listings often say what the
/// product *is* only in the name). The template is a setting; its fingerprint is stored
/// with every vector, so changing it makes `verify` report every vector as stale.
public struct EmbeddingTemplate: Sendable, Hashable {
    public let text: String

    public static let standard = EmbeddingTemplate("{name}. {description}")

    public init(_ text: String) { self.text = text }

    /// The text for one product (`{name}`, `{description}`, `{sku}` are replaced).
    public func render(name: String, description: String, sku: String = "") -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "name": out += name
            case "description": out += description
            case "sku": out += sku
            default: out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// What emu embeds for a product: when the template ends with `{description}`, the part
    /// before it (with the name) is the prefix every window keeps in front; otherwise the
    /// whole rendered text is the body.
    public func document(name: String, description: String, sku: String = "") -> EmbeddingDocument {
        if text.hasSuffix("{description}") {
            return EmbeddingDocument(prefix: render(name: name, description: "", sku: sku), body: description)
        }
        return EmbeddingDocument(prefix: "", body: render(name: name, description: description, sku: sku))
    }

    /// A fingerprint of the text a product's vectors are made from (FNV-1a 64 over the
    /// prefix, a separator and the body; 16 hex digits), stored with every vector as
    /// `text_hash`. Equal hashes mean the same windows would be embedded again, so emu can
    /// update metadata only, and `verify` can tell a text-stale vector from one whose
    /// metadata alone is behind. (An accidental collision between a product's old and new
    /// text has odds of about 2⁻⁶⁴.)
    public static func textHash(of document: EmbeddingDocument) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in document.prefix.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ 0x1f) &* 0x100000001b3  // unit separator: "ab"+"c" and "a"+"bc" differ
        for b in document.body.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A short stable fingerprint (FNV-1a, hex) stored in each vector's metadata as `template`.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}
