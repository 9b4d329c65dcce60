/* premult / unpremult (pointwise, fuse): multiply, or divide, every channel but alpha and
 * depth by alpha. As OIIO, unpremult leaves pixels whose alpha is 0 (or 1) unchanged. */
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct premult_params {
    int32_t alpha, unpremult;
    uint8_t skip[64]; /* 1 for channels left alone (alpha, Z) */
} premult_params;

VFX__HOT_KERNEL static void
premult4(const float *in, float *out, int32_t n_px)
{
    for (int32_t i = 0; i < n_px; i++) {
        float a = in[4 * i + 3];
        out[4 * i + 0] = in[4 * i + 0] * a;
        out[4 * i + 1] = in[4 * i + 1] * a;
        out[4 * i + 2] = in[4 * i + 2] * a;
        out[4 * i + 3] = a;
    }
}

VFX__HOT_KERNEL static void
premult4_inplace(float *io, int32_t n_px)
{
    for (int32_t i = 0; i < n_px; i++) {
        float a = io[4 * i + 3];
        io[4 * i + 0] *= a;
        io[4 * i + 1] *= a;
        io[4 * i + 2] *= a;
    }
}

static void
premult_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const premult_params *p = vfx__node_params(n);
    int32_t               nc = vfx__node_channels(n), al = p->alpha;
    (void) x;
    (void) y;
    if (!p->unpremult && nc == 4 && al == 3 && !p->skip[0] && !p->skip[1] && !p->skip[2]) {
        if (in == out)
            premult4_inplace(out, n_px);
        else
            premult4(in, out, n_px);
        return;
    }
    for (int32_t i = 0; i < n_px; i++) {
        const float *s = in + (ptrdiff_t) i * nc;
        float       *d = out + (ptrdiff_t) i * nc;
        float        a = s[al];
        int          keep = p->unpremult && (a == 0.0f || a == 1.0f);
        for (int32_t c = 0; c < nc; c++)
            d[c] = p->skip[c] || keep ? s[c] : p->unpremult ? s[c] / a : s[c] * a;
    }
}

const vfx_op_class vfx__op_premult = {
    sizeof(vfx_op_class), "premult", VFX_OP_POINTWISE, sizeof(premult_params),
    NULL, NULL, NULL, NULL, premult_row, NULL, NULL, NULL
};

static vfx_status
premult_new(vfx_image *in, int unpremult, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "premult: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "premult: input is NULL");
    const vfx_channels *ch = vfx_image_spec(in)->channels;
    int32_t             nc = vfx_image_n_channels(in);
    premult_params      p;
    memset(&p, 0, sizeof p);
    p.alpha = vfx_channels_find_role(ch, VFX_ROLE_ALPHA);
    p.unpremult = unpremult;
    if (nc > 64)
        return vfx__fail(VFX_ERR_ARG, "premult: more than 64 channels");
    if (p.alpha < 0) /* nothing to do, as OIIO */
        return vfx_image_crop(in, VFX_RECT_INFINITE, out);
    p.skip[p.alpha] = 1;
    int32_t z = vfx_channels_find_role(ch, VFX_ROLE_DEPTH);
    int32_t zb = vfx_channels_find_role(ch, VFX_ROLE_DEPTH_BACK);
    if (z >= 0)
        p.skip[z] = 1;
    if (zb >= 0)
        p.skip[zb] = 1;
    return vfx__node_new(&vfx__op_premult, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_premult(vfx_image *in, vfx_image **out)
{
    return premult_new(in, 0, out);
}

vfx_status
vfx_image_unpremult(vfx_image *in, vfx_image **out)
{
    return premult_new(in, 1, out);
}
