// OpenVINO's C API umbrella header, as a Swift module
// (flags from the pkg-config file scripts/setup.sh generates).
#include <openvino/c/openvino.h>
