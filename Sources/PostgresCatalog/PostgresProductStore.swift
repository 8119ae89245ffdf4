import Catalog
import Postgres

/// The product catalog in `products_with_increment`, through a connection pool.
///
/// Prices travel as `numeric` text and are cast to `money` in SQL, so no locale setting can
/// change them. Every value is a statement parameter; sort columns come from a fixed list.
public struct PostgresProductStore: ProductStore {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    package static let columns = "id, created_at::text, name, sku, description, price::numeric::text, last_updated::text, uuid::text"

    package static func decode(_ row: PostgresRow) throws -> Product {
        let priceText: String? = try row.decode(at: 5)
        let price =
            try priceText.map { text throws -> Price in
                do { return try Price(parsing: text) } catch {
                    throw PostgresError.decodingFailed(column: "price", type: "price", text: text)
                }
            } ?? Price(cents: 0)
        let createdText: String? = try row.decode(at: 1)
        return Product(
            id: ProductID(try row.decode(Int64.self, at: 0)),
            name: try row.decode(String?.self, at: 2) ?? "",
            sku: try row.decode(String?.self, at: 3) ?? "",
            description: try row.decode(String?.self, at: 4) ?? "",
            price: price,
            lastUpdated: try row.decode(String?.self, at: 6).flatMap(LocalDate.init(parsing:)),
            createdAt: createdText.flatMap(PostgresTimestamp.parse),
            uuid: try row.decode(String?.self, at: 7))
    }

    /// The products with these ids, read on `connection` (inside the caller's transaction:
    /// pelican reads the rows it sends in the transaction that locked their outbox rows).
    /// Ids with no row are left out.
    public static func products(ids: [Int64], on connection: isolated PostgresConnection) throws -> [Product] {
        try connection.query(
            "SELECT \(columns) FROM products_with_increment WHERE id = ANY($1::bigint[])", [PostgresArray(ids)],
            operation: "read changed products"
        ).map(decode)
    }

    public func list(_ query: ProductQuery) async throws -> ProductPage {
        let order: String
        switch query.sort {
        // Qualified: the select list has output columns of the same names (price as text).
        case .id: order = "products_with_increment.id"
        case .name: order = "products_with_increment.name"
        case .price: order = "products_with_increment.price"
        case .updated: order = "products_with_increment.last_updated"
        }
        let direction = query.descending ? "DESC" : "ASC"
        let filter = try ProductFilter(parsing: query.filter)
        var parameters: [any PostgresEncodable] = [max(0, query.limit), max(0, query.offset)]
        let whereClause = Self.whereClause(filter, parameters: &parameters)
        let sql = """
            SELECT \(Self.columns), count(*) OVER () FROM products_with_increment \(whereClause)
            ORDER BY \(order) \(direction) NULLS LAST, products_with_increment.id \(direction) LIMIT $1 OFFSET $2
            """
        let rows = try await pool.query(sql, parameters, operation: "list products")
        let products = try rows.map(Self.decode)
        var total = try rows.first?.decode(Int.self, at: 8) ?? 0
        if rows.isEmpty && query.offset > 0 {
            total = try await count(filter)
        }
        return ProductPage(products: products, totalCount: total)
    }

    private func count(_ filter: ProductFilter) async throws -> Int {
        guard !filter.isEmpty else { return try await count() }
        var parameters: [any PostgresEncodable] = []
        let whereClause = Self.whereClause(filter, parameters: &parameters)
        let rows = try await pool.query(
            "SELECT count(*) FROM products_with_increment \(whereClause)", parameters, operation: "count products")
        return try rows[0].decode(Int.self, at: 0)
    }

    /// `WHERE` and the filter's terms joined by `AND` ("" for no terms), each value appended
    /// to `parameters` and named by its number: only fixed column names and operators are
    /// written into the SQL. Text is matched by ILIKE with its wildcards escaped.
    static func whereClause(_ filter: ProductFilter, parameters: inout [any PostgresEncodable]) -> String {
        guard !filter.isEmpty else { return "" }
        func parameter(_ value: any PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        let conditions = filter.terms.map { term -> String in
            switch term {
            case .anyText(let text):
                let p = parameter("%" + escapeLike(text) + "%")
                return "(name ILIKE \(p) OR sku ILIKE \(p) OR description ILIKE \(p))"
            case .text(let field, let text):
                let column: String
                switch field {
                case .name: column = "name"
                case .sku: column = "sku"
                case .description: column = "description"
                }
                return "\(column) ILIKE \(parameter("%" + escapeLike(text) + "%"))"
            case .id(let id):
                return "products_with_increment.id = \(parameter(id.rawValue))"
            case .price(let comparison, let amount):
                return "products_with_increment.price \(comparison.rawValue) \(parameter(amount.decimalString))::numeric::money"
            }
        }
        return "WHERE " + conditions.joined(separator: " AND ")
    }

    /// Escapes `%`, `_` and `\` so user text is matched literally by ILIKE.
    static func escapeLike(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    public func product(id: ProductID) async throws -> Product? {
        try await pool.query(
            "SELECT \(Self.columns) FROM products_with_increment WHERE id = $1",
            [id.rawValue], operation: "read product \(id)"
        ).first.map(Self.decode)
    }

    /// One lookup on the unique index of `lower(sku)` (migration 9).
    public func product(sku: String) async throws -> Product? {
        try await pool.query(
            "SELECT \(Self.columns) FROM products_with_increment WHERE lower(sku) = lower($1)",
            [sku.trimmingSpaces()], operation: "read product by SKU"
        ).first.map(Self.decode)
    }

    /// One range scan of the `lower(sku) text_pattern_ops` index: LIKE with a fixed prefix
    /// becomes `>= prefix AND < prefix'`, and `USING ~<~` orders the rows as the index does,
    /// so the scan stops after `limit` rows. `%`, `_` and `\` in the prefix match themselves.
    public func products(skuPrefix prefix: String, minPrice: Price?, maxPrice: Price?, limit: Int) async throws -> [Product] {
        let text = prefix.trimmingSpaces()
        guard !text.isEmpty, limit > 0 else { return [] }
        return try await pool.query(
            """
            SELECT \(Self.columns) FROM products_with_increment
            WHERE lower(sku) LIKE lower($1) || '%'
              AND ($2::numeric IS NULL OR price >= $2::numeric::money)
              AND ($3::numeric IS NULL OR price <= $3::numeric::money)
            ORDER BY lower(sku) USING ~<~ LIMIT $4
            """, [Self.escapeLike(text), minPrice?.decimalString, maxPrice?.decimalString, limit],
            operation: "list products by SKU prefix"
        ).map(Self.decode)
    }

    public func products(ids: [ProductID]) async throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        return try await pool.query(
            "SELECT \(Self.columns) FROM products_with_increment WHERE id = ANY($1::bigint[])",
            [PostgresArray(ids.map(\.rawValue))], operation: "read products"
        ).map(Self.decode)
    }

    public func create(_ product: NewProduct) async throws -> Product {
        do {
            let rows = try await pool.query(
                """
                INSERT INTO products_with_increment (name, sku, description, price, last_updated)
                VALUES ($1, $2, $3, $4::numeric::money, coalesce($5::date, current_date))
                RETURNING \(Self.columns)
                """, [product.name, product.sku, product.description, product.price.decimalString, product.lastUpdated?.description],
                operation: "add a product")
            return try Self.decode(rows[0])
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw try await duplicateSKU(product.sku)
        }
    }

    public func update(id: ProductID, _ changes: ProductChanges) async throws -> Product? {
        guard !changes.isEmpty else { return try await product(id: id) }
        var assignments: [String] = []
        var parameters: [any PostgresEncodable] = [id.rawValue]
        func set(_ column: String, _ value: any PostgresEncodable, cast: String = "") {
            parameters.append(value)
            assignments.append("\(column) = $\(parameters.count)\(cast)")
        }
        if let name = changes.name { set("name", name) }
        if let sku = changes.sku { set("sku", sku) }
        if let description = changes.description { set("description", description) }
        if let price = changes.price { set("price", price.decimalString, cast: "::numeric::money") }
        if let date = changes.lastUpdated { set("last_updated", date.description, cast: "::date") }
        do {
            return try await pool.query(
                """
                UPDATE products_with_increment SET \(assignments.joined(separator: ", ")) WHERE id = $1
                RETURNING \(Self.columns)
                """, parameters, operation: "update product \(id)"
            ).first.map(Self.decode)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw try await duplicateSKU(changes.sku ?? "")
        }
    }

    /// The error for a SKU that is taken, naming the product's SKU when it differs in case.
    private func duplicateSKU(_ sku: String) async throws -> ProductValidationErrors {
        let existing = try await product(sku: sku)
        if let existing, existing.sku != sku {
            return ProductValidationErrors([
                .init(field: .sku, problem: .skuTakenIgnoringCase(sku, existing: existing.sku, productID: existing.id.rawValue))
            ])
        }
        return ProductValidationErrors([.init(field: .sku, problem: .duplicateSKU(sku))])
    }

    public func delete(id: ProductID) async throws -> Bool {
        try await pool.query(
            "DELETE FROM products_with_increment WHERE id = $1", [id.rawValue],
            operation: "delete product \(id)"
        ).affectedRows > 0
    }

    public func count() async throws -> Int {
        try await pool.query("SELECT count(*) FROM products_with_increment", operation: "count products")[0].decode(Int.self, at: 0)
    }
}
