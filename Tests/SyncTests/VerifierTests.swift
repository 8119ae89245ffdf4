import Catalog
import Logging
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

@Suite struct EmbeddingTemplateTests {
    @Test func rendersNameThenDescription() {
        #expect(EmbeddingTemplate.standard.render(name: "Mug", description: "Keeps coffee hot.") == "Mug. Keeps coffee hot.")
        #expect(EmbeddingTemplate("{sku}: {name} {unknown}").render(name: "N", description: "D", sku: "S") == "S: N {unknown}")
        #expect(EmbeddingTemplate("{name}").fingerprint != EmbeddingTemplate.standard.fingerprint)
        #expect(EmbeddingTemplate.standard.fingerprint == EmbeddingTemplate("{name}. {description}").fingerprint)
    }

    @Test func textHashCoversPrefixAndBodyApart() {
        let standard = EmbeddingTemplate.standard.document(name: "Mug", description: "Keeps coffee hot.")
        #expect(standard == EmbeddingDocument(prefix: "Mug. ", body: "Keeps coffee hot."))
        let hash = EmbeddingTemplate.textHash(of: standard)
        #expect(hash.count == 16)
        #expect(hash == EmbeddingTemplate.textHash(of: EmbeddingDocument(prefix: "Mug. ", body: "Keeps coffee hot.")))
        #expect(hash != EmbeddingTemplate.textHash(of: EmbeddingDocument(prefix: "Mug. Keeps", body: " coffee hot.")))
        #expect(hash != EmbeddingTemplate.textHash(of: EmbeddingDocument(prefix: "Mug. ", body: "Keeps tea hot.")))
        // A template without the description at the end is embedded whole, without a prefix.
        #expect(
            EmbeddingTemplate("{description} ({name})").document(name: "N", description: "D")
                == EmbeddingDocument(prefix: "", body: "D (N)"))
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct VerifierTests {
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func reportsMissingExtraAndStaleAndRepairs() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            _ = try await SchemaMigrator.migrate(conn, logger: quiet)
            await conn.close()
            let pool = PostgresPool(configuration: config, maxConnections: 2)
            let store = PostgresProductStore(pool: pool)
            var products: [Product] = []
            for i in 1...6 {
                products.append(try await store.create(try NewProduct(name: "P\(i)", sku: "V-\(i)", price: Price(cents: 100))))
            }
            let versions = try await pool.query("SELECT product_id, seq FROM refarch_product_versions ORDER BY product_id")
            var seq: [Int64: Int64] = [:]
            for row in versions { seq[try row.decode(Int64.self, at: 0)] = try row.decode(Int64.self, at: 1) }
            #expect(seq.count == 6)

            let index = InMemoryVectorIndex(dimension: 4)
            let template = EmbeddingTemplate.standard
            let ids = products.map(\.id.rawValue)
            func textHash(_ product: Int64) -> String {
                guard let p = products.first(where: { $0.id.rawValue == product }) else { return "none" }
                return EmbeddingTemplate.textHash(of: template.document(name: p.name, description: p.description, sku: p.sku))
            }
            /// `textHash: ""` leaves the hash out, as vectors written before hashes were recorded.
            func record(
                _ product: Int64, chunk: Int = 0, seq: Int64, fingerprint: String = template.fingerprint, textHash hash: String? = nil
            ) -> VectorRecord {
                var metadata: Metadata = [
                    "id": .number(Double(product)), "seq": .number(Double(seq)), "template": .string(fingerprint),
                    "text_hash": .string(hash ?? textHash(product)),
                ]
                if hash == "" { metadata["text_hash"] = nil }
                return VectorRecord(id: "\(product)#\(chunk)", values: [1, 0, 0, 0], metadata: metadata)
            }
            try await index.upsert([
                // current (chunk 0 from before text hashes were recorded: at the latest seq, its text is current)
                record(ids[0], seq: seq[ids[0]]!, textHash: ""), record(ids[0], chunk: 1, seq: seq[ids[0]]!),
                record(ids[1], seq: seq[ids[1]]! - 1),  // metadata-stale: older seq, same text
                record(ids[2], seq: seq[ids[2]]!, fingerprint: "other"),  // text-stale by template
                record(ids[3], seq: seq[ids[3]]!, textHash: "0123456789abcdef"),  // text-stale by text
                record(999, seq: 1),  // extra
            ])  // ids[4], ids[5] missing
            let verifier = Verifier(pool: pool, index: index, template: template)
            let report = try await verifier.run()
            #expect(report.products == 6)
            #expect(report.missing == 2)
            #expect(report.extra == 1)
            #expect(report.stale == 3)
            #expect(report.textStale == 2)
            #expect(report.metadataStale == 1)
            #expect(report.missingExamples == [ids[4], ids[5]])
            #expect(report.extraExamples == [999])
            #expect(report.staleExamples == [ids[1], ids[2], ids[3]])
            #expect(report.textStaleExamples == [ids[2], ids[3]])
            #expect(report.metadataStaleExamples == [ids[1]])
            #expect(report.repaired == 0)

            try await pool.query("DELETE FROM refarch_outbox")
            let repaired = try await verifier.run(repair: true)
            #expect(repaired.repaired == 6)
            let queued = try await pool.query("SELECT product_id, op FROM refarch_outbox ORDER BY product_id").map {
                "\(try $0.decode(Int64.self, at: 0)):\(try $0.decode(String.self, at: 1))"
            }
            #expect(
                Set(queued)
                    == Set([
                        "\(ids[1]):update", "\(ids[2]):update", "\(ids[3]):update", "\(ids[4]):update", "\(ids[5]):update", "999:delete",
                    ]))
            await pool.close()
        }
    }
}
