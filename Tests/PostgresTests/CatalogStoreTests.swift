import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@testable import Catalog
@testable import PostgresCatalog

/// Runs `body` with a migrated schema of its own and a pool on it.
func withMigratedStore<T>(_ body: (PostgresProductStore, PostgresConfiguration) async throws -> T) async throws -> T {
    try await TestDatabase.withSchema { config in
        let conn = try await PostgresConnection.connect(config)
        _ = try await SchemaMigrator.migrate(conn, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await conn.close()
        let pool = PostgresPool(configuration: config, maxConnections: 3)
        let result = try await body(PostgresProductStore(pool: pool), config)
        await pool.close()
        return result
    }
}

struct OutboxRow: Equatable {
    let productID: Int64
    let op: String
}

func outbox(_ pool: PostgresPool) async throws -> [OutboxRow] {
    try await pool.query("SELECT product_id, op FROM refarch_outbox ORDER BY seq").map {
        OutboxRow(productID: try $0.decode(Int64.self, at: 0), op: try $0.decode(String.self, at: 1))
    }
}

func sample(_ sku: String = "SKU-1", name: String = "Insulated Mug", description: String = "Keeps coffee hot.") throws -> NewProduct {
    try NewProduct(
        name: name, sku: sku, description: description, price: Price(parsing: "$24.99"),
        lastUpdated: LocalDate(year: 2026, month: 11, day: 1))
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct ProductStoreTests {
    @Test func createReadUpdateDeleteRoundTrip() async throws {
        try await withMigratedStore { store, _ in
            let created = try await store.create(try sample())
            #expect(created.name == "Insulated Mug")
            #expect(created.price.cents == 2499)
            #expect(created.lastUpdated == LocalDate(year: 2026, month: 11, day: 1))
            #expect(created.uuid?.count == 36)
            #expect(try await store.product(id: created.id) == created)
            #expect(try await store.product(sku: "SKU-1") == created)

            let updated = try await store.update(
                id: created.id, try ProductChanges(description: "Now also keeps tea hot.", price: Price(cents: 1999)))
            #expect(updated?.description == "Now also keeps tea hot.")
            #expect(updated?.price.cents == 1999)
            #expect(updated?.name == created.name)
            #expect(updated?.sku == created.sku)

            #expect(try await store.delete(id: created.id))
            #expect(try await store.product(id: created.id) == nil)
            #expect(try await store.delete(id: created.id) == false)
            #expect(try await store.update(id: created.id, try ProductChanges(name: "x")) == nil)
        }
    }

    @Test("SKU lookups ignore case, and a SKU that differs only in case is refused naming the product that has it")
    func skusIgnoreCase() async throws {
        try await withMigratedStore { store, _ in
            let created = try await store.create(try sample("KIT-253-FCC"))
            #expect(try await store.product(sku: "kit-253-fcc") == created)
            #expect(try await store.product(sku: " Kit-253-Fcc ") == created)
            let clash = ProductValidationErrors([
                .init(field: .sku, problem: .skuTakenIgnoringCase("kit-253-fcc", existing: "KIT-253-FCC", productID: created.id.rawValue))
            ])
            await #expect(throws: clash) { _ = try await store.create(try sample("kit-253-fcc", name: "Other")) }
            let other = try await store.create(try sample("KIT-254"))
            await #expect(throws: ProductValidationErrors.self) {
                _ = try await store.update(id: other.id, try ProductChanges(sku: "Kit-253-fcc"))
            }
            #expect(try await store.count() == 2)
            // Changing only the case of a product's own SKU is allowed.
            #expect(try await store.update(id: created.id, try ProductChanges(sku: "kit-253-fcc"))?.sku == "kit-253-fcc")
        }
    }

    @Test("a SKU prefix lists the products whose SKU starts with it: case ignored, wildcards literal, SKU order, price range")
    func skuPrefixListing() async throws {
        try await withMigratedStore { store, _ in
            for sku in ["KIT-2530-AB", "kit-253-fcc", "KIT-26", "KIT_25%", "OUT-253"] { _ = try await store.create(try sample(sku)) }
            let cheap = try await store.create(
                try NewProduct(name: "Cheap", sku: "KIT-2539", description: "", price: Price(cents: 100), lastUpdated: nil))
            #expect(
                try await store.products(skuPrefix: "Kit-25", minPrice: nil, maxPrice: nil, limit: 10).map(\.sku) == [
                    "kit-253-fcc", "KIT-2530-AB", "KIT-2539",
                ])
            #expect(try await store.products(skuPrefix: "kit-25", minPrice: nil, maxPrice: nil, limit: 2).count == 2)
            #expect(try await store.products(skuPrefix: "KIT_", minPrice: nil, maxPrice: nil, limit: 10).map(\.sku) == ["KIT_25%"])
            #expect(try await store.products(skuPrefix: "KIT_25%", minPrice: nil, maxPrice: nil, limit: 10).map(\.sku) == ["KIT_25%"])
            #expect(try await store.products(skuPrefix: "%", minPrice: nil, maxPrice: nil, limit: 10).isEmpty)
            #expect(
                try await store.products(skuPrefix: "kit-25", minPrice: nil, maxPrice: Price(cents: 500), limit: 10).map(\.id) == [cheap.id]
            )
            #expect(
                try await store.products(skuPrefix: "kit-25", minPrice: Price(cents: 500), maxPrice: nil, limit: 10).count == 2)
        }
    }

    @Test func duplicateSKUIsRefusedAndNothingIsWritten() async throws {
        try await withMigratedStore { store, _ in
            _ = try await store.create(try sample("DUP"))
            await #expect(throws: ProductValidationErrors([.init(field: .sku, problem: .duplicateSKU("DUP"))])) {
                _ = try await store.create(try sample("DUP", name: "Other"))
            }
            #expect(try await store.count() == 1)
        }
    }

    @Test func injectionStringsAreStoredVerbatim() async throws {
        try await withMigratedStore { store, _ in
            let nasty = "Robert'); DROP TABLE products_with_increment;-- $1 \\x00 %_ \" ' ;"
            let created = try await store.create(try sample("INJ-'1", name: nasty, description: nasty + "\n" + nasty))
            let read = try await store.product(id: created.id)
            #expect(read?.name == nasty)
            #expect(read?.description == nasty + "\n" + nasty)
            #expect(read?.sku == "INJ-'1")
            // Filter text with LIKE wildcards is matched literally.
            let page = try await store.list(ProductQuery(filter: "%_ \""))
            #expect(page.products.map(\.id) == [created.id])
            #expect(try await store.list(ProductQuery(filter: "%%%")).products.isEmpty)
            #expect(try await store.count() == 1)
        }
    }

    @Test func longDescriptionRoundTrips() async throws {
        try await withMigratedStore { store, _ in
            let long = String(repeating: "A stainless steel flask for long winter walks. ", count: 430).prefix(20_000)
            #expect(long.count == 20_000)
            let created = try await store.create(try sample(description: String(long)))
            #expect(try await store.product(id: created.id)?.description == String(long))
        }
    }

    @Test("the products filter's terms are matched in SQL as the in-memory store matches them (the same cases)")
    func filterGrammarInSQL() async throws {
        let (mismatches, badPrice) = try await withMigratedStore { store, _ in
            let mismatches = try await ProductFilterCases.mismatches(store)
            var badPrice: (any Error)?
            do { _ = try await store.list(ProductQuery(filter: "price:cheap")) } catch { badPrice = error }
            return (mismatches, badPrice)
        }
        #expect(mismatches == [])
        #expect(badPrice as? ProductFilterError == .badPrice("cheap"))
    }

    @Test func listPagesSortsAndFilters() async throws {
        try await withMigratedStore { store, _ in
            for (i, (name, price)) in [("Cherry", "5"), ("apple", "30"), ("Banana", "12.5"), ("Date", "1")].enumerated() {
                _ = try await store.create(
                    try NewProduct(name: name, sku: "S\(i)", description: "fruit \(i)", price: Price(parsing: price)))
            }
            let byName = try await store.list(ProductQuery(limit: 2, sort: .name))
            #expect(byName.totalCount == 4)
            #expect(byName.products.map(\.name) == ["Banana", "Cherry"])  // C collation: upper case first
            let page2 = try await store.list(ProductQuery(limit: 2, offset: 2, sort: .name))
            #expect(page2.products.map(\.name) == ["Date", "apple"])
            let byPrice = try await store.list(ProductQuery(limit: 10, sort: .price, descending: true))
            #expect(byPrice.products.map(\.name) == ["apple", "Banana", "Cherry", "Date"])
            let filtered = try await store.list(ProductQuery(filter: "APPLE"))
            #expect(filtered.products.map(\.name) == ["apple"])
            #expect(filtered.totalCount == 1)
            let beyond = try await store.list(ProductQuery(limit: 10, offset: 100))
            #expect(beyond.products.isEmpty)
            #expect(beyond.totalCount == 4)
        }
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct OutboxTests {
    @Test func everyChangeWritesOneOutboxRowInCommitOrder() async throws {
        try await withMigratedStore { store, _ in
            let a = try await store.create(try sample("A"))
            let b = try await store.create(try sample("B"))
            _ = try await store.update(id: a.id, try ProductChanges(name: "Renamed"))
            // An UPDATE that changes nothing writes nothing.
            _ = try await store.update(id: b.id, try ProductChanges(name: b.name))
            _ = try await store.delete(id: b.id)
            #expect(
                try await outbox(store.pool) == [
                    OutboxRow(productID: a.id.rawValue, op: "insert"),
                    OutboxRow(productID: b.id.rawValue, op: "insert"),
                    OutboxRow(productID: a.id.rawValue, op: "update"),
                    OutboxRow(productID: b.id.rawValue, op: "delete"),
                ])
        }
    }

    @Test func outboxRowIsPartOfTheChangesTransaction() async throws {
        try await withMigratedStore { store, config in
            let conn = try await PostgresConnection.connect(config)
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await conn.transaction { c in
                    try c.execute("INSERT INTO products_with_increment (name, sku, price) VALUES ('x', 'rolled-back', 1::money)")
                    let inside = try c.query("SELECT count(*) FROM refarch_outbox")[0].decode(Int.self, at: 0)
                    #expect(inside == 1)
                    throw Abort()
                }
            }
            await conn.close()
            #expect(try await outbox(store.pool).isEmpty)
            #expect(try await store.count() == 0)
        }
    }

    @Test func eachStatementSendsOneWakeUp() async throws {
        try await withMigratedStore { store, config in
            var events = PostgresListener(configuration: config, channels: [SchemaMigrator.outboxChannel]).events.makeAsyncIterator()
            #expect(await events.next() == .listening)
            _ = try await store.pool.query(
                """
                INSERT INTO products_with_increment (name, sku, price)
                SELECT 'n' || g, 'wake-' || g, 1::money FROM generate_series(1, 50) g
                """)
            let schema = config.searchPath[0]
            // Other tests share the channel; ours carry our schema as payload.
            while let event = await events.next() {
                if event == .notification(channel: SchemaMigrator.outboxChannel, payload: schema) { break }
            }
            #expect(try await outbox(store.pool).count == 50)
        }
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct MigrationTests {
    @Test func migratingTwiceChangesNothing() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            let first = try await SchemaMigrator.migrate(conn)
            #expect(first.appliedVersions == Array(1...SchemaMigrator.requiredVersion))
            let before = try await schemaFingerprint(conn)
            let second = try await SchemaMigrator.migrate(conn)
            #expect(second.appliedVersions.isEmpty)
            #expect(second.currentVersion == SchemaMigrator.requiredVersion)
            #expect(try await schemaFingerprint(conn) == before)
            await conn.close()
        }
    }

    @Test func unmigratedDatabaseSaysToMigrate() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            await #expect(throws: PostgresError.schemaNotMigrated(current: 0, required: SchemaMigrator.requiredVersion)) {
                try await SchemaMigrator.requireCurrent(conn)
            }
            #expect(PostgresError.schemaNotMigrated(current: 0, required: 3).remedy == "Run `refarch-tui db migrate`.")
            await conn.close()
        }
    }

    @Test func referenceDatabaseIsUpgradedInPlace() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            try await conn.executeScript(Self.referenceSchema, operation: "create the reference schema")
            try await conn.execute(
                """
                INSERT INTO products_with_increment (name, sku, description, price, last_updated)
                VALUES ('Old Lamp', 'REF-1', 'A lamp.', '$12.00', '2023-09-20')
                """)
            let long = String(repeating: "x", count: 20_000)
            // The reference trigger puts the whole row into pg_notify: a long description cannot be written.
            await #expect(throws: PostgresError.self) {
                try await conn.execute(
                    "INSERT INTO products_with_increment (name, sku, description, price) VALUES ('Big', 'REF-2', $1, 1::money)", [long])
            }
            let report = try await SchemaMigrator.migrate(conn)
            #expect(report.replacedReferenceTriggers == ["products_notify_insert", "products_notify_update"])
            try await conn.execute(
                "INSERT INTO products_with_increment (name, sku, description, price) VALUES ('Big', 'REF-2', $1, 1::money)", [long])
            let rows = try await conn.query("SELECT name, description FROM products_with_increment ORDER BY id")
            #expect(try rows.map { try $0.decode(String.self, at: 0) } == ["Old Lamp", "Big"])
            #expect(try rows[1].decode(String.self, at: 1).count == 20_000)
            let remaining = try await conn.query(
                """
                SELECT count(*) FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
                WHERE p.proname = 'notify_change' AND tg.tgrelid = 'products_with_increment'::regclass
                """)[0].decode(Int.self, at: 0)
            #expect(remaining == 0)
            let outboxOps = try await conn.query("SELECT op FROM refarch_outbox").map { try $0.decode(String.self, at: 0) }
            #expect(outboxOps == ["insert"])
            await conn.close()
        }
    }

    @Test("SKUs that differ only in case block the migration, listed with their ids, and nothing changes")
    func skusDifferingInCaseBlockTheMigration() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            try await conn.executeScript(Self.referenceSchema, operation: "create the reference schema")
            try await conn.execute(
                """
                INSERT INTO products_with_increment (name, sku, price) VALUES
                    ('a', 'KIT-1', 1::money), ('b', 'kit-1', 2::money), ('c', 'OTHER', 3::money), ('d', 'Kit-1', 4::money)
                """)
            do {
                _ = try await SchemaMigrator.migrate(conn)
                Issue.record("expected the migration to refuse")
            } catch let error as MigrationError {
                #expect(
                    error
                        == .skusDifferOnlyInCase([
                            SKUCaseClash(products: [.init(id: 1, sku: "KIT-1"), .init(id: 2, sku: "kit-1"), .init(id: 4, sku: "Kit-1")])
                        ]))
                #expect(error.summary.contains("KIT-1 (id 1) = kit-1 (id 2) = Kit-1 (id 4)"))
                #expect(error.summary.contains("Nothing was changed."))
            }
            #expect(try await SchemaMigrator.currentVersion(conn) == 0)
            let outboxExists = try await conn.query("SELECT to_regclass('refarch_outbox') IS NOT NULL")[0].decode(Bool.self, at: 0)
            #expect(!outboxExists)

            try await conn.execute("UPDATE products_with_increment SET sku = 'KIT-1-B' WHERE id = 2")
            try await conn.execute("UPDATE products_with_increment SET sku = 'KIT-1-D' WHERE id = 4")
            #expect(try await SchemaMigrator.migrate(conn).currentVersion == SchemaMigrator.requiredVersion)
            await conn.close()
        }
    }

    @Test func duplicateSKUsBlockTheMigrationAndChangeNothing() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            try await conn.executeScript(Self.referenceSchema, operation: "create the reference schema")
            try await conn.execute(
                """
                INSERT INTO products_with_increment (name, sku, price) VALUES ('a', 'SAME', 1::money), ('b', 'SAME', 2::money), ('c', 'OTHER', 3::money)
                """)
            do {
                _ = try await SchemaMigrator.migrate(conn)
                Issue.record("expected the migration to refuse")
            } catch let error as MigrationError {
                #expect(error == .duplicateSKUs([DuplicateSKU(sku: "SAME", productIDs: [1, 2])]))
                #expect(error.summary.contains("SAME (ids 1, 2)"))
            }
            #expect(try await SchemaMigrator.currentVersion(conn) == 0)
            let outboxExists = try await conn.query("SELECT to_regclass('refarch_outbox') IS NOT NULL")[0].decode(Bool.self, at: 0)
            #expect(!outboxExists)
            await conn.close()
        }
    }

    /// The reference architecture's table and its `notify_change` triggers, which send the
    /// whole row (old and new) through pg_notify.
    static let referenceSchema = """
        CREATE TABLE products_with_increment (
            id serial PRIMARY KEY, created_at timestamptz DEFAULT now(), name varchar(255), sku varchar(255),
            description text, price money, last_updated date, uuid uuid DEFAULT gen_random_uuid(),
            processed boolean DEFAULT false);
        CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('table_change', json_build_object('table', TG_TABLE_NAME, 'action', TG_OP,
                'old', row_to_json(OLD), 'new', row_to_json(NEW))::text);
            RETURN NEW;
        END $$;
        CREATE TRIGGER products_notify_insert AFTER INSERT ON products_with_increment FOR EACH ROW EXECUTE FUNCTION notify_change();
        CREATE TRIGGER products_notify_update AFTER UPDATE ON products_with_increment FOR EACH ROW EXECUTE FUNCTION notify_change();
        """

    func schemaFingerprint(_ conn: PostgresConnection) async throws -> [String] {
        try await conn.query(
            """
            SELECT 'table ' || table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
            WHERE table_schema = current_schema()
            UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'products_with_increment'::regclass AND NOT tgisinternal
            UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema()
            UNION ALL SELECT 'migration ' || version FROM refarch_schema_migrations
            ORDER BY 1
            """
        ).map { try $0.decode(String.self, at: 0) }
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct ImportAndSeedTests {
    @Test func referenceCSVImportsAsItIs() async throws {
        try await withMigratedStore { store, _ in
            let url = Fixtures.path("data/refarch_products_10k.csv")
            let products = try ProductCSV.parse([UInt8](try Data(contentsOf: url)), file: url.path)
            // 10,000 lines: a header and 9,999 products.
            #expect(products.count == 9_999)
            #expect(try await ProductLoader.insert(products, into: store.pool) == 9_999)
            #expect(try await store.count() == 9_999)
            let first = try await store.product(sku: "SKU-fLRM-842")
            #expect(first?.name == "Pro System")
            #expect(first?.price.cents == 34487)
            #expect(first?.lastUpdated == LocalDate(year: 2023, month: 9, day: 20))
            #expect(try await outbox(store.pool).count == 9_999)
        }
    }

    @Test func csvWithOneBadLineWritesNothing() async throws {
        try await withMigratedStore { store, _ in
            let csv = """
                name,sku,description,price,last_updated
                Lamp,L-1,"A lamp, with ""quotes"" and a
                line break",$12.00,2023-09-20
                Chair,C-1,A chair,-$3.00,2023-09-20
                Desk,D-1,A desk,$100,2023-09-21
                """
            #expect(throws: ProductCSV.ImportError.self) { try ProductCSV.parse(Array(csv.utf8), file: "bad.csv") }
            do {
                _ = try ProductCSV.parse(Array(csv.utf8), file: "bad.csv")
            } catch let error as ProductCSV.ImportError {
                #expect(error.errors == [ProductCSV.LineError(line: 4, message: "price must not be negative.")])
                #expect(error.summary.hasPrefix("bad.csv has 1 bad line (line 4: price must not be negative.)"))
            }
            #expect(try await store.count() == 0)
        }
    }

    @Test func importClashingWithAnExistingSKUWritesNothing() async throws {
        try await withMigratedStore { store, _ in
            _ = try await store.create(try sample("D-1"))
            let products = try ProductCSV.parse(Array("name,sku,price\nA,A-1,1\nDesk,D-1,2\n".utf8), file: "x.csv")
            await #expect(throws: ProductValidationErrors([.init(field: .sku, problem: .duplicateSKU("D-1"))])) {
                _ = try await ProductLoader.insert(products, into: store.pool)
            }
            #expect(try await store.count() == 1)
        }
    }

    @Test func seedingIsDeterministicAndVaried() async throws {
        try await withMigratedStore { store, _ in
            let generator = SeedCatalog(seed: 7)
            let products = generator.products(count: 2_000)
            #expect(try await ProductLoader.insert(products, into: store.pool) == 2_000)
            let categories = try await store.pool.query("SELECT description FROM products_with_increment").compactMap {
                SeedCatalog.category(ofDescription: try $0.decode(String.self, at: 0))
            }
            #expect(categories.count == 2_000)
            #expect(Set(categories).count >= 15)
            #expect(SeedCatalog(seed: 7).products(count: 50) == Array(products.prefix(50)))
            #expect(SeedCatalog(seed: 8).products(count: 50) != Array(products.prefix(50)))
        }
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct ReindexTests {
    @Test func reindexEnqueuesEveryProductOnceAndResumes() async throws {
        try await withMigratedStore { store, _ in
            _ = try await ProductLoader.insert(SeedCatalog(seed: 1).products(count: 120), into: store.pool)
            try await store.pool.query("DELETE FROM refarch_outbox")
            // A previous run stopped after product 50.
            try await store.pool.query("INSERT INTO refarch_reindex (selection, last_id) VALUES ('all', 50)")
            let reports = ProgressLog()
            let enqueued = try await Reindexer(pool: store.pool, batchSize: 25).run(.all) { done, total in reports.add(done, total) }
            #expect(enqueued == 70)
            let ids = try await outbox(store.pool).map(\.productID)
            #expect(ids == Array(51...120))
            #expect(reports.values.last.map { $0 == (120, 120) } == true)
            #expect(reports.values.first.map { $0 == (50, 120) } == true)
            // Finished: the progress row is gone, so the next run starts from the beginning.
            #expect(try await store.pool.query("SELECT count(*) FROM refarch_reindex")[0].decode(Int.self, at: 0) == 0)
            let again = try await Reindexer(pool: store.pool).run(.ids([ProductID(3), ProductID(7)]))
            #expect(again == 2)
            let since = try await Reindexer(pool: store.pool).run(.since(LocalDate(year: 2099, month: 1, day: 1)!))
            #expect(since == 0)
        }
    }
}

final class ProgressLog: @unchecked Sendable {
    // @unchecked Sendable: test helper, guarded by its lock.
    private let lock = NSLock()
    private var stored: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { lock.withLock { stored.append((done, total)) } }
    var values: [(Int, Int)] { lock.withLock { stored } }
}
