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
