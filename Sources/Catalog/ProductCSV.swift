import UserFacing

/// Reads the reference architecture's product CSV (`name,sku,description,price,last_updated`,
/// prices like `$344.87`) into validated products.
///
/// All or nothing: every line is checked first, and any problem is reported with its line
/// number, so the caller writes nothing from a file that has one bad line.
public enum ProductCSV {
    /// One problem, at the line (1-based, counting the header) where its record starts.
    public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Every problem found in a file (the first 20 are kept).
    public struct ImportError: UserFacingError, Hashable {
        public let file: String
        public let errors: [LineError]
        public let totalErrors: Int
        public var summary: String {
            let shown = errors.prefix(5).map(\.description).joined(separator: "; ")
            return
                "\(file) has \(totalErrors) bad line\(totalErrors == 1 ? "" : "s") (\(shown)\(totalErrors > 5 ? "; …" : "")); nothing was imported."
        }
        public var remedy: String? {
            "Fix the lines named and run the import again. Expected columns: name,sku,description,price,last_updated."
        }
    }

    static let requiredColumns = ["name", "sku", "price"]
    static let knownColumns = ["name", "sku", "description", "price", "last_updated"]

    /// Parses and validates a whole file.
    public static func parse(_ bytes: [UInt8], file: String) throws(ImportError) -> [NewProduct] {
        var errors: [LineError] = []
        var total = 0
        func report(_ line: Int, _ message: String) {
            total += 1
            if errors.count < 20 { errors.append(LineError(line: line, message: message)) }
        }
        var records: [(line: Int, fields: [[UInt8]])] = []
        do {
            records = try splitRecords(bytes)
        } catch let error as LineError {
            throw ImportError(file: file, errors: [error], totalErrors: 1)
        } catch {
            throw ImportError(file: file, errors: [LineError(line: 0, message: "\(error)")], totalErrors: 1)
        }
        guard let header = records.first else {
            throw ImportError(
                file: file, errors: [LineError(line: 1, message: "the file is empty; expected a header line")], totalErrors: 1)
        }
        var headerNames = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces().lowercased() }
        if let first = headerNames.first, first.hasPrefix("\u{FEFF}") { headerNames[0] = String(first.dropFirst()) }
        var position: [String: Int] = [:]
        for (i, name) in headerNames.enumerated() {
            guard knownColumns.contains(name) else {
                throw ImportError(
                    file: file,
                    errors: [LineError(line: 1, message: "unknown column \"\(name)\"; expected \(knownColumns.joined(separator: ","))")],
                    totalErrors: 1)
            }
            position[name] = i
        }
        for required in requiredColumns where position[required] == nil {
            report(1, "the header has no \"\(required)\" column")
        }
        if total > 0 { throw ImportError(file: file, errors: errors, totalErrors: total) }

        var products: [NewProduct] = []
        products.reserveCapacity(records.count)
        var skuLines: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }  // blank line
            guard record.fields.count == headerNames.count else {
                report(record.line, "expected \(headerNames.count) fields, found \(record.fields.count)")
                continue
            }
            func field(_ name: String) throws(ProductValidationError) -> String? {
                guard let i = position[name] else { return nil }
                let field = ProductField(rawValue: name) ?? .description
                return try ProductRules.decodeUTF8(record.fields[i], field: field)
            }
            do throws(ProductValidationError) {
                let priceText = try field("price") ?? ""
                let price = try Price(parsing: priceText)
                var date: LocalDate?
                if let text = try field("last_updated"), !text.trimmingSpaces().isEmpty {
                    guard let parsed = LocalDate(parsing: text) else {
                        throw ProductValidationError(field: .lastUpdated, problem: .notADate(text))
                    }
                    date = parsed
                }
                let name = try field("name") ?? "", sku = try field("sku") ?? ""
                let description = try field("description") ?? ""
                let product: NewProduct
                do throws(ProductValidationErrors) {
                    product = try NewProduct(name: name, sku: sku, description: description, price: price, lastUpdated: date)
                } catch {
                    report(record.line, error.description)
                    continue
                }
                if let earlier = skuLines[product.sku] {
                    report(record.line, "sku \"\(product.sku)\" is already used on line \(earlier)")
                    continue
                }
                skuLines[product.sku] = record.line
                products.append(product)
            } catch {
                report(record.line, error.description)
            }
        }
        if total > 0 { throw ImportError(file: file, errors: errors, totalErrors: total) }
        return products
    }

    /// Splits RFC 4180 CSV into records of raw fields, with the line each record starts on.
    /// Quoted fields may hold commas, quotes (doubled) and line breaks.
    static func splitRecords(_ bytes: [UInt8]) throws -> [(line: Int, fields: [[UInt8]])] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [(line: Int, fields: [[UInt8]])] = []
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0
        var inQuotes = false, wasQuoted = false
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote where field.isEmpty && !wasQuoted:
                inQuotes = true
                wasQuoted = true
            case quote:
                throw LineError(line: line, message: "a quote inside an unquoted field; quote the whole field and double the quote")
            case comma:
                fields.append(field); field = []; wasQuoted = false
            case cr where i + 1 < bytes.count && bytes[i + 1] == lf:
                break
            case lf, cr:
                fields.append(field); field = []; wasQuoted = false
                records.append((recordLine, fields)); fields = []
                line += 1
                recordLine = line
            default:
                if wasQuoted { throw LineError(line: line, message: "text after a closing quote") }
                field.append(b)
            }
            i += 1
        }
        if inQuotes { throw LineError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}
