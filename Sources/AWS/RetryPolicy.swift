import Foundation
import HTTP
import Synchronization

/// AWS "standard" retry mode: which failures to retry, how long to wait, and when to give up.
///
/// Up to ``maxAttempts`` attempts (3). Retried: no response (connection refused, timeout,
/// reset), HTTP 500/502/503/504 and 429, and the throttling and transient codes; never any
/// other 4xx, because a request the service rejected will be rejected again. The delay before
/// retry *n* is `random[0,1) × min(base × 2^(n−1), 20 s)` ("full jitter"): 50 ms base for
/// ordinary errors and 1 s for throttling (the 2026 rules). `x-amz-retry-after` is honoured,
/// clamped to [computed, computed + 5 s]. A token bucket (500 tokens; a retry costs 14, or 5
/// when throttled; a success refunds) stops a failing client from multiplying load.
///
/// Sleep and randomness are injected, so tests neither wait nor depend on chance.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var throttlingBaseDelay: Duration
    public var maxBackoff: Duration
    /// Suspends for the given time; tests pass a recorder that returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double
    /// The retry quota shared by every request of the clients built with this policy.
    public let quota: RetryQuota

    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(50),
        throttlingBaseDelay: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(20),
        quota: RetryQuota = RetryQuota(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.throttlingBaseDelay = throttlingBaseDelay
        self.maxBackoff = maxBackoff
        self.quota = quota
        self.sleep = sleep
        self.random = random
    }

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "Throttled", "KmsThrottled", "KMSThrottling", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]
    static let retryableStatuses: Set<Int> = [500, 502, 503, 504]

    public static func isThrottlingCode(_ code: String) -> Bool { throttlingCodes.contains(code) }

    /// What kind of failure an attempt ended with, as far as retrying is concerned.
    public enum FailureKind: Sendable, Equatable {
        case throttling
        case transient
        case notRetryable
    }

    /// Classifies a service error reply.
    public static func classify(statusCode: Int, code: String?) -> FailureKind {
        if let code, throttlingCodes.contains(code) { return .throttling }
        if statusCode == 429 { return .throttling }
        if let code, transientCodes.contains(code) { return .transient }
        if retryableStatuses.contains(statusCode) { return .transient }
        return .notRetryable
    }

    /// Classifies a transport failure.
    public static func classify(_ error: HTTPError) -> FailureKind {
        error.isRetryable ? .transient : .notRetryable
    }

    /// The delay before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, kind: FailureKind, retryAfter: Duration? = nil) -> Duration {
        let base = kind == .throttling ? throttlingBaseDelay : baseDelay
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(base * (1 << exponent), maxBackoff)
        let computed = ceiling * random()
        if let retryAfter {
            return min(max(retryAfter, computed), computed + .seconds(5))
        }
        return computed
    }
}

/// The standard-mode retry token bucket (shared by copies of a ``RetryPolicy``).
public final class RetryQuota: Sendable {
    private let tokens: Mutex<Int>
    public let capacity: Int

    public init(capacity: Int = 500) {
        self.capacity = capacity
        self.tokens = Mutex(capacity)
    }

    /// Takes the cost of one retry; false (and nothing taken) when the bucket is too low.
    func acquire(for kind: RetryPolicy.FailureKind) -> Int? {
        let cost = kind == .throttling ? 5 : 14
        return tokens.withLock { value in
            guard value >= cost else { return nil }
            value -= cost
            return cost
        }
    }

    /// Gives back what a retry that then succeeded took (or 1 for a first-try success).
    func refund(_ amount: Int) {
        tokens.withLock { $0 = min(capacity, $0 + amount) }
    }

    public var available: Int { tokens.withLock { $0 } }
}
