#include "heap_shim.h"

#if defined(__GLIBC__)
#include <malloc.h>

int lk_heap_configure(int mmap_threshold, int arena_max) {
    int ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    ok &= mallopt(M_ARENA_MAX, arena_max);
    return ok ? 0 : -1;
}

int lk_heap_trim(void) { return malloc_trim(0); }
#else
int lk_heap_configure(int mmap_threshold, int arena_max) { (void)mmap_threshold; (void)arena_max; return 0; }
int lk_heap_trim(void) { return 0; }
#endif
