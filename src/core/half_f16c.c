/* The F16C path of the bulk half conversions (x86, chosen at run time in half.c). Eight values
 * per step; a step holding a NaN and the tail go through the portable code, so every result
 * is bit-identical to it: the hardware quiets signalling NaNs, OpenEXR's half keeps them. */
#include "core/core_int.h"
#include "core/half_int.h"

#if VFX__HAVE_F16C_PATH
#include <immintrin.h>

#define F16C_TARGET __attribute__((target("avx,f16c")))

F16C_TARGET void
vfx__half_to_float_n_f16c(const uint16_t *src, float *dst, size_t n)
{
    const __m128i abs_mask = _mm_set1_epi16(0x7fff);
    const __m128i inf      = _mm_set1_epi16(0x7c00);
    size_t        i        = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h   = _mm_loadu_si128((const __m128i *) (const void *) (src + i));
        /* |h| > inf as signed 16-bit: |h| <= 0x7fff so the signed compare is exact */
        __m128i nan = _mm_cmpgt_epi16(_mm_and_si128(h, abs_mask), inf);
        if (VFX__UNLIKELY(_mm_movemask_epi8(nan) != 0)) {
            vfx__half_to_float_n_portable(src + i, dst + i, 8);
            continue;
        }
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    }
    vfx__half_to_float_n_portable(src + i, dst + i, n - i);
}

F16C_TARGET void
vfx__float_to_half_n_f16c(const float *src, uint16_t *dst, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 f   = _mm256_loadu_ps(src + i);
        __m256 nan = _mm256_cmp_ps(f, f, _CMP_UNORD_Q);
        if (VFX__UNLIKELY(_mm256_movemask_ps(nan) != 0)) {
            vfx__float_to_half_n_portable(src + i, dst + i, 8);
            continue;
        }
        /* the immediate rounding mode overrides MXCSR: always nearest even */
        __m128i h = _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *) (void *) (dst + i), h);
    }
    vfx__float_to_half_n_portable(src + i, dst + i, n - i);
}
#else
/* ISO C forbids an empty translation unit. */
typedef int vfx__half_f16c_unused;
#endif
