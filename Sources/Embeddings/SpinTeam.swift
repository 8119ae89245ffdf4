import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Splits each matrix product of a small job (a search query) over the embedder's threads.
///
/// Why spin: a query's forward pass is a few dozen products of some tens of microseconds each;
/// waking a sleeping thread for every one would cost about as much as the product. For the
/// length of one small job the helpers busy-wait for the next product (yielding the CPU while
/// they wait, so a busy machine loses little) and return to their executors when it ends.
final class SpinTeam: @unchecked Sendable {  // ordered hand-off of `task`, see below
    // @unchecked Sendable: `task` is written by the coordinator only while no helper runs a
    // task (before `generation` is bumped with release ordering, after `finished` showed every
    // helper done with acquire ordering), and helpers read it only after seeing the bump.
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private var task: ((_ part: Int, _ parts: Int) -> Void)?
    /// Threads taking part, the coordinator included.
    let size: Int

    init(size: Int) {
        self.size = size
    }

    /// The loop a helper runs (as part `index`) until ``stop()``.
    func helperLoop(index: Int) {
        var seen = 0
        var idle = 0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current < 0 { return }
            if current == seen {
                idle += 1
                if idle > 32 { sched_yield() }
                continue
            }
            idle = 0
            seen = current
            task?(index, size)
            finished.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Runs `body(part, parts)` for every part, part 0 on the calling (coordinator) thread,
    /// and returns when all parts are done.
    func parallel(_ body: @escaping (_ part: Int, _ parts: Int) -> Void) {
        task = body
        finished.store(0, ordering: .relaxed)
        generation.wrappingAdd(1, ordering: .releasing)
        body(0, size)
        var idle = 0
        while finished.load(ordering: .acquiring) < size - 1 {
            idle += 1
            if idle > 32 { sched_yield() }
        }
        task = nil
    }

    /// Sends the helpers back to their executors.
    func stop() {
        generation.store(-1, ordering: .releasing)
    }
}
