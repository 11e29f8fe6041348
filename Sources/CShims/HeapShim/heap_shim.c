#include "heap_shim.h"

#if defined(__GLIBC__)
#include <malloc.h>

int lk_heap_trim(void) { return malloc_trim(0); }
#else
int lk_heap_trim(void) { return 0; }
#endif
