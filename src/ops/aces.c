/* ACES2065-1 for ACES container files: RGB from an image's chromaticities (OpenEXR's Rec.709
 * / D65 default when it has none) to ACES AP0 with a Bradford adaptation of the white, as
 * OpenEXR's exr2aces does, and the result labelled with the AP0 chromaticities. */
#include "ops/op_int.h"
#include "vfx/color.h"
#include "vfx/ops.h"

vfx_status
vfx_image_to_aces(vfx_image *in, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "to_aces: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "to_aces: NULL image");
    vfx_chromaticities src, ap0;
    int present = 0;
    VFX_TRY(vfx_spec_chromaticities(vfx_image_spec(in), &src, &present));
    VFX_TRY(vfx_primaries_get(VFX_PRIMARIES_ACES_AP0, &ap0));
    double m[9];
    VFX_TRY(vfx_rgb_to_rgb_matrix(&src, &ap0, VFX_CAT_BRADFORD, m));
    const float label[8] = { (float) ap0.red[0],   (float) ap0.red[1],  (float) ap0.green[0],
                             (float) ap0.green[1], (float) ap0.blue[0], (float) ap0.blue[1],
                             (float) ap0.white[0], (float) ap0.white[1] };
    vfx_color_processor *p = NULL;
    VFX_TRY(vfx_color_processor_new(&p));
    vfx_status s = vfx_color_processor_append_matrix(p, m, NULL);
    if (s == VFX_OK)
        s = vfx__image_color_labelled(in, p, 0, NULL, label, out);
    vfx_color_processor_free(p);
    return s;
}
