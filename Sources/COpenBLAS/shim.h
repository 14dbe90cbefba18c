// OpenBLAS (BLAS through its CBLAS interface) and LAPACK through LAPACKE,
// whose liblapack resolves to OpenBLAS's LAPACK on Debian.
#include <cblas.h>
#include <lapacke.h>
