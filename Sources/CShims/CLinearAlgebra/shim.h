// OpenBLAS's CBLAS and LAPACKE, as a Swift module (used by Search to fit catalog-tuned similarity).
#include <cblas.h>
#include <lapacke.h>
