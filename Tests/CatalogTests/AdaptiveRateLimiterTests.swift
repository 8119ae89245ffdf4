import Catalog
import Synchronization
import TestSupport
import Testing

/// The AIMD limiter on a manual clock: no sleeps, no timing.
@Suite("AIMD rate limiter")
struct AdaptiveRateLimiterTests {
    /// A clock that moves only when told to.
    final class Clock: Sendable {
        private let time = Mutex<Duration>(.zero)
        var now: @Sendable () -> Duration { { [self] in time.withLock { $0 } } }
        func advance(_ by: Duration) { time.withLock { $0 += by } }
    }

    static let configuration = AdaptiveRateLimiter.Configuration(
        maxRate: 100, minRate: 2, increasePerSecond: 10, decreaseFactor: 0.5, decreaseInterval: .seconds(1))

    @Test("slots are spaced 1/rate apart; a free slot costs no wait")
    func pacesAtTheRate() {
        let clock = Clock()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now)
        #expect(limiter.reserve() == .zero)
        #expect(limiter.reserve() == .milliseconds(10))
        #expect(limiter.reserve() == .milliseconds(20))
        clock.advance(.seconds(1))
        #expect(limiter.reserve() == .zero, "slots do not pile up while idle")
    }

    @Test("a throttle halves the rate once per interval, however many 429s answer at once")
    func multiplicativeDecreaseOncePerInterval() {
        let clock = Clock()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now)
        for _ in 0..<5 { limiter.recordThrottle() }
        #expect(limiter.rate == 50)
        #expect(limiter.throttledCount == 5)
        clock.advance(.milliseconds(999))
        limiter.recordThrottle()
        #expect(limiter.rate == 50)
        clock.advance(.milliseconds(1))
        limiter.recordThrottle()
        #expect(limiter.rate == 25)
        // The next slot moves out to the slower pace.
        #expect(limiter.reserve() >= .milliseconds(40))
    }

    @Test("throttling that never stops ends at the floor, not at zero")
    func floorHolds() {
        let clock = Clock()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now)
        for _ in 0..<20 {
            limiter.recordThrottle()
            clock.advance(.seconds(1))
        }
        #expect(limiter.rate == 2)
    }

    @Test("successes add the additive step per second, at most a second's worth at once, up to the ceiling")
    func additiveIncrease() {
        let clock = Clock()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now)
        limiter.recordThrottle()
        #expect(limiter.rate == 50)
        clock.advance(.milliseconds(500))
        limiter.recordSuccess()
        #expect(limiter.rate == 55)
        clock.advance(.seconds(60))
        limiter.recordSuccess()
        #expect(limiter.rate == 65, "a quiet minute earns one second's step")
        for _ in 0..<10 {
            clock.advance(.seconds(1))
            limiter.recordSuccess()
        }
        #expect(limiter.rate == 100)
    }

    @Test("observers see every rate change and every throttled reply")
    func observersSeeChanges() {
        let clock = Clock()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now)
        let seen = Mutex<[AdaptiveRateLimiter.Change]>([])
        limiter.observe { change in seen.withLock { $0.append(change) } }
        limiter.recordSuccess()  // at the ceiling: nothing changes
        limiter.recordThrottle()
        limiter.recordThrottle()
        clock.advance(.seconds(1))
        limiter.recordSuccess()
        #expect(
            seen.withLock { $0 } == [
                .init(rate: 50, throttled: true), .init(rate: 50, throttled: true), .init(rate: 60, throttled: false),
            ])
    }

    @Test("acquire waits for its slot through the injected sleep")
    func acquireSleepsForItsSlot() async throws {
        let clock = Clock()
        let sleeps = SleepRecorder()
        let limiter = AdaptiveRateLimiter(Self.configuration, now: clock.now, sleep: sleeps.sleep)
        try await limiter.acquire()
        try await limiter.acquire()
        limiter.recordThrottle()
        try await limiter.acquire()
        #expect(sleeps.delays == [.milliseconds(10), .milliseconds(20)])
    }
}
