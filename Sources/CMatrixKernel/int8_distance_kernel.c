// The AVX2 path of Features' `RowDistances`: squared Euclidean distances between int8 rows with small values
// (UMAP's exact neighbours of new rows). A tile of 4 query rows against one candidate row: per 32-byte step,
// |q − c| by `vpsubb`/`vpabsb`, squared and pair-summed by `vpmaddubsw` into int16 lanes, widened to int32 by
// `vpmaddwd` before they could overflow. Integer sums: exact in any order.
#include "CMatrixKernel.h"
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx2")))

enum {
  // Each `vpmaddubsw` lane is d² + d'² ≤ 2·15² = 450, so 72 steps stay below 32 767 in int16; 64 is the pass.
  STEPS16 = 64,
  // Candidate rows per block: 256 rows of up to 2 400 bytes stay in L2 while every query tile passes over them.
  CANDIDATE_BLOCK = 256,
};

TARGET static inline int32_t horizontal_sum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

TARGET static inline __m256i squared_difference(__m256i a, __m256i b) {
  const __m256i d = _mm256_abs_epi8(_mm256_sub_epi8(a, b));
  return _mm256_maddubs_epi16(d, d);
}

/// Distances from the 4 query rows at `q` (consecutive, `width` bytes apart) to candidate row `c`, into out[0…3].
// PERFORMANCE: UMAP's placement is this loop: 4 squared differences of 32 bytes per 5 loads.
TARGET static void tile(const int8_t *q, const int8_t *c, long width, int32_t out[4]) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i w0 = _mm256_setzero_si256(), w1 = w0, w2 = w0, w3 = w0;
  const long steps = width / 32;
  for (long s = 0; s < steps;) {
    const long stop = s + STEPS16 < steps ? s + STEPS16 : steps;
    __m256i n0 = _mm256_setzero_si256(), n1 = n0, n2 = n0, n3 = n0;
    for (; s < stop; s++) {
      const __m256i x = _mm256_loadu_si256((const __m256i *)(c + s * 32));
      n0 = _mm256_add_epi16(n0, squared_difference(_mm256_loadu_si256((const __m256i *)(q + s * 32)), x));
      n1 = _mm256_add_epi16(n1, squared_difference(_mm256_loadu_si256((const __m256i *)(q + width + s * 32)), x));
      n2 = _mm256_add_epi16(n2, squared_difference(_mm256_loadu_si256((const __m256i *)(q + 2 * width + s * 32)), x));
      n3 = _mm256_add_epi16(n3, squared_difference(_mm256_loadu_si256((const __m256i *)(q + 3 * width + s * 32)), x));
    }
    w0 = _mm256_add_epi32(w0, _mm256_madd_epi16(n0, ones));
    w1 = _mm256_add_epi32(w1, _mm256_madd_epi16(n1, ones));
    w2 = _mm256_add_epi32(w2, _mm256_madd_epi16(n2, ones));
    w3 = _mm256_add_epi32(w3, _mm256_madd_epi16(n3, ones));
  }
  out[0] = horizontal_sum(w0);
  out[1] = horizontal_sum(w1);
  out[2] = horizontal_sum(w2);
  out[3] = horizontal_sum(w3);
}

void mk_int8_squared_distances_avx2(const int8_t *queries, long query_count, const int8_t *candidates,
                                    long candidate_count, long width, int32_t *out) {
  int32_t four[4];
  for (long block = 0; block < candidate_count; block += CANDIDATE_BLOCK) {
    const long end = block + CANDIDATE_BLOCK < candidate_count ? block + CANDIDATE_BLOCK : candidate_count;
    for (long i = 0; i < query_count; i += 4) {
      for (long j = block; j < end; j++) {
        tile(queries + i * width, candidates + j * width, width, four);
        for (int r = 0; r < 4; r++) out[(i + r) * candidate_count + j] = four[r];
      }
    }
  }
}

#else

void mk_int8_squared_distances_avx2(const int8_t *queries, long query_count, const int8_t *candidates,
                                    long candidate_count, long width, int32_t *out) {
  (void)queries; (void)query_count; (void)candidates; (void)candidate_count; (void)width; (void)out;
  abort();
}

#endif
