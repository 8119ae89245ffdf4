import Foundation
import HTTP
import Logging
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// The shared emulator support, by the name these tests have always used.
typealias Emulator = AWSEmulator
