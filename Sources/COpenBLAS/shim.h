// OpenBLAS (BLAS through its CBLAS interface) and LAPACK through LAPACKE,
// whose liblapack resolves to OpenBLAS's LAPACK on Debian.
#include <cblas.h>
#include <lapacke.h>
// glibc's allocator controls (mallopt): the dense kernels' scratch matrices are large enough that
// the default thresholds hand them fresh, zeroed pages on every allocation (AllocatorTuning).
#include <malloc.h>
