// UMAP's SGD step on one pair of embedded points, in C so that the loop vectorises: `restrict` promises the
// compiler that the two rows do not overlap, which Swift cannot (both rows may live in one array).
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
