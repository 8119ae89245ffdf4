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

    /// Regression: a thread that started running before its creator returned from
    /// `Thread.start()` kept its creator's name (on Linux Foundation's name setter acts on the
    /// thread recorded by `start()`, not yet recorded then): on a loaded machine a dedicated
    /// thread was now and then called "…root.default-qos", after the cooperative pool.
    @Test func everyDedicatedThreadHasItsOwnNameEvenWhenManyStartAtOnce() async throws {
        let names = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for n in 0..<128 {
                group.addTask {
                    let executor = DedicatedThreadExecutor(name: "named-\(n)")
                    defer { executor.shutdown() }
                    return ("named-\(n)", try await executor.run { Thread.current.name })
                }
            }
            return try await group.reduce(into: [(String, String?)]()) { $0.append($1) }
        }
        #expect(names.count == 128)
        #expect(names.filter { $0.0 != $0.1 }.isEmpty, "\(names.filter { $0.0 != $0.1 })")
        // Linux keeps 15 bytes of a thread's name: a longer one is cut, not refused.
        let long = DedicatedThreadExecutor(name: "a-name-longer-than-fifteen")
        #expect(try await long.run { Thread.current.name } == "a-name-longer-t")
        long.shutdown()
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
