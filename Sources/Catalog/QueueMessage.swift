import Foundation

/// Reading and writing the ``JSONValue``s of queue messages.
extension JSONValue {
    /// Compact JSON text with sorted object keys.
    public var jsonText: String {
        var out = ""
        QueueMessageCodec.write(self, to: &out)
        return out
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }

    /// An integer, also from a whole-valued number or a string of digits (`"123"`).
    public var integerValue: Int64? {
        switch self {
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: return Int64(value)
        case .string(let text): return Int64(text)
        default: return nil
        }
    }
}

/// The product columns a queue message carries (`products_with_increment`'s, by name).
///
/// Kept as JSON values so columns this build does not know (the reference's `processed`)
/// pass through; the typed accessors read the ones the index needs.
public struct ProductRow: Sendable, Hashable {
    public var columns: [String: JSONValue]

    public init(columns: [String: JSONValue]) { self.columns = columns }

    /// The row of a stored product, with the reference's column names.
    public init(_ product: Product) {
        var columns: [String: JSONValue] = [
            "id": .number(Double(product.id.rawValue)), "name": .string(product.name), "sku": .string(product.sku),
            "description": .string(product.description), "price": .number(product.price.doubleValue),
        ]
        columns["last_updated"] = product.lastUpdated.map { .string($0.description) } ?? .null
        if let uuid = product.uuid { columns["uuid"] = .string(uuid) }
        self.columns = columns
    }

    public var name: String? { columns["name"]?.stringValue }
    public var sku: String? { columns["sku"]?.stringValue }
    public var description: String? { columns["description"]?.stringValue }
    /// The price from a number or from Postgres `money` text (`"$1,234.50"`, as the reference sends it).
    public var price: Price? {
        switch columns["price"] {
        case .number(let value)?: return try? Price(cents: Int64((value * 100).rounded()))
        case .string(let text)?: return try? Price(parsing: text)
        default: return nil
        }
    }
    public var lastUpdated: LocalDate? { columns["last_updated"]?.stringValue.flatMap(LocalDate.init(parsing:)) }
}

/// One change of one product, as pelican sends it and emu receives it.
///
/// On the wire (v1, DESIGN.md "Data"): `{"v":1,"op":"upsert","id":123,"seq":456,"row":{…}}`
/// or `{"v":1,"op":"delete","id":123,"seq":457}`. ``QueueMessageCodec`` also reads the
/// reference pelican's shapes, so emu can replace the reference emu on its own.
public struct QueueMessage: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        /// The product exists with this row: (re)index it.
        case upsert(ProductRow)
        /// The product is gone: remove all its vectors.
        case delete
    }

    /// Which producer wrote the message.
    public enum Format: Sendable, Hashable {
        case v1
        /// The reference pelican (`{"table","action","old","new"}`, possibly inside its
        /// `{"channel","payload"}` envelope). It has no seq.
        case reference
    }

    public var productID: ProductID
    public var change: Change
    /// The outbox seq of the change: the higher one wins when a batch holds several changes
    /// of one product. Nil for reference messages, which carry none.
    public var seq: Int64?
    public var format: Format

    public init(productID: ProductID, change: Change, seq: Int64?, format: Format = .v1) {
        self.productID = productID
        self.change = change
        self.seq = seq
        self.format = format
    }

    /// The FIFO group: one per product, so a product's changes stay in order.
    public var groupID: String { String(productID.rawValue) }
}

/// Why a message body cannot be read. Such a message can never succeed, so emu sends it
/// straight to the DLQ with ``reason`` as its ``JobQueueAttribute/deadLetterReason``.
public enum QueueMessageDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is not JSON at all.
    case notJSON(String)
    /// JSON, but not one of the shapes we know (a field missing or of the wrong type).
    case wrongShape(String)
    /// A v-message of a version this build does not know.
    case unknownVersion(Int64)

    /// A short code for logs and metrics.
    public var code: String {
        switch self {
        case .notJSON: return "not_json"
        case .wrongShape: return "wrong_shape"
        case .unknownVersion: return "unknown_version"
        }
    }

    /// The sentence stored with the dead letter.
    public var reason: String {
        switch self {
        case .notJSON(let detail): return "not JSON: \(detail)"
        case .wrongShape(let detail): return "wrong shape: \(detail)"
        case .unknownVersion(let version): return "unknown message version \(version) (this build reads v1)"
        }
    }

    public var description: String { reason }
}

/// Writes v1 messages and reads v1 and the reference pelican's messages.
public enum QueueMessageCodec {
    /// The version this build writes.
    public static let currentVersion: Int64 = 1

    /// The v1 JSON body. Keys in the documented order; row columns sorted, so equal rows
    /// make equal bodies. A message must carry its seq to be read back (v1 requires it).
    public static func encode(_ message: QueueMessage) -> String {
        var out = "{\"v\":\(currentVersion),\"op\":"
        switch message.change {
        case .upsert: out += "\"upsert\""
        case .delete: out += "\"delete\""
        }
        out += ",\"id\":\(message.productID.rawValue)"
        if let seq = message.seq { out += ",\"seq\":\(seq)" }
        if case .upsert(let row) = message.change {
            out += ",\"row\":"
            write(.object(row.columns), to: &out)
        }
        out += "}"
        return out
    }

    /// The job message pelican sends: group = product id, deduplication id = seq. Nil for a
    /// message without a seq (only reference messages lack one, and we never send those):
    /// without a seq there is no safe deduplication id, and v1 readers require it.
    public static func jobMessage(_ message: QueueMessage) -> JobMessage? {
        guard let seq = message.seq else { return nil }
        return JobMessage(body: encode(message), groupID: message.groupID, deduplicationID: String(seq))
    }

    /// A JSON number that is a whole number (not a string of digits).
    static func integer(_ value: JSONValue) -> Int64? {
        if case .number(let n) = value, n.rounded() == n, abs(n) < 9e15 { return Int64(n) }
        return nil
    }

    /// Reads a body in any known shape.
    public static func decode(_ body: String) throws(QueueMessageDecodeError) -> QueueMessage {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        } catch {
            throw .notJSON(body.isEmpty ? "the body is empty" : "cannot parse \"\(body.prefix(40))\"")
        }
        guard case .object(let object) = value else {
            throw .wrongShape("the body is JSON but not an object")
        }
        if let version = object["v"] {
            guard let v = Self.integer(version) else { throw .wrongShape("\"v\" is not an integer") }
            guard v == currentVersion else { throw .unknownVersion(v) }
            return try decodeV1(object)
        }
        return try decodeReference(object, depth: 0)
    }

    private static func decodeV1(_ object: [String: JSONValue]) throws(QueueMessageDecodeError) -> QueueMessage {
        guard let op = object["op"]?.stringValue else { throw .wrongShape("\"op\" is missing or not a string") }
        guard let id = object["id"].flatMap(Self.integer), id > 0 else { throw .wrongShape("\"id\" is missing or not a positive integer") }
        guard let seq = object["seq"].flatMap(Self.integer) else { throw .wrongShape("\"seq\" is missing or not an integer") }
        switch op {
        case "upsert":
            guard let row = object["row"]?.objectValue else { throw .wrongShape("an upsert needs a \"row\" object") }
            if let rowID = row["id"], rowID.integerValue != id {
                throw .wrongShape("\"row\".\"id\" differs from \"id\" \(id)")
            }
            return QueueMessage(productID: ProductID(id), change: .upsert(ProductRow(columns: row)), seq: seq, format: .v1)
        case "delete":
            return QueueMessage(productID: ProductID(id), change: .delete, seq: seq, format: .v1)
        default:
            throw .wrongShape("\"op\" is \"\(op.prefix(20))\", not upsert or delete")
        }
    }

    /// The reference pelican's shapes: `{"table","action","old","new"}` (its trigger's
    /// payload); the same inside `{"channel","payload":"<that JSON as a string>"}` (what its
    /// listener actually forwarded); and its backfill's `{"payload":{"new":{…}}}`.
    private static func decodeReference(_ object: [String: JSONValue], depth: Int) throws(QueueMessageDecodeError) -> QueueMessage {
        if depth == 0, let payload = object["payload"], object["action"] == nil {
            switch payload {
            case .string(let text):
                guard let inner = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let innerObject = inner.objectValue
                else {
                    throw .wrongShape("\"payload\" is a string but not a JSON object")
                }
                return try decodeReference(innerObject, depth: 1)
            case .object(let inner):
                return try decodeReference(inner, depth: 1)
            default:
                throw .wrongShape("\"payload\" is neither an object nor a JSON string")
            }
        }
        if let table = object["table"] {
            guard table.stringValue == "products_with_increment" else {
                throw .wrongShape("\"table\" is not products_with_increment")
            }
        }
        let newRow = object["new"]?.objectValue
        let oldRow = object["old"]?.objectValue
        let action: String
        if let given = object["action"] {
            guard let text = given.stringValue else { throw .wrongShape("\"action\" is not a string") }
            action = text.uppercased()
        } else if newRow != nil {
            action = "INSERT"  // the backfill envelope carries only the new row
        } else {
            throw .wrongShape("no \"v\" (v1) and no \"action\"/\"new\" (reference shape)")
        }
        switch action {
        case "INSERT", "UPDATE":
            guard let row = newRow else { throw .wrongShape("\(action) without a \"new\" row") }
            guard let id = row["id"]?.integerValue, id > 0 else { throw .wrongShape("\"new\".\"id\" is missing or not a positive integer") }
            return QueueMessage(productID: ProductID(id), change: .upsert(ProductRow(columns: row)), seq: nil, format: .reference)
        case "DELETE":
            guard let row = oldRow else { throw .wrongShape("DELETE without an \"old\" row") }
            guard let id = row["id"]?.integerValue, id > 0 else { throw .wrongShape("\"old\".\"id\" is missing or not a positive integer") }
            return QueueMessage(productID: ProductID(id), change: .delete, seq: nil, format: .reference)
        default:
            throw .wrongShape("\"action\" is \"\(action.prefix(20))\", not INSERT, UPDATE or DELETE")
        }
    }

    /// Writes JSON with sorted object keys (JSONEncoder's escaping rules for strings).
    static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n):
            if n.isFinite, n.rounded() == n, abs(n) < 1e15 {
                out += String(Int64(n))
            } else if n.isFinite {
                out += "\(n)"
            } else {
                out += "null"
            }
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
