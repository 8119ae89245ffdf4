import Foundation
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Serves `/healthz` and `/metrics` for a worker (ECS health checks, Prometheus scrapes).
///
/// A plain blocking HTTP/1.0-style server on a thread of its own: one short request per
/// connection, so it never needs Swift's cooperative pool and never waits on the worker.
/// `/healthz` answers 200 while `isHealthy()` says so, else 503.
public final class MetricsServer: Sendable {
    /// The port actually bound (useful with port 0).
    public let port: Int
    private let socket: Int32
    private let stopped = StopFlag()

    /// Binds `host:port` (use 0.0.0.0 in a container, 127.0.0.1 elsewhere) and starts serving.
    public init(
        host: String = "127.0.0.1", port: Int, registry: MetricsRegistry,
        isHealthy: @escaping @Sendable () -> Bool
    ) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MetricsServerError(message: "cannot create a socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw MetricsServerError(message: "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw MetricsServerError(message: "cannot listen on \(host):\(port) (\(String(cString: strerror(errno))))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.socket = fd
        let stopped = self.stopped
        let thread = Thread {
            while !stopped.isSet {
                let client = accept(fd, nil, nil)
                if client < 0 { if stopped.isSet { return } else { continue } }
                Self.serve(client, registry: registry, isHealthy: isHealthy)
            }
        }
        thread.name = "metrics-server"
        thread.start()
    }

    /// Stops accepting connections (once; later calls do nothing).
    public func stop() {
        guard stopped.set() else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    static func serve(_ client: Int32, registry: MetricsRegistry, isHealthy: @Sendable () -> Bool) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(client, &buffer, buffer.count, 0)
        guard n > 0 else { return }
        let requestLine = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = requestLine.split(separator: " ")
        let path = parts.count > 1 ? String(parts[1]) : "/"
        let (status, body): (String, String)
        switch path {
        case "/healthz": (status, body) = isHealthy() ? ("200 OK", "ok\n") : ("503 Service Unavailable", "unhealthy\n")
        case "/metrics": (status, body) = ("200 OK", registry.render())
        default: (status, body) = ("404 Not Found", "not found\n")
        }
        let response =
            "HTTP/1.1 \(status)\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

extension MetricsServer: Service {
    /// Serves until the service group shuts down (or the task is cancelled), then stops.
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }
}

public struct MetricsServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "Metrics server: \(message)." }
}

/// A one-way flag shared with the server thread.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Sets the flag; true for the call that set it.
    @discardableResult func set() -> Bool { !flag.exchange(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
