/* warp: resample through a 3x3 matrix (oiiotool --warp, --rotate) and through an ST map
 * (oiiotool --st_warp), with oiiotool's reconstruction filters.
 *
 * warp: the matrix maps input to output with row vectors, [x y 1] M (OIIO/Imath order). Each
 * output pixel centre goes back through M's inverse to a source point (s, t) with its
 * derivatives; the filter is widened by ds = max(1, |ds/dx|, |ds/dy|) (likewise dt, so a
 * shrinking warp is filtered, an enlarging one interpolated) and summed over the source pixels
 * it touches, normalised by the total weight. Source pixels outside the input's RoD are black
 * but keep their weight, as OIIO's black wrap does. The arithmetic is single precision, in
 * OIIO's order, so results match oiiotool to float rounding.
 *
 * RoI: an output rect's pixel centres are mapped back (corners for an affine matrix, a grid for
 * a projective one) and grown by the widest filter radius, then clipped to the input's RoD;
 * where a projective matrix sends part of the rect through the horizon (w <= 0) the whole
 * input is asked for.
 *
 * st_warp: output pixel (x, y) samples the source at (s W, t H) where (s, t) are two channels
 * of the ST image at (x, y) (W, H: the source's display size). The source position depends on
 * pixel values, so no RoI can be known before the ST tile is rendered: st_warp asks for the
 * whole source (rendered tile by tile, once, through the cache) and the ST image's own rect. */
#include <math.h>
#include <string.h>

#include "ops/filter.h"
#include "vfx/ops.h"

#define WARP_MAX_DS    64.0f  /* widest filter stretch (a 1/64 shrink); past it, resize first */
#define WARP_MAX_WIDTH 64.0f  /* widest filter */

typedef struct warp_params {
    float    m[3][3];  /* output -> input, row vectors */
    int32_t  id;       /* filter */
    float    fw;       /* filter width: the support radius on both axes, as OIIO */
    float    fh;       /* filter height (== fw but for --fit:exact=1) */
    int32_t  renorm;   /* samples outside the input's RoD carry no weight (--fit:exact=1) */
    int32_t  affine;   /* m[0][2] == m[1][2] == 0 and m[2][2] == 1 */
    int32_t  max_taps; /* per axis, for the scratch */
    float    ds_max;   /* the affine stretch, or WARP_MAX_DS */
    vfx_rect rod;
} warp_params;

static vfx_status
warp_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const warp_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

/* Source point of output point (X, Y) with its derivatives along x and y (OIIO's Dual2
 * arithmetic: a / w with the quotient rule). Where w <= 0 (behind a projective warp's horizon)
 * everything is NaN and the pixel is black; OIIO samples there too (w = 0 gives the point 0, 0;
 * w < 0 a mirrored point), which is meaningless and, with the derivatives exploding, slow. */
static void
map_point(const warp_params *p, float X, float Y, float *s, float *t, float *dsdx, float *dtdx,
          float *dsdy, float *dtdy)
{
    const float(*m)[3] = p->m; /* through p: GCC's -Wstringop-overflow misreads an array parameter */
    float a = X * m[0][0] + Y * m[1][0] + m[2][0];
    float b = X * m[0][1] + Y * m[1][1] + m[2][1];
    float w = X * m[0][2] + Y * m[1][2] + m[2][2];
    if (!(w > 0.0f)) { /* on or behind the horizon of a projective warp: no source point */
        *s = *t = *dsdx = *dtdx = *dsdy = *dtdy = NAN;
        return;
    }
    float wi = 1.0f / w, ab = a * wi, bb = b * wi;
    *s = ab;
    *t = bb;
    *dsdx = wi * (m[0][0] - ab * m[0][2]);
    *dsdy = wi * (m[1][0] - ab * m[1][2]);
    *dtdx = wi * (m[0][1] - bb * m[0][2]);
    *dtdy = wi * (m[1][1] - bb * m[1][2]);
}

static void
warp_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const warp_params *p = vfx__node_params(n);
    vfx_rect           in = vfx__node_rod(vfx__node_input(n, 0));
    (void) k;
    double lo_s = INFINITY, hi_s = -INFINITY, lo_t = INFINITY, hi_t = -INFINITY, d = 1.0;
    int    steps = p->affine ? 1 : 8;
    for (int j = 0; j <= steps; j++)
        for (int i = 0; i <= steps; i++) {
            double X = want->x0 + 0.5 + (double) (want->x1 - want->x0 - 1) * i / steps;
            double Y = want->y0 + 0.5 + (double) (want->y1 - want->y0 - 1) * j / steps;
            double w = X * p->m[0][2] + Y * p->m[1][2] + p->m[2][2];
            if (!(w > 0.0)) { /* through the horizon: anything may be needed */
                *need_out = in;
                return;
            }
            double s = (X * p->m[0][0] + Y * p->m[1][0] + p->m[2][0]) / w;
            double t = (X * p->m[0][1] + Y * p->m[1][1] + p->m[2][1]) / w;
            lo_s = fmin(lo_s, s);
            hi_s = fmax(hi_s, s);
            lo_t = fmin(lo_t, t);
            hi_t = fmax(hi_t, t);
            if (!p->affine) {
                float s_, t_, a, b, c, e;
                map_point(p, (float) X, (float) Y, &s_, &t_, &a, &b, &c, &e);
                d = fmax(d, fmax(fmax(fabs(a), fabs(b)), fmax(fabs(c), fabs(e))) * 1.5);
            }
        }
    if (p->affine)
        d = p->ds_max;
    d = fmin(d, WARP_MAX_DS);
    double r = 0.5 * d * fmax(p->fw, p->fh) + 2.0; /* + rounding margin */
    double x0 = floor(lo_s - r), x1 = ceil(hi_s + r), y0 = floor(lo_t - r), y1 = ceil(hi_t + r);
    vfx_rect need = { (int32_t) fmax(x0, (double) in.x0), (int32_t) fmax(y0, (double) in.y0),
                      (int32_t) fmin(x1, (double) in.x1), (int32_t) fmin(y1, (double) in.y1) };
    if (need.x1 <= need.x0 || need.y1 <= need.y0)
        need = (vfx_rect){ in.x0, in.y0, in.x0, in.y0 };
    *need_out = need;
}

static size_t
warp_scratch(const vfx_node *n, const vfx_rect *tile)
{
    const warp_params *p = vfx__node_params(n);
    (void) tile;
    return (size_t) p->max_taps * 2 * sizeof(float) + 64 * sizeof(float);
}

/* Input pixel (x, y) of the tile, or NULL outside it (black). */
static inline const float *
px_at(const vfx_tile *t, int32_t x, int32_t y)
{
    if (!t->p || x < t->rect.x0 || x >= t->rect.x1 || y < t->rect.y0 || y >= t->rect.y1)
        return NULL;
    return vfx__tile_at(t, x, y);
}

/* OIIO's filtered sample at (s, t): filter @p id of size fw x fh stretched by (ds, dt), over
 * source pixels [floor(s - r), ceil(s + r)). Writes nc values. */
static void
filtered_sample(const warp_params *p, const vfx_tile *src, float s, float t, float ds,
                float dt, float *wx, float *wy, float *sum, float *q, int32_t nc)
{
    float   dsi = 1.0f / ds, dti = 1.0f / dt;
    float   rs = 0.5f * ds * p->fw, rt = 0.5f * dt * p->fw;
    int32_t s0 = (int32_t) floorf(s - rs), s1 = (int32_t) ceilf(s + rs);
    int32_t t0 = (int32_t) floorf(t - rt), t1 = (int32_t) ceilf(t + rt);
    int     sep = vfx__filter_separable(p->id);
    if (s1 - s0 > p->max_taps)
        s1 = s0 + p->max_taps;
    if (t1 - t0 > p->max_taps)
        t1 = t0 + p->max_taps;
    if (sep) {
        for (int32_t i = s0; i < s1; i++)
            wx[i - s0] = vfx__filter_1d(p->id, p->fw, dsi * ((float) i + 0.5f - s));
        for (int32_t j = t0; j < t1; j++)
            wy[j - t0] = vfx__filter_1d(p->id, p->fh, dti * ((float) j + 0.5f - t));
    }
    for (int32_t c = 0; c < nc; c++)
        sum[c] = 0.0f;
    float total = 0.0f;
    for (int32_t j = t0; j < t1; j++)
        for (int32_t i = s0; i < s1; i++) {
            float w = sep ? wx[i - s0] * wy[j - t0]
                          : vfx__filter_2d(p->id, p->fw, p->fh, dsi * ((float) i + 0.5f - s),
                                           dti * ((float) j + 0.5f - t));
            const float *a = px_at(src, i, j); /* NULL: outside the input's RoD */
            if (a)
                for (int32_t c = 0; c < nc; c++)
                    sum[c] += w * a[c];
            if (a || !p->renorm)
                total += w;
        }
    int ok = p->renorm ? total > 0.0f : total != 0.0f; /* renorm: only negative lobes -> 0 */
    for (int32_t c = 0; c < nc; c++)
        q[c] = ok ? sum[c] / total : 0.0f;
}

static vfx_status
warp_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const warp_params *p = vfx__node_params(n);
    int32_t            nc = out->n_channels;
    float             *wx = scratch, *wy = wx + p->max_taps, *sum = wy + p->max_taps;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, q += nc) {
            float s, t, sx, tx, sy, ty;
            map_point(p, (float) x + 0.5f, (float) y + 0.5f, &s, &t, &sx, &tx, &sy, &ty);
            float ds = fmaxf(1.0f, fmaxf(fabsf(sx), fabsf(sy)));
            float dt = fmaxf(1.0f, fmaxf(fabsf(tx), fabsf(ty)));
            ds = fminf(ds, WARP_MAX_DS); /* NaN-safe: fminf/fmaxf drop a NaN */
            dt = fminf(dt, WARP_MAX_DS);
            if (!isfinite(s) || !isfinite(t) || fabsf(s) > 1e9f || fabsf(t) > 1e9f) {
                memset(q, 0, (size_t) nc * sizeof(float));
                continue;
            }
            filtered_sample(p, in[0], s, t, ds, dt, wx, wy, sum, q, nc);
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_warp = {
    sizeof(vfx_op_class), "warp", 0, sizeof(warp_params),
    warp_rod, warp_roi, warp_render, warp_scratch, NULL, NULL, NULL, NULL
};

/* Filter by name (NULL or "" = lanczos3) and width (0 = its default); sets the message. */
static vfx_status
pick_filter(const char *what, const char *filter, float width, int32_t *id, float *fw)
{
    if (!filter || !*filter)
        filter = "lanczos3";
    *id = vfx__filter_find(filter);
    if (*id < 0)
        return vfx__fail(VFX_ERR_ARG, "%s: unknown filter \"%s\"", what, filter);
    *fw = width > 0.0f ? width : vfx__filter_width(*id);
    if (!(*fw <= WARP_MAX_WIDTH))
        return vfx__fail(VFX_ERR_ARG, "%s: filter width %g over %g", what, (double) *fw,
                         (double) WARP_MAX_WIDTH);
    return VFX_OK;
}

/* The inverse of a 3x3 matrix in float (affine matrices by their 2x2 block, as Imath). */
static int
invert33(const float a[3][3], float o[3][3])
{
    if (a[0][2] == 0.0f && a[1][2] == 0.0f && a[2][2] == 1.0f) {
        float r = a[0][0] * a[1][1] - a[1][0] * a[0][1];
        if (r == 0.0f || !isfinite(r))
            return -1;
        o[0][0] = a[1][1] / r;
        o[0][1] = -a[0][1] / r;
        o[1][0] = -a[1][0] / r;
        o[1][1] = a[0][0] / r;
        o[0][2] = o[1][2] = 0.0f;
        o[2][2] = 1.0f;
        o[2][0] = -a[2][0] * o[0][0] - a[2][1] * o[1][0];
        o[2][1] = -a[2][0] * o[0][1] - a[2][1] * o[1][1];
        return 0;
    }
    float s[3][3] = {
        { a[1][1] * a[2][2] - a[2][1] * a[1][2], a[2][1] * a[0][2] - a[0][1] * a[2][2],
          a[0][1] * a[1][2] - a[1][1] * a[0][2] },
        { a[2][0] * a[1][2] - a[1][0] * a[2][2], a[0][0] * a[2][2] - a[2][0] * a[0][2],
          a[1][0] * a[0][2] - a[0][0] * a[1][2] },
        { a[1][0] * a[2][1] - a[2][0] * a[1][1], a[2][0] * a[0][1] - a[0][0] * a[2][1],
          a[0][0] * a[1][1] - a[1][0] * a[0][1] },
    };
    float r = a[0][0] * s[0][0] + a[0][1] * s[1][0] + a[0][2] * s[2][0];
    if (r == 0.0f || !isfinite(r))
        return -1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            o[i][j] = s[i][j] / r;
    return 0;
}

vfx_status
vfx_image_warp(vfx_image *in, const float m[9], const char *filter, float filter_width,
               int recompute_roi, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "warp: out is NULL");
    *out = NULL;
    if (!in || !m)
        return vfx__fail(VFX_ERR_ARG, "warp: NULL input or matrix");
    warp_params p;
    memset(&p, 0, sizeof p);
    VFX_TRY(pick_filter("warp", filter, filter_width, &p.id, &p.fw));
    p.fh = p.fw;
    float M[3][3];
    for (int i = 0; i < 9; i++) {
        if (!isfinite(m[i]))
            return vfx__fail(VFX_ERR_ARG, "warp: matrix element %d is not finite", i);
        M[i / 3][i % 3] = m[i];
    }
    if (invert33(M, p.m) != 0)
        return vfx__fail(VFX_ERR_ARG, "warp: the matrix is singular");
    vfx_rect rod = vfx_image_rod(in);
    if (vfx_rect_is_infinite(rod))
        return vfx__fail(VFX_ERR_ARG, "warp: the input's RoD is infinite (crop it first)");
    p.affine = p.m[0][2] == 0.0f && p.m[1][2] == 0.0f && p.m[2][2] == 1.0f;
    p.ds_max = WARP_MAX_DS;
    if (p.affine) {
        float ds = fmaxf(1.0f, fmaxf(fabsf(p.m[0][0]), fabsf(p.m[1][0])));
        float dt = fmaxf(1.0f, fmaxf(fabsf(p.m[0][1]), fabsf(p.m[1][1])));
        p.ds_max = fminf(fmaxf(ds, dt), WARP_MAX_DS);
    }
    p.max_taps = (int32_t) ceilf(p.ds_max * p.fw) + 3;
    p.rod = rod;
    if (recompute_roi && !vfx_rect_is_empty(rod)) { /* OIIO: the bounding box of the mapped
                                                       corner pixel centres */
        float xs[2] = { (float) rod.x0 + 0.5f, (float) rod.x1 - 0.5f };
        float ys[2] = { (float) rod.y0 + 0.5f, (float) rod.y1 - 0.5f };
        float lx = INFINITY, hx = -INFINITY, ly = INFINITY, hy = -INFINITY;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                float a = xs[i] * M[0][0] + ys[j] * M[1][0] + M[2][0];
                float b = xs[i] * M[0][1] + ys[j] * M[1][1] + M[2][1];
                float w = xs[i] * M[0][2] + ys[j] * M[1][2] + M[2][2];
                if (w != 1.0f && w != 0.0f) {
                    a /= w;
                    b /= w;
                }
                lx = fminf(lx, a), hx = fmaxf(hx, a), ly = fminf(ly, b), hy = fmaxf(hy, b);
            }
        if (!(fabsf(lx) < 1e9f && fabsf(hx) < 1e9f && fabsf(ly) < 1e9f && fabsf(hy) < 1e9f))
            return vfx__fail(VFX_ERR_ARG, "warp: the warped data window is unbounded");
        p.rod = (vfx_rect){ (int32_t) floorf(lx), (int32_t) floorf(ly),
                            (int32_t) floorf(hx) + 1, (int32_t) floorf(hy) + 1 };
    }
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        spec.data = p.rod;
        s = vfx__node_new(&vfx__op_warp, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}

/* --fit:exact=1 (OIIO 2.4's fit with exact): scale by @p scale and shift by (xoff, yoff) into
 * @p box, which becomes both windows; filter @p filter (NULL: by the enlargement, as resize)
 * of width fw * max(1, xr) and height fw * max(1, yr), (xr, yr) being the box over the source;
 * source pixels outside the input's data window are black. */
vfx_status
vfx__fit_exact(vfx_image *in, vfx_rect box, float scale, float xoff, float yoff,
               const char *filter, float xr, float yr, vfx_image **out)
{
    warp_params p;
    memset(&p, 0, sizeof p);
    if (!filter || !*filter)
        filter = xr > 1.0f || yr > 1.0f ? "blackman-harris" : "lanczos3";
    VFX_TRY(pick_filter("fit", filter, 0.0f, &p.id, &p.fw));
    p.fh = p.fw * fmaxf(1.0f, yr);
    p.fw *= fmaxf(1.0f, xr);
    if (!(scale > 0.0f) || !isfinite(scale))
        return vfx__fail(VFX_ERR_ARG, "fit: bad scale %g", (double) scale);
    if (!(p.fw <= WARP_MAX_WIDTH && p.fh <= WARP_MAX_WIDTH)) /* OIIO widens it by the ratio */
        return vfx__fail(VFX_ERR_ARG, "fit: exact=1 enlarging %gx needs a filter %g wide "
                         "(at most %g; use exact=0)", (double) fmaxf(xr, yr),
                         (double) fmaxf(p.fw, p.fh), (double) WARP_MAX_WIDTH);
    float M[3][3] = { { scale, 0, 0 }, { 0, scale, 0 }, { xoff, yoff, 1 } };
    if (invert33(M, p.m) != 0)
        return vfx__fail(VFX_ERR_ARG, "fit: the scale is singular");
    p.affine = 1;
    p.renorm = 1; /* as OIIO 2.4's fit: the result is opaque wherever the filter touches */
    p.ds_max = fminf(fmaxf(1.0f, fabsf(p.m[0][0])), WARP_MAX_DS);
    p.max_taps = (int32_t) ceilf(p.ds_max * fmaxf(p.fw, p.fh)) + 3;
    p.rod = box;
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        spec.data = box;
        spec.display = box;
        s = vfx__node_new(&vfx__op_warp, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}

vfx_status
vfx_image_rotate(vfx_image *in, float degrees, const float *center, const char *filter,
                 float filter_width, int recompute_roi, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "rotate: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "rotate: input is NULL");
    if (!isfinite(degrees))
        return vfx__fail(VFX_ERR_ARG, "rotate: the angle is not finite");
    float cx, cy;
    if (center) {
        cx = center[0];
        cy = center[1];
    } else { /* the centre of the display window */
        vfx_rect d = vfx_image_spec(in)->display;
        cx = 0.5f * (float) ((int64_t) d.x0 + d.x1);
        cy = 0.5f * (float) ((int64_t) d.y0 + d.y1);
    }
    /* M = T(-c) R T(c) with row vectors, in float as oiiotool builds it */
    float r = degrees * (float) (3.14159265358979323846 / 180.0);
    float c = cosf(r), sn = sinf(r);
    float m[9] = { c, sn, 0.0f, -sn, c, 0.0f, 0.0f, 0.0f, 1.0f };
    m[6] = -cx * c + -cy * -sn + cx;
    m[7] = -cx * sn + -cy * c + cy;
    return vfx_image_warp(in, m, filter, filter_width, recompute_roi, out);
}

/* ---- st_warp -------------------------------------------------------------------------------- */

typedef struct st_params {
    int32_t  id;
    float    fw;
    int32_t  chan_s, chan_t, flip_s, flip_t;
    int32_t  rad_x, rad_y; /* integer filter radii in source pixels */
    float    src_w, src_h; /* source display size */
    vfx_rect src_rod, st_rod;
} st_params;

static void
st_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const st_params *p = vfx__node_params(n);
    *need_out = k == 0 ? p->src_rod : *want;
}

static size_t
st_scratch(const vfx_node *n, const vfx_rect *tile)
{
    (void) n;
    (void) tile;
    return 64 * sizeof(float);
}

static vfx_status
st_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const st_params *p = vfx__node_params(n);
    const vfx_tile  *src = in[0], *st = in[1];
    int32_t          nc = out->n_channels;
    float           *sum = scratch;
    int              sep = vfx__filter_separable(p->id);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, q += nc) {
            memset(q, 0, (size_t) nc * sizeof(float));
            if (x < p->st_rod.x0 || x >= p->st_rod.x1 || y < p->st_rod.y0 || y >= p->st_rod.y1)
                continue; /* the warp is defined only where the ST image has data */
            const float *a = vfx__tile_at(st, x, y);
            float        s = a[p->chan_s], t = a[p->chan_t];
            if (p->flip_s)
                s = 1.0f - s;
            if (p->flip_t)
                t = 1.0f - t;
            float sx = s * p->src_w, sy = t * p->src_h;
            if (!(fabsf(sx) < 1e9f && fabsf(sy) < 1e9f))
                continue; /* NaN or far away: black */
            /* OIIO: the window [floor(sx - r), ceil(sx + r)] clamped to the data window, its
             * far end included (and reading black there) */
            int32_t x0 = (int32_t) floorf(sx - (float) p->rad_x);
            int32_t x1 = (int32_t) ceilf(sx + (float) p->rad_x);
            int32_t y0 = (int32_t) floorf(sy - (float) p->rad_y);
            int32_t y1 = (int32_t) ceilf(sy + (float) p->rad_y);
            x0 = VFX__MAX(p->src_rod.x0, VFX__MIN(x0, p->src_rod.x1));
            x1 = VFX__MAX(p->src_rod.x0, VFX__MIN(x1, p->src_rod.x1));
            y0 = VFX__MAX(p->src_rod.y0, VFX__MIN(y0, p->src_rod.y1));
            y1 = VFX__MAX(p->src_rod.y0, VFX__MIN(y1, p->src_rod.y1));
            for (int32_t c = 0; c < nc; c++)
                sum[c] = 0.0f;
            float total = 0.0f;
            for (int32_t j = y0; j <= y1; j++) {
                float fy = sep ? vfx__filter_1d(p->id, p->fw, (float) j - sy + 0.5f) : 0.0f;
                for (int32_t i = x0; i <= x1; i++) {
                    float w = sep ? vfx__filter_1d(p->id, p->fw, (float) i - sx + 0.5f) * fy
                                  : vfx__filter_2d(p->id, p->fw, p->fw, (float) i - sx + 0.5f,
                                                   (float) j - sy + 0.5f);
                    total += w;
                    const float *v = px_at(src, i, j);
                    if (v)
                        for (int32_t c = 0; c < nc; c++)
                            sum[c] += v[c] * w;
                }
            }
            if (total > 0.0f)
                for (int32_t c = 0; c < nc; c++)
                    q[c] = sum[c] / total;
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_st_warp = {
    sizeof(vfx_op_class), "st_warp", 0, sizeof(st_params),
    NULL, st_roi, st_render, st_scratch, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_st_warp(vfx_image *in, vfx_image *st, const char *filter, float filter_width,
                  int32_t chan_s, int32_t chan_t, int flip_s, int flip_t, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "st_warp: out is NULL");
    *out = NULL;
    if (!in || !st)
        return vfx__fail(VFX_ERR_ARG, "st_warp: NULL input");
    st_params p;
    memset(&p, 0, sizeof p);
    VFX_TRY(pick_filter("st_warp", filter, filter_width, &p.id, &p.fw));
    int32_t nst = vfx_image_n_channels(st);
    if (chan_s < 0 || chan_s >= nst || chan_t < 0 || chan_t >= nst)
        return vfx__fail(VFX_ERR_ARG, "st_warp: channel %d or %d out of range (the ST image has "
                         "%d)", (int) chan_s, (int) chan_t, (int) nst);
    if (vfx_image_n_channels(in) > 64)
        return vfx__fail(VFX_ERR_ARG, "st_warp: more than 64 channels");
    const vfx_spec *is = vfx_image_spec(in);
    p.src_rod = vfx_image_rod(in);
    p.st_rod = vfx_image_rod(st);
    if (vfx_rect_is_infinite(p.src_rod))
        return vfx__fail(VFX_ERR_ARG, "st_warp: the input's RoD is infinite (crop it first)");
    p.chan_s = chan_s;
    p.chan_t = chan_t;
    p.flip_s = flip_s != 0;
    p.flip_t = flip_t != 0;
    p.src_w = (float) vfx_rect_width(is->display);
    p.src_h = (float) vfx_rect_height(is->display);
    if (!(p.src_w > 0.0f) || !(p.src_h > 0.0f))
        return vfx__fail(VFX_ERR_ARG, "st_warp: empty display window");
    /* the output keeps the input's display size, so the filter is not stretched */
    p.rad_x = (int32_t) ceilf(p.fw / 2.0f);
    p.rad_y = p.rad_x;
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, is);
    if (s == VFX_OK) {
        spec.data = p.src_rod;
        vfx_image *ins[2] = { in, st };
        s = vfx__node_new(&vfx__op_st_warp, &p, sizeof p, ins, 2, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}
