// UMAP's vector loops in C so that they vectorise: `restrict` promises the compiler that the rows do not
// overlap, which Swift cannot (both rows may live in one array), and no index needs an overflow check.
#include "CMatrixKernel.h"

// PERFORMANCE: every attraction and negative sample of UMAP's layout ends here (dim multiply-adds, clamped).
void mk_umap_step(float *restrict x, float *restrict y, long dim, float c, float alpha, float clip, int both) {
  if (both) {
    for (long d = 0; d < dim; d++) {
      float g = c * (x[d] - y[d]);
      g = (g < -clip ? -clip : (g > clip ? clip : g)) * alpha;
      x[d] += g;
      y[d] -= g;
    }
  } else {
    for (long d = 0; d < dim; d++) {
      float g = c * (x[d] - y[d]);
      x[d] += (g < -clip ? -clip : (g > clip ? clip : g)) * alpha;
    }
  }
}

// PERFORMANCE: UMAP's spectral initialisation is rows of this: the graph product, the Gram matrix and the
// triangular multiply of its orthonormalisation, the Rayleigh–Ritz product.
void mk_axpy_f64(double *restrict y, const double *restrict x, double a, long n) {
  for (long i = 0; i < n; i++) y[i] += a * x[i];
}
