#ifndef LOOKALIKE_HEAP_SHIM_H
#define LOOKALIKE_HEAP_SHIM_H

/// Hands glibc malloc's free pages back to the kernel (malloc_trim; <malloc.h> is not in Swift's Glibc
/// module); returns 1 when memory was released, 0 otherwise or when the C library is not glibc.
int lk_heap_trim(void);

#endif
