/* unary: per-channel pointwise arithmetic with constants (fuses): abs, invert (1 - x on a
 * channel range), pow (x^v per channel), clamp (per-channel min and max, optionally alpha to
 * [0, 1]). Channels outside the op's mask pass through. */
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

enum { U_ABS, U_INVERT, U_POW, U_CLAMP };

typedef struct unary_params {
    int32_t kind, nc;
    uint8_t on[64]; /* channels the op applies to */
    float   a[64], b[64];
} unary_params;

static void
unary_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const unary_params *p = vfx__node_params(n);
    int32_t             nc = p->nc;
    (void) x;
    (void) y;
    for (int32_t i = 0; i < n_px; i++) {
        const float *s = in + (ptrdiff_t) i * nc;
        float       *d = out + (ptrdiff_t) i * nc;
        for (int32_t c = 0; c < nc; c++) {
            float v = s[c];
            if (p->on[c]) {
                switch (p->kind) {
                case U_ABS: v = fabsf(v); break;
                case U_INVERT: v = 1.0f - v; break;
                case U_POW: v = powf(v, p->a[c]); break;
                default: v = fminf(fmaxf(v, p->a[c]), p->b[c]); break;
                }
            }
            d[c] = v;
        }
    }
}

const vfx_op_class vfx__op_unary = {
    sizeof(vfx_op_class), "unary", VFX_OP_POINTWISE, sizeof(unary_params),
    NULL, NULL, NULL, NULL, unary_row, NULL, NULL, NULL
};

static vfx_status
unary_new(vfx_image *in, unary_params *p, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "unary op: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "unary op: input is NULL");
    p->nc = vfx_image_n_channels(in);
    if (p->nc > 64)
        return vfx__fail(VFX_ERR_ARG, "unary op: more than 64 channels");
    return vfx__node_new(&vfx__op_unary, p, sizeof *p, &in, 1, NULL, out);
}

vfx_status
vfx_image_abs(vfx_image *in, vfx_image **out)
{
    unary_params p;
    memset(&p, 0, sizeof p);
    p.kind = U_ABS;
    memset(p.on, 1, sizeof p.on);
    return unary_new(in, &p, out);
}

vfx_status
vfx_image_invert(vfx_image *in, int32_t ch_begin, int32_t ch_end, vfx_image **out)
{
    unary_params p;
    memset(&p, 0, sizeof p);
    p.kind = U_INVERT;
    for (int32_t c = ch_begin < 0 ? 0 : ch_begin; c < ch_end && c < 64; c++)
        p.on[c] = 1;
    return unary_new(in, &p, out);
}

vfx_status
vfx_image_pow(vfx_image *in, const float *v, vfx_image **out)
{
    unary_params p;
    memset(&p, 0, sizeof p);
    p.kind = U_POW;
    if (!v)
        return vfx__fail(VFX_ERR_ARG, "pow: NULL exponents");
    int32_t nc = in ? vfx_image_n_channels(in) : 0;
    for (int32_t c = 0; c < nc && c < 64; c++) {
        p.a[c] = v[c];
        p.on[c] = v[c] != 1.0f;
    }
    return unary_new(in, &p, out);
}

vfx_status
vfx_image_clamp(vfx_image *in, const float *lo, const float *hi, int clamp_alpha01,
                vfx_image **out)
{
    unary_params p;
    memset(&p, 0, sizeof p);
    p.kind = U_CLAMP;
    int32_t nc = in ? vfx_image_n_channels(in) : 0;
    for (int32_t c = 0; c < nc && c < 64; c++) {
        p.a[c] = lo ? lo[c] : -INFINITY;
        p.b[c] = hi ? hi[c] : INFINITY;
        p.on[c] = 1;
    }
    if (clamp_alpha01 && in) {
        int32_t al = vfx_channels_find_role(vfx_image_spec(in)->channels, VFX_ROLE_ALPHA);
        if (al >= 0 && al < 64) {
            p.a[al] = fmaxf(p.a[al], 0.0f);
            p.b[al] = fminf(p.b[al], 1.0f);
        }
    }
    return unary_new(in, &p, out);
}
