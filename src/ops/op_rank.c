/* rank: order filters over a window, as oiiotool --median, --dilate, --erode. The window of
 * output pixel x spans input pixels x + lo .. x + hi (per axis); only pixels inside the input's
 * RoD count (the window shrinks at the borders, as OIIO's "exists" test). median takes the
 * upper middle of the values per channel; dilate the maximum, erode the minimum (separable:
 * a row pass into scratch, then a column pass; an empty window gives -+FLT_MAX, as OIIO). The RoD is the input's; the RoI is the tile
 * grown by the window. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

#define RANK_MAX 1024 /* widest window, per axis */

enum { RANK_MEDIAN, RANK_DILATE, RANK_ERODE };

typedef struct rank_params {
    int32_t kind;
    int32_t lo_x, hi_x, lo_y, hi_y; /* window offsets, lo <= 0 <= hi */
} rank_params;

static void
rank_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const rank_params *p = vfx__node_params(n);
    (void) k;
    *need_out = (vfx_rect){ want->x0 + p->lo_x, want->y0 + p->lo_y, want->x1 + p->hi_x,
                            want->y1 + p->hi_y };
}

static size_t
rank_scratch(const vfx_node *n, const vfx_rect *tile)
{
    const rank_params *p = vfx__node_params(n);
    size_t nc = (size_t) vfx__node_channels(n);
    if (p->kind == RANK_MEDIAN)
        return (size_t) (p->hi_x - p->lo_x + 1) * (size_t) (p->hi_y - p->lo_y + 1) *
               sizeof(float);
    return (size_t) vfx_rect_width(*tile) * (size_t) (vfx_rect_height(*tile) + p->hi_y - p->lo_y) *
           nc * sizeof(float);
}

/* The k-th smallest of v[0 .. n) (Hoare's selection; reorders v). NaNs sort as largest. */
static float
select_kth(float *v, int32_t n, int32_t k)
{
    int32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        float   pivot = v[lo + (hi - lo) / 2];
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (pivot < v[j])
                j--;
            if (i <= j) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

static vfx_status
rank_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const rank_params *p = vfx__node_params(n);
    const vfx_tile    *src = in[0];
    vfx_rect           rod = vfx__node_rod(vfx__node_input(n, 0));
    int32_t            nc = out->n_channels;
    vfx_rect           o = out->rect;
    if (p->kind == RANK_MEDIAN) {
        float *v = scratch;
        for (int32_t y = o.y0; y < o.y1; y++) {
            int32_t y0 = VFX__MAX(y + p->lo_y, rod.y0), y1 = VFX__MIN(y + p->hi_y + 1, rod.y1);
            for (int32_t x = o.x0; x < o.x1; x++) {
                int32_t x0 = VFX__MAX(x + p->lo_x, rod.x0);
                int32_t x1 = VFX__MIN(x + p->hi_x + 1, rod.x1);
                float  *q = vfx__tile_at(out, x, y);
                for (int32_t c = 0; c < nc; c++) {
                    int32_t k = 0;
                    for (int32_t j = y0; j < y1; j++) {
                        const float *a = vfx__tile_at(src, x0, j) + c;
                        for (int32_t i = x0; i < x1; i++, a += nc)
                            v[k++] = isnan(*a) ? INFINITY : *a;
                    }
                    q[c] = k ? select_kth(v, k, k / 2) : 0.0f;
                }
            }
        }
        return VFX_OK;
    }
    /* dilate / erode: rows y + lo_y .. y + hi_y of the tile's span, clipped to the RoD */
    int     mx = p->kind == RANK_DILATE;
    int32_t w = (int32_t) vfx_rect_width(o);
    int32_t r0 = VFX__MAX(o.y0 + p->lo_y, rod.y0), r1 = VFX__MIN(o.y1 + p->hi_y, rod.y1);
    float  *h = scratch;
    for (int32_t r = r0; r < r1; r++) {
        float *d = h + (ptrdiff_t) (r - r0) * w * nc;
        for (int32_t x = o.x0; x < o.x1; x++, d += nc) {
            int32_t      x0 = VFX__MAX(x + p->lo_x, rod.x0);
            int32_t      x1 = VFX__MIN(x + p->hi_x + 1, rod.x1);
            const float *a = vfx__tile_at(src, x0, r);
            for (int32_t c = 0; c < nc; c++)
                d[c] = mx ? -FLT_MAX : FLT_MAX;
            for (int32_t i = x0; i < x1; i++, a += nc)
                for (int32_t c = 0; c < nc; c++)
                    d[c] = mx ? (a[c] > d[c] ? a[c] : d[c]) : (a[c] < d[c] ? a[c] : d[c]);
        }
    }
    for (int32_t y = o.y0; y < o.y1; y++) {
        int32_t y0 = VFX__MAX(y + p->lo_y, rod.y0), y1 = VFX__MIN(y + p->hi_y + 1, rod.y1);
        float  *q = vfx__tile_at(out, o.x0, y);
        for (int32_t i = 0; i < w * nc; i++) {
            float v = mx ? -FLT_MAX : FLT_MAX;
            for (int32_t j = y0; j < y1; j++) {
                float a = h[(ptrdiff_t) (j - r0) * w * nc + i];
                v = mx ? (a > v ? a : v) : (a < v ? a : v);
            }
            q[i] = v;
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_rank = {
    sizeof(vfx_op_class), "rank", 0, sizeof(rank_params),
    NULL, rank_roi, rank_render, rank_scratch, NULL, NULL, NULL, NULL
};

static vfx_status
rank_new(const char *what, int kind, vfx_image *in, int32_t width, int32_t height,
         vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "%s: input is NULL", what);
    if (width < 1)
        width = 1;
    if (height < 1)
        height = width;
    if (width > RANK_MAX || height > RANK_MAX)
        return vfx__fail(VFX_ERR_ARG, "%s: window %dx%d over %dx%d", what, (int) width,
                         (int) height, RANK_MAX, RANK_MAX);
    if (vfx_rect_is_infinite(vfx_image_rod(in)))
        return vfx__fail(VFX_ERR_ARG, "%s: the input's RoD is infinite (crop it first)", what);
    /* OIIO: the window is w wide starting max(1, w / 2) to the left (so a 1 x 1 window is the
     * left neighbour) */
    int32_t     hx = VFX__MAX(1, width / 2), hy = VFX__MAX(1, height / 2);
    rank_params p = { kind, -hx, -hx + width - 1, -hy, -hy + height - 1 };
    return vfx__node_new(&vfx__op_rank, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_median(vfx_image *in, int32_t width, int32_t height, vfx_image **out)
{
    return rank_new("median", RANK_MEDIAN, in, width, height, out);
}

vfx_status
vfx_image_dilate(vfx_image *in, int32_t width, int32_t height, vfx_image **out)
{
    return rank_new("dilate", RANK_DILATE, in, width, height, out);
}

vfx_status
vfx_image_erode(vfx_image *in, int32_t width, int32_t height, vfx_image **out)
{
    return rank_new("erode", RANK_ERODE, in, width, height, out);
}
