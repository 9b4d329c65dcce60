/* An image's chromaticities (the "chromaticities" attribute, OpenEXR's Rec.709 / D65 default)
 * and its RGB <-> XYZ matrices, optionally scaled by OpenEXR's whiteLuminance. The maths is
 * primaries.c's (vfx_rgb_to_xyz_matrix); this file only reads the metadata. */
#include "color/color_int.h"

#include <math.h>
#include <string.h>

vfx_status
vfx_spec_chromaticities(const vfx_spec *spec, vfx_chromaticities *out, int *present_out)
{
    if (!spec || !out)
        return vfx__fail(VFX_ERR_ARG, "vfx_spec_chromaticities: NULL argument");
    const vfx_attr_value *v = spec->attrs ? vfx_attrs_get(spec->attrs, "chromaticities") : NULL;
    if (present_out)
        *present_out = v != NULL;
    if (!v)
        return vfx_primaries_get(VFX_PRIMARIES_REC709, out); /* OpenEXR's default */
    if (v->type != VFX_ATTR_CHROMATICITIES)
        return vfx__fail(VFX_ERR_ARG, "attribute chromaticities has the wrong type");
    const float *c = v->u.chroma;
    *out = (vfx_chromaticities){ { c[0], c[1] }, { c[2], c[3] }, { c[4], c[5] }, { c[6], c[7] } };
    return VFX_OK;
}

vfx_status
vfx_spec_rgb_xyz_matrices(const vfx_spec *spec, int use_white_luminance,
                          double rgb_to_xyz_out[9], double xyz_to_rgb_out[9])
{
    vfx_chromaticities ch;
    VFX_TRY(vfx_spec_chromaticities(spec, &ch, NULL));
    double m[9];
    VFX_TRY(vfx_rgb_to_xyz_matrix(&ch, m));
    const vfx_attr_value *v = use_white_luminance && spec->attrs
                                  ? vfx_attrs_get(spec->attrs, "openexr:whiteLuminance")
                                  : NULL;
    if (v) {
        double y = v->type == VFX_ATTR_FLOAT    ? (double) v->u.f
                   : v->type == VFX_ATTR_DOUBLE ? v->u.d
                                                : -1.0;
        if (!(y > 0.0) || !isfinite(y))
            return vfx__fail(VFX_ERR_ARG, "whiteLuminance %g is not a positive number", y);
        for (int i = 0; i < 9; i++)
            m[i] *= y;
    }
    if (xyz_to_rgb_out)
        VFX_TRY(vfx_mat3_invert(m, xyz_to_rgb_out));
    if (rgb_to_xyz_out)
        memcpy(rgb_to_xyz_out, m, sizeof m);
    return VFX_OK;
}
