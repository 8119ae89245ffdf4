import Synchronization

/// Wakes long polls when the queue may have changed (a NOTIFY arrived, LISTEN came back).
///
/// A poll reads ``generation`` before it looks at the table and then waits for a
/// generation after that one, so a wake-up that lands between the look and the wait is not
/// lost. Safe to share: all state is behind one mutex, and continuations are resumed
/// outside it.
package final class QueueWakeups: Sendable {
    package init() {}
    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generation: UInt64 = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        /// Waits that started but have not registered yet.
        var starting: Set<Int> = []
        /// Waits cancelled before they registered.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Bumped by every ``signal()``.
    package var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every current waiter.
    package func signal() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            let list = state.waiters.values.map(\.continuation)
            state.waiters.removeAll()
            return list
        }
        for continuation in woken { continuation.resume() }
    }

    /// Suspends until a signal after `generation`, until `timeout` has passed, or until the
    /// task is cancelled, whichever comes first.
    package func wait(after generation: UInt64, timeout: Duration) async {
        guard timeout > .zero else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForSignal(after: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(after generation: UInt64) async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.starting.insert(state.nextID)
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    state.starting.remove(id)
                    if state.cancelled.remove(id) != nil || state.generation != generation { return true }
                    state.waiters[id] = Waiter(continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
                if state.starting.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            waiter?.resume()
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down (for SQL intervals).
    var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
