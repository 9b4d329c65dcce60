/* Sink: per-channel statistics. Each tile gets exact two-pass partials (count, mean, M2, min,
 * max, NaN/Inf counts) in f64; the partials are combined in tile order at the end (Chan et
 * al.), so the result is the same for any number of threads. */
#include <math.h>
#include <string.h>

#include "graph/graph_int.h"

typedef struct part {
    double  mean, m2, min, max;
    int64_t n, nan, inf;
} part;

typedef struct stats_ctx {
    int32_t nc;
    part   *parts; /* n_tiles * nc */
} stats_ctx;

/* Exact per-channel partials of one channel, skipping NaN and Inf (the general path). */
static void
channel_part(const vfx_tile *t, int32_t c, part *out)
{
    int32_t nc = t->n_channels;
    int64_t w = vfx_rect_width(t->rect), h = vfx_rect_height(t->rect);
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    int64_t n = 0, nan = 0, inf = 0;
    for (int64_t y = 0; y < h; y++) {
        const float *p = t->p + y * t->stride + c;
        for (int64_t x = 0; x < w; x++) {
            double v = p[x * nc];
            if (VFX__LIKELY(isfinite(v))) {
                sum += v;
                mn = v < mn ? v : mn;
                mx = v > mx ? v : mx;
                n++;
            } else if (isnan(v)) {
                nan++;
            } else {
                inf++;
            }
        }
    }
    double mean = n ? sum / (double) n : 0, m2 = 0;
    if (n) {
        for (int64_t y = 0; y < h; y++) {
            const float *p = t->p + y * t->stride + c;
            for (int64_t x = 0; x < w; x++) {
                double v = p[x * nc];
                if (isfinite(v))
                    m2 += (v - mean) * (v - mean);
            }
        }
    }
    *out = (part){ mean, m2, mn, mx, n, nan, inf };
}

/* The common case: every value finite. Two pixel-major passes over the tile (it sits in L2)
 * for all channels at once; NC is a constant in the hot instantiations so the channel loop
 * unrolls. Returns 0, touching nothing, when the tile holds a NaN or Inf. */
#define FAST_MAX_CHANNELS 16
static inline int
fast_parts(const vfx_tile *t, int32_t NC, part *pp)
{
    int64_t w = vfx_rect_width(t->rect), h = vfx_rect_height(t->rect);
    double sum[FAST_MAX_CHANNELS] = { 0 }, m2[FAST_MAX_CHANNELS] = { 0 };
    float mn[FAST_MAX_CHANNELS], mx[FAST_MAX_CHANNELS];
    for (int32_t c = 0; c < NC; c++) {
        mn[c] = INFINITY;
        mx[c] = -INFINITY;
    }
    uint32_t bad = 0;
    for (int64_t y = 0; y < h; y++) {
        const float *p = t->p + y * t->stride;
        for (int64_t x = 0; x < w; x++) {
            for (int32_t c = 0; c < NC; c++) {
                float v = p[x * NC + c];
                uint32_t bits;
                memcpy(&bits, &v, sizeof bits);
                bad |= (uint32_t) ((bits & 0x7f800000u) == 0x7f800000u);
                sum[c] += v;
                mn[c] = v < mn[c] ? v : mn[c];
                mx[c] = v > mx[c] ? v : mx[c];
            }
        }
    }
    if (bad)
        return 0;
    double n = (double) (w * h), mean[FAST_MAX_CHANNELS];
    for (int32_t c = 0; c < NC; c++)
        mean[c] = sum[c] / n;
    for (int64_t y = 0; y < h; y++) {
        const float *p = t->p + y * t->stride;
        for (int64_t x = 0; x < w; x++) {
            for (int32_t c = 0; c < NC; c++) {
                double d = (double) p[x * NC + c] - mean[c];
                m2[c] += d * d;
            }
        }
    }
    for (int32_t c = 0; c < NC; c++)
        pp[c] = (part){ mean[c], m2[c], mn[c], mx[c], w * h, 0, 0 };
    return 1;
}

static vfx_status
stats_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    stats_ctx *sc = ctx;
    int32_t nc = sc->nc;
    part *pp = sc->parts + i * nc;
    int done;
    switch (nc) {
    case 1: done = fast_parts(t, 1, pp); break;
    case 3: done = fast_parts(t, 3, pp); break;
    case 4: done = fast_parts(t, 4, pp); break;
    default: done = nc <= FAST_MAX_CHANNELS && fast_parts(t, nc, pp); break;
    }
    if (!done)
        for (int32_t c = 0; c < nc; c++)
            channel_part(t, c, &pp[c]);
    return VFX_OK;
}

vfx_status
vfx_image_stats(vfx_image *im, const vfx_sink_options *opt, vfx_channel_stats *out, int32_t n_out)
{
    if (!im || !out)
        return vfx__fail(VFX_ERR_ARG, "stats: NULL image or output");
    int32_t nc = im->n_channels;
    if (n_out < nc)
        return vfx__fail(VFX_ERR_ARG, "stats: room for %d channels, the image has %d", (int) n_out,
                         (int) nc);
    vfx_rect region;
    VFX_TRY(vfx__sink_region(im, opt, &region));
    vfx__sink s;
    vfx__sink_setup(&s, im, region, opt);
    int64_t n_tiles = vfx__sink_n_tiles(&s);
    stats_ctx sc = { nc, vfx__calloc((size_t) n_tiles * (size_t) nc, sizeof(part)) };
    if (!sc.parts)
        return vfx__nomem();
    s.consume = stats_consume;
    s.ctx = &sc;
    vfx_status st = vfx__sink_run(&s, opt);
    if (st == VFX_OK) {
        for (int32_t c = 0; c < nc; c++) {
            part a = { 0, 0, INFINITY, -INFINITY, 0, 0, 0 };
            for (int64_t i = 0; i < n_tiles; i++) {
                const part *b = &sc.parts[i * nc + c];
                a.nan += b->nan;
                a.inf += b->inf;
                if (b->n == 0)
                    continue;
                int64_t n = a.n + b->n;
                double delta = b->mean - a.mean;
                a.mean += delta * (double) b->n / (double) n;
                a.m2 += b->m2 + delta * delta * (double) a.n * (double) b->n / (double) n;
                a.n = n;
                a.min = b->min < a.min ? b->min : a.min;
                a.max = b->max > a.max ? b->max : a.max;
            }
            vfx_channel_stats *o = &out[c];
            memset(o, 0, sizeof *o);
            o->finite_count = a.n;
            o->nan_count = a.nan;
            o->inf_count = a.inf;
            if (a.n) {
                o->min = a.min;
                o->max = a.max;
                o->mean = a.mean;
                o->stddev = sqrt(a.m2 / (double) a.n);
            }
        }
    }
    vfx__free(sc.parts);
    return st;
}
