#ifndef SIGNALMINER_CMATRIXKERNEL_H
#define SIGNALMINER_CMATRIXKERNEL_H

/// Whether this CPU runs `mk_rows_avx2_fma` (x86-64 with AVX2 and FMA); 0 elsewhere.
int mk_has_avx2_fma(void);

/// Rows [start, end) of C[m×n] += A[m×k] · B[k×n] (row-major, contiguous), with AVX2 fused multiply-adds.
/// Each element of C is c + Σ_p a·b fused in p order, whatever the rows' grouping, so any split of the rows
/// over threads gives bit-identical results. Call only when `mk_has_avx2_fma()` is 1.
void mk_rows_avx2_fma(long start, long end, long n, long k, const float *a, const float *b, float *c);

#endif
