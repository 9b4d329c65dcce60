/* fixnan and fillholes, as oiiotool --fixnan and --fillholes.
 *
 * fixnan: non-finite values (NaN, Inf) become 0 (black), the mean of the finite values of the
 * same channel in the 3x3 neighbourhood inside the RoD (box3; 0 when there are none), or an
 * error naming the first pixel (error). OIIO's box3 works in place in raster order, so a
 * value fixed earlier feeds a later neighbour (and the result depends on its thread split);
 * here every pixel sees its neighbours' original values, so the two agree wherever no two
 * non-finite values of a channel touch.
 *
 * fillholes: OIIO's push-pull, built from other nodes, so it streams like them: a pyramid of
 * halvings (triangle-filter resize, then every channel divided by alpha where alpha is not 0),
 * then from the smallest level up, each level composited over the enlargement of the one
 * below it. Each level is a lazy node; the small levels are tiny and stay in the cache. */
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

/* ---- fixnan -------------------------------------------------------------------------------- */

typedef struct fixnan_params {
    int32_t mode;
} fixnan_params;

static void
fixnan_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const fixnan_params *p = vfx__node_params(n);
    (void) k;
    *need_out = p->mode == VFX_FIXNAN_BOX3 ? vfx_rect_grow(*want, 1, 1) : *want;
}

static vfx_status
fixnan_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const fixnan_params *p = vfx__node_params(n);
    const vfx_tile      *src = in[0];
    vfx_rect             rod = vfx__node_rod(vfx__node_input(n, 0));
    int32_t              nc = out->n_channels;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(src, out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, a += nc, q += nc)
            for (int32_t c = 0; c < nc; c++) {
                float v = a[c];
                if (isfinite(v) || p->mode == VFX_FIXNAN_NONE) {
                    q[c] = v;
                    continue;
                }
                if (p->mode == VFX_FIXNAN_ERROR)
                    return vfx__fail(VFX_ERR_CORRUPT, "%s value at pixel (%d, %d), "
                                     "channel %d", isnan(v) ? "NaN" : "infinite", (int) x,
                                     (int) y, (int) c);
                if (p->mode == VFX_FIXNAN_BLACK) {
                    q[c] = 0.0f;
                    continue;
                }
                float   sum = 0.0f;
                int32_t k = 0;
                for (int32_t j = VFX__MAX(y - 1, rod.y0); j <= VFX__MIN(y + 1, rod.y1 - 1); j++)
                    for (int32_t i = VFX__MAX(x - 1, rod.x0); i <= VFX__MIN(x + 1, rod.x1 - 1);
                         i++) {
                        float u = vfx__tile_at(src, i, j)[c];
                        if (isfinite(u)) {
                            sum += u;
                            k++;
                        }
                    }
                q[c] = k ? sum / (float) k : 0.0f;
            }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_fixnan = {
    sizeof(vfx_op_class), "fixnan", 0, sizeof(fixnan_params),
    NULL, fixnan_roi, fixnan_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_fixnan(vfx_image *in, vfx_fixnan mode, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "fixnan: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "fixnan: input is NULL");
    if (mode < VFX_FIXNAN_NONE || mode > VFX_FIXNAN_ERROR)
        return vfx__fail(VFX_ERR_ARG, "fixnan: unknown mode %d", (int) mode);
    fixnan_params p = { (int32_t) mode };
    return vfx__node_new(&vfx__op_fixnan, &p, sizeof p, &in, 1, NULL, out);
}

/* ---- fillholes: divide every channel (alpha too) by alpha where alpha is not 0 ------------- */

typedef struct divalpha_params {
    int32_t alpha;
} divalpha_params;

static void
divalpha_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const divalpha_params *p = vfx__node_params(n);
    int32_t                nc = vfx__node_channels(n);
    (void) x;
    (void) y;
    for (int32_t i = 0; i < n_px; i++) {
        const float *s = in + (ptrdiff_t) i * nc;
        float       *d = out + (ptrdiff_t) i * nc;
        float        a = s[p->alpha];
        for (int32_t c = 0; c < nc; c++)
            d[c] = a != 0.0f ? s[c] / a : s[c];
    }
}

const vfx_op_class vfx__op_divalpha = {
    sizeof(vfx_op_class), "divalpha", VFX_OP_POINTWISE, sizeof(divalpha_params),
    NULL, NULL, NULL, NULL, divalpha_row, NULL, NULL, NULL
};

#define PYR_MAX 40

vfx_status
vfx_image_fillholes(vfx_image *in, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "fillholes: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "fillholes: input is NULL");
    const vfx_spec *is = vfx_image_spec(in);
    int32_t         alpha = vfx_channels_find_role(is->channels, VFX_ROLE_ALPHA);
    if (alpha < 0)
        return vfx__fail(VFX_ERR_ARG, "fillholes: the image needs an alpha channel");
    if (vfx_image_n_channels(in) > 64)
        return vfx__fail(VFX_ERR_ARG, "fillholes: more than 64 channels");
    vfx_rect rod = vfx_image_rod(in);
    if (vfx_rect_is_infinite(rod) || vfx_rect_is_empty(rod))
        return vfx__fail(VFX_ERR_ARG, "fillholes: the input's RoD is empty or infinite");
    vfx_image *lev[PYR_MAX] = { NULL };
    int        n = 0;
    vfx_status s = vfx__image_window_black(in, rod, &lev[0]);
    n = 1;
    int32_t w = (int32_t) vfx_rect_width(rod), h = (int32_t) vfx_rect_height(rod);
    /* push: halve (OIIO: each level's display window at the origin) and spread */
    while (s == VFX_OK && (w > 1 || h > 1) && n < PYR_MAX) {
        w = VFX__MAX(1, w / 2);
        h = VFX__MAX(1, h / 2);
        vfx_image *r = NULL, *r2 = NULL;
        vfx_rect   box = vfx_rect_make(0, 0, w, h);
        s = vfx_image_resize(lev[n - 1], box, "triangle", 0, &r);
        if (s == VFX_OK) /* every pixel of the level is data, as OIIO's level buffers */
            s = vfx__image_window_black(r, box, &r2);
        if (s == VFX_OK) {
            divalpha_params p = { alpha };
            s = vfx__node_new(&vfx__op_divalpha, &p, sizeof p, &r2, 1, NULL, &lev[n]);
            n += s == VFX_OK;
        }
        vfx_image_unref(r);
        vfx_image_unref(r2);
    }
    /* pull: level i over the enlargement of level i + 1 (already filled) */
    vfx_image *acc = s == VFX_OK ? vfx_image_ref(lev[n - 1]) : NULL;
    for (int i = n - 2; s == VFX_OK && i >= 0; i--) {
        const vfx_spec *ls = vfx_image_spec(lev[i]);
        vfx_image      *up = NULL, *o = NULL, *c = NULL;
        s = vfx_image_resize(acc, ls->display, "triangle", 0, &up);
        if (s == VFX_OK)
            s = vfx_image_crop(up, ls->data, &c);
        if (s == VFX_OK)
            s = vfx_image_over(lev[i], c, &o);
        vfx_image_unref(up);
        vfx_image_unref(c);
        vfx_image_unref(acc);
        acc = o;
    }
    for (int i = 0; i < n; i++)
        vfx_image_unref(lev[i]);
    if (s != VFX_OK) {
        vfx_image_unref(acc);
        return s;
    }
    *out = acc;
    return VFX_OK;
}
