/* The ACES fixed functions (red modifier 0.3 / 1.0, glow 0.3 / 1.0, dark-to-dim 1.0, reference
 * gamut compression 1.3) and the library-private curves OCIO's ACES built-ins are made of (the
 * RRT / ODT tone-scale B-splines, and curves OCIO samples on the half-float domain).
 *
 * Written by hand: no Debian library implements these. The maths follows the ACES CTL
 * reference (aces-dev) in the form OpenColorIO 2.1 evaluates it on the CPU — f32 arithmetic,
 * the same noise thresholds, the same approximate inverses — because the goal is to produce
 * the colours OCIO produces (tests/ocio/test_aces.c compares with Debian's OCIO 2.1). */
#include <math.h>
#include <string.h>

#include "color/color_int.h"

/* ---- shared helpers ------------------------------------------------------------------------ */

static inline float
maxf3(float a, float b, float c)
{
    return fmaxf(a, fmaxf(b, c));
}

static inline float
minf3(float a, float b, float c)
{
    return fminf(a, fminf(b, c));
}

/* Saturation estimate of the CTL: (max - min) / max, with the numerator floored at 1e-10 and
 * the denominator at 0.01, so dark noise does not count as saturated. */
static inline float
sat_weight(float r, float g, float b)
{
    float hi = maxf3(r, g, b), lo = minf3(r, g, b);
    return (fmaxf(1e-10f, hi) - fmaxf(1e-10f, lo)) / fmaxf(1e-2f, hi);
}

/* Weight of the red-modifier hue window: a cubic B-spline basis over the hue angle (red at 0),
 * @p inv_width = 4 / window width in radians. The window index is truncated toward zero as in
 * OCIO, which keeps the first basis piece slightly past the window's lower edge. */
static inline float
hue_weight(float r, float g, float b, float inv_width)
{
    static const float basis[4][4] = {
        { 0.25f, 0.00f, 0.00f, 0.00f },
        { -0.75f, 0.75f, 0.75f, 0.25f },
        { 0.75f, -1.50f, 0.00f, 1.00f },
        { -0.25f, 0.75f, -0.75f, 0.25f },
    };
    float a = 2.0f * r - (g + b), bb = 1.7320508075688772f * (g - b);
    float knot = atan2f(bb, a) * inv_width + 2.0f;
    int j = (int) knot;
    if (!(j >= 0 && j < 4))
        return 0.0f;
    float t = knot - (float) j;
    const float *c = basis[j];
    return c[3] + t * (c[2] + t * (c[1] + t * c[0]));
}

/* After red moved from @p r to @p nr, move the middle channel so the hue stays (CTL). */
static inline void
restore_hue(float r, float nr, float *g, float *b)
{
    if (*g >= *b)
        *g = (*g - *b) / fmaxf(1e-10f, r - *b) * (nr - *b) + *b;
    else
        *b = (*b - *g) / fmaxf(1e-10f, r - *g) * (nr - *g) + *g;
}

/* Red modifier: pull saturated reds toward a pivot. @p v03 selects the ACES 0.3 variant
 * (scale 0.85, 120 degree window, hue restored) over 1.0 (scale 0.82, 135 degrees, red only).
 * The inverse solves the quadratic the forward makes when the saturation weight is written
 * with the output's min channel, as the CTL inverse does. */
static void
red_mod(float *r, float *g, float *b, int n, int v03, int fwd)
{
    const float k = v03 ? 1.0f - 0.85f : 1.0f - 0.82f, pivot = 0.03f;
    const float inv_width = v03 ? 1.9098593171027443f : 1.6976527263135504f;
    for (int i = 0; i < n; i++) {
        float rr = r[i], gg = g[i], bb = b[i];
        float fh = hue_weight(rr, gg, bb, inv_width);
        if (!(fh > 0.0f))
            continue;
        float nr;
        if (fwd) {
            nr = rr + fh * sat_weight(rr, gg, bb) * (pivot - rr) * k;
        } else {
            float lo = gg < bb ? gg : bb;
            float qa = fh * k - 1.0f, qb = rr - fh * (pivot + lo) * k, qc = fh * pivot * lo * k;
            nr = (-qb - sqrtf(qb * qb - 4.0f * qa * qc)) / (2.0f * qa);
        }
        if (v03)
            restore_hue(rr, nr, &g[i], &b[i]);
        r[i] = nr;
    }
}

/* Glow: lift dark saturated colours by a gain that fades out between YC = 2/3 mid and 2 mid,
 * YC being luma plus a chroma radius term. 0.3: gain 0.075, mid 0.1; 1.0: gain 0.05, mid 0.08. */
static void
glow(float *r, float *g, float *b, int n, int v03, int fwd)
{
    const float gain = v03 ? 0.075f : 0.05f, mid = v03 ? 0.1f : 0.08f;
    for (int i = 0; i < n; i++) {
        float rr = r[i], gg = g[i], bb = b[i];
        float yc = (bb + gg + rr + 1.75f * sqrtf(bb * (bb - gg) + gg * (gg - rr) + rr * (rr - bb))) / 3.0f;
        float x = (sat_weight(rr, gg, bb) - 0.4f) * 5.0f, sgn = copysignf(1.0f, x);
        float t = fmaxf(0.0f, 1.0f - 0.5f * sgn * x);
        float gg_ = gain * (1.0f + sgn * (1.0f - t * t)) * 0.5f; /* gain through a sigmoid of sat */
        float out;
        if (yc >= mid * 2.0f)
            out = 0.0f;
        else if (fwd)
            out = yc <= mid * 2.0f / 3.0f ? gg_ : gg_ * (mid / yc - 0.5f);
        else
            out = yc <= (1.0f + gg_) * mid * 2.0f / 3.0f ? -gg_ / (1.0f + gg_)
                                                        : gg_ * (mid / yc - 0.5f) / (gg_ * 0.5f - 1.0f);
        float s = 1.0f + out;
        r[i] = rr * s;
        g[i] = gg * s;
        b[i] = bb * s;
    }
}

/* Dark to dim surround: RGB * Y^(gamma - 1) with Y the AP1 luminance, gamma 0.9811. */
static void
dark_to_dim(float *r, float *g, float *b, int n, int fwd)
{
    const float e = (fwd ? 0.9811f : 1.0192640913f) - 1.0f;
    for (int i = 0; i < n; i++) {
        float y = fmaxf(1e-10f, 0.27222871678091454f * r[i] + 0.67408176581114831f * g[i] +
                                    0.053689517407937051f * b[i]);
        float s = powf(y, e);
        r[i] *= s;
        g[i] *= s;
        b[i] *= s;
    }
}

/* Reference gamut compression 1.3: per channel, the distance from the achromatic axis
 * (max of RGB) beyond a threshold is compressed so that distance 'lim' lands on 1. */
static float
gc_one(float v, float ach, float thr, float scale, float pw, int fwd)
{
    if (ach == 0.0f)
        return 0.0f;
    float dist = (ach - v) / fabsf(ach);
    if (dist < thr)
        return v;
    float nd = (dist - thr) / scale, p = powf(nd, pw), cd;
    if (fwd)
        cd = thr + scale * nd / powf(1.0f + p, 1.0f / pw);
    else if (dist >= thr + scale)
        cd = dist; /* past the asymptote: no inverse, pass */
    else
        cd = thr + scale * powf(-(p / (p - 1.0f)), 1.0f / pw);
    return ach - cd * fabsf(ach);
}

static void
gamut_comp(const double prm[7], float *r, float *g, float *b, int n, int fwd)
{
    const float pw = (float) prm[6];
    float thr[3], scale[3];
    for (int c = 0; c < 3; c++) {
        float lim = (float) prm[c];
        thr[c] = (float) prm[3 + c];
        scale[c] = (lim - thr[c]) / powf(powf((1.0f - thr[c]) / (lim - thr[c]), -pw) - 1.0f, 1.0f / pw);
    }
    for (int i = 0; i < n; i++) {
        float ach = maxf3(r[i], g[i], b[i]);
        r[i] = gc_one(r[i], ach, thr[0], scale[0], pw, fwd);
        g[i] = gc_one(g[i], ach, thr[1], scale[1], pw, fwd);
        b[i] = gc_one(b[i], ach, thr[2], scale[2], pw, fwd);
    }
}

/* ---- tone-scale splines (private) ----------------------------------------------------------
 * The ACES 1.x RRT and ODT tone scales, as OCIO 2.1 builds them: quadratic B-splines in log10
 * space through the CTL's control points, with the CTL's slopes at each point. Each segment
 * between two points is one quadratic, or two joined at an inner knot when one cannot match
 * both end slopes. Outside the knots the curve continues linearly. */

typedef struct spline_pts {
    int         n;
    const float (*xy)[2];
    const float *slope;
} spline_pts;

static const float RRT_XY[7][2] = {
    { -5.26017743f, -4.0f }, { -3.75502745f, -3.57868829f }, { -2.24987747f, -1.82131329f },
    { -0.74472749f, 0.68124124f }, { 1.06145248f, 2.87457742f }, { 2.86763245f, 3.83406206f },
    { 4.67381243f, 4.0f } };
static const float RRT_S[7] = { 0.0f, 0.55982688f, 1.77532247f, 1.55f, 0.8787017f, 0.18374463f, 0.0f };
static const float ODT48_XY[15][2] = {
    { -2.54062362f, -1.69897000f }, { -2.08035721f, -1.58843500f }, { -1.62009080f, -1.35350000f },
    { -1.15982439f, -1.04695000f }, { -0.69955799f, -0.65640000f }, { -0.23929158f, -0.22141000f },
    { 0.22097483f, 0.22814402f }, { 0.68124124f, 0.68124124f }, { 1.01284632f, 0.99142189f },
    { 1.34445140f, 1.25800000f }, { 1.67605648f, 1.44995000f }, { 2.00766156f, 1.55910000f },
    { 2.33926665f, 1.62260000f }, { 2.67087173f, 1.66065457f }, { 3.00247681f, 1.68124124f } };
static const float ODT48_S[15] = { 0.0f, 0.4803088f, 0.5405565f, 0.79149813f, 0.9055625f,
                                   0.98460368f, 0.96884766f, 1.0f, 0.87078346f, 0.73702127f,
                                   0.42068113f, 0.23763206f, 0.14535362f, 0.08416378f, 0.04f };
static const float HDR1000_XY[7][2] = {
    { -5.60050155f, -4.0f }, { -4.09535157f, -3.57868829f }, { -2.59020159f, -1.82131329f },
    { -1.08505161f, 0.68124124f }, { 0.22347059f, 2.22673503f }, { 1.53199279f, 2.87906206f },
    { 2.84051500f, 3.0f } };
static const float HDR1000_S[7] = { 0.0f, 0.55982688f, 1.77532247f, 1.55f, 0.81219728f, 0.1848466f, 0.0f };
static const float HDR2000_XY[7][2] = {
    { -5.59738488f, -4.0f }, { -4.09223490f, -3.57868829f }, { -2.58708492f, -1.82131329f },
    { -1.08193494f, 0.68124124f }, { 0.37639718f, 2.42130131f }, { 1.83472930f, 3.16609199f },
    { 3.29306142f, 3.30103000f } };
static const float HDR2000_S[7] = { 0.0f, 0.55982688f, 1.77532247f, 1.55f, 0.83637009f, 0.18505799f, 0.0f };
static const float HDR4000_XY[7][2] = {
    { -5.59503319f, -4.0f }, { -4.08988322f, -3.57868829f }, { -2.58473324f, -1.82131329f },
    { -1.07958326f, 0.68124124f }, { 0.52855878f, 2.61625839f }, { 2.13670081f, 3.45351273f },
    { 3.74484285f, 3.60205999f } };
static const float HDR4000_S[7] = { 0.0f, 0.55982688f, 1.77532247f, 1.55f, 0.85652519f, 0.18474395f, 0.0f };
static const float HDR108_XY[7][2] = {
    { -5.37852506f, -4.0f }, { -3.87337508f, -3.57868829f }, { -2.36822510f, -1.82131329f },
    { -0.86307513f, 0.68124124f }, { -0.03557710f, 1.60464482f }, { 0.79192092f, 1.96008059f },
    { 1.61941895f, 2.03342376f } };
static const float HDR108_S[7] = { 0.0f, 0.55982688f, 1.77532247f, 1.55f, 0.68179646f, 0.17726487f, 0.0f };

static const spline_pts SPLINES[VFX__ACES_SPLINE_COUNT] = {
    [VFX__ACES_SPLINE_RRT] = { 7, RRT_XY, RRT_S },
    [VFX__ACES_SPLINE_ODT_48] = { 15, ODT48_XY, ODT48_S },
    [VFX__ACES_SPLINE_HDR_1000] = { 7, HDR1000_XY, HDR1000_S },
    [VFX__ACES_SPLINE_HDR_2000] = { 7, HDR2000_XY, HDR2000_S },
    [VFX__ACES_SPLINE_HDR_4000] = { 7, HDR4000_XY, HDR4000_S },
    [VFX__ACES_SPLINE_HDR_108] = { 7, HDR108_XY, HDR108_S },
};

#define SPLINE_MAX_PTS 16
typedef struct spline {
    int   n_knots;                         /* pieces = n_knots - 1 */
    float knot[2 * SPLINE_MAX_PTS];
    float a[2 * SPLINE_MAX_PTS], b[2 * SPLINE_MAX_PTS], c[2 * SPLINE_MAX_PTS]; /* a t^2 + b t + c */
} spline;

static void
spline_fit(const spline_pts *sp, const float *slope, spline *s)
{
    int k = 0;
    s->knot[0] = sp->xy[0][0];
    s->n_knots = 1;
    for (int i = 0; i + 1 < sp->n; i++) {
        float x0 = sp->xy[i][0], x1 = sp->xy[i + 1][0], y0 = sp->xy[i][1], y1 = sp->xy[i + 1][1];
        float s0 = slope[i], s1 = slope[i + 1], dx = x1 - x0, m = (y1 - y0) / dx;
        if (fabsf((s0 + s1) - 2.0f * m) < 1e-6f) { /* one quadratic meets both slopes */
            s->c[k] = y0;
            s->b[k] = s0;
            s->a[k] = 0.5f * (s1 - s0) / dx;
            k++;
        } else {
            /* inner knot: the middle when both slopes lie on one side of the secant, else where
             * the slope line crossing the secant allows */
            float da = s0 - m, db = s1 - m, kn;
            if (da * db >= 0.0f)
                kn = (x0 + x1) * 0.5f;
            else if (fabsf(da) > fabsf(db))
                kn = x1 + da * dx / (s1 - s0);
            else
                kn = x0 + db * dx / (s1 - s0);
            float sm = (2.0f * m - s1) + (s1 - s0) * (kn - x0) / dx; /* slope at the inner knot */
            float eta = (sm - s0) / (kn - x0);
            s->c[k] = y0;
            s->b[k] = s0;
            s->a[k] = 0.5f * eta;
            k++;
            s->c[k] = y0 + s0 * (kn - x0) + 0.5f * eta * (kn - x0) * (kn - x0);
            s->b[k] = sm;
            s->a[k] = 0.5f * (s1 - sm) / (x1 - kn);
            k++;
            s->knot[s->n_knots++] = kn;
        }
        s->knot[s->n_knots++] = x1;
    }
}

/* A fit whose inner slope would go negative (a non-monotonic piece) has its end slopes scaled
 * down and is fitted again; returns 1 when it changed @p slope. */
static int
spline_adjust(const spline_pts *sp, float *slope, const spline *s)
{
    int changed = 0, i = 0;
    for (int j = 0; j < s->n_knots && i + 1 < sp->n; j++) {
        if (sp->xy[i][0] == s->knot[j])
            continue;
        float kn = s->knot[j], x0 = sp->xy[i][0], x1 = sp->xy[i + 1][0];
        float y0 = sp->xy[i][1], y1 = sp->xy[i + 1][1];
        float sm = (2.0f * (y1 - y0) - (kn - x0) * slope[i] - (x1 - kn) * slope[i + 1]) / (x1 - x0);
        if (sm < 0.0f) {
            changed = 1;
            float sec = (y1 - y0) / (x1 - x0);
            float blend = ((kn - x0) * slope[i] + (x1 - kn) * slope[i + 1]) / (x1 - x0);
            float aim = fminf(0.01f * 0.5f * (slope[i] + slope[i + 1]), sec);
            float adj = (2.0f * sec - aim) / blend;
            slope[i] *= adj;
            slope[i + 1] *= adj;
        }
        i++;
    }
    return changed;
}

static void
spline_build(int id, spline *s)
{
    const spline_pts *sp = &SPLINES[id];
    float slope[SPLINE_MAX_PTS];
    memcpy(slope, sp->slope, (size_t) sp->n * sizeof *slope);
    spline_fit(sp, slope, s);
    if (spline_adjust(sp, slope, s))
        spline_fit(sp, slope, s);
}

static float
spline_eval(const spline *s, float x)
{
    const int np = s->n_knots - 1;
    const float k0 = s->knot[0], k1 = s->knot[np];
    if (x <= k0)
        return (x - k0) * s->b[0] + s->c[0];
    if (x >= k1) {
        float t = k1 - s->knot[np - 1];
        float a = s->a[np - 1], b = s->b[np - 1], c = s->c[np - 1];
        return (x - k1) * (2.0f * a * t + b) + (a * t + b) * t + c;
    }
    int i = 0;
    while (i < np - 1 && !(x < s->knot[i + 1]))
        i++;
    float t = x - s->knot[i];
    return (s->a[i] * t + s->b[i]) * t + s->c[i];
}

static float
spline_eval_inv(const spline *s, float y)
{
    const int np = s->n_knots - 1;
    const float k0 = s->knot[0], k1 = s->knot[np];
    float t1 = k1 - s->knot[np - 1];
    float a1 = s->a[np - 1], b1 = s->b[np - 1], c1 = s->c[np - 1];
    float y_end = (a1 * t1 + b1) * t1 + c1;
    if (y <= s->c[0])
        return fabsf(s->b[0]) < 1e-5f ? k0 : (y - s->c[0]) / s->b[0] + k0;
    if (y >= y_end) {
        float sl = 2.0f * a1 * t1 + b1;
        return fabsf(sl) < 1e-5f ? k1 : (y - y_end) / sl + k1;
    }
    int i = 0;
    while (i < np - 1 && !(y < s->c[i + 1]))
        i++;
    float c0 = s->c[i] - y;
    float disc = sqrtf(s->b[i] * s->b[i] - 4.0f * s->a[i] * c0);
    return s->knot[i] + (-2.0f * c0) / (disc + s->b[i]); /* the stable root */
}

static void
spline_span(int id, float *const ch[3], int n, int fwd)
{
    spline s;
    spline_build(id, &s);
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < n; i++)
            ch[c][i] = fwd ? spline_eval(&s, ch[c][i]) : spline_eval_inv(&s, ch[c][i]);
}

/* ---- half-domain curves (private) ----------------------------------------------------------
 * OCIO builds some ACES pieces as 1D LUTs over every half-float value and interpolates
 * linearly between the two halves around an input. Doing the same with the curve evaluated
 * at those two halves gives its results without the 64K-entry table. */

/* ADX: channel-independent density -> relative log exposure (CTL's 11-point table, extended
 * linearly below and by the film's slope above). */
static double
adx_density_to_log(double in)
{
    static const double t[11][2] = {
        { -0.190000000000000, -6.000000000000000 }, { 0.010000000000000, -2.721718645000000 },
        { 0.028000000000000, -2.521718645000000 }, { 0.054000000000000, -2.321718645000000 },
        { 0.095000000000000, -2.121718645000000 }, { 0.145000000000000, -1.921718645000000 },
        { 0.220000000000000, -1.721718645000000 }, { 0.300000000000000, -1.521718645000000 },
        { 0.400000000000000, -1.321718645000000 }, { 0.500000000000000, -1.121718645000000 },
        { 0.600000000000000, -0.926545676714876 } };
    if (in < t[0][0]) {
        double sl = (t[1][1] - t[0][1]) / (t[1][0] - t[0][0]);
        return fmax(-10.0, t[0][1] - sl * (t[0][0] - in));
    }
    if (in <= t[10][0]) {
        int i = 0;
        while (i < 9 && in > t[i + 1][0])
            i++;
        double f = (in - t[i][0]) / (t[i + 1][0] - t[i][0]);
        return t[i][1] + f * (t[i + 1][1] - t[i][1]);
    }
    const double ref = (7120.0 - 1520.0) / 8000.0 * (100.0 / 55.0) - log10(0.18);
    return fmin(4.8162678, (100.0 / 55.0) * in - ref); /* capped at log10(HALF_MAX) */
}

/* The cinema ODTs' white roll-off: values near 1 bend to a new white (0.918 for D60 sim,
 * 0.908 for D65 sim) with a quadratic over [0.5, 1] mirrored around 0. */
static double
roll_white(double in, double new_white)
{
    const double x0 = -1.0, x1 = -0.5, y0 = -new_white, y1 = x1, m1 = x1 - x0;
    const double a = y0 - y1 + m1, b = 2.0 * (y1 - y0) - m1, c = y0;
    double t = (-in - x0) / (x1 - x0);
    if (t < 0.0)
        return -(t * b + c);
    if (t > 1.0)
        return in;
    return -((t * a + b) * t + c);
}

static float
half_curve_f(int id, double x)
{
    switch (id) {
    case VFX__HALF_CURVE_ADX: return (float) adx_density_to_log(x);
    case VFX__HALF_CURVE_ROLL_WHITE_D60: return (float) roll_white(x, 0.918);
    default: return (float) roll_white(x, 0.908);
    }
}

#define HALF_MAX_F 65504.0f

/* The two adjacent half values around @p x (lo <= x <= hi, equal when x is a half). */
static void
half_bracket(float x, float *lo, float *hi)
{
    float ax = fabsf(x);
    if (ax >= HALF_MAX_F) {
        *lo = *hi = copysignf(HALF_MAX_F, x);
        return;
    }
    int e;
    frexpf(ax, &e); /* ax in [2^(e-1), 2^e) */
    float step = e - 1 < -14 ? ldexpf(1.0f, -24) : ldexpf(1.0f, e - 1 - 10);
    float q = floorf(ax / step) * step;
    float a = q, b = q == ax ? q : q + step;
    if (x < 0.0f) {
        *lo = -b;
        *hi = -a;
    } else {
        *lo = a;
        *hi = b;
    }
}

static float
half_curve_eval(int id, float x)
{
    if (isnan(x))
        return x;
    float lo, hi;
    half_bracket(x, &lo, &hi);
    float flo = half_curve_f(id, lo);
    if (lo == hi)
        return flo;
    float fhi = half_curve_f(id, hi);
    return flo + (fhi - flo) * ((x - lo) / (hi - lo));
}

/* The curves are non-decreasing: invert by bisection on the interpolated curve. Values past
 * the curve's range map to where its flat ends begin, as OCIO's inverse 1D LUT does. */
static float
half_curve_inv(int id, float y)
{
    if (isnan(y))
        return y;
    float lo = -HALF_MAX_F, hi = HALF_MAX_F;
    float fmin = half_curve_eval(id, lo), fmax = half_curve_eval(id, hi);
    int below = y <= fmin;
    if (below)
        y = fmin;
    else if (y > fmax)
        y = fmax;
    for (int it = 0; it < 200; it++) {
        float mid = 0.5f * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        float f = half_curve_eval(id, mid);
        if (below ? f <= y : f < y)
            lo = mid;
        else
            hi = mid;
    }
    return below ? lo : hi;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

int
vfx__fixed_is_aces(vfx_fixed_function f)
{
    return (f >= VFX_FIXED_ACES_RED_MOD_03 && f <= VFX_FIXED_ACES_GAMUT_COMP_13) ||
           f == VFX__FIXED_ACES_SPLINE || f == VFX__FIXED_HALF_CURVE;
}

const char *
vfx__fixed_aces_name(vfx_fixed_function f)
{
    switch ((int) f) {
    case VFX_FIXED_ACES_RED_MOD_03: return "aces_red_mod_03";
    case VFX_FIXED_ACES_RED_MOD_10: return "aces_red_mod_10";
    case VFX_FIXED_ACES_GLOW_03: return "aces_glow_03";
    case VFX_FIXED_ACES_GLOW_10: return "aces_glow_10";
    case VFX_FIXED_ACES_DARK_TO_DIM_10: return "aces_dark_to_dim_10";
    case VFX_FIXED_ACES_GAMUT_COMP_13: return "aces_gamut_comp_13";
    case VFX__FIXED_ACES_SPLINE: return "aces_tonescale_spline";
    case VFX__FIXED_HALF_CURVE: return "half_domain_curve";
    default: return "?";
    }
}

void
vfx__fixed_aces_span(const vfx__color_op *op, float *r, float *g, float *b, int n)
{
    const int fwd = op->u.fixed.dir == VFX_DIR_FORWARD;
    float *const ch[3] = { r, g, b };
    switch ((int) op->u.fixed.f) {
    case VFX_FIXED_ACES_RED_MOD_03: red_mod(r, g, b, n, 1, fwd); break;
    case VFX_FIXED_ACES_RED_MOD_10: red_mod(r, g, b, n, 0, fwd); break;
    case VFX_FIXED_ACES_GLOW_03: glow(r, g, b, n, 1, fwd); break;
    case VFX_FIXED_ACES_GLOW_10: glow(r, g, b, n, 0, fwd); break;
    case VFX_FIXED_ACES_DARK_TO_DIM_10: dark_to_dim(r, g, b, n, fwd); break;
    case VFX_FIXED_ACES_GAMUT_COMP_13: gamut_comp(op->u.fixed.params, r, g, b, n, fwd); break;
    case VFX__FIXED_ACES_SPLINE: spline_span((int) op->u.fixed.param, ch, n, fwd); break;
    case VFX__FIXED_HALF_CURVE:
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++)
                ch[c][i] = fwd ? half_curve_eval((int) op->u.fixed.param, ch[c][i])
                               : half_curve_inv((int) op->u.fixed.param, ch[c][i]);
        break;
    default: break;
    }
}

/* The reference parameters of ACES 1.3's gamut compression LMT: limits (cyan, magenta,
 * yellow), thresholds, power. */
static const double GC13_DEFAULT[7] = { 1.147, 1.264, 1.312, 0.815, 0.803, 0.880, 1.2 };

vfx_status
vfx_color_processor_append_fixed_params(vfx_color_processor *p, vfx_fixed_function f,
                                        const double *params, int32_t n_params, vfx_direction dir)
{
    if (!p || (dir != VFX_DIR_FORWARD && dir != VFX_DIR_INVERSE) || (int) f < 0 || f >= VFX_FIXED_COUNT ||
        n_params < 0 || (n_params > 0 && !params))
        return vfx__fail(VFX_ERR_ARG, "color: bad fixed function op");
    if (f == VFX_FIXED_REC2100_SURROUND) {
        if (n_params != 1)
            return vfx__fail(VFX_ERR_ARG, "color: Rec.2100 surround takes 1 parameter, not %d", (int) n_params);
        return vfx_color_processor_append_fixed(p, f, params[0], dir);
    }
    if (f != VFX_FIXED_ACES_GAMUT_COMP_13) {
        if (n_params != 0)
            return vfx__fail(VFX_ERR_ARG, "color: fixed function %s takes no parameters, not %d",
                             vfx__fixed_aces_name(f), (int) n_params);
        return vfx_color_processor_append_fixed(p, f, 0.0, dir);
    }
    if (n_params != 7 && n_params != 0)
        return vfx__fail(VFX_ERR_ARG, "color: ACES gamut compression 1.3 takes 7 parameters, not %d",
                         (int) n_params);
    const double *v = n_params ? params : GC13_DEFAULT;
    static const char *const what[7] = { "cyan limit", "magenta limit", "yellow limit", "cyan threshold",
                                         "magenta threshold", "yellow threshold", "power" };
    /* OCIO's bounds: limits above 1, thresholds below 1 (half-float steps), power >= 1 */
    for (int i = 0; i < 7; i++) {
        double lo = i < 3 ? 1.001 : i < 6 ? 0.0 : 1.0, hi = i < 3 ? 65504.0 : i < 6 ? 0.9995 : 65504.0;
        if (!(v[i] >= lo && v[i] <= hi))
            return vfx__fail(VFX_ERR_ARG, "color: ACES gamut compression %s %g is outside [%g, %g]", what[i],
                             v[i], lo, hi);
    }
    vfx__color_op op = { .code = VFX_COLOR_OP_FIXED };
    op.u.fixed.f = f;
    op.u.fixed.dir = dir;
    memcpy(op.u.fixed.params, v, sizeof op.u.fixed.params);
    return vfx__color_processor_push_take(p, &op);
}

vfx_status
vfx__color_processor_append_fixed_private(vfx_color_processor *p, vfx_fixed_function f, int id,
                                          vfx_direction dir)
{
    vfx__color_op op = { .code = VFX_COLOR_OP_FIXED };
    op.u.fixed.f = f;
    op.u.fixed.param = id;
    op.u.fixed.dir = dir;
    return vfx__color_processor_push_take(p, &op);
}
