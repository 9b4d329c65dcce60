/* Tone and remap ops, pointwise (they fuse), with OpenImageIO's meanings (ImageBufAlgo
 * contrast_remap, saturate, rangecompress / rangeexpand, repremult), and color_map (not
 * pointwise: it makes 3 channels out of any number).
 *
 * contrast: r = (x - black) / (white - black); with scontrast != 1 an S curve through
 *   sthresh, normalised so 0 -> 0 and 1 -> 1 (the sigmoid ImageMagick documents as
 *   "sigmoidal contrast"); then r = lerp(min, max, r). black == white is a hard threshold
 *   (x < black ? min : max). Float arithmetic in the same order as OIIO, so results agree to
 *   the last bit or two.
 * saturate: rgb = luma + scale (rgb - luma), luma with Rec.709 weights, on three channels from
 *   first_channel (alpha and Z may not be among them).
 * rangecompress / rangeexpand: the Sony Pictures Imageworks log curve OIIO uses (identity up to
 *   0.18, logarithmic above, sign-symmetric, exact inverse of each other); per channel, or
 *   with luma scaling all colour channels by f(luma) / luma. Alpha and Z are left alone.
 * repremult: premult that leaves pixels with alpha 0 unchanged (OIIO repremult).
 * color_map: knots spaced evenly over [0, 1], linear between, the input clamped to [0, 1];
 *   the source value is channel src_channel, or Rec.709 luma of channels 0-2 when it is -1 and
 *   the image has 3 or more channels (channel 0 otherwise). The named maps are the data
 *   OpenImageIO 2.4 ships, 17 knots each, read back from oiiotool --colormap on a 17-pixel
 *   ramp (so they match it exactly): inferno, viridis, magma and plasma are Matplotlib's maps
 *   by Nathaniel Smith and Stefan van der Walt (CC0), linearised from sRGB; turbo is Google's
 *   map (Anton Mikhailov, Apache-2.0), linearised; blue-red, spectrum and heat are OIIO's own
 *   simple ramps. */
#include <math.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

enum { T_CONTRAST, T_SATURATE, T_RCOMP, T_REXP, T_REPREMULT };

typedef struct tone_params {
    int32_t kind, nc, luma, first, alpha, sigmoid, minmax, threshold;
    uint8_t skip[64]; /* alpha and Z for rangecompress / repremult */
    float   black[64], bwinv[64], min[64], max[64], sc[64], st[64], y0[64], den[64];
    float   scale;
} tone_params;

/* The Imageworks curve (constants as OIIO has them). */
#define RC_X1 0.18f
#define RC_A -0.54576885700225830078f
#define RC_B 0.18351669609546661377f
#define RC_C 284.3577880859375f

static inline float
rcompress(float x)
{
    float ax = fabsf(x);
    if (ax <= RC_X1)
        return x;
    return copysignf(RC_A + RC_B * logf(fabsf(RC_C * ax + 1.0f)), x);
}

static inline float
rexpand(float y)
{
    float ay = fabsf(y);
    if (ay <= RC_X1)
        return y;
    float e = expf((ay - RC_A) / RC_B);
    float x = (e - 1.0f) / RC_C;
    if (x < RC_X1) /* the other root of |c x + 1| */
        x = (-e - 1.0f) / RC_C;
    return copysignf(x, y);
}

static void
tone_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const tone_params *p = vfx__node_params(n);
    int32_t            nc = p->nc;
    (void) x;
    (void) y;
    for (int32_t i = 0; i < n_px; i++) {
        const float *s = in + (ptrdiff_t) i * nc;
        float       *d = out + (ptrdiff_t) i * nc;
        switch (p->kind) {
        case T_CONTRAST:
            for (int32_t c = 0; c < nc; c++) {
                float r;
                if (p->threshold) {
                    r = s[c] < p->black[c] ? p->min[c] : p->max[c];
                } else {
                    r = (s[c] - p->black[c]) * p->bwinv[c];
                    if (p->sigmoid) {
                        float v = 1.0f / (1.0f + expf(p->sc[c] * (p->st[c] - r)));
                        r = (v - p->y0[c]) / p->den[c];
                    }
                    if (p->minmax)
                        r = (1.0f - r) * p->min[c] + r * p->max[c];
                }
                d[c] = r;
            }
            break;
        case T_SATURATE: {
            float r = s[p->first], g = s[p->first + 1], b = s[p->first + 2];
            float l = r * 0.2126f + g * 0.7152f + b * 0.0722f;
            if (d != s)
                memcpy(d, s, (size_t) nc * sizeof *d);
            d[p->first] = l + p->scale * (r - l);
            d[p->first + 1] = l + p->scale * (g - l);
            d[p->first + 2] = l + p->scale * (b - l);
            break;
        }
        case T_RCOMP:
        case T_REXP: {
            int   comp = p->kind == T_RCOMP;
            float k = 1.0f;
            if (p->luma) {
                float l = 0.21264f * s[0] + 0.71517f * s[1] + 0.07219f * s[2];
                k = l > 0.0f ? (comp ? rcompress(l) : rexpand(l)) / l : 0.0f;
            }
            for (int32_t c = 0; c < nc; c++)
                d[c] = p->skip[c] ? s[c]
                       : p->luma  ? s[c] * k
                       : comp     ? rcompress(s[c])
                                  : rexpand(s[c]);
            break;
        }
        default: { /* T_REPREMULT */
            float a = s[p->alpha];
            for (int32_t c = 0; c < nc; c++)
                d[c] = (p->skip[c] || a == 1.0f || a == 0.0f) ? s[c] : s[c] * a;
            break;
        }
        }
    }
}

const vfx_op_class vfx__op_tone = {
    sizeof(vfx_op_class), "tone", VFX_OP_POINTWISE, sizeof(tone_params),
    NULL, NULL, NULL, NULL, tone_row, NULL, NULL, NULL
};

/* Common set-up: channel count, alpha and Z. */
static vfx_status
tone_init(vfx_image *in, tone_params *p, int kind, const char *what, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "%s: input is NULL", what);
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->nc = vfx_image_n_channels(in);
    if (p->nc > 64)
        return vfx__fail(VFX_ERR_ARG, "%s: more than 64 channels", what);
    const vfx_channels *ch = vfx_image_spec(in)->channels;
    p->alpha = vfx_channels_find_role(ch, VFX_ROLE_ALPHA);
    int32_t z = vfx_channels_find_role(ch, VFX_ROLE_DEPTH);
    if (p->alpha >= 0)
        p->skip[p->alpha] = 1;
    if (z >= 0)
        p->skip[z] = 1;
    return VFX_OK;
}

void
vfx_contrast_params_init(vfx_contrast_params *p)
{
    for (int c = 0; c < 64; c++) {
        p->black[c] = p->min[c] = 0.0f;
        p->white[c] = p->max[c] = p->scontrast[c] = 1.0f;
        p->sthresh[c] = 0.5f;
    }
}

vfx_status
vfx_image_contrast(vfx_image *in, const vfx_contrast_params *cp, vfx_image **out)
{
    tone_params p;
    VFX_TRY(tone_init(in, &p, T_CONTRAST, "contrast", out));
    if (!cp)
        return vfx__fail(VFX_ERR_ARG, "contrast: NULL parameters");
    int same = 1, sig = 0, mm = 0;
    for (int32_t c = 0; c < p.nc; c++) {
        p.black[c] = cp->black[c];
        p.min[c] = cp->min[c];
        p.max[c] = cp->max[c];
        p.sc[c] = cp->scontrast[c];
        p.st[c] = cp->sthresh[c];
        p.bwinv[c] = 1.0f / (cp->white[c] - cp->black[c]);
        same &= cp->black[c] == cp->white[c];
        sig |= cp->scontrast[c] != 1.0f;
        mm |= cp->min[c] != 0.0f || cp->max[c] != 1.0f;
        p.y0[c] = 1.0f / (1.0f + expf(p.sc[c] * p.st[c]));
        p.den[c] = 1.0f / (1.0f + expf(p.sc[c] * (p.st[c] - 1.0f))) - p.y0[c];
    }
    p.threshold = same;
    p.sigmoid = sig;
    p.minmax = mm;
    return vfx__node_new(&vfx__op_tone, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_saturate(vfx_image *in, float scale, int32_t first_channel, vfx_image **out)
{
    tone_params p;
    VFX_TRY(tone_init(in, &p, T_SATURATE, "saturate", out));
    if (first_channel < 0 || first_channel + 3 > p.nc)
        return vfx__fail(VFX_ERR_ARG, "saturate: needs 3 channels from channel %d (the image has %d)",
                         (int) first_channel, (int) p.nc);
    for (int32_t c = first_channel; c < first_channel + 3; c++)
        if (p.skip[c])
            return vfx__fail(VFX_ERR_ARG, "saturate: channel %d is alpha or Z", (int) c);
    p.first = first_channel;
    p.scale = scale;
    return vfx__node_new(&vfx__op_tone, &p, sizeof p, &in, 1, NULL, out);
}

static vfx_status
range_new(vfx_image *in, int expand, int luma, vfx_image **out)
{
    tone_params p;
    VFX_TRY(tone_init(in, &p, expand ? T_REXP : T_RCOMP, expand ? "rangeexpand" : "rangecompress",
                      out));
    /* luma needs three colour channels first (else per channel, as OIIO) */
    p.luma = luma && p.nc >= 3 && !p.skip[0] && !p.skip[1] && !p.skip[2];
    return vfx__node_new(&vfx__op_tone, &p, sizeof p, &in, 1, NULL, out);
}

vfx_status
vfx_image_rangecompress(vfx_image *in, int luma, vfx_image **out)
{
    return range_new(in, 0, luma, out);
}

vfx_status
vfx_image_rangeexpand(vfx_image *in, int luma, vfx_image **out)
{
    return range_new(in, 1, luma, out);
}

vfx_status
vfx_image_repremult(vfx_image *in, vfx_image **out)
{
    tone_params p;
    VFX_TRY(tone_init(in, &p, T_REPREMULT, "repremult", out));
    if (p.alpha < 0) /* nothing to do, as OIIO */
        return vfx_image_crop(in, VFX_RECT_INFINITE, out);
    return vfx__node_new(&vfx__op_tone, &p, sizeof p, &in, 1, NULL, out);
}

/* ---- color_map ------------------------------------------------------------------------------ */

#define CMAP_MAX_KNOTS 1024

typedef struct cmap_params {
    int32_t src, n_knots;
    float   knots[CMAP_MAX_KNOTS * 3];
} cmap_params;

static const struct {
    const char *name;
    float       k[17][3];
} named_maps[] = {
    { "inferno", {
        { 0.000113f, 3.6e-05f, 0.001073f },
        { 0.003275f, 0.002178f, 0.017634f },
        { 0.015183f, 0.003697f, 0.06876f },
        { 0.046307f, 0.002834f, 0.130327f },
        { 0.095494f, 0.005137f, 0.154432f },
        { 0.163601f, 0.00992f, 0.156097f },
        { 0.25389f, 0.016282f, 0.143715f },
        { 0.367418f, 0.024893f, 0.119982f },
        { 0.500495f, 0.038279f, 0.089117f },
        { 0.642469f, 0.061553f, 0.057555f },
        { 0.77619f, 0.102517f, 0.031141f },
        { 0.883568f, 0.16999f, 0.012559f },
        { 0.951614f, 0.271639f, 0.002704f },
        { 0.972636f, 0.413571f, 0.005451f },
        { 0.943272f, 0.599923f, 0.035112f },
        { 0.8849f, 0.822282f, 0.140466f },
        { 0.973729f, 0.996282f, 0.373522f } } },
    { "viridis", {
        { 0.057951f, 0.000377f, 0.088657f },
        { 0.064791f, 0.009258f, 0.14534f },
        { 0.063189f, 0.025975f, 0.198994f },
        { 0.054539f, 0.051494f, 0.237655f },
        { 0.043139f, 0.084803f, 0.258811f },
        { 0.032927f, 0.124348f, 0.268148f },
        { 0.025232f, 0.169666f, 0.271584f },
        { 0.019387f, 0.221569f, 0.270909f },
        { 0.014846f, 0.281323f, 0.263855f },
        { 0.013529f, 0.34953f, 0.246357f },
        { 0.021457f, 0.425216f, 0.215605f },
        { 0.049317f, 0.505412f, 0.172291f },
        { 0.112305f, 0.585164f, 0.121207f },
        { 0.229143f, 0.657992f, 0.070438f },
        { 0.417964f, 0.717561f, 0.029928f },
        { 0.683952f, 0.762557f, 0.009977f },
        { 0.984709f, 0.799651f, 0.018243f } } },
    { "magma", {
        { 0.000113f, 3.6e-05f, 0.001073f },
        { 0.003066f, 0.002406f, 0.016033f },
        { 0.012176f, 0.005476f, 0.062265f },
        { 0.036874f, 0.005102f, 0.146314f },
        { 0.081757f, 0.006177f, 0.200758f },
        { 0.143411f, 0.011719f, 0.218382f },
        { 0.22611f, 0.019191f, 0.221188f },
        { 0.334672f, 0.027718f, 0.212689f },
        { 0.47168f, 0.037966f, 0.191879f },
        { 0.632894f, 0.053268f, 0.15987f },
        { 0.79591f, 0.083327f, 0.124705f },
        { 0.913454f, 0.146074f, 0.106311f },
        { 0.970011f, 0.248466f, 0.12074f },
        { 0.991142f, 0.384808f, 0.16759f },
        { 0.992958f, 0.553563f, 0.24777f },
        { 0.982888f, 0.756759f, 0.367372f },
        { 0.9708f, 0.980633f, 0.521749f } } },
    { "plasma", {
        { 0.00397f, 0.002307f, 0.240854f },
        { 0.031078f, 0.001421f, 0.307376f },
        { 0.073167f, 0.00074f, 0.356714f },
        { 0.132456f, 6.6e-05f, 0.38804f },
        { 0.20933f, 0.000928f, 0.390312f },
        { 0.300631f, 0.005819f, 0.358197f },
        { 0.399925f, 0.017084f, 0.301977f },
        { 0.501006f, 0.036122f, 0.240788f },
        { 0.600808f, 0.063814f, 0.186921f },
        { 0.698178f, 0.101409f, 0.142698f },
        { 0.790993f, 0.151134f, 0.106347f },
        { 0.874354f, 0.216492f, 0.076152f },
        { 0.940588f, 0.302179f, 0.051495f },
        { 0.980469f, 0.413691f, 0.032625f },
        { 0.984224f, 0.556999f, 0.020728f },
        { 0.942844f, 0.738124f, 0.018271f },
        { 0.868931f, 0.944416f, 0.01559f } } },
    { "turbo", {
        { 0.03006f, 0.00619f, 0.04403f },
        { 0.05131f, 0.05183f, 0.35936f },
        { 0.06204f, 0.1482f, 0.77017f },
        { 0.0544f, 0.29523f, 0.99718f },
        { 0.0216f, 0.50023f, 0.8338f },
        { 0.00892f, 0.72094f, 0.54189f },
        { 0.03205f, 0.8879f, 0.31235f },
        { 0.15318f, 0.98683f, 0.1231f },
        { 0.37185f, 0.97738f, 0.04454f },
        { 0.61188f, 0.83681f, 0.03455f },
        { 0.85432f, 0.62499f, 0.04203f },
        { 0.98447f, 0.41196f, 0.0342f },
        { 0.9631f, 0.20754f, 0.01503f },
        { 0.82971f, 0.08083f, 0.00438f },
        { 0.63144f, 0.02851f, 0.0014f },
        { 0.39907f, 0.00776f, 0.00033f },
        { 0.19564f, 0.00123f, 0.00082f } } },
    { "blue-red", {
        { 0.0f, 0.0f, 1.0f },
        { 0.0625f, 0.0f, 0.9375f },
        { 0.125f, 0.0f, 0.875f },
        { 0.1875f, 0.0f, 0.8125f },
        { 0.25f, 0.0f, 0.75f },
        { 0.3125f, 0.0f, 0.6875f },
        { 0.375f, 0.0f, 0.625f },
        { 0.4375f, 0.0f, 0.5625f },
        { 0.5f, 0.0f, 0.5f },
        { 0.5625f, 0.0f, 0.4375f },
        { 0.625f, 0.0f, 0.375f },
        { 0.6875f, 0.0f, 0.3125f },
        { 0.75f, 0.0f, 0.25f },
        { 0.8125f, 0.0f, 0.1875f },
        { 0.875f, 0.0f, 0.125f },
        { 0.9375f, 0.0f, 0.0625f },
        { 1.0f, 0.0f, 0.0f } } },
    { "spectrum", {
        { 0.0f, 0.0f, 0.05f },
        { 0.0f, 0.0f, 0.225f },
        { 0.0f, 0.0f, 0.4f },
        { 0.0f, 0.0f, 0.575f },
        { 0.0f, 0.0f, 0.75f },
        { 0.0f, 0.125f, 0.5625f },
        { 0.0f, 0.25f, 0.375f },
        { 0.0f, 0.375f, 0.1875f },
        { 0.0f, 0.5f, 0.0f },
        { 0.125f, 0.5f, 0.0f },
        { 0.25f, 0.5f, 0.0f },
        { 0.375f, 0.5f, 0.0f },
        { 0.5f, 0.5f, 0.0f },
        { 0.625f, 0.375f, 0.0f },
        { 0.75f, 0.25f, 0.0f },
        { 0.875f, 0.125f, 0.0f },
        { 1.0f, 0.0f, 0.0f } } },
    { "heat", {
        { 0.0f, 0.0f, 0.0f },
        { 0.0125f, 0.0f, 0.0f },
        { 0.025f, 0.0f, 0.0f },
        { 0.0375f, 0.0f, 0.0f },
        { 0.05f, 0.0f, 0.0f },
        { 0.1f, 0.0f, 0.0f },
        { 0.15f, 0.0f, 0.0f },
        { 0.2f, 0.0f, 0.0f },
        { 0.25f, 0.0f, 0.0f },
        { 0.375f, 0.1875f, 0.0f },
        { 0.5f, 0.375f, 0.0f },
        { 0.625f, 0.5625f, 0.0f },
        { 0.75f, 0.75f, 0.0f },
        { 0.8125f, 0.8125f, 0.25f },
        { 0.875f, 0.875f, 0.5f },
        { 0.9375f, 0.9375f, 0.75f },
        { 1.0f, 1.0f, 1.0f } } },
};

static vfx_status
cmap_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const cmap_params *p = vfx__node_params(n);
    (void) scratch;
    int32_t nci = in[0]->n_channels, nk = p->n_knots;
    int64_t w = vfx_rect_width(out->rect);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int64_t i = 0; i < w; i++, a += nci, q += 3) {
            float v = p->src < 0 ? 0.2126f * a[0] + 0.7152f * a[1] + 0.0722f * a[2] : a[p->src];
            /* position among the knots; NaN and values outside [0, 1] clamp */
            float s = (v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f) * (float) (nk - 1);
            int32_t k = (int32_t) s;
            if (k >= nk - 1)
                k = nk - 2;
            float t = s - (float) k;
            const float *k0 = p->knots + 3 * k;
            for (int c = 0; c < 3; c++)
                q[c] = (1.0f - t) * k0[c] + t * k0[3 + c];
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_colormap = {
    sizeof(vfx_op_class), "colormap", 0, sizeof(cmap_params),
    NULL, NULL, cmap_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_color_map(vfx_image *in, int32_t src_channel, const char *name, const float *knots,
                    int32_t n_knots, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "color_map: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "color_map: input is NULL");
    int32_t nc = vfx_image_n_channels(in);
    if (src_channel >= nc || src_channel < -1)
        return vfx__fail(VFX_ERR_ARG, "color_map: no channel %d (the image has %d)",
                         (int) src_channel, (int) nc);
    cmap_params *pp = vfx__calloc(1, sizeof *pp); /* 12 KiB: built here, copied by the node */
    if (!pp)
        return vfx__nomem();
    pp->src = src_channel < 0 && nc < 3 ? 0 : src_channel;
    if (name) {
        for (size_t i = 0; i < VFX__COUNTOF(named_maps); i++) {
            if (strcmp(named_maps[i].name, name) == 0) {
                pp->n_knots = 17;
                memcpy(pp->knots, named_maps[i].k, sizeof named_maps[i].k);
            }
        }
        if (!pp->n_knots) {
            vfx__free(pp);
            return vfx__fail(VFX_ERR_ARG, "color_map: unknown map '%s' (inferno, viridis, magma, "
                                          "plasma, turbo, blue-red, spectrum, heat)", name);
        }
    } else {
        if (!knots || n_knots < 2 || n_knots > CMAP_MAX_KNOTS) {
            vfx__free(pp);
            return vfx__fail(VFX_ERR_ARG, "color_map: need 2 to %d RGB knots", CMAP_MAX_KNOTS);
        }
        pp->n_knots = n_knots;
        memcpy(pp->knots, knots, (size_t) n_knots * 3 * sizeof(float));
    }
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    if (s == VFX_OK) {
        vfx_channels_free(spec.channels);
        spec.channels = NULL;
        s = vfx_channels_from_names("R,G,B", VFX_PIXEL_F32, &spec.channels);
    }
    if (s == VFX_OK)
        s = vfx__node_new(&vfx__op_colormap, pp, sizeof *pp, &in, 1, &spec, out);
    vfx_spec_clear(&spec);
    vfx__free(pp);
    return s;
}
