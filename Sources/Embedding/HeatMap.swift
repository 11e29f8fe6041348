import Imaging

/// Which part of an image looks most like a query: the cosine similarity between the query vector's head
/// part (the pooled head, at unit length) and the model's feature vector at each cell of its spatial
/// feature map (before pooling).
///
/// `values` are row-major, scaled to 0…1 between the map's least and most similar cells; `region`
/// is the part of the image the map covers (the model's centre crop, or the whole image), as fractions.
public struct HeatMap: Sendable, Codable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// width × height values in 0…1, row by row from the top left.
    public let values: [Float]
    /// Cosine similarity of the most similar cell.
    public let peak: Float
    /// The part of the image the cells cover, in fractions of its upright width and height.
    public let region: CropRegion
}

extension FeatureMap {
    /// The heat map of this image's features against `query`. Only the query's first `channels` values
    /// count: the head's part of a multi-layer vector, taken at unit length.
    public func heatMap(to query: [Float], region: CropRegion) -> HeatMap {
        let spatial = width * height
        let used = Swift.min(channels, query.count)
        let queryNorm = query[0..<used].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        var cosines = [Float](repeating: 0, count: spatial)
        values.withUnsafeBufferPointer { map in
            var dots = [Float](repeating: 0, count: spatial), norms = [Float](repeating: 0, count: spatial)
            for c in 0..<used {
                let q = query[c], plane = c * spatial
                for s in 0..<spatial {
                    let v = map[plane + s]
                    dots[s] += q * v
                    norms[s] += v * v
                }
            }
            for s in 0..<spatial { cosines[s] = norms[s] > 0 && queryNorm > 0 ? dots[s] / (norms[s].squareRoot() * queryNorm) : 0 }
        }
        let low = cosines.min() ?? 0, high = cosines.max() ?? 0
        let span = high - low
        return HeatMap(width: width, height: height, values: cosines.map { span > 0 ? ($0 - low) / span : 0 },
                       peak: high, region: region)
    }
}

extension Embedder {
    /// Heat maps of `images` against `query` (a vector of this model): one model call for all images.
    /// Nil entries for images that fail to decode, or when the model outputs pooled vectors only.
    public func heatMaps(_ images: [EncodedImage], query: [Float]) throws -> [HeatMap?] {
        var decoded: [(index: Int, pixels: RGBImage, region: CropRegion)] = []
        for (i, image) in images.enumerated() {
            guard let pixels = try? decode(image), let info = try? info(of: image) else { continue }
            let (w, h) = info.isTransposed ? (info.height, info.width) : (info.width, info.height)
            decoded.append((i, pixels, coveredRegion(width: w, height: h)))
        }
        var maps = [HeatMap?](repeating: nil, count: images.count)
        guard !decoded.isEmpty else { return maps }
        let output = try infer(decoded.map(\.pixels), withLayers: false)
        for (n, item) in decoded.enumerated() {
            maps[item.index] = output.featureMap(at: n)?.heatMap(to: query, region: item.region)
        }
        return maps
    }

    /// The part of a width × height image the model sees: the centred square for a crop fit, else all of it.
    func coveredRegion(width: Int, height: Int) -> CropRegion {
        let whole = CropRegion.whole
        guard manifest.input.resize == .crop, width > 0, height > 0 else { return whole }
        let aspect = Double(manifest.input.width) / Double(manifest.input.height)
        let w = Double(width), h = Double(height)
        if w / h > aspect {
            let fraction = h * aspect / w
            return (try? CropRegion(left: (1 - fraction) / 2, top: 0, width: fraction, height: 1)) ?? whole
        }
        let fraction = w / aspect / h
        return (try? CropRegion(left: 0, top: (1 - fraction) / 2, width: 1, height: fraction)) ?? whole
    }
}
