import CLibPQ

/// The rows a statement returned, read in place from libpq's result (no copy per cell).
///
/// Safe to share across tasks: a `PGresult` is never changed after libpq builds it, and it
/// is freed only when the last reference to this object goes.
public final class PostgresRows: @unchecked Sendable, RandomAccessCollection {  // immutable PGresult, see below
    // @unchecked Sendable: `result` is immutable once created and only read; PQclear runs in deinit.
    private let result: OpaquePointer
    public let columnNames: [String]
    public let count: Int
    /// Rows changed by an INSERT/UPDATE/DELETE (`PQcmdTuples`), 0 for other statements.
    public let affectedRows: Int

    init(result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        columnNames = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    deinit { PQclear(result) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// The column's position, or nil when the result has no such column.
    public func columnIndex(_ name: String) -> Int? { columnNames.firstIndex(of: name) }

    func cell(row: Int, column: Int) -> PostgresCell {
        let r = Int32(row), c = Int32(column)
        let isNull = PQgetisnull(result, r, c) == 1
        var bytes: UnsafeBufferPointer<UInt8>?
        if !isNull, let value = PQgetvalue(result, r, c) {
            let length = Int(PQgetlength(result, r, c))
            bytes = UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: length)
        }
        return PostgresCell(
            columnName: columnNames[column], typeOID: UInt32(PQftype(result, c)),
            isBinary: PQfformat(result, c) == 1, bytes: bytes)
    }
}

/// One row of a result. Cells are read by position or by column name.
public struct PostgresRow {
    let rows: PostgresRows
    let index: Int

    /// Decodes the cell at `column` (0-based) as `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        try T(postgresCell: rows.cell(row: index, column: column))
    }

    /// Decodes the cell of the named column as `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T {
        guard let position = rows.columnIndex(column) else {
            throw PostgresError.decodingFailed(column: column, type: String(describing: T.self), text: "<no such column>")
        }
        return try decode(T.self, at: position)
    }

    /// Calls `body` with the raw bytes of a cell (nil for NULL) without copying them.
    public func withBytes<R>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        try body(rows.cell(row: index, column: column).bytes)
    }
}
