// The one shape of an error a person reads, in the lowest target of all, so every layer's
// errors conform without importing anything else (Postgres, AWS, Embeddings, Pinecone, the
// catalog, the CLI and the console). The CLI's one reporter and the console both read
// errors through it: summary first, remedy after, field problems beside their fields, and
// the exit status the README promises.

/// An error a person will read: one line for the status bar, and the next step to take.
///
/// Every layer's error type conforms, so the CLI and the console report any failure the
/// same way: summary first, remedy after, never a raw libpq message or curl code alone.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// What went wrong, in one sentence that fits a status bar.
    var summary: String { get }
    /// What to do about it, or nil when there is nothing the user can do.
    var remedy: String? { get }
    /// Problems by input field (`name`, `sku`, `price`, …), shown beside the fields of a form.
    var fieldProblems: [String: String] { get }
    /// Which exit status the CLI gives for it.
    var exitClass: ExitClass { get }
}

extension UserFacingError {
    public var description: String {
        remedy.map { "\(summary) \($0)" } ?? summary
    }
    public var fieldProblems: [String: String] { [:] }
    public var exitClass: ExitClass { .failure }
}

/// The kinds of failure the CLI tells apart by exit status (README: 0 ok, 1 failed, 3 refused, 64 bad usage).
public enum ExitClass: Int32, Sendable, Hashable, CaseIterable {
    /// The command ran and failed: exit status 1.
    case failure = 1
    /// A switch refused the action (read-only mode, a missing `--yes`): exit status 3.
    case refused = 3
    /// The command line could not be used as given: exit status 64 (EX_USAGE).
    case usage = 64

    /// The process exit status.
    public var exitStatus: Int32 { rawValue }
}

/// A user-facing error that is only words: what the CLI, the console and the wiring throw
/// when no layer's own error type fits ("SQS_QUEUE_URL is not set", "index not ready yet").
public struct UserError: UserFacingError, Hashable, Sendable {
    public var summary: String
    public var remedy: String?
    public var fieldProblems: [String: String]
    public var exitClass: ExitClass

    public init(summary: String, remedy: String? = nil, fieldProblems: [String: String] = [:], exitClass: ExitClass = .failure) {
        self.summary = summary
        self.remedy = remedy
        self.fieldProblems = fieldProblems
        self.exitClass = exitClass
    }

    /// An action refused by a switch (read-only mode, a missing `--yes`): exit status 3.
    public static func refused(_ summary: String, remedy: String) -> UserError {
        UserError(summary: summary, remedy: remedy, exitClass: .refused)
    }

    /// Any error in this shape: a user-facing error keeps its summary, remedy, field
    /// problems and exit class; anything else is shown as it describes itself.
    public init(_ error: any Error) {
        if let error = error as? UserError {
            self = error
        } else if let error = error as? any UserFacingError {
            self.init(summary: error.summary, remedy: error.remedy, fieldProblems: error.fieldProblems, exitClass: error.exitClass)
        } else {
            self.init(summary: String(describing: error))
        }
    }
}
