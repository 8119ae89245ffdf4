import Catalog
import Foundation
import Postgres
import TestSupport
import Testing

/// `refarch-tui index …` run as a binary against the Pinecone test server (through
/// PINECONE_CONTROLLER_HOST / PINECONE_HOST) and against the local index.
@Suite struct IndexCLIPineconeTests {
    /// The environment that selects Pinecone and points it at `server`.
    static func environment(_ server: PineconeTestServer, index: String = "catalog", key: String? = nil) -> [String: String] {
        ["PINECONE_API_KEY": key ?? server.apiKey, "PINECONE_INDEX": index, "PINECONE_CONTROLLER_HOST": server.controllerURL]
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    static func writeJSON(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vector-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func createMakesAServerlessIndexAndIsIdempotent() async throws {
        let server = try PineconeTestServer(readyAfterDescribes: 1)
        defer { server.stop() }
        let env = Self.environment(server)
        let created = try await CLIRunner.run(["index", "create", "--dimension", "4", "--metric", "dotproduct"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("Created Pinecone index catalog (4 dimensions, dotproduct, aws us-east-1); ready at 127.0.0.1:"))
        #expect(server.indexNames == ["catalog"])
        let body = try #require(server.received.first { $0.method == "POST" }?.json)
        guard case .object(let fields) = body else { Issue.record("not an object"); return }
        #expect(fields["dimension"] == .number(4))
        #expect(fields["spec"] == .object(["serverless": .object(["cloud": .string("aws"), "region": .string("us-east-1")])]))

        let again = try await CLIRunner.run(["index", "create", "--dimension", "4", "--metric", "dotproduct", "--json"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        struct Output: Decodable { let name: String; let created: Bool; let dimension: Int?; let ready: Bool }
        let output = try JSONDecoder().decode(Output.self, from: Data(again.stdout.utf8))
        #expect(output.name == "catalog" && !output.created && output.dimension == 4 && output.ready)

        let clash = try await CLIRunner.run(["index", "create", "--dimension", "384"], environment: env)
        #expect(clash.status == 1)
        #expect(
            clash.stderr.contains("Pinecone index \"catalog\" already exists with 4 dimensions, dotproduct, not 384 dimensions, cosine."))
    }

    @Test func createIsRefusedInReadOnlyModeAndInLocalMode() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        let readOnly = try await CLIRunner.run(
            ["index", "create", "--read-only"], environment: Self.environment(server))
        #expect(readOnly.status == 3)
        #expect(readOnly.stderr.contains("Refusing to create the Pinecone index catalog: read-only mode is on"))
        #expect(server.received.isEmpty)

        let local = try await CLIRunner.run(["index", "create"])
        #expect(local.status == 1)
        #expect(local.stderr.contains("`index create` is for Pinecone"))
        #expect(local.stderr.contains("PINECONE_API_KEY"))
    }

    @Test func statsAndQueryAgainstPinecone() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        try server.createIndex(name: "catalog", dimension: 3)
        let records = [
            VectorRecord(id: "1#0", values: [1, 0, 0], metadata: ["id": .number(1), "price": .number(10)]),
            VectorRecord(id: "2#0", values: [0.9, 0.1, 0], metadata: ["id": .number(2), "price": .number(60)]),
            VectorRecord(id: "3#0", values: [0, 1, 0], metadata: ["id": .number(3), "price": .number(20)]),
            VectorRecord(id: "4#0", values: [0.7, 0.7, 0.1], metadata: ["id": .number(4), "price": .number(30)]),
        ]
        server.seed(index: "catalog", namespace: "products", records)
        server.seed(index: "catalog", namespace: "other", [VectorRecord(id: "x", values: [1, 1, 1])])
        let env = Self.environment(server)

        let stats = try await CLIRunner.run(["index", "stats", "--json"], environment: env)
        #expect(stats.status == 0, "\(stats.stderr)")
        struct Stats: Decodable {
            let backend: String; let dimension: Int; let metric: String; let totalVectorCount: Int; let namespaces: [String: Int]
        }
        let parsed = try JSONDecoder().decode(Stats.self, from: Data(stats.stdout.utf8))
        #expect(parsed.backend == "pinecone")
        #expect(parsed.dimension == 3)
        #expect(parsed.metric == "cosine")
        #expect(parsed.totalVectorCount == 5)
        #expect(parsed.namespaces == ["products": 4, "other": 1])
        let text = try await CLIRunner.run(["index", "stats"], environment: env)
        #expect(text.stdout.contains("pinecone: Pinecone index catalog"))

        let file = try Self.writeJSON("[1, 0.05, 0]")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let query = try await CLIRunner.run(
            ["index", "query", "--vector", file, "--top-k", "3", "--filter", #"{"price": {"$lte": 50}}"#, "--json"], environment: env)
        #expect(query.status == 0, "\(query.stderr)")
        struct Match: Decodable { let id: String; let score: Float; let metadata: [String: Double]? }
        struct Output: Decodable { let backend: String; let matches: [Match] }
        let result = try JSONDecoder().decode(Output.self, from: Data(query.stdout.utf8))
        // Brute force: cosine with [1, 0.05, 0] among price ≤ 50 → 1#0, 4#0, 3#0 (2#0 is filtered out).
        let q: [Float] = [1, 0.05, 0]
        var expected: [(id: String, score: Double)] = []
        for record in records where record.metadata["price"]?.numberValue ?? 0 <= 50 {
            expected.append((record.id, Self.cosine(q, record.values)))
        }
        expected.sort { $0.score > $1.score }
        #expect(result.matches.map(\.id) == expected.map(\.id))
        #expect(result.matches.map(\.id) == ["1#0", "4#0", "3#0"])
        for (match, reference) in zip(result.matches, expected) {
            #expect(abs(Double(match.score) - reference.score) < 1e-5)
        }
        #expect(result.matches.first?.metadata?["price"] == 10)

        let table = try await CLIRunner.run(["index", "query", "--vector", file, "--top-k", "1"], environment: env)
        #expect(table.status == 0)
        #expect(table.stdout.contains("1#0"))
        #expect(table.stdout.contains("price=10"))
    }

    @Test func pineconeHostOverrideGoesStraightToTheDataPlane() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        let host = try server.createIndex(name: "catalog", dimension: 2)
        let result = try await CLIRunner.run(
            ["index", "stats", "--json"], environment: ["PINECONE_API_KEY": server.apiKey, "PINECONE_HOST": host])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.received.allSatisfy { $0.index == "catalog" })
    }

    @Test func errorsSayWhatToDoWithoutTheKey() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        try server.createIndex(name: "catalog", dimension: 3)
        let wrongKey = "pk-cli-WRONG-123456"
        let unauthorized = try await CLIRunner.run(["index", "stats"], environment: Self.environment(server, key: wrongKey))
        #expect(unauthorized.status == 1)
        #expect(unauthorized.stderr.contains("Pinecone refused the API key (401)"))
        #expect(unauthorized.stderr.contains("hint: Check PINECONE_API_KEY"))
        #expect(!unauthorized.stderr.contains(wrongKey) && !unauthorized.stdout.contains(wrongKey))

        let missing = try await CLIRunner.run(["index", "stats"], environment: Self.environment(server, index: "nope"))
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Pinecone index \"nope\" not found (404)"))
        #expect(missing.stderr.contains("refarch-tui index create"))

        let file = try Self.writeJSON("[1, 2]")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let mismatch = try await CLIRunner.run(["index", "query", "--vector", file], environment: Self.environment(server))
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("Vector dimension mismatch: the Pinecone index holds 3-dimensional vectors, this one has 2."))

        let insecure = try await CLIRunner.run(
            ["index", "stats"], environment: ["PINECONE_API_KEY": wrongKey, "PINECONE_HOST": "http://pinecone.example.com"])
        #expect(insecure.status == 1)
        #expect(insecure.stderr.contains("Refusing plain http to pinecone.example.com"))
        #expect(!insecure.stderr.contains(wrongKey))
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        let noVector = try await CLIRunner.run(["index", "query"])
        #expect(noVector.status == 64)
        let badTopK = try await CLIRunner.run(["index", "query", "--vector", "/dev/null", "--top-k", "0"])
        #expect(badTopK.status == 64)
        #expect(badTopK.stderr.contains("--top-k must be between 1 and 10000."))
        let badFile = try Self.writeJSON(#"{"not": "a vector"}"#)
        defer { try? FileManager.default.removeItem(atPath: badFile) }
        let server = try PineconeTestServer()
        defer { server.stop() }
        let notVector = try await CLIRunner.run(["index", "query", "--vector", badFile], environment: Self.environment(server))
        #expect(notVector.status == 1)
        #expect(notVector.stderr.contains("is not a JSON array of numbers"))
        #expect(server.received.isEmpty, "the file is checked before the index is opened")
        let badFilter = try await CLIRunner.run(
            ["index", "query", "--vector", "/dev/null", "--filter", #"{"price": {"$near": 1}}"#], environment: Self.environment(server))
        #expect(badFilter.status == 1)
    }
}

/// `index stats` and `index query` on the local index (Postgres).
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct IndexCLILocalTests {
    /// 384 little-endian float32s as hex, for a bytea literal.
    static func hex(_ values: [Float]) -> String {
        values.map { value in
            let bits = value.bitPattern.littleEndian
            return (0..<4).map { String(format: "%02x", (bits >> (8 * $0)) & 0xff) }.joined()
        }.joined()
    }

    @Test func statsAndQueryUseTheLocalIndexWithoutPineconeSettings() async throws {
        try await TestDatabase.withSchema { config in
            let base = config.url!
            let cli = CLISession(url: base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + config.searchPath[0])
            #expect(try await cli.run(["db", "migrate"]).status == 0)

            var a = [Float](repeating: 0, count: 384); a[0] = 1
            var b = [Float](repeating: 0, count: 384); b[0] = 0.6; b[1] = 0.8
            var c = [Float](repeating: 0, count: 384); c[1] = 1
            let connection = try await PostgresConnection.connect(config)
            for (id, vector, price) in [("1#0", a, 10), ("2#0", b, 20), ("3#0", c, 30)] {
                try await connection.execute(
                    """
                    INSERT INTO refarch_vectors (id, product_id, chunk, vector, metadata, change_seq)
                    VALUES ('\(id)', \(id.prefix(1)), 0, decode('\(Self.hex(vector))', 'hex'), '{"price": \(price)}',
                            nextval('refarch_vector_change_seq'))
                    """)
            }
            await connection.close()

            let stats = try await cli.run(["index", "stats", "--json"])
            #expect(stats.status == 0, "\(stats.stderr)")
            struct Stats: Decodable { let backend: String; let dimension: Int; let totalVectorCount: Int }
            let parsed = try JSONDecoder().decode(Stats.self, from: Data(stats.stdout.utf8))
            #expect(parsed.backend == "local")
            #expect(parsed.dimension == 384)
            #expect(parsed.totalVectorCount == 3)

            var q = [Float](repeating: 0, count: 384); q[0] = 1; q[1] = 0.1
            let file = try IndexCLIPineconeTests.writeJSON("[" + q.map { "\($0)" }.joined(separator: ",") + "]")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let query = try await cli.run([
                "index", "query", "--vector", file, "--top-k", "2", "--filter", #"{"price": {"$gte": 15}}"#, "--json",
            ])
            #expect(query.status == 0, "\(query.stderr)")
            struct Match: Decodable { let id: String; let score: Float }
            struct Output: Decodable { let backend: String; let matches: [Match] }
            let result = try JSONDecoder().decode(Output.self, from: Data(query.stdout.utf8))
            #expect(result.backend == "local")
            // cos(q, b) = (0.6 + 0.08)/|q| > cos(q, c) = 0.1/|q|; a is filtered out by price.
            #expect(result.matches.map(\.id) == ["2#0", "3#0"])
            let norm = Float((1.0 + 0.01).squareRoot())
            #expect(abs(result.matches[0].score - 0.68 / norm) < 1e-4)

            let create = try await cli.run(["index", "create"])
            #expect(create.status == 1)
            #expect(create.stderr.contains("`index create` is for Pinecone"))
        }
    }
}
