import Foundation
import Synchronization

/// `--precision auto`: the fastest precision whose vectors stay within the accuracy bar on this CPU. Measured
/// once per model and CPU (`PrecisionCalibration`), then read back from `PrecisionChoiceStore` while the CPU
/// (name and features), the OpenVINO build and the model's files (float and int8 fingerprints) are the same.
enum AutoPrecision {
    /// Held while a process decides, so its models are measured one at a time and once.
    private static let deciding = Mutex<Void>(())

    static func decide(directory: URL, manifest: ModelManifest, options: EmbedderOptions, core: OpenVINOCore) throws -> PrecisionDecision {
        let int8 = ModelFingerprint.ofInt8(directory: directory)
        let key = PrecisionChoice.Key(cpu: CPUInfo.current, runtime: core.runtimeVersion, model: "\(manifest.name) (\(directory.standardizedFileURL.path))",
                                      fingerprint: "\(ModelFingerprint.of(directory: directory, manifest: manifest))+\(int8 ?? "none")")
        var candidates: [Precision] = [.f32]
        if core.hasNativeBF16 { candidates.append(.bf16) }
        if int8 != nil { candidates.append(.int8) }
        let fallback = core.hasNativeBF16 ? Precision.bf16 : .f32
        func unmeasured(_ reason: String, chosen: Precision, source: PrecisionDecision.Source = .unmeasured) -> PrecisionDecision {
            let choice = PrecisionChoice(cpu: key.cpu, runtime: key.runtime, model: key.model, fingerprint: key.fingerprint,
                                         chosen: chosen, reason: reason, measurements: [], photos: 0, measuredAt: Date())
            return PrecisionDecision(choice: choice, source: source, file: nil, storeError: nil)
        }
        if candidates.count == 1 {
            return unmeasured("f32 is the only precision here (no native bf16, no int8 model)", chosen: .f32, source: .nothingToChoose)
        }
        let store = (options.precisionChoiceFolder ?? PrecisionChoiceStore.defaultFolder()).map(PrecisionChoiceStore.init)
        let file = store?.file(model: manifest.name, directory: directory, cpu: key.cpu)
        return try deciding.withLock { _ in
            if let store, let file, let stored = store.read(file), stored.applies(to: key) {
                return PrecisionDecision(choice: stored, source: .stored, file: file, storeError: nil)
            }
            let photos = PrecisionCalibration.photos(for: directory, explicit: options.calibrationPhotos)
            guard !photos.isEmpty else {
                return unmeasured("no calibration photos (testdata/photos or $LOOKALIKE_CALIBRATION_PHOTOS), so int8 is not "
                                  + "considered and \(fallback.rawValue) is used", chosen: fallback)
            }
            let measured = try PrecisionCalibration.measure(directory: directory, options: options, photos: photos, candidates: candidates)
            let chosen = PrecisionChoice.pick(measured.measurements)
            var reason = "the fastest of \(measured.measurements.map(\.precision.rawValue).joined(separator: ", ")) whose vectors keep a "
                + "cosine of \(PrecisionChoice.cosineBar) or more to f32 on \(measured.images) photos"
            if !measured.failures.isEmpty { reason += "; could not run \(measured.failures.joined(separator: "; "))" }
            let choice = PrecisionChoice(cpu: key.cpu, runtime: key.runtime, model: key.model, fingerprint: key.fingerprint,
                                         chosen: chosen, reason: reason, measurements: measured.measurements,
                                         photos: measured.images, measuredAt: Date())
            var storeError: String?
            if let store, let file {
                do { try store.write(choice, to: file) } catch { storeError = "\(error)" }
            } else {
                storeError = "no cache folder (set LOOKALIKE_CACHE_DIR)"
            }
            return PrecisionDecision(choice: choice, source: .measured, file: file, storeError: storeError)
        }
    }
}
