import HTTP
import Testing

/// Regression: any host starting with "127." counted as loopback, so http (and relaxed TLS
/// rules) were allowed for a name like 127.evil.example.com.
@Suite struct LoopbackHostTests {
    @Test(arguments: [
        ("http://127.0.0.1:4566/", true), ("http://127.1.2.3/", true), ("http://localhost:80", true), ("http://[::1]:9000/", true),
        ("http://127.evil.example.com/", false), ("http://127.0.0.1.example.com/", false), ("http://10.0.0.1/", false),
        ("http://127.0.0.256/", false), ("https://sqs.us-east-1.amazonaws.com/", false),
    ])
    func onlyRealLoopbackAddressesCount(url: String, loopback: Bool) {
        #expect(URLComponentsLite(url)?.isLoopback == loopback)
    }
}
