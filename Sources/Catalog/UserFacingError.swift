import UserFacing

// Validation problems in the one user-facing shape (`UserFacing`): the summary lists them
// all, and each goes beside its field in a form.

extension ProductValidationError: UserFacingError {
    public var summary: String { description }
    public var remedy: String? { nil }
    public var fieldProblems: [String: String] { [field.rawValue: description] }
}

extension ProductValidationErrors: UserFacingError {
    public var summary: String { description }
    public var remedy: String? { nil }
    /// The first problem of each field (a form shows one per field).
    public var fieldProblems: [String: String] {
        var fields: [String: String] = [:]
        for problem in problems where fields[problem.field.rawValue] == nil {
            fields[problem.field.rawValue] = problem.description
        }
        return fields
    }
}
