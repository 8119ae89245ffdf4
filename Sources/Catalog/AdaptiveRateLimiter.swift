import Synchronization

/// A request rate that bends under throttling: additive increase, multiplicative decrease
/// (AIMD), as TCP does with its window.
///
/// A service that answers 429 (Pinecone) or a throttling code (SQS) is asking for fewer
/// requests, not reporting a failure. Every request first takes a slot (``acquire()``),
/// spaced `1 / rate` apart; a throttled reply halves the rate (at most once per
/// ``Configuration/decreaseInterval``, so a burst of 429s answering the same moment counts
/// once), and while requests succeed the rate grows back by
/// ``Configuration/increasePerSecond`` each second, up to ``Configuration/maxRate``. Under
/// throttling that comes and goes the rate settles just under what the service allows;
/// under throttling that never stops it falls to ``Configuration/minRate`` and stays there,
/// which is the back-off.
///
/// The clock and the sleep are injected, so tests drive it with a manual clock.
public final class AdaptiveRateLimiter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Requests per second allowed at first and at most.
        public var maxRate: Double
        /// The floor: never slower than this.
        public var minRate: Double
        /// How much the rate grows per second while requests succeed (the additive step).
        public var increasePerSecond: Double
        /// What a throttled reply multiplies the rate by (the multiplicative step).
        public var decreaseFactor: Double
        /// The shortest time between two decreases.
        public var decreaseInterval: Duration

        public init(
            maxRate: Double, minRate: Double = 1, increasePerSecond: Double? = nil, decreaseFactor: Double = 0.5,
            decreaseInterval: Duration = .seconds(1)
        ) {
            self.maxRate = max(maxRate, 0.001)
            self.minRate = min(max(minRate, 0.001), self.maxRate)
            self.increasePerSecond = max(increasePerSecond ?? self.maxRate / 20, 0)
            self.decreaseFactor = min(max(decreaseFactor, 0.01), 1)
            self.decreaseInterval = decreaseInterval
        }
    }

    /// What changed, for metrics: the rate now and whether a throttled reply caused it.
    public struct Change: Sendable, Equatable {
        public var rate: Double
        public var throttled: Bool

        public init(rate: Double, throttled: Bool) {
            self.rate = rate
            self.throttled = throttled
        }
    }

    public let configuration: Configuration
    /// The time now, on a monotonic clock (any origin).
    private let now: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let state: Mutex<State>
    private let observers = Mutex<[@Sendable (Change) -> Void]>([])

    struct State {
        var rate: Double
        /// When the next slot is free.
        var nextSlot: Duration
        var lastIncrease: Duration
        var lastDecrease: Duration?
        var throttled = 0
    }

    public init(
        _ configuration: Configuration,
        now: @escaping @Sendable () -> Duration = AdaptiveRateLimiter.monotonicNow,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        self.now = now
        self.sleep = sleep
        let start = now()
        state = Mutex(State(rate: configuration.maxRate, nextSlot: start, lastIncrease: start))
    }

    /// The time since an arbitrary origin on the process's monotonic clock.
    public static let monotonicNow: @Sendable () -> Duration = {
        ContinuousClock.now - origin
    }
    private static let origin = ContinuousClock.now

    /// Requests per second allowed now.
    public var rate: Double { state.withLock { $0.rate } }

    /// Throttled replies seen so far.
    public var throttledCount: Int { state.withLock { $0.throttled } }

    /// Calls `observer` after every change of the rate (and every throttled reply).
    public func observe(_ observer: @escaping @Sendable (Change) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Takes the next slot and returns how long to wait for it (zero when it is free now),
    /// without waiting: ``acquire()`` waits.
    public func reserve() -> Duration {
        let now = now()
        return state.withLock { state in
            let slot = max(now, state.nextSlot)
            state.nextSlot = slot + Self.interval(state.rate)
            return slot - now
        }
    }

    /// Waits for the next slot.
    public func acquire() async throws {
        let wait = reserve()
        if wait > .zero { try await sleep(wait) }
    }

    /// A request succeeded: the rate grows by the additive step for the time since the last
    /// change (at most a second's worth, so a quiet spell earns nothing).
    public func recordSuccess() {
        let now = now()
        let change = state.withLock { state -> Change? in
            let elapsed = min(max(now - state.lastIncrease, .zero), .seconds(1))
            state.lastIncrease = now
            guard state.rate < configuration.maxRate else { return nil }
            state.rate = min(configuration.maxRate, state.rate + configuration.increasePerSecond * elapsed.seconds)
            return Change(rate: state.rate, throttled: false)
        }
        if let change { notify(change) }
    }

    /// A request was throttled: the rate is multiplied by the decrease factor, unless it was
    /// already decreased within the decrease interval. The next slot moves out accordingly.
    public func recordThrottle() {
        let now = now()
        let change = state.withLock { state -> Change in
            state.throttled += 1
            if state.lastDecrease.map({ now - $0 >= configuration.decreaseInterval }) ?? true {
                state.rate = max(configuration.minRate, state.rate * configuration.decreaseFactor)
                state.lastDecrease = now
                state.lastIncrease = now
                state.nextSlot = max(state.nextSlot, now + Self.interval(state.rate))
            }
            return Change(rate: state.rate, throttled: true)
        }
        notify(change)
    }

    private func notify(_ change: Change) {
        for observer in observers.withLock({ $0 }) { observer(change) }
    }

    static func interval(_ rate: Double) -> Duration { .nanoseconds(Int64(1e9 / rate)) }
}

/// A client that paces its requests with an ``AdaptiveRateLimiter`` (the Pinecone index, the
/// SQS queue), so a worker can show the limiter's rate and throttled requests in `/metrics`.
public protocol RateLimitedClient: Sendable {
    /// The limiter every request of this client goes through.
    var rateLimiter: AdaptiveRateLimiter { get }
    /// The service's name in metrics labels (`pinecone`, `sqs`).
    var rateLimitedService: String { get }
}

/// An error that means "slow down" (HTTP 429, an AWS throttling code) rather than "failed":
/// workers retry it without counting it towards dead-lettering.
public protocol ThrottlingIndication: Error {
    var isThrottling: Bool { get }
}

extension Error {
    /// True when the error is a throttled reply (see ``ThrottlingIndication``).
    public var isThrottling: Bool { (self as? any ThrottlingIndication)?.isThrottling ?? false }
}
