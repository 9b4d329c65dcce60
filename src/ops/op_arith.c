/* arith: per-pixel arithmetic of two images, channel by channel (add, sub, mul, div, min,
 * max, absdiff). As in OIIO, the result covers the union of the inputs' data windows and an
 * input reads as 0 outside its own. The inputs must have the same channel count; the result
 * has the first input's spec. Division by 0 gives 0 (OIIO's convention), not Inf. */
#include <math.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct arith_params {
    vfx_arith op;
} arith_params;

static vfx_status
arith_rod(const vfx_node *n, vfx_rect *rod_out)
{
    *rod_out = vfx_rect_union(vfx__node_rod(vfx__node_input(n, 0)),
                              vfx__node_rod(vfx__node_input(n, 1)));
    return VFX_OK;
}

static vfx_status
arith_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const arith_params *p = vfx__node_params(n);
    (void) scratch;
    int32_t nc = out->n_channels;
    int64_t w = vfx_rect_width(out->rect) * nc;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        switch (p->op) {
        case VFX_ARITH_ADD:
            for (int64_t i = 0; i < w; i++)
                q[i] = a[i] + b[i];
            break;
        case VFX_ARITH_SUB:
            for (int64_t i = 0; i < w; i++)
                q[i] = a[i] - b[i];
            break;
        case VFX_ARITH_MUL:
            for (int64_t i = 0; i < w; i++)
                q[i] = a[i] * b[i];
            break;
        case VFX_ARITH_DIV:
            for (int64_t i = 0; i < w; i++)
                q[i] = b[i] == 0.0f ? 0.0f : a[i] / b[i];
            break;
        case VFX_ARITH_MIN:
            for (int64_t i = 0; i < w; i++)
                q[i] = fminf(a[i], b[i]);
            break;
        case VFX_ARITH_MAX:
            for (int64_t i = 0; i < w; i++)
                q[i] = fmaxf(a[i], b[i]);
            break;
        case VFX_ARITH_ABSDIFF:
            for (int64_t i = 0; i < w; i++)
                q[i] = fabsf(a[i] - b[i]);
            break;
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_arith = {
    sizeof(vfx_op_class), "arith", 0, sizeof(arith_params),
    arith_rod, NULL, arith_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_arith(vfx_image *a, vfx_image *b, vfx_arith op, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "arith: out is NULL");
    *out = NULL;
    if (!a || !b)
        return vfx__fail(VFX_ERR_ARG, "arith: NULL input");
    if ((unsigned) op > VFX_ARITH_ABSDIFF)
        return vfx__fail(VFX_ERR_ARG, "arith: unknown operation %d", (int) op);
    if (vfx_image_n_channels(a) != vfx_image_n_channels(b))
        return vfx__fail(VFX_ERR_ARG, "arith: %d channels vs %d", (int) vfx_image_n_channels(a),
                         (int) vfx_image_n_channels(b));
    arith_params p = { op };
    vfx_image   *in[2] = { a, b };
    return vfx__node_new(&vfx__op_arith, &p, sizeof p, in, 2, NULL, out);
}
