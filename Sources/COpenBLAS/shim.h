#ifndef REFARCH_COPENBLAS_SHIM_H
#define REFARCH_COPENBLAS_SHIM_H
#include <cblas.h>
/* Declared by OpenBLAS's cblas.h; listed here so the dependency is explicit. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
#endif
