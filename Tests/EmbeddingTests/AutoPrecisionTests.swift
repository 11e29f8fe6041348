import Embedding
import Foundation
import TestSupport
import XCTest

/// `--precision auto`: measured once per model and CPU on real photos, the choice stored and reused, and
/// measured again when the model's files (float or int8) or the CPU differ from the stored ones.
final class AutoPrecisionTests: TimedTestCase {
    private var folders: [URL] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    private func temporaryFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        return folder
    }

    /// A copy of Lite0's folder (the float and int8 models), so the test may change its files.
    private func modelCopy() throws -> URL {
        let source = Paths.models.appendingPathComponent("efficientnet-lite0")
        guard FileManager.default.fileExists(atPath: source.appendingPathComponent(Precision.int8ModelFile).path) else {
            XCTFail("\(source.path)/\(Precision.int8ModelFile) missing: run `make setup`")
            throw XCTSkip("int8 model missing")
        }
        let copy = try temporaryFolder("model").appendingPathComponent("efficientnet-lite0")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in ["manifest.json", "model.onnx", "labels.txt", Precision.int8ModelFile, "model-int8.bin"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        return copy
    }

    private func autoOptions(cache: URL) -> EmbedderOptions {
        var options = EmbedderOptions()
        options.precision = .auto
        options.precisionChoiceFolder = cache
        options.calibrationPhotos = Paths.photos
        options.layers = .final  // the choice does not depend on the descriptor asked for
        return options
    }

    private func decision(_ model: URL, _ options: EmbedderOptions) throws -> (Embedder, PrecisionDecision) {
        let embedder = try Embedder(directory: model, options: options)
        return (embedder, try XCTUnwrap(embedder.precisionDecision, "auto records how it chose"))
    }

    func testAutoMeasuresOnceThenReusesTheStoredChoice() throws {
        let model = try modelCopy(), options = autoOptions(cache: try temporaryFolder("cache"))
        let (first, measured) = try decision(model, options)
        XCTAssertEqual(measured.source, .measured)
        XCTAssertNil(measured.storeError)
        let file = try XCTUnwrap(measured.file)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "the choice is written to \(file.path)")
        let measurements = measured.choice.measurements
        XCTAssertEqual(measurements.first?.precision, .f32, "f32 is the reference")
        XCTAssertTrue(measurements.contains { $0.precision == .int8 }, "the int8 model beside the model is a candidate")
        XCTAssertEqual(measurements.contains { $0.precision == .bf16 }, CPUInfo.current.has("avx512_bf16") || CPUInfo.current.has("amx_bf16"))
        XCTAssertEqual(measured.choice.photos, 7)
        for m in measurements {
            XCTAssertGreaterThan(m.msPerImage, 0)
            XCTAssertEqual(m.withinBar, m.minCosine >= 0.99)
        }
        let chosen = try XCTUnwrap(measurements.first { $0.precision == measured.choice.chosen })
        XCTAssertTrue(chosen.withinBar, "auto never picks a precision outside the bar: \(measurements)")
        XCTAssertEqual(first.precision, measured.choice.chosen)
        XCTAssertEqual(measured.choice.cpu, CPUInfo.current)

        let (second, stored) = try decision(model, options)
        XCTAssertEqual(stored.source, .stored, "the same model on the same CPU is not measured again")
        XCTAssertEqual(stored.choice, measured.choice)
        XCTAssertEqual(second.precision, first.precision)
        XCTAssertEqual(second.modelKey, first.modelKey)

        // What is stored is what is used: a stored f32 choice for this CPU and model makes auto run f32.
        let forced = PrecisionChoice(cpu: measured.choice.cpu, runtime: measured.choice.runtime, model: measured.choice.model,
                                     fingerprint: measured.choice.fingerprint, chosen: .f32, reason: "written by the test",
                                     measurements: measurements, photos: 7, measuredAt: Date())
        try PrecisionChoiceStore(folder: file.deletingLastPathComponent()).write(forced, to: file)
        let (third, reused) = try decision(model, options)
        XCTAssertEqual(reused.source, .stored)
        XCTAssertEqual(third.precision, .f32)
    }

    func testChangedModelFilesOrCPUAreMeasuredAgain() throws {
        let model = try modelCopy(), options = autoOptions(cache: try temporaryFolder("cache"))
        let (_, first) = try decision(model, options)
        XCTAssertEqual(first.source, .measured)
        let file = try XCTUnwrap(first.file)

        // The int8 model removed: the stored choice (which may be int8) no longer applies.
        let int8 = [Precision.int8ModelFile, "model-int8.bin"]
        let aside = try temporaryFolder("aside")
        for name in int8 { try FileManager.default.moveItem(at: model.appendingPathComponent(name), to: aside.appendingPathComponent(name)) }
        let (withoutInt8, second) = try decision(model, options)
        XCTAssertNotEqual(second.choice.fingerprint, first.choice.fingerprint)
        XCTAssertTrue(second.choice.fingerprint.hasSuffix("+none"), second.choice.fingerprint)
        XCTAssertNotEqual(withoutInt8.precision, .int8)
        XCTAssertFalse(second.choice.measurements.contains { $0.precision == .int8 })
        if CPUInfo.current.has("avx512_bf16") || CPUInfo.current.has("amx_bf16") {
            XCTAssertEqual(second.source, .measured, "f32 against bf16 is still measured")
            XCTAssertEqual(PrecisionChoiceStore(folder: file.deletingLastPathComponent()).read(file)?.fingerprint,
                           second.choice.fingerprint, "the new choice replaced the old one in the same file")
        } else {
            XCTAssertEqual(second.source, .unmeasured, "f32 alone needs no measuring")
        }

        // Put back: its fingerprint differs from the stored one again, so it is measured again, int8 included.
        for name in int8 { try FileManager.default.moveItem(at: aside.appendingPathComponent(name), to: model.appendingPathComponent(name)) }
        let (_, third) = try decision(model, options)
        XCTAssertEqual(third.source, .measured)
        XCTAssertEqual(third.choice.fingerprint, first.choice.fingerprint)
        XCTAssertTrue(third.choice.measurements.contains { $0.precision == .int8 })

        // A choice stored for another CPU (same file name, other features inside) is not reused.
        let other = PrecisionChoice(cpu: CPUInfo(name: third.choice.cpu.name, features: ["avx2", "fma"]), runtime: third.choice.runtime,
                                    model: third.choice.model, fingerprint: third.choice.fingerprint, chosen: .f32,
                                    reason: "written by the test", measurements: [], photos: 7, measuredAt: Date())
        try PrecisionChoiceStore(folder: file.deletingLastPathComponent()).write(other, to: file)
        let (_, fourth) = try decision(model, options)
        XCTAssertEqual(fourth.source, .measured)
        XCTAssertEqual(fourth.choice.cpu, CPUInfo.current)
    }

    func testWithoutCalibrationPhotosAutoStaysWithTheFloatPrecisions() throws {
        let model = try modelCopy()
        var options = autoOptions(cache: try temporaryFolder("cache"))
        options.calibrationPhotos = try temporaryFolder("no-photos")
        let (embedder, decision) = try decision(model, options)
        XCTAssertEqual(decision.source, .unmeasured)
        XCTAssertNotEqual(embedder.precision, .int8, "int8 is never chosen unchecked")
        XCTAssertTrue(decision.choice.reason.contains("no calibration photos"), decision.choice.reason)
    }

    func testTheChoiceIsTheFastestWithinTheBarAndNeedsAClearMargin() {
        func m(_ p: Precision, _ ms: Double, _ c: Double) -> PrecisionChoice.Measurement {
            .init(precision: p, msPerImage: ms, minCosine: c, withinBar: c >= PrecisionChoice.cosineBar)
        }
        XCTAssertEqual(PrecisionChoice.pick([m(.f32, 10, 1), m(.bf16, 6, 0.998), m(.int8, 4, 0.993)]), .int8)
        XCTAssertEqual(PrecisionChoice.pick([m(.f32, 10, 1), m(.bf16, 6, 0.998), m(.int8, 4, 0.95)]), .bf16, "outside the bar")
        XCTAssertEqual(PrecisionChoice.pick([m(.f32, 10, 1), m(.bf16, 6, 0.998), m(.int8, 5.9, 0.995)]), .bf16, "within timing noise")
        XCTAssertEqual(PrecisionChoice.pick([m(.f32, 10, 1), m(.int8, 12, 0.995)]), .f32, "slower")
    }

    func testTheCPUIsDescribedByItsFeatures() {
        let cpu = CPUInfo.current
        XCTAssertFalse(cpu.name.isEmpty)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        guard !flags.isEmpty else { return }
        for feature in ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"] {
            XCTAssertEqual(cpu.has(feature), flags.contains(feature), "\(feature): CPUID and /proc/cpuinfo disagree")
        }
        XCTAssertTrue(cpu.summary.hasPrefix(cpu.name))
    }
}
