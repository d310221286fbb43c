// The AVX2/FMA path of NeuralNetwork's `MatrixKernel` (see MatrixKernel.swift): Swift has no per-function
// target attributes, so the one product that dominates GFlowNet and autoencoder training lives here, chosen at
// run time by `mk_has_avx2_fma`. A 4×16 tile of C stays in eight registers while rows of B stream past.
#include "CMatrixKernel.h"
#include <math.h>
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int mk_has_avx2_fma(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#define TARGET __attribute__((target("avx2,fma")))

/// Columns [j0, n) of one row, one element at a time (the same fused sum as the vector lanes).
TARGET static void scalar_tail(long i, long j0, long n, long k, const float *a, const float *b, float *c) {
  for (long j = j0; j < n; j++) {
    float acc = c[i * n + j];
    for (long p = 0; p < k; p++) acc = fmaf(a[i * k + p], b[p * n + j], acc);
    c[i * n + j] = acc;
  }
}

/// One row of C: 16 columns at a time, then 8, then the rest.
TARGET static void one_row(long i, long n, long k, const float *a, const float *b, float *c) {
  const float *ai = a + i * k;
  float *ci = c + i * n;
  long j = 0;
  for (; j + 16 <= n; j += 16) {
    __m256 x0 = _mm256_loadu_ps(ci + j), x1 = _mm256_loadu_ps(ci + j + 8);
    const float *bp = b + j;
    for (long p = 0; p < k; p++, bp += n) {
      __m256 s = _mm256_broadcast_ss(ai + p);
      x0 = _mm256_fmadd_ps(s, _mm256_loadu_ps(bp), x0);
      x1 = _mm256_fmadd_ps(s, _mm256_loadu_ps(bp + 8), x1);
    }
    _mm256_storeu_ps(ci + j, x0);
    _mm256_storeu_ps(ci + j + 8, x1);
  }
  for (; j + 8 <= n; j += 8) {
    __m256 x0 = _mm256_loadu_ps(ci + j);
    const float *bp = b + j;
    for (long p = 0; p < k; p++, bp += n) x0 = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + p), _mm256_loadu_ps(bp), x0);
    _mm256_storeu_ps(ci + j, x0);
  }
  scalar_tail(i, j, n, k, a, b, c);
}

TARGET void mk_rows_avx2_fma(long start, long end, long n, long k, const float *a, const float *b, float *c) {
  long i = start;
  for (; i + 4 <= end; i += 4) {
    const float *a0 = a + i * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
    float *c0 = c + i * n, *c1 = c0 + n, *c2 = c1 + n, *c3 = c2 + n;
    long j = 0;
    for (; j + 16 <= n; j += 16) {
      __m256 x00 = _mm256_loadu_ps(c0 + j), x01 = _mm256_loadu_ps(c0 + j + 8);
      __m256 x10 = _mm256_loadu_ps(c1 + j), x11 = _mm256_loadu_ps(c1 + j + 8);
      __m256 x20 = _mm256_loadu_ps(c2 + j), x21 = _mm256_loadu_ps(c2 + j + 8);
      __m256 x30 = _mm256_loadu_ps(c3 + j), x31 = _mm256_loadu_ps(c3 + j + 8);
      const float *bp = b + j;
      for (long p = 0; p < k; p++, bp += n) {
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        __m256 s = _mm256_broadcast_ss(a0 + p);
        x00 = _mm256_fmadd_ps(s, b0, x00);
        x01 = _mm256_fmadd_ps(s, b1, x01);
        s = _mm256_broadcast_ss(a1 + p);
        x10 = _mm256_fmadd_ps(s, b0, x10);
        x11 = _mm256_fmadd_ps(s, b1, x11);
        s = _mm256_broadcast_ss(a2 + p);
        x20 = _mm256_fmadd_ps(s, b0, x20);
        x21 = _mm256_fmadd_ps(s, b1, x21);
        s = _mm256_broadcast_ss(a3 + p);
        x30 = _mm256_fmadd_ps(s, b0, x30);
        x31 = _mm256_fmadd_ps(s, b1, x31);
      }
      _mm256_storeu_ps(c0 + j, x00);
      _mm256_storeu_ps(c0 + j + 8, x01);
      _mm256_storeu_ps(c1 + j, x10);
      _mm256_storeu_ps(c1 + j + 8, x11);
      _mm256_storeu_ps(c2 + j, x20);
      _mm256_storeu_ps(c2 + j + 8, x21);
      _mm256_storeu_ps(c3 + j, x30);
      _mm256_storeu_ps(c3 + j + 8, x31);
    }
    if (j < n) {
      // The remaining columns row by row: the same fused sums per element.
      for (long r = 0; r < 4; r++) {
        const float *ar = a + (i + r) * k;
        float *cr = c + (i + r) * n;
        long jj = j;
        for (; jj + 8 <= n; jj += 8) {
          __m256 x = _mm256_loadu_ps(cr + jj);
          const float *bp = b + jj;
          for (long p = 0; p < k; p++, bp += n) x = _mm256_fmadd_ps(_mm256_broadcast_ss(ar + p), _mm256_loadu_ps(bp), x);
          _mm256_storeu_ps(cr + jj, x);
        }
        scalar_tail(i + r, jj, n, k, a, b, c);
      }
    }
  }
  for (; i < end; i++) one_row(i, n, k, a, b, c);
}

#else

int mk_has_avx2_fma(void) { return 0; }

void mk_rows_avx2_fma(long start, long end, long n, long k, const float *a, const float *b, float *c) {
  (void)start; (void)end; (void)n; (void)k; (void)a; (void)b; (void)c;
  abort();
}

#endif
