/* Statistics sinks with OpenImageIO's meanings (ImageBufAlgo isConstantColor, isMonochrome,
 * color_count, color_range_check, nonzero_region, histogram): each pulls the image in tiles
 * on the pool and keeps only counters, so any image size streams. Counts are sums of per-tile
 * counts (order-free), so results do not depend on the thread count.
 * The region is the sink options' region (default the data window, as OIIO's default ROI). */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "graph/graph_int.h"
#include "vfx/ops.h"

/* Region of a stats sink: REGION / DISPLAY flag honoured, else the data window. */
static vfx_status
stats_region(const vfx_node *n, const vfx_sink_options *opt, vfx_rect *out)
{
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    if (opt && VFX__HAS(opt, vfx_sink_options, flags) && (opt->flags & VFX_SINK_REGION))
        return vfx__sink_region(n, opt, out);
    o.flags = VFX_SINK_DATA_WINDOW;
    return vfx__sink_region(n, &o, out);
}

static vfx_status
run_sink(vfx_image *im, const vfx_sink_options *opt, vfx_rect *region_out,
         vfx_status (*consume)(void *, int64_t, const vfx_tile *), void *ctx,
         int64_t *n_tiles_out, void **parts, size_t part_bytes)
{
    vfx_rect region;
    VFX_TRY(stats_region(im, opt, &region));
    vfx__sink s;
    vfx__sink_setup(&s, im, region, opt);
    if (n_tiles_out)
        *n_tiles_out = vfx__sink_n_tiles(&s);
    if (parts) {
        *parts = vfx__calloc((size_t) vfx__sink_n_tiles(&s), part_bytes);
        if (!*parts)
            return vfx__nomem();
    }
    if (region_out)
        *region_out = region;
    s.consume = consume;
    s.ctx = ctx;
    return vfx__sink_run(&s, opt);
}

/* ---- constant colour / monochrome ------------------------------------------------------- */

typedef struct const_ctx {
    int32_t     nc, n_check, mono;
    float       thr;
    const float *ref;
    atomic_int  differs;
} const_ctx;

static vfx_status
const_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    const_ctx *cc = ctx;
    (void) i;
    if (atomic_load_explicit(&cc->differs, memory_order_relaxed))
        return VFX_OK; /* already answered */
    int32_t nc = cc->nc, w = (int32_t) vfx_rect_width(t->rect);
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *p = vfx__tile_at(t, t->rect.x0, y);
        for (int32_t x = 0; x < w; x++, p += nc) {
            const float *ref = cc->mono ? p : cc->ref;
            for (int32_t c = cc->mono ? 1 : 0; c < cc->n_check; c++) {
                float d = p[c] - ref[cc->mono ? 0 : c];
                int   same = cc->thr == 0.0f ? p[c] == ref[cc->mono ? 0 : c] : fabsf(d) <= cc->thr;
                if (!same) {
                    atomic_store(&cc->differs, 1);
                    return VFX_OK;
                }
            }
        }
    }
    return VFX_OK;
}

vfx_status
vfx_image_is_constant_color(vfx_image *im, float threshold, const vfx_sink_options *opt,
                            float *color_out, int32_t n_color, int *result_out)
{
    if (!im || !result_out)
        return vfx__fail(VFX_ERR_ARG, "is_constant_color: NULL image or result");
    *result_out = 0;
    int32_t  nc = im->n_channels;
    vfx_rect region;
    VFX_TRY(stats_region(im, opt, &region));
    float *first = vfx__calloc((size_t) nc, sizeof(float));
    if (!first)
        return vfx__nomem();
    vfx_rect   r0 = { region.x0, region.y0, region.x0 + 1, region.y0 + 1 };
    vfx_status s = vfx_image_render(im, r0, first, VFX_PIXEL_F32, (ptrdiff_t) nc * 4,
                                    (ptrdiff_t) nc * 4, nc, NULL);
    const_ctx cc = { nc, nc, 0, threshold, first, 0 };
    if (s == VFX_OK)
        s = run_sink(im, opt, NULL, const_consume, &cc, NULL, NULL, 0);
    if (s == VFX_OK) {
        *result_out = !atomic_load(&cc.differs);
        for (int32_t c = 0; color_out && c < n_color; c++)
            color_out[c] = c < nc ? first[c] : 0.0f;
    }
    vfx__free(first);
    return s;
}

vfx_status
vfx_image_is_monochrome(vfx_image *im, float threshold, int32_t n_channels,
                        const vfx_sink_options *opt, int *result_out)
{
    if (!im || !result_out)
        return vfx__fail(VFX_ERR_ARG, "is_monochrome: NULL image or result");
    int32_t nc = im->n_channels;
    int32_t n = n_channels > 0 && n_channels < nc ? n_channels : nc;
    *result_out = 1;
    if (n < 2)
        return VFX_OK; /* one channel is always monochrome */
    const_ctx cc = { nc, n, 1, threshold, NULL, 0 };
    VFX_TRY(run_sink(im, opt, NULL, const_consume, &cc, NULL, NULL, 0));
    *result_out = !atomic_load(&cc.differs);
    return VFX_OK;
}

/* ---- colour counts and range check ------------------------------------------------------- */

typedef struct count_ctx {
    int32_t          nc, n_colors;
    const float     *colors, *eps, *low, *high;
    _Atomic int64_t *counts; /* n_colors, or low/high/inside */
} count_ctx;

static vfx_status
color_count_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    count_ctx *cc = ctx;
    (void) i;
    int32_t nc = cc->nc, w = (int32_t) vfx_rect_width(t->rect);
    for (int32_t k = 0; k < cc->n_colors; k++) {
        const float *col = cc->colors + (ptrdiff_t) k * nc;
        int64_t      n = 0;
        for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
            const float *p = vfx__tile_at(t, t->rect.x0, y);
            for (int32_t x = 0; x < w; x++, p += nc) {
                int match = 1;
                for (int32_t c = 0; c < nc && match; c++)
                    match = fabsf(p[c] - col[c]) <= cc->eps[c];
                n += match;
            }
        }
        atomic_fetch_add_explicit(&cc->counts[k], n, memory_order_relaxed);
    }
    return VFX_OK;
}

vfx_status
vfx_image_color_count(vfx_image *im, int32_t n_colors, const float *colors, const float *eps,
                      const vfx_sink_options *opt, int64_t *counts_out)
{
    if (!im || !colors || !counts_out || n_colors < 1 || n_colors > 1024)
        return vfx__fail(VFX_ERR_ARG, "color_count: NULL argument or bad colour count");
    int32_t nc = im->n_channels;
    float  *e = vfx__calloc((size_t) nc, sizeof(float));
    _Atomic int64_t *cnt = vfx__calloc((size_t) n_colors, sizeof *cnt);
    vfx_status s = VFX_OK;
    if (!e || !cnt) {
        s = vfx__nomem();
    } else {
        for (int32_t c = 0; c < nc; c++)
            e[c] = eps ? eps[c] : 0.001f; /* OIIO's default tolerance */
        count_ctx cc = { nc, n_colors, colors, e, NULL, NULL, cnt };
        s = run_sink(im, opt, NULL, color_count_consume, &cc, NULL, NULL, 0);
        for (int32_t k = 0; s == VFX_OK && k < n_colors; k++)
            counts_out[k] = atomic_load(&cnt[k]);
    }
    vfx__free(e);
    vfx__free((void *) cnt);
    return s;
}

static vfx_status
range_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    count_ctx *cc = ctx;
    (void) i;
    int32_t nc = cc->nc, w = (int32_t) vfx_rect_width(t->rect);
    int64_t lo = 0, hi = 0, in = 0;
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *p = vfx__tile_at(t, t->rect.x0, y);
        for (int32_t x = 0; x < w; x++, p += nc) {
            int l = 0, h = 0;
            for (int32_t c = 0; c < nc; c++) {
                l |= p[c] < cc->low[c];
                h |= p[c] > cc->high[c];
            }
            lo += l;
            hi += h;
            in += !l && !h;
        }
    }
    atomic_fetch_add_explicit(&cc->counts[0], lo, memory_order_relaxed);
    atomic_fetch_add_explicit(&cc->counts[1], hi, memory_order_relaxed);
    atomic_fetch_add_explicit(&cc->counts[2], in, memory_order_relaxed);
    return VFX_OK;
}

vfx_status
vfx_image_range_check(vfx_image *im, const float *low, const float *high,
                      const vfx_sink_options *opt, int64_t *low_out, int64_t *high_out,
                      int64_t *inside_out)
{
    if (!im || !low || !high)
        return vfx__fail(VFX_ERR_ARG, "range_check: NULL argument");
    _Atomic int64_t cnt[3];
    for (int k = 0; k < 3; k++)
        atomic_init(&cnt[k], 0);
    count_ctx cc = { im->n_channels, 0, NULL, NULL, low, high, cnt };
    VFX_TRY(run_sink(im, opt, NULL, range_consume, &cc, NULL, NULL, 0));
    if (low_out)
        *low_out = atomic_load(&cnt[0]);
    if (high_out)
        *high_out = atomic_load(&cnt[1]);
    if (inside_out)
        *inside_out = atomic_load(&cnt[2]);
    return VFX_OK;
}

/* ---- nonzero region ------------------------------------------------------------------------ */

typedef struct nz_ctx {
    int32_t   nc;
    vfx_rect *parts;
} nz_ctx;

static vfx_status
nz_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    nz_ctx  *nz = ctx;
    int32_t  nc = nz->nc, w = (int32_t) vfx_rect_width(t->rect);
    vfx_rect b = { INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN };
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *p = vfx__tile_at(t, t->rect.x0, y);
        for (int32_t x = 0; x < w; x++) {
            for (int32_t c = 0; c < nc; c++) {
                if (p[(ptrdiff_t) x * nc + c] != 0.0f) {
                    int32_t X = t->rect.x0 + x;
                    b.x0 = X < b.x0 ? X : b.x0;
                    b.x1 = X + 1 > b.x1 ? X + 1 : b.x1;
                    b.y0 = y < b.y0 ? y : b.y0;
                    b.y1 = y + 1;
                    break;
                }
            }
        }
    }
    nz->parts[i] = b;
    return VFX_OK;
}

vfx_status
vfx_image_nonzero_region(vfx_image *im, const vfx_sink_options *opt, vfx_rect *rect_out)
{
    if (!im || !rect_out)
        return vfx__fail(VFX_ERR_ARG, "nonzero_region: NULL argument");
    nz_ctx   nz = { im->n_channels, NULL };
    int64_t  n_tiles = 0;
    vfx_rect region;
    vfx_status s = run_sink(im, opt, &region, nz_consume, &nz, &n_tiles, (void **) &nz.parts,
                            sizeof(vfx_rect));
    if (s == VFX_OK) {
        vfx_rect u = { INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN };
        for (int64_t i = 0; i < n_tiles; i++) {
            const vfx_rect *b = &nz.parts[i];
            if (b->x1 < b->x0)
                continue;
            u.x0 = VFX__MIN(u.x0, b->x0);
            u.y0 = VFX__MIN(u.y0, b->y0);
            u.x1 = VFX__MAX(u.x1, b->x1);
            u.y1 = VFX__MAX(u.y1, b->y1);
        }
        /* all zero: an empty rect at the region's corner (OIIO returns a 1x1 or empty ROI) */
        *rect_out = u.x1 < u.x0 ? (vfx_rect){ region.x0, region.y0, region.x0, region.y0 } : u;
    }
    vfx__free(nz.parts);
    return s;
}

/* ---- histogram ----------------------------------------------------------------------------- */

typedef struct hist_ctx {
    int32_t  nc, channel, n_bins, ignore_empty;
    float    lo, hi;
    int64_t *parts; /* n_tiles * n_bins */
} hist_ctx;

static vfx_status
hist_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    hist_ctx *hc = ctx;
    int64_t  *h = hc->parts + i * hc->n_bins;
    int32_t   nc = hc->nc, w = (int32_t) vfx_rect_width(t->rect);
    double    scale = (double) hc->n_bins / ((double) hc->hi - (double) hc->lo);
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *p = vfx__tile_at(t, t->rect.x0, y);
        for (int32_t x = 0; x < w; x++, p += nc) {
            if (hc->ignore_empty) {
                int empty = 1;
                for (int32_t c = 0; c < nc && empty; c++)
                    empty = p[c] == 0.0f;
                if (empty)
                    continue;
            }
            float v = p[hc->channel];
            if (!(v >= hc->lo && v <= hc->hi))
                continue; /* outside [lo, hi] (or NaN): not counted */
            int64_t b = (int64_t) (((double) v - hc->lo) * scale);
            h[b < hc->n_bins ? b : hc->n_bins - 1]++;
        }
    }
    return VFX_OK;
}

vfx_status
vfx_image_histogram(vfx_image *im, int32_t channel, int32_t n_bins, float lo, float hi,
                    int ignore_empty, const vfx_sink_options *opt, int64_t *bins_out)
{
    if (!im || !bins_out)
        return vfx__fail(VFX_ERR_ARG, "histogram: NULL argument");
    if (channel < 0 || channel >= im->n_channels)
        return vfx__fail(VFX_ERR_ARG, "histogram: no channel %d (the image has %d)", (int) channel,
                         (int) im->n_channels);
    if (n_bins < 1 || n_bins > (1 << 24) || !(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return vfx__fail(VFX_ERR_ARG, "histogram: need 1 <= bins <= 2^24 and finite min < max");
    hist_ctx hc = { im->n_channels, channel, n_bins, ignore_empty, lo, hi, NULL };
    int64_t  n_tiles = 0;
    vfx_rect region;
    VFX_TRY(stats_region(im, opt, &region));
    vfx__sink probe;
    vfx__sink_setup(&probe, im, region, opt);
    if ((double) vfx__sink_n_tiles(&probe) * n_bins > 1e9)
        return vfx__fail(VFX_ERR_LIMIT, "histogram: too many bins for this many tiles");
    vfx_status s = run_sink(im, opt, NULL, hist_consume, &hc, &n_tiles, (void **) &hc.parts,
                            (size_t) n_bins * sizeof(int64_t));
    if (s == VFX_OK) {
        memset(bins_out, 0, (size_t) n_bins * sizeof *bins_out);
        for (int64_t i = 0; i < n_tiles; i++)
            for (int32_t b = 0; b < n_bins; b++)
                bins_out[b] += hc.parts[i * n_bins + b];
    }
    vfx__free(hc.parts);
    return s;
}
