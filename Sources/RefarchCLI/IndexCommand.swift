import ArgumentParser
import Catalog
import Foundation
import Operations
import Pinecone
import Postgres
import Sync
import UserFacing

/// `refarch-tui index …`: inspect, create and query the vector index, Pinecone or local as
/// the configuration says (`PINECONE_API_KEY` set → Pinecone).
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Show, create and query the vector index (Pinecone when PINECONE_API_KEY is set, else the local index).",
        subcommands: [Stats.self, Verify.self, Repair.self, Create.self, Query.self])

    /// `index stats`: dimension, metric, vector counts per namespace, products in Postgres
    /// against products in the index, and the last recorded `verify`.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dimension, metric and vector counts of the index; products in Postgres and in the index; the last verify.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                // The catalog's side is read without requiring a migrated schema: its error is
                // shown where its figures would be, and the index's figures still print.
                let status = try await withIndexOperations(context: context, migrated: false) { try await $0.indexStatus() }
                if json {
                    try printJSON(status)
                    return
                }
                var lines = [
                    ("Backend", "\(status.backend): \(status.location)"),
                    ("Namespace", status.namespace),
                    ("Dimension", String(status.dimension)),
                    ("Metric", status.metric),
                    ("Vectors", String(status.totalVectorCount)),
                    (
                        "Products",
                        "\(status.productsInDatabase.map(String.init) ?? "?") in Postgres, \(status.productsInIndex) in the index"
                    ),
                ]
                if let error = status.catalogError {
                    lines.append(("Catalog", "not read: \(error)"))
                } else if let last = status.lastVerify {
                    lines.append(("Verified", "\(formatInstant(last.ranAt)) by \(last.ranBy): \(describe(last))"))
                } else {
                    lines.append(("Verified", "never (run `refarch-tui index verify`)"))
                }
                for (label, value) in lines { print(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
                if !status.namespaces.isEmpty {
                    print("")
                    printTable(
                        ["NAMESPACE", "VECTORS"],
                        status.namespaces.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] },
                        rightAligned: [1])
                }
            }
        }
    }

    /// `index verify`: compare the catalog with the index (read-only) and record the result.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the catalog with the index and record the result: current, metadata-stale, text-stale, missing, orphaned.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                let record = try await withIndexOperations(context: context) { try await $0.verifyIndex { _ in } }
                if json {
                    try printJSON(record)
                    return
                }
                print(describe(record))
                if !record.isClean { print("Run `refarch-tui index repair` to enqueue the fixes.") }
            }
        }
    }

    /// `index repair`: verify, then enqueue the fixes through the outbox (refused in read-only mode).
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify, then enqueue the fixes through the outbox for the workers to apply (refused in read-only mode).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("repair the index")
                let repair = try await withIndexOperations(context: context) { try await $0.repairIndex() }
                if json {
                    try printJSON(repair)
                    return
                }
                print(describe(repair.verify))
                print("Enqueued \(repair.upserts) upserts and \(repair.deletes) deletes; the workers apply them.")
            }
        }
    }

    /// `index create`: a serverless Pinecone index; nothing to do for the local index.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the Pinecone serverless index named by PINECONE_INDEX (an existing one is fine) and wait until it is ready.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Vector dimension (all-MiniLM-L6-v2: 384).") var dimension = 384
        @Option(help: "cosine, euclidean or dotproduct.") var metric = "cosine"
        @Option(help: "Cloud of the serverless index: aws, gcp or azure.") var cloud = "aws"
        @Option(help: "Region of the serverless index.") var region = "us-east-1"
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...20_000).contains(dimension) else { throw ValidationError("--dimension must be between 1 and 20000.") }
            guard ["cosine", "euclidean", "dotproduct"].contains(metric) else {
                throw ValidationError("--metric must be cosine, euclidean or dotproduct.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                guard let configuration = try makePineconeConfiguration(context: context) else {
                    throw UserError(
                        summary: "`index create` is for Pinecone; this configuration uses the local index, which needs no creating.",
                        remedy: "Set PINECONE_API_KEY and PINECONE_INDEX to use Pinecone; "
                            + "the local index's table comes with `refarch-tui db migrate`.")
                }
                guard let name = configuration.indexName else { throw PineconeError.missingIndexName }
                try context.requireWritable("create the Pinecone index \(name)")
                let control = PineconeControlPlane(configuration: configuration)
                let spec = PineconeIndexSpec(name: name, dimension: dimension, metric: metric, cloud: cloud, region: region)
                let (ready, created) = try await control.ensureIndex(spec)
                if json {
                    struct Output: Encodable {
                        let name: String
                        let created: Bool
                        let dimension: Int?
                        let metric: String?
                        let host: String?
                        let ready: Bool
                    }
                    try printJSON(
                        Output(
                            name: name, created: created, dimension: ready.dimension, metric: ready.metric,
                            host: ready.host, ready: ready.isReady))
                } else if created {
                    print(
                        "Created Pinecone index \(name) (\(dimension) dimensions, \(metric), \(cloud) \(region)); ready at \(ready.host ?? "?")."
                    )
                } else {
                    print("Pinecone index \(name) already exists (\(dimension) dimensions, \(metric)); ready at \(ready.host ?? "?").")
                }
            }
        }
    }

    /// `index query`: nearest vectors to a vector read from a file.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the nearest vectors to a text (embedded with the native MiniLM) or to a query vector.",
            discussion: "FILE holds a JSON array of numbers with the index's dimension; `-` reads it from standard input.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("text"), help: "Text to embed and search for.") var text: String?
        @Option(name: .customLong("vector"), help: ArgumentHelp("JSON file with the query vector (an array of floats).", valueName: "FILE"))
        var vectorFile: String?
        @Option(name: .customLong("model-dir"), help: "Model folder for --text (else model.dir).") var modelDirectory: String?
        @Option(name: .customLong("top-k"), help: "How many matches (1–10000).") var topK = 10
        @Option(help: ArgumentHelp("Metadata filter in Pinecone's filter language, e.g. '{\"price\": {\"$lte\": 50}}'.", valueName: "JSON"))
        var filter: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...10_000).contains(topK) else { throw ValidationError("--top-k must be between 1 and 10000.") }
            guard (text == nil) != (vectorFile == nil) else { throw ValidationError("Give either --text or --vector.") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global, extraFlags: modelDirectory.map { ["--model-dir": $0] } ?? [:])
                let vector: [Float]
                if let text {
                    vector = try await makeEmbedder(context: context).embed([text])[0]
                } else {
                    vector = try Self.readVector(vectorFile ?? "-")
                }
                let parsedFilter = try filter.map { try MetadataFilter(json: $0) }
                try await withVectorIndex(context: context, loadVectors: true) { opened in
                    let matches = try await opened.index.query(VectorQuery(vector: vector, topK: topK, filter: parsedFilter))
                    if json {
                        struct Match: Encodable {
                            let id: String
                            let score: Float
                            let metadata: Metadata?
                        }
                        struct Output: Encodable {
                            let backend: OpenedVectorIndex.Backend
                            let matches: [Match]
                        }
                        try printJSON(
                            Output(
                                backend: opened.backend,
                                matches: matches.map { Match(id: $0.id, score: $0.score, metadata: $0.metadata) }))
                        return
                    }
                    if matches.isEmpty {
                        print("No matches in \(opened.location).")
                        return
                    }
                    printTable(
                        ["#", "SCORE", "ID", "METADATA"],
                        matches.enumerated().map { rank, match in
                            [
                                String(rank + 1), String(format: "%.4f", match.score), match.id,
                                (match.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                            ]
                        }, rightAligned: [0, 1], maxWidth: 80)
                }
            }
        }

        /// Reads a JSON array of numbers from `path` (`-`: standard input).
        static func readVector(_ path: String) throws -> [Float] {
            let data: Data
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw UserError(summary: "Cannot read the vector file \(path).", remedy: "Check the path given with --vector.")
                }
                data = contents
            }
            guard let numbers = try? JSONDecoder().decode([Double].self, from: data), !numbers.isEmpty else {
                throw UserError(summary: "\(path) is not a JSON array of numbers.", remedy: "Write the vector as [0.12, -0.03, …].")
            }
            let vector = numbers.map { Float($0) }
            guard vector.allSatisfy(\.isFinite) else {
                throw UserError(summary: "\(path) has a number too large for a 32-bit float.", remedy: nil)
            }
            return vector
        }
    }
}

/// Opens the index seam for one command: the migrated pool and the configured index,
/// read-only wrapped when read-only mode is on.
func withIndexOperations<T>(
    context: CommandContext, migrated: Bool = true, _ body: (any IndexOperations) async throws -> T
) async throws -> T {
    let pool = migrated ? try await context.migratedPool() : context.makePool()
    return try await withVectorIndex(context: context, loadVectors: false) { opened in
        try await body(makeIndexOperations(context: context, pool: pool) { opened })
    }
}

/// The index seam over `pool` and the index `opened` returns, read-only wrapped when asked.
func makeIndexOperations(
    context: CommandContext, pool: PostgresPool, opened: @escaping @Sendable () async throws -> OpenedVectorIndex
) -> any IndexOperations {
    let operations = makeVerifyingIndexOperations(context: context, pool: pool, opened: opened)
    return context.isReadOnly ? ReadOnlyIndexOperations(operations) : operations
}

/// The index seam's implementation with the configured embedding template (not wrapped:
/// `verify --repair` checks read-only mode itself).
func makeVerifyingIndexOperations(
    context: CommandContext, pool: PostgresPool, opened: @escaping @Sendable () async throws -> OpenedVectorIndex
) -> VerifyingIndexOperations {
    let template = EmbeddingTemplate(context.settings.string("embedding.template") ?? EmbeddingTemplate.standard.text)
    return VerifyingIndexOperations(pool: pool, template: template) {
        let index = try await opened()
        return (index.index, .init(backend: index.backend.rawValue, location: index.location, namespace: index.namespace))
    }
}

/// "120 products, 118 indexed: 115 current, 1 metadata-stale, 1 text-stale, 1 missing, 0 orphaned".
func describe(_ record: IndexVerifyRecord) -> String {
    "\(record.products) products, \(record.indexedProducts) indexed: \(record.current) current, "
        + "\(record.metadataStale) metadata-stale, \(record.textStale) text-stale, \(record.missing) missing, "
        + "\(record.orphaned) orphaned"
}

/// "2026-12-07 13:20:05Z".
func formatInstant(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
    return formatter.string(from: date) + "Z"
}
