/* ICC profiles through lcms2: matrix/TRC pairs as exact ops, everything else as the lcms2
 * float transform baked into a 3D LUT (see vfx_color_processor_new_from_icc()). */
#include <lcms2.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "color/color_int.h"

#define ICC_CURVE_N 16384
#define ICC_LUT3D_N 65

/* lcms2 reports errors through a handler; keep the last message for ours. */
static _Thread_local char icc_msg[256];

static void
icc_log(cmsContext ctx, cmsUInt32Number code, const char *text)
{
    (void) ctx;
    (void) code;
    snprintf(icc_msg, sizeof icc_msg, "%s", text ? text : "");
}

/* Linear Rec.709 / sRGB primaries, D65, gamma 1 (the output of VFX_ICC_LINEAR_REC709). */
static cmsHPROFILE
linear_rec709(cmsContext ctx)
{
    cmsCIExyY d65 = { 0.3127, 0.3290, 1.0 };
    cmsCIExyYTRIPLE prim = { { 0.64, 0.33, 1.0 }, { 0.30, 0.60, 1.0 }, { 0.15, 0.06, 1.0 } };
    cmsToneCurve *lin = cmsBuildGamma(ctx, 1.0);
    if (!lin)
        return NULL;
    cmsToneCurve *curves[3] = { lin, lin, lin };
    cmsHPROFILE h = cmsCreateRGBProfileTHR(ctx, &d65, &prim, curves);
    cmsFreeToneCurve(lin);
    return h;
}

static vfx_status
check_rgb(cmsHPROFILE *h, const char *name)
{
    if (cmsGetColorSpace(*h) != cmsSigRgbData) {
        cmsCloseProfile(*h);
        *h = NULL;
        return vfx__fail(VFX_ERR_UNSUPPORTED, "icc: %s: not an RGB profile", name);
    }
    return VFX_OK;
}

static vfx_status
open_profile(cmsContext ctx, const char *path, cmsHPROFILE *out)
{
    *out = NULL;
    if (!path) {
        *out = cmsCreate_sRGBProfileTHR(ctx);
        return *out ? VFX_OK : vfx__fail(VFX_ERR_NOMEM, "icc: cannot make the sRGB profile");
    }
    if (strcmp(path, VFX_ICC_LINEAR_REC709) == 0) {
        *out = linear_rec709(ctx);
        return *out ? VFX_OK : vfx__fail(VFX_ERR_NOMEM, "icc: cannot make the linear Rec.709 profile");
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return vfx__fail(VFX_ERR_IO, "icc: %s: cannot open", path);
    fclose(f);
    icc_msg[0] = 0;
    *out = cmsOpenProfileFromFileTHR(ctx, path, "r");
    if (!*out)
        return vfx__fail(VFX_ERR_CORRUPT, "icc: %s: not a valid ICC profile%s%s", path, icc_msg[0] ? ": " : "",
                         icc_msg);
    return check_rgb(out, path);
}

/* RGB -> XYZ (D50 PCS) from the colorant tags. */
static int
colorant_matrix(cmsHPROFILE h, double m[9])
{
    const cmsTagSignature sig[3] = { cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag };
    for (int c = 0; c < 3; c++) {
        const cmsCIEXYZ *xyz = cmsReadTag(h, sig[c]);
        if (!xyz)
            return 0;
        m[c] = xyz->X;
        m[3 + c] = xyz->Y;
        m[6 + c] = xyz->Z;
    }
    return 1;
}

static int
is_gamma(const cmsToneCurve *c, double *g)
{
    if (cmsGetToneCurveParametricType(c) != 1)
        return 0;
    *g = cmsEstimateGamma(c, 1e-3);
    return *g > 0.0;
}

/* The three TRCs of @p h applied forward (decode: device -> linear) or inverted. */
static vfx_status
append_curves(vfx_color_processor *p, cmsHPROFILE h, int inverse)
{
    const cmsTagSignature sig[3] = { cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag };
    const cmsToneCurve *c[3];
    double g[3];
    int all_gamma = 1;
    for (int k = 0; k < 3; k++) {
        c[k] = cmsReadTag(h, sig[k]);
        if (!c[k])
            return vfx__fail(VFX_ERR_CORRUPT, "icc: TRC tag missing");
        if (!is_gamma(c[k], &g[k]))
            all_gamma = 0;
    }
    /* IEC 61966-2.1 form (parametric type 4) with a = 1 / (1 + b / a): the moncurve op, whose
     * linear segment continues below 0 and whose power continues above 1, as lcms2 evaluates
     * the curve (the built-in sRGB profile is one) */
    double mg[3], mo[3];
    int all_mon = 1;
    for (int k = 0; k < 3 && all_mon; k++) {
        const cmsFloat64Number *q = cmsGetToneCurveParametricType(c[k]) == 4
                                        ? cmsGetToneCurveParams((cmsToneCurve *) c[k]) : NULL;
        if (!q || !(q[0] > 1.0) || !(q[1] > 0.0) || !(q[2] > 0.0)) {
            all_mon = 0;
            break;
        }
        mg[k] = q[0];
        mo[k] = q[2] / q[1];
        if (fabs(q[1] * (1.0 + mo[k]) - 1.0) > 1e-6)
            all_mon = 0;
    }
    if (all_mon)
        return vfx_color_processor_append_moncurve(p, mg, mo, VFX_NEGATIVE_PASS_THRU,
                                                   inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    if (all_gamma) {
        /* a parametric type-1 curve stores the exponent exactly; lcms2 clamps negatives */
        const cmsFloat64Number *prm[3];
        for (int k = 0; k < 3; k++) {
            prm[k] = cmsGetToneCurveParams((cmsToneCurve *) c[k]);
            g[k] = prm[k] ? prm[k][0] : g[k];
        }
        return vfx_color_processor_append_exponent(p, g, VFX_NEGATIVE_CLAMP,
                                                   inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    }
    float *t = vfx__alloc(sizeof(float) * 3 * ICC_CURVE_N);
    if (!t)
        return vfx__fail(VFX_ERR_NOMEM, "icc: out of memory");
    for (int i = 0; i < ICC_CURVE_N; i++)
        for (int k = 0; k < 3; k++)
            t[3 * i + k] = cmsEvalToneCurveFloat(c[k], (cmsFloat32Number) i / (ICC_CURVE_N - 1));
    vfx_status st = vfx_color_processor_append_lut1d(p, t, ICC_CURVE_N, 3,
                                                     inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    vfx__free(t);
    return st;
}

static vfx_status
build_matrix_shaper(vfx_color_processor *p, cmsHPROFILE in, cmsHPROFILE out, int out_linear)
{
    double mi[9], mo[9], moi[9], m[9];
    if (!colorant_matrix(in, mi) || !colorant_matrix(out, mo))
        return vfx__fail(VFX_ERR_CORRUPT, "icc: colorant tags missing");
    VFX_TRY(vfx_mat3_invert(mo, moi));
    vfx_mat3_mul(moi, mi, m);
    VFX_TRY(append_curves(p, in, 0));
    VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
    /* a linear output needs no curves (and gamma-1 curves would clamp negatives) */
    return out_linear ? VFX_OK : append_curves(p, out, 1);
}

static vfx_status
build_baked(cmsContext ctx, vfx_color_processor *p, cmsHPROFILE in, cmsHPROFILE out, vfx_icc_intent intent)
{
    icc_msg[0] = 0;
    cmsHTRANSFORM xf = cmsCreateTransformTHR(ctx, in, TYPE_RGB_FLT, out, TYPE_RGB_FLT, (cmsUInt32Number) intent,
                                             cmsFLAGS_NOCACHE | cmsFLAGS_NOOPTIMIZE);
    if (!xf)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "icc: lcms2 cannot make this transform%s%s",
                         icc_msg[0] ? ": " : "", icc_msg);
    const int32_t n = ICC_LUT3D_N;
    size_t count = (size_t) n * (size_t) n * (size_t) n;
    float *t = vfx__alloc(sizeof(float) * 3 * count);
    if (!t) {
        cmsDeleteTransform(xf);
        return vfx__fail(VFX_ERR_NOMEM, "icc: out of memory");
    }
    for (int32_t b = 0; b < n; b++)
        for (int32_t g = 0; g < n; g++)
            for (int32_t r = 0; r < n; r++) {
                float *q = t + 3 * ((size_t) r + (size_t) n * ((size_t) g + (size_t) n * (size_t) b));
                q[0] = (float) r / (float) (n - 1);
                q[1] = (float) g / (float) (n - 1);
                q[2] = (float) b / (float) (n - 1);
            }
    cmsDoTransform(xf, t, t, (cmsUInt32Number) count);
    cmsDeleteTransform(xf);
    vfx_status st = vfx_color_processor_append_lut3d(p, t, n, VFX_INTERP_TETRAHEDRAL, VFX_DIR_FORWARD);
    vfx__free(t);
    return st;
}

/* The processor from the opened profiles; closes both and the context. */
static vfx_status
build(cmsContext ctx, cmsHPROFILE in, cmsHPROFILE o, int out_linear, vfx_icc_intent intent,
      vfx_color_processor **out)
{
    vfx_color_processor *p = NULL;
    vfx_status st = vfx_color_processor_new(&p);
    if (st == VFX_OK) {
        /* lcms2 adds black point compensation to the perceptual and saturation intents when
         * a profile is v4; that pipeline is baked */
        int v4 = cmsGetProfileVersion(in) >= 4.0 || cmsGetProfileVersion(o) >= 4.0;
        int exact_intent = intent == VFX_ICC_RELATIVE_COLORIMETRIC ||
                           ((intent == VFX_ICC_PERCEPTUAL || intent == VFX_ICC_SATURATION) && !v4);
        if (exact_intent && cmsIsMatrixShaper(in) && cmsIsMatrixShaper(o) && cmsGetPCS(in) == cmsSigXYZData &&
            cmsGetPCS(o) == cmsSigXYZData)
            st = build_matrix_shaper(p, in, o, out_linear);
        else
            st = build_baked(ctx, p, in, o, intent);
    }
    cmsCloseProfile(in);
    cmsCloseProfile(o);
    cmsDeleteContext(ctx);
    if (st != VFX_OK) {
        vfx_color_processor_free(p);
        return st;
    }
    *out = p;
    return VFX_OK;
}

static vfx_status
start(vfx_icc_intent intent, vfx_color_processor **out, cmsContext *ctx)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "icc: NULL argument");
    *out = NULL;
    if ((int) intent < 0 || (int) intent > 3)
        return vfx__fail(VFX_ERR_ARG, "icc: unknown intent %d", (int) intent);
    /* a private lcms2 context per call: its error handler is ours, and calls from several
     * threads share no lcms2 state */
    *ctx = cmsCreateContext(NULL, NULL);
    if (!*ctx)
        return vfx__fail(VFX_ERR_NOMEM, "icc: cannot make an lcms2 context");
    cmsSetLogErrorHandlerTHR(*ctx, icc_log);
    return VFX_OK;
}

vfx_status
vfx_color_processor_new_from_icc(const char *path_in, const char *path_out, vfx_icc_intent intent,
                                 vfx_color_processor **out)
{
    cmsContext ctx = NULL;
    if (out)
        *out = NULL;
    if (!path_in)
        return vfx__fail(VFX_ERR_ARG, "icc: NULL input profile");
    VFX_TRY(start(intent, out, &ctx));
    cmsHPROFILE in = NULL, o = NULL;
    vfx_status st = open_profile(ctx, path_in, &in);
    if (st == VFX_OK)
        st = open_profile(ctx, path_out, &o);
    if (st != VFX_OK) {
        if (in)
            cmsCloseProfile(in);
        cmsDeleteContext(ctx);
        return st;
    }
    return build(ctx, in, o, path_out && strcmp(path_out, VFX_ICC_LINEAR_REC709) == 0, intent, out);
}

vfx_status
vfx_color_processor_new_from_icc_data(const void *data, size_t size, const char *name,
                                      const char *path_out, vfx_icc_intent intent,
                                      vfx_color_processor **out)
{
    cmsContext ctx = NULL;
    if (out)
        *out = NULL;
    if (!data || size == 0)
        return vfx__fail(VFX_ERR_ARG, "icc: empty input profile");
    if (size > ((size_t) 1 << 30))
        return vfx__fail(VFX_ERR_LIMIT, "icc: %s: profile larger than 1 GiB", name ? name : "<memory>");
    VFX_TRY(start(intent, out, &ctx));
    const char *nm = name ? name : "<memory>";
    icc_msg[0] = 0;
    cmsHPROFILE in = cmsOpenProfileFromMemTHR(ctx, data, (cmsUInt32Number) size), o = NULL;
    vfx_status st = VFX_OK;
    if (!in)
        st = vfx__fail(VFX_ERR_CORRUPT, "icc: %s: not a valid ICC profile%s%s", nm, icc_msg[0] ? ": " : "",
                       icc_msg);
    else
        st = check_rgb(&in, nm);
    if (st == VFX_OK)
        st = open_profile(ctx, path_out, &o);
    if (st != VFX_OK) {
        if (in)
            cmsCloseProfile(in);
        cmsDeleteContext(ctx);
        return st;
    }
    return build(ctx, in, o, path_out && strcmp(path_out, VFX_ICC_LINEAR_REC709) == 0, intent, out);
}
