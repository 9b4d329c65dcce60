/* Drawing and noise on an image, pointwise (they fuse; a pixel depends on its own value and
 * position only), with oiiotool's meanings:
 *
 *  fill   (--fill GEOM): pixels inside a rect REPLACED by a colour, or by a gradient between
 *         colours at the rect's first and last pixel centres: vertical (top, bottom), horizontal
 *         (left, right) or bilinear (top-left, top-right, bottom-left, bottom-right).
 *  box    (--box x1,y1,x2,y2): the outline (or, with fill, the whole) of an inclusive rect.
 *  points (--point x,y,...) and lines (--line x1,y1,x2,y2,...: a polyline): pixels chosen by
 *         Bresenham's integer algorithm (ties towards the smaller minor coordinate, as oiiotool
 *         draws them), stored as a sorted list at creation so a row finds its pixels by binary
 *         search.
 *  (oiiotool 2.4 draws no filled box when x2 < x1 or y2 < y1; we draw the box the corners
 *  span.)
 *  Box, point and line colours go OVER the pixel: p = color + p (1 - color.alpha) (alpha 1
 *  when the image has none).
 *  noise  (--noise): gaussian (mean + stddev N(0,1), Box-Muller), uniform (min..max), added;
 *         salt (the pixel set to value with probability portion). A pure function of (seed, x,
 *         y, channel) -- the same pixels for any tiling or thread count; blue (min..max, added):
 *         a 64 x 64 void-and-cluster blue-noise tile, offset per channel; with mono one draw per
 *         pixel for every channel. Every channel, alpha included, as oiiotool 2.4 does. The
 *         random numbers are our own (a 64-bit mix), not OIIO's, so noise matches oiiotool in
 *         distribution, not pixel by pixel.
 * Pixels outside the input's data window are not drawn (the RoD is the input's). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

enum { D_FILL, D_BOX, D_PIXELS, D_NOISE };

typedef struct draw_params {
    int32_t  kind, nc, alpha, filled, grad; /* grad: 0 constant, 1 vertical, 2 horizontal, 3 4 corners */
    vfx_rect rect;                          /* fill / box (half-open) */
    float    col[4][64];                    /* colour, or corners tl, tr, bl, br */
    int32_t  noise, mono;
    float    a, b; /* gaussian mean, stddev / uniform min, max / salt value, portion */
    uint64_t seed;
    int64_t  n_px;
    int32_t *px; /* D_PIXELS: n_px (y, x) pairs sorted, owned */
} draw_params;

static void
draw_free(void *params)
{
    draw_params *p = params;
    vfx__free(p->px);
    p->px = NULL;
}

static inline uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Two independent uniforms in (0, 1] from (seed, x, y, c). */
static inline void
uniforms(uint64_t seed, int32_t x, int32_t y, int32_t c, double *u1, double *u2)
{
    uint64_t h = mix64(seed ^ mix64(((uint64_t) (uint32_t) y << 32) | (uint32_t) x) ^
                       ((uint64_t) (uint32_t) c * 0x9E3779B97F4A7C15u));
    uint64_t g = mix64(h + 0xD1B54A32D192ED03u);
    *u1 = ((double) (h >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    *u2 = ((double) (g >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/* ---- blue noise: a 64 x 64 rank table made once by Ulichney's void-and-cluster method (a
 * Gaussian energy, sigma 1.5, on the torus); written here, no library has it. Each pixel's
 * value is (rank + 0.5) / 4096, so one tile holds every value once (flat histogram) with little
 * low-frequency energy. Channels (and seeds) read the table at different toroidal offsets. */
#define BN 64
#define BN2 (BN * BN)
static uint16_t        bn_rank[BN2];
static pthread_once_t  bn_once = PTHREAD_ONCE_INIT;

static void
bn_update(double *e, const double *k, int pos, double sign)
{
    int px = pos % BN, py = pos / BN;
    for (int y = 0; y < BN; y++)
        for (int x = 0; x < BN; x++)
            e[y * BN + x] += sign * k[((y - py + BN) % BN) * BN + (x - px + BN) % BN];
}

/* the one with the highest (want 1) energy among ones, or the lowest among zeros */
static int
bn_find(const double *e, const uint8_t *on, int want_one)
{
    int best = -1;
    for (int i = 0; i < BN2; i++) {
        if (on[i] != want_one)
            continue;
        if (best < 0 || (want_one ? e[i] > e[best] : e[i] < e[best]))
            best = i;
    }
    return best;
}

static void
bn_make(void)
{
    static double  k[BN2], e[BN2], e0[BN2];
    static uint8_t on[BN2], on0[BN2];
    for (int y = 0; y < BN; y++)
        for (int x = 0; x < BN; x++) {
            int dx = x < BN / 2 ? x : BN - x, dy = y < BN / 2 ? y : BN - y;
            k[y * BN + x] = exp(-(double) (dx * dx + dy * dy) / (2.0 * 1.5 * 1.5));
        }
    memset(on, 0, sizeof on);
    memset(e, 0, sizeof e);
    int m = BN2 / 10;
    for (int n = 0, i = 0; n < m; i++) { /* a white-noise start */
        int pos = (int) (mix64((uint64_t) i + 12345) % BN2);
        if (!on[pos]) {
            on[pos] = 1;
            bn_update(e, k, pos, 1.0);
            n++;
        }
    }
    for (int it = 0; it < 4 * BN2; it++) { /* move tightest clusters into largest voids */
        int c = bn_find(e, on, 1);
        on[c] = 0;
        bn_update(e, k, c, -1.0);
        int v = bn_find(e, on, 0);
        on[v] = 1;
        bn_update(e, k, v, 1.0);
        if (v == c)
            break;
    }
    memcpy(on0, on, sizeof on);
    memcpy(e0, e, sizeof e);
    for (int r = m - 1; r >= 0; r--) { /* phase 1: rank the start by removing clusters */
        int c = bn_find(e, on, 1);
        on[c] = 0;
        bn_update(e, k, c, -1.0);
        bn_rank[c] = (uint16_t) r;
    }
    memcpy(on, on0, sizeof on);
    memcpy(e, e0, sizeof e);
    for (int r = m; r < BN2; r++) { /* phase 2: fill the largest voids */
        int v = bn_find(e, on, 0);
        on[v] = 1;
        bn_update(e, k, v, 1.0);
        bn_rank[v] = (uint16_t) r;
    }
}

static inline float
blue(uint64_t seed, int32_t x, int32_t y, int32_t c)
{
    uint64_t h = mix64(seed + (uint64_t) c * 0x9E3779B97F4A7C15u);
    int32_t  X = (int32_t) (((uint32_t) x + (uint32_t) (h & 63)) & (BN - 1));
    int32_t  Y = (int32_t) (((uint32_t) y + (uint32_t) ((h >> 6) & 63)) & (BN - 1));
    return ((float) bn_rank[Y * BN + X] + 0.5f) * (1.0f / (float) BN2);
}

static inline void
over(float *d, const float *s, const float *color, int32_t nc, int32_t alpha)
{
    float k = 1.0f - (alpha >= 0 ? color[alpha] : 1.0f);
    for (int32_t c = 0; c < nc; c++)
        d[c] = color[c] + s[c] * k;
}

static void
draw_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const draw_params *p = vfx__node_params(n);
    int32_t            nc = p->nc;
    if (in != out)
        memcpy(out, in, (size_t) n_px * (size_t) nc * sizeof *out);
    if (p->kind == D_NOISE) {
        for (int32_t i = 0; i < n_px; i++) {
            float *d = out + (ptrdiff_t) i * nc;
            for (int32_t c = 0; c < nc; c++) {
                double u1, u2;
                if (p->noise == VFX_NOISE_BLUE) {
                    d[c] += p->a + (p->b - p->a) * blue(p->seed, x + i, y, p->mono ? 0 : c);
                    continue;
                }
                uniforms(p->seed, x + i, y, p->mono ? 0 : c, &u1, &u2);
                if (p->noise == VFX_NOISE_GAUSSIAN)
                    d[c] += (float) (p->a + p->b * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
                else if (p->noise == VFX_NOISE_UNIFORM)
                    d[c] += (float) (p->a + (p->b - p->a) * (u1 - 0x1p-53));
                else if (u1 <= p->b)
                    d[c] = p->a;
            }
        }
        return;
    }
    if (p->kind == D_PIXELS) {
        /* first (y, x) >= (y, x0) */
        int64_t lo = 0, hi = p->n_px;
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            const int32_t *q = p->px + 2 * mid;
            if (q[0] < y || (q[0] == y && q[1] < x))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int64_t k = lo; k < p->n_px && p->px[2 * k] == y && p->px[2 * k + 1] < x + n_px; k++) {
            float *d = out + (ptrdiff_t) (p->px[2 * k + 1] - x) * nc;
            over(d, d, p->col[0], nc, p->alpha);
        }
        return;
    }
    const vfx_rect *r = &p->rect;
    if (y < r->y0 || y >= r->y1)
        return;
    int32_t xa = VFX__MAX(x, r->x0), xb = VFX__MIN(x + n_px, r->x1);
    if (p->kind == D_BOX) {
        int edge_row = y == r->y0 || y == r->y1 - 1;
        for (int32_t X = xa; X < xb; X++) {
            if (p->filled || edge_row || X == r->x0 || X == r->x1 - 1) {
                float *d = out + (ptrdiff_t) (X - x) * nc;
                over(d, d, p->col[0], nc, p->alpha);
            }
        }
        return;
    }
    /* D_FILL: replace; gradients put the colours on the first and last pixel centres */
    float ty = r->y1 - r->y0 > 1 ? (float) (y - r->y0) / (float) (r->y1 - r->y0 - 1) : 0.0f;
    for (int32_t X = xa; X < xb; X++) {
        float *d = out + (ptrdiff_t) (X - x) * nc;
        float  tx = r->x1 - r->x0 > 1 ? (float) (X - r->x0) / (float) (r->x1 - r->x0 - 1) : 0.0f;
        for (int32_t c = 0; c < nc; c++) {
            switch (p->grad) {
            case 0: d[c] = p->col[0][c]; break;
            case 1: d[c] = p->col[0][c] + ty * (p->col[1][c] - p->col[0][c]); break;
            case 2: d[c] = p->col[0][c] + tx * (p->col[1][c] - p->col[0][c]); break;
            default: {
                float top = p->col[0][c] + tx * (p->col[1][c] - p->col[0][c]);
                float bot = p->col[2][c] + tx * (p->col[3][c] - p->col[2][c]);
                d[c] = top + ty * (bot - top);
            }
            }
        }
    }
}

const vfx_op_class vfx__op_draw = {
    sizeof(vfx_op_class), "draw", VFX_OP_POINTWISE, sizeof(draw_params),
    NULL, NULL, NULL, NULL, draw_row, NULL, NULL, draw_free
};

static vfx_status
draw_init(vfx_image *in, draw_params *p, int kind, const float *color, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "draw: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "draw: input is NULL");
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->nc = vfx_image_n_channels(in);
    if (p->nc > 64)
        return vfx__fail(VFX_ERR_ARG, "draw: more than 64 channels");
    p->alpha = vfx_channels_find_role(vfx_image_spec(in)->channels, VFX_ROLE_ALPHA);
    if (color)
        memcpy(p->col[0], color, (size_t) p->nc * sizeof(float));
    return VFX_OK;
}

vfx_status
vfx_image_fill(vfx_image *in, vfx_rect rect, const float *const *colors, int32_t n_colors,
               int vertical, vfx_image **out)
{
    draw_params p;
    VFX_TRY(draw_init(in, &p, D_FILL, NULL, out));
    if (!colors || (n_colors != 1 && n_colors != 2 && n_colors != 4) || vfx_rect_is_empty(rect))
        return vfx__fail(VFX_ERR_ARG, "fill: need 1, 2 or 4 colours and a non-empty rect");
    for (int32_t k = 0; k < n_colors; k++)
        memcpy(p.col[k], colors[k], (size_t) p.nc * sizeof(float));
    p.grad = n_colors == 1 ? 0 : n_colors == 4 ? 3 : vertical ? 1 : 2;
    p.rect = rect;
    return vfx__node_new(&vfx__op_draw, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_draw_box(vfx_image *in, int32_t x1, int32_t y1, int32_t x2, int32_t y2,
                   const float *color, int filled, vfx_image **out)
{
    draw_params p;
    VFX_TRY(draw_init(in, &p, D_BOX, color, out));
    if (!color)
        return vfx__fail(VFX_ERR_ARG, "box: NULL colour");
    p.rect = (vfx_rect){ VFX__MIN(x1, x2), VFX__MIN(y1, y2), VFX__MAX(x1, x2) + 1,
                         VFX__MAX(y1, y2) + 1 };
    p.filled = filled;
    return vfx__node_new(&vfx__op_draw, &p, sizeof p, &in, 1, NULL, out);
}

static int
cmp_yx(const void *a, const void *b)
{
    const int32_t *p = a, *q = b;
    return p[0] != q[0] ? (p[0] < q[0] ? -1 : 1) : (p[1] != q[1] ? (p[1] < q[1] ? -1 : 1) : 0);
}

#define DRAW_MAX_PIXELS (16 << 20)

vfx_status
vfx_image_draw_lines(vfx_image *in, const int32_t *xy, int32_t n_points, int polyline,
                     const float *color, vfx_image **out)
{
    draw_params p;
    VFX_TRY(draw_init(in, &p, D_PIXELS, color, out));
    if (!color || !xy || n_points < 1 || (polyline && n_points < 2))
        return vfx__fail(VFX_ERR_ARG, "%s: need a colour and %s", polyline ? "line" : "point",
                         polyline ? "two or more points" : "one or more points");
    /* count, then fill */
    int64_t total = 0;
    for (int32_t i = 0; i < n_points; i++) {
        if (!polyline)
            total++;
        else if (i + 1 < n_points)
            total += VFX__MAX(llabs((long long) xy[2 * i + 2] - xy[2 * i]),
                              llabs((long long) xy[2 * i + 3] - xy[2 * i + 1])) + 1;
    }
    if (total > DRAW_MAX_PIXELS)
        return vfx__fail(VFX_ERR_LIMIT, "line: %lld pixels to draw (at most %d)", (long long) total,
                         DRAW_MAX_PIXELS);
    p.px = vfx__alloc((size_t) total * 2 * sizeof(int32_t));
    if (!p.px)
        return vfx__nomem();
    int64_t k = 0;
    for (int32_t i = 0; i < n_points; i++) {
        if (!polyline) {
            p.px[2 * k] = xy[2 * i + 1];
            p.px[2 * k + 1] = xy[2 * i];
            k++;
            continue;
        }
        if (i + 1 >= n_points)
            break;
        int64_t x0 = xy[2 * i], y0 = xy[2 * i + 1], x1 = xy[2 * i + 2], y1 = xy[2 * i + 3];
        int64_t dx = llabs(x1 - x0), dy = llabs(y1 - y0);
        int     steep = dy > dx;
        /* walk the major axis from the first point; the minor coordinate is the exact line's,
         * rounded with halves towards the first point (as oiiotool draws them) */
        int64_t da = steep ? dy : dx, db = steep ? dx : dy;
        int64_t sa = (steep ? y1 - y0 : x1 - x0) < 0 ? -1 : 1;
        int64_t sb = (steep ? x1 - x0 : y1 - y0) < 0 ? -1 : 1;
        int64_t a0 = steep ? y0 : x0, b0 = steep ? x0 : y0;
        /* the first point of later segments is the last of the one before: drawn once (and
         * a closed polyline's start, which is its end) */
        int closed = n_points > 2 && xy[0] == xy[2 * n_points - 2] && xy[1] == xy[2 * n_points - 1];
        for (int64_t t = (i > 0 || closed) ? 1 : 0; t <= da; t++) {
            int64_t off = da ? (2 * db * t + da - 1) / (2 * da) : 0;
            int64_t a = a0 + sa * t, b = b0 + sb * off;
            p.px[2 * k] = (int32_t) (steep ? a : b);
            p.px[2 * k + 1] = (int32_t) (steep ? b : a);
            k++;
        }
    }
    p.n_px = k;
    /* sorted by (y, x); a pixel listed twice (a crossing, a repeated point) is drawn twice, as
     * oiiotool does */
    qsort(p.px, (size_t) k, 2 * sizeof(int32_t), cmp_yx);
    return vfx__node_new(&vfx__op_draw, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_add_noise(vfx_image *in, vfx_noise_type type, float a, float b, int mono,
                    uint64_t seed, vfx_image **out)
{
    draw_params p;
    VFX_TRY(draw_init(in, &p, D_NOISE, NULL, out));
    if ((int) type < 0 || (int) type > VFX_NOISE_BLUE)
        return vfx__fail(VFX_ERR_ARG, "noise: unknown type %d", (int) type);
    p.noise = (int32_t) type;
    p.a = a;
    p.b = b;
    p.mono = mono;
    p.seed = mix64(seed + 0x5EED);
    if (type == VFX_NOISE_BLUE)
        pthread_once(&bn_once, bn_make);
    return vfx__node_new(&vfx__op_draw, &p, sizeof p, &in, 1, NULL, out);
}
