import Imaging

/// Query-side cleanup of a shopper's photo: find the garment and make the photo look like the
/// catalog's product shots before embedding it.
///
/// Each view is one model input; the query vector is the normalised mean of the views' vectors.
/// - `crop`: the photo as is (the model's centre crop);
/// - `item`: the product found by colour (`ItemMask`), cut out square and, when the catalog is shot on
///   a uniform background, pasted onto that background with the rest of the photo removed;
/// - `salient`: the square around the cells of the model's feature map that fire most on the
///   letterboxed photo (one extra model call);
/// - `flip`: the centre crop mirrored (test-time augmentation).
/// A photo whose border already is the catalog's uniform background (a catalog-style shot) is used as is.
/// With `matchGrey`, every view is converted to grey (and the item's grey levels stretched) when the
/// catalog's photos are grey.
/// With `verify`, results are re-ranked by exact-item signatures as well (`ItemSignature`; the catalog must
/// have been indexed with `--item-signatures`). Measured on the shopper-photo set: see README (Retrieval quality).
public struct PhotoCleanup: Sendable, Hashable, CustomStringConvertible {
    /// One way of looking at the photo.
    public enum View: String, Sendable, CaseIterable {
        /// The photo, centre-cropped as for catalog images.
        case crop
        /// The product cut out by colour.
        case item
        /// The model's most active region.
        case salient
        /// The centre crop mirrored (flip test-time augmentation).
        case flip
    }

    /// The views averaged into the query vector.
    public var views: [View]
    /// Convert to grey when the catalog is grey.
    public var matchGrey: Bool
    /// Add each product's exact-item signature match to its score (`ItemSignature`).
    public var verify: Bool

    /// Views, grey matching and verification as given.
    public init(views: [View], matchGrey: Bool, verify: Bool = false) {
        self.views = views.isEmpty ? [.crop] : views
        self.matchGrey = matchGrey
        self.verify = verify
    }

    /// No cleanup: the photo as the catalog images are embedded.
    public static let none = PhotoCleanup(views: [.crop], matchGrey: false)
    /// The default for photo queries: the cut-out product and the centre crop (one model call for both),
    /// matched to the catalog's look. `item+salient` finds more exact items but costs a second model call.
    public static let standard = PhotoCleanup(views: [.item, .crop], matchGrey: true)

    /// Parses "none", "standard" (item+crop), "grey", or views joined by "+", " " or "," (e.g. "item+salient"; grey
    /// matching on); "+verify" after any of them adds exact-item verification (e.g. "standard+verify").
    public init(parsing text: String) throws {
        // "+" (a URL form decodes it to a space) or "," between parts.
        var parts = text.lowercased().split(whereSeparator: { "+ ,".contains($0) }).map(String.init)
        let verify = parts.contains("verify")
        parts.removeAll { $0 == "verify" }
        let problem = EmbeddingError.invalidArgument(
            "unknown cleanup '\(text)' (use none, standard, grey or views joined by '+': crop, item, salient, flip; add +verify to re-rank by item signatures)")
        switch parts.count == 1 ? parts[0] : "" {
        case "none", "off", "plain": self = .none
        case "standard", "auto", "default": self = .standard
        case "grey", "gray": self = PhotoCleanup(views: [.crop], matchGrey: true)
        default:
            let views = parts.compactMap(View.init(rawValue:))
            guard !views.isEmpty, views.count == parts.count else {
                if parts.isEmpty && verify { self = PhotoCleanup.standard; self.verify = true; return }
                throw problem
            }
            self = PhotoCleanup(views: views, matchGrey: true)
        }
        self.verify = verify
    }

    public var description: String {
        var plain = self
        plain.verify = false
        let text: String
        if plain == .none { text = "none" } else if plain == .standard { text = "standard" }
        else if views == [.crop] { text = matchGrey ? "grey" : "none" } else { text = views.map(\.rawValue).joined(separator: "+") }
        return verify ? text + "+verify" : text
    }
}

extension Embedder {
    /// The query vector of a shopper's photo after `cleanup` (see `PhotoCleanup`), for a catalog that looks like `look`.
    public func embedPhoto(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion? = nil) throws -> [Float] {
        try meanVector(of: embed(cleanedViews(image, look: look, cleanup: cleanup, region: region)))
    }

    /// The query vector of a shopper's photo after `cleanup` and, when `cleanup.verify`, its item signatures.
    public func photoQuery(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion? = nil)
        throws -> (vector: [Float], signatures: [[Float]]?) {
        let query = try cleanedQuery(image, look: look, cleanup: cleanup, region: region)
        return (try meanVector(of: embed(query.views)), query.signatures)
    }


    /// The model inputs of the cleaned-up views of a photo (the `salient` view runs the model once to find its region).
    /// With a `region` (the shopper marked the garment) only that part is used, matched to the catalog's grey.
    public func cleanedViews(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion? = nil) throws -> [RGBImage] {
        var plain = cleanup
        plain.verify = false
        return try cleanedQuery(image, look: look, cleanup: plain, region: region).views
    }

    /// The cleaned-up views of a photo and, when `cleanup.verify`, the garment's item signatures (one per trial angle,
    /// `ItemSignature`; empty when no garment stands out), from one decode and one search for the garment.
    public func cleanedQuery(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion? = nil)
        throws -> (views: [RGBImage], signatures: [[Float]]?) {
        let grey = cleanup.matchGrey && look.greyscale
        // The photo as the catalog's images are embedded; with verify, its signature as a product's.
        func asIs(region: CropRegion?) throws -> (views: [RGBImage], signatures: [[Float]]?) {
            let pixels = try decode(image, region: region)
            return ([grey ? PixelOps.grey(pixels) : pixels], cleanup.verify ? try productSignature(image, region: region).map { [$0] } ?? [] : nil)
        }
        if (cleanup.views == [.crop] && !cleanup.matchGrey && !cleanup.verify) || region != nil {
            return try asIs(region: region)
        }
        let (photo, geometry, small, background) = try loadPhoto(image, look: look)
        if let catalogBackground = look.background, BorderRing(small).isUniform(near: catalogBackground.map(Int.init)) {
            // Already shot like the catalog (e.g. a catalog image itself): nothing to find or remove.
            return try asIs(region: nil)
        }
        lazy var centre = geometry.cut(photo, box: geometry.aspectBox(centreX: Double(photo.width) / 2, centreY: Double(photo.height) / 2,
                                                                 width: Double(min(photo.width, photo.height)), height: 1),
                                  background: background)
        lazy var garment = ItemMask.find(in: small)
        var views: [RGBImage] = []
        for view in cleanup.views {
            switch view {
            case .crop:
                views.append(grey ? PixelOps.grey(centre) : centre)
            case .flip:
                views.append((grey ? PixelOps.grey(centre) : centre).mirrored())
            case .item:
                guard let mask = garment else {
                    views.append(grey ? PixelOps.grey(centre) : centre)
                    continue
                }
                let box = geometry.square(around: mask.box, margin: 0.08)
                var pixels = geometry.cut(photo, box: box, background: background)
                if look.background != nil {
                    pixels = PixelOps.isolate(pixels, mask: { x, y in
                        let (fx, fy) = geometry.fraction(ofOutputX: x, y: y, box: box)
                        return mask.value(atX: fx, y: fy)
                    }, background: background, grey: grey)
                } else if grey {
                    pixels = PixelOps.grey(pixels)
                }
                views.append(pixels)
            case .salient:
                let letterbox = geometry.aspectBox(centreX: Double(photo.width) / 2, centreY: Double(photo.height) / 2,
                                                   width: Double(photo.width), height: Double(photo.height))
                let output = try infer([geometry.cut(photo, box: letterbox, background: background)], withLayers: false)
                guard let map = output.featureMap(at: 0), let region = geometry.salientBox(map) else {
                    views.append(grey ? PixelOps.grey(centre) : centre)
                    continue
                }
                let pixels = geometry.cut(photo, box: region, background: background)
                views.append(grey ? PixelOps.grey(pixels) : pixels)
            }
        }
        guard cleanup.verify else { return (views, nil) }
        return (views, garment.map { ItemSignature.ofPhoto(photo, mask: $0) } ?? [])
    }

    /// One decode of a photo (shrunk on load to 1.5 × the model input's longer side), its geometry, a small copy
    /// (longer side 128) for finding the product, and the catalog's background colour.
    private func loadPhoto(_ image: EncodedImage, look: CatalogLook)
        throws -> (photo: RGBImage, geometry: PhotoGeometry, small: RGBImage, background: (UInt8, UInt8, UInt8)) {
        let background = look.background.map { ($0[0], $0[1], $0[2]) } ?? (0, 0, 0)
        let info = try info(of: image)
        let (uprightW, uprightH) = info.isTransposed ? (info.height, info.width) : (info.width, info.height)
        let scale = min(1, Double(3 * max(manifest.input.width, manifest.input.height)) / 2 / Double(max(uprightW, uprightH, 1)))
        let photo = try decodeWhole(image, width: max(1, Int((Double(uprightW) * scale).rounded())),
                                    height: max(1, Int((Double(uprightH) * scale).rounded())), fit: .stretch, background: background)
        let geometry = PhotoGeometry(width: photo.width, height: photo.height, inputWidth: manifest.input.width, inputHeight: manifest.input.height)
        let whole = (x: 0.0, y: 0.0, width: Double(photo.width), height: Double(photo.height))
        let shrink = 128 / Double(max(photo.width, photo.height))
        let small = photo.resampled(rect: whole, width: max(8, Int((Double(photo.width) * shrink).rounded())),
                                    height: max(8, Int((Double(photo.height) * shrink).rounded())), background: background)
        return (photo, geometry, small, background)
    }
}
