import CLibPQ
import DedicatedThreads
import Logging
import Synchronization

/// What a ``PostgresListener`` reports.
public enum PostgresListenerEvent: Sendable, Equatable {
    /// LISTEN is in effect (first time, or again after a reconnect). Notifications sent while
    /// no session listened are gone, so a consumer drains its table after each of these.
    case listening
    case notification(channel: String, payload: String)
    /// The connection broke; the listener reconnects with backoff by itself.
    case disconnected(reason: String)
}

/// LISTEN on a connection of its own, as an async sequence of events.
///
/// The socket is polled on the listener's own thread (never the cooperative pool). It
/// reconnects with exponential backoff when the server goes away. The events end when the
/// consumer stops iterating or ``stop()`` is called; `stop()` also waits until the session's
/// connection is closed and its thread has ended, so an owner that closes before the process
/// exits leaves no connection half open (libpq's connection set-up must not race exit).
public final class PostgresListener: Sendable {
    public let events: AsyncStream<PostgresListenerEvent>
    private let stopped = StopFlag()
    private let finished: Task<Void, Never>

    /// Starts listening on `channels` (lower-case identifiers).
    public init(
        configuration: PostgresConfiguration,
        channels: [String],
        logger: Logger = Logger(label: "refarch.postgres.listen"),
        maxBackoff: Duration = .seconds(5)
    ) {
        precondition(
            channels.allSatisfy { name in
                !name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
            }, "channel names are lower-case identifiers")
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let stopped = stopped
        continuation.onTermination = { _ in stopped.stop() }
        events = stream
        let thread = DedicatedThreadExecutor(name: "postgres-listen")
        finished = Task {
            _ = try? await thread.run {
                Self.run(
                    configuration: configuration, channels: channels, logger: logger, maxBackoff: maxBackoff,
                    stopped: stopped, continuation: continuation)
            }
            continuation.finish()
            thread.shutdown()
        }
    }

    /// Ends the events and returns once the connection is closed and the thread has ended
    /// (at most one poll interval, or the connect attempt in progress).
    public func stop() async {
        stopped.stop()
        await finished.value
    }

    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func stop() { flag.store(true, ordering: .relaxed) }
        var isStopped: Bool { flag.load(ordering: .relaxed) }
    }

    private static func run(
        configuration: PostgresConfiguration, channels: [String], logger: Logger,
        maxBackoff: Duration, stopped: StopFlag,
        continuation: AsyncStream<PostgresListenerEvent>.Continuation
    ) {
        var backoffMs = 50
        let maxMs = Int(maxBackoff.components.seconds * 1000) + Int(maxBackoff.components.attoseconds / 1_000_000_000_000_000)
        while !stopped.isStopped {
            let conn: OpaquePointer
            do {
                conn = try PostgresConnection.openHandle(configuration)
            } catch {
                sleepChecking(milliseconds: backoffMs, stopped: stopped)
                backoffMs = min(backoffMs * 2, maxMs)
                continue
            }
            defer { PQfinish(conn) }
            var ok = true
            for channel in channels {
                let result = PQexec(conn, "LISTEN \(channel)")
                ok = ok && PQresultStatus(result) == PGRES_COMMAND_OK
                PQclear(result)
            }
            guard ok else {
                sleepChecking(milliseconds: backoffMs, stopped: stopped)
                backoffMs = min(backoffMs * 2, maxMs)
                continue
            }
            backoffMs = 50
            continuation.yield(.listening)
            logger.debug("Listening", metadata: ["channels": "\(channels.joined(separator: ","))"])
            let socket = PQsocket(conn)
            while !stopped.isStopped {
                let ready = refarch_pg_wait_readable(socket, 200)
                if ready < 0 { continue }
                if ready == 0 { continue }
                if PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK {
                    let reason = String(cString: PQerrorMessage(conn)).firstLine
                    logger.warning("Listen connection lost; reconnecting", metadata: ["reason": "\(reason)"])
                    continuation.yield(.disconnected(reason: reason))
                    break
                }
                while let notify = PQnotifies(conn) {
                    let channel = String(cString: notify.pointee.relname)
                    let payload = String(cString: notify.pointee.extra)
                    PQfreemem(notify)
                    continuation.yield(.notification(channel: channel, payload: payload))
                }
            }
        }
    }

    private static func sleepChecking(milliseconds: Int, stopped: StopFlag) {
        var left = milliseconds
        while left > 0 && !stopped.isStopped {
            let step = min(left, 100)
            _ = refarch_pg_wait_readable(-1, Int32(step))
            left -= step
        }
    }
}
