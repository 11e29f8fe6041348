/// How `SyntheticVectors` makes its rows: two shapes of clustered, L2-normalised data.
///
/// - `isotropic`: each row is one of `clusters` random unit centres in the full space plus uniform noise
///   of norm ≈ `noise` in every one of the `dimension` coordinates. At noise 1 (cosine ≈ 0.7 to the
///   centre) the within-cluster part is nearly uniform on a 1280-d sphere: every point is about as far
///   from every other point of its cluster, so graph indexes lose recall fast as n grows (0.76 at 1M,
///   efSearch 256). Kept for the exact-search figures (whose cost does not depend on the data) and as
///   a worst case.
/// - `latent` (the HNSW benchmark's default): rows lie near a `latentDimension`-dimensional linear
///   manifold, like real CNN embeddings, whose intrinsic dimension is estimated at tens or fewer in
///   the last layers of ImageNet networks (Ansuini et al., NeurIPS 2019). A latent
///   z = centre + `spread`·g (centre one of `clusters` standard-normal points, g standard normal) is
///   mapped by a fixed random `dimension` × `latentDimension` Gaussian matrix (entries N(0, 1/dimension),
///   columns ≈ unit length) and gets uniform noise in all `dimension` coordinates of norm ≈ `noise` times
///   the signal's expected norm √(latentDimension·(1 + spread²)); then the row is normalised.
public enum SyntheticRecipe: String, CaseIterable, Sendable, Codable {
    /// Unit centres in the full space plus full-dimensional noise (near-uniform within a cluster).
    case isotropic
    /// A clustered low-dimensional Gaussian latent, randomly projected, plus a little full-dimensional noise.
    case latent

    /// The noise when none is given: isotropic 1 (cosine ≈ 0.7 to the centre), latent 0.2 (cosine ≈ 0.98
    /// to the noiseless point, so neighbours are decided by the manifold, not by the noise).
    public var defaultNoise: Float { self == .isotropic ? 1 : 0.2 }
}
