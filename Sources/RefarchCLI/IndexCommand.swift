import ArgumentParser
import Catalog
import Foundation
import Pinecone
import UserFacing

/// `refarch-tui index …`: inspect, create and query the vector index, Pinecone or local as
/// the configuration says (`PINECONE_API_KEY` set → Pinecone).
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Show, create and query the vector index (Pinecone when PINECONE_API_KEY is set, else the local index).",
        subcommands: [Stats.self, Create.self, Query.self])

    /// `index stats`: dimension, metric and vector counts per namespace.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dimension, metric and vector counts of the index.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try await withVectorIndex(context: context, loadVectors: false) { opened in
                    let stats = try await opened.index.stats()
                    if json {
                        struct Output: Encodable {
                            let backend: OpenedVectorIndex.Backend
                            let location: String
                            let namespace: String
                            let dimension: Int
                            let metric: String
                            let totalVectorCount: Int
                            let namespaces: [String: Int]
                        }
                        try printJSON(
                            Output(
                                backend: opened.backend, location: opened.location, namespace: opened.namespace,
                                dimension: stats.dimension, metric: stats.metric,
                                totalVectorCount: stats.totalVectorCount, namespaces: stats.namespaces))
                        return
                    }
                    let lines = [
                        ("Backend", "\(opened.backend.rawValue): \(opened.location)"),
                        ("Namespace", opened.namespace),
                        ("Dimension", String(stats.dimension)),
                        ("Metric", stats.metric),
                        ("Vectors", String(stats.totalVectorCount)),
                    ]
                    for (label, value) in lines { print(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
                    if !stats.namespaces.isEmpty {
                        print("")
                        printTable(
                            ["NAMESPACE", "VECTORS"],
                            stats.namespaces.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] },
                            rightAligned: [1])
                    }
                }
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
