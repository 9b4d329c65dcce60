/* blend: layer blend modes of a source image A over a backdrop B, as the W3C "Compositing and
 * Blending Level 1" recommendation defines them (section 9, separable blend modes), with its
 * premultiplied compositing of the result:
 *
 *     co = cs (1 - ab) + cb (1 - as) + as ab B(Cb, Cs)       ao = as + ab - as ab
 *
 * where cs, cb are the premultiplied inputs, Cs = cs / as, Cb = cb / ab (0 where alpha is 0).
 * Without an alpha channel both are opaque and co = B(Cb, Cs). Blend functions B(Cb, Cs):
 *
 *   multiply    Cb Cs                   screen      Cb + Cs - Cb Cs
 *   overlay     hardlight(Cs, Cb)       hardlight   Cs <= .5 ? Cb 2Cs : screen(Cb, 2Cs - 1)
 *   softlight   Cs <= .5 ? Cb - (1 - 2Cs) Cb (1 - Cb) : Cb + (2Cs - 1)(D(Cb) - Cb),
 *               D(x) = x <= .25 ? ((16x - 12)x + 4)x : sqrt(x)
 *   darken      min(Cb, Cs)             lighten     max(Cb, Cs)
 *   difference  |Cb - Cs|               exclusion   Cb + Cs - 2 Cb Cs
 *
 * "add" (plus) is the Porter-Duff plus of the same document: co = cs + cb on every channel,
 * alpha included (like oiiotool --add), not clamped. The formulas are applied to values
 * outside [0, 1] as they are (scene-linear data is not clipped). OpenImageIO has none of these
 * but add (and multiply, darken, lighten, difference as --mul, --min, --max, --absdiff on
 * opaque images, which the tests check against).
 *
 * The RoD is the union of the inputs' (each reads 0 outside its own), the spec A's. Z and
 * depth channels are taken from A. Written here: the formulas are short and have no library. */
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct blend_params {
    int32_t mode, nc, alpha;
    uint8_t skip[64]; /* alpha and depth: not blended */
} blend_params;

static inline float
hardlight(float cb, float cs)
{
    if (cs <= 0.5f)
        return cb * (2.0f * cs);
    float s = 2.0f * cs - 1.0f;
    return cb + s - cb * s;
}

static inline float
blendf(int mode, float cb, float cs)
{
    switch (mode) {
    case VFX_BLEND_MULTIPLY: return cb * cs;
    case VFX_BLEND_SCREEN: return cb + cs - cb * cs;
    case VFX_BLEND_OVERLAY: return hardlight(cs, cb);
    case VFX_BLEND_HARDLIGHT: return hardlight(cb, cs);
    case VFX_BLEND_SOFTLIGHT: {
        if (cs <= 0.5f)
            return cb - (1.0f - 2.0f * cs) * cb * (1.0f - cb);
        float d = cb <= 0.25f ? ((16.0f * cb - 12.0f) * cb + 4.0f) * cb : sqrtf(cb);
        return cb + (2.0f * cs - 1.0f) * (d - cb);
    }
    case VFX_BLEND_DARKEN: return fminf(cb, cs);
    case VFX_BLEND_LIGHTEN: return fmaxf(cb, cs);
    case VFX_BLEND_DIFFERENCE: return fabsf(cb - cs);
    case VFX_BLEND_EXCLUSION: return cb + cs - 2.0f * cb * cs;
    default: return cb + cs; /* add */
    }
}

static vfx_status
blend_rod(const vfx_node *n, vfx_rect *rod_out)
{
    *rod_out = vfx_rect_union(vfx__node_rod(vfx__node_input(n, 0)),
                              vfx__node_rod(vfx__node_input(n, 1)));
    return VFX_OK;
}

static vfx_status
blend_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const blend_params *p = vfx__node_params(n);
    (void) scratch;
    int32_t nc = p->nc, al = p->alpha, mode = p->mode;
    int64_t w = vfx_rect_width(out->rect);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int64_t i = 0; i < w; i++, a += nc, b += nc, q += nc) {
            if (mode == VFX_BLEND_ADD) {
                for (int32_t c = 0; c < nc; c++)
                    q[c] = a[c] + b[c];
                continue;
            }
            if (al < 0) {
                for (int32_t c = 0; c < nc; c++)
                    q[c] = p->skip[c] ? a[c] : blendf(mode, b[c], a[c]);
                continue;
            }
            float as = a[al], ab = b[al];
            float is = as != 0.0f ? 1.0f / as : 0.0f, ib = ab != 0.0f ? 1.0f / ab : 0.0f;
            for (int32_t c = 0; c < nc; c++) {
                if (p->skip[c]) {
                    q[c] = a[c];
                    continue;
                }
                float B = blendf(mode, b[c] * ib, a[c] * is);
                q[c] = a[c] * (1.0f - ab) + b[c] * (1.0f - as) + as * ab * B;
            }
            q[al] = as + ab - as * ab;
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_blend = {
    sizeof(vfx_op_class), "blend", 0, sizeof(blend_params),
    blend_rod, NULL, blend_render, NULL, NULL, NULL, NULL, NULL
};

static const char *const mode_names[] = { "multiply", "screen",  "overlay",    "softlight",
                                          "hardlight", "darken", "lighten",    "difference",
                                          "exclusion", "add" };

vfx_blend_mode
vfx_blend_mode_from_name(const char *name)
{
    if (!name)
        return (vfx_blend_mode) -1;
    for (int i = 0; i < (int) VFX__COUNTOF(mode_names); i++)
        if (strcmp(name, mode_names[i]) == 0)
            return (vfx_blend_mode) i;
    if (strcmp(name, "plus") == 0)
        return VFX_BLEND_ADD;
    if (strcmp(name, "soft-light") == 0 || strcmp(name, "soft_light") == 0)
        return VFX_BLEND_SOFTLIGHT;
    if (strcmp(name, "hard-light") == 0 || strcmp(name, "hard_light") == 0)
        return VFX_BLEND_HARDLIGHT;
    return (vfx_blend_mode) -1;
}

vfx_status
vfx_image_blend(vfx_image *a, vfx_image *b, vfx_blend_mode mode, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "blend: out is NULL");
    *out = NULL;
    if (!a || !b)
        return vfx__fail(VFX_ERR_ARG, "blend: NULL input");
    if ((int) mode < 0 || (int) mode > VFX_BLEND_ADD)
        return vfx__fail(VFX_ERR_ARG, "blend: unknown mode %d", (int) mode);
    blend_params p;
    memset(&p, 0, sizeof p);
    p.mode = (int32_t) mode;
    p.nc = vfx_image_n_channels(a);
    if (p.nc != vfx_image_n_channels(b) || p.nc > 64)
        return vfx__fail(VFX_ERR_ARG, "blend: %d channels vs %d (need the same, at most 64)",
                         (int) p.nc, (int) vfx_image_n_channels(b));
    const vfx_channels *ca = vfx_image_spec(a)->channels, *cb = vfx_image_spec(b)->channels;
    p.alpha = vfx_channels_find_role(ca, VFX_ROLE_ALPHA);
    if (p.alpha != vfx_channels_find_role(cb, VFX_ROLE_ALPHA))
        return vfx__fail(VFX_ERR_ARG, "blend: the alpha channels differ (index %d vs %d)",
                         (int) p.alpha, (int) vfx_channels_find_role(cb, VFX_ROLE_ALPHA));
    if (p.alpha >= 0)
        p.skip[p.alpha] = 1;
    int32_t z = vfx_channels_find_role(ca, VFX_ROLE_DEPTH);
    int32_t zb = vfx_channels_find_role(ca, VFX_ROLE_DEPTH_BACK);
    if (z >= 0)
        p.skip[z] = 1;
    if (zb >= 0)
        p.skip[zb] = 1;
    vfx_image *in[2] = { a, b };
    return vfx__node_new(&vfx__op_blend, &p, sizeof p, in, 2, NULL, out);
}
