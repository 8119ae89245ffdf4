import UserFacing

/// An error as the console shows it: the one user-facing shape (summary, remedy, problems
/// by field), so any layer's error keeps its remedy on the screen.
public typealias ConsoleError = UserError

extension ConsoleError {
    /// Summary and remedy on one line (the status bar and the log).
    public var line: String { description }

    /// The console's wording of any error: validation problems go beside their fields (the
    /// summary says nothing was saved), errors that know their remedy keep it (Postgres,
    /// SQS and every AWS service, Pinecone, the model), anything else is shown as it
    /// describes itself.
    public init(describing error: any Error) {
        if error is CancellationError {
            self.init(summary: "Cancelled.")
            return
        }
        self.init(error)
        if !fieldProblems.isEmpty, !(error is UserError) {
            summary = "Not saved: " + summary
        }
    }
}
