import Foundation

/// A fixed gang of OS threads that run one data-parallel job at a time.
///
/// Why not `concurrentPerform` or a task group: the work is a CPU-bound scan that must not
/// occupy Swift's cooperative pool, and its partitions must all see the same state. The
/// caller (itself on a dedicated thread) runs part 0 and blocks until the helpers finish
/// parts 1…n-1; calls are serialised by the caller's own executor.
// @unchecked Sendable: all shared fields are guarded by `condition`; the job closure is
// only read by helpers between `generation` changes, while `perform` waits for them.
public final class ParallelWorkers: @unchecked Sendable {  // state guarded by `condition`, see above
    private let condition = NSCondition()
    private var generation = 0
    private var pending = 0
    private var job: ((Int) -> Void)?
    private var stopping = false
    /// How many parts a job is split into (helpers + the calling thread).
    public let width: Int

    /// Starts `width - 1` helper threads.
    public init(width: Int, name: String) {
        self.width = max(1, width)
        for index in 1..<self.width {
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                nameCurrentThread(threadName)
                self.helperLoop(index: index)
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body(part)` for every part in `0..<width`, part 0 on the calling thread, and
    /// returns when all have finished. Blocks the caller: call it from a dedicated thread.
    public func perform(_ body: @escaping (Int) -> Void) {
        guard width > 1 else { body(0); return }
        condition.lock()
        job = body
        pending = width - 1
        generation += 1
        condition.broadcast()
        condition.unlock()
        body(0)
        condition.lock()
        while pending > 0 { condition.wait() }
        job = nil
        condition.unlock()
    }

    /// Ends the helper threads once they are idle.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func helperLoop(index: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            seen = generation
            let body = job
            condition.unlock()
            body?(index)
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
