import Foundation
import HTTP
import Logging
import Testing

@testable import Telemetry

@Suite struct TelemetryTests {
    @Test func jsonLogLinesCarryFieldsAndMetadata() throws {
        let sink = LogSink.memory()
        var logger = Logger(label: "refarch.sync.emu") { label in
            JSONLogHandler(label: label, level: .info, fields: ["worker": "emu", "worker_id": "task-1"], sink: sink)
        }
        logger[metadataKey: "batch"] = .stringConvertible(7)
        logger.info("Batch upserted", metadata: ["batch_size": .stringConvertible(32), "elapsed_ms": .stringConvertible(12.5)])
        logger.debug("not shown")
        #expect(sink.recorded.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(sink.recorded[0].utf8)) as? [String: Any]
        #expect(object?["msg"] as? String == "Batch upserted")
        #expect(object?["level"] as? String == "info")
        #expect(object?["worker"] as? String == "emu")
        #expect(object?["worker_id"] as? String == "task-1")
        #expect(object?["batch_size"] as? Int == 32)
        #expect(object?["elapsed_ms"] as? Double == 12.5)
        #expect(object?["batch"] as? Int == 7)
        #expect(object?["ts"] is String)
    }

    @Test("string metadata stays a JSON string even when it looks like a number")
    func numericLookingStringsStayStrings() throws {
        let sink = LogSink.memory()
        let logger = Logger(label: "refarch.sync.emu") { JSONLogHandler(label: $0, level: .info, sink: sink) }
        logger.info(
            "Product synced",
            metadata: [
                "product_id": "00123", "sku": "1e5", "price": "12.50", "count": "7", "flag": "true",
                "ids": ["0042", .stringConvertible(3)], "nested": ["zip": "02139"],
            ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sink.recorded[0].utf8)) as? [String: Any])
        #expect(object["product_id"] as? String == "00123")
        #expect(object["sku"] as? String == "1e5")
        #expect(object["price"] as? String == "12.50")
        #expect(object["count"] as? String == "7")
        #expect(object["flag"] as? String == "true")
        let ids = try #require(object["ids"] as? [Any])
        #expect(ids.first as? String == "0042")
        #expect((ids.last as? NSNumber)?.intValue == 3 && !(ids.last is String))
        #expect((object["nested"] as? [String: Any])?["zip"] as? String == "02139")
        // The raw line too: quoted, with its leading zeros.
        #expect(sink.recorded[0].contains("\"product_id\":\"00123\""))
    }

    @Test("timestamps are UTC ISO 8601 with milliseconds, from one shared style, and track the clock")
    func timestampsComeFromOneSharedStyle() throws {
        let sink = LogSink.memory()
        let logger = Logger(label: "refarch.test") { JSONLogHandler(label: $0, level: .info, sink: sink) }
        let before = Date()
        logger.info("one")
        logger.info("two")
        let after = Date()
        for line in sink.recorded {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let ts = try #require(object["ts"] as? String)
            #expect(ts.hasSuffix("Z") && ts.contains("."), "\(ts)")
            let parsed = try Date(ts, strategy: JSONLogHandler.timestampStyle)
            // Millisecond precision: allow the truncation either side.
            #expect(parsed >= before.addingTimeInterval(-0.001) && parsed <= after.addingTimeInterval(0.001), "\(ts)")
        }
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1.5)) == "1970-01-01T00:00:01.500Z")
    }

    @Test("a file sink creates its folder and appends whole lines after what was there")
    func fileSinkAppends() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("logs/console.log").path
        for run in 1...2 {
            let sink = try LogSink.file(path: path)
            let logger = Logger(label: "refarch.console") { JSONLogHandler(label: $0, level: .info, sink: sink) }
            logger.warning("Console request failed", metadata: ["run": "\(run)"])
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let runs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["run"] as? String }
        #expect(runs == ["1", "2"])
    }

    @Test func prometheusTextFormat() {
        let registry = MetricsRegistry()
        registry.increment(RefarchMetric.messages, labels: [("direction", "in")])
        registry.increment(RefarchMetric.messages, by: 2, labels: [("direction", "in")])
        registry.set(RefarchMetric.outboxLagSeconds, 4)
        registry.observe(RefarchMetric.embedSeconds, 0.02)
        registry.observe(RefarchMetric.embedSeconds, 0.2)
        let text = registry.render()
        #expect(
            text.contains(
                "# HELP refarch_messages_total Messages sent (pelican) or received (emu).\n# TYPE refarch_messages_total counter\nrefarch_messages_total{direction=\"in\"} 3\n"
            ))
        #expect(text.contains("# HELP refarch_outbox_lag_seconds Age of the oldest outbox row in the last batch.\n"))
        #expect(text.contains("refarch_outbox_lag_seconds 4.0\n"))
        #expect(text.contains("# TYPE refarch_embed_seconds histogram\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"0.01\"} 0\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"0.025\"} 1\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"+Inf\"} 2\n"))
        #expect(text.contains("refarch_embed_seconds_count 2\n"))
        #expect(registry.value("refarch_messages_total", labels: [("direction", "in")]) == 3)
        #expect(registry.histogramTotals("refarch_embed_seconds")?.count == 2)
    }

    @Test("pelican's and emu's batch sizes are one histogram with the buckets of its one definition")
    func batchSizeHasOneDefinition() throws {
        let registry = MetricsRegistry()
        // As in run-local: both workers record into one registry, emu first.
        registry.observe(RefarchMetric.batchSize, 3, labels: [("worker", "emu")])
        registry.observe(RefarchMetric.batchSize, 300, labels: [("worker", "pelican")])
        guard case .histogram(let defined) = RefarchMetric.batchSize.kind else {
            Issue.record("refarch_batch_size is not a histogram")
            return
        }
        #expect(registry.renderedBuckets("refarch_batch_size", labels: [("worker", "emu")]) == defined)
        #expect(registry.renderedBuckets("refarch_batch_size", labels: [("worker", "pelican")]) == defined)
        // Pelican's batches reach hundreds of rows: the buckets must tell 300 from 1000.
        #expect(defined.contains { $0 > 250 && $0 < 1000 })
        let text = registry.render()
        #expect(text.components(separatedBy: "# TYPE refarch_batch_size histogram").count == 2)
        #expect(text.contains("# HELP refarch_batch_size Items per batch.\n"))
    }

    @Test("every definition's name is unique and valid for Prometheus, and histograms have ascending buckets")
    func definitionsAreWellFormed() {
        for (name, definition) in RefarchMetric.all {
            #expect(name == definition.name)
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            #expect(!definition.help.isEmpty)
            if case .histogram(let buckets) = definition.kind {
                #expect(!buckets.isEmpty && buckets == buckets.sorted() && Set(buckets).count == buckets.count)
            }
        }
    }

    @Test func serverAnswersHealthAndMetrics() async throws {
        let registry = MetricsRegistry()
        registry.increment(RefarchMetric.errors, labels: [("kind", "index")])
        let healthy = HealthFlag()
        let server = try MetricsServer(port: 0, registry: registry) { healthy.value }
        defer { server.stop() }
        let http = HTTPClient()
        let ok = try await http.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(server.port)/healthz"))
        #expect(ok.status == 200)
        healthy.value = false
        let bad = try await http.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(server.port)/healthz"))
        #expect(bad.status == 503)
        let metrics = try await http.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(server.port)/metrics"))
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("refarch_errors_total{kind=\"index\"} 1"))
    }
}

final class HealthFlag: @unchecked Sendable {
    // @unchecked Sendable: a test-only flag guarded by its lock.
    private let lock = NSLock()
    private var stored = true
    var value: Bool {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
