/* color: a colour processor applied to the first three channels (the rest, such as alpha,
 * pass through). Pointwise, so it fuses with the ops around it; with `unpremult` RGB is
 * divided by alpha before and multiplied after (for premultiplied images; alpha 0 leaves the
 * pixel alone), as oiiotool's --colorconvert:unpremult=1 does. */
#include <string.h>

#include "ops/op_int.h"
#include "vfx/color.h"
#include "vfx/ops.h"

typedef struct color_params {
    vfx_color_processor *proc; /* owned by the node */
    int32_t              alpha; /* channel index of alpha for unpremult, or -1 */
} color_params;

static void
color_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const color_params *p = vfx__node_params(n);
    int32_t             nc = vfx__node_channels(n);
    (void) x;
    (void) y;
    if (in != out)
        memcpy(out, in, (size_t) n_px * (size_t) nc * sizeof(float));
    int32_t a = p->alpha;
    if (a >= 0) {
        for (int32_t i = 0; i < n_px; i++) {
            float *q = out + (ptrdiff_t) i * nc, al = q[a];
            if (al != 0.0f && al != 1.0f) {
                float inv = 1.0f / al;
                q[0] *= inv;
                q[1] *= inv;
                q[2] *= inv;
            }
        }
    }
    /* cannot fail: n_channels >= 3 was checked at construction */
    (void) vfx_color_processor_apply_f32(p->proc, out, nc, 0, 0, n_px, 1);
    if (a >= 0) {
        for (int32_t i = 0; i < n_px; i++) {
            float *q = out + (ptrdiff_t) i * nc, al = q[a];
            if (al != 0.0f && al != 1.0f) {
                q[0] *= al;
                q[1] *= al;
                q[2] *= al;
            }
        }
    }
}

static void
color_free(void *params)
{
    color_params *p = params;
    vfx_color_processor_free(p->proc);
    p->proc = NULL;
}

const vfx_op_class vfx__op_color = {
    sizeof(vfx_op_class), "color", VFX_OP_POINTWISE, sizeof(color_params),
    NULL, NULL, NULL, NULL, color_row, NULL, NULL, color_free
};

vfx_status
vfx_image_color(vfx_image *in, const vfx_color_processor *proc, int unpremult,
                const char *colorspace, vfx_image **out)
{
    return vfx__image_color_labelled(in, proc, unpremult, colorspace, NULL, out);
}

vfx_status
vfx__image_color_labelled(vfx_image *in, const vfx_color_processor *proc, int unpremult,
                          const char *colorspace, const float chroma[8], vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "color: out is NULL");
    *out = NULL;
    if (!in || !proc)
        return vfx__fail(VFX_ERR_ARG, "color: NULL input or processor");
    const vfx_spec *spec = vfx_image_spec(in);
    if (vfx_image_n_channels(in) < 3)
        return vfx__fail(VFX_ERR_ARG, "color: the image has %d channels, colour needs 3 or more",
                         (int) vfx_image_n_channels(in));
    color_params p = { NULL, -1 };
    if (unpremult)
        p.alpha = vfx_channels_find_role(spec->channels, VFX_ROLE_ALPHA);
    if (p.alpha >= 0 && p.alpha < 3)
        p.alpha = -1; /* alpha among the colour channels: nothing sensible to do */
    VFX_TRY(vfx_color_processor_copy(proc, &p.proc));
    vfx_status s = vfx_color_processor_optimize(p.proc);
    if (s != VFX_OK) {
        vfx_color_processor_free(p.proc);
        return s;
    }
    if (!colorspace && !chroma)
        return vfx__node_new(&vfx__op_color, &p, sizeof p, &in, 1, NULL, out);
    /* the result is in another colour space: say so in its metadata */
    vfx_spec os = VFX_SPEC_INIT;
    s = vfx_spec_copy(&os, spec);
    if (s == VFX_OK && !os.attrs)
        s = vfx_attrs_new(&os.attrs);
    if (s == VFX_OK && colorspace)
        s = vfx_attrs_set_string(os.attrs, "colorspace", colorspace);
    if (s == VFX_OK && vfx_attrs_get(os.attrs, "ICCProfile"))
        s = vfx_attrs_remove(os.attrs, "ICCProfile"); /* it no longer describes the pixels */
    if (s == VFX_OK && chroma) {
        vfx_attr_value v;
        memset(&v, 0, sizeof v);
        v.type = VFX_ATTR_CHROMATICITIES;
        memcpy(v.u.chroma, chroma, sizeof v.u.chroma);
        s = vfx_attrs_set(os.attrs, "chromaticities", &v);
    }
    if (s == VFX_OK)
        s = vfx__node_new(&vfx__op_color, &p, sizeof p, &in, 1, &os, out);
    else
        vfx_color_processor_free(p.proc);
    vfx_spec_clear(&os);
    return s;
}
