import ArgumentParser
import Catalog
import Foundation
import PostgresCatalog
import UserFacing

/// `refarch-tui products …`: list, read and change the catalog from scripts.
struct ProductsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "products",
        abstract: "List, show, add, update and delete products.",
        subcommands: [List.self, Get.self, Add.self, Update.self, Delete.self, Count.self])

    /// The product store on a migrated database; with `writing`, read-only mode refuses first.
    static func openStore(_ global: GlobalOptions, writing action: String? = nil) async throws -> PostgresProductStore {
        let context = try CommandContext(global)
        if let action { try context.requireWritable(action) }
        return PostgresProductStore(pool: try await context.migratedPool())
    }

    /// A product as the CLI prints it in JSON.
    struct ProductJSON: Encodable {
        let id: Int64
        let name: String
        let sku: String
        let description: String
        let price: Double
        let last_updated: String?
        let created_at: String?
        let uuid: String?

        init(_ product: Product) {
            id = product.id.rawValue
            name = product.name
            sku = product.sku
            description = product.description
            price = product.price.doubleValue
            last_updated = product.lastUpdated?.description
            created_at = product.createdAt.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)) }
            uuid = product.uuid
        }
    }

    /// Identifies one product by id (positional) or by `--sku`.
    struct ProductSelector: ParsableArguments {
        @Argument(help: "The product id.")
        var id: Int64?

        @Option(help: "Select the product by SKU instead of id.")
        var sku: String?

        func validate() throws {
            if (id == nil) == (sku == nil) {
                throw ValidationError("Give either a product id or --sku, not both and not neither.")
            }
        }

        func resolve(in store: PostgresProductStore) async throws -> Product {
            let found: Product?
            if let id { found = try await store.product(id: ProductID(id)) } else { found = try await store.product(sku: sku ?? "") }
            guard let found else {
                throw UserError(
                    summary: id.map { "There is no product with id \($0)." } ?? "There is no product with SKU \"\(sku ?? "")\".",
                    remedy: "`refarch-tui products list --filter TEXT` finds products.")
            }
            return found
        }
    }

    /// The editable fields as flags.
    struct FieldOptions: ParsableArguments {
        @Option(help: "Product name (at most 255 characters).") var name: String?
        @Option(help: "Stock-keeping unit, unique ignoring case (at most 255 characters).") var sku: String?
        @Option(help: "Price: 12, 12.5 or $1,234.50; never negative.") var price: String?
        @Option(help: "Description (at most 100,000 characters).") var description: String?
        @Option(
            name: .customLong("description-file"),
            help: ArgumentHelp("Read the description from this UTF-8 file (- reads standard input).", valueName: "path"))
        var descriptionFile: String?
        @Option(help: "Date of the last update, YYYY-MM-DD.") var lastUpdated: String?

        func validate() throws {
            if description != nil && descriptionFile != nil {
                throw ValidationError("Give --description or --description-file, not both.")
            }
        }

        /// True when a description was given, inline or as a file.
        var changesDescription: Bool { description != nil || descriptionFile != nil }

        /// Validates every field at once, so one run reports every problem.
        func newProduct() throws -> NewProduct {
            var problems: [ProductValidationError] = []
            var price: Price?
            if let text = self.price {
                do { price = try Price(parsing: text) } catch { problems.append(error) }
            } else {
                problems.append(.init(field: .price, problem: .required))
            }
            let date = try collect(&problems) { try parsedDate() } ?? nil
            let description = try collect(&problems) { try readDescription() } ?? nil
            do {
                let product = try NewProduct(
                    name: name ?? "", sku: sku ?? "", description: description ?? "",
                    price: price ?? Price(cents: 0), lastUpdated: date)
                if problems.isEmpty { return product }
            } catch let error as ProductValidationErrors {
                problems = error.problems + problems
            }
            throw ProductValidationErrors(Self.ordered(problems))
        }

        /// The changes the flags ask for, every problem reported at once (as ``newProduct()``).
        func changes(includingSKU: Bool) throws -> ProductChanges {
            var problems: [ProductValidationError] = []
            let price = try collect(&problems) { try parsedPrice() } ?? nil
            let date = try collect(&problems) { try parsedDate() } ?? nil
            let description = try collect(&problems) { try readDescription() } ?? nil
            do {
                let changes = try ProductChanges(
                    name: name, sku: includingSKU ? sku : nil, description: description, price: price, lastUpdated: date)
                if problems.isEmpty { return changes }
            } catch {
                problems = error.problems + problems
            }
            throw ProductValidationErrors(Self.ordered(problems))
        }

        /// Problems in the order of the fields on the command line's help.
        static func ordered(_ problems: [ProductValidationError]) -> [ProductValidationError] {
            let order: [ProductField] = [.name, .sku, .price, .description, .lastUpdated]
            return problems.enumerated().sorted {
                (order.firstIndex(of: $0.element.field) ?? 9, $0.offset) < (order.firstIndex(of: $1.element.field) ?? 9, $1.offset)
            }.map(\.element)
        }

        /// Runs `body`; a validation problem is added to `problems` (and nil returned), any
        /// other error (an unreadable file) is thrown.
        private func collect<T>(_ problems: inout [ProductValidationError], _ body: () throws -> T) rethrows -> T? {
            do { return try body() } catch let error as ProductValidationError {
                problems.append(error)
                return nil
            } catch let error as ProductValidationErrors {
                problems += error.problems
                return nil
            }
        }

        func parsedPrice() throws -> Price? {
            try price.map { text throws -> Price in try Price(parsing: text) }
        }

        func parsedDate() throws -> LocalDate? {
            guard let text = lastUpdated else { return nil }
            guard let date = LocalDate(parsing: text) else {
                throw ProductValidationError(field: .lastUpdated, problem: .notADate(text))
            }
            return date
        }

        /// `--description`, or the text of `--description-file` (`-`: standard input) without
        /// its final line break; nil when neither was given.
        func readDescription() throws -> String? {
            if let description { return description }
            guard let path = descriptionFile else { return nil }
            let bytes = try Self.readLimited(path)
            var text = try ProductRules.decodeUTF8(bytes, field: .description)
            if text.hasSuffix("\r\n") {
                text.removeLast(1)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            return text
        }

        /// The most bytes read from a description file: far more than 100,000 characters take
        /// in UTF-8, so `/dev/zero` or a huge file is refused without filling memory.
        static let descriptionFileByteLimit = 4_000_000

        static func readLimited(_ path: String) throws -> [UInt8] {
            let limit = descriptionFileByteLimit
            let handle: FileHandle
            if path == "-" {
                handle = FileHandle.standardInput
            } else {
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    throw UserError(
                        summary: "Cannot read the description file \(path).",
                        remedy: "Check the path given with --description-file and its permissions (- reads standard input).")
                }
                handle = opened
            }
            defer { if path != "-" { try? handle.close() } }
            var bytes: [UInt8] = []
            while bytes.count <= limit {
                let chunk: Data?
                do { chunk = try handle.read(upToCount: 65_536) } catch {
                    throw UserError(summary: "Cannot read the description file \(path): \(error.localizedDescription)", remedy: nil)
                }
                guard let chunk, !chunk.isEmpty else { return bytes }
                bytes += chunk
            }
            throw UserError(
                summary: "The description file \(path) is over \(limit / 1_000_000) MB; a description has at most "
                    + "\(ProductRules.maxDescriptionLength) characters.",
                remedy: "Shorten the description.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List products a page at a time.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Products per page.") var limit = 20
        @Option(help: "Page number, from 1.") var page = 1
        @Option(help: "Sort by id, name, price or updated.") var sort: String = "id"
        @Flag(help: "Sort in descending order.") var desc = false
        @Option(
            help: """
                Only products matching every word: text in name, SKU or description, or column:value \
                (name:, sku:, description:, id:42, price:20, price:<20, price:>=5.50, price:10-20).
                """) var filter: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard ProductSort(rawValue: sort) != nil else { throw ValidationError("--sort must be id, name, price or updated.") }
            guard limit > 0, limit <= 10_000 else { throw ValidationError("--limit must be between 1 and 10000.") }
            guard page >= 1 else { throw ValidationError("--page starts at 1.") }
        }

        func run() async throws {
            try await reportingErrors {
                _ = try ProductFilter(parsing: filter)  // a bad filter is bad usage, before connecting
                let store = try await ProductsCommand.openStore(global)
                let result = try await store.list(
                    ProductQuery(
                        limit: limit, offset: (page - 1) * limit,
                        sort: ProductSort(rawValue: sort)!, descending: desc, filter: filter))
                if json {
                    struct Page: Encodable { let total: Int; let page: Int; let limit: Int; let products: [ProductJSON] }
                    try printJSON(Page(total: result.totalCount, page: page, limit: limit, products: result.products.map(ProductJSON.init)))
                    return
                }
                printTable(result.products)
                let pages = max(1, (result.totalCount + limit - 1) / limit)
                print("\(result.totalCount) product\(result.totalCount == 1 ? "" : "s"), page \(page) of \(pages)")
            }
        }

        func printTable(_ products: [Product]) {
            let rows = products.map { [String($0.id.rawValue), $0.name, $0.sku, $0.price.description, $0.lastUpdated?.description ?? ""] }
            RefarchCLI.printTable(["ID", "NAME", "SKU", "PRICE", "UPDATED"], rows, rightAligned: [0, 3], maxWidth: 48)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one product.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selector: ProductSelector
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let store = try await ProductsCommand.openStore(global)
                let product = try await selector.resolve(in: store)
                if json { try printJSON(ProductJSON(product)) } else { printDetails(product) }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a product.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: FieldOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("add a product")
                let product = try fields.newProduct()
                let store = PostgresProductStore(pool: try await context.migratedPool())
                let created = try await store.create(product)
                if json { try printJSON(ProductJSON(created)) } else { print("Added product \(created.id) (\(created.sku)).") }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change some fields of a product.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The product id. Without it, --sku selects the product (and is not changed).") var id: Int64?
        @OptionGroup var fields: FieldOptions
        @Flag(help: "Print JSON.") var json = false

        /// With an id, `--sku` sets a new SKU; without one, it names the product to change.
        var selectsBySKU: Bool { id == nil }

        func validate() throws {
            if id == nil && fields.sku == nil {
                throw ValidationError("Give the product id, or --sku to select the product by SKU.")
            }
            let changesSKU = fields.sku != nil && !selectsBySKU
            if fields.name == nil && !changesSKU && fields.price == nil && !fields.changesDescription && fields.lastUpdated == nil {
                throw ValidationError(
                    "Nothing to change: give at least one of --name, --sku (with an id), --price, --description, --description-file, --last-updated."
                )
            }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try CommandContext(global)
                try context.requireWritable("update a product")
                let changes = try fields.changes(includingSKU: !selectsBySKU)
                let store = PostgresProductStore(pool: try await context.migratedPool())
                let target = try await ProductSelector(id: id, sku: selectsBySKU ? fields.sku : nil).resolve(in: store)
                guard let updated = try await store.update(id: target.id, changes) else {
                    throw UserError(summary: "Product \(target.id) was deleted meanwhile.", remedy: nil)
                }
                if json { try printJSON(ProductJSON(updated)) } else { print("Updated product \(updated.id).") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a product.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selector: ProductSelector
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let store = try await ProductsCommand.openStore(global, writing: "delete a product")
                let target = try await selector.resolve(in: store)
                let deleted = try await store.delete(id: target.id)
                if json {
                    struct Deleted: Encodable { let id: Int64; let deleted: Bool }
                    try printJSON(Deleted(id: target.id.rawValue, deleted: deleted))
                } else {
                    print(deleted ? "Deleted product \(target.id)." : "Product \(target.id) was already gone.")
                }
            }
        }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print how many products there are.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                print(try await ProductsCommand.openStore(global).count())
            }
        }
    }
}

extension ProductsCommand.ProductSelector {
    init(id: Int64?, sku: String?) {
        self.init()
        self.id = id
        self.sku = sku
    }
}

func printDetails(_ product: Product) {
    print(
        """
        id:           \(product.id)
        name:         \(product.name)
        sku:          \(product.sku)
        price:        \(product.price)
        last_updated: \(product.lastUpdated?.description ?? "")
        uuid:         \(product.uuid ?? "")
        description:
        """)
    print(
        product.description.isEmpty
            ? "  (none)"
            : product.description.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
}
