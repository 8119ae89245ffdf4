import Catalog
import Operations

/// The trace view: one product's latest change on its way to search (`t` on a product,
/// `:trace ID|SKU`).
public struct TraceState: ViewPayload {
    /// The product asked about; nil while the view is closed.
    public var target: TraceTarget?
    /// The last answer (kept while `r` traces again).
    public var trace: ProductTrace?
    /// The trace on its way.
    public var tracing = RequestSlot()
    /// Rows scrolled off the top of the stage list.
    public var scroll = 0

    public init(target: TraceTarget? = nil) { self.target = target }

    /// The request on its way, if any (for the view and tests).
    public var pending: Int? { tracing.request }
}

/// What the trace view asks of the services: the trace of one product.
public struct TraceRequest: ViewPayload {
    public var target: TraceTarget
    public init(target: TraceTarget) { self.target = target }
}

extension ProductTrace: ViewPayload {}

extension ConsoleState {
    public var trace: TraceState {
        get { views[TraceState.self] ?? TraceState() }
        set { views[TraceState.self] = newValue }
    }
}
