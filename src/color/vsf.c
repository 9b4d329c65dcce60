/* VSF RGB's "gamma 2" integer codes, as the vsf reference crate computes them: scale by
 * 2^bits and truncate (so 1.0 encodes to the top code, which decodes just below 1). */
#include <math.h>
#include <strings.h>

#include "color/color_int.h"
#include "vfx/spectral.h"

static double
encode_scaled(double linear, double scale, double top)
{
    if (!(linear > 0.0)) /* negatives and NaN */
        return 0.0;
    double v = floor(sqrt(linear) * scale);
    return v > top ? top : v;
}

uint8_t
vfx_vsf_encode_u8(double linear)
{
    return (uint8_t) encode_scaled(linear, 256.0, 255.0);
}

double
vfx_vsf_decode_u8(uint8_t v)
{
    double x = v / 256.0;
    return x * x;
}

uint16_t
vfx_vsf_encode_u16(double linear)
{
    return (uint16_t) encode_scaled(linear, 65536.0, 65535.0);
}

double
vfx_vsf_decode_u16(uint16_t v)
{
    double x = v / 65536.0;
    return x * x;
}

vfx_status
vfx_vsf_processor_new(vfx_primaries legacy, vfx_spectral_adapt adapt, int32_t gamma2,
                      vfx_direction dir, vfx_color_processor **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vsf: NULL out");
    *out = NULL;
    if (dir != VFX_DIR_FORWARD && dir != VFX_DIR_INVERSE)
        return vfx__fail(VFX_ERR_ARG, "vsf: bad direction %d", (int) dir);
    const vfx_spectral_space vsf = VFX_VSF_RGB_INIT;
    double m[9];
    if (dir == VFX_DIR_FORWARD)
        VFX_TRY(vfx_legacy_to_spectral_matrix(legacy, &vsf, adapt, m));
    else
        VFX_TRY(vfx_spectral_to_legacy_matrix(&vsf, legacy, adapt, m));
    vfx_color_processor *p;
    VFX_TRY(vfx_color_processor_new(&p));
    vfx_status s = VFX_OK;
    if (dir == VFX_DIR_INVERSE && gamma2)
        s = vfx_color_processor_append_transfer(p, VFX_TRANSFER_GAMMA_2_0, VFX_DIR_INVERSE);
    if (s == VFX_OK)
        s = vfx_color_processor_append_matrix(p, m, NULL);
    if (s == VFX_OK && dir == VFX_DIR_FORWARD && gamma2)
        s = vfx_color_processor_append_transfer(p, VFX_TRANSFER_GAMMA_2_0, VFX_DIR_FORWARD);
    if (s != VFX_OK) {
        vfx_color_processor_free(p);
        return s;
    }
    *out = p;
    return VFX_OK;
}

vfx_status
vfx_vsf_processor_from_name(const char *name, vfx_primaries legacy, vfx_direction dir,
                            vfx_color_processor **out)
{
    if (!name || !out)
        return vfx__fail(VFX_ERR_ARG, "vsf: NULL argument");
    *out = NULL;
    int32_t gamma2;
    if (strcasecmp(name, "VSF RGB") == 0 || strcasecmp(name, "vsf_rgb") == 0)
        gamma2 = 0;
    else if (strcasecmp(name, "VSF RGB gamma 2") == 0 || strcasecmp(name, "vsf_rgb_gamma2") == 0)
        gamma2 = 1;
    else
        return vfx__fail(VFX_ERR_NOT_FOUND, "vsf: no colour space '%s' (known: 'VSF RGB', "
                                            "'VSF RGB gamma 2')", name);
    return vfx_vsf_processor_new(legacy, VFX_SPECTRAL_ADAPT_VON_KRIES, gamma2, dir, out);
}
