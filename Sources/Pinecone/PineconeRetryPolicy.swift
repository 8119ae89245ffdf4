import Foundation
import HTTP

/// When Pinecone calls are retried and how long to wait in between.
///
/// Retried: 408, 429 and 5xx replies, and failures where no reply came back (refused,
/// reset, timed out). Never any other 4xx: a request Pinecone rejected (bad key, dimension
/// mismatch, missing index) would be rejected again. Upserts and deletes by id are
/// idempotent, so retrying them is safe.
///
/// The delay before retry *n* is `base × 2^(n−1)`, capped at ``maxDelay``, times a jitter
/// factor in [1 − ``jitter``, 1 + ``jitter``) (the shape of Pinecone's Node client: 200 ms
/// base, ±12.5 %, 20 s cap). A `Retry-After` header (seconds) wins when it asks for longer,
/// up to ``maxRetryAfter``, because Pinecone's 429s say when the quota refills.
///
/// Sleep and randomness are injected so tests neither wait nor depend on chance.
public struct PineconeRetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Fraction of the delay added or taken away at random.
    public var jitter: Double
    /// The longest `Retry-After` honoured; a longer one is cut to this.
    public var maxRetryAfter: Duration
    /// Suspends for the given time; tests pass a recorder that returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double

    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(20),
        jitter: Double = 0.125,
        maxRetryAfter: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.random = random
    }

    /// True for the statuses worth another attempt: 408, 429 and 5xx.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// True for transport failures worth another attempt (nothing came back).
    public static func isRetryable(_ error: HTTPError) -> Bool { error.isRetryable }

    /// The delay before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let factor = 1 + jitter * (2 * random() - 1)
        let computed = ceiling * factor
        if let retryAfter {
            return max(min(retryAfter, maxRetryAfter), computed)
        }
        return computed
    }

    /// Reads a `Retry-After` value in seconds (integer or decimal); nil for anything else,
    /// including the HTTP-date form, which Pinecone does not send.
    public static func retryAfter(_ header: String?) -> Duration? {
        guard let header, let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
            return nil
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
