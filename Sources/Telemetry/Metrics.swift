import Foundation
import Synchronization

/// Counters, gauges and histograms, rendered in Prometheus' text format for `/metrics`.
///
/// Small on purpose: the workers need a dozen series, and this avoids a metrics framework
/// on every build. Thread-safe; recording is a lock and an add.
public final class MetricsRegistry: Sendable {
    struct Series: Sendable {
        var kind: String
        var help: String
        var values: [String: Double] = [:]  // label set → value (counters, gauges)
        var buckets: [Double] = []
        var histograms: [String: Histogram] = [:]  // label set → histogram
    }

    struct Histogram: Sendable {
        var counts: [Int]
        var sum = 0.0
        var count = 0
    }

    private let series = Mutex<[String: Series]>([:])

    public init() {}

    /// Adds `amount` to a counter.
    public func increment(_ name: String, by amount: Double = 1, labels: [String: String] = [:], help: String = "") {
        series.withLock { s in
            s[name, default: Series(kind: "counter", help: help)].values[Self.key(labels), default: 0] += amount
        }
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Double, labels: [String: String] = [:], help: String = "") {
        series.withLock { s in s[name, default: Series(kind: "gauge", help: help)].values[Self.key(labels)] = value }
    }

    /// Records one observation in a histogram with the given bucket upper bounds.
    public func observe(_ name: String, _ value: Double, buckets: [Double], labels: [String: String] = [:], help: String = "") {
        series.withLock { s in
            var entry = s[name] ?? Series(kind: "histogram", help: help, buckets: buckets)
            var h = entry.histograms[Self.key(labels)] ?? Histogram(counts: [Int](repeating: 0, count: entry.buckets.count))
            for (i, bound) in entry.buckets.enumerated() where value <= bound { h.counts[i] += 1 }
            h.sum += value
            h.count += 1
            entry.histograms[Self.key(labels)] = h
            s[name] = entry
        }
    }

    /// The current value of a counter or gauge (for health checks and tests).
    public func value(_ name: String, labels: [String: String] = [:]) -> Double? {
        series.withLock { $0[name]?.values[Self.key(labels)] }
    }

    /// The sum and count of a histogram's observations (for benchmarks and tests).
    public func histogramTotals(_ name: String, labels: [String: String] = [:]) -> (sum: Double, count: Int)? {
        series.withLock { $0[name]?.histograms[Self.key(labels)].map { ($0.sum, $0.count) } }
    }

    /// Everything in Prometheus' text exposition format.
    public func render() -> String {
        let snapshot = series.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            let s = snapshot[name]!
            if !s.help.isEmpty { out += "# HELP \(name) \(s.help)\n" }
            out += "# TYPE \(name) \(s.kind)\n"
            for labels in s.values.keys.sorted() {
                out += "\(name)\(labels) \(Self.format(s.values[labels]!))\n"
            }
            for labels in s.histograms.keys.sorted() {
                let h = s.histograms[labels]!
                for (i, bound) in s.buckets.enumerated() {
                    out += "\(name)_bucket\(Self.adding(labels, "le", Self.format(bound))) \(h.counts[i])\n"
                }
                out += "\(name)_bucket\(Self.adding(labels, "le", "+Inf")) \(h.count)\n"
                out += "\(name)_sum\(labels) \(Self.format(h.sum))\n"
                out += "\(name)_count\(labels) \(h.count)\n"
            }
        }
        return out
    }

    static func key(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",") + "}"
    }

    static func adding(_ labels: String, _ key: String, _ value: String) -> String {
        labels.isEmpty ? "{\(key)=\"\(value)\"}" : String(labels.dropLast()) + ",\(key)=\"\(value)\"}"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
            of: "\n", with: "\\n")
    }

    static func format(_ v: Double) -> String {
        v.rounded() == v && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
