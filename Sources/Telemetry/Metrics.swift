import CoreMetrics
import Foundation
import Prometheus

/// One metric's name, help text and kind (with a histogram's buckets), defined once in
/// ``RefarchMetric`` so that every worker records it the same way.
public struct MetricDefinition: Sendable, Equatable {
    /// What a metric is; a histogram carries its bucket upper bounds.
    public enum Kind: Sendable, Equatable {
        case counter
        case gauge
        case histogram(buckets: [Double])
    }

    public let name: String
    public let help: String
    public let kind: Kind

    public init(name: String, help: String, kind: Kind) {
        self.name = name
        self.help = help
        self.kind = kind
    }

    var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
}

/// Every metric the workers export. Recording code names one of these, never a string, so a
/// name's help and buckets cannot differ between pelican, emu and `run-local`.
public enum RefarchMetric {
    static let secondsBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    public static let messages = MetricDefinition(
        name: "refarch_messages_total", help: "Messages sent (pelican) or received (emu).", kind: .counter)
    public static let errors = MetricDefinition(name: "refarch_errors_total", help: "Errors by kind.", kind: .counter)
    /// Outbox rows per pelican batch and queue messages per emu batch: one bucket list covering
    /// both (emu's batches are at most a queue receive's worth, pelican's up to its batch limit).
    public static let batchSize = MetricDefinition(
        name: "refarch_batch_size", help: "Items per batch.",
        kind: .histogram(buckets: [1, 2, 4, 8, 16, 32, 64, 128, 250, 500, 1000]))
    public static let outboxLagSeconds = MetricDefinition(
        name: "refarch_outbox_lag_seconds", help: "Age of the oldest outbox row in the last batch.", kind: .gauge)
    public static let embedSeconds = MetricDefinition(
        name: "refarch_embed_seconds", help: "Time to embed one batch.", kind: .histogram(buckets: secondsBuckets))
    public static let upsertSeconds = MetricDefinition(
        name: "refarch_upsert_seconds", help: "Time to write one batch to the index.",
        kind: .histogram(buckets: secondsBuckets))
    public static let metadataUpdateSeconds = MetricDefinition(
        name: "refarch_metadata_update_seconds", help: "Time to update the metadata of one batch's unchanged texts.",
        kind: .histogram(buckets: secondsBuckets))
    /// Products emu wrote, labelled `action`: `embedded` again or `metadata_only` (text unchanged).
    public static let products = MetricDefinition(
        name: "refarch_products_total", help: "Products emu wrote, by what it did: embedded again or metadata only.",
        kind: .counter)
    public static let syncPaused = MetricDefinition(
        name: "refarch_sync_paused", help: "1 while the sync is paused.", kind: .gauge)
    /// The AIMD limiter's rate towards a service, labelled `service` (`pinecone`, `sqs`).
    public static let rateLimit = MetricDefinition(
        name: "refarch_rate_limit_per_second",
        help:
            "Requests per second the worker allows itself towards a service now "
            + "(halved when throttled, growing back while calls succeed).",
        kind: .gauge)
    /// Throttled replies (429, AWS throttling codes), labelled `service`: back-pressure, not errors.
    public static let throttled = MetricDefinition(
        name: "refarch_throttled_requests_total",
        help: "Requests a service throttled (HTTP 429 or an AWS throttling code); retried at a slower pace, never dead-lettered.",
        kind: .counter)
    /// Emu's embedding work per sub-batch, in word pieces.
    public static let batchWordPieces = MetricDefinition(
        name: "refarch_batch_word_pieces", help: "Word pieces embedded per emu sub-batch (bounded by the word-piece budget).",
        kind: .histogram(buckets: [64, 256, 1024, 2048, 4096, 8192, 16384, 32768]))

    /// All definitions, by name.
    public static let all: [String: MetricDefinition] = Dictionary(
        uniqueKeysWithValues: [
            messages, errors, batchSize, outboxLagSeconds, embedSeconds, upsertSeconds, metadataUpdateSeconds, products,
            syncPaused, rateLimit, throttled, batchWordPieces,
        ].map { ($0.name, $0) })
}

/// A swift-metrics factory that records into a Prometheus registry, taking each metric's help
/// and buckets from its ``MetricDefinition`` (swift-prometheus' own factory drops help text and
/// keys buckets by name in a second place).
///
/// Passed explicitly to whatever records (nothing here bootstraps the process-wide
/// `MetricsSystem`), so tests each get their own registry.
public struct DefinedMetricsFactory: MetricsFactory {
    public let registry: PrometheusCollectorRegistry
    let definitions: [String: MetricDefinition]
    let fallback: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry, definitions: [String: MetricDefinition] = RefarchMetric.all) {
        self.registry = registry
        self.definitions = definitions
        self.fallback = PrometheusMetricsFactory(registry: registry)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let definition = definitions[label] else { return fallback.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: definition.descriptor, labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        guard let definition = definitions[label] else {
            return fallback.makeFloatingPointCounter(label: label, dimensions: dimensions)
        }
        return registry.makeCounter(descriptor: definition.descriptor, labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let definition = definitions[label] else {
            return fallback.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        if case .histogram(let buckets) = definition.kind {
            return registry.makeValueHistogram(descriptor: definition.descriptor, labels: dimensions, buckets: buckets)
        }
        return registry.makeGauge(descriptor: definition.descriptor, labels: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let definition = definitions[label] else { return fallback.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(descriptor: definition.descriptor, labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        fallback.makeTimer(label: label, dimensions: dimensions)
    }

    public func destroyCounter(_ handler: any CounterHandler) { fallback.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        fallback.destroyFloatingPointCounter(handler)
    }
    public func destroyRecorder(_ handler: any RecorderHandler) { fallback.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { fallback.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { fallback.destroyTimer(handler) }
}

/// The workers' metrics: swift-metrics handles over one Prometheus registry, rendered for
/// `/metrics`. One per process (or per test); pelican and emu in `run-local` share it.
public final class MetricsRegistry: Sendable {
    /// Where the series live; `/metrics` renders it.
    public let prometheus: PrometheusCollectorRegistry
    /// The swift-metrics factory recording code uses.
    public let factory: DefinedMetricsFactory

    public init() {
        prometheus = PrometheusCollectorRegistry()
        factory = DefinedMetricsFactory(registry: prometheus)
    }

    /// Adds `amount` to a counter.
    public func increment(_ metric: MetricDefinition, by amount: Int = 1, labels: [(String, String)] = []) {
        precondition(metric.kind == .counter, "\(metric.name) is not a counter")
        Counter(label: metric.name, dimensions: labels, factory: factory).increment(by: amount)
    }

    /// Sets a gauge.
    public func set(_ metric: MetricDefinition, _ value: Double, labels: [(String, String)] = []) {
        precondition(metric.kind == .gauge, "\(metric.name) is not a gauge")
        Gauge(label: metric.name, dimensions: labels, factory: factory).record(value)
    }

    /// Records one observation in a histogram (its buckets come from its definition).
    public func observe(_ metric: MetricDefinition, _ value: Double, labels: [(String, String)] = []) {
        guard case .histogram = metric.kind else { preconditionFailure("\(metric.name) is not a histogram") }
        Recorder(label: metric.name, dimensions: labels, aggregate: true, factory: factory).record(value)
    }

    /// Everything in Prometheus' text exposition format.
    public func render() -> String { prometheus.emitToString() }

    /// The current value of a counter or gauge, read back from the rendered text (for health
    /// checks, benchmarks and tests; labels in any order).
    public func value(_ name: String, labels: [(String, String)] = []) -> Double? {
        Self.sample(in: render(), name: name, labels: labels)
    }

    /// The sum and count of a histogram's observations (for benchmarks and tests).
    public func histogramTotals(_ name: String, labels: [(String, String)] = []) -> (sum: Double, count: Int)? {
        let text = render()
        guard let sum = Self.sample(in: text, name: name + "_sum", labels: labels),
            let count = Self.sample(in: text, name: name + "_count", labels: labels)
        else { return nil }
        return (sum, Int(count))
    }

    /// The bucket upper bounds rendered for one histogram series, in order (without +Inf).
    public func renderedBuckets(_ name: String, labels: [(String, String)] = []) -> [Double] {
        Self.samples(in: render(), name: name + "_bucket").compactMap { sampleLabels, _ in
            var rest = sampleLabels
            guard let bound = rest.removeValue(forKey: "le"), rest == Dictionary(uniqueKeysWithValues: labels) else { return nil }
            return Double(bound)
        }.filter(\.isFinite)
    }

    static func sample(in text: String, name: String, labels: [(String, String)]) -> Double? {
        let wanted = Dictionary(uniqueKeysWithValues: labels)
        return samples(in: text, name: name).first { $0.labels == wanted }?.value
    }

    /// Sample lines of one name: their labels and values.
    static func samples(in text: String, name: String) -> [(labels: [String: String], value: Double)] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), line.hasPrefix(name) else { return nil }
            var rest = line.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.first == "{" {
                guard let close = rest.lastIndex(of: "}") else { return nil }
                for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { return nil }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                rest = rest[rest.index(after: close)...]
            }
            guard rest.first == " ", let value = Double(rest.dropFirst()) else { return nil }
            return (labels, value)
        }
    }
}
