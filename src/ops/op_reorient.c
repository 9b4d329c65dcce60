/* reorient: integer re-indexing of pixels, out(x, y) = in(m0 x + m1 y + m2, m3 x + m4 y + m5)
 * with m0..m1, m3..m4 a signed permutation: flip, flop, rotate90/180/270, transpose, and
 * translation (origin, cut). The RoD is the input's mapped through the inverse; the RoI of
 * a rect is its image under the map. The display window is set by each constructor, as
 * oiiotool does: flips keep it, rotate90/270 and transpose swap its size (rotations keep its
 * origin, transpose swaps it). */
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct reo_params {
    int32_t  m[6];
    vfx_rect rod;
} reo_params;

/* Bounding box of rect r (pixels) under the map m. */
static vfx_rect
map_rect(const int32_t *m, vfx_rect r)
{
    int32_t xs[2] = { r.x0, r.x1 - 1 }, ys[2] = { r.y0, r.y1 - 1 };
    vfx_rect o = { INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            int32_t x = m[0] * xs[i] + m[1] * ys[j] + m[2];
            int32_t y = m[3] * xs[i] + m[4] * ys[j] + m[5];
            o.x0 = x < o.x0 ? x : o.x0;
            o.y0 = y < o.y0 ? y : o.y0;
            o.x1 = x + 1 > o.x1 ? x + 1 : o.x1;
            o.y1 = y + 1 > o.y1 ? y + 1 : o.y1;
        }
    return o;
}

static vfx_status
reo_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const reo_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

static void
reo_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const reo_params *p = vfx__node_params(n);
    (void) k;
    *need_out = map_rect(p->m, *want);
}

static vfx_status
reo_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const reo_params *p = vfx__node_params(n);
    const vfx_tile   *src = in[0];
    int32_t           nc = out->n_channels;
    size_t            px = (size_t) nc * sizeof(float);
    int64_t           w = vfx_rect_width(out->rect);
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float  *d = vfx__tile_at(out, out->rect.x0, y);
        int32_t sx = p->m[0] * out->rect.x0 + p->m[1] * y + p->m[2];
        int32_t sy = p->m[3] * out->rect.x0 + p->m[4] * y + p->m[5];
        if (p->m[0] == 1 && p->m[3] == 0) { /* rows stay rows, same direction */
            memcpy(d, vfx__tile_at(src, sx, sy), (size_t) w * px);
            continue;
        }
        const float *s = vfx__tile_at(src, sx, sy);
        ptrdiff_t    step = (ptrdiff_t) p->m[0] * nc + (ptrdiff_t) p->m[3] * src->stride;
        for (int64_t i = 0; i < w; i++, s += step)
            for (int32_t c = 0; c < nc; c++)
                d[i * nc + c] = s[c];
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_reorient = {
    sizeof(vfx_op_class), "reorient", 0, sizeof(reo_params),
    reo_rod, reo_roi, reo_render, NULL, NULL, NULL, NULL, NULL
};

/* out(x, y) = in(m ...); @p inv is the inverse map (input -> output) for the RoD. */
static vfx_status
reo_new(vfx_image *in, const int32_t m[6], const int32_t inv[6], vfx_rect display,
        const vfx_rect *force_rod, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "reorient: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "reorient: input is NULL");
    vfx_rect rod = vfx_image_rod(in);
    if (vfx_rect_is_infinite(rod))
        return vfx__fail(VFX_ERR_ARG, "reorient: the input's RoD is infinite");
    reo_params p;
    memcpy(p.m, m, sizeof p.m);
    p.rod = force_rod ? *force_rod : vfx_rect_is_empty(rod) ? rod : map_rect(inv, rod);
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        spec.data = p.rod;
        spec.display = display;
        s = vfx__node_new(&vfx__op_reorient, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}

typedef enum { FLIP, FLOP, ROT90, ROT180, ROT270, TRANSPOSE } reo_kind;

static vfx_status
reo_kind_new(vfx_image *in, reo_kind k, vfx_image **out)
{
    if (!in)
        return reo_new(in, NULL, NULL, VFX_RECT_INFINITE, NULL, out);
    vfx_rect F = vfx_image_spec(in)->display;
    int32_t  W = (int32_t) vfx_rect_width(F), H = (int32_t) vfx_rect_height(F);
    int32_t  fy = F.y0 + F.y1 - 1, fx = F.x0 + F.x1 - 1;
    vfx_rect D = F;
    int32_t  m[6], inv[6];
    switch (k) {
    case FLIP: /* in(x, fy - y) */
        memcpy(m, (int32_t[6]){ 1, 0, 0, 0, -1, fy }, sizeof m);
        memcpy(inv, m, sizeof m);
        break;
    case FLOP:
        memcpy(m, (int32_t[6]){ -1, 0, fx, 0, 1, 0 }, sizeof m);
        memcpy(inv, m, sizeof m);
        break;
    case ROT180:
        memcpy(m, (int32_t[6]){ -1, 0, fx, 0, -1, fy }, sizeof m);
        memcpy(inv, m, sizeof m);
        break;
    case ROT90: /* clockwise: out(x, y) = in(y, F.x0 + H - 1 - x); origin kept. With a display
                 * origin off the diagonal OIIO's pixels sit (F.x0 - F.y0) off its data window;
                 * we do the same, to match it. */
        memcpy(m, (int32_t[6]){ 0, 1, 0, -1, 0, F.x0 + H - 1 }, sizeof m);
        memcpy(inv, (int32_t[6]){ 0, -1, F.y1 - 1, 1, 0, 0 }, sizeof inv);
        D = vfx_rect_make(F.x0, F.y0, H, W);
        break;
    case ROT270: /* out(x, y) = in(F.y0 + W - 1 - y, x) (OIIO's offset, as rotate90) */
        memcpy(m, (int32_t[6]){ 0, -1, F.y0 + W - 1, 1, 0, 0 }, sizeof m);
        memcpy(inv, (int32_t[6]){ 0, 1, 0, -1, 0, F.x1 - 1 }, sizeof inv);
        D = vfx_rect_make(F.x0, F.y0, H, W);
        break;
    case TRANSPOSE:
        memcpy(m, (int32_t[6]){ 0, 1, 0, 1, 0, 0 }, sizeof m);
        memcpy(inv, m, sizeof m);
        D = (vfx_rect){ F.y0, F.x0, F.y1, F.x1 };
        break;
    }
    return reo_new(in, m, inv, D, NULL, out);
}

vfx_status vfx_image_flip(vfx_image *in, vfx_image **out) { return reo_kind_new(in, FLIP, out); }
vfx_status vfx_image_flop(vfx_image *in, vfx_image **out) { return reo_kind_new(in, FLOP, out); }
vfx_status vfx_image_rotate90(vfx_image *in, vfx_image **out) { return reo_kind_new(in, ROT90, out); }
vfx_status vfx_image_rotate180(vfx_image *in, vfx_image **out) { return reo_kind_new(in, ROT180, out); }
vfx_status vfx_image_rotate270(vfx_image *in, vfx_image **out) { return reo_kind_new(in, ROT270, out); }
vfx_status vfx_image_transpose(vfx_image *in, vfx_image **out) { return reo_kind_new(in, TRANSPOSE, out); }

vfx_status
vfx_image_translate(vfx_image *in, int32_t dx, int32_t dy, vfx_rect display, vfx_image **out)
{
    int32_t m[6] = { 1, 0, -dx, 0, 1, -dy }, inv[6] = { 1, 0, dx, 0, 1, dy };
    return reo_new(in, m, inv, display, NULL, out);
}

vfx_status
vfx_image_cut(vfx_image *in, vfx_rect rect, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "cut: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "cut: input is NULL");
    vfx_image *c = NULL;
    vfx_status s = vfx_image_crop(in, rect, &c);
    if (s != VFX_OK)
        return s;
    vfx_rect d = vfx_rect_make(0, 0, (int32_t) vfx_rect_width(rect),
                               (int32_t) vfx_rect_height(rect));
    /* the whole rect is data (black where the input has none), as oiiotool --cut */
    int32_t m[6] = { 1, 0, rect.x0, 0, 1, rect.y0 }, inv[6] = { 1, 0, -rect.x0, 0, 1, -rect.y0 };
    s = reo_new(c, m, inv, d, &d, out);
    vfx_image_unref(c);
    return s;
}
