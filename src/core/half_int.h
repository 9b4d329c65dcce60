/* Private: half <-> float kernels and the test hook that picks between them. */
#ifndef VFX_HALF_INT_H
#define VFX_HALF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The F16C path exists on x86 with GCC or Clang (chosen at run time, never at build time). */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define VFX__HAVE_F16C_PATH 1
#else
#define VFX__HAVE_F16C_PATH 0
#endif

/** Test hook: nonzero forces the portable path in the bulk functions and in every conversion
 *  to or from half; 0 restores run-time detection. Thread-safe, does not fail. */
void vfx__half_force_portable(int on);
/** 1 when the bulk functions would use F16C right now (CPU has it and it is not forced off). */
int  vfx__half_uses_f16c(void);

/* Portable, exact (integer-only: independent of the FPU's rounding, FTZ and DAZ modes). */
void vfx__half_to_float_n_portable(const uint16_t *src, float *dst, size_t n);
void vfx__float_to_half_n_portable(const float *src, uint16_t *dst, size_t n);

#if VFX__HAVE_F16C_PATH
/* half_f16c.c: call only when the CPU has AVX and F16C. NaNs take the portable path, so the
 * results are bit-identical to it (the hardware quiets signalling NaNs, OpenEXR's half does
 * not). */
void vfx__half_to_float_n_f16c(const uint16_t *src, float *dst, size_t n);
void vfx__float_to_half_n_f16c(const float *src, uint16_t *dst, size_t n);
#endif

/* Scalar portable conversions, inline so the conversion kernels can use them directly. */
static inline float
vfx__half_to_float_inline(uint16_t h)
{
    uint32_t sign = (uint32_t) (h & 0x8000u) << 16;
    uint32_t em   = h & 0x7fffu; /* exponent and mantissa */
    uint32_t bits;
    if (em >= 0x7c00u) {
        /* inf or NaN: all exponent bits set, mantissa (the NaN payload) moved up as is */
        bits = sign | 0x7f800000u | ((em & 0x3ffu) << 13);
    } else if (em >= 0x0400u) {
        bits = sign | ((em << 13) + 0x38000000u); /* normal: rebias 15 -> 127 */
    } else if (em != 0) {
        /* denormal m * 2^-24: normalise so the leading 1 lands on bit 10 */
        uint32_t shift = (uint32_t) __builtin_clz(em) - 21u; /* 1..10 */
        uint32_t m     = (em << shift) & 0x3ffu;
        bits = sign | ((113u - shift) << 23) | (m << 13);
    } else {
        bits = sign;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline uint16_t
vfx__float_to_half_inline(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint32_t ui  = bits & 0x7fffffffu;
    uint32_t ret = (bits >> 16) & 0x8000u;
    if (ui >= 0x38800000u) { /* |f| >= 2^-14: a normal half, inf or NaN */
        if (ui >= 0x7f800000u) {
            if (ui == 0x7f800000u)
                return (uint16_t) (ret | 0x7c00u);
            /* NaN: keep the top 10 payload bits, and at least one bit so it stays a NaN
             * (exactly what OpenEXR's half does; the quiet bit is not forced) */
            uint32_t m = (ui & 0x7fffffu) >> 13;
            return (uint16_t) (ret | 0x7c00u | m | (m == 0));
        }
        if (ui > 0x477fefffu) /* >= 65520 rounds to inf */
            return (uint16_t) (ret | 0x7c00u);
        ui -= 0x38000000u;
        ui = (ui + 0x0fffu + ((ui >> 13) & 1u)) >> 13; /* round to nearest even */
        return (uint16_t) (ret | ui);
    }
    if (ui <= 0x33000000u) /* <= 2^-25 (half the smallest denormal, a tie to even 0) */
        return (uint16_t) ret;
    /* denormal half */
    uint32_t e     = ui >> 23;
    uint32_t shift = 0x7eu - e; /* 14..24 */
    uint32_t m     = 0x800000u | (ui & 0x7fffffu);
    uint32_t r     = m << (32u - shift); /* the bits shifted out */
    ret |= m >> shift;
    if (r > 0x80000000u || (r == 0x80000000u && (ret & 1u) != 0))
        ++ret;
    return (uint16_t) ret;
}

#endif
