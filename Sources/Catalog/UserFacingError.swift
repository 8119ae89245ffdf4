/// An error a person will read: one line for the status bar, and the next step to take.
///
/// Every layer's error type conforms, so the CLI and the console report any failure the
/// same way: summary first, remedy after, never a raw libpq message or curl code alone.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// What went wrong, in one sentence that fits a status bar.
    var summary: String { get }
    /// What to do about it, or nil when there is nothing the user can do.
    var remedy: String? { get }
}

extension UserFacingError {
    public var description: String {
        remedy.map { "\(summary) \($0)" } ?? summary
    }
}

extension ProductValidationError: UserFacingError {
    public var summary: String { description }
    public var remedy: String? { nil }
}

extension ProductValidationErrors: UserFacingError {
    public var summary: String { description }
    public var remedy: String? { nil }
}
