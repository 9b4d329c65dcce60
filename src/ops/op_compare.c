/* compare: the difference of two images as a streaming sink (what idiff and oiiotool --diff
 * report): mean, RMS and peak error, PSNR, the place of the largest error, and how many pixels
 * are over a warning and a failure threshold.
 *
 * The two inputs are joined by a "zip" node (A's channels then B's, over the union of their
 * data windows, each reading 0 outside its own), so one sink pass pulls both in the same
 * tiles and neither image is ever held whole. Each tile yields exact partials (f64 sums,
 * counts, its largest error and where); they are combined in tile order at the end, so the
 * result does not depend on the thread count.
 *
 * Semantics follow OpenImageIO's ImageBufAlgo::compare (read for behaviour, written here):
 *  - the region is the union of the data windows, channels max(nA, nB), a missing channel
 *    reads 0;
 *  - error = |a - b|; mean = sum / (pixels * channels); RMS likewise; PSNR =
 *    20 log10(peak / RMS) where peak = max(1, largest |value| seen in either image);
 *  - a pixel counts once over a threshold when any channel's error is above it AND its error
 *    relative to the mean of |a| and |b| is above the relative threshold (0 = off);
 *  - NaN matches NaN and Inf matches Inf (no error). A non-finite value against anything else
 *    is an error of +Inf: the max error becomes Inf at the first such place and the pixel
 *    counts over both thresholds, but it is left out of the mean and RMS sums so they stay
 *    finite. (OIIO 2.4 does not count the first such pixel over the thresholds, and adds later
 *    ones into the sums, which makes the mean Inf or NaN; we prefer a verdict that cannot pass
 *    on a NaN.)
 *  - the largest error's place is the first in row-major order (y, x, then channel) among
 *    equal maxima, as a single scan would find it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph/graph_int.h"
#include "vfx/ops.h"

/* ---- zip: two images side by side in the channel dimension -------------------------------- */

typedef struct zip_params {
    int32_t na, nb;
} zip_params;

static vfx_status
zip_rod(const vfx_node *n, vfx_rect *rod_out)
{
    *rod_out = vfx_rect_union(vfx__node_rod(vfx__node_input(n, 0)),
                              vfx__node_rod(vfx__node_input(n, 1)));
    return VFX_OK;
}

static vfx_status
zip_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const zip_params *p = vfx__node_params(n);
    (void) scratch;
    int32_t na = p->na, nb = p->nb, nc = na + nb;
    int32_t w = (int32_t) vfx_rect_width(out->rect);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = 0; x < w; x++) {
            memcpy(q + (ptrdiff_t) x * nc, a + (ptrdiff_t) x * na, (size_t) na * sizeof(float));
            memcpy(q + (ptrdiff_t) x * nc + na, b + (ptrdiff_t) x * nb,
                   (size_t) nb * sizeof(float));
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_zip = {
    sizeof(vfx_op_class), "zip", 0, sizeof(zip_params),
    zip_rod, NULL, zip_render, NULL, NULL, NULL, NULL, NULL
};

/* A zip node of a and b: channels "a0".."aN", "b0".."bM"; display window a's. */
static vfx_status
zip_new(vfx_image *a, vfx_image *b, vfx_image **out)
{
    zip_params p = { vfx_image_n_channels(a), vfx_image_n_channels(b) };
    if (p.na + p.nb > 4096)
        return vfx__fail(VFX_ERR_ARG, "compare: %d + %d channels is too many", (int) p.na,
                         (int) p.nb);
    vfx_spec spec = VFX_SPEC_INIT;
    spec.data = vfx_rect_union(vfx_image_rod(a), vfx_image_rod(b));
    spec.display = vfx_image_spec(a)->display;
    vfx_status s = vfx_channels_new(&spec.channels);
    for (int32_t k = 0; s == VFX_OK && k < p.na + p.nb; k++) {
        char name[16];
        snprintf(name, sizeof name, "%c%d", k < p.na ? 'a' : 'b', (int) (k < p.na ? k : k - p.na));
        s = vfx_channels_add(spec.channels, name, VFX_PIXEL_F32, 1, 1);
    }
    vfx_image *in[2] = { a, b };
    if (s == VFX_OK)
        s = vfx__node_new(&vfx__op_zip, &p, sizeof p, in, 2, &spec, out);
    vfx_spec_clear(&spec);
    return s;
}

/* ---- the compare sink ----------------------------------------------------------------------- */

typedef struct cmp_part {
    double  sum, sumsq, maxerr;
    float   peak;
    int32_t mx, my, mc, has_max;
    int64_t nwarn, nfail;
} cmp_part;

typedef struct cmp_ctx {
    int32_t   na, nb, nc;
    float     fail, warn, fail_rel, warn_rel;
    cmp_part *parts;
} cmp_ctx;

static vfx_status
cmp_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    const cmp_ctx *cc = ctx;
    cmp_part       r = { 0, 0, 0, 1.0f, 0, 0, 0, 0, 0, 0 };
    int32_t        na = cc->na, nb = cc->nb, nt = na + nb;
    int32_t        w = (int32_t) vfx_rect_width(t->rect);
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *row = vfx__tile_at(t, t->rect.x0, y);
        for (int32_t x = 0; x < w; x++) {
            const float *px = row + (ptrdiff_t) x * nt;
            int warned = 0, failed = 0;
            for (int32_t c = 0; c < cc->nc; c++) {
                float  av = c < na ? px[c] : 0.0f, bv = c < nb ? px[na + c] : 0.0f;
                double f, rel;
                if (!isfinite(av) || !isfinite(bv)) {
                    if (isnan(av) == isnan(bv) && isinf(av) == isinf(bv))
                        continue; /* NaN matches NaN, Inf matches Inf */
                    f = INFINITY;
                    rel = INFINITY;
                } else {
                    float aa = fabsf(av), ba = fabsf(bv);
                    float mx = aa > ba ? aa : ba;
                    r.peak = mx > r.peak ? mx : r.peak;
                    f = fabs((double) av - (double) bv);
                    double meanabs = 0.5 * ((double) aa + (double) ba);
                    rel = meanabs > 0.0 ? f / meanabs : 0.0;
                    r.sum += f;
                    r.sumsq += f * f;
                }
                if (f > r.maxerr) {
                    r.maxerr = f;
                    r.mx = t->rect.x0 + x;
                    r.my = y;
                    r.mc = c;
                    r.has_max = 1;
                }
                if (!warned && f > cc->warn && rel > cc->warn_rel) {
                    r.nwarn++;
                    warned = 1;
                }
                if (!failed && f > cc->fail && rel > cc->fail_rel) {
                    r.nfail++;
                    failed = 1;
                }
            }
        }
    }
    cc->parts[i] = r;
    return VFX_OK;
}

vfx_status
vfx_image_compare(vfx_image *a, vfx_image *b, const vfx_compare_options *opt,
                  const vfx_sink_options *sink, vfx_compare_result *out)
{
    if (!a || !b || !out)
        return vfx__fail(VFX_ERR_ARG, "compare: NULL image or result");
    memset(out, 0, sizeof *out);
    vfx_compare_options o = VFX_COMPARE_OPTIONS_INIT;
    if (opt) {
        if (VFX__HAS(opt, vfx_compare_options, warn_thresh)) {
            o.fail_thresh = opt->fail_thresh;
            o.warn_thresh = opt->warn_thresh;
        }
        if (VFX__HAS(opt, vfx_compare_options, warn_relative)) {
            o.fail_relative = opt->fail_relative;
            o.warn_relative = opt->warn_relative;
        }
    }
    vfx_image *z = NULL;
    VFX_TRY(zip_new(a, b, &z));
    vfx_rect   region = z->rod;
    vfx_status s = VFX_OK;
    if (sink && VFX__HAS(sink, vfx_sink_options, flags) && (sink->flags & VFX_SINK_REGION))
        s = vfx__sink_region(z, sink, &region);
    else if (vfx_rect_is_empty(region) || vfx_rect_is_infinite(region))
        s = vfx__fail(VFX_ERR_ARG, "compare: the union of the data windows is empty or infinite");
    if (s != VFX_OK) {
        vfx_image_unref(z);
        return s;
    }
    vfx__sink sk;
    vfx__sink_setup(&sk, z, region, sink);
    int64_t n_tiles = vfx__sink_n_tiles(&sk);
    cmp_ctx cc = { z->inputs[0]->n_channels, z->inputs[1]->n_channels, 0,
                   o.fail_thresh, o.warn_thresh, o.fail_relative, o.warn_relative,
                   vfx__calloc((size_t) n_tiles, sizeof(cmp_part)) };
    cc.nc = cc.na > cc.nb ? cc.na : cc.nb;
    if (!cc.parts) {
        vfx_image_unref(z);
        return vfx__nomem();
    }
    sk.consume = cmp_consume;
    sk.ctx = &cc;
    s = vfx__sink_run(&sk, sink);
    if (s == VFX_OK) {
        double sum = 0, sumsq = 0;
        float  peak = 1.0f;
        const cmp_part *best = NULL;
        for (int64_t i = 0; i < n_tiles; i++) {
            const cmp_part *p = &cc.parts[i];
            sum += p->sum;
            sumsq += p->sumsq;
            peak = p->peak > peak ? p->peak : peak;
            out->n_warn += p->nwarn;
            out->n_fail += p->nfail;
            if (!p->has_max)
                continue;
            if (!best || p->maxerr > best->maxerr ||
                (p->maxerr == best->maxerr &&
                 (p->my < best->my || (p->my == best->my && p->mx < best->mx))))
                best = p;
        }
        out->n_pixels = vfx_rect_area(region);
        out->n_channels = cc.nc;
        double nvals = (double) out->n_pixels * (double) cc.nc;
        out->mean_error = nvals > 0 ? sum / nvals : 0;
        out->rms_error = nvals > 0 ? sqrt(sumsq / nvals) : 0;
        out->psnr = 20.0 * log10((double) peak / out->rms_error); /* +Inf when identical */
        if (best) {
            out->max_error = best->maxerr;
            out->max_x = best->mx;
            out->max_y = best->my;
            out->max_c = best->mc;
        }
        out->region = region;
    }
    vfx__free(cc.parts);
    vfx_image_unref(z);
    return s;
}
