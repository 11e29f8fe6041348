import Catalog

/// Vectors in one contiguous buffer in the chosen storage, each row padded to a multiple of 64 values.
struct VectorBuffer: Sendable {
    let storage: VectorStorage
    let dimension: Int
    /// Values per row, padding included.
    let stride: Int
    private(set) var rowCount = 0
    var floats: [Float] = []
    var halves: [UInt16] = []
    /// Int8 values stored biased by +128.
    var bytes: [UInt8] = []
    /// Int8 only: per-row scale (value = scale · (byte − 128)).
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

    /// Appends one row of `dimension` floats.
    mutating func append(_ vector: UnsafeBufferPointer<Float>) {
        let padding = stride - dimension
        var norm: Float = 0
        switch storage {
        case .float32:
            floats.append(contentsOf: vector)
            floats.append(contentsOf: repeatElement(0, count: padding))
            for value in vector { norm += value * value }
        case .float16:
            for value in vector {
                let half = Self.storedHalf(value)
                halves.append(half)
                let decoded = Float16Codec.float(fromHalfBits: half)
                norm += decoded * decoded
            }
            halves.append(contentsOf: repeatElement(0, count: padding))
        case .int8:
            let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
            let scale = largest > 0 && largest.isFinite ? largest / 127 : 0
            var sum: Float = 0
            for value in vector {
                let level = scale > 0 ? max(-127, min(127, (value / scale).rounded())) : 0
                bytes.append(UInt8(Int(level) + 128))
                sum += level * level
            }
            bytes.append(contentsOf: repeatElement(128, count: padding))
            scales.append(scale)
            norm = sum * scale * scale
        }
        squaredNorms.append(norm)
        rowCount += 1
    }

    /// The half stored for `value`: clamped to ±65504, with subnormals rounded to 0 or ±2^-14
    /// (the f16 kernel relies on rows holding no subnormal halves).
    static func storedHalf(_ value: Float) -> UInt16 {
        let half = Float16Codec.halfBits(max(-Float16Codec.maximum, min(Float16Codec.maximum, value.isNaN ? 0 : value)))
        guard half & 0x7c00 == 0 else { return half }
        return (half & 0x8000) | (half & 0x3ff >= 0x200 ? 0x0400 : 0)
    }

    /// Row `row` decoded back to floats (what the index actually compares against).
    func decode(row: Int) -> [Float] {
        let start = row * stride
        switch storage {
        case .float32:
            return Array(floats[start ..< start + dimension])
        case .float16:
            return halves[start ..< start + dimension].map(Float16Codec.float(fromHalfBits:))
        case .int8:
            let scale = scales[row]
            return bytes[start ..< start + dimension].map { Float(Int($0) - 128) * scale }
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
            for index in 0 ..< dimension {
                let block = index & ~63, within = index & 63
                prepared[block + (within & 3) * 16 + within >> 2] = query[index]
            }
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
