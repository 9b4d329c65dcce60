/* box_blur: separable mean over a (2 rx + 1) x (2 ry + 1) window. Grows its RoI by the radius;
 * the engine fills the input outside its RoD per the edge mode, so render() never tests
 * borders. Running sums in f64: a horizontal pass into scratch, then a vertical pass. */
#include <string.h>

#include "ops/op_int.h"

#define BLUR_MAX_RADIUS 4096

typedef struct blur_params {
    int32_t  rx, ry;
    vfx_edge edge;
} blur_params;

static vfx_status
blur_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const blur_params *p = vfx__node_params(n);
    vfx_rect in = vfx__node_rod(vfx__node_input(n, 0));
    /* Black edges: the blur spreads past the input. Other modes: same RoD (as OIIO). */
    *rod_out = p->edge == VFX_EDGE_BLACK ? vfx_rect_grow(in, p->rx, p->ry) : in;
    return VFX_OK;
}

static void
blur_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const blur_params *p = vfx__node_params(n);
    (void) k;
    *need_out = vfx_rect_grow(*want, p->rx, p->ry);
}

static vfx_edge
blur_edge(const vfx_node *n, int k)
{
    const blur_params *p = vfx__node_params(n);
    (void) k;
    return p->edge;
}

static size_t
blur_scratch(const vfx_node *n, const vfx_rect *tile)
{
    const blur_params *p = vfx__node_params(n);
    size_t nc = (size_t) vfx__node_channels(n), w = (size_t) vfx_rect_width(*tile);
    size_t h = (size_t) vfx_rect_height(*tile) + 2 * (size_t) p->ry;
    return h * w * nc * sizeof(float) + 64 + (w + 1) * nc * sizeof(double);
}

/* True when the input rows hold an Inf or NaN: running sums would smear it (inf - inf). */
static int
has_nonfinite(const vfx_tile *src, int64_t width, int64_t height)
{
    uint32_t bad = 0;
    int64_t n = width * src->n_channels;
    for (int64_t r = 0; r < height; r++) {
        const float *s = src->p + r * src->stride;
        for (int64_t i = 0; i < n; i++) {
            uint32_t bits;
            memcpy(&bits, s + i, sizeof bits);
            bad |= (uint32_t) ((bits & 0x7f800000u) == 0x7f800000u);
        }
    }
    return bad != 0;
}

/* The exact path for tiles with Inf or NaN: every window summed afresh, so a non-finite value
 * affects only the windows that hold it (as the definition says). O(r) per pixel. */
static void
blur_direct(const blur_params *p, vfx_tile *out, const vfx_tile *src, float *hbuf)
{
    int32_t nc = out->n_channels;
    int64_t w = vfx_rect_width(out->rect), h = vfx_rect_height(out->rect);
    int64_t hh = h + 2 * (int64_t) p->ry, win_x = 2 * (int64_t) p->rx + 1;
    int64_t win_y = 2 * (int64_t) p->ry + 1;
    ptrdiff_t hstride = (ptrdiff_t) w * nc;
    for (int64_t r = 0; r < hh; r++) {
        const float *s = src->p + r * src->stride;
        for (int64_t i = 0; i < w * nc; i++) {
            double sum = 0;
            for (int64_t k = 0; k < win_x; k++)
                sum += s[i + k * nc];
            hbuf[r * hstride + i] = (float) sum;
        }
    }
    double norm = 1.0 / ((double) win_x * (double) win_y);
    for (int64_t y = 0; y < h; y++) {
        float *d = out->p + y * out->stride;
        for (int64_t i = 0; i < w * nc; i++) {
            double sum = 0;
            for (int64_t k = 0; k < win_y; k++)
                sum += hbuf[(y + k) * hstride + i];
            d[i] = (float) (sum * norm);
        }
    }
}

static vfx_status
blur_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const blur_params *p = vfx__node_params(n);
    const vfx_tile *src = in[0];
    int32_t nc = out->n_channels;
    int64_t w = vfx_rect_width(out->rect), h = vfx_rect_height(out->rect);
    int64_t hh = h + 2 * (int64_t) p->ry, win_x = 2 * (int64_t) p->rx + 1;
    ptrdiff_t hstride = (ptrdiff_t) w * nc;
    float *hbuf = scratch;
    size_t hbytes = ((size_t) (hh * hstride) * sizeof(float) + 63) & ~(size_t) 63;
    double *col = (double *) (void *) ((uint8_t *) scratch + hbytes);
    double *acc = col + w * nc;
    if (has_nonfinite(src, w + win_x - 1, hh)) {
        blur_direct(p, out, src, hbuf);
        return VFX_OK;
    }

    /* Horizontal: hbuf row r = window sums of input row r (input covers x0-rx .. x1+rx). */
    for (int64_t r = 0; r < hh; r++) {
        const float *s = src->p + r * src->stride;
        float *d = hbuf + r * hstride;
        for (int32_t c = 0; c < nc; c++) {
            double sum = 0;
            for (int64_t k = 0; k < win_x; k++)
                sum += s[k * nc + c];
            acc[c] = sum;
        }
        for (int64_t j = 0;; j++) {
            for (int32_t c = 0; c < nc; c++)
                d[j * nc + c] = (float) acc[c];
            if (j + 1 == w)
                break;
            const float *add = s + (j + win_x) * nc, *sub = s + j * nc;
            for (int32_t c = 0; c < nc; c++)
                acc[c] += (double) add[c] - (double) sub[c];
        }
    }
    /* Vertical: running column sums over 2 ry + 1 hbuf rows. */
    double norm = 1.0 / ((double) win_x * (double) (2 * (int64_t) p->ry + 1));
    for (int64_t i = 0; i < w * nc; i++) {
        double sum = 0;
        for (int64_t k = 0; k <= 2 * (int64_t) p->ry; k++)
            sum += hbuf[k * hstride + i];
        col[i] = sum;
    }
    for (int64_t y = 0;; y++) {
        float *d = out->p + y * out->stride;
        for (int64_t i = 0; i < w * nc; i++)
            d[i] = (float) (col[i] * norm);
        if (y + 1 == h)
            break;
        const float *add = hbuf + (y + 2 * (int64_t) p->ry + 1) * hstride;
        const float *sub = hbuf + y * hstride;
        for (int64_t i = 0; i < w * nc; i++)
            col[i] += (double) add[i] - (double) sub[i];
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_box_blur = {
    sizeof(vfx_op_class), "box_blur", 0, sizeof(blur_params),
    blur_rod, blur_roi, blur_render, blur_scratch, NULL, blur_edge, NULL, NULL
};

vfx_status
vfx_image_box_blur(vfx_image *in, int32_t rx, int32_t ry, vfx_edge edge, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "box_blur: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "box_blur: input is NULL");
    if (rx < 0 || ry < 0 || rx > BLUR_MAX_RADIUS || ry > BLUR_MAX_RADIUS)
        return vfx__fail(VFX_ERR_ARG, "box_blur: radius (%d, %d) outside [0, %d]", (int) rx,
                         (int) ry, BLUR_MAX_RADIUS);
    if (edge < VFX_EDGE_BLACK || edge > VFX_EDGE_MIRROR)
        return vfx__fail(VFX_ERR_ARG, "box_blur: unknown edge mode %d", (int) edge);
    blur_params p = { rx, ry, edge };
    return vfx__node_new(&vfx__op_box_blur, &p, sizeof p, &in, 1, NULL, out);
}
