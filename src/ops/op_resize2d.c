/* resize2d: resize through a non-separable filter (radial-lanczos3, disk). Each output pixel
 * sums the (2 radi + 1) x (2 radj + 1) source pixels around its sample point, weighted by the
 * 2-D filter and normalised by the total weight (as OIIO). The filter is evaluated per tap:
 * these filters are rare, so this path favours exactness over speed. */
#include <math.h>
#include <string.h>

#include "ops/filter.h"

typedef struct r2_params {
    int32_t id, radi, radj, nc;
    float   fw, fh, xr, yr;
    int32_t sf0[2], sfw[2], df0[2], dfw[2];
    vfx_rect rod;
} r2_params;

/* Source sample coordinate of output coordinate o on axis k, split into floor and fraction. */
static int32_t
sample(const r2_params *p, int k, int32_t o, float *frac)
{
    float s = (float) p->sf0[k] +
              ((float) (o - p->df0[k]) + 0.5f) * (1.0f / (float) p->dfw[k]) * (float) p->sfw[k];
    float fl = floorf(s);
    *frac = s - fl;
    return (int32_t) fl;
}

static void
r2_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const r2_params *p = vfx__node_params(n);
    float            f;
    (void) k;
    need_out->x0 = sample(p, 0, want->x0, &f) - p->radi;
    need_out->x1 = sample(p, 0, want->x1 - 1, &f) + p->radi + 1;
    need_out->y0 = sample(p, 1, want->y0, &f) - p->radj;
    need_out->y1 = sample(p, 1, want->y1 - 1, &f) + p->radj + 1;
}

static vfx_edge
r2_edge(const vfx_node *n, int k)
{
    (void) n;
    (void) k;
    return VFX_EDGE_CLAMP;
}

static vfx_status
r2_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const r2_params *p = vfx__node_params(n);
    int32_t          nc = out->n_channels;
    double           acc[64];
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float   fy;
        int32_t sy = sample(p, 1, y, &fy);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++) {
            float   fx;
            int32_t sx = sample(p, 0, x, &fx);
            double  tw = 0;
            for (int32_t c = 0; c < nc; c++)
                acc[c] = 0;
            for (int32_t j = -p->radj; j <= p->radj; j++)
                for (int32_t i = -p->radi; i <= p->radi; i++) {
                    float w = vfx__filter_2d(p->id, p->fw, p->fh,
                                             p->xr * ((float) i - (fx - 0.5f)),
                                             p->yr * ((float) j - (fy - 0.5f)));
                    if (w == 0.0f)
                        continue;
                    const float *s = vfx__tile_at(in[0], sx + i, sy + j);
                    tw += (double) w;
                    for (int32_t c = 0; c < nc; c++)
                        acc[c] += (double) w * (double) s[c];
                }
            float *d = vfx__tile_at(out, x, y);
            for (int32_t c = 0; c < nc; c++)
                d[c] = tw == 0.0 ? 0.0f : (float) (acc[c] / tw);
        }
    }
    return VFX_OK;
}

static vfx_status
r2_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const r2_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

const vfx_op_class vfx__op_resize2d = {
    sizeof(vfx_op_class), "resize2d", 0, sizeof(r2_params),
    r2_rod, r2_roi, r2_render, NULL, NULL, r2_edge, NULL, NULL
};

vfx_status
vfx__resize2d_new(vfx_image *in, vfx_rect display, vfx_rect rod, int id, float fwidth,
                  vfx_image **out)
{
    const vfx_spec *is = vfx_image_spec(in);
    r2_params       p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.rod = rod;
    p.nc = vfx_image_n_channels(in);
    if (p.nc > 64)
        return vfx__fail(VFX_ERR_ARG, "resize: more than 64 channels");
    p.sf0[0] = is->display.x0;
    p.sf0[1] = is->display.y0;
    p.sfw[0] = (int32_t) vfx_rect_width(is->display);
    p.sfw[1] = (int32_t) vfx_rect_height(is->display);
    p.df0[0] = display.x0;
    p.df0[1] = display.y0;
    p.dfw[0] = (int32_t) vfx_rect_width(display);
    p.dfw[1] = (int32_t) vfx_rect_height(display);
    p.xr = (float) p.dfw[0] / (float) p.sfw[0];
    p.yr = (float) p.dfw[1] / (float) p.sfw[1];
    p.fw = fwidth > 0 ? fwidth : vfx__filter_width(id) * fmaxf(1.0f, p.xr);
    p.fh = fwidth > 0 ? fwidth : vfx__filter_width(id) * fmaxf(1.0f, p.yr);
    p.radi = (int32_t) ceilf(p.fw * 0.5f / p.xr);
    p.radj = (int32_t) ceilf(p.fh * 0.5f / p.yr);
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, is);
    if (s == VFX_OK) {
        spec.data = rod;
        spec.display = display;
        s = vfx__node_new(&vfx__op_resize2d, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}
