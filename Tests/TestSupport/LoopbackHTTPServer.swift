import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests that need a real socket: stand-ins for the
/// ECS container-credentials endpoint, instance metadata, or a service that fails on purpose.
///
/// Blocking sockets on threads of its own (one accept thread, one thread per connection), so
/// it never touches Swift's cooperative pool; keep-alive is honoured, so a client that reuses
/// connections can be observed doing it (``connectionCount``). Binds port 0 and reports the
/// port the kernel chose. Only loopback: nothing outside the machine can reach it.
///
/// Its threads keep it alive: call ``stop()`` when the test is done with it.
public final class LoopbackHTTPServer: Sendable {
    /// A request as the server received it.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// Path and query exactly as sent.
        public var target: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    /// What to do with a request.
    public enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: String = "")
        /// Wait, then do the next thing (for timeouts).
        case delay(Duration, then: Box)
        /// Close the connection without answering (a "connection reset" for the client).
        case closeConnection

        public static func delay(_ duration: Duration, _ then: Reply) -> Reply { .delay(duration, then: Box(then)) }
        public static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            .respond(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
        }
    }

    /// Indirection so ``Reply`` can nest.
    public final class Box: Sendable {
        let reply: Reply
        init(_ reply: Reply) { self.reply = reply }
    }

    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let state = Mutex<State>(State())

    private struct State {
        var requests: [Request] = []
        var connections = 0
        var stopped = false
        var sockets: Set<Int32> = []
    }

    /// `http://127.0.0.1:<port>`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Everything received so far, in arrival order.
    public var requests: [Request] { state.withLock { $0.requests } }
    /// TCP connections accepted so far.
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Starts listening; `handler` runs on the connection's thread for every request.
    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = fd
        let thread = Thread { [self] in self.acceptLoop() }
        thread.name = "test.http.accept"
        thread.start()
    }

    /// A server that answers requests in turn from `replies` (the last one repeats).
    public convenience init(replies: [Reply]) throws {
        let queue = Mutex<[Reply]>(replies)
        try self.init { _ in
            queue.withLock { list in list.count > 1 ? list.removeFirst() : list[0] }
        }
    }

    /// Stops accepting and closes open connections. Safe to call more than once.
    ///
    /// Only `shutdown` happens here; each descriptor is closed by the thread that uses it,
    /// after it stopped using it. Closing from here could let that thread go on to `accept`
    /// or `recv` on a descriptor number the process has meanwhile reused for another socket.
    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR && !state.withLock({ $0.stopped }) { continue }
                close(listener)
                return
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections += 1
                state.sockets.insert(client)
                return true
            }
            guard accepted else {
                close(client)
                close(listener)
                return
            }
            let thread = Thread { [self] in
                self.serve(client)
                self.state.withLock { state in
                    state.sockets.remove(client)
                    close(client)
                }
            }
            thread.name = "test.http.conn"
            thread.start()
        }
    }

    private func serve(_ socket: Int32) {
        var buffer: [UInt8] = []
        while true {
            guard let request = readRequest(socket, buffer: &buffer) else { return }
            state.withLock { $0.requests.append(request) }
            var reply = handler(request)
            while case .delay(let duration, let next) = reply {
                let (seconds, atto) = duration.components
                usleep(UInt32(seconds) * 1_000_000 + UInt32(atto / 1_000_000_000_000))
                reply = next.reply
            }
            switch reply {
            case .closeConnection, .delay:
                return
            case .respond(let status, let headers, let body):
                let bodyBytes = Array(body.utf8)
                var head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "Content-Length: \(bodyBytes.count)\r\n\r\n"
                let bytes = Array(head.utf8) + (request.method == "HEAD" ? [] : bodyBytes)
                var sent = 0
                while sent < bytes.count {
                    let n = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { return }
                    sent += n
                }
            }
        }
    }

    private func readRequest(_ socket: Int32, buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = firstRange(of: separator, in: buffer) {
                headerEnd = range
                break
            }
            guard readMore(socket, into: &buffer) else { return nil }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length {
            guard readMore(socket, into: &buffer) else { return nil }
        }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private func readMore(_ socket: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<n])
        return true
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return start }
        }
        return nil
    }
}
