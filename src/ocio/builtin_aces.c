/* The OCIO 2.1 BuiltinTransform styles made of ACES pieces: the ACES 1.x output transforms
 * (RRT + ODT up to CIE XYZ D65, SDR and HDR), the two LMTs, ADX10/16, ACESproxy10i, and the
 * Sony VENICE camera variants. Each is composed from the colour engine's ops in the order OCIO
 * 2.1 composes it (so inverses and clamps behave the same), with the tone scales and fixed
 * functions of src/color/aces.c. tests/ocio/test_aces.c compares every style with Debian's
 * OCIO 2.1 (ocioconvert). */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"
#include "ocio/ocio_int.h"

#define OUT_PREFIX "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - "

typedef enum style_id {
    ST_SDR_CINEMA, ST_SDR_VIDEO, ST_SDR_CINEMA_709LIM, ST_SDR_VIDEO_709LIM, ST_SDR_VIDEO_P3LIM,
    ST_SDR_CINEMA_D60SIM_D65, ST_SDR_VIDEO_D60SIM_D65, ST_SDR_CINEMA_D60SIM_DCI, ST_SDR_CINEMA_D65SIM_DCI,
    ST_HDR_1000_2020, ST_HDR_1000_P3, ST_HDR_2000_2020, ST_HDR_2000_P3, ST_HDR_4000_2020, ST_HDR_4000_P3,
    ST_HDR_108_P3,
    ST_LMT_GAMUT_COMP, ST_LMT_BLUE_FIX, ST_ADX10, ST_ADX16, ST_PROXY10I, ST_VENICE, ST_VENICE_CINE
} style_id;

static const struct {
    const char *name;
    style_id    id;
} STYLES[] = {
    { OUT_PREFIX "SDR-CINEMA_1.0", ST_SDR_CINEMA },
    { OUT_PREFIX "SDR-VIDEO_1.0", ST_SDR_VIDEO },
    { OUT_PREFIX "SDR-CINEMA-REC709lim_1.1", ST_SDR_CINEMA_709LIM },
    { OUT_PREFIX "SDR-VIDEO-REC709lim_1.1", ST_SDR_VIDEO_709LIM },
    { OUT_PREFIX "SDR-VIDEO-P3lim_1.1", ST_SDR_VIDEO_P3LIM },
    { OUT_PREFIX "SDR-CINEMA-D60sim-D65_1.1", ST_SDR_CINEMA_D60SIM_D65 },
    { OUT_PREFIX "SDR-VIDEO-D60sim-D65_1.0", ST_SDR_VIDEO_D60SIM_D65 },
    { OUT_PREFIX "SDR-CINEMA-D60sim-DCI_1.0", ST_SDR_CINEMA_D60SIM_DCI },
    { OUT_PREFIX "SDR-CINEMA-D65sim-DCI_1.1", ST_SDR_CINEMA_D65SIM_DCI },
    { OUT_PREFIX "HDR-VIDEO-1000nit-15nit-REC2020lim_1.1", ST_HDR_1000_2020 },
    { OUT_PREFIX "HDR-VIDEO-1000nit-15nit-P3lim_1.1", ST_HDR_1000_P3 },
    { OUT_PREFIX "HDR-VIDEO-2000nit-15nit-REC2020lim_1.1", ST_HDR_2000_2020 },
    { OUT_PREFIX "HDR-VIDEO-2000nit-15nit-P3lim_1.1", ST_HDR_2000_P3 },
    { OUT_PREFIX "HDR-VIDEO-4000nit-15nit-REC2020lim_1.1", ST_HDR_4000_2020 },
    { OUT_PREFIX "HDR-VIDEO-4000nit-15nit-P3lim_1.1", ST_HDR_4000_P3 },
    { OUT_PREFIX "HDR-CINEMA-108nit-7.2nit-P3lim_1.1", ST_HDR_108_P3 },
    { "ACES-LMT - ACES 1.3 Reference Gamut Compression", ST_LMT_GAMUT_COMP },
    { "ACES-LMT - BLUE_LIGHT_ARTIFACT_FIX", ST_LMT_BLUE_FIX },
    { "ADX10_to_ACES2065-1", ST_ADX10 },
    { "ADX16_to_ACES2065-1", ST_ADX16 },
    { "ACESproxy10i_to_ACES2065-1", ST_PROXY10I },
    { "SONY_SLOG3-SGAMUT3-VENICE_to_ACES2065-1", ST_VENICE },
    { "SONY_SLOG3-SGAMUT3.CINE-VENICE_to_ACES2065-1", ST_VENICE_CINE },
};

static int
find_style(const char *style)
{
    for (size_t i = 0; i < VFX__COUNTOF(STYLES); i++)
        if (strcasecmp(STYLES[i].name, style) == 0)
            return (int) STYLES[i].id;
    return -1;
}

int
vfx__ocio_builtin_aces_known(const char *style)
{
    return find_style(style) >= 0;
}

/* ---- small composition helpers ---------------------------------------------------------- */

static vfx_status
mat(vfx_color_processor *p, const double m[9])
{
    return vfx_color_processor_append_matrix(p, m, NULL);
}

static vfx_status
scale_offset(vfx_color_processor *p, double s, double o)
{
    const double m[9] = { s, 0, 0, 0, s, 0, 0, 0, s }, off[3] = { o, o, o };
    return vfx_color_processor_append_matrix(p, m, off);
}

static vfx_status
rgb_to_rgb(vfx_color_processor *p, vfx_primaries a, vfx_primaries b, vfx_cat cat)
{
    vfx_chromaticities ca, cb;
    double m[9];
    VFX_TRY(vfx_primaries_get(a, &ca));
    VFX_TRY(vfx_primaries_get(b, &cb));
    VFX_TRY(vfx_rgb_to_rgb_matrix(&ca, &cb, cat, m));
    return mat(p, m);
}

/* RGB -> XYZ of the primaries' own white (no adaptation). */
static vfx_status
rgb_to_xyz(vfx_color_processor *p, vfx_primaries a)
{
    vfx_chromaticities c;
    double m[9];
    VFX_TRY(vfx_primaries_get(a, &c));
    VFX_TRY(vfx_rgb_to_xyz_matrix(&c, m));
    return mat(p, m);
}

/* XYZ -> XYZ adapting the white of @p from's primaries to D65 (Bradford). */
static vfx_status
white_to_d65(vfx_color_processor *p, vfx_primaries from)
{
    vfx_chromaticities c;
    double d65[2], m[9];
    VFX_TRY(vfx_primaries_get(from, &c));
    VFX_TRY(vfx_white_get(VFX_WHITE_D65, d65));
    VFX_TRY(vfx_adaptation_matrix(VFX_CAT_BRADFORD, c.white, d65, m));
    return mat(p, m);
}

/* AP1 -> CIE XYZ with the D60 white adapted to D65 by Bradford. */
static vfx_status
ap1_to_xyz_d65(vfx_color_processor *p)
{
    VFX_TRY(rgb_to_xyz(p, VFX_PRIMARIES_ACES_AP1));
    return white_to_d65(p, VFX_PRIMARIES_ACES_AP1);
}

static vfx_status
clamp_low(vfx_color_processor *p)
{
    return vfx_color_processor_append_range(p, 0.0, NAN, 0.0, NAN, VFX_DIR_FORWARD);
}

static vfx_status
clamp_high(vfx_color_processor *p, double hi)
{
    return vfx_color_processor_append_range(p, NAN, hi, NAN, hi, VFX_DIR_FORWARD);
}

static vfx_status
fixed(vfx_color_processor *p, vfx_fixed_function f)
{
    return vfx_color_processor_append_fixed(p, f, 0.0, VFX_DIR_FORWARD);
}

/* ---- the ACES 1.x output transform pieces ---------------------------------------------- */

/* RRT up to the tone scale: glow, red modifier, AP0 -> AP1 with negatives clamped, and the
 * RRT's saturation matrix. */
static vfx_status
rrt_preamble(vfx_color_processor *p)
{
    static const double RRT_SAT[9] = { 0.970889148671, 0.026963270632, 0.002147580696,
                                       0.010889148671, 0.986963270632, 0.002147580696,
                                       0.010889148671, 0.026963270632, 0.962147580696 };
    VFX_TRY(fixed(p, VFX_FIXED_ACES_GLOW_10));
    VFX_TRY(fixed(p, VFX_FIXED_ACES_RED_MOD_10));
    VFX_TRY(clamp_low(p));
    VFX_TRY(rgb_to_rgb(p, VFX_PRIMARIES_ACES_AP0, VFX_PRIMARIES_ACES_AP1, VFX_CAT_NONE));
    VFX_TRY(clamp_low(p));
    return mat(p, RRT_SAT);
}

/* The SDR tone scale (RRT spline then the 48 nit ODT spline, in log10), then cinema black
 * (0.02 nit) and white (48 nit) to 0..1. */
static vfx_status
sdr_tonescale(vfx_color_processor *p)
{
    VFX_TRY(vfx_color_processor_append_log(p, 10.0, VFX_DIR_FORWARD));
    VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_ACES_SPLINE, VFX__ACES_SPLINE_RRT,
                                                      VFX_DIR_FORWARD));
    VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_ACES_SPLINE, VFX__ACES_SPLINE_ODT_48,
                                                      VFX_DIR_FORWARD));
    VFX_TRY(vfx_color_processor_append_log(p, 10.0, VFX_DIR_INVERSE));
    const double white = 48.0, black = 0.02, s = 1.0 / (white - black);
    return scale_offset(p, s, -black * s);
}

/* The HDR tone scale of the single-stage spline for a peak of @p y_max nits; 0.0001 nit black. */
static vfx_status
hdr_tonescale(vfx_color_processor *p, double y_max, int spline)
{
    VFX_TRY(vfx_color_processor_append_log(p, 10.0, VFX_DIR_FORWARD));
    VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_ACES_SPLINE, spline, VFX_DIR_FORWARD));
    VFX_TRY(vfx_color_processor_append_log(p, 10.0, VFX_DIR_INVERSE));
    const double y_min = 0.0001, s = 1.0 / (y_max - y_min);
    return scale_offset(p, s, -y_min * s);
}

/* Dim (video) surround from the dark (cinema) one, and the desaturation for 100 nit video. */
static vfx_status
video_adjust(vfx_color_processor *p)
{
    static const double DESAT_100[9] = { 0.949056010175, 0.047185723607, 0.003758266219,
                                         0.019056010175, 0.977185723607, 0.003758266219,
                                         0.019056010175, 0.047185723607, 0.933758266219 };
    VFX_TRY(fixed(p, VFX_FIXED_ACES_DARK_TO_DIM_10));
    return mat(p, DESAT_100);
}

/* Limit to the display gamut @p lim (clamp to 0..1 in its RGB), then to XYZ. SDR adapts the
 * AP1 white to the limit's with Bradford; HDR does not, and adapts in XYZ afterwards. */
static vfx_status
primary_clamp(vfx_color_processor *p, vfx_primaries lim, int hdr)
{
    VFX_TRY(rgb_to_rgb(p, VFX_PRIMARIES_ACES_AP1, lim, hdr ? VFX_CAT_NONE : VFX_CAT_BRADFORD));
    VFX_TRY(vfx_color_processor_append_range(p, 0.0, 1.0, 0.0, 1.0, VFX_DIR_FORWARD));
    VFX_TRY(rgb_to_xyz(p, lim));
    if (hdr)
        VFX_TRY(white_to_d65(p, VFX_PRIMARIES_ACES_AP1)); /* D60 -> D65 */
    return VFX_OK;
}

static vfx_status
output_transform(style_id id, vfx_color_processor *p)
{
    VFX_TRY(rrt_preamble(p));
    if (id >= ST_HDR_1000_2020 && id <= ST_HDR_108_P3) {
        double peak = id == ST_HDR_108_P3 ? 108.0 : id <= ST_HDR_1000_P3 ? 1000.0 : id <= ST_HDR_2000_P3 ? 2000.0 : 4000.0;
        int spline = id == ST_HDR_108_P3    ? VFX__ACES_SPLINE_HDR_108
                     : id <= ST_HDR_1000_P3 ? VFX__ACES_SPLINE_HDR_1000
                     : id <= ST_HDR_2000_P3 ? VFX__ACES_SPLINE_HDR_2000
                                            : VFX__ACES_SPLINE_HDR_4000;
        vfx_primaries lim = (id == ST_HDR_1000_2020 || id == ST_HDR_2000_2020 || id == ST_HDR_4000_2020)
                                ? VFX_PRIMARIES_REC2020 : VFX_PRIMARIES_DISPLAY_P3;
        VFX_TRY(hdr_tonescale(p, peak, spline));
        VFX_TRY(primary_clamp(p, lim, 1));
        return scale_offset(p, peak * 0.01, 0.0); /* 1.0 = 100 nits, as the PQ curve wants */
    }
    VFX_TRY(sdr_tonescale(p));
    switch (id) {
    case ST_SDR_CINEMA: return ap1_to_xyz_d65(p);
    case ST_SDR_VIDEO:
        VFX_TRY(video_adjust(p));
        return ap1_to_xyz_d65(p);
    case ST_SDR_CINEMA_709LIM: return primary_clamp(p, VFX_PRIMARIES_REC709, 0);
    case ST_SDR_VIDEO_709LIM:
        VFX_TRY(video_adjust(p));
        return primary_clamp(p, VFX_PRIMARIES_REC709, 0);
    case ST_SDR_VIDEO_P3LIM:
        VFX_TRY(video_adjust(p));
        return primary_clamp(p, VFX_PRIMARIES_DISPLAY_P3, 0);
    case ST_SDR_CINEMA_D60SIM_D65: /* D60 white shown on a D65 display: scaled so it fits */
        VFX_TRY(clamp_high(p, 1.0));
        VFX_TRY(scale_offset(p, 0.964, 0.0));
        return rgb_to_xyz(p, VFX_PRIMARIES_ACES_AP1);
    case ST_SDR_VIDEO_D60SIM_D65:
        VFX_TRY(clamp_high(p, 1.0));
        VFX_TRY(scale_offset(p, 0.955, 0.0));
        VFX_TRY(video_adjust(p));
        return rgb_to_xyz(p, VFX_PRIMARIES_ACES_AP1);
    case ST_SDR_CINEMA_D60SIM_DCI:
        VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_HALF_CURVE, VFX__HALF_CURVE_ROLL_WHITE_D60,
                                                          VFX_DIR_FORWARD));
        VFX_TRY(clamp_high(p, 0.918));
        VFX_TRY(scale_offset(p, 0.96, 0.0));
        VFX_TRY(rgb_to_xyz(p, VFX_PRIMARIES_ACES_AP1));
        return white_to_d65(p, VFX_PRIMARIES_DCI_P3);
    case ST_SDR_CINEMA_D65SIM_DCI:
        VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_HALF_CURVE, VFX__HALF_CURVE_ROLL_WHITE_D65,
                                                          VFX_DIR_FORWARD));
        VFX_TRY(clamp_high(p, 0.908));
        VFX_TRY(scale_offset(p, 0.9575, 0.0));
        VFX_TRY(ap1_to_xyz_d65(p));
        return white_to_d65(p, VFX_PRIMARIES_DCI_P3);
    default: return vfx__fail(VFX_ERR_INTERNAL, "ocio: ACES output style %d", (int) id);
    }
}

/* ADX (printing density) -> ACES2065-1: channel-dependent to channel-independent density,
 * density to log exposure (the CTL's table), exposure, then the ADX exposure -> ACES matrix. */
static vfx_status
adx(vfx_color_processor *p, int bits16)
{
    static const double CDD_TO_CID[9] = { 0.75573, 0.22197, 0.02230, 0.05901, 0.96928, -0.02829,
                                          0.16134, 0.07406, 0.76460 };
    static const double EXP_TO_ACES[9] = { 0.72286, 0.12630, 0.15084, 0.11923, 0.76418, 0.11659,
                                           0.01427, 0.08213, 0.90359 };
    if (bits16)
        VFX_TRY(scale_offset(p, 65535.0 / 8000.0, -1520.0 / 8000.0));
    else
        VFX_TRY(scale_offset(p, 1023.0 / 500.0, -95.0 / 500.0));
    VFX_TRY(mat(p, CDD_TO_CID));
    VFX_TRY(vfx__color_processor_append_fixed_private(p, VFX__FIXED_HALF_CURVE, VFX__HALF_CURVE_ADX,
                                                      VFX_DIR_FORWARD));
    VFX_TRY(vfx_color_processor_append_log(p, 10.0, VFX_DIR_INVERSE));
    return mat(p, EXP_TO_ACES);
}

vfx_status
vfx__ocio_builtin_aces_append(const char *style, vfx_color_processor *p)
{
    int id = find_style(style);
    if (id < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "unknown BuiltinTransform '%s'", style);
    switch ((style_id) id) {
    case ST_LMT_GAMUT_COMP:
        VFX_TRY(rgb_to_rgb(p, VFX_PRIMARIES_ACES_AP0, VFX_PRIMARIES_ACES_AP1, VFX_CAT_NONE));
        VFX_TRY(fixed(p, VFX_FIXED_ACES_GAMUT_COMP_13)); /* the reference parameters */
        return rgb_to_rgb(p, VFX_PRIMARIES_ACES_AP1, VFX_PRIMARIES_ACES_AP0, VFX_CAT_NONE);
    case ST_LMT_BLUE_FIX: {
        static const double FIX[9] = { 0.9404372683, -0.0183068787, 0.0778696104, 0.0083786969, 0.8286599939,
                                       0.1629613092, 0.0005471261, -0.0008833746, 1.0003362486 };
        return mat(p, FIX);
    }
    case ST_ADX10: return adx(p, 0);
    case ST_ADX16: return adx(p, 1);
    case ST_PROXY10I:
        /* 10-bit codes 64..940 -> log2 exposure (clamped), exposure, AP1 -> AP0 */
        VFX_TRY(vfx_color_processor_append_range(p, 64.0 / 1023.0, 940.0 / 1023.0, (64.0 - 425.0) / 50.0 - 2.5,
                                                 (940.0 - 425.0) / 50.0 - 2.5, VFX_DIR_FORWARD));
        VFX_TRY(vfx_color_processor_append_log(p, 2.0, VFX_DIR_INVERSE));
        return rgb_to_rgb(p, VFX_PRIMARIES_ACES_AP1, VFX_PRIMARIES_ACES_AP0, VFX_CAT_NONE);
    case ST_VENICE:
    case ST_VENICE_CINE: {
        /* Sony publishes only the matrices for the VENICE gamuts */
        static const double VENICE[9] = { 0.7933297411, 0.0890786256, 0.1175916333, 0.0155810585, 1.0327123069,
                                          -0.0482933654, -0.0188647478, 0.0127694121, 1.0060953358 };
        static const double VENICE_CINE[9] = { 0.6742570921, 0.2205717359, 0.1051711720, -0.0093136061,
                                               1.1059588614, -0.0966452553, -0.0382090673, -0.0179383766,
                                               1.0561474439 };
        VFX_TRY(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SLOG3, VFX_DIR_INVERSE));
        return mat(p, id == ST_VENICE ? VENICE : VENICE_CINE);
    }
    default: return output_transform((style_id) id, p);
    }
}
