/* over / zover: Porter-Duff "A over B" of premultiplied images, out = A + (1 - A.alpha) B on
 * every channel, as OIIO's over(): RoD = the union of the inputs' (each reads 0 outside its
 * own), channels and display window of A. zover picks, per pixel, the nearer of the two
 * (smaller Z; with zero_is_inf a Z of 0 means infinitely far) as the front layer, and the
 * result's Z is the front's where the front's alpha is not 0, else the back's. */
#include <math.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct over_params {
    int32_t alpha, z; /* channel indexes; z < 0 for plain over */
    int32_t zero_is_inf;
} over_params;

static vfx_status
over_rod(const vfx_node *n, vfx_rect *rod_out)
{
    *rod_out = vfx_rect_union(vfx__node_rod(vfx__node_input(n, 0)),
                              vfx__node_rod(vfx__node_input(n, 1)));
    return VFX_OK;
}

/* RGBA with alpha last: vectorises across pixels. */
VFX__HOT_KERNEL static void
over4(const float *restrict a, const float *restrict b, float *restrict d, int64_t n_px)
{
    for (int64_t i = 0; i < n_px; i++) {
        float k = 1.0f - a[4 * i + 3];
        d[4 * i + 0] = a[4 * i + 0] + k * b[4 * i + 0];
        d[4 * i + 1] = a[4 * i + 1] + k * b[4 * i + 1];
        d[4 * i + 2] = a[4 * i + 2] + k * b[4 * i + 2];
        d[4 * i + 3] = a[4 * i + 3] + k * b[4 * i + 3];
    }
}

static vfx_status
over_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const over_params *p = vfx__node_params(n);
    int32_t            nc = out->n_channels, al = p->alpha, zc = p->z;
    int64_t            w = vfx_rect_width(out->rect);
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *d = vfx__tile_at(out, out->rect.x0, y);
        if (zc < 0 && nc == 4 && al == 3) {
            over4(a, b, d, w);
            continue;
        }
        for (int64_t i = 0; i < w; i++) {
            const float *f = a + i * nc, *g = b + i * nc;
            float       *q = d + i * nc;
            if (zc >= 0) {
                float az = f[zc], bz = g[zc];
                if (p->zero_is_inf) {
                    az = az == 0.0f ? INFINITY : az;
                    bz = bz == 0.0f ? INFINITY : bz;
                }
                if (bz < az) { /* B is in front */
                    const float *t = f;
                    f = g;
                    g = t;
                }
            }
            float k = 1.0f - f[al];
            for (int32_t c = 0; c < nc; c++)
                q[c] = f[c] + k * g[c];
            if (zc >= 0)
                q[zc] = f[al] != 0.0f ? f[zc] : g[zc];
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_over = {
    sizeof(vfx_op_class), "over", 0, sizeof(over_params),
    over_rod, NULL, over_render, NULL, NULL, NULL, NULL, NULL
};

static vfx_status
over_new(vfx_image *a, vfx_image *b, int z, int zero_is_inf, vfx_image **out)
{
    const char *what = z ? "zover" : "over";
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!a || !b)
        return vfx__fail(VFX_ERR_ARG, "%s: NULL input", what);
    if (vfx_image_n_channels(a) != vfx_image_n_channels(b))
        return vfx__fail(VFX_ERR_ARG, "%s: %d channels vs %d", what,
                         (int) vfx_image_n_channels(a), (int) vfx_image_n_channels(b));
    const vfx_channels *ch = vfx_image_spec(a)->channels;
    over_params         p = { vfx_channels_find_role(ch, VFX_ROLE_ALPHA), -1, zero_is_inf };
    if (p.alpha < 0 || vfx_channels_find_role(vfx_image_spec(b)->channels, VFX_ROLE_ALPHA) != p.alpha)
        return vfx__fail(VFX_ERR_ARG, "%s: both images need an alpha channel, at the same index",
                         what);
    if (z) {
        p.z = vfx_channels_find_role(ch, VFX_ROLE_DEPTH);
        if (p.z < 0 || vfx_channels_find_role(vfx_image_spec(b)->channels, VFX_ROLE_DEPTH) != p.z)
            return vfx__fail(VFX_ERR_ARG, "zover: both images need a Z channel, at the same index");
    }
    vfx_image *in[2] = { a, b };
    return vfx__node_new(&vfx__op_over, &p, sizeof p, in, 2, NULL, out);
}

vfx_status
vfx_image_over(vfx_image *a, vfx_image *b, vfx_image **out)
{
    return over_new(a, b, 0, 0, out);
}

vfx_status
vfx_image_zover(vfx_image *a, vfx_image *b, int zero_is_inf, vfx_image **out)
{
    return over_new(a, b, 1, zero_is_inf, out);
}
