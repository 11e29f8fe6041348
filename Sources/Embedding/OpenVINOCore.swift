import COpenVINO
import Foundation
import OpenVINOShim
import Synchronization

/// The process-wide OpenVINO runtime: reads models and compiles them for the CPU.
///
/// `@unchecked Sendable` only for the `core` handle (an `OpaquePointer`): it is set once in `init`, never
/// reassigned, and freed in `deinit` (the shared instance lives for the whole process); every call on it
/// (read, compile, get a property) is a method of OpenVINO's `ov::Core`, which the runtime makes safe to
/// call from several threads (it guards its plugins and caches itself), one `Core` per process as OpenVINO
/// recommends. The one piece of Swift state, the CPU capabilities, sits in a `Mutex`.
final class OpenVINOCore: @unchecked Sendable {
    /// One core per process; OpenVINO's core is thread-safe.
    static let shared: Result<OpenVINOCore, EmbeddingError> = Result { try OpenVINOCore() }.mapError {
        $0 as? EmbeddingError ?? .runtime(operation: "start", message: "\($0)")
    }

    let core: OpaquePointer

    private init() throws {
        var core: OpaquePointer?
        try OpenVINOCore.check(ov_core_create(&core), "start the runtime")
        guard let core else { throw EmbeddingError.runtime(operation: "start the runtime", message: "no core") }
        self.core = core
    }

    deinit { ov_core_free(core) }

    /// `cpuCapabilities`, read from the runtime on first use.
    private let capabilities = Mutex<[String]?>(nil)

    /// The CPU's optimisation capabilities, e.g. ["FP32", "BF16", "INT8", …].
    var cpuCapabilities: [String] {
        capabilities.withLock { cached in
            if let cached { return cached }
            var value: UnsafeMutablePointer<CChar>?
            var read: [String] = []
            if ov_core_get_property(core, "CPU", "OPTIMIZATION_CAPABILITIES", &value) == OK, let value {
                read = String(cString: value).split(separator: " ").map(String.init)
                ov_free(value)
            }
            cached = read
            return read
        }
    }

    /// The CPU's name as OpenVINO reports it.
    var cpuName: String {
        var value: UnsafeMutablePointer<CChar>?
        guard ov_core_get_property(core, "CPU", "FULL_DEVICE_NAME", &value) == OK, let value else { return "CPU" }
        defer { ov_free(value) }
        return String(cString: value)
    }

    /// Whether the CPU computes in bf16 natively (AVX-512 BF16 or AMX); elsewhere a bf16 hint runs f32.
    var hasNativeBF16: Bool { cpuCapabilities.contains("BF16") }

    /// The OpenVINO build, e.g. "2026.4.1-20925-…".
    var runtimeVersion: String {
        var version = ov_version_t()
        guard ov_get_openvino_version(&version) == OK else { return "unknown" }
        defer { ov_version_free(&version) }
        return version.buildNumber.map { String(cString: $0) } ?? "unknown"
    }

    /// Reads an ONNX (or OpenVINO IR) model file.
    func readModel(at path: String) throws -> OpaquePointer {
        var model: OpaquePointer?
        try OpenVINOCore.check(ov_core_read_model(core, path, nil, &model), "read \(path)")
        guard let model else { throw EmbeddingError.runtime(operation: "read \(path)", message: "no model") }
        return model
    }

    /// Whether the model has an output tensor named `name`.
    func hasOutput(_ model: OpaquePointer, named name: String) -> Bool {
        var port: OpaquePointer?
        guard ov_model_const_output_by_name(model, name, &port) == OK, let port else { return false }
        ov_output_const_port_free(port)
        return true
    }

    /// The value for OpenVINO's INFERENCE_PRECISION_HINT: for int8, the precision of the layers left unquantized.
    func inferenceHint(for precision: Precision) -> String {
        switch precision {
        case .f32: return "f32"
        case .bf16: return "bf16"
        case .int8, .auto: return hasNativeBF16 ? "bf16" : "f32"
        }
    }

    /// Compiles a model for the CPU.
    func compile(_ model: OpaquePointer, precision: Precision, threads: Int, hint: String) throws -> OpaquePointer {
        var compiled: OpaquePointer?
        let status = inferenceHint(for: precision).withCString { precisionHint in
            hint.withCString { performanceHint in
                var options = lk_ov_compile_options(precision: precisionHint, performance_hint: performanceHint,
                                                    num_threads: Int32(threads), num_streams: 0)
                return lk_ov_compile_model(core, model, "CPU", &options, &compiled)
            }
        }
        try OpenVINOCore.check(status, "compile the model for the CPU")
        guard let compiled else { throw EmbeddingError.runtime(operation: "compile", message: "no compiled model") }
        return compiled
    }

    /// Throws the runtime's own message when a call did not succeed.
    static func check(_ status: ov_status_e, _ operation: String) throws {
        guard status != OK else { return }
        var message = ""
        if let last = ov_get_last_err_msg() { message = String(cString: last) }
        if message.isEmpty, let info = ov_get_error_info(status) { message = String(cString: info) }
        throw EmbeddingError.runtime(operation: operation, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
