// The AVX2 path of Features' `FeatureMoments`: the exact Gram matrix Σ_i x_ij·x_ik of non-negative int8 columns,
// chosen at run time by `mk_has_avx2_fma`. A 4×3 tile of column pairs sums `vpmaddubsw` products in int16
// lanes (as many 32-row steps as the values' bound allows without overflow), widens them to int32 with
// `vpmaddwd`, and adds the tile's totals into Int64 once per call. Integer sums: exact in any order.
#include "CMatrixKernel.h"
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

enum {
  TILE_J = 4,
  TILE_K = 3,
  // Rows per pass of the tile: 32 768 rows are 1 024 steps, each adding at most 4·127² = 64 516 to an int32
  // lane, so a lane holds at most 66 M < 2³¹ before its Int64 flush.
  SUB_BLOCK = 32768,
};

/// Σ over `rows` rows of a[r][i]·b[c][i] for the 4×3 pairs, into `out` (exact).
///
/// `steps16` is how many 32-row steps the int16 lanes may take: each `vpmaddubsw` lane is a·b + a'·b' ≤ 2·bound²,
/// so steps16 · 2·bound² ≤ 32 767 keeps them exact (no saturation, no wrap).
// PERFORMANCE: the feature lab's covariance is this loop: 12 multiply-adds of 32 bytes per 15 loads, twelve
// int16 accumulators, three k columns in registers (16 ymm registers in all).
TARGET static void tile(const int8_t *const a[TILE_J], const int8_t *const b[TILE_K], long rows, long steps16,
                        int64_t out[TILE_J][TILE_K]) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i wide[TILE_J][TILE_K];
  for (int r = 0; r < TILE_J; r++)
    for (int c = 0; c < TILE_K; c++) wide[r][c] = _mm256_setzero_si256();
  const long steps = rows / 32;
  long s = 0;
  while (s < steps) {
    const long stop = s + steps16 < steps ? s + steps16 : steps;
    __m256i n00 = _mm256_setzero_si256(), n01 = n00, n02 = n00, n10 = n00, n11 = n00, n12 = n00;
    __m256i n20 = n00, n21 = n00, n22 = n00, n30 = n00, n31 = n00, n32 = n00;
    for (; s < stop; s++) {
      const long i = s * 32;
      const __m256i b0 = _mm256_loadu_si256((const __m256i *)(b[0] + i));
      const __m256i b1 = _mm256_loadu_si256((const __m256i *)(b[1] + i));
      const __m256i b2 = _mm256_loadu_si256((const __m256i *)(b[2] + i));
      __m256i x = _mm256_loadu_si256((const __m256i *)(a[0] + i));
      n00 = _mm256_add_epi16(n00, _mm256_maddubs_epi16(b0, x));
      n01 = _mm256_add_epi16(n01, _mm256_maddubs_epi16(b1, x));
      n02 = _mm256_add_epi16(n02, _mm256_maddubs_epi16(b2, x));
      x = _mm256_loadu_si256((const __m256i *)(a[1] + i));
      n10 = _mm256_add_epi16(n10, _mm256_maddubs_epi16(b0, x));
      n11 = _mm256_add_epi16(n11, _mm256_maddubs_epi16(b1, x));
      n12 = _mm256_add_epi16(n12, _mm256_maddubs_epi16(b2, x));
      x = _mm256_loadu_si256((const __m256i *)(a[2] + i));
      n20 = _mm256_add_epi16(n20, _mm256_maddubs_epi16(b0, x));
      n21 = _mm256_add_epi16(n21, _mm256_maddubs_epi16(b1, x));
      n22 = _mm256_add_epi16(n22, _mm256_maddubs_epi16(b2, x));
      x = _mm256_loadu_si256((const __m256i *)(a[3] + i));
      n30 = _mm256_add_epi16(n30, _mm256_maddubs_epi16(b0, x));
      n31 = _mm256_add_epi16(n31, _mm256_maddubs_epi16(b1, x));
      n32 = _mm256_add_epi16(n32, _mm256_maddubs_epi16(b2, x));
    }
    // Widen: each int32 lane gains two int16 lanes (both in 0…32 767).
    wide[0][0] = _mm256_add_epi32(wide[0][0], _mm256_madd_epi16(n00, ones));
    wide[0][1] = _mm256_add_epi32(wide[0][1], _mm256_madd_epi16(n01, ones));
    wide[0][2] = _mm256_add_epi32(wide[0][2], _mm256_madd_epi16(n02, ones));
    wide[1][0] = _mm256_add_epi32(wide[1][0], _mm256_madd_epi16(n10, ones));
    wide[1][1] = _mm256_add_epi32(wide[1][1], _mm256_madd_epi16(n11, ones));
    wide[1][2] = _mm256_add_epi32(wide[1][2], _mm256_madd_epi16(n12, ones));
    wide[2][0] = _mm256_add_epi32(wide[2][0], _mm256_madd_epi16(n20, ones));
    wide[2][1] = _mm256_add_epi32(wide[2][1], _mm256_madd_epi16(n21, ones));
    wide[2][2] = _mm256_add_epi32(wide[2][2], _mm256_madd_epi16(n22, ones));
    wide[3][0] = _mm256_add_epi32(wide[3][0], _mm256_madd_epi16(n30, ones));
    wide[3][1] = _mm256_add_epi32(wide[3][1], _mm256_madd_epi16(n31, ones));
    wide[3][2] = _mm256_add_epi32(wide[3][2], _mm256_madd_epi16(n32, ones));
  }
  for (int r = 0; r < TILE_J; r++) {
    for (int c = 0; c < TILE_K; c++) {
      const __m256i w = wide[r][c];
      __m256i q = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(w)),
                                   _mm256_cvtepi32_epi64(_mm256_extracti128_si256(w, 1)));
      __m128i h = _mm_add_epi64(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
      int64_t total = _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1);
      // The rows after the last whole step of 32.
      for (long i = steps * 32; i < rows; i++) total += (int64_t)a[r][i] * b[c][i];
      out[r][c] = total;
    }
  }
}

TARGET void mk_int8_gram_avx2(const int8_t *x, long n, long p, long row_start, long row_end, long j_start, long j_end,
                              int bound, int64_t *cross) {
  const long twice_square = 2L * bound * bound;
  long steps16 = twice_square == 0 ? SUB_BLOCK / 32 : 32767 / twice_square;
  if (steps16 > SUB_BLOCK / 32) steps16 = SUB_BLOCK / 32;
  for (long r0 = row_start; r0 < row_end; r0 += SUB_BLOCK) {
    const long rows = row_end - r0 < SUB_BLOCK ? row_end - r0 : SUB_BLOCK;
    // The k tile (3 columns) stays in L1 while every 4-column row of the j range (in L2) meets it.
    for (long k0 = j_start; k0 < p; k0 += TILE_K) {
      const long kcount = p - k0 < TILE_K ? p - k0 : TILE_K;
      const int8_t *b[TILE_K];
      // Missing columns of a partial tile repeat a real one; their sums are dropped.
      for (long c = 0; c < TILE_K; c++) b[c] = x + (k0 + (c < kcount ? c : 0)) * n + r0;
      for (long j0 = j_start; j0 < j_end && j0 <= k0 + kcount - 1; j0 += TILE_J) {
        const long jcount = j_end - j0 < TILE_J ? j_end - j0 : TILE_J;
        const int8_t *a[TILE_J];
        for (long r = 0; r < TILE_J; r++) a[r] = x + (j0 + (r < jcount ? r : 0)) * n + r0;
        int64_t out[TILE_J][TILE_K];
        tile(a, b, rows, steps16, out);
        for (long r = 0; r < jcount; r++) {
          for (long c = 0; c < kcount; c++) {
            if (k0 + c >= j0 + r) cross[(j0 + r) * p + k0 + c] += out[r][c];
          }
        }
      }
    }
  }
}

#else

void mk_int8_gram_avx2(const int8_t *x, long n, long p, long row_start, long row_end, long j_start, long j_end,
                       int bound, int64_t *cross) {
  (void)x; (void)n; (void)p; (void)row_start; (void)row_end; (void)j_start; (void)j_end; (void)bound; (void)cross;
  abort();
}

#endif
