/* resize: separable resampling through precomputed per-node weight tables. Every output
 * column x reads input columns xstart[x] .. + xtaps - 1 with its own weights (one shared set
 * for convolutions), likewise rows, so resize, resample (nearest, bilinear) and separable
 * convolutions (blur, unsharp) are all this one node. render(): a horizontal pass over every
 * input row the tile needs into scratch, then a vertical pass into the tile. The RoI of a
 * tile is the span of its columns' and rows' footprints; the engine fills it past the RoD
 * per the edge mode (clamp for resize, as OIIO's WrapClamp). */
#include <math.h>
#include <string.h>

#include "ops/filter.h"
#include "vfx/ops.h"

typedef struct axis {
    int32_t o0, n, taps, wstride;
    size_t  off_start, off_w; /* byte offsets from the params */
} axis;

typedef struct rs_params {
    axis     ax[2];
    vfx_rect rod;
    vfx_edge edge;
    int32_t  vfirst; /* vertical pass first (see rs_render) */
} rs_params;

static const int32_t *
ax_start(const rs_params *p, int k)
{
    return (const int32_t *) (const void *) ((const uint8_t *) p + p->ax[k].off_start);
}

static const float *
ax_w(const rs_params *p, int k)
{
    return (const float *) (const void *) ((const uint8_t *) p + p->ax[k].off_w);
}

static vfx_status
rs_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const rs_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

/* The input span [lo, hi) that output coordinates [a, b) of axis k read. */
static void
ax_span(const rs_params *p, int k, int32_t a, int32_t b, int32_t *lo, int32_t *hi)
{
    const axis    *ax = &p->ax[k];
    const int32_t *st = ax_start(p, k);
    int32_t        l = INT32_MAX, h = INT32_MIN;
    for (int32_t o = a; o < b; o++) {
        int32_t s = st[o - ax->o0];
        l = s < l ? s : l;
        h = s + ax->taps > h ? s + ax->taps : h;
    }
    *lo = l;
    *hi = h;
}

static void
rs_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const rs_params *p = vfx__node_params(n);
    (void) k;
    vfx_rect r;
    ax_span(p, 0, want->x0, want->x1, &r.x0, &r.x1);
    ax_span(p, 1, want->y0, want->y1, &r.y0, &r.y1);
    *need_out = r;
}

static vfx_edge
rs_edge(const vfx_node *n, int k)
{
    const rs_params *p = vfx__node_params(n);
    (void) k;
    return p->edge;
}

static size_t
rs_scratch(const vfx_node *n, const vfx_rect *tile)
{
    const rs_params *p = vfx__node_params(n);
    int32_t          lo, hi, xlo, xhi;
    size_t           nc = (size_t) vfx__node_channels(n);
    ax_span(p, 1, tile->y0, tile->y1, &lo, &hi);
    ax_span(p, 0, tile->x0, tile->x1, &xlo, &xhi);
    size_t hfirst = (size_t) (hi - lo) * (size_t) vfx_rect_width(*tile) * nc;
    size_t vfirst = (size_t) (xhi - xlo) * nc; /* one row, reused */
    return (p->vfirst ? vfirst : hfirst) * sizeof(float);
}

/* ---- kernels ------------------------------------------------------------------------------
 * Every output value is the same sum in the same order whichever kernel or pass order makes
 * it (a running sum from tap 0), so tiling, CPU and thread count never change a result. */

/* d[i] = sum_t w[t] * s[i + t * stride] for i < len. The sum runs over a block of VB values
 * held in registers (several independent add chains; one load per multiply-add), not over
 * the whole row in memory. Shared by the vertical pass (stride = a row) and the horizontal
 * pass of a convolution (stride = one pixel). */
#define VB 64
VFX__HOT_KERNEL static void
taps_pass(const float *restrict s, ptrdiff_t stride, float *restrict d, const float *w,
          int32_t taps, int64_t len)
{
    int64_t i = 0;
    for (; i + VB <= len; i += VB) {
        float acc[VB];
        for (int k = 0; k < VB; k++)
            acc[k] = w[0] * s[i + k];
        for (int32_t t = 1; t < taps; t++) {
            const float *q = s + t * stride + i;
            float        c = w[t];
            for (int k = 0; k < VB; k++)
                acc[k] += c * q[k];
        }
        for (int k = 0; k < VB; k++)
            d[i + k] = acc[k];
    }
    for (; i < len; i++) {
        float a = w[0] * s[i];
        for (int32_t t = 1; t < taps; t++)
            a += w[t] * s[i + t * stride];
        d[i] = a;
    }
}
#undef VB

/* One row -> n output pixels with per-pixel weights (resize): output x reads pixels
 * st[x] - sx0 .. + taps - 1 of s. One copy per channel count so the channel loop unrolls
 * and the sums stay in registers. */
#define HPASS_BODY(NC)                                                                        \
    for (int32_t x = 0; x < n; x++) {                                                         \
        const float *q = s + (ptrdiff_t) (st[x] - sx0) * (NC);                                \
        const float *wx = w + (ptrdiff_t) x * wstride;                                        \
        float        a[NC];                                                                   \
        for (int c = 0; c < (NC); c++)                                                        \
            a[c] = wx[0] * q[c];                                                              \
        for (int32_t t = 1; t < taps; t++)                                                    \
            for (int c = 0; c < (NC); c++)                                                    \
                a[c] += wx[t] * q[(NC) * t + c];                                              \
        for (int c = 0; c < (NC); c++)                                                        \
            d[(NC) * x + c] = a[c];                                                           \
    }

#define HPASS_FN(NC)                                                                          \
    VFX__HOT_KERNEL static void hpass##NC(const float *restrict s, float *restrict d,         \
                                          const int32_t *st, const float *w, int32_t wstride, \
                                          int32_t taps, int32_t n, int32_t sx0)               \
    {                                                                                         \
        HPASS_BODY(NC)                                                                        \
    }
HPASS_FN(1)
HPASS_FN(2)
#undef HPASS_FN
#undef HPASS_BODY

/* 3 and 4 channels: one pixel is one 4-float vector (GCC/Clang vector extension), so a tap
 * is one broadcast multiply and one add; lane by lane the same mul-then-add as the scalar
 * loop, so the results are the same bits. For 3 channels the load takes one float of the next
 * pixel (its lane is dropped): pixels whose window ends at the row's last pixel (sw) are done
 * one channel at a time so nothing past the row is read. */
typedef float v4f __attribute__((vector_size(16)));

static inline v4f
ld4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

VFX__HOT_KERNEL static void
hpass4(const float *restrict s, float *restrict d, const int32_t *st, const float *w,
       int32_t wstride, int32_t taps, int32_t n, int32_t sx0)
{
    for (int32_t x = 0; x < n; x++) {
        const float *q = s + (ptrdiff_t) (st[x] - sx0) * 4;
        const float *wx = w + (ptrdiff_t) x * wstride;
        v4f          a = wx[0] * ld4(q);
        for (int32_t t = 1; t < taps; t++)
            a += wx[t] * ld4(q + 4 * t);
        memcpy(d + 4 * x, &a, sizeof a);
    }
}

VFX__HOT_KERNEL static void
hpass3(const float *restrict s, float *restrict d, const int32_t *st, const float *w,
       int32_t wstride, int32_t taps, int32_t n, int32_t sx0, int32_t sw)
{
    int32_t x = 0;
    for (; x < n && st[x] - sx0 + taps < sw; x++) {
        const float *q = s + (ptrdiff_t) (st[x] - sx0) * 3;
        const float *wx = w + (ptrdiff_t) x * wstride;
        v4f          a = wx[0] * ld4(q);
        for (int32_t t = 1; t < taps; t++)
            a += wx[t] * ld4(q + 3 * t);
        memcpy(d + 3 * x, &a, 3 * sizeof(float));
    }
    for (; x < n; x++) {
        const float *q = s + (ptrdiff_t) (st[x] - sx0) * 3;
        const float *wx = w + (ptrdiff_t) x * wstride;
        for (int c = 0; c < 3; c++) {
            float a = wx[0] * q[c];
            for (int32_t t = 1; t < taps; t++)
                a += wx[t] * q[3 * t + c];
            d[3 * x + c] = a;
        }
    }
}

static void
hpass_any(const float *s, float *d, const int32_t *st, const float *w, int32_t wstride,
          int32_t taps, int32_t n, int32_t sx0, int32_t nc)
{
    for (int32_t x = 0; x < n; x++) {
        const float *q = s + (ptrdiff_t) (st[x] - sx0) * nc;
        const float *wx = w + (ptrdiff_t) x * wstride;
        for (int32_t c = 0; c < nc; c++) {
            float a = wx[0] * q[c];
            for (int32_t t = 1; t < taps; t++)
                a += wx[t] * q[(ptrdiff_t) t * nc + c];
            d[(ptrdiff_t) x * nc + c] = a;
        }
    }
}

/* One row of output pixels [x0, x0 + n) from the row s of sw pixels starting at input column
 * sx0. */
static void
hrow(const rs_params *p, const float *s, int32_t sx0, int32_t sw, float *d, int32_t x0,
     int32_t n, int32_t nc, int conv)
{
    const axis    *ax = &p->ax[0];
    const int32_t *xs = ax_start(p, 0) + (x0 - ax->o0);
    const float   *xw = ax_w(p, 0) + (ptrdiff_t) (x0 - ax->o0) * ax->wstride;
    if (conv) {
        taps_pass(s + (ptrdiff_t) (xs[0] - sx0) * nc, nc, d, xw, ax->taps,
                  (int64_t) n * nc);
        return;
    }
    switch (nc) {
    case 1: hpass1(s, d, xs, xw, ax->wstride, ax->taps, n, sx0); break;
    case 2: hpass2(s, d, xs, xw, ax->wstride, ax->taps, n, sx0); break;
    case 3: hpass3(s, d, xs, xw, ax->wstride, ax->taps, n, sx0, sw); break;
    case 4: hpass4(s, d, xs, xw, ax->wstride, ax->taps, n, sx0); break;
    default: hpass_any(s, d, xs, xw, ax->wstride, ax->taps, n, sx0, nc); break;
    }
}

/* Two orders, one result: horizontal then vertical (the scratch holds every input row the
 * tile reads, filtered across) or vertical then horizontal (the scratch holds the tile's
 * rows at full input width). Both sum the same products in the same order per pass, but the
 * passes nest differently, so the node picks one order for all its tiles (p->vfirst). */
static vfx_status
rs_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const rs_params *p = vfx__node_params(n);
    const vfx_tile  *src = in[0];
    const axis      *axx = &p->ax[0], *axy = &p->ax[1];
    int32_t          nc = out->n_channels;
    int32_t          w = (int32_t) vfx_rect_width(out->rect);
    int32_t          sw = (int32_t) vfx_rect_width(src->rect);
    int32_t          rows = (int32_t) vfx_rect_height(src->rect);
    float           *buf = scratch;
    const int32_t   *xs = ax_start(p, 0) + (out->rect.x0 - axx->o0);
    int              conv = axx->wstride == 0;
    for (int32_t x = 1; conv && x < w; x++)
        conv = xs[x] == xs[0] + x;
    const int32_t *ys = ax_start(p, 1);
    const float   *yw = ax_w(p, 1);

    if (p->vfirst && !conv) {
        ptrdiff_t vstride = (ptrdiff_t) sw * nc;
        for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
            int32_t i = y - axy->o0;
            taps_pass(src->p + (ptrdiff_t) (ys[i] - src->rect.y0) * src->stride, src->stride,
                      buf, yw + (ptrdiff_t) i * axy->wstride, axy->taps, (int64_t) vstride);
            hrow(p, buf, src->rect.x0, sw, out->p + (ptrdiff_t) (y - out->rect.y0) * out->stride,
                 out->rect.x0, w, nc, 0);
        }
        return VFX_OK;
    }
    ptrdiff_t hstride = (ptrdiff_t) w * nc;
    for (int32_t r = 0; r < rows; r++)
        hrow(p, src->p + (ptrdiff_t) r * src->stride, src->rect.x0, sw, buf + r * hstride,
             out->rect.x0, w, nc, conv);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        int32_t i = y - axy->o0;
        taps_pass(buf + (ptrdiff_t) (ys[i] - src->rect.y0) * hstride, hstride,
                  out->p + (ptrdiff_t) (y - out->rect.y0) * out->stride,
                  yw + (ptrdiff_t) i * axy->wstride, axy->taps, (int64_t) hstride);
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_resize = {
    sizeof(vfx_op_class), "resize", 0, sizeof(rs_params),
    rs_rod, rs_roi, rs_render, rs_scratch, NULL, rs_edge, NULL, NULL
};

vfx_status
vfx__sepfilter_new(vfx_image *in, const vfx__axis_table *tx, const vfx__axis_table *ty,
                   vfx_rect rod, vfx_rect display, vfx_edge edge, vfx_image **out)
{
    const vfx__axis_table *t[2] = { tx, ty };
    size_t                 bytes = sizeof(rs_params);
    rs_params              hdr;
    memset(&hdr, 0, sizeof hdr);
    for (int k = 0; k < 2; k++) {
        size_t nw = t[k]->wstride ? (size_t) t[k]->n * (size_t) t[k]->wstride
                                  : (size_t) t[k]->taps;
        hdr.ax[k] = (axis){ t[k]->o0, t[k]->n, t[k]->taps, t[k]->wstride, bytes, 0 };
        bytes += (size_t) t[k]->n * sizeof(int32_t);
        bytes = (bytes + 15) & ~(size_t) 15;
        hdr.ax[k].off_w = bytes;
        bytes += nw * sizeof(float);
        bytes = (bytes + 15) & ~(size_t) 15;
    }
    hdr.rod = rod;
    hdr.edge = edge;
    /* Pass order: the horizontal pass with per-pixel weights costs about twice a vertical
     * one per tap (it does not vectorise along the row), so run it on the smaller of the
     * two intermediate images. Per output pixel: H first = ry * tx * 2 + ty, V first =
     * rx * ty + tx * 2, r = input pixels per output pixel. Convolutions keep H first. */
    if (tx->wstride != 0 && tx->n > 1 && ty->n > 1) {
        double rx = (double) (tx->start[tx->n - 1] - tx->start[0]) / (double) (tx->n - 1);
        double ry = (double) (ty->start[ty->n - 1] - ty->start[0]) / (double) (ty->n - 1);
        double hf = ry * tx->taps * 2.0 + ty->taps, vf = rx * ty->taps + tx->taps * 2.0;
        hdr.vfirst = vf < hf;
    }
    uint8_t *buf = vfx__alloc(bytes);
    if (!buf)
        return vfx__nomem();
    memset(buf, 0, bytes);
    memcpy(buf, &hdr, sizeof hdr);
    for (int k = 0; k < 2; k++) {
        size_t nw = t[k]->wstride ? (size_t) t[k]->n * (size_t) t[k]->wstride
                                  : (size_t) t[k]->taps;
        memcpy(buf + hdr.ax[k].off_start, t[k]->start, (size_t) t[k]->n * sizeof(int32_t));
        memcpy(buf + hdr.ax[k].off_w, t[k]->w, nw * sizeof(float));
    }
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        spec.data = rod;
        spec.display = display;
        s = vfx__node_new(&vfx__op_resize, buf, bytes, &in, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    vfx__free(buf);
    return s;
}

/* ---- tables ------------------------------------------------------------------------------ */

static void
table_free(vfx__axis_table *t)
{
    vfx__free(t->start);
    vfx__free(t->w);
    t->start = NULL;
    t->w = NULL;
}

/* Resize axis, as OIIO maps it: output pixel o samples the source at
 * src = sf0 + (o - df0 + 0.5) / dfw * sfw, and source pixel i has weight
 * f(ratio * (i + 0.5 - src)) (ratio = dfw / sfw), normalised over the taps. mode 0: filter
 * @p id of width @p fw; mode 1: bilinear; mode 2: nearest. Zero taps at both ends are trimmed.
 * The taps span +-ceil(rw / 2 / ratio) source pixels, @p rw being the filter's *x* width on
 * both axes: OIIO 2.4 sizes both radii from Filter2D::width(), so a filter taller than it is
 * wide (--fit filling the width, a resize enlarging y more than x) is cut short in y. */
static vfx_status
table_resize(vfx__axis_table *t, int mode, int id, float fw, float rw, int32_t sf0,
             int32_t sfw, int32_t df0, int32_t dfw, int32_t o0, int32_t on)
{
    float   ratio = (float) dfw / (float) sfw;
    int32_t rad = mode == 0 ? (int32_t) ceilf(rw * 0.5f / ratio) : 1;
    if (rad < 0)
        rad = 0;
    int32_t taps0 = 2 * rad + 1;
    memset(t, 0, sizeof *t);
    t->o0 = o0;
    t->n = on;
    float   *raw = vfx__alloc((size_t) on * (size_t) taps0 * sizeof(float));
    int32_t *first = vfx__alloc((size_t) on * 2 * sizeof(int32_t));
    t->start = vfx__alloc((size_t) on * sizeof(int32_t));
    if (!raw || !first || !t->start) {
        vfx__free(raw);
        vfx__free(first);
        table_free(t);
        return vfx__nomem();
    }
    int32_t *base = first + on, T = 1;
    float    inv = 1.0f / (float) dfw;
    for (int32_t o = 0; o < on; o++) {
        float   sx = (float) sf0 + ((float) (o + o0 - df0) + 0.5f) * inv * (float) sfw;
        float   fl = floorf(sx), frac = sx - fl;
        int32_t ix = (int32_t) fl;
        float  *w = raw + (ptrdiff_t) o * taps0;
        memset(w, 0, (size_t) taps0 * sizeof(float));
        if (mode == 2) { /* nearest: the pixel holding the sample */
            w[rad] = 1.0f;
        } else if (mode == 1) { /* bilinear between the two nearest pixel centres */
            float u = sx - 0.5f, ul = floorf(u), f = u - ul;
            int32_t k = (int32_t) ul - ix + rad;
            w[k] = 1.0f - f;
            w[k + 1] = f;
        } else {
            double sum = 0;
            for (int32_t i = 0; i < taps0; i++) {
                float arg = ratio * ((float) (i - rad) - (frac - 0.5f));
                w[i] = vfx__filter_1d(id, fw, arg);
                sum += (double) w[i];
            }
            if (sum != 0.0)
                for (int32_t i = 0; i < taps0; i++)
                    w[i] = (float) ((double) w[i] / sum);
        }
        int32_t a = 0, b = taps0;
        while (a < b - 1 && w[a] == 0.0f)
            a++;
        while (b > a + 1 && w[b - 1] == 0.0f)
            b--;
        first[o] = a;
        base[o] = ix - rad;
        T = b - a > T ? b - a : T;
    }
    t->taps = T;
    t->wstride = T;
    t->w = vfx__alloc((size_t) on * (size_t) T * sizeof(float));
    if (!t->w) {
        vfx__free(raw);
        vfx__free(first);
        table_free(t);
        return vfx__nomem();
    }
    for (int32_t o = 0; o < on; o++) {
        int32_t a = first[o];
        if (a + T > taps0) /* keep the window inside the raw taps */
            a = taps0 - T;
        t->start[o] = base[o] + a;
        memcpy(t->w + (ptrdiff_t) o * T, raw + (ptrdiff_t) o * taps0 + a,
               (size_t) T * sizeof(float));
    }
    vfx__free(raw);
    vfx__free(first);
    return VFX_OK;
}

static vfx_status
resize_common(vfx_image *in, vfx_rect data, vfx_rect display, int mode, const char *filter,
              float fwidth, const float *ratio, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "resize: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "resize: input is NULL");
    const vfx_spec *is = vfx_image_spec(in);
    int64_t         sw = vfx_rect_width(is->display), sh = vfx_rect_height(is->display);
    int64_t         dw = vfx_rect_width(display), dh = vfx_rect_height(display);
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || dw > (1 << 24) || dh > (1 << 24))
        return vfx__fail(VFX_ERR_ARG, "resize: bad size %lldx%lld -> %lldx%lld",
                         (long long) sw, (long long) sh, (long long) dw, (long long) dh);
    float xr = (float) dw / (float) sw, yr = (float) dh / (float) sh;
    int   id = -1;
    /* The data window scales with the display window (oiiotool's rule, float rounding too). */
    vfx_rect rod = display;
    if (!vfx_rect_is_infinite(data) && !vfx_rect_is_empty(data)) {
        rod.x0 = display.x0 + (int32_t) floorf((float) (data.x0 - is->display.x0) * xr);
        rod.y0 = display.y0 + (int32_t) floorf((float) (data.y0 - is->display.y0) * yr);
        rod.x1 = rod.x0 + (int32_t) ceilf((float) vfx_rect_width(data) * xr);
        rod.y1 = rod.y0 + (int32_t) ceilf((float) vfx_rect_height(data) * yr);
    }

    float wr = ratio ? ratio[0] : xr, hr = ratio ? ratio[1] : yr; /* for the filter's size */
    if (mode == 0) {
        if (!filter || !*filter)
            filter = wr > 1.0f || hr > 1.0f ? "blackman-harris" : "lanczos3";
        id = vfx__filter_find(filter);
        if (id < 0)
            return vfx__fail(VFX_ERR_ARG, "resize: unknown filter \"%s\"", filter);
        if (!vfx__filter_separable(id))
            return vfx__resize2d_new(in, display, rod, id, fwidth, out);
    }
    float fw = fwidth > 0 ? fwidth : (id >= 0 ? vfx__filter_width(id) * fmaxf(1.0f, wr) : 0);
    float fh = fwidth > 0 ? fwidth : (id >= 0 ? vfx__filter_width(id) * fmaxf(1.0f, hr) : 0);
    vfx__axis_table tx, ty;
    vfx_status      s = table_resize(&tx, mode, id, fw, fw, is->display.x0, (int32_t) sw,
                                     display.x0, (int32_t) dw, rod.x0,
                                     (int32_t) vfx_rect_width(rod));
    if (s != VFX_OK)
        return s;
    s = table_resize(&ty, mode, id, fh, fw, is->display.y0, (int32_t) sh, display.y0,
                     (int32_t) dh, rod.y0, (int32_t) vfx_rect_height(rod));
    if (s == VFX_OK)
        s = vfx__sepfilter_new(in, &tx, &ty, rod, display, VFX_EDGE_CLAMP, out);
    table_free(&tx);
    table_free(&ty);
    return s;
}

/* OIIO wraps coordinates against the display window, and pixels of the display window
 * outside the data window read black: when the two differ, resample the input made
 * exactly the display window (black-padded, cropped) with clamped edges. */
vfx_status
vfx__pad_to_display(vfx_image *in, vfx_image **ready)
{
    const vfx_spec *is = vfx_image_spec(in);
    *ready = NULL;
    if (vfx_rect_equal(is->data, is->display) || vfx_rect_is_empty(is->display))
    {
        *ready = vfx_image_ref(in);
        return VFX_OK;
    }
    int32_t    nc = vfx_image_n_channels(in);
    float      zero[64] = { 0 };
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_image *black = NULL, *sum = NULL;
    if (nc > 64)
        return vfx__fail(VFX_ERR_ARG, "resize: more than 64 channels");
    vfx_status s = vfx_spec_copy(&spec, is);
    if (s == VFX_OK) {
        spec.data = is->display;
        s = vfx_image_new_constant(zero, &spec, &black);
    }
    if (s == VFX_OK)
        s = vfx_image_arith(in, black, VFX_ARITH_ADD, &sum);
    if (s == VFX_OK)
        s = vfx_image_crop(sum, is->display, ready);
    vfx_image_unref(sum);
    vfx_image_unref(black);
    vfx_spec_clear(&spec);
    return s;
}

static vfx_status
resize_entry(vfx_image *in, vfx_rect display, int mode, const char *filter, float fwidth,
             const float *ratio, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "resize: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "resize: input is NULL");
    vfx_image *ready;
    vfx_status s = vfx__pad_to_display(in, &ready);
    if (s != VFX_OK)
        return s;
    s = resize_common(ready, vfx_image_rod(in), display, mode, filter, fwidth, ratio, out);
    vfx_image_unref(ready);
    return s;
}

vfx_status
vfx_image_resize(vfx_image *in, vfx_rect display, const char *filter, float filter_width,
                 vfx_image **out)
{
    return resize_entry(in, display, 0, filter, filter_width, NULL, out);
}

vfx_status
vfx_image_resample(vfx_image *in, vfx_rect display, int interpolate, vfx_image **out)
{
    return resize_entry(in, display, interpolate ? 1 : 2, NULL, 0, NULL, out);
}

vfx_status
vfx_image_fit(vfx_image *in, vfx_rect box, const char *filter, const char *fillmode, int pad,
              vfx_image **out)
{
    return vfx_image_fit_ex(in, box, filter, fillmode, pad, 0, out);
}

vfx_status
vfx_image_fit_ex(vfx_image *in, vfx_rect box, const char *filter, const char *fillmode,
                 int pad, int exact, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "fit: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "fit: input is NULL");
    const vfx_spec *is = vfx_image_spec(in);
    int32_t         fw = (int32_t) vfx_rect_width(box), fh = (int32_t) vfx_rect_height(box);
    int32_t         sw = (int32_t) vfx_rect_width(is->display);
    int32_t         sh = (int32_t) vfx_rect_height(is->display);
    if (fw <= 0 || fh <= 0 || sw <= 0 || sh <= 0)
        return vfx__fail(VFX_ERR_ARG, "fit: empty box or display window");
    /* oiiotool's arithmetic, float rounding included */
    float   old_aspect = (float) sw / (float) sh, new_aspect = (float) fw / (float) fh;
    int32_t rw = fw, rh = fh, xoff = 0, yoff = 0;
    int     by_height;
    if (fillmode && strcmp(fillmode, "height") == 0)
        by_height = 1;
    else if (fillmode && strcmp(fillmode, "width") == 0)
        by_height = 0;
    else /* letterbox */
        by_height = new_aspect >= old_aspect;
    if (by_height) {
        rw = (int32_t) ((float) rh * old_aspect + 0.5f);
        xoff = (fw - rw) / 2;
    } else {
        rh = (int32_t) ((float) rw / old_aspect + 0.5f);
        yoff = (fh - rh) / 2;
    }
    vfx_image *r = NULL, *r0 = NULL, *sum = NULL, *black = NULL;
    vfx_rect   rr = vfx_rect_make(box.x0 + xoff, box.y0 + yoff, rw, rh);
    /* OIIO 2.4 sizes the filter by the box over the source (not the resized rect) */
    float      ratio[2] = { (float) fw / (float) sw, (float) fh / (float) sh };
    if (exact) { /* the exact scale, the remainder split evenly on both sides */
        float scale = by_height ? (float) fh / (float) sh : (float) fw / (float) sw;
        float fx = by_height ? ((float) fw - scale * (float) sw) / 2.0f : 0.0f;
        float fy = by_height ? 0.0f : ((float) fh - scale * (float) sh) / 2.0f;
        fx += (float) box.x0 - scale * (float) is->display.x0;
        fy += (float) box.y0 - scale * (float) is->display.y0;
        return vfx__fit_exact(in, box, scale, fx, fy, filter, ratio[0], ratio[1], out);
    }
    vfx_status s = resize_entry(in, rr, 0, filter, 0, ratio, &r0);
    if (s != VFX_OK)
        return s;
    s = vfx_image_crop(r0, rr, &r); /* the data window is exactly the resized rect here */
    vfx_image_unref(r0);
    if (s != VFX_OK)
        return s;
    /* the display window becomes the box; with pad the data window is the box too (black) */
    vfx_image *cur = vfx_image_ref(r);
    vfx_spec   spec = VFX_SPEC_INIT;
    if (pad) {
        float zero[64] = { 0 };
        s = vfx_spec_copy(&spec, vfx_image_spec(r));
        if (s == VFX_OK && vfx_image_n_channels(r) > 64)
            s = vfx__fail(VFX_ERR_ARG, "fit: more than 64 channels");
        if (s == VFX_OK) {
            spec.data = box;
            s = vfx_image_new_constant(zero, &spec, &black);
        }
        if (s == VFX_OK)
            s = vfx_image_arith(r, black, VFX_ARITH_ADD, &sum);
        vfx_image_unref(cur);
        cur = NULL;
        if (s == VFX_OK)
            s = vfx_image_crop(sum, box, &cur);
    }
    if (s == VFX_OK)
        s = vfx_image_translate(cur, 0, 0, box, out);
    vfx_image_unref(cur);
    vfx_spec_clear(&spec);
    vfx_image_unref(sum);
    vfx_image_unref(black);
    vfx_image_unref(r);
    return s;
}
