// zlib's public header, as a Swift module (used by Catalog to read gzipped IDX files).
#include <zlib.h>
