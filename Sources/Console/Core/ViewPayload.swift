/// A value a view keeps or sends of its own: its state, a request it makes of the services,
/// the answer. The root holds these boxed, so a new view adds its types in its own folder
/// without a case in a shared enum.
public protocol ViewPayload: Hashable, Sendable {
    /// Whether this request changes data: refused in read-only mode (the second guard).
    var isWrite: Bool { get }
}

extension ViewPayload {
    public var isWrite: Bool { false }

    func isEqual(to other: any ViewPayload) -> Bool { (other as? Self) == self }
}

/// A ``ViewPayload`` of any type, equal to another when both hold equal values of one type.
public struct AnyViewPayload: Hashable, Sendable, CustomStringConvertible {
    public let base: any ViewPayload

    public init(_ base: some ViewPayload) { self.base = base }

    /// The value as `type`, nil when it holds another type.
    public func `as`<T: ViewPayload>(_ type: T.Type) -> T? { base as? T }

    public static func == (a: AnyViewPayload, b: AnyViewPayload) -> Bool { a.base.isEqual(to: b.base) }
    public func hash(into hasher: inout Hasher) { base.hash(into: &hasher) }
    public var description: String { String(describing: base) }
}

/// Each view's state, one value per view, found by its type. Views reach theirs through a
/// property they declare on ``ConsoleState`` in their own folder (`s.workers`).
public struct ViewStates: Hashable, Sendable {
    private var values: [ObjectIdentifier: AnyViewPayload] = [:]

    public init() {}

    public subscript<T: ViewPayload>(_ type: T.Type) -> T? {
        get { values[ObjectIdentifier(type)]?.as(type) }
        set { values[ObjectIdentifier(type)] = newValue.map(AnyViewPayload.init) }
    }
}
