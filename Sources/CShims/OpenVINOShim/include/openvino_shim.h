// Thin shim over the variadic parts of OpenVINO's C API, which Swift cannot call.
#ifndef LOOKALIKE_OPENVINO_SHIM_H
#define LOOKALIKE_OPENVINO_SHIM_H

#include <openvino/c/openvino.h>

/// Compile options; a NULL or 0 field keeps OpenVINO's default.
typedef struct lk_ov_compile_options {
    const char *precision;        // INFERENCE_PRECISION_HINT: "f32", "bf16", "f16"
    const char *performance_hint; // PERFORMANCE_HINT: "LATENCY", "THROUGHPUT"
    int num_threads;              // INFERENCE_NUM_THREADS
    int num_streams;              // NUM_STREAMS
} lk_ov_compile_options;

/// ov_core_compile_model with the options above passed as property pairs.
ov_status_e lk_ov_compile_model(const ov_core_t *core, const ov_model_t *model, const char *device,
                                const lk_ov_compile_options *options, ov_compiled_model_t **compiled);

#endif
