import Foundation
import Operations

extension ViewID {
    public static let index = ViewID(rawValue: "index")
}

/// The index view's update: the figures refreshed every interval while shown (faster while a
/// verify runs, for its progress); `v` verifies in the background, `R` repairs and `X`
/// reindexes all, each confirmed (and hidden and refused in read-only mode).
///
/// Counting the products in the index lists every vector id (on Pinecone, one call per 100),
/// so only opening, `r` and the end of a verify, repair or reindex count them; the periodic
/// refresh reuses the last count.
extension IndexView: ConsoleScreen {
    public static var id: ViewID { .index }
    public static var title: String { "Index" }
    public static var isTab: Bool { false }
    public static var commandUsage: String? { "index" }
    public static var loadErrorTitle: String? { "Index not read" }

    static let verifyAction = ConsoleAction.view("verify")
    static let repairAction = ConsoleAction.view("repair")
    static let reindexAction = ConsoleAction.view("reindex-all")

    public static func crumb(_ s: ConsoleState) -> String? { " › Index" }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }

    public static func hasData(_ s: ConsoleState) -> Bool { s.index.status != nil }

    public static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect] {
        if s.view != .index { ConsoleUpdate.push(&s, .index) }
        return load(&s)
    }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh:
            return load(&s)
        case verifyAction:
            guard let request = s.ask(\.index.verifying, "") else {
                s.show("A verify is already running.", .warn)
                return []
            }
            s.show("Verifying the index in the background…", .info, for: .seconds(5))
            return [.view(request: request, .index, AnyViewPayload(IndexViewRequest.verify))]
                + load(&s, background: true, countingProducts: false)
        case repairAction:
            guard let last = s.index.status?.lastVerify else {
                s.show("Verify first (v): repair enqueues what the verify finds.", .warn)
                return []
            }
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Repair the index",
                    message: "The last verify found \(last.missing) missing, \(last.textStale) text-stale, "
                        + "\(last.metadataStale) metadata-stale and \(last.orphaned) orphaned. Verify again and enqueue "
                        + "the fixes for the workers?",
                    confirmLabel: "repair", isDestructive: false),
                .view(.index, AnyViewPayload(IndexViewRequest.repair)))
            return []
        case reindexAction:
            let count = s.index.status?.productsInDatabase.map { " all \(ConsoleView.counted($0, "product"))" } ?? " every product"
            s.overlay = .confirm(
                ConfirmDialog(
                    title: "Reindex all",
                    message: "Enqueue\(count) for embedding and indexing again? The workers redo the whole index.",
                    confirmLabel: "reindex", isDestructive: true),
                .view(.index, AnyViewPayload(IndexViewRequest.reindexAll)))
            return []
        default:
            return nil
        }
    }

    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? {
        guard case .view(_, let payload) = action, let request = payload.as(IndexViewRequest.self), request.isWrite else { return nil }
        let id = s.begin(request == .repair ? "repairing the index" : "enqueueing every product")
        s.index.acting.asked(id)
        return [.view(request: id, .index, payload)]
    }

    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] {
        s.index.status == nil && !s.index.reading.isInFlight ? load(&s) : []
    }

    /// Refreshed while shown; every tick while a verify runs, so its progress moves.
    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.view == .index else { return [] }
        let interval = s.index.verifying.isInFlight ? .milliseconds(500) : s.refreshInterval
        if let asked = s.index.requestedAt, s.now - asked < interval { return [] }
        return load(&s, background: true, countingProducts: false)
    }

    public static func wantsFastTicks(_ s: ConsoleState) -> Bool { s.view == .index && s.index.verifying.isInFlight }

    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] {
        load(&s, background: true, countingProducts: false)
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .viewAnswered(request, _, payload) = message else { return nil }
        guard s.end(request) else { return [] }
        if s.index.reading.settle(request), let status = payload.as(IndexStatus.self) {
            s.index.status = status
            s.index.isStale = false
            s.loadErrors[.index] = nil
        } else if s.index.verifying.settle(request), let record = payload.as(IndexVerifyRecord.self) {
            s.show(
                record.isClean
                    ? "Verified: the index agrees with the catalog."
                    : "Verified: drift in \(ConsoleView.counted(record.drift, "product")); R repairs.",
                record.isClean ? .ok : .warn, for: .seconds(10))
            return load(&s, background: true)
        } else if s.index.acting.settle(request) {
            if let repair = payload.as(IndexRepair.self) {
                s.show(
                    "Enqueued \(ConsoleView.counted(repair.upserts, "upsert")) and \(ConsoleView.counted(repair.deletes, "delete")); "
                        + "the workers apply them.", .ok, for: .seconds(10))
            } else if let answer = payload.as(IndexReindexAnswer.self) {
                s.show("Enqueued \(ConsoleView.counted(answer.enqueued, "product")) for indexing.", .ok, for: .seconds(10))
            }
            return load(&s, background: true)
        }
        return []
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        if s.index.reading.settle(request) {
            s.index.isStale = true
            return ConsoleUpdate.loadFailed(&s, .index, error, "Index figures are stale")
        }
        if s.index.verifying.settle(request) || s.index.acting.settle(request) { return ConsoleUpdate.showFailure(&s, error) }
        return nil
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        switch request.as(IndexViewRequest.self) {
        case .status(let counting)?: return AnyViewPayload(try await services.indexStatus(countingProducts: counting))
        case .verify?: return AnyViewPayload(try await services.verifyIndex { _ in })
        case .repair?: return AnyViewPayload(try await services.repairIndex())
        case .reindexAll?: return AnyViewPayload(IndexReindexAnswer(enqueued: try await services.reindexAll()))
        case nil:
            throw ConsoleError(summary: "Index cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
    }

    /// Reads the figures. Counting the products again replaces a read on its way (a refresh's
    /// would not count them); the periodic refresh (`countingProducts` false) asks nothing
    /// while a read is on its way.
    static func load(_ s: inout ConsoleState, background: Bool = false, countingProducts: Bool = true) -> [ConsoleEffect] {
        s.index.requestedAt = s.now
        let label = background ? "" : "reading the index"
        var cancel: [ConsoleEffect] = []
        let request: Int
        if countingProducts {
            (request, cancel) = s.replace(\.index.reading, label)
        } else {
            guard let asked = s.ask(\.index.reading, label) else { return [] }
            request = asked
        }
        return cancel + [.view(request: request, .index, AnyViewPayload(IndexViewRequest.status(countingProducts: countingProducts)))]
    }
}
