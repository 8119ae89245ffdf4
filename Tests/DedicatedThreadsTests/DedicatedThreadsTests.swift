import Foundation
import Synchronization
import Testing
@testable import DedicatedThreads

actor Counter {
    private let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    var value = 0
    init(executor: DedicatedThreadExecutor) { self.executor = executor }
    func increment() -> Int { value += 1; return value }
    func threadName() -> String? { Thread.current.name }
}

@Suite struct DedicatedThreadsTests {
    @Test func closuresAndActorJobsRunOnTheDedicatedThread() async throws {
        let executor = DedicatedThreadExecutor(name: "test-dedicated")
        let name = try await executor.run { Thread.current.name }
        #expect(name == "test-dedicated")
        let counter = Counter(executor: executor)
        #expect(await counter.threadName() == "test-dedicated")
        #expect(await counter.increment() == 1)
        executor.shutdown()
    }

    /// Regression: work queued after shutdown never ran, so a task awaiting it hung for ever
    /// (a vector-index catch-up racing `close()` held a transaction open and blocked DROP SCHEMA).
    @Test func workArrivingAfterShutdownStillRuns() async throws {
        let executor = DedicatedThreadExecutor(name: "test-late")
        executor.shutdown()
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await executor.run { 42 } == 42)
        let counter = Counter(executor: executor)
        #expect(await counter.increment() == 1)
        #expect(try await executor.run { 7 } == 7)
    }

    @Test func parallelWorkersRunEveryPartOnce() {
        let workers = ParallelWorkers(width: 3, name: "test-gang")
        let seen = Mutex<[Int]>([])
        for _ in 0..<20 {
            workers.perform { part in seen.withLock { $0.append(part) } }
        }
        #expect(seen.withLock { $0.count } == 60)
        #expect(Set(seen.withLock { $0 }) == [0, 1, 2])
        workers.shutdown()
    }
}
