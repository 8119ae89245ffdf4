import ArgumentParser
import Catalog
import Foundation
import Operations
import Postgres
import PostgresCatalog
import Search
import Sync

/// `refarch-tui trace ID | --sku SKU [--json]`: why isn't this product searchable? Follows
/// its latest change through the outbox, pelican, the job queue and DLQ, the index and a
/// search for its name, and names the first stage that is not done with what to do.
/// Read-only (works in read-only mode): on SQS it looks at the DLQ as `queue peek --dlq` does.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Why isn't this product searchable? Its latest change, stage by stage, and what to do where it stopped.",
        discussion: """
            Stages, in order: change (seq, when, what changed), outbox, pelican (sent, when), queue \
            (embedded: waiting, in flight or dead-lettered; SQS: in the DLQ or not), index (current, \
            metadata-stale, text-stale or missing) and search (the rank of a search for its name). \
            Exit status 1 for an unknown or deleted product; 0 otherwise, whatever the stages say \
            (`--json` has "complete" and "first_pending").
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The product id.") var id: Int64?
    @Option(help: "Select the product by SKU (ignoring case) instead of id.") var sku: String?
    @Option(name: .customLong("model-dir"), help: "Model folder for the search stage (else model.dir).") var modelDirectory: String?
    @Flag(help: "Print one JSON object: the product, and every stage with its status, summary, time and remedy.") var json = false

    func validate() throws {
        if (id == nil) == (sku == nil) { throw ValidationError("Give either a product id or --sku, not both and not neither.") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext(global, extraFlags: modelDirectory.map { ["--model-dir": $0] } ?? [:])
            let pool = try await context.migratedPool()
            let queue: OpenedJobQueue
            do {
                queue = try await makeJobQueue(context: context)
            } catch {
                await pool.close()
                throw error
            }
            // Without a model the trace still runs; only the search stage says why it was skipped.
            let embedder = try? makeEmbedder(context: context)
            let target: TraceTarget = id.map { .id(ProductID($0)) } ?? .sku(sku ?? "")
            let result = await Result {
                try await withVectorIndex(context: context, loadVectors: embedder != nil) { index in
                    let store = PostgresProductStore(pool: pool)
                    let search = embedder.map { SearchService(embedder: $0, index: index.index, store: store, queryCache: nil) }
                    return try await makeProductTracer(
                        context: context, pool: pool, store: store, queue: queue.queue, index: index, search: search
                    )
                    .trace(target)
                }
            }
            await queue.close()
            await pool.close()
            let trace = try result.get()
            if json { try printJSON(trace) } else { print(TraceText.render(trace, queue: queue.location)) }
        }
    }
}

/// The tracer as `refarch-tui trace` and the console's trace view wire it: the queue and
/// index backends named as the configuration chose them, and the configured template.
func makeProductTracer(
    context: CommandContext, pool: PostgresPool, store: any ProductStore, queue: any JobQueue, index: OpenedVectorIndex,
    search: SearchService?
) -> ProductTracer {
    ProductTracer(
        pool: pool, store: store, queue: queue, queueBackend: context.settings.string("sqs.queue_url") == nil ? "postgres" : "sqs",
        index: index.index, indexBackend: index.backend.rawValue, search: search,
        template: EmbeddingTemplate(context.settings.string("embedding.template") ?? EmbeddingTemplate.standard.text))
}

/// The plain text of a trace, readable at 80 columns: one line per stage (wrapped under its
/// summary), the first stage not done marked with `>`, then what to do.
enum TraceText {
    static let width = 80

    static func render(_ trace: ProductTrace, queue: String) -> String {
        var lines = ["product \(trace.productID)  \(trace.sku)  \(trace.name)"]
        lines += wrap("queue: \(queue) · index: \(trace.indexBackend) · at \(ProductTracer.format(trace.tracedAt))", indent: 0)
        lines.append("")
        let pending = trace.firstPending?.kind
        for stage in trace.stages {
            let mark = stage.kind == pending ? "> " : "  "
            let head = mark + stage.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + word(stage.status) + "  "
            let body = wrap(stage.summary, indent: head.count)
            lines.append(head + (body.first?.dropFirst(head.count) ?? ""))
            lines += body.dropFirst()
        }
        lines.append("")
        guard let stage = trace.firstPending else {
            lines.append("Searchable at its latest change: every stage is done.")
            return lines.joined(separator: "\n")
        }
        lines += wrap("\(stage.status == .failed ? "stuck at" : "now at") \(stage.kind.rawValue): \(stage.summary)", indent: 2)
        if let remedy = stage.remedy {
            lines += wrap("next (\(remedy.action.rawValue)): \(remedy.text)", indent: 2)
            if let command = remedy.command { lines.append("  run: \(command)") }
        } else if let error = stage.error {
            lines += wrap("error: \(error)", indent: 2)
        }
        return lines.joined(separator: "\n")
    }

    static func word(_ status: TraceStage.Status) -> String {
        switch status {
        case .done: return "done"
        case .waiting: return "wait"
        case .failed: return "FAIL"
        case .unknown: return "????"
        case .skipped: return "skip"
        }
    }

    /// Words of `text` on lines of at most ``width`` columns, every line after the first (and
    /// the first too, as padding the caller replaces) indented by `indent`.
    static func wrap(_ text: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = pad
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.count > indent, line.count + 1 + word.count > width {
                lines.append(line)
                line = pad
            }
            line += (line.count > indent ? " " : "") + word
        }
        lines.append(line)
        return lines
    }
}
