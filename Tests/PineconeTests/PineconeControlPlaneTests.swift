import Catalog
import Foundation
import HTTP
import TestSupport
import Testing

@testable import Pinecone

@Suite("Control plane: create, describe, list, wait for readiness")
struct PineconeControlPlaneTests {
    @Test("create sends a serverless spec; a second create is a 409 that counts as success")
    func createIsIdempotent() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, controllerHost: server.controllerURL, retry: PineconeRetryPolicy(sleep: sleeps.sleep))
        let control = PineconeControlPlane(configuration: configuration)
        let spec = PineconeIndexSpec(name: "catalog", dimension: 384, metric: "cosine", cloud: "aws", region: "us-east-1")

        let first = try await control.createIndex(spec)
        guard case .created(let model) = first else { Issue.record("got \(first)"); return }
        #expect(model.name == "catalog")
        #expect(model.dimension == 384)
        #expect(model.metric == "cosine")
        #expect(model.spec?.serverless == .init(cloud: "aws", region: "us-east-1"))
        #expect(model.host == server.dataPlaneURL(index: "catalog").map { String($0.dropFirst("http://".count)) })

        let body = try #require(server.received.first { $0.method == "POST" }?.json?.objectValue)
        #expect(body["name"] == .string("catalog"))
        #expect(body["dimension"] == .number(384))
        #expect(body["metric"] == .string("cosine"))
        #expect(body["spec"] == .object(["serverless": .object(["cloud": .string("aws"), "region": .string("us-east-1")])]))

        let second = try await control.createIndex(spec)
        guard case .alreadyExisted(let existing) = second else { Issue.record("got \(second)"); return }
        #expect(existing.name == "catalog")
        #expect(sleeps.delays.isEmpty, "409 is not retried")

        let listed = try await control.listIndexes()
        #expect(listed.map(\.name) == ["catalog"])
    }

    @Test("waitUntilReady polls describe until status.ready, sleeping through the injected sleep")
    func waitsForReady() async throws {
        let server = try PineconeTestServer(readyAfterDescribes: 2)
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, indexName: "catalog", controllerHost: server.controllerURL,
            retry: PineconeRetryPolicy(sleep: sleeps.sleep))
        let control = PineconeControlPlane(configuration: configuration)
        let created = try await control.createIndex(PineconeIndexSpec(name: "catalog", dimension: 4))
        #expect(created.model.isReady == false)
        await #expect(throws: PineconeError.indexNotReady(index: "catalog", state: "Initializing")) {
            _ = try await PineconeIndex.open(configuration: configuration)
        }
        let ready = try await control.waitUntilReady(named: "catalog", pollInterval: .seconds(2))
        #expect(ready.isReady)
        #expect(sleeps.delays == [.seconds(2)])
        let index = try await PineconeIndex.open(configuration: configuration)
        #expect(index.dimension == 4)
    }

    @Test("ensureIndex creates and waits, accepts an existing index of the same shape, refuses another shape")
    func ensureIndex() async throws {
        let server = try PineconeTestServer(readyAfterDescribes: 1)
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, controllerHost: server.controllerURL, retry: PineconeRetryPolicy(sleep: sleeps.sleep))
        let control = PineconeControlPlane(configuration: configuration)
        let spec = PineconeIndexSpec(name: "catalog", dimension: 384)
        let first = try await control.ensureIndex(spec, pollInterval: .seconds(1))
        #expect(first.created && first.model.isReady)
        #expect(sleeps.delays == [.seconds(1)])
        let second = try await control.ensureIndex(spec)
        #expect(!second.created && second.model.isReady)
        await #expect(
            throws: PineconeError.indexShapeMismatch(index: "catalog", expected: "768 dimensions, cosine", found: "384 dimensions, cosine")
        ) {
            _ = try await control.ensureIndex(PineconeIndexSpec(name: "catalog", dimension: 768))
        }
    }

    @Test("waitUntilReady gives up after its timeout")
    func readinessTimeout() async throws {
        let server = try PineconeTestServer(readyAfterDescribes: 100)
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, controllerHost: server.controllerURL, retry: PineconeRetryPolicy(sleep: sleeps.sleep))
        let control = PineconeControlPlane(configuration: configuration)
        _ = try await control.createIndex(PineconeIndexSpec(name: "slow", dimension: 4))
        await #expect(throws: PineconeError.indexNotReady(index: "slow", state: "Initializing")) {
            _ = try await control.waitUntilReady(named: "slow", timeout: .seconds(10), pollInterval: .seconds(5))
        }
        #expect(sleeps.delays == [.seconds(5), .seconds(5)])
    }

    @Test("the test server refuses what Pinecone refuses: bad names, bad metric, oversized batches")
    func serverEnforcesLimits() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, controllerHost: server.controllerURL, retry: PineconeRetryPolicy(sleep: { _ in }))
        let control = PineconeControlPlane(configuration: configuration)
        await #expect(throws: PineconeError.self) { _ = try await control.createIndex(PineconeIndexSpec(name: "Bad_Name")) }
        await #expect(throws: PineconeError.self) { _ = try await control.createIndex(PineconeIndexSpec(name: "ok", metric: "manhattan")) }

        // Past the client's own splitting: 1,001 records in one request, and a body over 2 MB.
        let host = try server.createIndex(name: "raw", dimension: 2)
        let raw = try PineconeConfiguration(apiKey: server.apiKey, dataPlaneHost: host, retry: PineconeRetryPolicy(sleep: { _ in }))
        let records = (0..<1_001).map { VectorRecord(id: "\($0)", values: [1, 1]) }
        let split = try PineconeIndex.upsertBodies(records, namespace: "n", maxBytes: 10_000_000, maxRecords: 1_000)
        #expect(split.count == 2, "the client splits at 1,000")
        let encoded = try records.map { try PineconeIndex.encode($0) }
        let oneBody =
            Array(#"{"namespace":"n","vectors":["#.utf8) + Array(encoded.joined(separator: [UInt8(ascii: ",")]))
            + Array("]}".utf8)
        let transport = PineconeTransport(configuration: raw)
        await #expect(throws: PineconeError.rejected(status: 400, operation: "upsert", message: "Upsert takes 1 to 1000 vectors, got 1001"))
        {
            _ = try await transport.send(.post, baseURL: host, path: "/vectors/upsert", body: oneBody, operation: "upsert", index: nil)
        }
        let big = (0..<200).map {
            VectorRecord(id: "\($0)", values: [1, 1], metadata: ["text": .string(String(repeating: "x", count: 12_000))])
        }
        let bigBody = try #require(try PineconeIndex.upsertBodies(big, namespace: "n", maxBytes: 10_000_000, maxRecords: 1_000).first)
        #expect(bigBody.count > 2 * 1024 * 1024)
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                _ = try await transport.send(.post, baseURL: host, path: "/vectors/upsert", body: bigBody, operation: "upsert", index: nil)
            })
        guard case .rejected(400, _, let message) = error else { Issue.record("got \(error)"); return }
        #expect(message.contains("exceeds the maximum"))
    }

    @Test("the test server refuses more than 1,000 ids in one fetch or delete, and a missing API version")
    func serverEnforcesIDLimits() async throws {
        let server = try PineconeTestServer()
        defer { server.stop() }
        let host = try server.createIndex(name: "ids", dimension: 2)
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, dataPlaneHost: host, retry: PineconeRetryPolicy(sleep: { _ in }))
        let transport = PineconeTransport(configuration: configuration)
        let ids = (0..<1_001).map { "\($0)#0" }
        let query = ids.map { "ids=" + PineconeTransport.percentEncode($0) }.joined(separator: "&") + "&namespace=products"
        await #expect(throws: PineconeError.rejected(status: 400, operation: "fetch", message: "Fetch takes at most 1000 ids, got 1001")) {
            _ = try await transport.send(.get, baseURL: host, path: "/vectors/fetch", query: query, operation: "fetch", index: nil)
        }
        let body = try transport.encode(
            ["namespace": JSONValue.string("products"), "ids": .array(ids.map { .string($0) })], operation: "delete")
        await #expect(throws: PineconeError.rejected(status: 400, operation: "delete", message: "Delete takes 1 to 1000 ids, got 1001")) {
            _ = try await transport.send(.post, baseURL: host, path: "/vectors/delete", body: body, operation: "delete", index: nil)
        }
        let bare = try await HTTPClient().send(
            HTTPRequest(
                method: .post, url: host + "/describe_index_stats",
                headers: ["Api-Key": server.apiKey], body: Array("{}".utf8)))
        #expect(bare.status == 400)
    }

    @Test("upsert bodies stay within the byte budget and a single oversized record is refused")
    func upsertBodyBudget() throws {
        let records = (0..<10).map { VectorRecord(id: "\($0)#0", values: [0.5, 0.25]) }
        let one = try PineconeIndex.encode(records[0])
        #expect(String(decoding: one, as: UTF8.self) == #"{"id":"0#0","values":[0.5,0.25]}"#)
        let overhead = #"{"namespace":"products","vectors":[]}"#.utf8.count
        let budget = overhead + 3 * one.count + 2
        let bodies = try PineconeIndex.upsertBodies(records, namespace: "products", maxBytes: budget, maxRecords: 1_000)
        #expect(bodies.map(\.count).allSatisfy { $0 <= budget })
        #expect(bodies.count == 4)
        let decoded = try bodies.map { try JSONDecoder().decode(JSONValue.self, from: Data($0)) }
        #expect(decoded.count == 4)
        #expect(throws: PineconeError.self) {
            _ = try PineconeIndex.upsertBodies(records, namespace: "products", maxBytes: overhead + 5, maxRecords: 1_000)
        }
        #expect(throws: PineconeError.self) { _ = try PineconeIndex.encode(VectorRecord(id: "x", values: [.nan, 1])) }
        #expect(throws: PineconeError.self) { _ = try PineconeIndex.encode(VectorRecord(id: "", values: [1])) }
        #expect(PineconeIndex.jsonString("a\"b\\c\n\u{1}é") == #""a\"b\\c\n\u0001é""#)
    }
}
