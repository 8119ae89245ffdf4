import Catalog
import Postgres

/// Loads many products at once with COPY, in one transaction: all of them or none.
public enum ProductLoader {
    /// Inserts `products` (already validated) and returns how many were written.
    ///
    /// A SKU that already exists in the table (ignoring case) fails the whole load with the offending SKU named.
    public static func insert(_ products: [NewProduct], into pool: PostgresPool) async throws -> Int {
        do {
            return try await pool.withConnection { connection in
                try await connection.transaction(operation: "load products") { conn in
                    try conn.execute(
                        """
                        CREATE TEMP TABLE refarch_product_load (
                            name text, sku text, description text, price numeric, last_updated date
                        ) ON COMMIT DROP
                        """, operation: "prepare the product load")
                    let rows = products.lazy.map { product -> [String?] in
                        [
                            product.name, product.sku, product.description, product.price.decimalString,
                            product.lastUpdated?.description,
                        ]
                    }
                    try conn.copyIn(
                        table: "refarch_product_load",
                        columns: ["name", "sku", "description", "price", "last_updated"], rows: rows)
                    return try conn.execute(
                        """
                        INSERT INTO products_with_increment (name, sku, description, price, last_updated)
                        SELECT name, sku, description, price::money, coalesce(last_updated, current_date)
                        FROM refarch_product_load
                        """, operation: "load products")
                }
            }
        } catch let error as PostgresError where error.sqlState == "23505" {
            // The index is on lower(sku): name the SKU as this load spelled it.
            let key = Self.keyValue(in: error)
            let sku = key.map { key in products.first { $0.sku.lowercased() == key }?.sku ?? key } ?? "?"
            throw ProductValidationErrors([.init(field: .sku, problem: .duplicateSKU(sku))])
        }
    }

    /// The SKU in a unique-violation detail such as `Key (lower(sku::text))=(abc-1) already exists.`
    static func keyValue(in error: PostgresError) -> String? {
        guard case let .statementFailed(_, _, _, detail?, _) = error,
            let open = detail.firstIndex(of: "="), detail[detail.index(after: open)...].first == "("
        else { return nil }
        let rest = detail[detail.index(open, offsetBy: 2)...]
        guard let close = rest.lastIndex(of: ")") else { return nil }
        return String(rest[..<close])
    }

    /// The smallest index at which seeding can start without reusing a seeded SKU.
    public static func nextSeedIndex(_ pool: PostgresPool) async throws -> Int {
        try await pool.query(
            "SELECT coalesce(max(id), 0) FROM products_with_increment",
            operation: "find the next seed index")[0].decode(Int.self, at: 0)
    }
}
