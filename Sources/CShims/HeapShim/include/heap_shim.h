#ifndef LOOKALIKE_HEAP_SHIM_H
#define LOOKALIKE_HEAP_SHIM_H

/// glibc malloc settings for a long-running server (<malloc.h> is not in Swift's Glibc module).
/// Serves blocks of `mmap_threshold` bytes and more with mmap (a fixed threshold) and uses at most
/// `arena_max` arenas; returns 0 when both were set (or the C library is not glibc).
int lk_heap_configure(int mmap_threshold, int arena_max);

/// Hands the allocator's free pages back to the kernel (malloc_trim); returns 1 when memory was released.
int lk_heap_trim(void);

#endif
