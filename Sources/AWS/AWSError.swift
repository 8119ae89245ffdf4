import HTTP
import UserFacing

/// What went wrong talking to AWS, with enough context to act on.
///
/// Every case can say a one-line ``summary`` and a ``remedy``. Secrets never appear: error
/// messages from services pass through ``Redactor`` before they are stored here.
public enum AWSError: UserFacingError, Sendable, Hashable {
    /// The service answered with an error.
    case service(ServiceError)
    /// No link of the credential chain had credentials; `checked` names each one.
    case noCredentials(checked: [String])
    /// A configured credential source failed (container endpoint down, bad file).
    case credentialsUnavailable(source: String, reason: String)
    /// No HTTP response (connection refused, timeout, reset), after retries.
    case transport(service: String, operation: String, endpoint: String, error: HTTPError)
    /// The reply could not be decoded.
    case invalidResponse(service: String, operation: String, detail: String)
    /// No region in AWS_REGION, AWS_DEFAULT_REGION or the profile.
    case missingRegion
    /// A setting is unusable (a bad endpoint URL, a queue URL that is not one).
    case invalidConfiguration(String)

    /// The service's error reply, decoded.
    public struct ServiceError: Sendable, Hashable {
        /// Service ID, e.g. `SQS`.
        public var service: String
        /// The operation called, e.g. `ReceiveMessage`.
        public var operation: String
        public var statusCode: Int
        /// The error code after any `namespace#` prefix (`QueueDoesNotExist`).
        public var code: String
        /// The legacy Query code when the service also sent one (`AWS.SimpleQueueService.NonExistentQueue`).
        public var legacyCode: String?
        public var message: String
        public var requestID: String?
        /// Where the credentials came from, for the remedy of auth errors.
        public var credentialSource: String?

        public init(
            service: String, operation: String, statusCode: Int, code: String, legacyCode: String? = nil, message: String,
            requestID: String? = nil, credentialSource: String? = nil
        ) {
            self.service = service
            self.operation = operation
            self.statusCode = statusCode
            self.code = code
            self.legacyCode = legacyCode
            self.message = message
            self.requestID = requestID
            self.credentialSource = credentialSource
        }

        /// True when either code form matches.
        public func hasCode(_ candidate: String) -> Bool { code == candidate || legacyCode == candidate }
    }

    /// The service error, if this is one.
    public var serviceError: ServiceError? {
        if case .service(let error) = self { return error }
        return nil
    }

    static let accessDeniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation",
        "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch",
        "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException", "IncompleteSignature",
        "MissingAuthenticationToken", "InvalidSecurity", "AuthFailure",
    ]

    /// True for authentication and authorisation failures.
    public var isAccessDenied: Bool {
        guard let error = serviceError else { return false }
        return Self.accessDeniedCodes.contains(error.code) || (error.statusCode == 403 && !RetryPolicy.isThrottlingCode(error.code))
    }

    /// One line for a status bar or the first line of a CLI error.
    public var summary: String {
        switch self {
        case .service(let error):
            var message = error.message.trimmingWhitespace()
            while message.hasSuffix(".") { message.removeLast() }
            if isAccessDenied {
                return "\(error.service) denied \(error.operation): \(error.code)\(message.isEmpty ? "" : " (\(message))")."
            }
            return "\(error.service) \(error.operation) failed: \(error.code)\(message.isEmpty ? "" : ": \(message)")."
        case .noCredentials:
            return "No AWS credentials found."
        case .credentialsUnavailable(let source, let reason):
            return "Cannot get AWS credentials from \(source): \(reason)."
        case .transport(let service, let operation, let endpoint, let error):
            return "\(service) \(operation) got no response from \(endpoint): \(error)"
        case .invalidResponse(let service, let operation, let detail):
            return "\(service) \(operation) returned a reply that could not be read: \(detail)."
        case .missingRegion:
            return "No AWS region configured."
        case .invalidConfiguration(let detail):
            return detail
        }
    }

    /// The next step for the person reading the error.
    public var remedy: String? {
        switch self {
        case .service(let error):
            if error.code == "SignatureDoesNotMatch" || error.code == "InvalidSignatureException" {
                return "Check the system clock and AWS_REGION, and that the secret key matches the access key\(Self.sourceNote(error))."
            }
            if error.code.hasPrefix("ExpiredToken") {
                return "The session token has expired: refresh the credentials\(Self.sourceNote(error))."
            }
            if isAccessDenied {
                return
                    "Check that the IAM identity is allowed \(error.service.lowercased()):\(error.operation) on this resource, and that AWS_PROFILE/AWS_REGION select the intended account\(Self.sourceNote(error))."
            }
            if error.hasCode("QueueDoesNotExist") || error.hasCode("AWS.SimpleQueueService.NonExistentQueue") {
                return "Check SQS_QUEUE_URL (or SQS_DLQ_URL) and AWS_REGION."
            }
            if error.code == "DBInstanceNotFound" {
                return "Check the DB instance identifier (--instance or RDS_INSTANCE_ID) and AWS_REGION."
            }
            if error.code.hasSuffix("NotFound") || error.code.hasSuffix("NotFoundException") || error.code.hasSuffix("DoesNotExist") {
                return "Check the name or ARN, AWS_REGION and the account the credentials belong to\(Self.sourceNote(error))."
            }
            if RetryPolicy.isThrottlingCode(error.code) || error.statusCode >= 500 {
                return "The service is busy or failing; try again shortly\(error.requestID.map { " (request id \($0))" } ?? "")."
            }
            return "Check the request's parameters\(error.requestID.map { "; the request id is \($0)" } ?? "")."
        case .noCredentials(let checked):
            return
                "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in ~/.aws/credentials or ~/.aws/config, or run with an ECS task role or EC2 instance profile. Checked: \(checked.joined(separator: ", "))."
        case .credentialsUnavailable:
            return
                "Check the credential source's settings (AWS_CONTAINER_CREDENTIALS_*, AWS_PROFILE), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        case .transport(let service, _, _, _):
            return
                "Check the network and the endpoint (AWS_ENDPOINT_URL_\(service.uppercased().replacingOccurrences(of: " ", with: "_")) or AWS_ENDPOINT_URL override, AWS_REGION)."
        case .invalidResponse:
            return "Check that the endpoint is an AWS API (or a compatible emulator) for this service."
        case .missingRegion:
            return "Set AWS_REGION (or AWS_DEFAULT_REGION), or `region` in the AWS profile."
        case .invalidConfiguration:
            return "Fix the setting named above."
        }
    }

    private static func sourceNote(_ error: ServiceError) -> String {
        error.credentialSource.map { "; credentials came from \($0)" } ?? ""
    }

    public var description: String {
        switch self {
        case .service(let error):
            var text = summary
            text += " [HTTP \(error.statusCode)"
            if let id = error.requestID { text += ", request id \(id)" }
            return text + "]"
        default:
            return summary
        }
    }
}

/// Removes secrets from text before it reaches an error, a log line or the screen.
///
/// Why more than the known secrets: a SignatureDoesNotMatch message echoes the canonical
/// request, which holds the session token; a proxy may echo an Authorization header.
public enum Redactor {
    public static let mask = "<redacted>"

    /// `text` with every string in `secrets` masked, and any `Authorization` header value,
    /// `Signature=`/`X-Amz-Signature=`/`X-Amz-Credential=`/`X-Amz-Security-Token=` value masked.
    public static func redact(_ text: String, secrets: [String] = []) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: mask)
        }
        out = maskAfter(
            ["Signature=", "X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Security-Token=", "Credential="], in: out, until: "&, \n\"'")
        out = maskAfter(["x-amz-security-token:", "X-Amz-Security-Token:", "Authorization:", "authorization:"], in: out, until: "\n\"")
        return out
    }

    private static func maskAfter(_ markers: [String], in text: String, until terminators: String) -> String {
        var out = text
        for marker in markers {
            var searchStart = out.startIndex
            while let range = out.range(of: marker, range: searchStart..<out.endIndex) {
                var end = range.upperBound
                while end < out.endIndex && out[end] == " " { end = out.index(after: end) }
                let valueStart = end
                while end < out.endIndex && !terminators.contains(out[end]) { end = out.index(after: end) }
                if valueStart == end || out[valueStart..<end] == mask[...] {
                    searchStart = end
                    continue
                }
                out.replaceSubrange(valueStart..<end, with: mask)
                searchStart = out.index(valueStart, offsetBy: mask.count)
            }
        }
        return out
    }
}
