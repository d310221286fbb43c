#ifndef SIGNALMINER_CMATRIXKERNEL_H
#define SIGNALMINER_CMATRIXKERNEL_H

#include <stdint.h>

/// Whether this CPU runs `mk_rows_avx2_fma` (x86-64 with AVX2 and FMA); 0 elsewhere.
int mk_has_avx2_fma(void);

/// Rows [start, end) of C[m×n] += A[m×k] · B[k×n] (row-major, contiguous), with AVX2 fused multiply-adds.
/// Each element of C is c + Σ_p a·b fused in p order, whatever the rows' grouping, so any split of the rows
/// over threads gives bit-identical results. Call only when `mk_has_avx2_fma()` is 1.
void mk_rows_avx2_fma(long start, long end, long n, long k, const float *a, const float *b, float *c);

/// Adds Σ_{row_start ≤ i < row_end} x[j·n + i] · x[k·n + i] to cross[j·p + k] for every j in [j_start, j_end)
/// and k in [j, p): the upper triangle of those rows of the Gram matrix of the column-major n×p int8 matrix x,
/// exact. Every value of x must lie in 0…bound with bound ≤ 127 (a smaller bound lets the kernel sum longer in
/// int16 lanes). Writes only rows [j_start, j_end) of cross, so calls with disjoint j ranges may run at once.
/// Call only when `mk_has_avx2_fma()` is 1.
void mk_int8_gram_avx2(const int8_t *x, long n, long p, long row_start, long row_end, long j_start, long j_end,
                       int bound, int64_t *cross);

/// out[i·candidate_count + j] = Σ (queries[i] − candidates[j])² for every query row i and candidate row j: int8 rows,
/// row-major, `width` bytes each with width a multiple of 32 (zero-padded alike); query_count a multiple of 4;
/// every value in 0…15 (so each difference is at most 15 in size). Exact. Call only when `mk_has_avx2_fma()` is 1.
void mk_int8_squared_distances_avx2(const int8_t *queries, long query_count, const int8_t *candidates,
                                    long candidate_count, long width, int32_t *out);

/// UMAP's step on one pair of embedded points: x[d] += clamp(c·(x[d] − y[d]), −clip, clip)·alpha for d < dim, and
/// y[d] −= the same when `both` is 1 (y is only read when 0). x and y must not overlap. Portable C.
void mk_umap_step(float *restrict x, float *restrict y, long dim, float c, float alpha, float clip, int both);

/// y[i] += a·x[i] for i < n, in order (x and y must not overlap). Portable C.
void mk_axpy_f64(double *restrict y, const double *restrict x, double a, long n);

#endif
