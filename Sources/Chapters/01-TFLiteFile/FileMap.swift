// Chapter 1 — where the parts of a .tflite file lie: every non-empty buffer (a tensor's weights
// or bias, or a metadata entry's bytes) as a range of file bytes, and the FlatBuffer's own
// structure (the tables, their vtables, vectors, strings and padding) in the ranges between.
// `workbook render bytes` draws it. The buffers' positions are the ones `Buffer.bytes` already
// keeps (a slice of the file); the tables are found by following the same fields ModelReader.swift reads.

/// One contiguous range of a model file.
public struct FileRegion: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Bytes 0 to 7: the root offset and the file identifier.
        case header
        /// `Model.buffers[buffer]`, read by `tensors` (indices into subgraph 0), or named by a
        /// metadata entry (`Model.metadata`: table Metadata { name:string; buffer:uint; }).
        case buffer(Int, tensors: [Int], metadata: String?)
        /// The FlatBuffer's structure; `tables` counts the tables that start here, by kind
        /// ("Tensor", "Operator"…), in the order the schema declares them.
        case structure(tables: [(kind: String, count: Int)])

        public static func == (a: Content, b: Content) -> Bool {
            switch (a, b) {
            case (.header, .header): true
            case let (.buffer(x, t, m), .buffer(y, u, n)): x == y && t == u && m == n
            case let (.structure(x), .structure(y)): x.map(\.kind) == y.map(\.kind) && x.map(\.count) == y.map(\.count)
            default: false
            }
        }
    }

    /// The first byte, and how many bytes.
    public let start: Int
    public let count: Int
    public let content: Content
    public var end: Int { start + count }
}

extension Model {
    /// The file `bytes` (this model's own) cut into regions in file order, each byte in exactly
    /// one: the header, the buffers, and the structure around them.
    public func fileMap(of bytes: [UInt8]) throws -> [FileRegion] {
        let file = FlatBuffer(bytes: bytes)
        let root = try file.rootTable()
        // table Model { …; buffers:[Buffer] (4); metadata_buffer:[int] (5); metadata:[Metadata] (6); … }
        var names: [Int: String] = [:]
        let metadata = try root.tables(6, "Model.metadata")
        for entry in metadata {
            names[Int(try entry.scalar(1, default: UInt32(0), "Metadata.buffer"))] = try entry.string(0, "Metadata.name") ?? ""
        }
        var regions = [FileRegion(start: 0, count: 8, content: .header)]
        let stored = buffers.indices.filter { !buffers[$0].bytes.isEmpty }.sorted { buffers[$0].bytes.startIndex < buffers[$1].bytes.startIndex }
        for index in stored {
            let slice = buffers[index].bytes
            regions.append(FileRegion(start: slice.startIndex, count: slice.count,
                                      content: .buffer(index, tensors: main.tensors.filter { $0.buffer == index }.map(\.index), metadata: names[index])))
        }
        // Every table the reader visits, by where it starts.
        let subgraphTables = try root.tables(2, "Model.subgraphs")
        var tables: [(kind: String, position: Int)] = [("Model", root.position)]
        tables += try root.tables(1, "Model.operator_codes").map { ("OperatorCode", $0.position) }
        tables += subgraphTables.map { ("SubGraph", $0.position) }
        for subgraph in subgraphTables {
            tables += try subgraph.tables(0, "SubGraph.tensors").map { ("Tensor", $0.position) }
            tables += try subgraph.tables(3, "SubGraph.operators").map { ("Operator", $0.position) }
        }
        tables += try root.tables(4, "Model.buffers").map { ("Buffer", $0.position) }
        tables += metadata.map { ("Metadata", $0.position) }
        // The structure fills what the header and the buffers leave.
        var filled: [FileRegion] = []
        var at = 0
        for region in regions.sorted(by: { $0.start < $1.start }) + [FileRegion(start: bytes.count, count: 0, content: .header)] {
            if region.start > at {
                let inside = tables.filter { (at..<region.start).contains($0.position) }.map(\.kind)
                let kinds = ["Model", "OperatorCode", "SubGraph", "Tensor", "Operator", "Buffer", "Metadata"]
                    .map { kind in (kind: kind, count: inside.filter { $0 == kind }.count) }.filter { $0.count > 0 }
                filled.append(FileRegion(start: at, count: region.start - at, content: .structure(tables: kinds)))
            }
            if region.count > 0 { filled.append(region) }
            at = max(at, region.end)
        }
        return filled
    }
}
