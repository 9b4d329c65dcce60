/* IEEE binary16 <-> binary32, bit-exact with OpenEXR's half (Imath): a portable integer path
 * and an F16C path picked at run time. Both give the same bits for every input. */
#include <stdatomic.h>

#include "core/core_int.h"
#include "core/half_int.h"

static atomic_int force_portable;

void
vfx__half_force_portable(int on)
{
    atomic_store_explicit(&force_portable, on != 0, memory_order_relaxed);
}

int
vfx__half_uses_f16c(void)
{
#if VFX__HAVE_F16C_PATH
    if (atomic_load_explicit(&force_portable, memory_order_relaxed))
        return 0;
    /* a plain load of libgcc's cpu model: cheap enough per bulk call */
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
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
