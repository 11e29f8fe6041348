#include "openvino_shim.h"
#include <stdio.h>

ov_status_e lk_ov_compile_model(const ov_core_t *core, const ov_model_t *model, const char *device,
                                const lk_ov_compile_options *options, ov_compiled_model_t **compiled) {
    // Up to four key/value pairs; unused slots are never read because the count excludes them.
    const char *args[8] = {0};
    char threads[16], streams[16];
    size_t n = 0;
    if (options && options->precision) { args[n++] = "INFERENCE_PRECISION_HINT"; args[n++] = options->precision; }
    if (options && options->performance_hint) { args[n++] = "PERFORMANCE_HINT"; args[n++] = options->performance_hint; }
    if (options && options->num_threads > 0) {
        snprintf(threads, sizeof threads, "%d", options->num_threads);
        args[n++] = "INFERENCE_NUM_THREADS"; args[n++] = threads;
    }
    if (options && options->num_streams > 0) {
        snprintf(streams, sizeof streams, "%d", options->num_streams);
        args[n++] = "NUM_STREAMS"; args[n++] = streams;
    }
    return ov_core_compile_model(core, model, device, n, compiled,
                                 args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7]);
}
