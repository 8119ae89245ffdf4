import ArgumentParser
import Catalog
import Foundation
import Operations
import PostgresCatalog
import Search
import Sync

/// `refarch-tui search "query"`: semantic search over the catalog, ranked by score.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Semantic search over the products, best match first.")

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: "What to look for, in your own words, or a SKU (ignoring case; at least 4 characters list the SKUs starting with them).")
    var query: String
    @Option(name: .customLong("top-k"), help: "Results per page.") var topK = 10
    @Option(help: "Page of results, from 1.") var page = 1
    @Option(help: "Lowest price, like 10 or $9.99.") var minPrice: String?
    @Option(help: "Highest price.") var maxPrice: String?
    @Option(name: .customLong("model-dir"), help: "Model folder (else model.dir).") var modelDirectory: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...1000).contains(topK) else { throw ValidationError("--top-k must be between 1 and 1000.") }
        guard page >= 1 else { throw ValidationError("--page starts at 1.") }
        // Unreadable prices are reported by run() like any price; an empty range is misuse.
        if let minPrice, let maxPrice, let low = try? Price(parsing: minPrice), let high = try? Price(parsing: maxPrice), low > high {
            throw ValidationError("--min-price \(low) is above --max-price \(high), so nothing could match; swap them.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global, extraFlags: modelDirectory.map { ["--model-dir": $0] } ?? [:])
            let request = SearchRequest(
                query: query, topK: topK, page: page,
                minPrice: try minPrice.map { text throws -> Price in try Price(parsing: text) },
                maxPrice: try maxPrice.map { text throws -> Price in try Price(parsing: text) })
            let embedder = try makeEmbedder(context: context)
            let pool = try await context.migratedPool()
            let result = try await withVectorIndex(context: context, loadVectors: true) { opened in
                try await SearchService(embedder: embedder, index: opened.index, store: PostgresProductStore(pool: pool)).search(request)
            }
            if json {
                struct Hit: Encodable {
                    let rank: Int, score: Float, id: Int64, name: String, sku: String, price: Double, description: String
                }
                struct Output: Encodable { let query: String; let took_ms: Double; let results: [Hit] }
                try printJSON(
                    Output(
                        query: query, took_ms: result.elapsed.milliseconds,
                        results: result.hits.map {
                            Hit(
                                rank: $0.rank, score: $0.score, id: $0.product.id.rawValue, name: $0.product.name, sku: $0.product.sku,
                                price: $0.product.price.doubleValue, description: $0.product.description)
                        }))
                return
            }
            let rows = result.hits.map { hit in
                [
                    String(hit.rank), String(format: "%.3f", hit.score), String(hit.product.id.rawValue), hit.product.name, hit.product.sku,
                    hit.product.price.description, snippet(hit.product.description),
                ]
            }
            printTable(["#", "SCORE", "ID", "NAME", "SKU", "PRICE", "DESCRIPTION"], rows, rightAligned: [0, 1, 2, 5], maxWidth: 48)
            print(
                "\(result.hits.count) result\(result.hits.count == 1 ? "" : "s") in \(String(format: "%.1f", result.elapsed.milliseconds)) ms"
            )
        }
    }

    func snippet(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// `refarch-tui verify`: compare Postgres with the index.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare the catalog with the vector index: missing, extra, text-stale and metadata-stale products.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Enqueue the fixes through the outbox for the workers to apply.") var repair = false
    @Flag(help: "Print one JSON object with missing, extra and stale counts and examples.") var json = false

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global)
            if repair { try context.requireWritable("repair the index") }
            let pool = try await context.migratedPool()
            // The same verify as `index verify|repair` (recorded for `index stats` and the console).
            let report = try await withVectorIndex(context: context, loadVectors: false) { opened in
                try await makeVerifyingIndexOperations(context: context, pool: pool) { opened }.verify(repair: repair) { _ in }
            }
            // Snake case throughout, the recorded run inside it too (`index verify` prints camelCase).
            if json { try printJSON(report, keys: .convertToSnakeCase); return }
            print("products: \(report.products)  indexed: \(report.indexedProducts)")
            print("missing:  \(report.missing)\(examples(report.missingExamples))")
            print("extra:    \(report.extra)\(examples(report.extraExamples))")
            print("stale:    \(report.stale)\(examples(report.staleExamples))")
            print(
                "  text:     \(report.textStale)\(examples(report.textStaleExamples))  (made from another text or template: embedded again)"
            )
            print(
                "  metadata: \(report.metadataStale)\(examples(report.metadataStaleExamples))  (current text, older metadata: updated only)"
            )
            if repair { print("Enqueued \(report.repaired) fixes; the workers apply them.") }
            if !report.isClean && !repair { print("Run `refarch-tui verify --repair` to enqueue the fixes.") }
        }
    }

    func examples(_ ids: [Int64]) -> String {
        ids.isEmpty ? "" : "  (e.g. " + ids.map(String.init).joined(separator: ", ") + ")"
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
