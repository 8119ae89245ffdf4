/// One kind of request a view makes (its figures, a verify, an action), with at most one
/// on its way at a time: what each view used to keep as a `pending` request number and
/// compare in `received` and `failed`.
///
/// A view holds one slot per kind of request in its state. ``ConsoleState/ask(_:_:)`` starts
/// a request in a free slot; the answer or the failure for that number ``settle(_:)``s it,
/// freeing the slot. An answer for any other number (an older request the slot dropped or
/// replaced, or another slot's) settles nothing, so the view drops it.
public struct RequestSlot: Hashable, Sendable {
    /// The request on its way; nil when the slot is free.
    public private(set) var request: Int?

    public init() {}

    /// Whether a request is on its way (so the view does not ask again).
    public var isInFlight: Bool { request != nil }

    /// Whether `request` is the one on its way here.
    public func awaits(_ request: Int) -> Bool { self.request == request }

    /// `request` is now the one awaited; the answer of any earlier one will be dropped.
    public mutating func asked(_ request: Int) { self.request = request }

    /// The answer or failure for `request` arrived: true when it is the one awaited (the
    /// slot is free again); false for a stale or another slot's request, which changes nothing.
    public mutating func settle(_ request: Int) -> Bool {
        guard awaits(request) else { return false }
        self.request = nil
        return true
    }

    /// Forgets the request on its way (the view left what asked for it): its answer is dropped.
    public mutating func drop() { request = nil }
}

extension ConsoleState {
    /// Starts a request in `slot` unless one is already on its way there: the new request's
    /// number, or nil (nothing started). `label` is the spinner's ("" keeps it out).
    public mutating func ask(_ slot: WritableKeyPath<ConsoleState, RequestSlot>, _ label: String) -> Int? {
        guard !self[keyPath: slot].isInFlight else { return nil }
        let request = begin(label)
        self[keyPath: slot].asked(request)
        return request
    }

    /// Starts a request in `slot` that replaces the one on its way there (a newer search, a
    /// reload): the older one is ended and the returned effects cancel it.
    public mutating func replace(_ slot: WritableKeyPath<ConsoleState, RequestSlot>, _ label: String)
        -> (request: Int, cancel: [ConsoleEffect])
    {
        let cancel = cancel(slot)
        let request = begin(label)
        self[keyPath: slot].asked(request)
        return (request, cancel)
    }

    /// Gives up the request on its way in `slot`, if any: it is ended (its answer will be
    /// dropped) and the returned effect cancels it.
    public mutating func cancel(_ slot: WritableKeyPath<ConsoleState, RequestSlot>) -> [ConsoleEffect] {
        guard let older = self[keyPath: slot].request else { return [] }
        _ = end(older)
        self[keyPath: slot].drop()
        return [.cancel(request: older)]
    }
}
