import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread from inside it, with the OS call itself; Linux keeps 15 bytes of
/// a name, so a longer one is cut.
///
/// Why not `Thread.current.name = name`: on Linux, Foundation's setter names the thread that
/// `start()` recorded, and `start()` records it only after the thread was created. A thread
/// that runs first (a loaded machine) is not recorded yet, the setter does nothing, and the
/// thread keeps its creator's name (a cooperative-pool thread's "…root.default-qos"). A name
/// set before `start()` never reaches the thread, and a name over 15 bytes is refused.
func nameCurrentThread(_ name: String) {
    #if canImport(Glibc)
        var cut = ""
        for scalar in name.unicodeScalars {
            guard cut.utf8.count + String(scalar).utf8.count <= 15 else { break }
            cut.unicodeScalars.append(scalar)
        }
        if let setName = pthreadSetName {
            _ = setName(pthread_self(), cut)
        }
    #else
        Thread.current.name = name
    #endif
}

#if canImport(Glibc)
    /// glibc's `pthread_setname_np`, which Swift does not import without `_GNU_SOURCE`.
    private let pthreadSetName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
    }()
#endif

/// A serial executor that runs everything it is given on one OS thread of its own.
///
/// Why: libpq, libcurl, BLAS and ncurses block the calling thread. On a 2-core machine
/// Swift's cooperative pool has two threads, and one blocked call halves the program. A
/// client that makes blocking calls owns one of these and either makes it the executor of
/// its actor (`unownedExecutor`) or hands it closures with ``run(_:)``; callers only await.
///
/// The thread keeps the executor alive until ``shutdown()`` is called; it then ends after
/// the work already queued has run. Work that still arrives after that runs on a thread
/// started for it (so nothing awaiting it can hang), which ends again when it is done.
public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {  // state guarded by `condition`, see below
    // @unchecked Sendable: the mutable state (`work`, `isStopping`) is only touched while
    // `condition` is locked; the thread itself is started once in `init`.
    private enum Work {
        case job(UnownedJob)
        case closure(() -> Void)
    }

    private let condition = NSCondition()
    private var work: [Work] = []
    private var head = 0
    private var isStopping = false
    private var isRunning = false
    public let name: String

    /// Starts the thread. `name` shows up in debuggers and `top -H`.
    public init(name: String) {
        self.name = name
        isRunning = true
        startThread()
    }

    private func startThread() {
        let thread = Thread { [self] in
            nameCurrentThread(self.name)
            self.loop()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Stops taking work; the thread ends once the queued work has run.
    public func shutdown() {
        condition.lock()
        isStopping = true
        condition.broadcast()
        condition.unlock()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Runs `body` on the dedicated thread and suspends the caller (not blocking it) until it returns.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            push(
                .closure {
                    continuation.resume(with: Result { try body() })
                })
        }
    }

    /// Runs `body` on the dedicated thread without waiting for it.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        push(.closure(body))
    }

    private func push(_ item: Work) {
        condition.lock()
        work.append(item)
        // Work that arrives after shutdown still runs (a task awaiting it must not hang, e.g.
        // a call on a connection that was closed meanwhile): a thread drains it and ends again.
        let restart = !isRunning
        if restart { isRunning = true }
        condition.signal()
        condition.unlock()
        if restart { startThread() }
    }

    private func loop() {
        while true {
            condition.lock()
            while head == work.count && !isStopping {
                condition.wait()
            }
            if head == work.count && isStopping {
                isRunning = false
                condition.unlock()
                return
            }
            let item = work[head]
            head += 1
            if head > 64 && head * 2 > work.count {
                work.removeFirst(head)
                head = 0
            }
            condition.unlock()
            switch item {
            case .job(let job):
                job.runSynchronously(on: asUnownedSerialExecutor())
            case .closure(let body):
                body()
            }
        }
    }
}
