import Catalog
import Logging
import Postgres
import UserFacing

/// One versioned step of the schema. Steps run in order, each once, recorded in
/// `refarch_schema_migrations`; all pending steps of one `migrate` run share a transaction,
/// so a failure leaves the database exactly as it was.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Checks that must pass before the step runs (e.g. no duplicate SKUs); throw to refuse.
    let precondition: (@Sendable (isolated PostgresConnection) throws -> Void)?
    /// Schema DDL only: never values.
    let sql: String

    init(_ version: Int, _ name: String, precondition: (@Sendable (isolated PostgresConnection) throws -> Void)? = nil, sql: String) {
        self.version = version
        self.name = name
        self.precondition = precondition
        self.sql = sql
    }
}

/// Brings a database to the schema this build needs, and checks that it is there.
public enum SchemaMigrator {
    /// The channel the capture triggers NOTIFY (payload: the table's schema) once per statement.
    public static let outboxChannel = "refarch_outbox"

    /// The channel the job queue's tables NOTIFY (payload: the schema) when messages are
    /// added or removed, so long polls wake at once instead of sleeping.
    public static let queueChannel = "refarch_queue"

    /// The newest schema version this build knows.
    public static var requiredVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// What `migrate` did.
    public struct Report: Sendable, Equatable {
        public var appliedVersions: [Int]
        public var currentVersion: Int
        public var replacedReferenceTriggers: [String]
    }

    /// Applies every pending migration in one transaction (serialised by an advisory lock).
    public static func migrate(_ connection: PostgresConnection, logger: Logger = Logger(label: "refarch.migrate")) async throws -> Report {
        try await connection.transaction(operation: "migrate the schema") { conn in
            // One migrator at a time, even across processes.
            try conn.execute("SELECT pg_advisory_xact_lock(724001)", operation: "lock the schema for migration")
            try conn.execute(
                """
                CREATE TABLE IF NOT EXISTS refarch_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, operation: "create the migrations table")
            let applied = Set(
                try conn.query("SELECT version FROM refarch_schema_migrations", operation: "read applied migrations")
                    .map { try $0.decode(Int.self, at: 0) })
            var report = Report(appliedVersions: [], currentVersion: applied.max() ?? 0, replacedReferenceTriggers: [])
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                if migration.version == 2 {
                    report.replacedReferenceTriggers = try referenceTriggers(conn)
                }
                try migration.precondition?(conn)
                try conn.executeScript(migration.sql, operation: "apply migration \(migration.version) (\(migration.name))")
                try conn.execute(
                    "INSERT INTO refarch_schema_migrations (version, name) VALUES ($1, $2)",
                    [migration.version, migration.name], operation: "record migration \(migration.version)")
                report.appliedVersions.append(migration.version)
                report.currentVersion = migration.version
                logger.info("Migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
            return report
        }
    }

    /// The schema version the database is at (0 when it has none of ours): the newest
    /// version up to which every migration this build knows has been applied.
    ///
    /// Not simply the highest applied version: migrations from parallel branches can land
    /// out of order (a database migrated to 6 by a build that had no 5), and such a database
    /// must still be told to run `db migrate`, which applies the missing step.
    public static func currentVersion(_ connection: PostgresConnection) async throws -> Int {
        let exists = try await connection.query(
            "SELECT to_regclass('refarch_schema_migrations') IS NOT NULL",
            operation: "read the schema version")
        guard try exists[0].decode(Bool.self, at: 0) else { return 0 }
        let applied = Set(
            try await connection.query(
                "SELECT version FROM refarch_schema_migrations",
                operation: "read the schema version"
            ).map { try $0.decode(Int.self, at: 0) })
        var current = 0
        for version in migrations.map(\.version).sorted() {
            guard applied.contains(version) else { return current }
            current = version
        }
        return max(current, applied.max() ?? 0)
    }

    /// Throws ``PostgresError/schemaNotMigrated(current:required:)`` unless the database is current.
    public static func requireCurrent(_ connection: PostgresConnection) async throws {
        let current = try await currentVersion(connection)
        if current < requiredVersion {
            throw PostgresError.schemaNotMigrated(current: current, required: requiredVersion)
        }
    }

    /// Names of the reference architecture's `notify_change` triggers on the products table.
    static func referenceTriggers(_ conn: isolated PostgresConnection) throws -> [String] {
        try conn.query(
            """
            SELECT tg.tgname FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
            WHERE tg.tgrelid = to_regclass('products_with_increment') AND NOT tg.tgisinternal
              AND p.proname = 'notify_change' ORDER BY 1
            """, operation: "look for the reference triggers"
        ).map { try $0.decode(String.self, at: 0) }
    }

    static let migrations: [Migration] = [
        Migration(
            1, "products table",
            sql: """
                CREATE TABLE IF NOT EXISTS products_with_increment (
                    id serial PRIMARY KEY,
                    created_at timestamptz DEFAULT now(),
                    name varchar(255),
                    sku varchar(255),
                    description text,
                    price money,
                    last_updated date DEFAULT current_date,
                    uuid uuid DEFAULT gen_random_uuid()
                );
                """),
        Migration(
            2, "durable outbox and capture triggers",
            sql: """
                -- The reference's notify_change triggers put the whole row into pg_notify, so writing
                -- a row over ~8,000 bytes fails. Replace them: the outbox row is the change record,
                -- NOTIFY is only a wake-up.
                DO $$
                DECLARE t record;
                BEGIN
                    FOR t IN SELECT tg.tgname FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
                             WHERE tg.tgrelid = 'products_with_increment'::regclass AND NOT tg.tgisinternal
                               AND p.proname = 'notify_change'
                    LOOP
                        EXECUTE format('DROP TRIGGER %I ON products_with_increment', t.tgname);
                    END LOOP;
                    BEGIN
                        DROP FUNCTION IF EXISTS notify_change();
                    EXCEPTION WHEN dependent_objects_still_exist THEN
                        NULL; -- still used by another table's trigger: leave it
                    END;
                END $$;

                CREATE TABLE IF NOT EXISTS refarch_outbox (
                    seq bigserial PRIMARY KEY,
                    product_id bigint NOT NULL,
                    op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
                    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );

                CREATE OR REPLACE FUNCTION refarch_capture_product_change() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        INSERT INTO refarch_outbox (product_id, op) VALUES (OLD.id, 'delete');
                        RETURN OLD;
                    END IF;
                    IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN
                        INSERT INTO refarch_outbox (product_id, op) VALUES (OLD.id, 'delete');
                    END IF;
                    INSERT INTO refarch_outbox (product_id, op) VALUES (NEW.id, lower(TG_OP));
                    RETURN NEW;
                END $$;

                CREATE OR REPLACE FUNCTION refarch_notify_outbox() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('refarch_outbox', TG_TABLE_SCHEMA);
                    RETURN NULL;
                END $$;

                DROP TRIGGER IF EXISTS refarch_capture_insert_delete ON products_with_increment;
                DROP TRIGGER IF EXISTS refarch_capture_update ON products_with_increment;
                DROP TRIGGER IF EXISTS refarch_notify_change ON products_with_increment;
                CREATE TRIGGER refarch_capture_insert_delete
                    AFTER INSERT OR DELETE ON products_with_increment
                    FOR EACH ROW EXECUTE FUNCTION refarch_capture_product_change();
                -- An UPDATE that changes nothing writes nothing.
                CREATE TRIGGER refarch_capture_update
                    AFTER UPDATE ON products_with_increment
                    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
                    EXECUTE FUNCTION refarch_capture_product_change();
                CREATE TRIGGER refarch_notify_change
                    AFTER INSERT OR UPDATE OR DELETE ON products_with_increment
                    FOR EACH STATEMENT EXECUTE FUNCTION refarch_notify_outbox();
                """),
        Migration(
            3, "unique SKUs",
            precondition: { conn in
                let rows = try conn.query(
                    """
                    SELECT sku, array_agg(id ORDER BY id)::text FROM products_with_increment
                    WHERE sku IS NOT NULL GROUP BY sku HAVING count(*) > 1 ORDER BY sku LIMIT 50
                    """, operation: "look for duplicate SKUs")
                guard rows.isEmpty else {
                    let duplicates = try rows.map { row in
                        DuplicateSKU(
                            sku: try row.decode(String.self, at: 0),
                            productIDs: try row.decode(String.self, at: 1)
                                .trimmingCharacters(in: ["{", "}"]).split(separator: ",").compactMap { Int64($0) })
                    }
                    throw MigrationError.duplicateSKUs(duplicates)
                }
            },
            sql: """
                CREATE UNIQUE INDEX IF NOT EXISTS products_with_increment_sku_key ON products_with_increment (sku);
                """),
        Migration(
            4, "local vector index",
            sql: """
                -- The embedded default's vector index. Every write takes change_seq from one
                -- sequence under an advisory lock, so seq order is commit order and a reader that
                -- has applied everything up to seq N can catch up with `change_seq > N`.
                CREATE SEQUENCE IF NOT EXISTS refarch_vector_change_seq;
                CREATE TABLE IF NOT EXISTS refarch_vectors (
                    id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 512),
                    product_id bigint,
                    chunk integer,
                    vector bytea NOT NULL,
                    metadata jsonb NOT NULL DEFAULT '{}',
                    change_seq bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX IF NOT EXISTS refarch_vectors_change_seq ON refarch_vectors (change_seq);
                CREATE INDEX IF NOT EXISTS refarch_vectors_product ON refarch_vectors (product_id);
                -- Deletes leave a tombstone for readers that are catching up.
                CREATE TABLE IF NOT EXISTS refarch_vector_tombstones (
                    change_seq bigint PRIMARY KEY,
                    id text NOT NULL,
                    deleted_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        Migration(
            5, "embedded job queue",
            sql: """
                -- The embedded default's job queue with SQS FIFO semantics (PostgresJobQueue).
                -- One row per message; `id` is the send order, which is the order within a group.
                -- A received message keeps its row: `visible_at` moves into the future (the
                -- visibility timeout) and `receipt_handle` names this receive, so a consumer whose
                -- timeout ran out cannot delete the copy that another consumer now holds.
                CREATE TABLE IF NOT EXISTS refarch_queue_messages (
                    id bigserial PRIMARY KEY,
                    queue text NOT NULL,
                    group_id text NOT NULL,
                    dedup_id text NOT NULL,
                    body text NOT NULL,
                    attributes jsonb NOT NULL DEFAULT '{}',
                    sent_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    visible_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    receive_count integer NOT NULL DEFAULT 0,
                    receipt_handle uuid,
                    first_received_at timestamptz,
                    last_received_at timestamptz
                );
                -- Head of each group (the earliest message) and the group's next messages.
                CREATE INDEX IF NOT EXISTS refarch_queue_messages_group ON refarch_queue_messages (queue, group_id, id);
                CREATE UNIQUE INDEX IF NOT EXISTS refarch_queue_messages_receipt ON refarch_queue_messages (receipt_handle)
                    WHERE receipt_handle IS NOT NULL;

                -- Deduplication ids seen in the last five minutes, kept apart from the messages so
                -- a repeat is dropped even after the first copy was received and deleted.
                CREATE TABLE IF NOT EXISTS refarch_queue_dedup (
                    queue text NOT NULL,
                    dedup_id text NOT NULL,
                    expires_at timestamptz NOT NULL,
                    PRIMARY KEY (queue, dedup_id)
                );
                CREATE INDEX IF NOT EXISTS refarch_queue_dedup_expiry ON refarch_queue_dedup (queue, expires_at);

                -- Dead letters keep everything a person needs to decide: body, group, dedup id,
                -- attributes (with the reason a worker gave), receive count and times.
                -- `id` is the message's id in refarch_queue_messages.
                CREATE TABLE IF NOT EXISTS refarch_queue_dead_letters (
                    id bigint PRIMARY KEY,
                    queue text NOT NULL,
                    group_id text NOT NULL,
                    dedup_id text NOT NULL,
                    body text NOT NULL,
                    attributes jsonb NOT NULL DEFAULT '{}',
                    sent_at timestamptz NOT NULL,
                    receive_count integer NOT NULL,
                    first_received_at timestamptz,
                    last_received_at timestamptz,
                    dead_lettered_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX IF NOT EXISTS refarch_queue_dead_letters_queue ON refarch_queue_dead_letters (queue, id);

                -- A wake-up for long polls (payload: the schema), once per statement that adds or
                -- removes messages: a send, a redrive, or a delete that may unblock a group.
                CREATE OR REPLACE FUNCTION refarch_notify_queue() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('refarch_queue', TG_TABLE_SCHEMA);
                    RETURN NULL;
                END $$;
                DROP TRIGGER IF EXISTS refarch_queue_notify ON refarch_queue_messages;
                CREATE TRIGGER refarch_queue_notify
                    AFTER INSERT OR DELETE ON refarch_queue_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION refarch_notify_queue();
                """),
        Migration(
            6, "reindex progress, worker heartbeats, product versions",
            sql: """
                -- Where a reindex got to, so a stopped one resumes instead of starting over.
                CREATE TABLE IF NOT EXISTS refarch_reindex (
                    selection text PRIMARY KEY,
                    last_id bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                -- One row per worker process, refreshed every few seconds; the console shows them.
                CREATE TABLE IF NOT EXISTS refarch_workers (
                    kind text NOT NULL,
                    id text NOT NULL,
                    host text NOT NULL,
                    pid integer NOT NULL,
                    started_at timestamptz NOT NULL,
                    last_seen timestamptz NOT NULL,
                    processed bigint NOT NULL DEFAULT 0,
                    errors bigint NOT NULL DEFAULT 0,
                    is_leader boolean NOT NULL DEFAULT false,
                    PRIMARY KEY (kind, id)
                );

                -- The latest change seq of every product, kept after pelican deletes the outbox rows:
                -- `verify` and the console's sync progress compare it with the seq in the index.
                CREATE TABLE IF NOT EXISTS refarch_product_versions (
                    product_id bigint PRIMARY KEY,
                    seq bigint NOT NULL,
                    deleted boolean NOT NULL DEFAULT false
                );
                INSERT INTO refarch_product_versions (product_id, seq)
                    SELECT id, 0 FROM products_with_increment ON CONFLICT DO NOTHING;

                CREATE OR REPLACE FUNCTION refarch_capture_product_change() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                DECLARE s bigint;
                BEGIN
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
                        INSERT INTO refarch_outbox (product_id, op) VALUES (OLD.id, 'delete') RETURNING seq INTO s;
                        INSERT INTO refarch_product_versions (product_id, seq, deleted) VALUES (OLD.id, s, true)
                            ON CONFLICT (product_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = true;
                        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    END IF;
                    INSERT INTO refarch_outbox (product_id, op) VALUES (NEW.id, lower(TG_OP)) RETURNING seq INTO s;
                    INSERT INTO refarch_product_versions (product_id, seq, deleted) VALUES (NEW.id, s, false)
                        ON CONFLICT (product_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = false;
                    RETURN NEW;
                END $$;
                """),
        Migration(
            7, "queue wake-ups only when messages were added or removed",
            sql: """
                -- A statement-level trigger fires even when its statement touched no row, and every
                -- receive runs a DELETE that usually moves nothing to the DLQ: two idle receivers
                -- then woke each other in a loop. Transition tables let the wake-up check for rows.
                CREATE OR REPLACE FUNCTION refarch_notify_queue() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM changed_rows) THEN
                        PERFORM pg_notify('refarch_queue', TG_TABLE_SCHEMA);
                    END IF;
                    RETURN NULL;
                END $$;
                DROP TRIGGER IF EXISTS refarch_queue_notify ON refarch_queue_messages;
                DROP TRIGGER IF EXISTS refarch_queue_notify_insert ON refarch_queue_messages;
                DROP TRIGGER IF EXISTS refarch_queue_notify_delete ON refarch_queue_messages;
                CREATE TRIGGER refarch_queue_notify_insert
                    AFTER INSERT ON refarch_queue_messages REFERENCING NEW TABLE AS changed_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION refarch_notify_queue();
                CREATE TRIGGER refarch_queue_notify_delete
                    AFTER DELETE ON refarch_queue_messages REFERENCING OLD TABLE AS changed_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION refarch_notify_queue();
                """),
        Migration(
            8, "heartbeat intervals",
            sql: """
                -- The console marks a worker missing after three of its own heartbeat intervals.
                ALTER TABLE refarch_workers ADD COLUMN IF NOT EXISTS heartbeat_ms integer NOT NULL DEFAULT 5000;
                """),
        Migration(
            9, "SKUs unique ignoring case",
            precondition: { conn in
                // No writer may add a clash between the check and the index (CREATE INDEX takes
                // this lock too); held until the migration's transaction ends.
                try conn.execute("LOCK TABLE products_with_increment IN SHARE MODE", operation: "lock the products for the SKU check")
                let rows = try conn.query(
                    """
                    SELECT id, sku FROM products_with_increment WHERE lower(sku) IN (
                        SELECT lower(sku) FROM products_with_increment WHERE sku IS NOT NULL
                        GROUP BY lower(sku) HAVING count(*) > 1 ORDER BY lower(sku) LIMIT 50)
                    ORDER BY lower(sku), id
                    """, operation: "look for SKUs that differ only in case")
                guard rows.isEmpty else {
                    var clashes: [SKUCaseClash] = []
                    for row in rows {
                        let product = (id: try row.decode(Int64.self, at: 0), sku: try row.decode(String.self, at: 1))
                        if let last = clashes.last, last.products[0].sku.lowercased() == product.sku.lowercased() {
                            clashes[clashes.count - 1].products.append(.init(id: product.id, sku: product.sku))
                        } else {
                            clashes.append(SKUCaseClash(products: [.init(id: product.id, sku: product.sku)]))
                        }
                    }
                    throw MigrationError.skusDifferOnlyInCase(clashes)
                }
            },
            sql: """
                -- Lookups ignore case (`kit-253-fcc` finds `KIT-253-FCC`), so uniqueness does too.
                -- text_pattern_ops compares bytes, so the same index also serves SKU-prefix
                -- searches (lower(sku) LIKE 'kit-25%') whatever the database's collation; it
                -- replaces the case-sensitive index of migration 3, which it implies.
                CREATE UNIQUE INDEX IF NOT EXISTS products_with_increment_sku_lower_key
                    ON products_with_increment (lower(sku) text_pattern_ops);
                DROP INDEX IF EXISTS products_with_increment_sku_key;
                """),
        Migration(
            10, "sync pause",
            sql: """
                -- `refarch-tui sync pause` / `resume` (issue 22 §4): one row per catalog. Pelican
                -- reads it (FOR SHARE) in each drain transaction, so a pause waits for the batch in
                -- flight and no batch starts after it; emu reads it before each receive.
                CREATE TABLE IF NOT EXISTS refarch_sync_control (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    paused boolean NOT NULL DEFAULT false,
                    changed_at timestamptz NOT NULL DEFAULT now(),
                    changed_by text NOT NULL DEFAULT ''
                );
                INSERT INTO refarch_sync_control (singleton) VALUES (true) ON CONFLICT DO NOTHING;
                """),
        Migration(
            11, "change trail for trace",
            sql: """
                -- `refarch-tui trace` (issue 20 §5) says when a product's latest change was made,
                -- what it changed and when pelican sent it, after the outbox row is gone. The
                -- versions row (written by the capture trigger) keeps the change; pelican's sends go
                -- to a table of their own, so pelican never waits on a row lock a writer holds.
                ALTER TABLE refarch_product_versions
                    ADD COLUMN IF NOT EXISTS op text,
                    ADD COLUMN IF NOT EXISTS changed_at timestamptz,
                    ADD COLUMN IF NOT EXISTS changed_columns text[];
                CREATE TABLE IF NOT EXISTS refarch_product_sends (
                    product_id bigint PRIMARY KEY,
                    seq bigint NOT NULL,
                    sent_at timestamptz NOT NULL
                );

                CREATE OR REPLACE FUNCTION refarch_capture_product_change() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                DECLARE s bigint; t timestamptz; cols text[] := '{}';
                BEGIN
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
                        INSERT INTO refarch_outbox (product_id, op) VALUES (OLD.id, 'delete') RETURNING seq, changed_at INTO s, t;
                        INSERT INTO refarch_product_versions AS v (product_id, seq, deleted, op, changed_at, changed_columns)
                            VALUES (OLD.id, s, true, 'delete', t, '{}')
                            ON CONFLICT (product_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = true, op = EXCLUDED.op,
                                changed_at = EXCLUDED.changed_at, changed_columns = EXCLUDED.changed_columns;
                        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    END IF;
                    -- The reference's columns, compared one by one (cheaper than a row-to-JSON diff);
                    -- a change to another column (the reference's `processed`) lists none.
                    IF TG_OP = 'UPDATE' AND OLD.id IS NOT DISTINCT FROM NEW.id THEN
                        cols := array_remove(ARRAY[
                            CASE WHEN OLD.name IS DISTINCT FROM NEW.name THEN 'name' END,
                            CASE WHEN OLD.sku IS DISTINCT FROM NEW.sku THEN 'sku' END,
                            CASE WHEN OLD.description IS DISTINCT FROM NEW.description THEN 'description' END,
                            CASE WHEN OLD.price IS DISTINCT FROM NEW.price THEN 'price' END,
                            CASE WHEN OLD.last_updated IS DISTINCT FROM NEW.last_updated THEN 'last_updated' END,
                            CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
                            CASE WHEN OLD.uuid IS DISTINCT FROM NEW.uuid THEN 'uuid' END
                        ], NULL);
                    END IF;
                    INSERT INTO refarch_outbox (product_id, op) VALUES (NEW.id, lower(TG_OP)) RETURNING seq, changed_at INTO s, t;
                    INSERT INTO refarch_product_versions AS v (product_id, seq, deleted, op, changed_at, changed_columns)
                        VALUES (NEW.id, s, false, lower(TG_OP), t, cols)
                        ON CONFLICT (product_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = false, op = EXCLUDED.op,
                            changed_at = EXCLUDED.changed_at, changed_columns = EXCLUDED.changed_columns;
                    RETURN NEW;
                END $$;
                """),
        Migration(
            12, "verify runs",
            sql: """
                -- Each `verify` (issue 20 §3) records what it found, so the index view and
                -- `index stats` show the last result and when it ran; the last 100 runs are kept.
                CREATE TABLE IF NOT EXISTS refarch_verify_runs (
                    id bigserial PRIMARY KEY,
                    ran_at timestamptz NOT NULL DEFAULT now(),
                    ran_by text NOT NULL DEFAULT '',
                    products integer NOT NULL,
                    indexed_products integer NOT NULL,
                    current integer NOT NULL,
                    metadata_stale integer NOT NULL,
                    text_stale integer NOT NULL,
                    missing integer NOT NULL,
                    orphaned integer NOT NULL,
                    repaired integer NOT NULL DEFAULT 0
                );
                """),
    ]
}

/// A SKU that more than one product uses.
public struct DuplicateSKU: Sendable, Equatable {
    public let sku: String
    public let productIDs: [Int64]
}

/// Products whose SKUs are the same but for case (`KIT-1`, `kit-1`).
public struct SKUCaseClash: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let id: Int64
        public let sku: String
    }
    public var products: [Row]
}

/// Why `db migrate` refused to change anything.
public enum MigrationError: UserFacingError, Equatable {
    case duplicateSKUs([DuplicateSKU])
    /// Migration 9 makes SKUs unique ignoring case; these groups (at most 50) stand in its way.
    case skusDifferOnlyInCase([SKUCaseClash])

    public var summary: String {
        switch self {
        case .duplicateSKUs(let list):
            let shown = list.prefix(10).map { "\($0.sku) (ids \($0.productIDs.map(String.init).joined(separator: ", ")))" }
            return "Cannot make SKUs unique: \(list.count)\(list.count == 50 ? "+" : "") SKUs are used by more than one product: "
                + shown.joined(separator: "; ") + (list.count > 10 ? "; …" : "") + ". Nothing was changed."
        case .skusDifferOnlyInCase(let list):
            let shown = list.prefix(10).map { clash in
                clash.products.map { "\($0.sku) (id \($0.id))" }.joined(separator: " = ")
            }
            return "Cannot make SKUs unique ignoring case: \(list.count)\(list.count == 50 ? "+" : "") SKUs differ only in case: "
                + shown.joined(separator: "; ") + (list.count > 10 ? "; …" : "") + ". Nothing was changed."
        }
    }

    public var remedy: String? {
        switch self {
        case .duplicateSKUs:
            return
                "Give each product its own SKU (`refarch-tui products update ID --sku NEW-SKU`), then run `refarch-tui db migrate` again."
        case .skusDifferOnlyInCase:
            // The products commands need the current schema, so the rename is plain SQL.
            return "Give each of these products its own SKU, e.g. "
                + "`psql \"$DATABASE_URL\" -c \"UPDATE products_with_increment SET sku = 'KIT-1-B' WHERE id = 9\"`, "
                + "then run `refarch-tui db migrate` again."
        }
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
