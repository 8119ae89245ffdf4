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

    /// A short stable fingerprint (FNV-1a, hex) stored in each vector's metadata as `template`.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}
