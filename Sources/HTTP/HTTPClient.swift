import CCurl
import Foundation
import Logging
import Synchronization

/// Something that sends HTTP requests: ``HTTPClient`` in production, a stub or a decorator
/// (fault injection, recording) in tests. The AWS and Pinecone layers depend on this, not
/// on libcurl.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; throws ``HTTPError`` only when no HTTP response came back.
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

/// An HTTP/1.1 client on libcurl with connection reuse and an async API.
///
/// Why threads of its own: `curl_easy_perform` blocks until the exchange is over (20 s for
/// an SQS long poll). The client keeps a small pool of OS threads, each with one reusable
/// easy handle (so its connections stay open between requests); callers only await. Threads
/// start on demand up to ``Configuration/maxConcurrentRequests`` and end after a while idle.
///
/// TLS peers are always verified. Cancelling the calling task aborts the transfer.
public final class HTTPClient: HTTPTransport {
    /// Limits and defaults for every request of this client.
    public struct Configuration: Sendable {
        /// Requests in flight at once (one thread and one connection cache each).
        public var maxConcurrentRequests: Int
        /// Default limit to establish a connection.
        public var connectTimeout: Duration
        /// Default limit for a whole exchange.
        public var timeout: Duration
        /// A PEM bundle of trusted CAs instead of the system's (AWS_CA_BUNDLE).
        public var caBundlePath: String?
        /// Sent as `User-Agent` unless a request sets its own.
        public var userAgent: String
        /// How long an idle worker thread waits before it exits and closes its connections.
        public var idleThreadLifetime: Duration

        public init(
            maxConcurrentRequests: Int = 4,
            connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(30),
            caBundlePath: String? = nil,
            userAgent: String = "refarch-tui/0.1",
            idleThreadLifetime: Duration = .seconds(60)
        ) {
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.caBundlePath = caBundlePath
            self.userAgent = userAgent
            self.idleThreadLifetime = idleThreadLifetime
        }
    }

    public let configuration: Configuration
    private let pool: CurlWorkerPool
    private let logger: Logger

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "refarch.http")) {
        _ = curlGlobalInit
        self.configuration = configuration
        self.logger = logger
        self.pool = CurlWorkerPool(configuration: configuration)
    }

    deinit {
        pool.shutdown()
    }

    /// Sends `request` and suspends until the whole response has arrived.
    ///
    /// Throws ``HTTPError`` when no HTTP response came back; any status, 4xx and 5xx
    /// included, is a response and is returned.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard let parts = URLComponentsLite(request.url), parts.scheme == "http" || parts.scheme == "https" else {
            throw HTTPError.invalidURL(Self.redact(request.url))
        }
        // Bytes, not Characters: "\r\n" is one Character and would slip past a Character test.
        if let bad = request.headers.first(where: { ($0.name + $0.value).utf8.contains { $0 == 13 || $0 == 10 } }) {
            throw HTTPError.invalidHeader(name: String(decoding: bad.name.utf8.filter { $0 != 13 && $0 != 10 }, as: UTF8.self))
        }
        let flag = CancellationFlag()
        let started = ContinuousClock.now
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                pool.submit(CurlJob(request: request, host: parts.hostAndPort, flag: flag) { continuation.resume(returning: $0) })
            }
        } onCancel: {
            flag.cancel()
        }
        let elapsed = ContinuousClock.now - started
        let elapsedMs = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        switch result {
        case .success(let response):
            logger.debug(
                "HTTP request finished",
                metadata: [
                    LogKey.method: "\(request.method)", LogKey.host: "\(parts.hostAndPort)", LogKey.path: "\(parts.path)",
                    LogKey.status: "\(response.status)", LogKey.elapsedMilliseconds: "\(elapsedMs)",
                ])
            return response
        case .failure(let error):
            logger.debug(
                "HTTP request failed",
                metadata: [
                    LogKey.method: "\(request.method)", LogKey.host: "\(parts.hostAndPort)", LogKey.path: "\(parts.path)",
                    LogKey.error: "\(error)", LogKey.elapsedMilliseconds: "\(elapsedMs)",
                ])
            throw error
        }
    }

    /// Lets the worker threads finish what is queued and exit; later requests fail with
    /// ``HTTPError/shutDown``.
    public func shutdown() {
        pool.shutdown()
    }

    /// `scheme://host[:port]/path` without query or user info: safe for messages.
    public static func redact(_ url: String) -> String {
        guard let parts = URLComponentsLite(url) else { return "<unparseable URL>" }
        return "\(parts.scheme)://\(parts.hostAndPort)\(parts.path)"
    }
}

/// libcurl's global initialisation, done once before the first handle exists.
private let curlGlobalInit: Void = {
    _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// A flag the calling task sets when it is cancelled; the transfer's progress callback reads it.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func cancel() { value.store(true, ordering: .relaxed) }
    var isCancelled: Bool { value.load(ordering: .relaxed) }
}

/// One request waiting for a worker thread, with the callback that resumes its caller.
struct CurlJob: Sendable {
    let request: HTTPRequest
    let host: String
    let flag: CancellationFlag
    let complete: @Sendable (Result<HTTPResponse, HTTPError>) -> Void
}

/// The worker threads and the queue of requests they take work from.
///
/// `@unchecked Sendable`: every mutable field (`queue`, `idle`, `threads`, `isShutDown`) is
/// read and written only while `condition` is locked.
final class CurlWorkerPool: @unchecked Sendable {  // guarded by `condition`, see above
    private let configuration: HTTPClient.Configuration
    private let condition = NSCondition()
    private var queue: [CurlJob] = []
    private var idle = 0
    private var threads = 0
    private var isShutDown = false

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    func submit(_ job: CurlJob) {
        condition.lock()
        if isShutDown {
            condition.unlock()
            job.complete(.failure(.shutDown))
            return
        }
        queue.append(job)
        let startThread = Self.shouldStartThread(
            queued: queue.count, idle: idle, threads: threads, limit: configuration.maxConcurrentRequests)
        if startThread { threads += 1 }
        condition.signal()
        condition.unlock()
        if startThread {
            let thread = Thread { [self] in self.workerLoop() }
            thread.name = "refarch.http"
            thread.start()
        }
    }

    /// Each idle worker takes one queued job; a thread is started for any job beyond those,
    /// so a request never waits behind a long poll while the pool has room. (Counting only
    /// "no idle worker" misses two requests that arrive before a woken worker runs.)
    static func shouldStartThread(queued: Int, idle: Int, threads: Int, limit: Int) -> Bool {
        queued > idle && threads < limit
    }

    func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func workerLoop() {
        let transfer = CurlTransfer(configuration: configuration)
        let idleSeconds = Double(configuration.idleThreadLifetime.components.seconds)
        while true {
            condition.lock()
            idle += 1
            var deadline = Date(timeIntervalSinceNow: idleSeconds)
            while queue.isEmpty && !isShutDown {
                if !condition.wait(until: deadline) && queue.isEmpty {
                    break
                }
                deadline = Date(timeIntervalSinceNow: idleSeconds)
            }
            idle -= 1
            if queue.isEmpty {
                threads -= 1
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            if job.flag.isCancelled {
                job.complete(.failure(.cancelled))
            } else {
                job.complete(transfer.perform(job.request, host: job.host, flag: job.flag))
            }
        }
    }
}
