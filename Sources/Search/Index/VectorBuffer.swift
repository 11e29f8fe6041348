
/// Vectors in one contiguous buffer in the chosen storage, each row padded to a multiple of 64 values.
struct VectorBuffer: Sendable {
    let storage: VectorStorage
    let dimension: Int
    /// Values per row, padding included.
    let stride: Int
    var rowCount = 0
    var floats: [Float] = []
    var halves: [UInt16] = []
    /// Int8 levels (−127…127), as bytes.
    var bytes: [UInt8] = []
    /// Int8 only: per-row scale (value = scale · level).
    var scales: [Float] = []
    /// ‖stored row‖², kept for the Euclidean metric.
    var squaredNorms: [Float] = []

    init(storage: VectorStorage, dimension: Int) {
        precondition(dimension > 0, "VectorBuffer: dimension must be positive")
        self.storage = storage
        self.dimension = dimension
        stride = (dimension + 63) / 64 * 64
    }

    /// Bytes held per row.
    var bytesPerRow: Int { stride * storage.bytesPerValue + (storage == .int8 ? 4 : 0) + 4 }

    /// Reserves room for `rows` more rows.
    mutating func reserve(_ rows: Int) {
        let values = (rowCount + rows) * stride
        switch storage {
        case .float32: floats.reserveCapacity(values)
        case .float16: halves.reserveCapacity(values)
        case .int8: bytes.reserveCapacity(values); scales.reserveCapacity(rowCount + rows)
        }
        squaredNorms.reserveCapacity(rowCount + rows)
    }

    /// Row `row` decoded back to floats (what the index actually compares against).
    func decode(row: Int) -> [Float] {
        let start = row * stride
        switch storage {
        case .float32:
            return Array(floats[start ..< start + dimension])
        case .float16:
            return halves[start ..< start + dimension].map(Self.float(fromStoredHalf:))
        case .int8:
            let scale = scales[row]
            return bytes[start ..< start + dimension].map { Float(Int8(bitPattern: $0)) * scale }
        }
    }

    /// The query laid out for this storage's kernel (padded to `stride`).
    func prepare(_ query: UnsafeBufferPointer<Float>) -> [Float] {
        var prepared = [Float](repeating: 0, count: stride)
        switch storage {
        case .float32:
            for index in 0 ..< dimension { prepared[index] = query[index] }
        case .float16:
            for index in 0 ..< dimension {
                let block = index & ~31, within = index & 31
                prepared[block + (within & 1) * 16 + within >> 1] = query[index] * 0x1p112
            }
        case .int8:
            // Int16 levels, per block of 32: 16 even positions then 16 odd ones; the scale in the last float.
            let largest = (0 ..< dimension).reduce(Float(0)) { max($0, abs(query[$1])) }
            let scale = largest > 0 && largest.isFinite ? largest / 127 : 0
            prepared.withUnsafeMutableBytes { raw in
                for index in 0 ..< dimension {
                    let block = index & ~31, within = index & 31
                    let position = block + (within & 1) * 16 + within >> 1
                    raw.storeBytes(of: Int16(Self.level(query[index], scale: scale)), toByteOffset: position * 2, as: Int16.self)
                }
            }
            prepared[stride - 1] = scale
        }
        return prepared
    }

    /// Drops every row not in `keep` (ascending), preserving order.
    mutating func compact(keeping keep: [Int]) {
        var copy = VectorBuffer(storage: storage, dimension: dimension)
        copy.reserve(keep.count)
        for row in keep {
            let start = row * stride
            switch storage {
            case .float32: copy.floats.append(contentsOf: floats[start ..< start + stride])
            case .float16: copy.halves.append(contentsOf: halves[start ..< start + stride])
            case .int8:
                copy.bytes.append(contentsOf: bytes[start ..< start + stride])
                copy.scales.append(scales[row])
            }
            copy.squaredNorms.append(squaredNorms[row])
            copy.rowCount += 1
        }
        self = copy
    }
}
