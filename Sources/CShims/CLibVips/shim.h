// libvips' public header, as a Swift module (flags from pkg-config "vips").
#include <vips/vips.h>
