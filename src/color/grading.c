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

/* ---- GradingRGBCurve ------------------------------------------------------------------------
 * Each curve is a quadratic B-spline through its control points with given or estimated
 * slopes: each segment between two points is one parabola when the end slopes agree with the
 * secant, else two parabolas joined at an extra knot; slopes that would make a segment fall
 * are scaled down once and the spline refitted (OCIO's construction, in f32 like OCIO). */

#define CURVE_MAXK (2 * VFX_GRADING_CURVE_MAX_POINTS)

void
vfx_grading_rgb_curve_default(vfx_grading_style style, vfx_grading_curve out[4])
{
    if (!out)
        return;
    for (int c = 0; c < 4; c++) {
        memset(&out[c], 0, sizeof out[c]);
        out[c].n = 3;
        float lo = style == VFX_GRADING_LIN ? -7.0f : 0.0f, hi = style == VFX_GRADING_LIN ? 7.0f : 1.0f;
        out[c].x[0] = out[c].y[0] = lo;
        out[c].x[1] = out[c].y[1] = style == VFX_GRADING_LIN ? 0.0f : 0.5f;
        out[c].x[2] = out[c].y[2] = hi;
    }
}

typedef struct spline {
    float knots[CURVE_MAXK];
    float a[CURVE_MAXK], b[CURVE_MAXK], c[CURVE_MAXK];
    int   n_knots, n_coefs;
} spline;

static int
curve_is_identity(const vfx_grading_curve *cv)
{
    for (int i = 0; i < cv->n; i++)
        if (cv->x[i] != cv->y[i] || cv->slope[i] != 0.0f)
            return 0;
    return 1;
}

static void
estimate_slopes(const vfx_grading_curve *cv, float *slopes)
{
    const int n = cv->n;
    float sec[VFX_GRADING_CURVE_MAX_POINTS], len[VFX_GRADING_CURVE_MAX_POINTS];
    for (int i = 0; i < n - 1; i++) {
        float dx = cv->x[i + 1] - cv->x[i], dy = cv->y[i + 1] - cv->y[i];
        sec[i] = dy / dx;
        len[i] = sqrtf(dx * dx + dy * dy);
    }
    if (n == 2) {
        slopes[0] = slopes[1] = sec[0];
        return;
    }
    /* runs of (nearly) equal secants share their total length */
    for (int i = 0;;) {
        int j = i;
        float dl = len[i];
        while (j < n - 2 && fabsf(sec[j + 1] - sec[j]) < 1e-6f) {
            dl += len[j + 1];
            j++;
        }
        for (int k = i; k <= j; k++)
            len[k] = dl;
        if (j >= n - 3)
            break;
        i = j + 1;
    }
    for (int k = 1; k < n - 1; k++)
        slopes[k] = (len[k] * sec[k] + len[k - 1] * sec[k - 1]) / (len[k] + len[k - 1]);
    slopes[n - 1] = fmaxf(0.01f, 0.5f * (3.0f * sec[n - 2] - slopes[n - 2]));
    slopes[0] = fmaxf(0.01f, 0.5f * (3.0f * sec[0] - slopes[1]));
}

static void
fit_spline(const vfx_grading_curve *cv, const float *sl, spline *s)
{
    s->n_knots = 0;
    s->n_coefs = 0;
    s->knots[s->n_knots++] = cv->x[0];
    for (int i = 0; i < cv->n - 1; i++) {
        const float xi = cv->x[i], x1 = cv->x[i + 1], yi = cv->y[i], y1 = cv->y[i + 1];
        const float dx = x1 - xi, sec = (y1 - yi) / dx;
        if (fabsf((sl[i] + sl[i + 1]) - 2.0f * sec) < 1e-6f) {
            s->c[s->n_coefs] = yi;
            s->b[s->n_coefs] = sl[i];
            s->a[s->n_coefs++] = 0.5f * (sl[i + 1] - sl[i]) / dx;
        } else {
            float ksi;
            const float aa = sl[i] - sec, bb = sl[i + 1] - sec;
            if (aa * bb >= 0.0f)
                ksi = (xi + x1) * 0.5f;
            else if (fabsf(aa) > fabsf(bb))
                ksi = x1 + aa * dx / (sl[i + 1] - sl[i]);
            else
                ksi = xi + bb * dx / (sl[i + 1] - sl[i]);
            const float sbar = (2.0f * sec - sl[i + 1]) + (sl[i + 1] - sl[i]) * (ksi - xi) / dx;
            const float eta = (sbar - sl[i]) / (ksi - xi);
            s->c[s->n_coefs] = yi;
            s->b[s->n_coefs] = sl[i];
            s->a[s->n_coefs++] = 0.5f * eta;
            s->c[s->n_coefs] = yi + sl[i] * (ksi - xi) + 0.5f * eta * (ksi - xi) * (ksi - xi);
            s->b[s->n_coefs] = sbar;
            s->a[s->n_coefs++] = 0.5f * (sl[i + 1] - sbar) / (x1 - ksi);
            s->knots[s->n_knots++] = ksi;
        }
        s->knots[s->n_knots++] = x1;
    }
}

/* Scale down the slopes of segments whose middle slope would go negative; 1 when any did. */
static int
adjust_slopes(const vfx_grading_curve *cv, float *sl, const spline *s)
{
    int done = 0;
    for (int i = 0, j = 0; j < s->n_knots && i < cv->n - 1; j++) {
        if (cv->x[i] == s->knots[j])
            continue;
        const float ksi = s->knots[j], xi = cv->x[i], x1 = cv->x[i + 1], yi = cv->y[i], y1 = cv->y[i + 1];
        const float sbar = (2.0f * (y1 - yi) - (ksi - xi) * sl[i] - (x1 - ksi) * sl[i + 1]) / (x1 - xi);
        if (sbar < 0.0f) {
            done = 1;
            const float sec = (y1 - yi) / (x1 - xi);
            const float blend = ((ksi - xi) * sl[i] + (x1 - ksi) * sl[i + 1]) / (x1 - xi);
            float aim = 0.01f * 0.5f * (sl[i] + sl[i + 1]);
            if (aim > sec)
                aim = sec;
            const float adj = (2.0f * sec - aim) / blend;
            sl[i] *= adj;
            sl[i + 1] *= adj;
        }
        i++;
    }
    return done;
}

vfx_status
vfx_color_processor_append_grading_rgb_curve(vfx_color_processor *p, vfx_grading_style style,
                                             const vfx_grading_curve curves[4], int bypass_lin_to_log,
                                             vfx_direction dir)
{
    if (!p || !curves || (dir != VFX_DIR_FORWARD && dir != VFX_DIR_INVERSE) ||
        (style != VFX_GRADING_LOG && style != VFX_GRADING_LIN && style != VFX_GRADING_VIDEO))
        return vfx__fail(VFX_ERR_ARG, "color: bad grading RGB curve op");
    static const char *const names[4] = { "red", "green", "blue", "master" };
    for (int c = 0; c < 4; c++) {
        const vfx_grading_curve *cv = &curves[c];
        if (cv->n < 2 || cv->n > VFX_GRADING_CURVE_MAX_POINTS)
            return vfx__fail(VFX_ERR_ARG, "color: %s curve: %d control points (2..%d)", names[c],
                             (int) cv->n, VFX_GRADING_CURVE_MAX_POINTS);
        for (int i = 0; i < cv->n; i++) {
            if (!isfinite(cv->x[i]) || !isfinite(cv->y[i]) || !isfinite(cv->slope[i]))
                return vfx__fail(VFX_ERR_ARG, "color: %s curve: values must be finite", names[c]);
            if (i > 0 && cv->x[i] < cv->x[i - 1])
                return vfx__fail(VFX_ERR_ARG, "color: %s curve: control point %d has a smaller x "
                                              "than the one before", names[c], i);
        }
    }
    spline *sp = vfx__alloc(4 * sizeof(spline));
    if (!sp)
        return vfx__nomem();
    vfx__color_op op = { .code = VFX_COLOR_OP_GRADING_RGB_CURVE };
    op.u.rgbcurve.style = style;
    op.u.rgbcurve.dir = dir;
    op.u.rgbcurve.lin_to_log = style == VFX_GRADING_LIN && !bypass_lin_to_log;
    int total = 0, identities = 0;
    for (int c = 0; c < 4; c++) {
        const vfx_grading_curve *cv = &curves[c];
        sp[c].n_knots = sp[c].n_coefs = 0;
        if (curve_is_identity(cv)) {
            identities++;
            continue;
        }
        float sl[VFX_GRADING_CURVE_MAX_POINTS];
        int given = 0;
        for (int i = 0; i < cv->n; i++)
            given |= cv->slope[i] != 0.0f;
        if (given)
            memcpy(sl, cv->slope, (size_t) cv->n * sizeof(float));
        else
            estimate_slopes(cv, sl);
        fit_spline(cv, sl, &sp[c]);
        if (adjust_slopes(cv, sl, &sp[c]))
            fit_spline(cv, sl, &sp[c]);
        total += sp[c].n_knots + 3 * sp[c].n_coefs;
    }
    op.u.rgbcurve.bypass = identities == 4;
    vfx_status s = VFX_OK;
    if (total > 0) {
        float *d = vfx__alloc((size_t) total * sizeof(float));
        if (!d) {
            vfx__free(sp);
            return vfx__nomem();
        }
        int at = 0;
        for (int c = 0; c < 4; c++) {
            int32_t *o = op.u.rgbcurve.off[c];
            o[0] = at;
            o[1] = sp[c].n_knots;
            memcpy(d + at, sp[c].knots, (size_t) sp[c].n_knots * sizeof(float));
            at += sp[c].n_knots;
            o[2] = at;
            o[3] = sp[c].n_coefs;
            memcpy(d + at, sp[c].a, (size_t) sp[c].n_coefs * sizeof(float));
            memcpy(d + at + sp[c].n_coefs, sp[c].b, (size_t) sp[c].n_coefs * sizeof(float));
            memcpy(d + at + 2 * sp[c].n_coefs, sp[c].c, (size_t) sp[c].n_coefs * sizeof(float));
            at += 3 * sp[c].n_coefs;
        }
        op.u.rgbcurve.data = d;
        op.u.rgbcurve.n_data = total;
    }
    vfx__free(sp);
    s = vfx__color_processor_push_take(p, &op);
    return s;
}

static float
curve_eval(const float *d, const int32_t *o, float x)
{
    const int n = o[3];
    if (n == 0)
        return x;
    const float *kn = d + o[0], *A = d + o[2], *B = A + n, *C = B + n;
    const int nk = o[1];
    const float k0 = kn[0], k1 = kn[nk - 1];
    if (x <= k0)
        return (x - k0) * B[0] + C[0];
    if (x >= k1) {
        const float t = k1 - kn[nk - 2];
        const float slope = 2.0f * A[n - 1] * t + B[n - 1];
        const float offs = (A[n - 1] * t + B[n - 1]) * t + C[n - 1];
        return (x - k1) * slope + offs;
    }
    int i = 0;
    while (i < nk - 2 && !(x < kn[i + 1]))
        i++;
    const float t = x - kn[i];
    return (A[i] * t + B[i]) * t + C[i];
}

static float
curve_eval_inv(const float *d, const int32_t *o, float y)
{
    const int n = o[3];
    if (n == 0)
        return y;
    const float *kn = d + o[0], *A = d + o[2], *B = A + n, *C = B + n;
    const int nk = o[1];
    const float k0 = kn[0], k1 = kn[nk - 1];
    const float y0 = C[0];
    const float te = k1 - kn[nk - 2];
    const float y1 = (A[n - 1] * te + B[n - 1]) * te + C[n - 1];
    if (y <= y0)
        return fabsf(B[0]) < 1e-5f ? k0 : (y - C[0]) / B[0] + k0;
    if (y >= y1) {
        const float slope = 2.0f * A[n - 1] * te + B[n - 1];
        return fabsf(slope) < 1e-5f ? k1 : (y - y1) / slope + k1;
    }
    int i = 0;
    while (i < nk - 2 && !(y < C[i + 1]))
        i++;
    const float c0 = C[i] - y;
    const float disc = sqrtf(B[i] * B[i] - 4.0f * A[i] * c0);
    return kn[i] + (-2.0f * c0) / (disc + B[i]);
}

/* The log2 encoding LIN-style curves work in: 0.18 -> 0, a linear toe below 0.0041318. */
#define LL_XBRK 0.0041318374739483946f
#define LL_SHIFT (-0.000157849851665374f)
#define LL_GAIN 363.034608563f
#define LL_OFFS (-7.0f)
#define LL_YBRK (-5.5f)

static float
lin_to_log(float x)
{
    return x > LL_XBRK ? log2f((x + LL_SHIFT) * (1.0f / (0.18f + LL_SHIFT))) : x * LL_GAIN + LL_OFFS;
}

static float
log_to_lin(float y)
{
    return y > LL_YBRK ? exp2f(y) * (0.18f + LL_SHIFT) - LL_SHIFT : (y - LL_OFFS) * (1.0f / LL_GAIN);
}

void
vfx__grading_rgb_curve_span(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    if (op->u.rgbcurve.bypass)
        return;
    const float *d = op->u.rgbcurve.data;
    const int32_t(*o)[4] = op->u.rgbcurve.off;
    const int fwd = op->u.rgbcurve.dir == VFX_DIR_FORWARD, ll = op->u.rgbcurve.lin_to_log;
    float *ch[3] = { r, g, b };
    for (int c = 0; c < 3; c++) {
        float *v = ch[c];
        for (int i = 0; i < n; i++) {
            float x = ll ? lin_to_log(v[i]) : v[i];
            if (fwd)
                x = curve_eval(d, o[3], curve_eval(d, o[c], x));
            else
                x = curve_eval_inv(d, o[c], curve_eval_inv(d, o[3], x));
            v[i] = ll ? log_to_lin(x) : x;
        }
    }
}

/* ---- GradingTone ------------------------------------------------------------------------
 * Five per-channel tone zones and an s-contrast, each a curve built from quadratic pieces
 * with linear tails (OCIO's GradingToneTransform; maths learnt from OCIO 2.1's op, written
 * here afresh). Every zone has red, green, blue and master values; the channel values act on
 * their own channel, then master acts on all three with its own curve. The curves' knots are
 * derived once, in f32 as OCIO does, and stored in the op; the pixel maths follow OCIO's
 * f32 expressions so the results agree to rounding. */

void
vfx_grading_tone_default(vfx_grading_style style, vfx_grading_tone *out)
{
    if (!out)
        return;
    /* start / width (pivot for shadows and highlights, center for midtones) of each zone */
    static const double sw[3][5][2] = {
        /* LOG */ { { 0.4, 0.4 }, { 0.5, 0.0 }, { 0.4, 0.6 }, { 0.3, 1.0 }, { 0.4, 0.5 } },
        /* LIN */ { { 0.0, 4.0 }, { 2.0, -7.0 }, { 0.0, 8.0 }, { -2.0, 9.0 }, { 0.0, 8.0 } },
        /* VIDEO */ { { 0.4, 0.4 }, { 0.6, 0.0 }, { 0.4, 0.7 }, { 0.2, 1.0 }, { 0.5, 0.5 } },
    };
    int s = style == VFX_GRADING_LIN ? 1 : style == VFX_GRADING_VIDEO ? 2 : 0;
    vfx_grading_rgbmsw *z[5] = { &out->blacks, &out->shadows, &out->midtones, &out->highlights,
                                 &out->whites };
    for (int i = 0; i < 5; i++)
        *z[i] = (vfx_grading_rgbmsw) { 1.0, 1.0, 1.0, 1.0, sw[s][i][0], sw[s][i][1] };
    out->s_contrast = 1.0;
}

static int
rgbmsw_is_identity(const vfx_grading_rgbmsw *z)
{
    return z->r == 1.0 && z->g == 1.0 && z->b == 1.0 && z->master == 1.0;
}

static float
zone_value(const vfx_grading_rgbmsw *z, int c)
{
    return (float) (c == 0 ? z->r : c == 1 ? z->g : c == 2 ? z->b : z->master);
}

static float
clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The "faux cubic" (two quadratics meeting at x1) through (x0, y0) and (x2, y2) with end slopes
 * m0 and m2, and its inverse; in double, used to move the whites and blacks zones with the
 * highlights and shadows ones. */
static double
faux_cubic_y1(double x0, double x1, double x2, double y0, double y2, double m0, double m2)
{
    return (0.5 / ((x2 - x1) + (x1 - x0))) *
           ((2.0 * y0 + m0 * (x1 - x0)) * (x2 - x1) + (2.0 * y2 - m2 * (x2 - x1)) * (x1 - x0));
}

static double
faux_cubic_fwd(double t, double x0, double x2, double y0, double y2, double m0, double m2, double x1)
{
    const double y1 = faux_cubic_y1(x0, x1, x2, y0, y2, m0, m2);
    if (t < x0)
        return y0 + (t - x0) * m0;
    if (t > x2)
        return y2 + (t - x2) * m2;
    if (t < x1) {
        const double u = (t - x0) / (x1 - x0);
        return y0 * (1.0 - u * u) + y1 * u * u + m0 * (1.0 - u) * u * (x1 - x0);
    }
    const double u = (t - x1) / (x2 - x1);
    return y1 * (1.0 - u) * (1.0 - u) + y2 * (2.0 - u) * u + m2 * (u - 1.0) * u * (x2 - x1);
}

static double
faux_cubic_rev(double t, double x0, double x2, double y0, double y2, double m0, double m2, double x1)
{
    const double y1 = faux_cubic_y1(x0, x1, x2, y0, y2, m0, m2);
    if (t < y0)
        return x0 + (t - y0) / m0;
    if (t > y2)
        return x2 + (t - y2) / m2;
    if (t < y1) {
        const double c = y0 - t, b = m0 * (x1 - x0), a = y1 - y0 - m0 * (x1 - x0);
        return (2.0 * c) / (-sqrt(b * b - 4.0 * a * c) - b) * (x1 - x0) + x0;
    }
    const double c = y1 - t, b = 2.0 * y2 - 2.0 * y1 - m2 * (x2 - x1), a = y1 - y2 + m2 * (x2 - x1);
    return (2.0 * c) / (-sqrt(b * b - 4.0 * a * c) - b) * (x2 - x1) + x1;
}

/* the highlights (shadows) curve of master value @p val at t, with the zone start and pivot */
static double
zone_curve(double t, double lo, double hi, double val, int shadow)
{
    const double x1 = lo + (hi - lo) * 0.5;
    if (!shadow)
        val = 2.0 - val;
    double m = val <= 1.0 ? val : 2.0 - val;
    if (m < 0.01)
        m = 0.01;
    const double m0 = shadow ? m : 1.0, m2 = shadow ? 1.0 : m;
    return val <= 1.0 ? faux_cubic_fwd(t, lo, hi, lo, hi, m0, m2, x1)
                      : faux_cubic_rev(t, lo, hi, lo, hi, m0, m2, x1);
}

static void
tone_prepare(struct vfx__gtone *k)
{
    const vfx_grading_tone *v = &k->v;
    float top, top_sc, bottom;
    if (k->style == VFX_GRADING_LIN) {
        top = 7.5f, top_sc = 6.5f, bottom = -5.5f, k->pivot = 0.0f;
    } else {
        top = 1.0f, top_sc = 1.0f, bottom = 0.0f, k->pivot = 0.4f;
    }
    k->bypass = rgbmsw_is_identity(&v->blacks) && rgbmsw_is_identity(&v->shadows) &&
                rgbmsw_is_identity(&v->midtones) && rgbmsw_is_identity(&v->highlights) &&
                rgbmsw_is_identity(&v->whites) && v->s_contrast == 1.0;
    if (k->bypass)
        return;

    /* highlights and shadows move where the whites and blacks zones sit */
    double hl_pivot = v->highlights.width, hl_start = v->highlights.start;
    if (hl_start > hl_pivot - 0.01)
        hl_start = hl_pivot - 0.01;
    const double w0 = zone_curve(v->whites.start, hl_start, hl_pivot, v->highlights.master, 0);
    const double w1 = zone_curve(v->whites.start + v->whites.width, hl_start, hl_pivot,
                                 v->highlights.master, 0);
    double sh_pivot = v->shadows.width, sh_start = v->shadows.start;
    if (sh_start < sh_pivot + 0.01)
        sh_start = sh_pivot + 0.01;
    const double b0 = zone_curve(v->blacks.start, sh_pivot, sh_start, v->shadows.master, 1);
    const double b1 = zone_curve(v->blacks.start - v->blacks.width, sh_pivot, sh_start,
                                 v->shadows.master, 1);
    const double wb_start[2] = { w0, b0 }, wb_width[2] = { w1 - w0, b0 - b1 };

    for (int c = 0; c < 4; c++) {
        /* midtones: six knots, slopes 1 at both ends, a bump (or dip) of slopes between */
        float adj = clampf(zone_value(&v->midtones, c), 0.01f, 1.99f);
        float *x = k->mid_x[c], *y = k->mid_y[c], *m = k->mid_m[c];
        if (adj != 1.0f) {
            x[0] = bottom;
            x[5] = top;
            const float width = clampf((float) v->midtones.width, 0.01f, (x[5] - x[0]) * 0.95f);
            const float center = clampf((float) v->midtones.start, x[0] + width * 0.51f,
                                        x[5] - width * 0.51f);
            x[1] = center - width * 0.5f;
            x[4] = x[1] + width;
            x[2] = x[1] + (x[4] - x[1]) * 0.25f;
            x[3] = x[1] + (x[4] - x[1]) * 0.75f;
            y[0] = x[0];
            m[0] = m[5] = 1.0f;
            adj = (adj - 1.0f) * (1.0f - 0.1f);
            m[2] = 1.0f + adj;
            m[3] = 1.0f - adj;
            m[1] = 1.0f + adj * 0.4f;
            m[4] = 1.0f - adj * 0.4f;
            /* balance the areas under the slope on both sides of the center */
            if (center <= (x[5] + x[0]) * 0.5f) {
                const float area = (x[1] - x[0]) * (m[1] - m[0]) * 0.5f +
                                   (x[2] - x[1]) * ((m[1] - m[0]) + (m[2] - m[1]) * 0.5f) +
                                   (center - x[2]) * (m[2] - m[0]) * 0.5f;
                m[4] = (-0.5f * (x[5] - x[4]) * m[5] + (x[4] - x[3]) * (0.5f * m[3] - m[5]) +
                        (x[3] - center) * (m[3] - m[5]) * 0.5f + area) /
                       (-0.5f * (x[5] - x[3]));
            } else {
                const float area = (x[5] - x[4]) * (m[4] - m[5]) * 0.5f +
                                   (x[4] - x[3]) * ((m[4] - m[5]) + (m[3] - m[4]) * 0.5f) +
                                   (x[3] - center) * (m[3] - m[5]) * 0.5f;
                m[1] = (-0.5f * (x[1] - x[0]) * m[0] + (x[2] - x[1]) * (0.5f * m[2] - m[0]) +
                        (center - x[2]) * (m[2] - m[0]) * 0.5f + area) /
                       (-0.5f * (x[2] - x[0]));
            }
            for (int i = 1; i < 6; i++)
                y[i] = y[i - 1] + (m[i - 1] + m[i]) * (x[i] - x[i - 1]) * 0.5f;
        }

        /* highlights [0] and shadows [1]: a faux cubic between start and pivot */
        for (int s = 0; s < 2; s++) {
            float val = s ? zone_value(&v->shadows, c) : 2.0f - zone_value(&v->highlights, c);
            if (val == 1.0f)
                continue;
            const float start = (float) (s ? sh_start : hl_start);
            const float pivot = (float) (s ? sh_pivot : hl_pivot);
            float *hx = k->hs_x[s][c], *hy = k->hs_y[s][c], *hm = k->hs_m[s][c];
            hx[0] = s ? pivot : start;
            hx[2] = s ? start : pivot;
            hy[0] = hx[0];
            hy[2] = hx[2];
            hx[1] = hx[0] + (hx[2] - hx[0]) * 0.5f;
            const float e = val < 1.0f ? fmaxf(0.01f, val) : fmaxf(0.01f, 2.0f - val);
            hm[0] = s ? e : 1.0f;
            hm[1] = s ? 1.0f : e;
            const float den = val < 1.0f ? hx[2] - hx[0] : (hx[2] - hx[1]) + (hx[1] - hx[0]);
            hy[1] = (0.5f / den) * ((2.0f * hy[0] + hm[0] * (hx[1] - hx[0])) * (hx[2] - hx[1]) +
                                    (2.0f * hy[2] - hm[1] * (hx[2] - hx[1])) * (hx[1] - hx[0]));
        }

        /* whites [0] and blacks [1]: one quadratic between start and start +- width */
        for (int s = 0; s < 2; s++) {
            const float start = (float) wb_start[s], width = (float) wb_width[s];
            const float val = s ? zone_value(&v->blacks, c) : zone_value(&v->whites, c);
            float *wx = k->wb_x[s][c], *wy = k->wb_y[s][c], *wm = k->wb_m[s][c];
            wx[0] = s ? start - width : start;
            wx[1] = s ? start : wx[0] + width;
            const float mtest = s ? 2.0f - val : val;
            if (mtest < 1.0f) {
                if (!s) {
                    wm[0] = 1.0f;
                    wm[1] = fmaxf(0.01f, val);
                    wy[0] = wx[0];
                    wy[1] = wy[0] + (wm[0] + wm[1]) * (wx[1] - wx[0]) * 0.5f;
                } else {
                    wm[0] = fmaxf(0.01f, 2.0f - val);
                    wm[1] = 1.0f;
                    wy[1] = wx[1];
                    wy[0] = wy[1] - (wm[0] + wm[1]) * (wx[1] - wx[0]) * 0.5f;
                }
            } else if (mtest > 1.0f) {
                if (!s) {
                    wm[0] = 1.0f;
                    wm[1] = fmaxf(0.01f, 2.0f - val);
                    wy[0] = wx[0];
                } else {
                    wm[0] = fmaxf(0.01f, val);
                    wm[1] = 1.0f;
                    wy[1] = wx[1];
                    wy[0] = wy[1] - (wm[0] + wm[1]) * (wx[1] - wx[0]) * 0.5f;
                }
                k->wb_gain[s][c] = (wm[0] + wm[1]) * 0.5f;
            }
        }
    }

    /* s-contrast: a straight line of slope `contrast` through the pivot, eased into slope-1
     * tails at both ends */
    float con = (float) v->s_contrast;
    if (con != 1.0f) {
        con = con > 1.0f ? 1.0f / (1.8125f - 0.8125f * fminf(con, 1.99f)) : 0.28125f + 0.71875f * fmaxf(con, 0.01f);
        const float pv = k->pivot;
        float *x = k->sc_x[0], *y = k->sc_y[0], *m = k->sc_m[0];
        x[3] = y[3] = top_sc;
        y[0] = pv + (y[3] - pv) * 0.25f;
        m[0] = con;
        x[0] = pv + (y[0] - pv) / m[0];
        float min_width = (x[3] - x[0]) * 0.3f;
        m[1] = 1.0f / m[0];
        float center = (y[3] - y[0] - m[1] * x[3] + m[0] * x[0]) / (m[0] - m[1]);
        x[1] = x[0];
        x[2] = 2.0f * center - x[1];
        if (x[2] > x[3]) {
            x[2] = x[3];
            x[1] = 2.0f * center - x[2];
        } else if (x[2] - x[1] < min_width) {
            x[2] = x[1] + min_width;
            const float nc = (x[2] + x[1]) * 0.5f;
            m[1] = (y[3] - y[0] + m[0] * x[0] - nc * m[0]) / (x[3] - nc);
        }
        y[1] = y[0];
        y[2] = y[1] + (m[0] + m[1]) * (x[2] - x[1]) * 0.5f;

        x = k->sc_x[1], y = k->sc_y[1], m = k->sc_m[1];
        x[0] = y[0] = bottom;
        y[3] = pv - (pv - y[0]) * 0.25f;
        m[1] = con;
        x[3] = pv - (pv - y[3]) / m[1];
        min_width = (x[3] - x[0]) * 0.3f;
        m[0] = 1.0f / m[1];
        center = (y[3] - y[0] - m[1] * x[3] + m[0] * x[0]) / (m[0] - m[1]);
        x[2] = x[3];
        x[1] = 2.0f * center - x[2];
        if (x[1] < x[0]) {
            x[1] = x[0];
            x[2] = 2.0f * center - x[1];
        } else if (x[2] - x[1] < min_width) {
            x[1] = x[2] - min_width;
            const float nc = (x[2] + x[1]) * 0.5f;
            m[0] = (y[3] - y[0] - m[1] * x[3] + nc * m[1]) / (nc - x[0]);
        }
        y[2] = y[3];
        y[1] = y[2] - (m[0] + m[1]) * (x[2] - x[1]) * 0.5f;
    }
}

static int
rgbmsw_ok(const vfx_grading_rgbmsw *z, double lo, double hi)
{
    const double e = 1e-6; /* OCIO's tolerance on the bounds */
    const double v[4] = { z->r, z->g, z->b, z->master };
    for (int i = 0; i < 4; i++)
        if (!(v[i] >= lo - e && v[i] <= hi + e))
            return 0;
    return isfinite(z->start) && isfinite(z->width);
}

vfx_status
vfx_color_processor_append_grading_tone(vfx_color_processor *p, vfx_grading_style style,
                                        const vfx_grading_tone *gt, vfx_direction dir)
{
    if (!p || !gt || (dir != VFX_DIR_FORWARD && dir != VFX_DIR_INVERSE) ||
        (style != VFX_GRADING_LOG && style != VFX_GRADING_LIN && style != VFX_GRADING_VIDEO))
        return vfx__fail(VFX_ERR_ARG, "color: bad grading tone op");
    const double e = 1e-6;
    if (!rgbmsw_ok(&gt->blacks, 0.1, 1.9) || !rgbmsw_ok(&gt->midtones, 0.1, 1.9) ||
        !rgbmsw_ok(&gt->whites, 0.1, 1.9))
        return vfx__fail(VFX_ERR_ARG, "color: grading tone blacks, midtones and whites must be in [0.1, 1.9]");
    if (!rgbmsw_ok(&gt->shadows, 0.2, 1.8) || !rgbmsw_ok(&gt->highlights, 0.2, 1.8))
        return vfx__fail(VFX_ERR_ARG, "color: grading tone shadows and highlights must be in [0.2, 1.8]");
    if (gt->blacks.width < 0.01 - e || gt->midtones.width < 0.01 - e || gt->whites.width < 0.01 - e)
        return vfx__fail(VFX_ERR_ARG, "color: grading tone widths must be at least 0.01");
    if (gt->shadows.start < gt->shadows.width + 0.01 - e)
        return vfx__fail(VFX_ERR_ARG, "color: grading tone shadows start must be above its pivot + 0.01");
    if (gt->highlights.start > gt->highlights.width - 0.01 + e)
        return vfx__fail(VFX_ERR_ARG, "color: grading tone highlights start must be below its pivot - 0.01");
    if (!(gt->s_contrast >= 0.01 - e && gt->s_contrast <= 1.99 - e))
        return vfx__fail(VFX_ERR_ARG, "color: grading tone s-contrast must be in [0.01, 1.99)");
    vfx__color_op op = { .code = VFX_COLOR_OP_GRADING_TONE };
    op.u.gtone.v = *gt;
    op.u.gtone.style = style;
    op.u.gtone.dir = dir;
    tone_prepare(&op.u.gtone);
    return vfx__color_processor_push_take(p, &op);
}

/* midtones: five quadratic pieces (slopes interpolated linearly between the knots) and slope-1
 * tails; master (@p strict 0) switches pieces at >= where the channel curves use > */
static float
mids_fwd(float t, const float *x, const float *y, const float *m, int strict)
{
    float res;
    int i;
    if (strict) {
        i = t < x[1] ? 0 : 1;
        for (int j = 2; j < 5; j++)
            if (t > x[j])
                i = j;
    } else {
        i = t < x[1] ? 0 : t < x[2] ? 1 : t < x[3] ? 2 : t < x[4] ? 3 : 4;
    }
    const float u = (t - x[i]) / (x[i + 1] - x[i]);
    res = u * (x[i + 1] - x[i]) * (u * 0.5f * (m[i + 1] - m[i]) + m[i]) + y[i];
    if (t < x[0])
        res = y[0] + (t - x[0]) * m[0];
    if (strict ? t > x[5] : !(t < x[5]))
        res = y[5] + (t - x[5]) * m[5];
    return res;
}

static float
mids_rev(float t, const float *x, const float *y, const float *m, int channel)
{
    if (!(t < y[5]))
        /* (OCIO's channel curves use the low tail's line here; the two nearly coincide) */
        return channel ? x[0] + (t - y[0]) / m[0] : x[5] + (t - y[5]) / m[5];
    if (t < y[0])
        return x[0] + (t - y[0]) / m[0];
    int i = t < y[1] ? 0 : t < y[2] ? 1 : t < y[3] ? 2 : t < y[4] ? 3 : 4;
    const float c = y[i] - t, b = m[i] * (x[i + 1] - x[i]);
    const float a = 0.5f * (m[i + 1] - m[i]) * (x[i + 1] - x[i]);
    const float disc = sqrtf(b * b - 4.0f * a * c);
    return (2.0f * c) / (-disc - b) * (x[i + 1] - x[i]) + x[i];
}

static float
hs_fwd(float t, const float *x, const float *y, const float *m)
{
    float res;
    if (t < x[1]) {
        const float u = (t - x[0]) / (x[1] - x[0]);
        res = y[0] * (1.0f - u * u) + y[1] * u * u + m[0] * (1.0f - u) * u * (x[1] - x[0]);
    } else {
        const float u = (t - x[1]) / (x[2] - x[1]);
        res = y[1] * (1.0f - u) * (1.0f - u) + y[2] * (2.0f - u) * u + m[1] * (u - 1.0f) * u * (x[2] - x[1]);
    }
    if (t < x[0])
        res = (t - x[0]) * m[0] + y[0];
    if (!(t < x[2]))
        res = (t - x[2]) * m[1] + y[2];
    return res;
}

static float
hs_rev(float t, const float *x, const float *y, const float *m)
{
    float res;
    if (t < y[1]) {
        const float b = m[0] * (x[1] - x[0]), a = y[1] - y[0] - m[0] * (x[1] - x[0]), c = y[0] - t;
        res = (-2.0f * c) / (sqrtf(b * b - 4.0f * a * c) + b) * (x[1] - x[0]) + x[0];
    } else {
        const float b = 2.0f * y[2] - 2.0f * y[1] - m[1] * (x[2] - x[1]);
        const float a = y[1] - y[2] + m[1] * (x[2] - x[1]), c = y[1] - t;
        res = (-2.0f * c) / (sqrtf(b * b - 4.0f * a * c) + b) * (x[2] - x[1]) + x[1];
    }
    if (t < y[0])
        res = (t - y[0]) / m[0] + x[0];
    if (!(t < y[2]))
        res = (t - y[2]) / m[1] + x[2];
    return res;
}

/* whites (black 0) and blacks (black 1); the quadratic's forward and inverse swap between the
 * "slope decreasing" and "slope increasing" cases */
static float
quad_fwd(float t, float x0, float x1, float y0, float m0, float m1)
{
    const float u = (t - x0) / (x1 - x0);
    return u * (x1 - x0) * (u * 0.5f * (m1 - m0) + m0) + y0;
}

static float
quad_rev(float t, float x0, float x1, float y0, float m0, float m1)
{
    const float a = 0.5f * (m1 - m0) * (x1 - x0), b = m0 * (x1 - x0), c = y0 - t;
    return (-2.0f * c) / (sqrtf(b * b - 4.0f * a * c) + b) * (x1 - x0) + x0;
}

static float
wb_apply(float t, int black, float val, const float *x, const float *y, const float *m, float gain,
         int fwd)
{
    const float mtest = black ? 2.0f - val : val;
    if (mtest == 1.0f || isnan(mtest))
        return t;
    const int decreasing = mtest < 1.0f;
    if (decreasing) {
        float res;
        if (fwd) {
            res = quad_fwd(t, x[0], x[1], y[0], m[0], m[1]);
            if (t < x[0])
                res = y[0] + (t - x[0]) * m[0];
            if (!(t < x[1]))
                res = y[1] + (t - x[1]) * m[1];
        } else {
            res = quad_rev(t, x[0], x[1], y[0], m[0], m[1]);
            if (t < y[0])
                res = x[0] + (t - y[0]) / m[0];
            if (!(t < y[1]))
                res = x[1] + (t - y[1]) / m[1];
        }
        return res;
    }
    t = black ? (t - x[1]) * gain + x[1] : (t - x[0]) * gain + x[0];
    float res;
    if (fwd) {
        res = quad_rev(t, x[0], x[1], y[0], m[0], m[1]);
        if (t < y[0])
            res = x[0] + (t - y[0]) / m[0];
    } else {
        res = quad_fwd(t, x[0], x[1], y[0], m[0], m[1]);
        if (t < x[0])
            res = y[0] + (t - x[0]) * m[0];
    }
    if (!black) {
        res = (res - x[0]) / gain + x[0];
        /* a quadratic extrapolation above the zone, for HDR values */
        const float new_y1 = (x[1] - x[0]) / gain + x[0];
        const float xd = x[0] + (x[1] - x[0]) * 0.99f;
        float md = m[0] + (xd - x[0]) * (m[1] - m[0]) / (x[1] - x[0]);
        md = 1.0f / md;
        const float aa = 0.5f * (1.0f / m[1] - md) / (x[1] - xd);
        const float bb = 1.0f / m[1] - 2.0f * aa * x[1];
        const float cc = new_y1 - bb * x[1] - aa * x[1] * x[1];
        t = (t - x[0]) / gain + x[0];
        if (fwd) {
            if (!(t < x[1]))
                res = (aa * t + bb) * t + cc;
        } else {
            const float c = cc - t;
            const float r1 = (-2.0f * c) / (sqrtf(bb * bb - 4.0f * aa * c) + bb);
            if (!(t < (aa * x[1] + bb) * x[1] + cc))
                res = r1;
        }
    } else {
        if (fwd) {
            if (!(t < y[1]))
                res = x[1] + (t - y[1]) / m[1];
        } else {
            if (!(t < x[1]))
                res = y[1] + (t - x[1]) * m[1];
        }
        res = (res - x[1]) / gain + x[1];
    }
    return res;
}

static void
sc_apply(const struct vfx__gtone *k, float *rgb, int fwd)
{
    float con = (float) k->v.s_contrast;
    if (con == 1.0f)
        return;
    con = con > 1.0f ? 1.0f / (1.8125f - 0.8125f * fminf(con, 1.99f)) : 0.28125f + 0.71875f * fmaxf(con, 0.01f);
    const float *tx = k->sc_x[0], *ty = k->sc_y[0], *tm = k->sc_m[0];
    const float *bx = k->sc_x[1], *by = k->sc_y[1], *bm = k->sc_m[1];
    for (int c = 0; c < 3; c++) {
        const float t = rgb[c];
        float o;
        if (fwd) {
            o = (t - k->pivot) * con + k->pivot;
            if (!(t < tx[1])) {
                const float u = (t - tx[1]) / (tx[2] - tx[1]);
                o = u * (tx[2] - tx[1]) * (u * 0.5f * (tm[1] - tm[0]) + tm[0]) + ty[1];
            }
            if (!(t < tx[2]))
                o = ty[2] + (t - tx[2]) * tm[1];
            if (t < bx[2]) {
                const float u = (t - bx[1]) / (bx[2] - bx[1]);
                o = u * (bx[2] - bx[1]) * (u * 0.5f * (bm[1] - bm[0]) + bm[0]) + by[1];
            }
            if (t < bx[1])
                o = by[1] + (t - bx[1]) * bm[0];
        } else {
            o = (t - k->pivot) / con + k->pivot;
            if (!(t < ty[1])) {
                const float b = tm[0] * (tx[2] - tx[1]), a = (tm[1] - tm[0]) * 0.5f * (tx[2] - tx[1]);
                const float cc = ty[1] - t;
                o = (tx[2] - tx[1]) * (-2.0f * cc) / (sqrtf(b * b - 4.0f * a * cc) + b) + tx[1];
            }
            if (!(t < ty[2]))
                o = tx[2] + (t - ty[2]) / tm[1];
            if (t < by[2]) {
                const float b = bm[0] * (bx[2] - bx[1]), a = (bm[1] - bm[0]) * 0.5f * (bx[2] - bx[1]);
                const float cc = by[1] - t;
                o = (bx[2] - bx[1]) * (-2.0f * cc) / (sqrtf(b * b - 4.0f * a * cc) + b) + bx[1];
            }
            if (t < by[1])
                o = bx[1] + (t - by[1]) / bm[0];
        }
        rgb[c] = o;
    }
}

/* one zone (0 mids, 1 highlights, 2 whites, 3 shadows, 4 blacks) for channel c (3 = master, on
 * all three) */
static void
tone_zone(const struct vfx__gtone *k, int zone, int c, float *rgb, int fwd)
{
    const vfx_grading_tone *v = &k->v;
    const int c0 = c == 3 ? 0 : c, c1 = c == 3 ? 3 : c + 1;
    switch (zone) {
    case 0:
        if (clampf(zone_value(&v->midtones, c), 0.01f, 1.99f) == 1.0f)
            return;
        for (int i = c0; i < c1; i++)
            rgb[i] = fwd ? mids_fwd(rgb[i], k->mid_x[c], k->mid_y[c], k->mid_m[c], c != 3)
                         : mids_rev(rgb[i], k->mid_x[c], k->mid_y[c], k->mid_m[c], c != 3);
        return;
    case 1:
    case 3: {
        const int s = zone == 3;
        const float val = s ? zone_value(&v->shadows, c) : 2.0f - zone_value(&v->highlights, c);
        if (val == 1.0f)
            return;
        const int use_fwd = (val < 1.0f) == (fwd != 0);
        for (int i = c0; i < c1; i++)
            rgb[i] = use_fwd ? hs_fwd(rgb[i], k->hs_x[s][c], k->hs_y[s][c], k->hs_m[s][c])
                             : hs_rev(rgb[i], k->hs_x[s][c], k->hs_y[s][c], k->hs_m[s][c]);
        return;
    }
    default: {
        const int s = zone == 4;
        const float val = s ? zone_value(&v->blacks, c) : zone_value(&v->whites, c);
        for (int i = c0; i < c1; i++)
            rgb[i] = wb_apply(rgb[i], s, val, k->wb_x[s][c], k->wb_y[s][c], k->wb_m[s][c],
                              k->wb_gain[s][c], fwd);
        return;
    }
    }
}

void
vfx__grading_tone_span(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    const struct vfx__gtone *k = &op->u.gtone;
    if (k->bypass)
        return;
    const int fwd = k->dir == VFX_DIR_FORWARD, lin = k->style == VFX_GRADING_LIN;
    static const int fwd_zones[5] = { 0, 1, 2, 3, 4 }, rev_zones[5] = { 4, 3, 2, 1, 0 };
    static const int fwd_ch[4] = { 0, 1, 2, 3 }, rev_ch[4] = { 3, 0, 1, 2 };
    const int *zones = fwd ? fwd_zones : rev_zones, *chs = fwd ? fwd_ch : rev_ch;
    for (int i = 0; i < n; i++) {
        float rgb[3] = { r[i], g[i], b[i] };
        if (lin)
            for (int c = 0; c < 3; c++)
                rgb[c] = lin_to_log(rgb[c]);
        if (!fwd)
            sc_apply(k, rgb, 0);
        for (int z = 0; z < 5; z++)
            for (int c = 0; c < 4; c++)
                tone_zone(k, zones[z], chs[c], rgb, fwd);
        if (fwd)
            sc_apply(k, rgb, 1);
        for (int c = 0; c < 3; c++) {
            float x = lin ? log_to_lin(rgb[c]) : rgb[c];
            rgb[c] = x > 65504.0f ? 65504.0f : x; /* OCIO keeps the result within half range */
        }
        r[i] = rgb[0];
        g[i] = rgb[1];
        b[i] = rgb[2];
    }
}
