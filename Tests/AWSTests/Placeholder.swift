import Testing
@testable import AWS
