import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `.safetensors` file mapped into memory, with its header parsed by hand.
///
/// Why our own parser: the format is an 8-byte little-endian header length, a JSON object
/// of `name → {dtype, shape, data_offsets}`, then raw little-endian data. Mapping the file
/// (rather than reading it) means f32 tensors that are used sparsely, such as the 30,522-row
/// word embedding table, only cost memory for the rows a text touches.
///
/// Immutable after `init`; the mapping lives until the value is deinitialised.
final class SafeTensorsFile: @unchecked Sendable {  // read-only mapping, see below
    // @unchecked Sendable: `base` points at a read-only private mapping that nothing
    // writes after init, and `tensors` is a `let`.

    enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        var byteCount: Int { self == .f32 ? 4 : 2 }
    }

    struct Tensor: Sendable {
        var dtype: DType
        var shape: [Int]
        /// Byte range relative to the start of the data section.
        var byteRange: Range<Int>
        var elementCount: Int { shape.reduce(1, *) }
    }

    let path: String
    let tensors: [String: Tensor]
    private let base: UnsafeRawPointer
    private let mappedSize: Int
    private let dataStart: Int

    init(path: String) throws {
        self.path = path
        func fail(_ reason: String) -> EmbeddingError { .invalidModelFile(path: path, reason: reason) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw fail("cannot open it (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("cannot stat it") }
        let size = Int(info.st_size)
        guard size >= 8 else { throw EmbeddingError.truncatedWeights(path: path, expectedBytes: 8, actualBytes: size) }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapping != MAP_FAILED else {
            throw fail("cannot map it into memory")
        }
        let raw = UnsafeRawPointer(mapping)
        var ok = false
        defer { if !ok { munmap(mapping, size) } }

        let headerLength = Int(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
        guard headerLength < 100_000_000 else { throw fail("header length \(headerLength) is implausible") }
        guard 8 + headerLength <= size else {
            throw EmbeddingError.truncatedWeights(path: path, expectedBytes: 8 + headerLength, actualBytes: size)
        }
        let headerData = Data(bytes: raw + 8, count: headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("its header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        var dataEnd = 0
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1]
            else { throw fail("tensor \(name) has a malformed header entry") }
            dataEnd = max(dataEnd, offsets[1])
            // Tensors we never read (e.g. i64 position ids) may have any dtype.
            guard let dtype = DType(rawValue: dtypeName) else { continue }
            let tensor = Tensor(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), tensor.elementCount * dtype.byteCount == tensor.byteRange.count else {
                throw fail("tensor \(name) has \(tensor.byteRange.count) bytes for shape \(shape) of \(dtypeName)")
            }
            tensors[name] = tensor
        }
        guard 8 + headerLength + dataEnd <= size else {
            throw EmbeddingError.truncatedWeights(path: path, expectedBytes: 8 + headerLength + dataEnd, actualBytes: size)
        }
        self.tensors = tensors
        self.base = raw
        self.mappedSize = size
        self.dataStart = 8 + headerLength
        ok = true
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), mappedSize)
    }

    /// Looks a tensor up by name, trying the bare name and the `bert.` prefix of task checkpoints.
    func tensor(_ name: String, shape: [Int]) throws -> (name: String, tensor: Tensor) {
        for candidate in [name, "bert." + name, "model." + name] {
            if let tensor = tensors[candidate] {
                guard tensor.shape == shape else {
                    throw EmbeddingError.invalidModelFile(
                        path: path, reason: "tensor \(candidate) has shape \(tensor.shape), config.json implies \(shape)")
                }
                return (candidate, tensor)
            }
        }
        throw EmbeddingError.invalidModelFile(path: path, reason: "tensor \(name) is missing")
    }

    /// The tensor's data in place, when it is f32 (no copy, pages load on first touch).
    func float32Pointer(_ tensor: Tensor) -> UnsafePointer<Float>? {
        guard tensor.dtype == .f32, (dataStart + tensor.byteRange.lowerBound) % MemoryLayout<Float>.alignment == 0 else {
            return nil
        }
        return (base + dataStart + tensor.byteRange.lowerBound).assumingMemoryBound(to: Float.self)
    }

    /// Copies the tensor into `destination` as f32, widening f16 and bf16 exactly.
    func copy(_ tensor: Tensor, to destination: UnsafeMutablePointer<Float>) {
        let source = base + dataStart + tensor.byteRange.lowerBound
        let count = tensor.elementCount
        switch tensor.dtype {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
        case .f16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(Float16(bitPattern: bits))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        }
    }
}
