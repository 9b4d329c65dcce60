/* OCIO BuiltinTransform styles, expressed with the colour engine's transfer functions and
 * primaries (the ACES-based styles are in builtin_aces.c). Styles of later OCIO releases that
 * vfx cannot express yet are "known" so configs load, and fail with VFX_ERR_UNSUPPORTED when a
 * processor needs them. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "ocio/ocio_int.h"
#include "vfx/opendrt.h"
#include "vfx/spectral.h"

typedef enum step_kind {
    S_NONE = 0,
    S_TO_AP0,      /* camera/working RGB (prim, cat) -> ACES2065-1 */
    S_XYZ_TO_RGB,  /* CIE XYZ D65 -> RGB (prim, cat) */
    S_RGB_TO_XYZ,  /* RGB (prim, cat) -> CIE XYZ D65 */
    S_RGB_TO_RGB,  /* prim -> prim2 */
    S_UNSUPPORTED,
    S_HLG_1000,    /* CIE XYZ D65 (1.0 = 100 nits) -> Rec.2020 HLG for a 1000 nit display */
    S_SCALE        /* a uniform scale after the decode (see scale_of) */
} step_kind;

typedef struct builtin {
    const char   *style;
    vfx_transfer  decode;   /* applied first (decode), LINEAR = none; not with S_XYZ_TO_RGB */
    step_kind     kind;
    vfx_primaries prim, prim2;
    vfx_cat       cat;
    vfx_transfer  encode;   /* applied last (encode), LINEAR = none */
    int           gamma_clamp; /* encode: 0 = transfer, else gamma x10 applied as clamped power */
} builtin;

#define L VFX_TRANSFER_LINEAR
static const builtin BUILTINS[] = {
    { "IDENTITY", L, S_NONE, 0, 0, 0, L, 0 },
    { "UTILITY - ACES-AP0_to_CIE-XYZ-D65_BFD", L, S_RGB_TO_XYZ, VFX_PRIMARIES_ACES_AP0, 0, VFX_CAT_BRADFORD, L, 0 },
    { "UTILITY - ACES-AP1_to_CIE-XYZ-D65_BFD", L, S_RGB_TO_XYZ, VFX_PRIMARIES_ACES_AP1, 0, VFX_CAT_BRADFORD, L, 0 },
    { "UTILITY - ACES-AP1_to_LINEAR-REC709_BFD", L, S_RGB_TO_RGB, VFX_PRIMARIES_ACES_AP1, VFX_PRIMARIES_REC709,
      VFX_CAT_BRADFORD, L, 0 },
    { "ACEScct_to_ACES2065-1", VFX_TRANSFER_ACESCCT, S_TO_AP0, VFX_PRIMARIES_ACES_AP1, 0, VFX_CAT_NONE, L, 0 },
    { "ACEScc_to_ACES2065-1", VFX_TRANSFER_ACESCC, S_TO_AP0, VFX_PRIMARIES_ACES_AP1, 0, VFX_CAT_NONE, L, 0 },
    { "ACEScg_to_ACES2065-1", L, S_TO_AP0, VFX_PRIMARIES_ACES_AP1, 0, VFX_CAT_NONE, L, 0 },
    { "ARRI_ALEXA-LOGC-EI800-AWG_to_ACES2065-1", VFX_TRANSFER_LOGC3, S_TO_AP0, VFX_PRIMARIES_ARRI_WG3, 0,
      VFX_CAT_CAT02, L, 0 },
    { "ARRI_LOGC4_to_ACES2065-1", VFX_TRANSFER_LOGC4, S_TO_AP0, VFX_PRIMARIES_ARRI_WG4, 0, VFX_CAT_CAT02, L, 0 },
    { "SONY_SLOG3-SGAMUT3_to_ACES2065-1", VFX_TRANSFER_SLOG3, S_TO_AP0, VFX_PRIMARIES_SGAMUT3, 0,
      VFX_CAT_CAT02, L, 0 },
    { "SONY_SLOG3-SGAMUT3.CINE_to_ACES2065-1", VFX_TRANSFER_SLOG3, S_TO_AP0, VFX_PRIMARIES_SGAMUT3_CINE, 0,
      VFX_CAT_CAT02, L, 0 },
    { "PANASONIC_VLOG-VGAMUT_to_ACES2065-1", VFX_TRANSFER_VLOG, S_TO_AP0, VFX_PRIMARIES_VGAMUT, 0,
      VFX_CAT_BRADFORD, L, 0 },
    { "RED_LOG3G10-RWG_to_ACES2065-1", VFX_TRANSFER_LOG3G10, S_TO_AP0, VFX_PRIMARIES_RED_WIDE_GAMUT, 0,
      VFX_CAT_BRADFORD, L, 0 },
    { "RED_REDLOGFILM-RWG_to_ACES2065-1", VFX_TRANSFER_REDLOGFILM, S_TO_AP0, VFX_PRIMARIES_RED_WIDE_GAMUT, 0,
      VFX_CAT_BRADFORD, L, 0 },
    { "CANON_CLOG2-CGAMUT_to_ACES2065-1", VFX_TRANSFER_CANON_LOG2, S_TO_AP0, VFX_PRIMARIES_CANON_CINEMA_GAMUT,
      0, VFX_CAT_CAT02, L, 0 },
    { "CANON_CLOG3-CGAMUT_to_ACES2065-1", VFX_TRANSFER_CANON_LOG3, S_TO_AP0, VFX_PRIMARIES_CANON_CINEMA_GAMUT,
      0, VFX_CAT_CAT02, L, 0 },
    /* OCIO 2.4: the Apple Log decode (OCIO samples it into a half-domain LUT), then Rec.2020 ->
     * AP0 with a Bradford adaptation */
    { "APPLE_LOG_to_ACES2065-1", VFX_TRANSFER_APPLE_LOG, S_TO_AP0, VFX_PRIMARIES_REC2020, 0, VFX_CAT_BRADFORD,
      L, 0 },
    { "CURVE - APPLE_LOG_to_LINEAR", VFX_TRANSFER_APPLE_LOG, S_NONE, 0, 0, 0, L, 0 },
    { "CURVE - CANON_CLOG2_to_LINEAR", VFX_TRANSFER_CANON_LOG2, S_NONE, 0, 0, 0, L, 0 },
    { "CURVE - CANON_CLOG3_to_LINEAR", VFX_TRANSFER_CANON_LOG3, S_NONE, 0, 0, 0, L, 0 },
    { "CURVE - ACEScct-LOG_to_LINEAR", VFX_TRANSFER_ACESCCT, S_NONE, 0, 0, 0, VFX_TRANSFER_LINEAR, 0 },
    { "CURVE - ST-2084_to_LINEAR", VFX_TRANSFER_PQ, S_NONE, 0, 0, 0, L, 0 },
    { "CURVE - LINEAR_to_ST-2084", L, S_NONE, 0, 0, 0, VFX_TRANSFER_PQ, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_sRGB", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0, VFX_CAT_NONE, VFX_TRANSFER_SRGB, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_sRGB - MIRROR NEGS", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0, VFX_CAT_NONE,
      VFX_TRANSFER_SRGB, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_DisplayP3", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DISPLAY_P3, 0, VFX_CAT_NONE,
      VFX_TRANSFER_SRGB, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_REC.1886-REC.709", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0, VFX_CAT_NONE, L, 24 },
    { "DISPLAY - CIE-XYZ-D65_to_REC.1886-REC.709 - MIRROR NEGS", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0,
      VFX_CAT_NONE, VFX_TRANSFER_GAMMA_2_4, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_REC.1886-REC.2020", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC2020, 0, VFX_CAT_NONE, L, 24 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.2-REC.709", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0, VFX_CAT_NONE, L, 22 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.2-REC.709 - MIRROR NEGS", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC709, 0,
      VFX_CAT_NONE, VFX_TRANSFER_GAMMA_2_2, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-DCI-BFD", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DCI_P3, 0, VFX_CAT_BRADFORD, L, 26 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-D65", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DISPLAY_P3, 0, VFX_CAT_NONE, L, 26 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-D65 - MIRROR NEGS", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DISPLAY_P3, 0,
      VFX_CAT_NONE, VFX_TRANSFER_GAMMA_2_6, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-D60-BFD", L, S_XYZ_TO_RGB, VFX_PRIMARIES_P3_D60, 0, VFX_CAT_BRADFORD, L, 26 },
    { "DISPLAY - CIE-XYZ-D65_to_REC.2100-PQ", L, S_XYZ_TO_RGB, VFX_PRIMARIES_REC2020, 0, VFX_CAT_NONE,
      VFX_TRANSFER_PQ, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_REC.2100-HLG-1000nit", L, S_HLG_1000, VFX_PRIMARIES_REC2020, 0, VFX_CAT_NONE,
      VFX_TRANSFER_HLG, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_ST2084-P3-D65", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DISPLAY_P3, 0, VFX_CAT_NONE,
      VFX_TRANSFER_PQ, 0 },
    /* OCIO 2.4 styles. DCDM: X'Y'Z' = (XYZ * 48/52.37)^(1/2.6) (SMPTE ST 428-1), negatives to 0;
     * its PQ variant is the PQ encode of XYZ (1.0 = 100 nits); DisplayP3-HDR is Display P3 with
     * the sRGB curve mirrored below 0 and extended above 1; the HLG curves are BT.2100's OETF
     * on scene light scaled by 1/3 (E <= 0.25 gives sqrt(E)), mirrored, not clamped above 1. */
    { "DISPLAY - CIE-XYZ-D65_to_DCDM-D65", L, S_SCALE, 0, 0, VFX_CAT_NONE, L, 26 },
    { "DISPLAY - CIE-XYZ-D65_to_ST2084-DCDM-D65", L, S_NONE, 0, 0, 0, VFX_TRANSFER_PQ, 0 },
    { "DISPLAY - CIE-XYZ-D65_to_DisplayP3-HDR", L, S_XYZ_TO_RGB, VFX_PRIMARIES_DISPLAY_P3, 0, VFX_CAT_NONE,
      VFX_TRANSFER_SRGB, 0 },
    { "CURVE - HLG-OETF", L, S_SCALE, 0, 0, VFX_CAT_NONE, VFX_TRANSFER_HLG, 0 },
    { "CURVE - HLG-OETF-INVERSE", VFX_TRANSFER_HLG, S_SCALE, 0, 0, VFX_CAT_NONE, L, 0 },
};
#undef L

/* Styles of OCIO releases after 2.1 that vfx cannot express yet (prefix match); the ACES
 * styles of 2.1 are in builtin_aces.c. */
static const char *const UNSUPPORTED[] = {
    "ACES-OUTPUT - ", "ACES-LMT - ", "ACES-SSTS", "UTILITY - ",
};

/* The S_SCALE factor of a style: DCDM's 48/52.37 (SMPTE ST 428-1 normalises XYZ by 52.37
 * cd/m^2 for a 48 cd/m^2 white), and the 1/3 (3 back) that puts OCIO's HLG curve break at
 * E = 0.25 */
static double
scale_of(const char *style)
{
    if (strstr(style, "DCDM"))
        return 48.0 / 52.37;
    return strstr(style, "INVERSE") ? 3.0 : 1.0 / 3.0;
}

static const builtin *
find(const char *style)
{
    for (size_t i = 0; i < VFX__COUNTOF(BUILTINS); i++)
        if (strcasecmp(BUILTINS[i].style, style) == 0)
            return &BUILTINS[i];
    return NULL;
}

static int
unsupported(const char *style)
{
    for (size_t i = 0; i < VFX__COUNTOF(UNSUPPORTED); i++)
        if (strncasecmp(style, UNSUPPORTED[i], strlen(UNSUPPORTED[i])) == 0)
            return 1;
    return 0;
}

/* ---- vfx extension styles ("vfx:...", see docs/color.md) -----------------------------------
 * vfx:opendrt:<peak>:<gamut>:<encoding>[:<clamp>]   ACES2065-1 -> OpenDRT display code values
 * vfx:vsf_rgb, vfx:vsf_rgb_gamma2                    VSF RGB (linear / gamma 2) -> ACES2065-1
 * Their direction follows OCIO's built-ins ("X_to_ACES2065-1" goes to the scene reference, the
 * DISPLAY styles come from it). */

#define VFX_PREFIX "vfx:"
#define OPENDRT_PREFIX "vfx:opendrt:"

static int
is_extension(const char *style)
{
    return strncasecmp(style, VFX_PREFIX, strlen(VFX_PREFIX)) == 0;
}

static int
extension_known(const char *style)
{
    return strncasecmp(style, OPENDRT_PREFIX, strlen(OPENDRT_PREFIX)) == 0 ||
           strcasecmp(style, "vfx:vsf_rgb") == 0 || strcasecmp(style, "vfx:vsf_rgb_gamma2") == 0;
}

static vfx_status
extension_append(const char *style, vfx_color_processor *p)
{
    vfx_color_processor *f = NULL;
    vfx_status st;
    if (strncasecmp(style, OPENDRT_PREFIX, strlen(OPENDRT_PREFIX)) == 0)
        st = vfx_opendrt_view_new(style, VFX_PRIMARIES_ACES_AP0, &f);
    else if (strcasecmp(style, "vfx:vsf_rgb") == 0 || strcasecmp(style, "vfx:vsf_rgb_gamma2") == 0)
        st = vfx_vsf_processor_from_name(style + strlen(VFX_PREFIX), VFX_PRIMARIES_ACES_AP0,
                                         VFX_DIR_INVERSE, &f);
    else
        return vfx__fail(VFX_ERR_NOT_FOUND, "unknown vfx extension style '%s' (known: "
                         "vfx:opendrt:<peak>:<gamut>:<encoding>, vfx:vsf_rgb, vfx:vsf_rgb_gamma2)", style);
    if (st == VFX_OK)
        st = vfx_color_processor_append_processor(p, f);
    vfx_color_processor_free(f);
    return st;
}

int
vfx__ocio_builtin_known(const char *style)
{
    if (is_extension(style))
        return extension_known(style);
    return find(style) != NULL || vfx__ocio_builtin_aces_known(style) || unsupported(style);
}

/* RGB (prim) -> XYZ with the white adapted to D65 by @p cat (NONE: no adaptation). */
static vfx_status
rgb_to_xyz_d65(vfx_primaries prim, vfx_cat cat, double m[9])
{
    vfx_chromaticities c;
    double to_xyz[9], d65[2], ad[9];
    VFX_TRY(vfx_primaries_get(prim, &c));
    VFX_TRY(vfx_rgb_to_xyz_matrix(&c, to_xyz));
    VFX_TRY(vfx_white_get(VFX_WHITE_D65, d65));
    if (cat == VFX_CAT_NONE) {
        memcpy(m, to_xyz, sizeof to_xyz);
        return VFX_OK;
    }
    VFX_TRY(vfx_adaptation_matrix(cat, c.white, d65, ad));
    vfx_mat3_mul(ad, to_xyz, m);
    return VFX_OK;
}

vfx_status
vfx__ocio_builtin_append(const char *style, vfx_color_processor *p)
{
    if (is_extension(style))
        return extension_append(style, p);
    if (vfx__ocio_builtin_aces_known(style))
        return vfx__ocio_builtin_aces_append(style, p);
    const builtin *bi = find(style);
    if (!bi) {
        if (unsupported(style))
            return vfx__fail(VFX_ERR_UNSUPPORTED, "BuiltinTransform '%s' is not supported by vfx yet", style);
        return vfx__fail(VFX_ERR_NOT_FOUND, "unknown BuiltinTransform '%s'", style);
    }
    if (bi->decode == VFX_TRANSFER_PQ) /* OCIO decodes PQ through a LUT over codes [0, 1] */
        VFX_TRY(vfx_color_processor_append_range(p, 0.0, 1.0, 0.0, 1.0, VFX_DIR_FORWARD));
    if (bi->decode != VFX_TRANSFER_LINEAR)
        VFX_TRY(vfx_color_processor_append_transfer(p, bi->decode, VFX_DIR_INVERSE));
    double m[9];
    switch (bi->kind) {
    case S_NONE:
        break;
    case S_TO_AP0: {
        vfx_chromaticities a, b;
        VFX_TRY(vfx_primaries_get(bi->prim, &a));
        VFX_TRY(vfx_primaries_get(VFX_PRIMARIES_ACES_AP0, &b));
        VFX_TRY(vfx_rgb_to_rgb_matrix(&a, &b, bi->cat, m));
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        break;
    }
    case S_RGB_TO_XYZ:
        VFX_TRY(rgb_to_xyz_d65(bi->prim, bi->cat, m));
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        break;
    case S_XYZ_TO_RGB: {
        double f[9];
        VFX_TRY(rgb_to_xyz_d65(bi->prim, bi->cat, f));
        VFX_TRY(vfx_mat3_invert(f, m));
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        break;
    }
    case S_RGB_TO_RGB: {
        vfx_chromaticities a, b;
        VFX_TRY(vfx_primaries_get(bi->prim, &a));
        VFX_TRY(vfx_primaries_get(bi->prim2, &b));
        VFX_TRY(vfx_rgb_to_rgb_matrix(&a, &b, bi->cat, m));
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        break;
    }
    case S_HLG_1000: {
        /* display light 1.0 = 100 nits -> 0..1 of a 1000 nit display, undo the OOTF */
        double f[9];
        VFX_TRY(rgb_to_xyz_d65(bi->prim, VFX_CAT_NONE, f));
        VFX_TRY(vfx_mat3_invert(f, m));
        for (int i = 0; i < 9; i++)
            m[i] *= 0.1;
        VFX_TRY(vfx_color_processor_append_matrix(p, m, NULL));
        VFX_TRY(vfx_color_processor_append_hlg_ootf(p, vfx_hlg_system_gamma(1000.0), VFX_DIR_INVERSE));
        /* OCIO clamps the scene signal to [0, 1] */
        VFX_TRY(vfx_color_processor_append_range(p, 0.0, 1.0, 0.0, 1.0, VFX_DIR_FORWARD));
        break;
    }
    case S_SCALE: {
        const double k = scale_of(bi->style);
        const double d[9] = { k, 0, 0, 0, k, 0, 0, 0, k };
        VFX_TRY(vfx_color_processor_append_matrix(p, d, NULL));
        break;
    }
    case S_UNSUPPORTED:
        return vfx__fail(VFX_ERR_UNSUPPORTED, "BuiltinTransform '%s' is not supported by vfx yet", style);
    }
    if (bi->encode == VFX_TRANSFER_PQ) /* OCIO encodes negatives as PQ(0) */
        VFX_TRY(vfx_color_processor_append_range(p, 0.0, NAN, 0.0, NAN, VFX_DIR_FORWARD));
    if (bi->encode == VFX_TRANSFER_SRGB) {
        /* OCIO's sRGB displays are a moncurve: its linear segment continues below 0 (the
         * MIRROR NEGS variant mirrors), where VFX_TRANSFER_SRGB mirrors the whole curve */
        static const double g[3] = { 2.4, 2.4, 2.4 }, o[3] = { 0.055, 0.055, 0.055 };
        int mirror = strstr(bi->style, "MIRROR NEGS") != NULL || strstr(bi->style, "P3-HDR") != NULL;
        VFX_TRY(vfx_color_processor_append_moncurve(p, g, o, mirror ? VFX_NEGATIVE_MIRROR : VFX_NEGATIVE_PASS_THRU,
                                                    VFX_DIR_INVERSE));
    } else if (bi->encode != VFX_TRANSFER_LINEAR) {
        VFX_TRY(vfx_color_processor_append_transfer(p, bi->encode, VFX_DIR_FORWARD));
    }
    if (bi->gamma_clamp) {
        double g = bi->gamma_clamp / 10.0, gg[3] = { g, g, g };
        VFX_TRY(vfx_color_processor_append_exponent(p, gg, VFX_NEGATIVE_CLAMP, VFX_DIR_INVERSE));
    }
    return VFX_OK;
}
