import CCurl
import Foundation

/// One reusable libcurl easy handle and the code that runs a request on it.
///
/// Used by exactly one worker thread. `curl_easy_reset` between requests clears the options
/// but keeps the handle's connection cache, which is what gives keep-alive reuse.
final class CurlTransfer {
    private let handle: UnsafeMutableRawPointer
    private let configuration: HTTPClient.Configuration

    init(configuration: HTTPClient.Configuration) {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Runs `request` to completion on the calling thread (blocking it).
    func perform(_ request: HTTPRequest, host: String, flag: CancellationFlag) -> Result<HTTPResponse, HTTPError> {
        curl_easy_reset(handle)
        let sink = ResponseSink(flag: flag)
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        var status = CURLE_OK
        func set(_ code: CURLcode) { if status == CURLE_OK { status = code } }

        set(refarch_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(refarch_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(refarch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(refarch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(refarch_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(refarch_curl_setopt_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS)))
        if let ca = configuration.caBundlePath, !ca.isEmpty {
            set(refarch_curl_setopt_string(handle, CURLOPT_CAINFO, ca))
        }
        set(
            refarch_curl_setopt_long(
                handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout ?? configuration.connectTimeout)))
        set(refarch_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.timeout)))

        switch request.method {
        case .get where request.body.isEmpty:
            set(refarch_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .head:
            set(refarch_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case .post:
            set(refarch_curl_setopt_long(handle, CURLOPT_POST, 1))
        default:
            set(refarch_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        if request.method != .get && request.method != .head || !request.body.isEmpty {
            set(refarch_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies the bytes, so the buffer may go away after this call.
            if request.body.isEmpty {
                set(refarch_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                request.body.withUnsafeBytes { bytes in
                    set(refarch_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress))
                }
            }
        }

        // Headers: ours as given; suppress curl's own Expect and default Content-Type.
        for header in request.headers {
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        headerList = curl_slist_append(headerList, "Expect:")
        if !request.headers.contains("Content-Type") {
            headerList = curl_slist_append(headerList, "Content-Type:")
        }
        if !request.headers.contains("User-Agent") {
            headerList = curl_slist_append(headerList, "User-Agent: \(configuration.userAgent)")
        }
        set(refarch_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))

        let opaque = UnsafeMutableRawPointer(sinkPointer.toOpaque())
        set(
            refarch_curl_setopt_write(
                handle, CURLOPT_WRITEFUNCTION,
                { data, size, count, context in
                    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    if let data, total > 0 {
                        data.withMemoryRebound(to: UInt8.self, capacity: total) {
                            sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
                        }
                    }
                    return total
                }))
        set(refarch_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, opaque))
        set(
            refarch_curl_setopt_write(
                handle, CURLOPT_HEADERFUNCTION,
                { data, size, count, context in
                    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                    let total = size * count
                    if let data, total > 0 {
                        let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
                            String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
                        }
                        sink.headerLine(line)
                    }
                    return total
                }))
        set(refarch_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, opaque))
        set(refarch_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
        set(
            refarch_curl_setopt_xferinfo(
                handle, CURLOPT_XFERINFOFUNCTION,
                { context, _, _, _, _ in
                    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                    return sink.flag.isCancelled ? 1 : 0
                }))
        set(refarch_curl_setopt_ptr(handle, CURLOPT_XFERINFODATA, opaque))

        guard status == CURLE_OK else {
            return .failure(.invalidURL("\(HTTPClient.redact(request.url)) (\(Self.describe(status)))"))
        }

        let code = curl_easy_perform(handle)
        if flag.isCancelled { return .failure(.cancelled) }
        switch code {
        case CURLE_OK:
            var responseCode = 0
            _ = refarch_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
            return .success(HTTPResponse(status: responseCode, headers: sink.headers, body: sink.body))
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY:
            return .failure(.couldNotConnect(host: host, detail: Self.describe(code)))
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(.timedOut(host: host, detail: Self.describe(code)))
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .failure(.invalidURL(HTTPClient.redact(request.url)))
        case CURLE_ABORTED_BY_CALLBACK:
            return .failure(.cancelled)
        default:
            return .failure(.transferFailed(host: host, detail: Self.describe(code)))
        }
    }

    private static func describe(_ code: CURLcode) -> String {
        "curl error \(code.rawValue): \(String(cString: curl_easy_strerror(code)))"
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Collects one response's headers and body; touched only by the transfer's thread.
final class ResponseSink {
    let flag: CancellationFlag
    var body: [UInt8] = []
    var headers = HTTPHeaders()

    init(flag: CancellationFlag) { self.flag = flag }

    /// Takes one raw header line. A status line starts a new header block (after a
    /// `100 Continue` or a proxy's answer), so only the final response's headers remain.
    func headerLine(_ raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.add(name: name, value: value)
    }
}
