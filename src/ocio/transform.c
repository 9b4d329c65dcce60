/* Compiling OCIO transforms (YAML nodes) into colour processors, and the colour-space, look and
 * display/view pipelines built from them.
 *
 * Every transform is compiled through the colour engine's public API. Directions compose: a
 * transform marked `direction: inverse` inside an inverted group is forward again. Transforms
 * with a parameterised inverse (matrix, exponent, log, CDL, range, group) are inverted
 * directly; files and built-ins are built forward and inverted by the engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"
#include "ocio/ocio_int.h"

/* ---- parameters --------------------------------------------------------------------------- */

/* Read key @p key of @p xf as one number or a list of up to @p max numbers into @p v.
 * A single number fills the first three entries. Returns the count read (0 when absent). */
static vfx_status
get_nums(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, double *v, int max, int *n_out)
{
    const vfx_ocio_config *cfg = b->cfg;
    const yaml_node_t *n = vfx__ocio_map_get(cfg, xf, key);
    *n_out = 0;
    if (!n)
        return VFX_OK;
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = vfx__ocio_scalar(n);
        char *end = NULL;
        double d = strtod(s, &end);
        if (end == s || *end || !isfinite(d))
            return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "%s: '%s' is not a number", key, s);
        for (int i = 0; i < max && i < 3; i++)
            v[i] = d;
        *n_out = 1;
        return VFX_OK;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "%s must be a number or a list", key);
    int i = 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *c = vfx__ocio_node(cfg, *it);
        const char *s = vfx__ocio_scalar(c);
        char *end = NULL;
        double d = strtod(s, &end);
        if (!c || c->type != YAML_SCALAR_NODE || end == s || *end || !isfinite(d))
            return vfx__ocio_fail_at(cfg, c ? c : n, VFX_ERR_CORRUPT, "%s: '%s' is not a number", key, s);
        if (i >= max)
            return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "%s: more than %d values", key, max);
        v[i++] = d;
    }
    *n_out = i;
    return VFX_OK;
}

/* A list of exactly 3 or 4 values (the 4th, alpha, is ignored), or a single number. */
static vfx_status
get_rgb(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, double dflt, double rgb[3])
{
    double v[4] = { dflt, dflt, dflt, dflt };
    int n = 0;
    VFX_TRY(get_nums(b, xf, key, v, 4, &n));
    if (n == 2)
        return vfx__ocio_fail_at(b->cfg, vfx__ocio_map_get(b->cfg, xf, key), VFX_ERR_CORRUPT,
                                 "%s: expected 1, 3 or 4 values", key);
    rgb[0] = v[0];
    rgb[1] = v[1];
    rgb[2] = v[2];
    return VFX_OK;
}

static vfx_status
get_one(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, double dflt, double *out)
{
    double v[3] = { dflt, dflt, dflt };
    int n = 0;
    VFX_TRY(get_nums(b, xf, key, v, 1, &n));
    *out = v[0];
    return VFX_OK;
}

static const char *
get_str(vfx__ocio_build *b, const yaml_node_t *xf, const char *key)
{
    return vfx__ocio_scalar(vfx__ocio_map_get(b->cfg, xf, key));
}

static vfx_status
append_inverted(vfx__ocio_build *b, const yaml_node_t *xf, vfx_color_processor *fwd,
                vfx_color_processor *p)
{
    vfx_color_processor *inv = NULL;
    vfx_status st = vfx_color_processor_inverse(fwd, &inv);
    if (st == VFX_OK)
        st = vfx_color_processor_append_processor(p, inv);
    else
        st = vfx__ocio_fail_at(b->cfg, xf, st, "cannot invert: %s", vfx_error_message());
    vfx_color_processor_free(inv);
    return st;
}

static int
parse_bool_str(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0;
}

static vfx_status convert(vfx__ocio_build *b, int32_t src, int32_t dst, int data_bypass,
                          vfx_color_processor *p);

/* ---- each transform type ------------------------------------------------------------------ */

static vfx_status
xf_matrix(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    double m16[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 }, off[4] = { 0, 0, 0, 0 };
    int n = 0, no = 0;
    VFX_TRY(get_nums(b, xf, "matrix", m16, 16, &n));
    if (n != 0 && n != 16 && n != 9)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "matrix: expected 16 values, got %d", n);
    double m[9];
    if (n == 9)
        memcpy(m, m16, sizeof m);
    else
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                m[3 * r + c] = m16[4 * r + c];
    VFX_TRY(get_nums(b, xf, "offset", off, 4, &no));
    if (no != 0 && no != 3 && no != 4)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "offset: expected 4 values, got %d", no);
    if (no == 1)
        off[0] = off[1] = off[2] = 0; /* a lone number is not an offset vector */
    if (inverse) {
        double mi[9];
        if (vfx_mat3_invert(m, mi) != VFX_OK)
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "matrix is singular, cannot invert");
        double oi[3];
        for (int r = 0; r < 3; r++)
            oi[r] = -(mi[3 * r] * off[0] + mi[3 * r + 1] * off[1] + mi[3 * r + 2] * off[2]);
        memcpy(m, mi, sizeof m);
        memcpy(off, oi, sizeof oi);
    }
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_matrix(p, m, off);
}

/* The negative style of an ExponentTransform ("style": clamp, mirror or pass_thru) or of an
 * ExponentWithLinearTransform (linear or mirror), as OCIO 2.1 reads them: a style the
 * transform type does not have is an error, as in OCIO. */
static vfx_status
neg_style(vfx__ocio_build *b, const yaml_node_t *xf, int moncurve, vfx_negative_style *out)
{
    const yaml_node_t *n = vfx__ocio_map_get(b->cfg, xf, "style");
    const char *s = vfx__ocio_scalar(n);
    /* the moncurve's "linear" style continues its linear segment below 0: the engine's
     * PASS_THRU for that op */
    *out = moncurve ? VFX_NEGATIVE_PASS_THRU : VFX_NEGATIVE_CLAMP;
    if (!n || !s[0])
        return VFX_OK;
    if (strcasecmp(s, "mirror") == 0)
        *out = VFX_NEGATIVE_MIRROR;
    else if (!moncurve && (strcasecmp(s, "pass_thru") == 0 || strcasecmp(s, "passthru") == 0))
        *out = VFX_NEGATIVE_PASS_THRU;
    else if (!moncurve && strcasecmp(s, "clamp") == 0)
        *out = VFX_NEGATIVE_CLAMP;
    else if (moncurve && strcasecmp(s, "linear") == 0)
        *out = VFX_NEGATIVE_PASS_THRU;
    else
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "style '%s' is not valid for %s", s,
                                 moncurve ? "ExponentWithLinearTransform (linear or mirror)"
                                          : "ExponentTransform (clamp, mirror or pass_thru)");
    return VFX_OK;
}

static vfx_status
xf_exponent(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    double g[3];
    vfx_negative_style ns;
    VFX_TRY(get_rgb(b, xf, "value", 1.0, g));
    VFX_TRY(neg_style(b, xf, 0, &ns));
    for (int i = 0; i < 3; i++)
        if (g[i] == 0.0 && inverse)
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "exponent 0 cannot be inverted");
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_exponent(p, g, ns, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
}

/* ExponentWithLinear (the "moncurve"), on the colour engine's moncurve op. Its forward
 * direction decodes (encoded -> linear). OCIO raises gamma to at least 1.000001 and the
 * offset to at least 1e-6 before it derives the linear segment, so gamma 1 is a straight
 * line of slope 1 / (1 + offset) and offset 0 a power with a tiny linear toe; the same is
 * done here. A channel with gamma exactly 1 and offset 0 is left alone (OCIO's result
 * differs from the identity by < 3e-6 relative up to 1e3). */
static vfx_status
xf_exp_linear(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    double g[3] = { 1, 1, 1 }, o[3] = { 0, 0, 0 };
    vfx_negative_style ns;
    VFX_TRY(get_rgb(b, xf, "gamma", 1.0, g));
    VFX_TRY(get_rgb(b, xf, "offset", 0.0, o));
    VFX_TRY(neg_style(b, xf, 1, &ns));
    for (int i = 0; i < 3; i++) {
        if (!(g[i] >= 1.0) || !(o[i] >= 0.0) || g[i] > 1e3 || o[i] > 1e3)
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "ExponentWithLinearTransform: gamma "
                                     "%g offset %g (needs gamma >= 1 and offset >= 0)", g[i], o[i]);
        if (g[i] == 1.0 && o[i] == 0.0)
            continue;
        g[i] = fmax(g[i], 1.000001);
        o[i] = fmax(o[i], 1e-6);
    }
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_moncurve(p, g, o, ns, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
}

static vfx_status
xf_log(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    double base;
    VFX_TRY(get_one(b, xf, "base", 2.0, &base));
    if (!(base > 0.0) || base == 1.0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "log base %g is invalid", base);
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_log(p, base, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
}

/* !<FixedFunctionTransform> {style: ACES_RedMod03, params: [...]} */
static vfx_status
xf_fixed(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    static const struct {
        const char        *name;
        vfx_fixed_function f;
    } styles[] = {
        { "ACES_RedMod03", VFX_FIXED_ACES_RED_MOD_03 },     { "ACES_RedMod10", VFX_FIXED_ACES_RED_MOD_10 },
        { "ACES_Glow03", VFX_FIXED_ACES_GLOW_03 },          { "ACES_Glow10", VFX_FIXED_ACES_GLOW_10 },
        { "ACES_DarkToDim10", VFX_FIXED_ACES_DARK_TO_DIM_10 }, { "ACES_GamutComp13", VFX_FIXED_ACES_GAMUT_COMP_13 },
        { "REC2100_Surround", VFX_FIXED_REC2100_SURROUND }, { "RGB_TO_HSV", VFX_FIXED_RGB_TO_HSV },
        { "XYZ_TO_xyY", VFX_FIXED_XYZ_TO_XYY },             { "XYZ_TO_uvY", VFX_FIXED_XYZ_TO_UVY },
        { "XYZ_TO_LUV", VFX_FIXED_XYZ_TO_LUV },
    };
    const char *style = get_str(b, xf, "style");
    int k = -1;
    for (int i = 0; i < (int) VFX__COUNTOF(styles); i++)
        if (strcasecmp(style, styles[i].name) == 0)
            k = i;
    if (k < 0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "unknown FixedFunctionTransform style '%s'", style);
    double v[8];
    int n = 0;
    VFX_TRY(get_nums(b, xf, "params", v, 8, &n));
    vfx_color_processor *tmp = NULL;
    VFX_TRY(vfx_color_processor_new(&tmp));
    vfx_status st = vfx_color_processor_append_fixed_params(tmp, styles[k].f, v, n,
                                                            inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    if (st != VFX_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", vfx_error_message());
        st = vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "FixedFunctionTransform %s: %s", style, why);
    } else if (p)
        st = vfx_color_processor_append_processor(p, tmp);
    vfx_color_processor_free(tmp);
    return st;
}

static vfx_status
xf_log_params(vfx__ocio_build *b, const yaml_node_t *xf, int camera, int inverse, vfx_color_processor *p)
{
    vfx_log_params lp;
    VFX_TRY(get_one(b, xf, "base", 2.0, &lp.base));
    VFX_TRY(get_rgb(b, xf, "log_side_slope", 1.0, lp.log_slope));
    VFX_TRY(get_rgb(b, xf, "log_side_offset", 0.0, lp.log_offset));
    VFX_TRY(get_rgb(b, xf, "lin_side_slope", 1.0, lp.lin_slope));
    VFX_TRY(get_rgb(b, xf, "lin_side_offset", 0.0, lp.lin_offset));
    for (int i = 0; i < 3; i++)
        lp.lin_break[i] = lp.linear_slope[i] = NAN;
    if (!(lp.base > 0.0) || lp.base == 1.0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "log base %g is invalid", lp.base);
    for (int i = 0; i < 3; i++)
        if (lp.log_slope[i] == 0.0 || lp.lin_slope[i] == 0.0)
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "log slopes must not be 0");
    if (camera) {
        if (!vfx__ocio_map_get(b->cfg, xf, "lin_side_break"))
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "LogCameraTransform needs lin_side_break");
        VFX_TRY(get_rgb(b, xf, "lin_side_break", 0.0, lp.lin_break));
        if (vfx__ocio_map_get(b->cfg, xf, "linear_slope"))
            VFX_TRY(get_rgb(b, xf, "linear_slope", 1.0, lp.linear_slope));
        for (int i = 0; i < 3; i++)
            if (!(lp.lin_slope[i] * lp.lin_break[i] + lp.lin_offset[i] > 0.0))
                return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "LogCameraTransform: the log is "
                                         "undefined at lin_side_break");
    }
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_log_params(p, &lp, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
}

static vfx_status
xf_cdl(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    vfx_cdl cdl;
    VFX_TRY(get_rgb(b, xf, "slope", 1.0, cdl.slope));
    VFX_TRY(get_rgb(b, xf, "offset", 0.0, cdl.offset));
    VFX_TRY(get_rgb(b, xf, "power", 1.0, cdl.power));
    VFX_TRY(get_one(b, xf, "sat", 1.0, &cdl.saturation));
    if (vfx__ocio_map_get(b->cfg, xf, "saturation"))
        VFX_TRY(get_one(b, xf, "saturation", 1.0, &cdl.saturation));
    const char *style = get_str(b, xf, "style");
    /* OCIO's CDLTransform defaults to no clamping (v1 and v2 configs alike; checked with
     * ocioconvert 2.1); "asc" asks for the v1.2 spec's clamps */
    vfx_cdl_style cs = VFX_CDL_NO_CLAMP;
    if (strcasecmp(style, "asc") == 0 || strcasecmp(style, "Fwd") == 0)
        cs = VFX_CDL_ASC;
    else if (style[0] && strcasecmp(style, "noclamp") != 0 && strcasecmp(style, "FwdNoClamp") != 0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "unknown CDL style '%s'", style);
    for (int i = 0; i < 3; i++)
        if (!(cdl.power[i] > 0.0) || (inverse && cdl.slope[i] == 0.0))
            return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "CDL power must be > 0");
    if (!p)
        return VFX_OK;
    return vfx_color_processor_append_cdl(p, &cdl, cs, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
}

/* ExposureContrastTransform: {style: linear|video|log, exposure, contrast, gamma, pivot,
 * log_exposure_step, log_midway_gray}, the keys OCIO 2.1 reads. OCIO makes a missing exposure,
 * contrast or gamma a dynamic property, which keeps its default (0, 1, 1) unless an application
 * changes it at run time; vfx has no dynamic properties, so the defaults are used. */
static vfx_status
xf_exposure_contrast(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const yaml_node_t *sn = vfx__ocio_map_get(b->cfg, xf, "style");
    const char *st = vfx__ocio_scalar(sn);
    vfx_ec_style style = VFX_EC_LINEAR;
    if (strcasecmp(st, "video") == 0)
        style = VFX_EC_VIDEO;
    else if (strcasecmp(st, "log") == 0)
        style = VFX_EC_LOG;
    else if (sn && strcasecmp(st, "linear") != 0)
        return vfx__ocio_fail_at(b->cfg, sn, VFX_ERR_CORRUPT, "unknown ExposureContrastTransform style '%s' "
                                 "(linear, video or log)", st);
    double e, c, g, pv, step, mid;
    VFX_TRY(get_one(b, xf, "exposure", 0.0, &e));
    VFX_TRY(get_one(b, xf, "contrast", 1.0, &c));
    VFX_TRY(get_one(b, xf, "gamma", 1.0, &g));
    VFX_TRY(get_one(b, xf, "pivot", 0.18, &pv));
    VFX_TRY(get_one(b, xf, "log_exposure_step", 0.088, &step));
    VFX_TRY(get_one(b, xf, "log_midway_gray", 0.435, &mid));
    if (!p || (e == 0.0 && c == 1.0 && g == 1.0)) /* OCIO drops the identity whatever the style */
        return VFX_OK;
    vfx_direction dir = inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD;
    if (style == VFX_EC_LOG)
        return vfx_color_processor_append_exposure_contrast_log(p, e, c, g, pv, step, mid, dir);
    return vfx_color_processor_append_exposure_contrast(p, style, e, c, g, pv, dir);
}

/* GradingPrimaryTransform: {style: log|linear|video, brightness|contrast|gamma|offset|exposure|
 * lift|gain: {rgb: [r, g, b], master: m}, pivot: {contrast, black, white}, saturation,
 * clamp: {black, white}}. As OCIO 2.1 reads it: a key left out keeps the style's neutral value
 * (vfx_grading_primary_default), but a key that is given needs both `rgb` (exactly 3 values) and
 * `master` (OCIO refuses the config otherwise, so a missing one is an error here too, not a
 * guess), and `pivot` / `clamp` need at least one of their keys. */
static vfx_status
grading_rgbm(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, vfx_grading_rgbm *v)
{
    const yaml_node_t *n = vfx__ocio_map_get(b->cfg, xf, key);
    if (!n)
        return VFX_OK;
    if (n->type != YAML_MAPPING_NODE)
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s must be {rgb: [r, g, b], master: m}", key);
    const yaml_node_t *rn = vfx__ocio_map_get(b->cfg, n, "rgb");
    if (!rn || !vfx__ocio_map_get(b->cfg, n, "master"))
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT,
                                 "%s: both rgb and master are required (as OCIO 2.1 wants)", key);
    double rgb[3];
    int k = 0;
    if (rn->type != YAML_SEQUENCE_NODE)
        return vfx__ocio_fail_at(b->cfg, rn, VFX_ERR_CORRUPT, "%s: rgb must be a list of 3 numbers", key);
    VFX_TRY(get_nums(b, n, "rgb", rgb, 3, &k));
    if (k != 3)
        return vfx__ocio_fail_at(b->cfg, rn, VFX_ERR_CORRUPT, "%s: rgb must be a list of 3 numbers", key);
    v->r = rgb[0];
    v->g = rgb[1];
    v->b = rgb[2];
    return get_one(b, n, "master", v->master, &v->master);
}

/* pivot: {contrast, black, white} or clamp: {black, white}: a map with at least one of @p keys;
 * the keys left out keep their values in @p out. */
static vfx_status
grading_map(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, const char *const *keys,
            double *const *out, int n_keys)
{
    const yaml_node_t *n = vfx__ocio_map_get(b->cfg, xf, key);
    if (!n)
        return VFX_OK;
    if (n->type != YAML_MAPPING_NODE)
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s must be a map", key);
    int found = 0;
    for (int i = 0; i < n_keys; i++) {
        if (vfx__ocio_map_get(b->cfg, n, keys[i])) {
            found++;
            VFX_TRY(get_one(b, n, keys[i], *out[i], out[i]));
        }
    }
    if (!found)
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s: give at least one of %s%s%s%s%s", key,
                                 keys[0], n_keys > 1 ? ", " : "", n_keys > 1 ? keys[1] : "",
                                 n_keys > 2 ? ", " : "", n_keys > 2 ? keys[2] : "");
    return VFX_OK;
}

/* The `style` of a grading transform: log (the default), linear or video. */
static vfx_status
grading_style(vfx__ocio_build *b, const yaml_node_t *xf, vfx_grading_style *out)
{
    const char *st = get_str(b, xf, "style");
    *out = VFX_GRADING_LOG;
    if (strcasecmp(st, "linear") == 0)
        *out = VFX_GRADING_LIN;
    else if (strcasecmp(st, "video") == 0)
        *out = VFX_GRADING_VIDEO;
    else if (st[0] && strcasecmp(st, "log") != 0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "unknown grading style '%s'", st);
    return VFX_OK;
}

static vfx_status
xf_grading_primary(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    vfx_grading_style style;
    VFX_TRY(grading_style(b, xf, &style));
    vfx_grading_primary g;
    vfx_grading_primary_default(style, &g);
    VFX_TRY(grading_rgbm(b, xf, "brightness", &g.brightness));
    VFX_TRY(grading_rgbm(b, xf, "contrast", &g.contrast));
    VFX_TRY(grading_rgbm(b, xf, "gamma", &g.gamma));
    VFX_TRY(grading_rgbm(b, xf, "offset", &g.offset));
    VFX_TRY(grading_rgbm(b, xf, "exposure", &g.exposure));
    VFX_TRY(grading_rgbm(b, xf, "lift", &g.lift));
    VFX_TRY(grading_rgbm(b, xf, "gain", &g.gain));
    VFX_TRY(get_one(b, xf, "saturation", 1.0, &g.saturation));
    static const char *const pivot_keys[] = { "contrast", "black", "white" };
    double *const pivots[] = { &g.pivot, &g.pivot_black, &g.pivot_white };
    VFX_TRY(grading_map(b, xf, "pivot", pivot_keys, pivots, 3));
    static const char *const clamp_keys[] = { "black", "white" };
    double *const clamps[] = { &g.clamp_black, &g.clamp_white };
    VFX_TRY(grading_map(b, xf, "clamp", clamp_keys, clamps, 2));
    vfx_color_processor *tmp = NULL;
    vfx_status s = vfx_color_processor_new(&tmp);
    if (s == VFX_OK)
        s = vfx_color_processor_append_grading_primary(tmp, style, &g, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    if (s == VFX_OK && p)
        s = vfx_color_processor_append_processor(p, tmp);
    else if (s != VFX_OK && s != VFX_ERR_NOMEM) {
        char why[256];
        snprintf(why, sizeof why, "%s", vfx_error_message());
        s = vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "%s", why);
    }
    vfx_color_processor_free(tmp);
    return s;
}

/* GradingToneTransform: {style, blacks|whites: {rgb: [r, g, b], master, start, width},
 * shadows|highlights: {rgb, master, start, pivot}, midtones: {rgb, master, center, width},
 * s_contrast}; a zone needs all four keys (as in OCIO), a zone left out keeps the style's
 * neutral value */
static vfx_status
grading_tone_zone(vfx__ocio_build *b, const yaml_node_t *xf, const char *key, const char *k_start,
                  const char *k_width, vfx_grading_rgbmsw *z)
{
    const yaml_node_t *n = vfx__ocio_map_get(b->cfg, xf, key);
    if (!n)
        return VFX_OK;
    if (n->type != YAML_MAPPING_NODE)
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s must be {rgb: [r, g, b], master: m, %s: s, %s: w}",
                                 key, k_start, k_width);
    if (!vfx__ocio_map_get(b->cfg, n, "rgb") || !vfx__ocio_map_get(b->cfg, n, "master") ||
        !vfx__ocio_map_get(b->cfg, n, k_start) || !vfx__ocio_map_get(b->cfg, n, k_width))
        return vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s needs rgb, master, %s and %s", key, k_start,
                                 k_width);
    double rgb[3] = { z->r, z->g, z->b };
    VFX_TRY(get_rgb(b, n, "rgb", 1.0, rgb));
    z->r = rgb[0];
    z->g = rgb[1];
    z->b = rgb[2];
    VFX_TRY(get_one(b, n, "master", z->master, &z->master));
    VFX_TRY(get_one(b, n, k_start, z->start, &z->start));
    return get_one(b, n, k_width, z->width, &z->width);
}

static vfx_status
xf_grading_tone(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    vfx_grading_style style;
    VFX_TRY(grading_style(b, xf, &style));
    vfx_grading_tone g;
    vfx_grading_tone_default(style, &g);
    VFX_TRY(grading_tone_zone(b, xf, "blacks", "start", "width", &g.blacks));
    VFX_TRY(grading_tone_zone(b, xf, "shadows", "start", "pivot", &g.shadows));
    VFX_TRY(grading_tone_zone(b, xf, "midtones", "center", "width", &g.midtones));
    VFX_TRY(grading_tone_zone(b, xf, "highlights", "start", "pivot", &g.highlights));
    VFX_TRY(grading_tone_zone(b, xf, "whites", "start", "width", &g.whites));
    VFX_TRY(get_one(b, xf, "s_contrast", 1.0, &g.s_contrast));
    vfx_color_processor *tmp = NULL;
    vfx_status s = vfx_color_processor_new(&tmp);
    if (s == VFX_OK)
        s = vfx_color_processor_append_grading_tone(tmp, style, &g, inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    if (s == VFX_OK && p)
        s = vfx_color_processor_append_processor(p, tmp);
    else if (s != VFX_OK && s != VFX_ERR_NOMEM) {
        char why[256];
        snprintf(why, sizeof why, "%s", vfx_error_message());
        s = vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "%s", why);
    }
    vfx_color_processor_free(tmp);
    return s;
}

/* GradingRGBCurveTransform: {style, red|green|blue|master: {control_points: [x0, y0, ...],
 * slopes: [...]}, lintolog_bypass: true} */
static vfx_status
xf_grading_rgb_curve(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    vfx_grading_style style;
    VFX_TRY(grading_style(b, xf, &style));
    vfx_grading_curve *cv = vfx__alloc(4 * sizeof *cv);
    double *v = vfx__alloc(2 * VFX_GRADING_CURVE_MAX_POINTS * sizeof(double));
    vfx_status s = VFX_OK;
    vfx_color_processor *tmp = NULL;
    if (!cv || !v) {
        s = vfx__nomem();
        goto done;
    }
    vfx_grading_rgb_curve_default(style, cv);
    static const char *const names[4] = { "red", "green", "blue", "master" };
    for (int c = 0; c < 4 && s == VFX_OK; c++) {
        const yaml_node_t *n = vfx__ocio_map_get(b->cfg, xf, names[c]);
        if (!n)
            continue;
        int k = 0;
        if (n->type != YAML_MAPPING_NODE) {
            s = vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s must be {control_points: [...]}", names[c]);
            break;
        }
        if ((s = get_nums(b, n, "control_points", v, 2 * VFX_GRADING_CURVE_MAX_POINTS, &k)) != VFX_OK)
            break;
        if (k < 4 || k % 2) {
            s = vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s: control_points must hold 2 to 64 x, y pairs",
                                  names[c]);
            break;
        }
        memset(&cv[c], 0, sizeof cv[c]);
        cv[c].n = k / 2;
        for (int i = 0; i < k / 2; i++) {
            cv[c].x[i] = (float) v[2 * i];
            cv[c].y[i] = (float) v[2 * i + 1];
        }
        if (vfx__ocio_map_get(b->cfg, n, "slopes")) {
            if ((s = get_nums(b, n, "slopes", v, VFX_GRADING_CURVE_MAX_POINTS, &k)) != VFX_OK)
                break;
            if (k != cv[c].n) {
                s = vfx__ocio_fail_at(b->cfg, n, VFX_ERR_CORRUPT, "%s: one slope per control point", names[c]);
                break;
            }
            for (int i = 0; i < k; i++)
                cv[c].slope[i] = (float) v[i];
        }
    }
    if (s != VFX_OK)
        goto done;
    const char *bp = get_str(b, xf, "lintolog_bypass");
    if ((s = vfx_color_processor_new(&tmp)) != VFX_OK)
        goto done;
    s = vfx_color_processor_append_grading_rgb_curve(tmp, style, cv, parse_bool_str(bp),
                                                     inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    if (s == VFX_OK && p) {
        s = vfx_color_processor_append_processor(p, tmp);
    } else if (s != VFX_OK && s != VFX_ERR_NOMEM) {
        char why[256];
        snprintf(why, sizeof why, "%s", vfx_error_message());
        s = vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "%s", why);
    }
done:
    vfx_color_processor_free(tmp);
    vfx__free(cv);
    vfx__free(v);
    return s;
}

static vfx_status
xf_range(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    double v[4];
    const char *keys[4] = { "min_in_value", "max_in_value", "min_out_value", "max_out_value" };
    for (int i = 0; i < 4; i++) {
        if (vfx__ocio_map_get(b->cfg, xf, keys[i]))
            VFX_TRY(get_one(b, xf, keys[i], 0.0, &v[i]));
        else
            v[i] = NAN;
    }
    if (isnan(v[0]) != isnan(v[2]) || isnan(v[1]) != isnan(v[3]))
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "RangeTransform: in and out values must "
                                 "come in pairs");
    if (!isnan(v[0]) && !isnan(v[1]) && v[0] == v[1])
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "RangeTransform: empty input range");
    const char *style = get_str(b, xf, "style");
    int noclamp = strcasecmp(style, "noClamp") == 0;
    if (!p)
        return VFX_OK;
    if (!noclamp)
        return vfx_color_processor_append_range(p, v[0], v[1], v[2], v[3],
                                                inverse ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    /* no clamping: a scale and offset */
    double mi = v[0], ma = v[1], mo = v[2], xo = v[3];
    if (inverse) {
        mi = v[2];
        ma = v[3];
        mo = v[0];
        xo = v[1];
    }
    double s = 1.0, o = 0.0;
    if (!isnan(mi) && !isnan(ma)) {
        s = (xo - mo) / (ma - mi);
        o = mo - s * mi;
    } else if (!isnan(mi)) {
        o = mo - mi;
    } else if (!isnan(ma)) {
        o = xo - ma;
    }
    double m[9] = { s, 0, 0, 0, s, 0, 0, 0, s }, off[3] = { o, o, o };
    return vfx_color_processor_append_matrix(p, m, off);
}

static vfx_status
xf_allocation(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const char *alloc = get_str(b, xf, "allocation");
    int lg2 = strcasecmp(alloc, "lg2") == 0;
    if (alloc[0] && !lg2 && strcasecmp(alloc, "uniform") != 0)
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "unknown allocation '%s'", alloc);
    double vars[3] = { lg2 ? -10.0 : 0.0, lg2 ? 6.0 : 1.0, 0.0 };
    int n = 0;
    VFX_TRY(get_nums(b, xf, "vars", vars, 3, &n));
    if (n == 1 || vars[0] == vars[1])
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "AllocationTransform: bad vars");
    if (!p)
        return VFX_OK;
    vfx_color_processor *f = NULL;
    VFX_TRY(vfx_color_processor_new(&f));
    vfx_status st = VFX_OK;
    if (lg2) {
        double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, off[3] = { vars[2], vars[2], vars[2] };
        if (vars[2] != 0.0)
            st = vfx_color_processor_append_matrix(f, id, off);
        if (st == VFX_OK)
            st = vfx_color_processor_append_log(f, 2.0, VFX_DIR_FORWARD);
    }
    double s = 1.0 / (vars[1] - vars[0]);
    double m[9] = { s, 0, 0, 0, s, 0, 0, 0, s }, o[3] = { -vars[0] * s, -vars[0] * s, -vars[0] * s };
    if (st == VFX_OK)
        st = vfx_color_processor_append_matrix(f, m, o);
    if (st == VFX_OK)
        st = inverse ? append_inverted(b, xf, f, p) : vfx_color_processor_append_processor(p, f);
    vfx_color_processor_free(f);
    return st;
}

static vfx_interp
parse_interp(const char *s)
{
    if (strcasecmp(s, "tetrahedral") == 0)
        return VFX_INTERP_TETRAHEDRAL;
    if (strcasecmp(s, "best") == 0)
        return VFX_INTERP_BEST;
    if (strcasecmp(s, "linear") == 0)
        return VFX_INTERP_LINEAR;
    return VFX_INTERP_DEFAULT; /* nearest, cubic, unknown: the engine's default */
}

static vfx_status
xf_file(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const char *src = get_str(b, xf, "src");
    if (!src[0])
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "FileTransform without src");
    /* cdl_style: the clamping of the CDL files' (.cc, .ccc, .cdl) corrections, no clamp by
     * default as in OCIO 2.1; other files keep their own styles */
    const yaml_node_t *csn = vfx__ocio_map_get(b->cfg, xf, "cdl_style");
    const char *cstyle = vfx__ocio_scalar(csn);
    int asc = strcasecmp(cstyle, "asc") == 0;
    if (csn && !asc && strcasecmp(cstyle, "noclamp") != 0)
        return vfx__ocio_fail_at(b->cfg, csn, VFX_ERR_CORRUPT, "cdl_style '%s' is not asc or noclamp", cstyle);
    if (!p)
        return VFX_OK; /* files are looked for when processors are built */
    char path[4096], cccid[512];
    vfx_status st = vfx_ocio_config_resolve_file(b->cfg, src, path, sizeof path);
    if (st != VFX_OK)
        return vfx__ocio_fail_at(b->cfg, xf, st, "%s", vfx_error_message());
    const char *cc = get_str(b, xf, "cccid");
    if (cc[0])
        VFX_TRY(vfx_ocio_config_expand(b->cfg, cc, cccid, sizeof cccid));
    vfx_color_processor *f = NULL;
    const vfx__ocio_member *m = vfx__ocio_find_member(b->cfg, path);
    if (m) { /* a file of an .ocioz archive */
        const char *dot = strrchr(m->name, '.');
        st = vfx_color_processor_new_from_memory(m->data, m->size, dot ? dot + 1 : "", path, cc[0] ? cccid : NULL,
                                                 parse_interp(get_str(b, xf, "interpolation")), &f);
    } else {
        st = vfx_color_processor_new_from_file(path, cc[0] ? cccid : NULL,
                                               parse_interp(get_str(b, xf, "interpolation")), &f);
    }
    if (st != VFX_OK)
        return vfx__ocio_fail_at(b->cfg, xf, st, "%s", vfx_error_message());
    const char *dot = strrchr(path, '.');
    if (asc && dot && (strcasecmp(dot, ".cc") == 0 || strcasecmp(dot, ".ccc") == 0 || strcasecmp(dot, ".cdl") == 0))
        for (int32_t i = 0; i < f->n_ops; i++)
            if (f->ops[i].code == VFX_COLOR_OP_CDL)
                f->ops[i].u.cdl.style = VFX_CDL_ASC;
    st = inverse ? append_inverted(b, xf, f, p) : vfx_color_processor_append_processor(p, f);
    vfx_color_processor_free(f);
    return st;
}

static vfx_status
builtin_style(vfx__ocio_build *b, const yaml_node_t *xf, const char *style, int inverse,
              vfx_color_processor *p)
{
    if (!vfx__ocio_builtin_known(style))
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "unknown BuiltinTransform style '%s'", style);
    if (!p)
        return VFX_OK;
    vfx_color_processor *f = NULL;
    VFX_TRY(vfx_color_processor_new(&f));
    vfx_status st = vfx__ocio_builtin_append(style, f);
    if (st != VFX_OK)
        st = vfx__ocio_fail_at(b->cfg, xf, st, "%s", vfx_error_message());
    else
        st = inverse ? append_inverted(b, xf, f, p) : vfx_color_processor_append_processor(p, f);
    vfx_color_processor_free(f);
    return st;
}

static vfx_status
xf_builtin(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const char *style = get_str(b, xf, "style");
    if (!style[0])
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "BuiltinTransform without style");
    return builtin_style(b, xf, style, inverse, p);
}

/* A group may carry `vfx_style: <extension style>` (docs/color.md): vfx then applies that
 * style in place of the children, which stay the definition OpenColorIO sees (OCIO only warns
 * about the unknown key), so one config text works in both. */
static vfx_status
xf_group(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const yaml_node_t *vs = vfx__ocio_map_get(b->cfg, xf, "vfx_style");
    if (vs) {
        const char *style = vfx__ocio_scalar(vs);
        if (strncasecmp(style, "vfx:", 4) != 0)
            return vfx__ocio_fail_at(b->cfg, vs, VFX_ERR_CORRUPT, "vfx_style '%s' is not a vfx: style", style);
        return builtin_style(b, vs, style, inverse, p);
    }
    const yaml_node_t *ch = vfx__ocio_map_get(b->cfg, xf, "children");
    if (!ch || (ch->type == YAML_SCALAR_NODE && !vfx__ocio_scalar(ch)[0]))
        return VFX_OK;
    if (ch->type != YAML_SEQUENCE_NODE)
        return vfx__ocio_fail_at(b->cfg, ch, VFX_ERR_CORRUPT, "GroupTransform children must be a list");
    const yaml_node_item_t *s = ch->data.sequence.items.start, *e = ch->data.sequence.items.top;
    ptrdiff_t n = e - s;
    for (ptrdiff_t i = 0; i < n; i++) {
        const yaml_node_t *c = vfx__ocio_node(b->cfg, s[inverse ? n - 1 - i : i]);
        VFX_TRY(vfx__ocio_build_xf(b, c, inverse, p));
    }
    return VFX_OK;
}

static vfx_status
find_named_cs(vfx__ocio_build *b, const yaml_node_t *at, const char *name, int32_t *out)
{
    *out = vfx__ocio_find_cs(b->cfg, name);
    if (*out >= 0)
        return VFX_OK;
    if (!b->check_only || !strchr(name, '$'))
        return vfx__ocio_fail_at(b->cfg, at, VFX_ERR_CORRUPT, "colour space '%s' is not defined", name);
    return VFX_OK;
}

vfx_status
vfx__ocio_build_nt(vfx__ocio_build *b, int32_t i, int inverse, vfx_color_processor *p)
{
    const vfx__ocio_nt *nt = &b->cfg->nts[i];
    if (inverse)
        return nt->inv ? vfx__ocio_build_xf(b, nt->inv, 0, p) : vfx__ocio_build_xf(b, nt->fwd, 1, p);
    return nt->fwd ? vfx__ocio_build_xf(b, nt->fwd, 0, p) : vfx__ocio_build_xf(b, nt->inv, 1, p);
}

/* Named transforms standing for the source (applied forward; a colour space destination is
 * then ignored) and / or the destination (applied inverse) of a conversion, as OCIO 2.1
 * resolves them: 1 when one applied. */
static int
nt_conversion(vfx__ocio_build *b, const char *src, const char *dst, vfx_status *st, vfx_color_processor *p)
{
    const vfx_ocio_config *cfg = b->cfg;
    int32_t s = vfx__ocio_find_cs(cfg, src) < 0 ? vfx__ocio_find_nt(cfg, src) : -1;
    int32_t d = vfx__ocio_find_cs(cfg, dst) < 0 ? vfx__ocio_find_nt(cfg, dst) : -1;
    if (s < 0 && d < 0)
        return 0;
    *st = VFX_OK;
    if (s >= 0)
        *st = vfx__ocio_build_nt(b, s, 0, p);
    if (*st == VFX_OK && d >= 0)
        *st = vfx__ocio_build_nt(b, d, 1, p);
    return 1;
}

static vfx_status
xf_cs(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    /* named transforms are not accepted here: OCIO 2.1's validation rejects them */
    int32_t s, d;
    VFX_TRY(find_named_cs(b, xf, get_str(b, xf, "src"), &s));
    VFX_TRY(find_named_cs(b, xf, get_str(b, xf, "dst"), &d));
    /* data_bypass: false converts data spaces like any other (their transforms apply) */
    const yaml_node_t *dbn = vfx__ocio_map_get(b->cfg, xf, "data_bypass");
    const char *db = vfx__ocio_scalar(dbn);
    int keep = 1;
    if (dbn && strcasecmp(db, "false") == 0)
        keep = 0;
    else if (dbn && strcasecmp(db, "true") != 0)
        return vfx__ocio_fail_at(b->cfg, dbn, VFX_ERR_CORRUPT, "data_bypass must be true or false, not '%s'", db);
    if (!p)
        return VFX_OK;
    return inverse ? convert(b, d, s, keep, p) : convert(b, s, d, keep, p);
}

static vfx_status
forward_then_maybe_invert(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p,
                          vfx_status (*fn)(vfx__ocio_build *, const yaml_node_t *, vfx_color_processor *))
{
    if (!p || !inverse)
        return fn(b, xf, p);
    vfx_color_processor *f = NULL;
    VFX_TRY(vfx_color_processor_new(&f));
    vfx_status st = fn(b, xf, f);
    if (st == VFX_OK)
        st = append_inverted(b, xf, f, p);
    vfx_color_processor_free(f);
    return st;
}

static vfx_status
xf_look_fwd(vfx__ocio_build *b, const yaml_node_t *xf, vfx_color_processor *p)
{
    int32_t s, d;
    VFX_TRY(find_named_cs(b, xf, get_str(b, xf, "src"), &s));
    VFX_TRY(find_named_cs(b, xf, get_str(b, xf, "dst"), &d));
    const char *looks = get_str(b, xf, "looks");
    int32_t cur = s;
    vfx_status st = vfx__ocio_build_looks(b, looks, &cur, p);
    if (st != VFX_OK)
        return vfx__ocio_fail_at(b->cfg, xf, st, "%s", vfx_error_message());
    if (!p)
        return VFX_OK;
    return vfx__ocio_build_convert(b, cur, d, p);
}

static vfx_status
xf_display_fwd(vfx__ocio_build *b, const yaml_node_t *xf, vfx_color_processor *p)
{
    int32_t s;
    VFX_TRY(find_named_cs(b, xf, get_str(b, xf, "src"), &s));
    const char *disp = get_str(b, xf, "display"), *view = get_str(b, xf, "view");
    if (!vfx__ocio_find_view(b->cfg, disp, view))
        return vfx__ocio_fail_at(b->cfg, xf, VFX_ERR_CORRUPT, "display '%s' view '%s' is not defined",
                                 disp, view);
    /* data_bypass: false sends data spaces through the view too (as OCIO 2.1) */
    const yaml_node_t *dbn = vfx__ocio_map_get(b->cfg, xf, "data_bypass");
    const char *db = vfx__ocio_scalar(dbn);
    int keep = 1;
    if (dbn && strcasecmp(db, "false") == 0)
        keep = 0;
    else if (dbn && strcasecmp(db, "true") != 0)
        return vfx__ocio_fail_at(b->cfg, dbn, VFX_ERR_CORRUPT, "data_bypass must be true or false, not '%s'", db);
    if (!p)
        return VFX_OK;
    const char *lb = get_str(b, xf, "looks_bypass");
    /* OCIO 2.1's inverse without data bypass is not the inverse of its forward: going back it
     * converts from a look's process space to a data source in full, where the forward enters
     * the look with the data untouched. Built forward here and inverted by the caller, so the
     * forward gets the full conversion into the look's process space (measured, ocioconvert). */
    int saved = b->looks_no_bypass;
    b->looks_no_bypass = b->dv_inverse && !keep;
    b->dv_inverse = 0;
    vfx_status st = vfx__ocio_build_display(b, s, disp, view, parse_bool_str(lb) ? "" : NULL, keep, p);
    b->looks_no_bypass = saved;
    return st;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

vfx_status
vfx__ocio_build_xf(vfx__ocio_build *b, const yaml_node_t *xf, int inverse, vfx_color_processor *p)
{
    const vfx_ocio_config *cfg = b->cfg;
    if (!xf)
        return VFX_OK;
    if (++b->visits > VFX__OCIO_MAX_VISITS)
        return vfx__ocio_fail_at(cfg, xf, VFX_ERR_LIMIT, "transforms too large (over %d nodes)",
                                 VFX__OCIO_MAX_VISITS);
    if (b->depth >= VFX__OCIO_MAX_DEPTH)
        return vfx__ocio_fail_at(cfg, xf, VFX_ERR_CORRUPT, "transforms nested too deeply (or a cycle)");
    if (p && vfx_color_processor_op_count(p) > VFX__OCIO_MAX_OPS)
        return vfx__ocio_fail_at(cfg, xf, VFX_ERR_LIMIT, "more than %d colour ops", VFX__OCIO_MAX_OPS);
    if (xf->type != YAML_MAPPING_NODE || !xf->tag || strncmp((const char *) xf->tag, "tag:", 4) == 0)
        return vfx__ocio_fail_at(cfg, xf, VFX_ERR_CORRUPT, "expected a transform such as "
                                 "!<MatrixTransform> {...}");
    const char *tag = (const char *) xf->tag;
    const yaml_node_t *dn = vfx__ocio_map_get(cfg, xf, "direction");
    const char *dir = vfx__ocio_scalar(dn);
    if (dn) {
        if (strcasecmp(dir, "inverse") == 0)
            inverse = !inverse;
        else if (strcasecmp(dir, "forward") != 0)
            return vfx__ocio_fail_at(cfg, dn, VFX_ERR_CORRUPT, "direction must be forward or inverse, "
                                     "not '%s'", dir);
    }
    b->depth++;
    vfx_status st;
    if (strcmp(tag, "MatrixTransform") == 0)
        st = xf_matrix(b, xf, inverse, p);
    else if (strcmp(tag, "ExponentTransform") == 0)
        st = xf_exponent(b, xf, inverse, p);
    else if (strcmp(tag, "ExponentWithLinearTransform") == 0)
        st = xf_exp_linear(b, xf, inverse, p);
    else if (strcmp(tag, "LogTransform") == 0)
        st = xf_log(b, xf, inverse, p);
    else if (strcmp(tag, "LogAffineTransform") == 0)
        st = xf_log_params(b, xf, 0, inverse, p);
    else if (strcmp(tag, "LogCameraTransform") == 0)
        st = xf_log_params(b, xf, 1, inverse, p);
    else if (strcmp(tag, "CDLTransform") == 0)
        st = xf_cdl(b, xf, inverse, p);
    else if (strcmp(tag, "RangeTransform") == 0)
        st = xf_range(b, xf, inverse, p);
    else if (strcmp(tag, "AllocationTransform") == 0)
        st = xf_allocation(b, xf, inverse, p);
    else if (strcmp(tag, "FileTransform") == 0)
        st = xf_file(b, xf, inverse, p);
    else if (strcmp(tag, "FixedFunctionTransform") == 0)
        st = xf_fixed(b, xf, inverse, p);
    else if (strcmp(tag, "BuiltinTransform") == 0)
        st = xf_builtin(b, xf, inverse, p);
    else if (strcmp(tag, "GroupTransform") == 0)
        st = xf_group(b, xf, inverse, p);
    else if (strcmp(tag, "ColorSpaceTransform") == 0)
        st = xf_cs(b, xf, inverse, p);
    else if (strcmp(tag, "LookTransform") == 0)
        st = forward_then_maybe_invert(b, xf, inverse, p, xf_look_fwd);
    else if (strcmp(tag, "DisplayViewTransform") == 0) {
        b->dv_inverse = inverse;
        st = forward_then_maybe_invert(b, xf, inverse, p, xf_display_fwd);
    }
    else if (strcmp(tag, "GradingPrimaryTransform") == 0)
        st = xf_grading_primary(b, xf, inverse, p);
    else if (strcmp(tag, "GradingRGBCurveTransform") == 0)
        st = xf_grading_rgb_curve(b, xf, inverse, p);
    else if (strcmp(tag, "ExposureContrastTransform") == 0)
        st = xf_exposure_contrast(b, xf, inverse, p);
    else if (strcmp(tag, "Lut1DTransform") == 0 || strcmp(tag, "Lut3DTransform") == 0)
        /* OCIO 2.1 has these transforms in its API but its config reader refuses them
         * ("Unsupported transform type"); a LUT in a config goes through a FileTransform */
        st = vfx__ocio_fail_at(cfg, xf, VFX_ERR_CORRUPT, "!<%s> cannot appear in a config (OpenColorIO "
                               "2.1 does not load it either): put the LUT in a file and use a "
                               "!<FileTransform>", tag);
    else if (strcmp(tag, "GradingToneTransform") == 0)
        st = xf_grading_tone(b, xf, inverse, p);
    else
        st = vfx__ocio_fail_at(cfg, xf, VFX_ERR_CORRUPT, "unknown transform !<%s>", tag);
    b->depth--;
    return st;
}

/* ============================================================================================
 * Pipelines
 * ========================================================================================== */

/* Colour space @p i to its own reference (scene or display). */
static vfx_status
cs_to_ref(vfx__ocio_build *b, int32_t i, vfx_color_processor *p)
{
    const vfx__ocio_cs *cs = &b->cfg->cs[i];
    if (cs->to_ref)
        return vfx__ocio_build_xf(b, cs->to_ref, 0, p);
    return vfx__ocio_build_xf(b, cs->from_ref, 1, p);
}

static vfx_status
cs_from_ref(vfx__ocio_build *b, int32_t i, vfx_color_processor *p)
{
    const vfx__ocio_cs *cs = &b->cfg->cs[i];
    if (cs->from_ref)
        return vfx__ocio_build_xf(b, cs->from_ref, 0, p);
    return vfx__ocio_build_xf(b, cs->to_ref, 1, p);
}

/* The view transform between the scene and display references: default_view_transform when it
 * is scene-referred, else the first scene-referred one (OCIO 2.1 does the same when the default
 * names a display-referred view transform; ociocheck reports that config as invalid). */
static const vfx__ocio_vt *
default_vt(const vfx_ocio_config *cfg)
{
    const vfx__ocio_vt *vt = cfg->default_vt[0] ? vfx__ocio_find_vt(cfg, cfg->default_vt) : NULL;
    if (vt && (vt->to_scene || vt->from_scene))
        return vt;
    for (int32_t i = 0; i < cfg->n_vts; i++)
        if (cfg->vts[i].to_scene || cfg->vts[i].from_scene)
            return &cfg->vts[i];
    return NULL;
}

/* Scene reference -> display reference through view transform @p vt (inverse: back). */
static vfx_status
apply_vt(vfx__ocio_build *b, const vfx__ocio_vt *vt, int inverse, vfx_color_processor *p)
{
    if (!vt)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no view transform connects the scene and display "
                         "references", b->cfg->src_name);
    if (!vt->from_scene && !vt->to_scene)
        return vfx__ocio_fail_at(b->cfg, vt->node, VFX_ERR_UNSUPPORTED, "view transform '%s' is "
                                 "display-referred; vfx only uses scene-referred view transforms", vt->name);
    if (!inverse)
        return vt->from_scene ? vfx__ocio_build_xf(b, vt->from_scene, 0, p)
                              : vfx__ocio_build_xf(b, vt->to_scene, 1, p);
    return vt->to_scene ? vfx__ocio_build_xf(b, vt->to_scene, 0, p)
                        : vfx__ocio_build_xf(b, vt->from_scene, 1, p);
}

/* @p data_bypass 0: data spaces convert like any other (ColorSpaceTransform's data_bypass) */
static vfx_status
convert(vfx__ocio_build *b, int32_t src, int32_t dst, int data_bypass, vfx_color_processor *p)
{
    const vfx_ocio_config *cfg = b->cfg;
    if (src < 0 || dst < 0 || src == dst)
        return VFX_OK;
    if ((cfg->cs[src].isdata || cfg->cs[dst].isdata) && data_bypass)
        return VFX_OK;
    if (b->depth >= VFX__OCIO_MAX_DEPTH)
        return vfx__ocio_fail_at(cfg, cfg->cs[src].node, VFX_ERR_CORRUPT, "colour spaces refer to each "
                                 "other in a cycle");
    b->depth++;
    vfx_status st = cs_to_ref(b, src, p);
    if (st == VFX_OK && cfg->cs[src].is_display != cfg->cs[dst].is_display)
        st = apply_vt(b, default_vt(cfg), cfg->cs[src].is_display, p);
    if (st == VFX_OK)
        st = cs_from_ref(b, dst, p);
    b->depth--;
    return st;
}

vfx_status
vfx__ocio_build_convert(vfx__ocio_build *b, int32_t src, int32_t dst, vfx_color_processor *p)
{
    return convert(b, src, dst, 1, p);
}

vfx_status
vfx__ocio_build_looks(vfx__ocio_build *b, const char *looks, int32_t *cur, vfx_color_processor *p)
{
    const vfx_ocio_config *cfg = b->cfg;
    if (!looks)
        return VFX_OK;
    char tok[512];
    for (const char *s = looks; *s;) {
        size_t len = strcspn(s, ",:");
        const char *t = s;
        s += len;
        if (*s)
            s++;
        while (len && (*t == ' ' || *t == '\t')) {
            t++;
            len--;
        }
        while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
            len--;
        if (!len)
            continue;
        if (len >= sizeof tok)
            return vfx__fail(VFX_ERR_CORRUPT, "ocio: look name too long");
        memcpy(tok, t, len);
        tok[len] = 0;
        /* "a|b": the first alternative that exists */
        const vfx__ocio_look *lk = NULL;
        int inv = 0;
        for (char *alt = tok, *next; alt; alt = next) {
            next = strchr(alt, '|');
            if (next)
                *next++ = 0;
            int ai = 0;
            while (*alt == '+' || *alt == '-' || *alt == ' ') {
                if (*alt == '-')
                    ai = 1;
                alt++;
            }
            char nm[512];
            if (vfx_ocio_config_expand(cfg, alt, nm, sizeof nm) != VFX_OK)
                continue;
            for (size_t l = strlen(nm); l && nm[l - 1] == ' '; l--)
                nm[l - 1] = 0;
            lk = vfx__ocio_find_look(cfg, nm);
            if (lk) {
                inv = ai;
                break;
            }
            if (!next)
                return vfx__fail(VFX_ERR_NOT_FOUND, "look '%s' is not defined", nm);
        }
        if (!lk)
            continue;
        int32_t ps = lk->process_space[0] ? vfx__ocio_find_cs(cfg, lk->process_space) : *cur;
        if (lk->process_space[0] && ps < 0 && !b->check_only)
            return vfx__ocio_fail_at(cfg, lk->node, VFX_ERR_CORRUPT, "look '%s': process space '%s' is "
                                     "not defined", lk->name, lk->process_space);
        if (p)
            VFX_TRY(convert(b, *cur, ps, !b->looks_no_bypass, p));
        if (b->check_only) {
            *cur = ps;
            continue;
        }
        if (!inv)
            VFX_TRY(lk->xf ? vfx__ocio_build_xf(b, lk->xf, 0, p) : vfx__ocio_build_xf(b, lk->inv, 1, p));
        else
            VFX_TRY(lk->inv ? vfx__ocio_build_xf(b, lk->inv, 0, p) : vfx__ocio_build_xf(b, lk->xf, 1, p));
        *cur = ps;
    }
    return VFX_OK;
}

vfx_status
vfx__ocio_build_display(vfx__ocio_build *b, int32_t src, const char *display, const char *view,
                        const char *looks, int data_bypass, vfx_color_processor *p)
{
    const vfx_ocio_config *cfg = b->cfg;
    const vfx__ocio_view *v = vfx__ocio_find_view(cfg, display, view);
    if (!v)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no view '%s' in display '%s'", cfg->src_name,
                         view ? view : "", display ? display : "");
    int vt_view = v->view_transform[0] != 0;
    const char *csn = vt_view && v->display_colorspace[0] ? v->display_colorspace
                      : v->colorspace[0] ? v->colorspace : v->display_colorspace;
    if (strcmp(csn, "<USE_DISPLAY_NAME>") == 0)
        csn = display;
    int32_t dcs = vfx__ocio_find_cs(cfg, csn);
    int32_t nt = !vt_view && dcs < 0 ? vfx__ocio_find_nt(cfg, csn) : -1;
    if (nt >= 0) {
        /* a view naming a named transform (OCIO 2.1, views without a view transform only): the
         * looks run from the source space, then the named transform applies forward to the
         * values as they are, whatever space the looks left them in (as ocioconvert 2.1.2) */
        if (cfg->cs[src].isdata && data_bypass)
            return VFX_OK;
        int32_t cur = src;
        VFX_TRY(vfx__ocio_build_looks(b, looks ? looks : v->looks, &cur, p));
        return vfx__ocio_build_nt(b, nt, 0, p);
    }
    if (dcs < 0)
        return vfx__ocio_fail_at(cfg, v->node, VFX_ERR_CORRUPT, "view '%s': colour space '%s' is not "
                                 "defined", v->name, csn);
    if ((cfg->cs[src].isdata || cfg->cs[dcs].isdata) && data_bypass)
        return VFX_OK;
    /* Without data bypass (OCIO 2.1, measured with ocioconvert): a look still reaches its
     * process space with the usual bypass (a data source enters the look as it is), while the
     * conversion to a view's colour space and the view transform path apply in full. */
    int32_t cur = src;
    VFX_TRY(vfx__ocio_build_looks(b, looks ? looks : v->looks, &cur, p));
    if (!vt_view)
        return convert(b, cur, dcs, data_bypass, p);
    const vfx__ocio_vt *vt = vfx__ocio_find_vt(cfg, v->view_transform);
    if (!vt)
        return vfx__ocio_fail_at(cfg, v->node, VFX_ERR_CORRUPT, "view '%s': view transform '%s' is not "
                                 "defined", v->name, v->view_transform);
    /* current space -> scene reference -> (view transform) -> display reference -> display.
     * A display-referred view transform starts from the display reference, reached through
     * the default view transform. */
    int scene_vt = vt->from_scene || vt->to_scene;
    VFX_TRY(cs_to_ref(b, cur, p));
    if (cfg->cs[cur].is_display == scene_vt)
        VFX_TRY(apply_vt(b, default_vt(cfg), scene_vt, p));
    if (scene_vt)
        VFX_TRY(apply_vt(b, vt, 0, p));
    else if (vt->from_display)
        VFX_TRY(vfx__ocio_build_xf(b, vt->from_display, 0, p));
    else
        VFX_TRY(vfx__ocio_build_xf(b, vt->to_display, 1, p));
    if (!cfg->cs[dcs].is_display)
        VFX_TRY(apply_vt(b, default_vt(cfg), 1, p));
    return cs_from_ref(b, dcs, p);
}

/* ============================================================================================
 * Public processors
 * ========================================================================================== */

static vfx_status
finish(vfx_status st, vfx_color_processor *p, vfx_color_processor **out)
{
    if (st == VFX_OK)
        st = vfx_color_processor_optimize(p);
    if (st != VFX_OK) {
        vfx_color_processor_free(p);
        return st;
    }
    *out = p;
    return VFX_OK;
}

static vfx_status
lookup(const vfx_ocio_config *cfg, const char *name, int32_t *out)
{
    *out = name ? vfx__ocio_find_cs(cfg, name) : -1;
    if (*out < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no colour space '%s'", cfg->src_name,
                         name ? name : "(null)");
    return VFX_OK;
}

VFX_API vfx_status
vfx_ocio_look_processor_new(const vfx_ocio_config *cfg, const char *src, const char *dst,
                            const char *looks, vfx_color_processor **out)
{
    if (!cfg || !out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    *out = NULL;
    int32_t s, d;
    vfx__ocio_build b = { cfg, 0, 0, 0, 0, 0 };
    vfx_color_processor *p = NULL;
    if ((!looks || !looks[0]) && src && dst) {
        VFX_TRY(vfx_color_processor_new(&p));
        vfx_status nst = VFX_OK;
        if (nt_conversion(&b, src, dst, &nst, p))
            return finish(nst, p, out);
        vfx_color_processor_free(p);
        p = NULL;
    }
    VFX_TRY(lookup(cfg, src, &s));
    VFX_TRY(lookup(cfg, dst, &d));
    VFX_TRY(vfx_color_processor_new(&p));
    int32_t cur = s;
    vfx_status st = vfx__ocio_build_looks(&b, looks, &cur, p);
    if (st == VFX_OK)
        st = vfx__ocio_build_convert(&b, cur, d, p);
    return finish(st, p, out);
}

VFX_API vfx_status
vfx_ocio_named_transform_processor_new(const vfx_ocio_config *cfg, const char *name, vfx_direction dir,
                                       vfx_color_processor **out)
{
    if (!cfg || !out || !name)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    *out = NULL;
    int32_t i = vfx__ocio_find_nt(cfg, name);
    if (i < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no named transform '%s'", cfg->src_name, name);
    vfx_color_processor *p = NULL;
    VFX_TRY(vfx_color_processor_new(&p));
    vfx__ocio_build b = { cfg, 0, 0, 0, 0, 0 };
    return finish(vfx__ocio_build_nt(&b, i, dir == VFX_DIR_INVERSE, p), p, out);
}

VFX_API vfx_status
vfx_ocio_processor_new(const vfx_ocio_config *cfg, const char *src, const char *dst,
                       vfx_color_processor **out)
{
    return vfx_ocio_look_processor_new(cfg, src, dst, NULL, out);
}

VFX_API vfx_status
vfx_ocio_display_processor_new(const vfx_ocio_config *cfg, const char *src, const char *display,
                               const char *view, const char *looks, vfx_direction dir,
                               vfx_color_processor **out)
{
    if (!cfg || !out || !display || !view)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    *out = NULL;
    int32_t s;
    VFX_TRY(lookup(cfg, src, &s));
    vfx_color_processor *p = NULL;
    VFX_TRY(vfx_color_processor_new(&p));
    vfx__ocio_build b = { cfg, 0, 0, 0, 0, 0 };
    vfx_status st = vfx__ocio_build_display(&b, s, display, view, looks, 1, p);
    if (st == VFX_OK && dir == VFX_DIR_INVERSE) {
        vfx_color_processor *inv = NULL;
        st = vfx_color_processor_inverse(p, &inv);
        vfx_color_processor_free(p);
        p = inv;
    }
    return finish(st, p, out);
}
