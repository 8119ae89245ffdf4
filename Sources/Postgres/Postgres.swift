import CLibPQ

/// libpq wrapper: connections, typed rows, transactions, LISTEN.
public enum Postgres {
    /// The libpq version this process linked, e.g. 150018.
    public static var libraryVersion: Int { Int(PQlibVersion()) }
}
