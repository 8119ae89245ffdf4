import Catalog
import DedicatedThreads
import Testing

@testable import LocalIndex

/// Brute force in Double from the original (unnormalised) vectors: the reference the
/// index's float32/int8 search must reproduce. Returns every kept id's true score, best first.
func bruteForce(_ query: [Float], _ vectors: [(String, [Float])], where keep: (String) -> Bool = { _ in true }) -> [(String, Double)] {
    func dot(_ a: [Float], _ b: [Float]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var s = 0.0
                for i in 0..<a.count { s += Double(a[i]) * Double(b[i]) }
                return s
            }
        }
    }
    let qn = dot(query, query).squareRoot()
    var scored: [(String, Double)] = []
    scored.reserveCapacity(vectors.count)
    for (id, v) in vectors where keep(id) {
        scored.append((id, dot(query, v) / (qn * dot(v, v).squareRoot())))
    }
    return scored.sorted { $0.1 > $1.1 }
}

/// True when `got` is the brute-force top-k: at every rank the id returned has the true
/// score of that rank, up to float32 rounding (so near-ties may come in either order).
func sameTopK(_ got: [VectorMatch], _ reference: [(String, Double)], k: Int) -> Bool {
    let expected = reference.prefix(k)
    guard got.count == expected.count, Set(got.map(\.id)).count == got.count else { return false }
    let truth = Dictionary(uniqueKeysWithValues: reference.map { ($0.0, $0.1) })
    for (g, e) in zip(got, expected) {
        guard let score = truth[g.id], abs(score - e.1) < 1e-6, abs(Double(g.score) - score) < 1e-5 else { return false }
    }
    return true
}

struct SeededRandom: RandomNumberGenerator {
    var rng: SplitMix64
    init(_ seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { rng.next() }
}

func randomVectors(_ n: Int, dim: Int, seed: UInt64) -> [(String, [Float])] {
    var g = SeededRandom(seed)
    return (0..<n).map { i in ("\(i)#0", (0..<dim).map { _ in Float.random(in: -1...1, using: &g) }) }
}

@Suite struct VectorMatrixTests {
    let workers = ParallelWorkers(width: 2, name: "test-scan")

    func matrix(_ vectors: [(String, [Float])], metadata: (Int) -> Metadata = { _ in [:] }) -> VectorMatrix {
        let m = VectorMatrix(dimension: vectors.first?.1.count ?? 4)
        for (i, (id, v)) in vectors.enumerated() {
            v.withUnsafeBufferPointer { m.upsert(id: id, vector: $0, metadata: metadata(i)) }
        }
        return m
    }

    func matches(_ m: VectorMatrix, _ q: [Float], k: Int, filter: MetadataFilter? = nil) -> [VectorMatch] {
        m.search(q, topK: k, filter: filter, workers: workers).map { VectorMatch(id: m.ids[$0.row], score: $0.score) }
    }

    @Test func exactTopTenEqualsBruteForceOnTwentyThousandRandomVectors() {
        let vectors = randomVectors(20_000, dim: 384, seed: 42)
        let m = matrix(vectors)
        var g = SeededRandom(7)
        for _ in 0..<5 {
            let q = (0..<384).map { _ in Float.random(in: -1...1, using: &g) }
            #expect(sameTopK(matches(m, q, k: 10), bruteForce(q, vectors), k: 10))
        }
        // A stored vector as the query finds itself first with score 1.
        let own = matches(m, vectors[123].1, k: 1)
        #expect(own.first?.id == "123#0")
        #expect(abs((own.first?.score ?? 0) - 1) < 1e-5)
    }

    @Test func clusteredVectorsWithCloseScoresStayExact() {
        // Many near-duplicates make the int8 bounds overlap; the exact re-rank must still decide.
        var g = SeededRandom(3)
        let base = (0..<64).map { _ in Float.random(in: -1...1, using: &g) }
        let vectors = (0..<3_000).map { i in ("c\(i)", base.map { $0 + Float.random(in: -0.01...0.01, using: &g) }) }
        let m = matrix(vectors)
        let q = base.map { $0 + Float.random(in: -0.02...0.02, using: &g) }
        #expect(sameTopK(matches(m, q, k: 25), bruteForce(q, vectors), k: 25))
    }

    @Test func upsertReplacesAndRemoveKeepsRowsContiguous() {
        let vectors = randomVectors(50, dim: 8, seed: 1)
        let m = matrix(vectors, metadata: { ["n": .number(Double($0))] })
        #expect(m.count == 50)
        #expect(m.remove(id: "10#0"))
        #expect(!m.remove(id: "10#0"))
        #expect(m.count == 49)
        // The last row moved into the hole and kept its own metadata.
        #expect(m.metadata(row: m.row(of: "49#0")!) == ["n": .number(49)])
        let replacement: [Float] = [1, 0, 0, 0, 0, 0, 0, 0]
        replacement.withUnsafeBufferPointer { m.upsert(id: "3#0", vector: $0, metadata: ["n": .string("three")]) }
        #expect(m.count == 49)
        #expect(m.metadata(row: m.row(of: "3#0")!) == ["n": .string("three")])
        #expect(matches(m, replacement, k: 1).first?.id == "3#0")
        let remaining = vectors.filter { $0.0 != "10#0" && $0.0 != "3#0" } + [("3#0", replacement)]
        let q = vectors[20].1
        #expect(sameTopK(matches(m, q, k: 10), bruteForce(q, remaining), k: 10))
    }

    @Test func filtersSelectRowsByMetadata() throws {
        let vectors = randomVectors(2_000, dim: 16, seed: 9)
        let m = matrix(vectors) { i in
            var meta: Metadata = [
                "price": .number(Double(i % 100)), "category": .string(i % 2 == 0 ? "kitchen" : "garden"),
                "tags": .strings(i % 3 == 0 ? ["sale", "new"] : ["new"]),
            ]
            if i % 5 == 0 { meta["featured"] = .bool(true) }
            return meta
        }
        let q = vectors[0].1
        func check(_ json: String, _ keep: @escaping (Int) -> Bool) throws {
            let filter = try MetadataFilter(json: json)
            let got = matches(m, q, k: 10, filter: filter)
            let expected = bruteForce(q, vectors) { keep(Int($0.split(separator: "#")[0])!) }
            #expect(sameTopK(got, expected, k: 10), "filter \(json)")
        }
        try check(#"{"price": {"$gte": 10, "$lt": 20}}"#) { (10..<20).contains($0 % 100) }
        try check(#"{"category": "garden"}"#) { $0 % 2 == 1 }
        try check(#"{"tags": {"$in": ["sale"]}}"#) { $0 % 3 == 0 }
        try check(#"{"tags": {"$nin": ["sale"]}}"#) { $0 % 3 != 0 }
        try check(#"{"featured": {"$exists": false}}"#) { $0 % 5 != 0 }
        try check(#"{"$or": [{"price": {"$lte": 2}}, {"featured": true}]}"#) { $0 % 100 <= 2 || $0 % 5 == 0 }
        try check(#"{"category": {"$ne": "kitchen"}, "price": {"$in": [1, 3, 5]}}"#) { $0 % 2 == 1 && [1, 3, 5].contains($0 % 100) }
        #expect(matches(m, q, k: 10, filter: try MetadataFilter(json: #"{"price": {"$gt": 1000}}"#)).isEmpty)
    }

    @Test func topKLargerThanTheIndexReturnsEverything() {
        let vectors = randomVectors(7, dim: 8, seed: 5)
        let m = matrix(vectors)
        #expect(matches(m, vectors[0].1, k: 100).count == 7)
    }
}

@Suite struct MetadataJSONTests {
    @Test func fastParserReadsWhatTheIndexWrites() {
        let metadata: Metadata = [
            "id": .number(42), "name": .string("Mug \"Deluxe\" ✓"), "price": .number(12.5),
            "on_sale": .bool(false), "tags": .strings(["a", "b\\c"]),
        ]
        let json = MetadataJSON.encode(metadata)
        let decoded = Array(json.utf8).withUnsafeBufferPointer { MetadataJSON.decode($0) }
        #expect(decoded == metadata)
    }

    @Test func nestedValuesFallBackInsteadOfFailing() {
        let decoded = Array(#"{"a": 1, "b": {"c": 2}}"#.utf8).withUnsafeBufferPointer { MetadataJSON.decode($0) }
        #expect(decoded == [:])
    }
}

@Suite struct MetadataColumnTests {
    /// Regression: a row added without a key, moved into a deleted row's place, inherited
    /// the deleted row's value for that key.
    @Test func removingMovesAbsentValuesToo() {
        let m = VectorMatrix(dimension: 2)
        let v: [Float] = [1, 0]
        v.withUnsafeBufferPointer { m.upsert(id: "a", vector: $0, metadata: ["price": .number(5)]) }
        v.withUnsafeBufferPointer { m.upsert(id: "b", vector: $0, metadata: ["price": .number(6)]) }
        v.withUnsafeBufferPointer { m.upsert(id: "c", vector: $0, metadata: [:]) }
        m.remove(id: "a")
        #expect(m.metadata(row: m.row(of: "c")!) == [:])
        #expect(m.metadata(row: m.row(of: "b")!) == ["price": .number(6)])
        // Replacing a row drops keys its new metadata lacks.
        v.withUnsafeBufferPointer { m.upsert(id: "b", vector: $0, metadata: ["name": .string("x")]) }
        #expect(m.metadata(row: m.row(of: "b")!) == ["name": .string("x")])
    }
}
