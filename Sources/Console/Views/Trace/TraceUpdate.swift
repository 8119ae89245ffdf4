import Catalog
import Operations

extension ViewID {
    public static let trace = ViewID(rawValue: "trace")
}

/// The trace view's update: opened over the view it came from (esc goes back), `r` traces
/// again, an unknown product's error and remedy go to the body.
extension TraceView: ConsoleScreen {
    public static var id: ViewID { .trace }
    public static var title: String { "Trace" }
    public static var isTab: Bool { false }
    public static var commandUsage: String? { "trace ID|SKU" }
    public static var loadErrorTitle: String? { "Not traced" }

    /// " › Trace product 7", also when it was asked for by SKU and has been found.
    public static func crumb(_ s: ConsoleState) -> String? {
        if let trace = s.trace.trace { return " › Trace product \(trace.productID)" }
        return s.trace.target.map { " › Trace \(describe($0))" }
    }

    public static func bindings(for s: ConsoleState) -> [KeyBinding] { bindings }

    public static func hasData(_ s: ConsoleState) -> Bool { s.trace.trace != nil }

    /// `:trace 42` traces product 42; anything else is a SKU.
    public static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect] {
        guard !arguments.isEmpty else {
            s.show("Trace which product? Type :trace ID or :trace SKU (or press t on a product).", .error)
            return []
        }
        if let id = Int64(arguments), id > 0 { return open(&s, .id(ProductID(id))) }
        return open(&s, .sku(arguments))
    }

    /// Opens the trace of `target` over the current view (or in place, from the trace view).
    public static func open(_ s: inout ConsoleState, _ target: TraceTarget) -> [ConsoleEffect] {
        if s.view != .trace { ConsoleUpdate.push(&s, .trace) }
        s.trace.target = target
        s.trace.trace = nil
        s.trace.scroll = 0
        s.loadErrors[.trace] = nil
        return load(&s)
    }

    /// What the product views' `t` does with their product.
    static func openProduct(_ s: inout ConsoleState, _ product: Product?) -> [ConsoleEffect] {
        guard let product else { return [] }
        return open(&s, .id(product.id))
    }

    public static func otherKey(_ s: inout ConsoleState, _ key: Key) { ConsoleUpdate.scroll(&s.trace.scroll, key) }

    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? {
        switch action {
        case .refresh: load(&s)
        default: nil
        }
    }

    public static func closed(_ s: inout ConsoleState) {
        // An answer still on its way is dropped: the new state's slot does not await it.
        s.trace = TraceState()
        s.loadErrors[.trace] = nil
    }

    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? {
        guard case let .viewAnswered(request, _, payload) = message else { return nil }
        guard s.end(request), s.trace.tracing.settle(request), let trace = payload.as(ProductTrace.self) else { return [] }
        s.trace.trace = trace
        s.loadErrors[.trace] = nil
        return []
    }

    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? {
        guard s.trace.tracing.settle(request) else { return nil }
        // The body shows the error with its remedy (unknown product, or the backend's); a
        // status line would only repeat it, cut at 80 columns. `r` asks again.
        s.loadErrors[.trace] = error
        return []
    }

    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        guard let request = request.as(TraceRequest.self) else {
            throw ConsoleError(summary: "Trace cannot run \(request).", remedy: "This is a bug in the console: please report it.")
        }
        return AnyViewPayload(try await services.trace(request.target))
    }

    /// Traces the target (again), replacing a trace still on its way.
    static func load(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard let target = s.trace.target else { return [] }
        let (request, cancel) = s.replace(\.trace.tracing, "tracing \(describe(target))")
        return cancel + [.view(request: request, .trace, AnyViewPayload(TraceRequest(target: target)))]
    }

    /// "product 42", "SKU “MUG-01”".
    static func describe(_ target: TraceTarget) -> String {
        switch target {
        case .id(let id): "product \(id)"
        case .sku(let sku): "SKU \(sku)"
        }
    }
}
