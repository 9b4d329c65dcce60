/* IEEE binary16 <-> binary32, bit-exact with OpenEXR's half (Imath): a portable integer path
 * and an F16C path picked at run time. Both give the same bits for every input. */
#include <stdatomic.h>

#include "core/core_int.h"
#include "core/half_int.h"

#if VFX__HAVE_F16C_PATH
#include <cpuid.h>
#endif

static atomic_int force_portable;

void
vfx__half_force_portable(int on)
{
    atomic_store_explicit(&force_portable, on != 0, memory_order_relaxed);
}

#if VFX__HAVE_F16C_PATH
/* CPUID rather than __builtin_cpu_supports("f16c"), which older Clang rejects. F16C needs the
 * 256-bit AVX state, so the OS must have enabled it too (XGETBV: XMM and YMM state). */
static int
detect_f16c(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX) || !(c & bit_F16C))
        return 0;
    unsigned int lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void) hi;
    return (lo & 6u) == 6u;
}

static atomic_int have_f16c = -1; /* -1: not detected yet; racing detections agree */
#endif

int
vfx__half_uses_f16c(void)
{
#if VFX__HAVE_F16C_PATH
    if (atomic_load_explicit(&force_portable, memory_order_relaxed))
        return 0;
    int have = atomic_load_explicit(&have_f16c, memory_order_relaxed);
    if (VFX__UNLIKELY(have < 0)) {
        have = detect_f16c();
        atomic_store_explicit(&have_f16c, have, memory_order_relaxed);
    }
    return have;
#else
    return 0;
#endif
}

float
vfx_half_to_float(uint16_t h)
{
    return vfx__half_to_float_inline(h);
}

uint16_t
vfx_float_to_half(float f)
{
    return vfx__float_to_half_inline(f);
}

void
vfx__half_to_float_n_portable(const uint16_t *src, float *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = vfx__half_to_float_inline(src[i]);
}

void
vfx__float_to_half_n_portable(const float *src, uint16_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = vfx__float_to_half_inline(src[i]);
}

void
vfx_half_to_float_n(const uint16_t *src, float *dst, size_t n)
{
#if VFX__HAVE_F16C_PATH
    if (vfx__half_uses_f16c()) {
        vfx__half_to_float_n_f16c(src, dst, n);
        return;
    }
#endif
    vfx__half_to_float_n_portable(src, dst, n);
}

void
vfx_float_to_half_n(const float *src, uint16_t *dst, size_t n)
{
#if VFX__HAVE_F16C_PATH
    if (vfx__half_uses_f16c()) {
        vfx__float_to_half_n_f16c(src, dst, n);
        return;
    }
#endif
    vfx__float_to_half_n_portable(src, dst, n);
}
