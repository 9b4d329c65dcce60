/* OpenDRT v1.0.0, Base look: constant solver, the per-pixel transform and the view builder.
 * The algorithm is described step by step in shared/ref/opendrt/ALGORITHM.md; comments here
 * give the step numbers of that description.
 *
 * Precision: constants are solved in double. The per-pixel transform exists twice: a plain
 * double-precision version (pixel(), libm) that is the readable reference, and the f32 kernel
 * the processor runs, written as short branch-free loops over blocks of pixels so that they
 * vectorise (AVX2 clone picked at run time), with its own log2/exp2. The reference CTL itself
 * computes in float32; both versions stay within a few 1e-6 of its vectors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"
#include "color/drt_int.h"

_Static_assert(sizeof(vfx_opendrt_params) == 152, "vfx_opendrt_params layout is pinned");
_Static_assert(offsetof(vfx_opendrt_params, rs_weights) == 80, "vfx_opendrt_params layout");
_Static_assert(offsetof(vfx_opendrt_params, purity_compress_low) == 136, "vfx_opendrt_params");
_Static_assert(offsetof(vfx_opendrt_params, clamp) == 148, "vfx_opendrt_params layout");

#define SQRT3 1.7320508075688772

/* Quadratic toe and its exact inverse for x >= 0 (identities when t == 0). */
static double
toe_fwd(double x, double t)
{
    return t == 0.0 ? x : x * x / (x + t);
}

static double
toe_inv(double y, double t)
{
    return t == 0.0 ? y : (y + sqrt(y * (4.0 * t + y))) / 2.0;
}

/* The "safe power" of the reference: a non-positive base passes unchanged. */
static double
spow(double x, double e)
{
    return x <= 0.0 ? x : pow(x, e);
}

/* Hyperbolic power (x / (x + s))^p. */
static double
hyper(double x, double s, double p)
{
    return spow(x / (x + s), p);
}

static inline double
dmax(double a, double b)
{
    return a > b ? a : b;
}

static inline double
dmin(double a, double b)
{
    return a < b ? a : b;
}

static int
bad(double v)
{
    return !isfinite(v);
}

vfx_status
vfx_opendrt_solve(const vfx_opendrt_params *prm, vfx_opendrt_constants *out)
{
    if (!prm || !out)
        return vfx__fail(VFX_ERR_ARG, "opendrt: NULL argument");
    if (prm->size < sizeof(vfx_opendrt_params))
        return vfx__fail(VFX_ERR_ARG, "opendrt: params.size %zu is too small (start from "
                                      "VFX_OPENDRT_PARAMS_INIT)", prm->size);
    const vfx_opendrt_params *q = prm;
    if (bad(q->peak_nits) || q->peak_nits < 1.0 || q->peak_nits > 10000.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: peak_nits %g is outside [1, 10000]", q->peak_nits);
    if (bad(q->grey_nits) || q->grey_nits <= 0.0 || q->grey_nits >= 100.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: grey_nits %g is outside (0, 100)", q->grey_nits);
    if (bad(q->contrast) || q->contrast <= 0.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: contrast %g must be positive", q->contrast);
    if (bad(q->shoulder) || q->shoulder < -0.5 || q->shoulder > 2.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: shoulder %g is outside [-0.5, 2]", q->shoulder);
    if (bad(q->toe) || q->toe < 0.0 || q->toe > 1.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: toe %g is outside [0, 1]", q->toe);
    if (bad(q->offset) || 0.18 + q->offset <= 0.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: offset %g moves grey to or below 0", q->offset);
    if (bad(q->hdr_grey_boost) || bad(q->hdr_purity))
        return vfx__fail(VFX_ERR_ARG, "opendrt: hdr_grey_boost / hdr_purity must be finite");
    if (bad(q->rs_strength) || q->rs_strength < 0.0 || q->rs_strength >= 1.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: rs_strength %g is outside [0, 1)", q->rs_strength);
    for (int i = 0; i < 3; i++)
        if (bad(q->purity_weights[i]) || (i < 2 && bad(q->rs_weights[i])))
            return vfx__fail(VFX_ERR_ARG, "opendrt: weights must be finite");
    if (bad(q->purity_range_low) || q->purity_range_low <= 0.0 || bad(q->purity_range_high) ||
        q->purity_range_high <= 0.0)
        return vfx__fail(VFX_ERR_ARG, "opendrt: purity ranges must be positive");
    if (q->creative_white != VFX_WHITE_D65)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "opendrt: creative white other than D65 is not "
                                              "implemented (Base uses D65)");
    if ((unsigned) q->display_gamut > VFX_OPENDRT_GAMUT_REC2020)
        return vfx__fail(VFX_ERR_ARG, "opendrt: unknown display gamut %d", (int) q->display_gamut);
    if ((unsigned) q->clamp > VFX_OPENDRT_CLAMP_NONE)
        return vfx__fail(VFX_ERR_ARG, "opendrt: unknown clamp mode %d", (int) q->clamp);

    /* §1: three constraints (grey, grey slope through the toe, peak) solved in closed form. */
    vfx_opendrt_constants k;
    const double p = q->contrast, t = q->toe;
    k.x1 = exp2(6.0 * q->shoulder + 4.0);
    k.y1 = q->peak_nits / 100.0;
    k.x0 = 0.18 + q->offset;
    k.y0 = q->grey_nits / 100.0 * (1.0 + q->hdr_grey_boost * log2(k.y1));
    k.s0 = toe_inv(k.y0, t);
    k.s10 = k.x0 * (pow(k.s0, -1.0 / p) - 1.0);
    k.m1 = k.y1 / hyper(k.x1, k.s10, p);
    k.m2 = toe_inv(k.m1, t);
    k.s = k.x0 * (pow(k.s0 / k.m2, -1.0 / p) - 1.0);
    k.display_scale = 100.0 / q->peak_nits;
    k.purity_mix = q->hdr_purity * fmin(1.0, (q->peak_nits - 100.0) / 900.0);
    k.s_100 = k.x0 * (pow(q->grey_nits / 100.0, -1.0 / p) - 1.0);
    k.s1 = k.s * k.purity_mix + k.s_100 * (1.0 - k.purity_mix);
    if (!(k.y0 > 0.0) || !(k.s10 > 0.0) || !(k.s > 0.0) || !(k.s1 > 0.0) || bad(k.m2) ||
        !(k.m2 > 0.0))
        return vfx__fail(VFX_ERR_ARG, "opendrt: peak %g nits with grey %g nits and contrast %g "
                                      "admit no tonescale", q->peak_nits, q->grey_nits, p);
    *out = k;
    return VFX_OK;
}

static void
identity(double m[9])
{
    static const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    memcpy(m, id, sizeof id);
}

static vfx_status
p3_to(vfx_primaries dst, double m[9])
{
    vfx_chromaticities a, b;
    VFX_TRY(vfx_primaries_get(VFX_PRIMARIES_DISPLAY_P3, &a));
    VFX_TRY(vfx_primaries_get(dst, &b));
    return vfx_rgb_to_rgb_matrix(&a, &b, VFX_CAT_NONE, m); /* both D65 */
}

vfx_status
vfx__opendrt_build(const vfx_opendrt_params *prm, vfx__opendrt *out)
{
    vfx_opendrt_constants k;
    VFX_TRY(vfx_opendrt_solve(prm, &k));
    vfx__opendrt d;
    memset(&d, 0, sizeof d);
    d.p = prm->contrast;
    d.s = k.s;
    d.s1 = k.s1;
    d.m2 = k.m2;
    d.toe = prm->toe;
    d.dsc = k.display_scale;
    d.off = prm->offset;
    d.sa = prm->rs_strength;
    d.w[0] = prm->rs_weights[0];
    d.w[2] = prm->rs_weights[1];
    d.w[1] = 1.0 - d.w[0] - d.w[2];
    memcpy(d.pw, prm->purity_weights, sizeof d.pw);
    d.inv_rl = 1.0 / prm->purity_range_low;
    d.rh = prm->purity_range_high;
    identity(d.gamut_m);
    identity(d.post_m);
    if (prm->display_gamut == VFX_OPENDRT_GAMUT_REC709) {
        VFX_TRY(p3_to(VFX_PRIMARIES_REC709, d.gamut_m));
        d.gamut_pre = 1;
    } else if (prm->display_gamut == VFX_OPENDRT_GAMUT_REC2020) {
        VFX_TRY(p3_to(VFX_PRIMARIES_REC2020, d.post_m));
        d.gamut_post = 1;
    }
    d.rh_root4 = d.rh == 0.25;
    d.ptl = prm->purity_compress_low != 0;
    d.clamp = prm->clamp != VFX_OPENDRT_CLAMP_NONE;
    d.hi = prm->clamp == VFX_OPENDRT_CLAMP_PEAK       ? 1.0
           : prm->clamp == VFX_OPENDRT_CLAMP_PQ_RANGE ? 10000.0 / prm->peak_nits
                                                      : INFINITY;
    *out = d;
    return VFX_OK;
}

/* Step 11's constrained softplus: s ln(e^(y0/s) - e^(x0/s) + e^(x/s)), which maps x0 to y0
 * (up to the e^(y0/s) term), and is replaced by the identity above 10 s + y0. */
static double
softplus(double x, double s, double x0, double y0)
{
    if (x > 10.0 * s + y0 || s < 0.001)
        return x;
    double m = fabs(y0) > 1e-6 ? exp(y0 / s) : 1.0; /* constant-folded: s, x0, y0 are literals */
    m -= exp(x0 / s);
    return s * log(dmax(0.0, m + exp(x / s)));
}

static void
mat3(const double m[9], double v[3])
{
    double a = v[0], b = v[1], c = v[2];
    v[0] = m[0] * a + m[1] * b + m[2] * c;
    v[1] = m[3] * a + m[4] * b + m[5] * c;
    v[2] = m[6] * a + m[7] * b + m[8] * c;
}

static void
pixel(const vfx__opendrt *d, double v[3])
{
    const double sa = d->sa, *w = d->w;
    /* 2. rendering space, 3. offset */
    double l = w[0] * v[0] + w[1] * v[1] + w[2] * v[2];
    for (int c = 0; c < 3; c++)
        v[c] = sa * l + (1.0 - sa) * v[c] + d->off;
    /* 4. norms: tonescale (positive part, grey = grey) and purity (weighted, unclamped) */
    double pr = dmax(v[0], 0.0), pg = dmax(v[1], 0.0), pb = dmax(v[2], 0.0);
    double n = sqrt(pr * pr + pg * pg + pb * pb) / SQRT3;
    double q = sqrt(dmax(0.0, d->pw[0] * v[0] * v[0] + d->pw[1] * v[1] * v[1] +
                                  d->pw[2] * v[2] * v[2]));
    /* 5. ratios */
    for (int c = 0; c < 3; c++)
        v[c] = n != 0.0 ? dmax(v[c], -2.0) / n : 0.0;
    /* 6. tonescales */
    double nt = hyper(n, d->s, d->p), qt = hyper(q, d->s1, d->p);
    /* 7. achromatic distance, smoothed */
    double cy = v[0] - v[2], gm = v[1] - (v[0] + v[2]) / 2.0;
    double a = sqrt(dmax(0.0, cy * cy + gm * gm)) / SQRT3;
    a = 1.25 * toe_fwd(a, 0.25);
    /* 8. purity compression towards (1, 1, 1) */
    double cf = 1.0 - spow(qt, d->inv_rl);
    double h = dmin(1.0, a / 1.2);
    h *= h;
    if (d->rh < 1.0)
        h = 1.0 - h;
    cf = spow(cf, d->rh) * (1.0 - h) + cf * h;
    for (int c = 0; c < 3; c++)
        v[c] = v[c] * cf + (1.0 - cf);
    /* 9. rendering space inverse */
    l = w[0] * v[0] + w[1] * v[1] + w[2] * v[2];
    for (int c = 0; c < 3; c++)
        v[c] = (sa * l - v[c]) / (sa - 1.0);
    /* 10. display gamut */
    if (d->gamut_pre)
        mat3(d->gamut_m, v);
    /* 11. purity compress low: soft floor, paid for by scaling down */
    if (d->ptl) {
        double sum0 = softplus(v[0], 0.2, -100.0, -0.3) + v[1] + softplus(v[2], 0.2, -100.0, -0.3);
        v[0] = softplus(v[0], 0.04, -0.3, 0.0);
        v[1] = softplus(v[1], 0.06, -0.3, 0.0);
        v[2] = softplus(v[2], 0.01, -0.05, 0.0);
        double den = v[0] + v[1] + v[2];
        double k = den != 0.0 ? dmin(1.0, sum0 / den) : 0.0;
        for (int c = 0; c < 3; c++)
            v[c] *= k;
    }
    /* 12. final tonescale and display scale */
    double ts = toe_fwd(nt * d->m2, d->toe) * d->dsc;
    for (int c = 0; c < 3; c++)
        v[c] *= ts;
    /* 13. clamp; 14. P3-limited Rec.2020 */
    if (d->clamp)
        for (int c = 0; c < 3; c++)
            v[c] = dmin(dmax(v[c], 0.0), d->hi);
    if (d->gamut_post) {
        for (int c = 0; c < 3; c++)
            v[c] = dmax(v[c], 0.0);
        mat3(d->post_m, v);
    }
}

void
vfx__opendrt_span_f64(const vfx__opendrt *d, float *r, float *g, float *b, int n)
{
    for (int i = 0; i < n; i++) {
        double v[3] = { r[i], g[i], b[i] };
        pixel(d, v);
        r[i] = (float) v[0];
        g[i] = (float) v[1];
        b[i] = (float) v[2];
    }
}

/* ---- f32 kernel ------------------------------------------------------------------------------ */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define DRT_MULTIVERSION                                                                         \
    __attribute__((target_clones("avx2", "default"), optimize("no-trapping-math", "no-math-errno")))
#else
#define DRT_MULTIVERSION
#endif

#if defined(__GNUC__)
#define DRT_INLINE static inline __attribute__((always_inline))
#else
#define DRT_INLINE static inline
#endif

#define BLOCK 64

typedef union {
    float    f;
    uint32_t u;
} fbits;

/* log2 for x > 0 (normal): exponent plus 2 atanh(s) / ln 2 with s = (m - 1) / (m + 1), the
 * mantissa m folded into [0.707, 1.414) so |s| <= 0.172; the series to s^11 is exact to
 * float precision there. */
DRT_INLINE float
log2_f(float x)
{
    fbits v = { x };
    float e = (float) ((int32_t) (v.u >> 23) - 127);
    v.u = (v.u & 0x007fffffu) | 0x3f800000u;
    float m = v.f;
    float fold = m > 1.4142135f ? 1.0f : 0.0f;
    m *= 1.0f - 0.5f * fold;
    e += fold;
    float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
    float p = 1.0f / 11.0f;
    p = p * s2 + 1.0f / 9.0f;
    p = p * s2 + 1.0f / 7.0f;
    p = p * s2 + 1.0f / 5.0f;
    p = p * s2 + 1.0f / 3.0f;
    p = p * s2 + 1.0f;
    return e + s * p * 2.88539008f; /* 2 / ln 2 */
}

/* 2^x for x in [-126, 127] (clamped): integer part into the exponent bits, 2^f for
 * f in [-0.5, 0.5] by the Taylor series of e^(f ln 2) to degree 7 (error < 1e-8). */
DRT_INLINE float
exp2_f(float x)
{
    x = x < -126.0f ? -126.0f : x;
    x = x > 127.0f ? 127.0f : x;
    float k = (x + 12582912.0f) - 12582912.0f; /* round to nearest by the 1.5 * 2^23 trick */
    float t = (x - k) * 0.693147181f;
    float p = 1.0f / 5040.0f;
    p = p * t + 1.0f / 720.0f;
    p = p * t + 1.0f / 120.0f;
    p = p * t + 1.0f / 24.0f;
    p = p * t + 1.0f / 6.0f;
    p = p * t + 0.5f;
    p = p * t + 1.0f;
    p = p * t + 1.0f;
    fbits v;
    v.u = (uint32_t) ((int32_t) k + 127) << 23;
    return p * v.f;
}

/* x^e for x > 0; 0 for x <= 0 (where the reference's safe power returns x itself, only ever
 * reached at x == 0 here). */
DRT_INLINE float
pow_f(float x, float e)
{
    float y = exp2_f(e * log2_f(x > 1e-30f ? x : 1e-30f));
    return x > 0.0f ? y : 0.0f;
}

/* sqrt for x >= 0 (0 gives 0) without libm: sqrtf() keeps a call for errno on the negative
 * path, which stops GCC from vectorising the loop (optimize("no-math-errno") does not reach
 * it). 1/sqrt from the exponent-halving bit trick, three Newton steps (relative error
 * ~1e-7, float rounding), times x. */
DRT_INLINE float
sqrt_f(float x)
{
    fbits v = { x };
    v.u = 0x5f375a86u - (v.u >> 1);
    float y = v.f, hx = 0.5f * x;
    y = y * (1.5f - hx * y * y);
    y = y * (1.5f - hx * y * y);
    y = y * (1.5f - hx * y * y);
    return x * y;
}

/* ln(1 + x) for x >= 0 without losing x when it is tiny: ln(u) * x / (u - 1) with u = 1 + x
 * rounded (the rounding error of u cancels in the ratio). */
DRT_INLINE float
log1p_f(float x)
{
    x = x < 1e30f ? x : 1e30f;
    float u = 1.0f + x;
    float d = u - 1.0f;
    float l = 0.693147181f * log2_f(u) * x / (d != 0.0f ? d : 1.0f);
    return d != 0.0f ? l : x;
}

/* e^z - 1 for z <= 0, accurate near 0: Taylor to degree 8 for |z| < ln2 / 2, else e^z - 1. */
DRT_INLINE float
expm1_f(float z)
{
    float p = 1.0f / 40320.0f;
    p = p * z + 1.0f / 5040.0f;
    p = p * z + 1.0f / 720.0f;
    p = p * z + 1.0f / 120.0f;
    p = p * z + 1.0f / 24.0f;
    p = p * z + 1.0f / 6.0f;
    p = p * z + 0.5f;
    p = p * z + 1.0f;
    float big = exp2_f(z * 1.44269504f) - 1.0f;
    return z > -0.34657359f ? p * z : big;
}

/* softplus(x; s, x0, y0) with m = e^(y0/s) - e^(x0/s) precomputed: s ln(m + e^(x/s)) below
 * the identity threshold 10 s + y0. */
DRT_INLINE float
softplus_f(float x, float s, float inv_s, float m, float thr)
{
    float e = exp2_f(x * inv_s * 1.44269504f) + m;
    float y = s * 0.693147181f * log2_f(e > 1e-30f ? e : 1e-30f);
    return x > thr ? x : y;
}

typedef struct drt_f32 {
    float p, s, s1, m2, toe, dsc, off, sa, w0, w1, w2, pw0, pw1, pw2, inv_rl, rh, inv_sa1, hi;
    float gm[9], pm[9];
} drt_f32;

/* Stages 2-8 of ALGORITHM.md: ratios, tonescales, purity compression; leaves the ratios in
 * r, g, b and the tonescale n' in nt. */
DRT_MULTIVERSION static void
drt_ratios(const drt_f32 *k, const vfx__opendrt *d, float *restrict r, float *restrict g,
           float *restrict b, float *restrict nt, int n)
{
    const float sa = k->sa, sa1 = 1.0f - k->sa, w0 = k->w0, w1 = k->w1, w2 = k->w2;
    const float inv_sqrt3 = 0.577350269f;
    float bq[BLOCK], qt[BLOCK], cr[BLOCK];
    for (int i = 0; i < n; i++) {
        float l = w0 * r[i] + w1 * g[i] + w2 * b[i];
        float x = sa * l + sa1 * r[i] + k->off, y = sa * l + sa1 * g[i] + k->off,
              z = sa * l + sa1 * b[i] + k->off;
        float px = x > 0.0f ? x : 0.0f, py = y > 0.0f ? y : 0.0f, pz = z > 0.0f ? z : 0.0f;
        float nn = sqrt_f(px * px + py * py + pz * pz) * inv_sqrt3;
        float q2 = k->pw0 * x * x + k->pw1 * y * y + k->pw2 * z * z;
        float q = sqrt_f(q2 > 0.0f ? q2 : 0.0f);
        float inv = nn > 0.0f ? 1.0f / (nn > 1e-30f ? nn : 1e-30f) : 0.0f;
        r[i] = (x > -2.0f ? x : -2.0f) * inv;
        g[i] = (y > -2.0f ? y : -2.0f) * inv;
        b[i] = (z > -2.0f ? z : -2.0f) * inv;
        nt[i] = nn / (nn + k->s);
        bq[i] = q;
    }
    for (int i = 0; i < n; i++)
        nt[i] = pow_f(nt[i], k->p);
    /* c = 1 - q'^(1/rl) with q' = (q / (q + s1))^p, i.e. c = -expm1(p / rl * ln(q / (q + s1)))
     * and ln(q / (q + s1)) = -log1p(s1 / q): no cancellation when c is small (very bright,
     * saturated pixels), where 1 - q'^4 in float would lose most digits. */
    const float e = k->p * k->inv_rl;
    for (int i = 0; i < n; i++) {
        float q = bq[i];
        float z = -e * log1p_f(k->s1 / (q > 1e-30f ? q : 1e-30f));
        qt[i] = q > 0.0f ? -expm1_f(z) : 1.0f;
    }
    /* qt now holds the compression factor c, in [0, 1]; cr = c^rh */
    if (d->rh_root4)
        for (int i = 0; i < n; i++)
            cr[i] = sqrt_f(sqrt_f(qt[i] > 0.0f ? qt[i] : 0.0f));
    else
        for (int i = 0; i < n; i++)
            cr[i] = pow_f(qt[i], k->rh);
    const float hflip = d->rh < 1.0 ? 1.0f : 0.0f;
    for (int i = 0; i < n; i++) {
        float c = qt[i];
        float cy = r[i] - b[i], gm = g[i] - 0.5f * (r[i] + b[i]);
        float a2 = cy * cy + gm * gm;
        float a = sqrt_f(a2 > 0.0f ? a2 : 0.0f) * inv_sqrt3;
        a = 1.25f * a * a / (a + 0.25f);
        float h = a / 1.2f;
        h = h < 1.0f ? h : 1.0f;
        h *= h;
        h = hflip * (1.0f - h) + (1.0f - hflip) * h;
        c = cr[i] * (1.0f - h) + c * h;
        float x = r[i] * c + (1.0f - c), y = g[i] * c + (1.0f - c), z = b[i] * c + (1.0f - c);
        /* rendering space inverse */
        float l = w0 * x + w1 * y + w2 * z;
        r[i] = (sa * l - x) * k->inv_sa1;
        g[i] = (sa * l - y) * k->inv_sa1;
        b[i] = (sa * l - z) * k->inv_sa1;
    }
}

DRT_MULTIVERSION static void
drt_matrix(const float *m, float *restrict r, float *restrict g, float *restrict b, int n)
{
    for (int i = 0; i < n; i++) {
        float x = r[i], y = g[i], z = b[i];
        r[i] = m[0] * x + m[1] * y + m[2] * z;
        g[i] = m[3] * x + m[4] * y + m[5] * z;
        b[i] = m[6] * x + m[7] * y + m[8] * z;
    }
}

/* Step 11 with the constants of the Base curves. */
DRT_MULTIVERSION static void
drt_ptl(float *restrict r, float *restrict g, float *restrict b, int n)
{
    /* m = e^(y0/s) - e^(x0/s) for each curve, in double then rounded */
    const float m_sum = (float) (exp(-0.3 / 0.2) - exp(-100.0 / 0.2));
    const float m_r = (float) (1.0 - exp(-0.3 / 0.04)), m_g = (float) (1.0 - exp(-0.3 / 0.06)),
                m_b = (float) (1.0 - exp(-0.05 / 0.01));
    for (int i = 0; i < n; i++) {
        float x = r[i], y = g[i], z = b[i];
        float sum0 = softplus_f(x, 0.2f, 5.0f, m_sum, 1.7f) + y +
                     softplus_f(z, 0.2f, 5.0f, m_sum, 1.7f);
        x = softplus_f(x, 0.04f, 25.0f, m_r, 0.4f);
        y = softplus_f(y, 0.06f, 1.0f / 0.06f, m_g, 0.6f);
        z = softplus_f(z, 0.01f, 100.0f, m_b, 0.1f);
        float den = x + y + z;
        float kk = sum0 / (den != 0.0f ? den : 1.0f);
        kk = kk < 1.0f ? kk : 1.0f;
        kk = den != 0.0f ? kk : 0.0f;
        r[i] = x * kk;
        g[i] = y * kk;
        b[i] = z * kk;
    }
}

/* Steps 12-13: final tonescale, display scale, clamp. */
DRT_MULTIVERSION static void
drt_finish(const drt_f32 *k, int clamp, const float *restrict nt, float *restrict r,
           float *restrict g, float *restrict b, int n)
{
    const float lo = clamp ? 0.0f : -INFINITY, hi = k->hi;
    for (int i = 0; i < n; i++) {
        float x = nt[i] * k->m2;
        float t = k->toe > 0.0f ? x * x / (x + k->toe) : x;
        t *= k->dsc;
        float u = r[i] * t, v = g[i] * t, w = b[i] * t;
        u = u > lo ? u : lo;
        v = v > lo ? v : lo;
        w = w > lo ? w : lo;
        r[i] = u < hi ? u : hi;
        g[i] = v < hi ? v : hi;
        b[i] = w < hi ? w : hi;
    }
}

static void
to_f32(const vfx__opendrt *d, drt_f32 *k)
{
    k->p = (float) d->p;
    k->s = (float) d->s;
    k->s1 = (float) d->s1;
    k->m2 = (float) d->m2;
    k->toe = (float) d->toe;
    k->dsc = (float) d->dsc;
    k->off = (float) d->off;
    k->sa = (float) d->sa;
    k->w0 = (float) d->w[0];
    k->w1 = (float) d->w[1];
    k->w2 = (float) d->w[2];
    k->pw0 = (float) d->pw[0];
    k->pw1 = (float) d->pw[1];
    k->pw2 = (float) d->pw[2];
    k->inv_rl = (float) d->inv_rl;
    k->rh = (float) d->rh;
    k->inv_sa1 = (float) (1.0 / (d->sa - 1.0));
    k->hi = (float) d->hi;
    for (int i = 0; i < 9; i++) {
        k->gm[i] = (float) d->gamut_m[i];
        k->pm[i] = (float) d->post_m[i];
    }
}

void
vfx__opendrt_span(const vfx__opendrt *d, float *r, float *g, float *b, int n)
{
    drt_f32 k;
    float nt[BLOCK];
    to_f32(d, &k);
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
        int m = n - i0 < BLOCK ? n - i0 : BLOCK;
        float *pr = r + i0, *pg = g + i0, *pb = b + i0;
        drt_ratios(&k, d, pr, pg, pb, nt, m);
        if (d->gamut_pre)
            drt_matrix(k.gm, pr, pg, pb, m);
        if (d->ptl)
            drt_ptl(pr, pg, pb, m);
        drt_finish(&k, d->clamp, nt, pr, pg, pb, m);
        if (d->gamut_post) {
            for (int i = 0; i < m; i++) { /* max(rgb, 0) before P3 -> Rec.2020 */
                pr[i] = pr[i] > 0.0f ? pr[i] : 0.0f;
                pg[i] = pg[i] > 0.0f ? pg[i] : 0.0f;
                pb[i] = pb[i] > 0.0f ? pb[i] : 0.0f;
            }
            drt_matrix(k.pm, pr, pg, pb, m);
        }
    }
}

vfx_status
vfx_color_processor_append_opendrt(vfx_color_processor *p, const vfx_opendrt_params *prm)
{
    if (!p)
        return vfx__fail(VFX_ERR_ARG, "opendrt: NULL processor");
    vfx__color_op op;
    memset(&op, 0, sizeof op);
    op.code = VFX_COLOR_OP_OPENDRT;
    VFX_TRY(vfx__opendrt_build(prm, &op.u.drt));
    return vfx__color_processor_push_take(p, &op);
}

static vfx_status
build_view(vfx_color_processor *p, vfx_primaries input, const vfx_opendrt_params *prm,
           vfx_transfer encoding)
{
    if (input != VFX_PRIMARIES_DISPLAY_P3) {
        vfx_chromaticities a, b;
        double m[9];
        VFX_TRY(vfx_primaries_get(input, &a));
        VFX_TRY(vfx_primaries_get(VFX_PRIMARIES_DISPLAY_P3, &b));
        VFX_TRY(vfx_rgb_to_rgb_matrix(&a, &b, VFX_CAT_BRADFORD, m));
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
    }
    VFX_TRY(vfx_color_processor_append_opendrt(p, prm));
    switch (encoding) {
    case VFX_TRANSFER_LINEAR: return VFX_OK;
    case VFX_TRANSFER_SRGB:
    case VFX_TRANSFER_GAMMA_2_2:
    case VFX_TRANSFER_GAMMA_2_4:
    case VFX_TRANSFER_GAMMA_2_6:
    case VFX_TRANSFER_BT1886:
        return vfx_color_processor_append_transfer(p, encoding, VFX_DIR_FORWARD);
    case VFX_TRANSFER_PQ: {
        /* display-linear 1.0 = peak; the PQ curve's linear 1.0 is 100 nits */
        double sc = prm->peak_nits / 100.0;
        double m[9] = { sc, 0, 0, 0, sc, 0, 0, 0, sc };
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        return vfx_color_processor_append_transfer(p, encoding, VFX_DIR_FORWARD);
    }
    case VFX_TRANSFER_HLG:
        /* display light relative to a display of this peak -> scene light -> HLG signal */
        VFX_TRY(vfx_color_processor_append_hlg_ootf(p, vfx_hlg_system_gamma(prm->peak_nits),
                                                    VFX_DIR_INVERSE));
        return vfx_color_processor_append_transfer(p, encoding, VFX_DIR_FORWARD);
    default:
        return vfx__fail(VFX_ERR_ARG, "opendrt: display encoding '%s' is not one of linear, "
                                      "srgb, gamma2.2, gamma2.4, gamma2.6, bt1886, pq, hlg",
                         vfx_transfer_name(encoding) ? vfx_transfer_name(encoding) : "?");
    }
}

vfx_status
vfx_opendrt_processor_new(vfx_primaries input, const vfx_opendrt_params *prm,
                          vfx_transfer encoding, vfx_color_processor **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "opendrt: NULL out");
    *out = NULL;
    const vfx_opendrt_params base = VFX_OPENDRT_PARAMS_INIT;
    if (!prm)
        prm = &base;
    vfx_color_processor *p;
    VFX_TRY(vfx_color_processor_new(&p));
    vfx_status s = build_view(p, input, prm, encoding);
    if (s == VFX_OK)
        s = vfx_color_processor_optimize(p);
    if (s != VFX_OK) {
        vfx_color_processor_free(p);
        return s;
    }
    *out = p;
    return VFX_OK;
}

/* ---- named views ---------------------------------------------------------------------------- */

static const struct {
    const char       *name;
    double            peak;
    vfx_opendrt_gamut gamut;
    vfx_transfer      encoding;
} VIEWS[] = {
    { "OpenDRT SDR sRGB", 100, VFX_OPENDRT_GAMUT_REC709, VFX_TRANSFER_SRGB },
    { "OpenDRT SDR Rec.709 BT.1886", 100, VFX_OPENDRT_GAMUT_REC709, VFX_TRANSFER_BT1886 },
    { "OpenDRT SDR Rec.709 gamma 2.2", 100, VFX_OPENDRT_GAMUT_REC709, VFX_TRANSFER_GAMMA_2_2 },
    { "OpenDRT SDR Display P3", 100, VFX_OPENDRT_GAMUT_P3_D65, VFX_TRANSFER_SRGB },
    { "OpenDRT Cinema P3-D65 48 nits", 48, VFX_OPENDRT_GAMUT_P3_D65, VFX_TRANSFER_GAMMA_2_6 },
    { "OpenDRT HDR Rec.2100 PQ 1000 nits", 1000, VFX_OPENDRT_GAMUT_REC2020, VFX_TRANSFER_PQ },
    { "OpenDRT HDR Rec.2100 PQ 4000 nits", 4000, VFX_OPENDRT_GAMUT_REC2020, VFX_TRANSFER_PQ },
    { "OpenDRT HDR Rec.2100 HLG 1000 nits", 1000, VFX_OPENDRT_GAMUT_REC2020, VFX_TRANSFER_HLG },
    { "OpenDRT HDR P3-D65 PQ 1000 nits", 1000, VFX_OPENDRT_GAMUT_P3_D65, VFX_TRANSFER_PQ },
};

const char *
vfx_opendrt_view_name(int32_t i)
{
    return i >= 0 && (size_t) i < VFX__COUNTOF(VIEWS) ? VIEWS[i].name : NULL;
}

/* "vfx:opendrt:<peak>:<gamut>:<encoding>[:<clamp>]" */
static int
parse_general(const char *name, vfx_opendrt_params *o, vfx_transfer *enc)
{
    static const char prefix[] = "vfx:opendrt:";
    if (strncasecmp(name, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *s = name + sizeof prefix - 1;
    char *end;
    double peak = strtod(s, &end);
    if (end == s || *end != ':')
        return 0;
    s = end + 1;
    const char *colon = strchr(s, ':');
    if (!colon)
        return 0;
    size_t len = (size_t) (colon - s);
    if (len == 6 && strncasecmp(s, "rec709", len) == 0)
        o->display_gamut = VFX_OPENDRT_GAMUT_REC709;
    else if (len == 5 && strncasecmp(s, "p3d65", len) == 0)
        o->display_gamut = VFX_OPENDRT_GAMUT_P3_D65;
    else if (len == 7 && strncasecmp(s, "rec2020", len) == 0)
        o->display_gamut = VFX_OPENDRT_GAMUT_REC2020;
    else
        return 0;
    /* encoding, then an optional ":<clamp>" */
    char tf[32];
    const char *c2 = strchr(colon + 1, ':');
    size_t tl = c2 ? (size_t) (c2 - colon - 1) : strlen(colon + 1);
    if (tl >= sizeof tf)
        return 0;
    memcpy(tf, colon + 1, tl);
    tf[tl] = 0;
    if (vfx_transfer_from_name(tf, enc) != VFX_OK)
        return 0;
    if (c2) {
        if (strcasecmp(c2 + 1, "peak") == 0)
            o->clamp = VFX_OPENDRT_CLAMP_PEAK;
        else if (strcasecmp(c2 + 1, "pqrange") == 0)
            o->clamp = VFX_OPENDRT_CLAMP_PQ_RANGE;
        else if (strcasecmp(c2 + 1, "none") == 0)
            o->clamp = VFX_OPENDRT_CLAMP_NONE;
        else
            return 0;
    }
    o->peak_nits = peak;
    return 1;
}

vfx_status
vfx_opendrt_view_new(const char *name, vfx_primaries input, vfx_color_processor **out)
{
    if (!name || !out)
        return vfx__fail(VFX_ERR_ARG, "opendrt: NULL argument");
    *out = NULL;
    vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
    vfx_transfer enc = VFX_TRANSFER_LINEAR;
    int found = parse_general(name, &o, &enc);
    for (size_t i = 0; !found && i < VFX__COUNTOF(VIEWS); i++) {
        if (strcasecmp(name, VIEWS[i].name) == 0) {
            o.peak_nits = VIEWS[i].peak;
            o.display_gamut = VIEWS[i].gamut;
            enc = VIEWS[i].encoding;
            found = 1;
        }
    }
    if (!found) {
        char list[1024];
        size_t n = 0;
        list[0] = 0;
        for (size_t i = 0; i < VFX__COUNTOF(VIEWS) && n < sizeof list; i++) {
            int k = snprintf(list + n, sizeof list - n, "%s'%s'", i ? ", " : "", VIEWS[i].name);
            if (k < 0)
                break;
            n += (size_t) k;
        }
        return vfx__fail(VFX_ERR_NOT_FOUND, "opendrt: no view '%s' (presets: %s; or "
                                            "vfx:opendrt:<peak>:<rec709|p3d65|rec2020>:<encoding>)",
                         name, list);
    }
    vfx_status s = vfx_opendrt_processor_new(input, &o, enc, out);
    if (s != VFX_OK)
        vfx__error_prefix("opendrt: view '%s': ", name);
    return s;
}
