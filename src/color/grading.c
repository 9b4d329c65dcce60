/* The grading ops of OCIO v2: GradingPrimary (log, lin and video styles). The arithmetic is
 * OCIO's (studied from its documentation and source, written here afresh): per-style derived
 * values computed in double and rounded to f32, then the pixel maths in f32 in the same order,
 * so results agree with OCIO's CPU processor to f32 rounding (and its fast pow). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "color/color_int.h"

void
vfx_grading_primary_default(vfx_grading_style style, vfx_grading_primary *out)
{
    if (!out)
        return;
    const vfx_grading_rgbm zero = { 0, 0, 0, 0 }, one = { 1, 1, 1, 1 };
    out->brightness = zero;
    out->contrast = one;
    out->gamma = one;
    out->offset = zero;
    out->exposure = zero;
    out->lift = zero;
    out->gain = one;
    out->saturation = 1.0;
    out->pivot = style == VFX_GRADING_LOG ? -0.2 : 0.18;
    out->pivot_black = 0.0;
    out->pivot_white = 1.0;
    out->clamp_black = -HUGE_VAL;
    out->clamp_white = HUGE_VAL;
}

static int
rgbm_finite(const vfx_grading_rgbm *v)
{
    return isfinite(v->r) && isfinite(v->g) && isfinite(v->b) && isfinite(v->master);
}

static int
rgbm_below(const vfx_grading_rgbm *v, double lo)
{
    return v->r < lo || v->g < lo || v->b < lo || v->master < lo;
}

vfx_status
vfx_color_processor_append_grading_primary(vfx_color_processor *p, vfx_grading_style style,
                                           const vfx_grading_primary *gp, vfx_direction dir)
{
    if (!p || !gp || (dir != VFX_DIR_FORWARD && dir != VFX_DIR_INVERSE) ||
        (style != VFX_GRADING_LOG && style != VFX_GRADING_LIN && style != VFX_GRADING_VIDEO))
        return vfx__fail(VFX_ERR_ARG, "color: bad grading primary op");
    const vfx_grading_rgbm *all[7] = { &gp->brightness, &gp->contrast, &gp->exposure, &gp->gamma,
                                       &gp->offset,     &gp->lift,     &gp->gain };
    for (int i = 0; i < 7; i++)
        if (!rgbm_finite(all[i]))
            return vfx__fail(VFX_ERR_ARG, "color: grading primary values must be finite");
    if (!isfinite(gp->saturation) || !isfinite(gp->pivot) || !isfinite(gp->pivot_black) ||
        !isfinite(gp->pivot_white) || isnan(gp->clamp_black) || isnan(gp->clamp_white))
        return vfx__fail(VFX_ERR_ARG, "color: grading primary values must be finite");
    const double lo = 0.01 - 1e-6; /* OCIO's lower bound and tolerance */
    if (style != VFX_GRADING_LIN && rgbm_below(&gp->gamma, lo))
        return vfx__fail(VFX_ERR_ARG, "color: grading primary gamma below 0.01");
    if (style == VFX_GRADING_LIN && rgbm_below(&gp->contrast, lo))
        return vfx__fail(VFX_ERR_ARG, "color: grading primary contrast below 0.01 (lin style)");
    if (gp->pivot_white - gp->pivot_black < lo)
        return vfx__fail(VFX_ERR_ARG, "color: grading primary black pivot must be below the white pivot");
    if (gp->clamp_black > gp->clamp_white)
        return vfx__fail(VFX_ERR_ARG, "color: grading primary black clamp above the white clamp");
    vfx__color_op op = { .code = VFX_COLOR_OP_GRADING_PRIMARY };
    op.u.gprim.v = *gp;
    op.u.gprim.style = style;
    op.u.gprim.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}

/* Values derived once per span, as OCIO's pre-render step does. */
typedef struct prim_k {
    float add[3];   /* LOG brightness; LIN, VIDEO offset (and lift) */
    float scale[3]; /* LOG contrast; LIN exposure gain; VIDEO slope */
    float power[3]; /* LOG, VIDEO gamma; LIN contrast */
    float pivot;    /* LOG / LIN contrast pivot; VIDEO: the black pivot */
    float pb, pw, sat, lo, hi;
    int   pow_identity, bypass, use_sat;
} prim_k;

static float
to_f(double v)
{
    /* OCIO narrows its "no clamp" DBL_MAX to float: that is +-inf */
    return v > FLT_MAX ? INFINITY : v < -FLT_MAX ? -INFINITY : (float) v;
}

static void
prim_prepare(const vfx_grading_primary *v, vfx_grading_style style, int fwd, prim_k *k)
{
    double m[3];
    const double nz = 1.0;
    k->pb = (float) v->pivot_black;
    k->pw = (float) v->pivot_white;
    k->lo = to_f(v->clamp_black);
    k->hi = to_f(v->clamp_white);
    int no_clamp = v->clamp_black <= -DBL_MAX && v->clamp_white >= DBL_MAX;
    if (fwd) {
        k->sat = (float) v->saturation;
        k->use_sat = v->saturation != 1.0;
    } else {
        k->use_sat = v->saturation != 1.0 && v->saturation != 0.0;
        k->sat = k->use_sat ? (float) (1.0 / v->saturation) : 1.0f;
    }
    const double rgb_b[3] = { v->brightness.r, v->brightness.g, v->brightness.b };
    const double rgb_c[3] = { v->contrast.r, v->contrast.g, v->contrast.b };
    const double rgb_g[3] = { v->gamma.r, v->gamma.g, v->gamma.b };
    const double rgb_o[3] = { v->offset.r, v->offset.g, v->offset.b };
    const double rgb_e[3] = { v->exposure.r, v->exposure.g, v->exposure.b };
    const double rgb_l[3] = { v->lift.r, v->lift.g, v->lift.b };
    const double rgb_k[3] = { v->gain.r, v->gain.g, v->gain.b };
    int ident = 1;
    for (int c = 0; c < 3; c++) {
        switch (style) {
        default:
        case VFX_GRADING_LOG: {
            double b = (v->brightness.master + rgb_b[c]) * 6.25 / 1023.0;
            double ct = v->contrast.master * rgb_c[c], gm = v->gamma.master * rgb_g[c];
            k->add[c] = fwd ? (float) b : -(float) b;
            k->scale[c] = fwd ? (float) ct : (float) (1.0 / (ct == 0.0 ? nz : ct));
            k->power[c] = fwd ? (float) (1.0 / gm) : (float) gm;
            ident &= k->add[c] == 0.0f && k->scale[c] == 1.0f;
            break;
        }
        case VFX_GRADING_LIN: {
            double o = v->offset.master + rgb_o[c];
            float e = powf(2.0f, (float) (v->exposure.master + rgb_e[c]));
            double ct = v->contrast.master * rgb_c[c];
            k->add[c] = fwd ? (float) o : -(float) o;
            k->scale[c] = fwd ? e : 1.0f / e;
            k->power[c] = fwd ? (float) ct : (float) (1.0 / ct);
            ident &= k->add[c] == 0.0f && k->scale[c] == 1.0f;
            break;
        }
        case VFX_GRADING_VIDEO: {
            double gain = v->gain.master * rgb_k[c];
            gain = gain == 0.0 ? 1.0 : gain;
            double lift = v->lift.master + rgb_l[c];
            double o = v->offset.master + rgb_o[c] + lift;
            double den = v->pivot_white / gain + lift - v->pivot_black;
            double range = v->pivot_white - v->pivot_black;
            double gm = v->gamma.master * rgb_g[c];
            k->add[c] = fwd ? (float) o : -(float) o;
            k->scale[c] = fwd ? (float) (range / (den == 0.0 ? 1.0 : den))
                              : (float) ((v->pivot_white / gain + (lift - v->pivot_black)) / range);
            k->power[c] = fwd ? (float) (1.0 / gm) : (float) gm;
            ident &= k->add[c] == 0.0f && k->scale[c] == 1.0f;
            break;
        }
        }
        m[c] = k->power[c];
    }
    k->pow_identity = m[0] == 1.0 && m[1] == 1.0 && m[2] == 1.0;
    k->pivot = style == VFX_GRADING_LOG   ? (float) (0.5 + v->pivot * 0.5)
               : style == VFX_GRADING_LIN ? (float) (0.18 * pow(2.0, v->pivot))
                                          : (float) v->pivot_black;
    k->bypass = no_clamp && v->saturation == 1.0 && ident && k->pow_identity;
}

static inline void
sat_apply(float *x, float s)
{
    float luma = x[0] * 0.2126f + x[1] * 0.7152f + x[2] * 0.0722f;
    for (int c = 0; c < 3; c++)
        x[c] = luma + s * (x[c] - luma);
}

static inline void
clamp_apply(float *x, float lo, float hi)
{
    for (int c = 0; c < 3; c++)
        x[c] = fminf(fmaxf(x[c], lo), hi);
}

/* power about the black / white pivots, odd-symmetric around the black pivot */
static inline void
gamma_apply(float *x, const float *g, float pb, float pw)
{
    float range = pw - pb;
    for (int c = 0; c < 3; c++) {
        float d = x[c] - pb;
        x[c] = copysignf(powf(fabsf(d) / range, g[c]), d) * range + pb;
    }
}

/* power about a pivot, odd-symmetric around 0 (LIN contrast) */
static inline void
lin_contrast_apply(float *x, const float *c, float pivot)
{
    for (int k = 0; k < 3; k++)
        x[k] = powf(fabsf(x[k] / pivot), c[k]) * copysignf(pivot, x[k]);
}

static inline void
affine_apply(float *x, const float *s, float pivot)
{
    for (int c = 0; c < 3; c++)
        x[c] = (x[c] - pivot) * s[c] + pivot;
}

void
vfx__grading_primary_span(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    prim_k k;
    memset(&k, 0, sizeof k);
    const vfx_grading_style st = op->u.gprim.style;
    const int fwd = op->u.gprim.dir == VFX_DIR_FORWARD;
    prim_prepare(&op->u.gprim.v, st, fwd, &k);
    if (k.bypass)
        return;
    for (int i = 0; i < n; i++) {
        float x[3] = { r[i], g[i], b[i] };
        if (fwd) {
            if (st == VFX_GRADING_LIN) {
                for (int c = 0; c < 3; c++)
                    x[c] = (x[c] + k.add[c]) * k.scale[c];
                if (!k.pow_identity)
                    lin_contrast_apply(x, k.power, k.pivot);
            } else {
                for (int c = 0; c < 3; c++)
                    x[c] += k.add[c];
                affine_apply(x, k.scale, k.pivot);
                if (!k.pow_identity)
                    gamma_apply(x, k.power, k.pb, k.pw);
            }
            if (k.use_sat)
                sat_apply(x, k.sat);
            clamp_apply(x, k.lo, k.hi);
        } else {
            clamp_apply(x, k.lo, k.hi);
            if (k.use_sat)
                sat_apply(x, k.sat);
            if (st == VFX_GRADING_LIN) {
                if (!k.pow_identity)
                    lin_contrast_apply(x, k.power, k.pivot);
                for (int c = 0; c < 3; c++)
                    x[c] = x[c] * k.scale[c] + k.add[c];
            } else {
                if (!k.pow_identity)
                    gamma_apply(x, k.power, k.pb, k.pw);
                affine_apply(x, k.scale, k.pivot);
                for (int c = 0; c < 3; c++)
                    x[c] += k.add[c];
            }
        }
        r[i] = x[0];
        g[i] = x[1];
        b[i] = x[2];
    }
}
