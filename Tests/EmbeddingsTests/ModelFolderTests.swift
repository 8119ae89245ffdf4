import Foundation
import TestSupport
import Testing

@testable import Embeddings

@Suite("Model folder loading")
struct ModelFolderTests {
    /// A fresh temporary folder with the named files copied from the real model.
    static func folder(copying files: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in files {
            try FileManager.default.copyItem(
                at: ModelLocation.folder.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        return dir
    }

    @Test("a missing folder is one error naming the folder and the expected files")
    func missingFolder() throws {
        let path = "/nonexistent/models/all-MiniLM-L6-v2"
        #expect(throws: EmbeddingError.modelFolderInvalid(folder: path, missing: ["config.json", "vocab.txt", "model.safetensors"])) {
            try MiniLMModel(folder: URL(fileURLWithPath: path))
        }
        let error = EmbeddingError.modelFolderInvalid(folder: path, missing: ["model.safetensors"])
        #expect(error.summary.contains(path) && error.summary.contains("config.json") && error.summary.contains("vocab.txt"))
        #expect(error.remedy?.contains("REFARCH_MODEL_DIR") == true)
    }

    @Test("a folder without weights names the missing file")
    func folderWithoutWeights() throws {
        let dir = try Self.folder(copying: ["config.json", "vocab.txt", "tokenizer_config.json"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: EmbeddingError.modelFolderInvalid(folder: dir.path, missing: ["model.safetensors"])) {
            try MiniLMModel(folder: dir)
        }
    }

    @Test("a truncated safetensors file is reported as truncated", arguments: [4, 100, 5_000_000])
    func truncatedWeights(bytes: Int) throws {
        let dir = try Self.folder(copying: ["config.json", "vocab.txt", "tokenizer_config.json"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try FileHandle(forReadingFrom: ModelLocation.folder.appendingPathComponent("model.safetensors"))
        let prefix = try original.read(upToCount: bytes) ?? Data()
        try original.close()
        let target = dir.appendingPathComponent("model.safetensors")
        try prefix.write(to: target)
        do {
            _ = try MiniLMModel(folder: dir)
            Issue.record("loading a truncated file succeeded")
        } catch let error as EmbeddingError {
            guard case .truncatedWeights(let path, let expected, let actual) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == target.path)
            #expect(actual == bytes && expected > actual)
        }
    }

    @Test("a config.json that is not a BERT config is refused with the file named")
    func badConfig() throws {
        let dir = try Self.folder(copying: ["vocab.txt"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{\"hidden_size\": 384}".utf8).write(to: dir.appendingPathComponent("config.json"))
        try Data().write(to: dir.appendingPathComponent("model.safetensors"))
        #expect {
            try MiniLMModel(folder: dir)
        } throws: { error in
            guard case .invalidModelFile(let path, _) = error as? EmbeddingError else { return false }
            return path.hasSuffix("config.json")
        }
    }

    @Test("config.json values are read, not assumed")
    func configIsRead() throws {
        let model = try ModelLocation.model.get()
        #expect(
            model.config
                == BertConfig(
                    hiddenSize: 384, layerCount: 6, headCount: 12, intermediateSize: 1536, vocabularySize: 30522,
                    maxPositions: 512, typeVocabularySize: 2, layerNormEpsilon: 1e-12))
        #expect(model.tokenizer.lowercases && model.tokenizer.maxLength == 256)
    }

    @Test("f16 weights load and give nearly the same vectors as f32")
    func float16Weights() async throws {
        let dir = try Self.folder(copying: ["config.json", "vocab.txt", "tokenizer_config.json"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeFloat16Copy(
            of: ModelLocation.folder.appendingPathComponent("model.safetensors"),
            to: dir.appendingPathComponent("model.safetensors"))
        let half = MiniLMEmbedder(model: try MiniLMModel(folder: dir), threads: 1)
        let full = try ModelLocation.embedder.get()
        let texts = ["waterproof hiking boots for winter", "crème brûlée", ""]
        let a = try await half.embed(texts), b = try await full.embed(texts)
        for (x, y) in zip(a, b) {
            let (maxAbs, cosine) = compare(x, y)
            #expect(maxAbs > 0)  // the f16 path really ran
            #expect(maxAbs < 5e-3 && cosine > 0.9999, "max abs \(maxAbs), cosine \(cosine)")
        }
    }

    /// Rewrites every f32 tensor as f16 (a model exported in half precision).
    static func writeFloat16Copy(of source: URL, to target: URL) throws {
        let data = try Data(contentsOf: source, options: .alwaysMapped)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: data[8..<(8 + headerLength)]) as! [String: Any]
        var newHeader: [String: Any] = [:]
        var body = Data()
        for name in header.keys.sorted() where name != "__metadata__" {
            let entry = header[name] as! [String: Any]
            let offsets = (entry["data_offsets"] as! [NSNumber]).map(\.intValue)
            let bytes = data[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])]
            var dtype = entry["dtype"] as! String
            let start = body.count
            if dtype == "F32" {
                dtype = "F16"
                var halves = [UInt16](repeating: 0, count: bytes.count / 4)
                bytes.withUnsafeBytes { raw in
                    for i in halves.indices { halves[i] = Float16(raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)).bitPattern }
                }
                halves.withUnsafeBytes { body.append(contentsOf: $0) }
            } else {
                body.append(bytes)
            }
            newHeader[name] = ["dtype": dtype, "shape": entry["shape"]!, "data_offsets": [start, body.count]]
        }
        let json = try JSONSerialization.data(withJSONObject: newHeader)
        var length = UInt64(json.count).littleEndian
        var file = Data(bytes: &length, count: 8)
        file.append(json)
        file.append(body)
        try file.write(to: target)
    }
}

@Suite("Vector kernels")
struct VectorKernelTests {
    @Test("GELU (erf form) stays within 1.2e-6 of the double-precision formula on [-8, 8] (tanh form: ~1e-3)")
    func geluAccuracy() {
        let xs = (0..<24_000).map { Float(-8 + Double($0) * 16 / 24_000) }
        let got = VectorKernels.gelu(xs + [0.5])  // one value past the 8-lane blocks takes the scalar tail
        var worst = 0.0
        for (x, y) in zip(xs + [0.5], got) {
            let exact = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            worst = max(worst, abs(Double(y) - exact))
        }
        // erf is good to ~3e-7; GELU scales that by |x|/2 before erf saturates at |x| ≈ 5.7.
        #expect(worst < 1.2e-6, "worst \(worst)")
    }

    @Test("vectorised exp has relative error under 3e-7 on [-80, 80]")
    func expAccuracy() {
        var worst = 0.0
        var x: Float = -80
        while x <= 80 {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(VectorKernels.exp(x)) - exact) / exact)
            x += 0.0113
        }
        #expect(worst < 3e-7, "worst \(worst)")
    }

    @Test("softmax of a row sums to one and keeps order")
    func softmax() {
        var row: [Float] = (0..<13).map { Float($0) * 0.37 - 2 }
        row.withUnsafeMutableBufferPointer { VectorKernels.softmax($0.baseAddress!, count: 13) }
        #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        #expect(zip(row, row.dropFirst()).allSatisfy { $0 < $1 })
    }
}
