import Catalog
import Foundation
import Testing

@Suite("Queue message codec")
struct QueueMessageCodecTests {
    @Test("a v1 upsert is written in the documented shape and read back")
    func v1Upsert() throws {
        let product = Product(
            id: ProductID(123), name: "Trail \"Jacket\"", sku: "TJ-1", description: "Keeps rain out.\nWarm.",
            price: try Price(cents: 123_450), lastUpdated: LocalDate(year: 2026, month: 1, day: 2))
        let message = QueueMessage(productID: product.id, change: .upsert(ProductRow(product)), seq: 456)
        let body = QueueMessageCodec.encode(message)
        #expect(body.hasPrefix("{\"v\":1,\"op\":\"upsert\",\"id\":123,\"seq\":456,\"row\":{"))
        #expect(body.contains("\"description\":\"Keeps rain out.\\nWarm.\""))
        #expect(body.contains("\"price\":1234.5"))
        let decoded = try QueueMessageCodec.decode(body)
        #expect(decoded == message)
        guard case .upsert(let row) = decoded.change else {
            Issue.record("not an upsert")
            return
        }
        #expect(row.name == "Trail \"Jacket\"")
        #expect(row.sku == "TJ-1")
        #expect(row.price == (try Price(cents: 123_450)))
        #expect(row.lastUpdated == LocalDate(year: 2026, month: 1, day: 2))

        let job = try #require(QueueMessageCodec.jobMessage(message))
        #expect(job.groupID == "123")
        #expect(job.deduplicationID == "456")
        #expect(job.body == body)
        #expect(QueueMessageCodec.jobMessage(QueueMessage(productID: ProductID(1), change: .delete, seq: nil)) == nil)
    }

    @Test("a v1 delete has no row")
    func v1Delete() throws {
        let body = QueueMessageCodec.encode(QueueMessage(productID: ProductID(123), change: .delete, seq: 457))
        #expect(body == "{\"v\":1,\"op\":\"delete\",\"id\":123,\"seq\":457}")
        #expect(try QueueMessageCodec.decode(body) == QueueMessage(productID: ProductID(123), change: .delete, seq: 457))
    }

    static let referenceRow = """
        {"id":42,"created_at":"2023-09-20T22:51:32.123","name":"Mug","sku":"MUG-1","description":"Keeps coffee hot.",\
        "price":"$1,234.50","last_updated":"2023-09-20","uuid":"0b6e2c1e-0000-4000-8000-000000000001","processed":false}
        """

    @Test(
        "the reference pelican's shapes become the same typed message",
        arguments: [
            ("{\"table\":\"products_with_increment\",\"action\":\"INSERT\",\"old\":null,\"new\":\(referenceRow)}", false),
            ("{\"table\":\"products_with_increment\",\"action\":\"UPDATE\",\"old\":\(referenceRow),\"new\":\(referenceRow)}", false),
            ("{\"table\":\"products_with_increment\",\"action\":\"DELETE\",\"old\":\(referenceRow),\"new\":null}", true),
            // What the reference listener forwarded: node-pg's notification, the payload a JSON string.
            (
                "{\"channel\":\"table_change\",\"processId\":77,\"payload\":\(jsonString("{\"table\":\"products_with_increment\",\"action\":\"UPDATE\",\"old\":\(referenceRow),\"new\":\(referenceRow)}"))}",
                false
            ),
            // The reference backfill's envelope.
            ("{\"payload\":{\"new\":\(referenceRow)}}", false),
        ])
    func referenceShapes(_ body: String, _ isDelete: Bool) throws {
        let message = try QueueMessageCodec.decode(body)
        #expect(message.productID == ProductID(42))
        #expect(message.seq == nil)
        #expect(message.format == .reference)
        switch message.change {
        case .delete:
            #expect(isDelete)
        case .upsert(let row):
            #expect(!isDelete)
            #expect(row.name == "Mug")
            #expect(row.description == "Keeps coffee hot.")
            #expect(row.price == (try Price(cents: 123_450)))
            #expect(row.lastUpdated == LocalDate(year: 2023, month: 9, day: 20))
            #expect(row.columns["processed"] == .bool(false))
        }
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    @Test(
        "bodies that can never succeed say why, with a code for each kind",
        arguments: [
            ("", "not_json"),
            ("not json", "not_json"),
            ("{\"v\":1,", "not_json"),
            ("[1,2]", "wrong_shape"),
            ("{\"v\":\"1\",\"op\":\"delete\",\"id\":1,\"seq\":1}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"merge\",\"id\":1,\"seq\":1}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"delete\",\"seq\":1}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"delete\",\"id\":1}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"upsert\",\"id\":1,\"seq\":1}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"upsert\",\"id\":1,\"seq\":1,\"row\":{\"id\":2}}", "wrong_shape"),
            ("{\"v\":1,\"op\":\"delete\",\"id\":1.5,\"seq\":1}", "wrong_shape"),
            ("{\"hello\":\"world\"}", "wrong_shape"),
            ("{\"table\":\"orders\",\"action\":\"INSERT\",\"new\":{\"id\":1}}", "wrong_shape"),
            ("{\"table\":\"products_with_increment\",\"action\":\"TRUNCATE\",\"new\":{\"id\":1}}", "wrong_shape"),
            ("{\"table\":\"products_with_increment\",\"action\":\"DELETE\",\"old\":null,\"new\":null}", "wrong_shape"),
            ("{\"channel\":\"table_change\",\"payload\":\"oops\"}", "wrong_shape"),
            ("{\"v\":2,\"op\":\"upsert\",\"id\":1,\"seq\":1,\"row\":{}}", "unknown_version"),
        ])
    func decodeErrors(_ body: String, _ code: String) {
        do {
            let message = try QueueMessageCodec.decode(body)
            Issue.record("decoded \(body) as \(message)")
        } catch {
            #expect(error.code == code, "\(body): \(error.reason)")
            #expect(!error.reason.isEmpty)
        }
    }

    @Test("an unknown version names the version in its reason")
    func unknownVersionReason() {
        #expect(throws: QueueMessageDecodeError.unknownVersion(7)) { try QueueMessageCodec.decode("{\"v\":7}") }
        #expect(QueueMessageDecodeError.unknownVersion(7).reason.contains("version 7"))
    }
}
