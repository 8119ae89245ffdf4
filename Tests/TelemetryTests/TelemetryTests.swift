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
        logger[metadataKey: "batch"] = "7"
        logger.info("Batch upserted", metadata: ["batch_size": "32", "elapsed_ms": "12.5"])
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
        let runs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["run"] as? Int }
        #expect(runs == [1, 2])
    }

    @Test func prometheusTextFormat() {
        let registry = MetricsRegistry()
        registry.increment("refarch_messages_total", labels: ["direction": "in"], help: "Messages received.")
        registry.increment("refarch_messages_total", by: 2, labels: ["direction": "in"])
        registry.set("refarch_outbox_lag", 4)
        registry.observe("refarch_embed_seconds", 0.02, buckets: [0.01, 0.05, 0.1])
        registry.observe("refarch_embed_seconds", 0.2, buckets: [0.01, 0.05, 0.1])
        let text = registry.render()
        #expect(
            text.contains(
                "# HELP refarch_messages_total Messages received.\n# TYPE refarch_messages_total counter\nrefarch_messages_total{direction=\"in\"} 3\n"
            ))
        #expect(text.contains("refarch_outbox_lag 4\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"0.01\"} 0\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"0.05\"} 1\n"))
        #expect(text.contains("refarch_embed_seconds_bucket{le=\"+Inf\"} 2\n"))
        #expect(text.contains("refarch_embed_seconds_count 2\n"))
        #expect(registry.value("refarch_messages_total", labels: ["direction": "in"]) == 3)
    }

    @Test func serverAnswersHealthAndMetrics() async throws {
        let registry = MetricsRegistry()
        registry.increment("refarch_errors_total", labels: ["kind": "index"])
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
