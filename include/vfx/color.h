/* Colour: transfer functions, primaries and white points, chromatic adaptation, and colour
 * processors (a flat list of colour ops built directly or read from LUT files).
 *
 * Conventions
 * - "Encode" goes from scene/display-linear light to the encoded (log, gamma, PQ...) signal;
 *   "decode" is the reverse. Encoded values are normalised (0..1 = the full code range, so a
 *   10-bit code value v is v / 1023), linear values are relative (0.18 = mid grey) unless a
 *   function says otherwise.
 * - Matrices are row-major 3x3 acting on column vectors: out = M * in. They are built in
 *   double precision; processors apply them in f32.
 * - Processors are immutable once built as far as apply is concerned: many threads may call
 *   vfx_color_processor_apply_f32() on one processor at the same time (as long as nobody
 *   appends or optimises it meanwhile). */
#ifndef VFX_COLOR_H
#define VFX_COLOR_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/status.h"
#include "vfx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================================================
 * Transfer functions
 * ========================================================================================== */

/** Per-channel transfer functions. Values never change (they are stored in op lists).
 *  Behaviour outside [0, 1] is part of each function's contract:
 *  - SRGB, GAMMA_*, BT709, BT1886, HLG: odd-symmetric ("mirrored") for negatives, as OCIO's
 *    "MIRROR NEGS" display built-ins do, so they are bijective on all reals. (OCIO's plain sRGB
 *    display built-in continues the linear toe below 0 instead; the OCIO layer builds that one
 *    with a moncurve op, see docs/color.md.)
 *  - PQ: mirrored for negatives; codes above 1 follow the formula up to the code of linear
 *    65504 (the half maximum, code 1.54694) and decode to 65504 beyond (the formula has a pole
 *    at 1.9887), as OCIO's inverse of its PQ encode does. Not bijective beyond 65504.
 *  - The camera logs with a linear toe (ACEScct, LogC3/4, S-Log2/3, V-Log, Log3G10, BMD Film
 *    Gen5, DaVinci Intermediate) extend that toe to negatives; Canon Log 2/3 mirror their log
 *    section as Canon's formulas do. All are bijective.
 *  - ACEScc clamps: linear <= 0 encodes to -0.3584 and decodes to 0; decoded values are
 *    capped at 65504 (the half maximum), as in S-2014-003.
 *  - ACESPROXY10 is the continuous (unquantised) curve clamped to codes 64..940.
 *  - CINEON / REDLOGFILM clamp linear below the log's pole (-black/(1-black)) to that pole.
 *  - APPLE_LOG encodes linear below R0 = -0.0564 as 0 and decodes codes below 0 to R0.
 *  Query bijectivity with vfx_transfer_is_bijective(). */
typedef enum vfx_transfer {
    VFX_TRANSFER_LINEAR          = 0,
    VFX_TRANSFER_SRGB            = 1,  /**< IEC 61966-2-1 piecewise curve */
    VFX_TRANSFER_GAMMA_1_8       = 2,  /**< pure power 1.8 (mirrored) */
    VFX_TRANSFER_GAMMA_2_2       = 3,
    VFX_TRANSFER_GAMMA_2_4       = 4,
    VFX_TRANSFER_GAMMA_2_6       = 5,
    VFX_TRANSFER_GAMMA_2_0       = 6,  /**< square / square root */
    VFX_TRANSFER_BT709           = 7,  /**< ITU-R BT.709 OETF (scene) */
    VFX_TRANSFER_BT1886          = 8,  /**< ITU-R BT.1886 EOTF with Lw = 1, Lb = 0: gamma 2.4 */
    VFX_TRANSFER_PQ              = 9,  /**< SMPTE ST 2084; linear 1.0 = 100 cd/m^2 */
    VFX_TRANSFER_HLG             = 10, /**< ITU-R BT.2100 HLG OETF; linear 0..1 = scene 0..1 */
    VFX_TRANSFER_ACESCC          = 11, /**< S-2014-003 */
    VFX_TRANSFER_ACESCCT         = 12, /**< S-2016-001 */
    VFX_TRANSFER_ACESPROXY10     = 13, /**< S-2013-001, 10-bit, unquantised */
    VFX_TRANSFER_LOGC3           = 14, /**< ARRI LogC3 (SUP 3.x), EI 800 */
    VFX_TRANSFER_LOGC4           = 15, /**< ARRI LogC4 */
    VFX_TRANSFER_SLOG2           = 16, /**< Sony S-Log2 (scene linear in, 0.18 -> code 347) */
    VFX_TRANSFER_SLOG3           = 17, /**< Sony S-Log3 */
    VFX_TRANSFER_VLOG            = 18, /**< Panasonic V-Log */
    VFX_TRANSFER_LOG3G10         = 19, /**< RED Log3G10 (v2, with the 0.01 offset) */
    VFX_TRANSFER_REDLOGFILM      = 20, /**< RED REDLogFilm (Cineon curve, black 95 white 685) */
    VFX_TRANSFER_BMD_FILM_GEN5   = 21, /**< Blackmagic Film Generation 5 */
    VFX_TRANSFER_DAVINCI_INTERMEDIATE = 22,
    VFX_TRANSFER_CANON_LOG2      = 23, /**< Canon Log 2 (v1.2, full-range code, 0.9 reflection) */
    VFX_TRANSFER_CANON_LOG3      = 24, /**< Canon Log 3 (v1.2, full-range code, 0.9 reflection) */
    VFX_TRANSFER_CINEON          = 25, /**< Kodak Cineon: 685 + 300 log10(...), black 95 */
    VFX_TRANSFER_APPLE_LOG       = 26, /**< Apple Log (iPhone 15 Pro and later) */
    /* ARRI LogC3 (SUP 3.x) at the other exposure indexes */
    VFX_TRANSFER_LOGC3_EI160     = 27,
    VFX_TRANSFER_LOGC3_EI200     = 28,
    VFX_TRANSFER_LOGC3_EI250     = 29,
    VFX_TRANSFER_LOGC3_EI320     = 30,
    VFX_TRANSFER_LOGC3_EI400     = 31,
    VFX_TRANSFER_LOGC3_EI500     = 32,
    VFX_TRANSFER_LOGC3_EI640     = 33,
    VFX_TRANSFER_LOGC3_EI1000    = 34,
    VFX_TRANSFER_LOGC3_EI1280    = 35,
    VFX_TRANSFER_LOGC3_EI1600    = 36,
    VFX_TRANSFER_COUNT           = 37
} vfx_transfer;

/** "srgb", "gamma2.2", "acescct", "logc3_ei800", ...; NULL for a value out of range. */
VFX_API const char  *vfx_transfer_name(vfx_transfer tf);
/** Inverse of vfx_transfer_name() (case-insensitive; "logc3" is EI 800).
 *  @return VFX_ERR_NOT_FOUND for an unknown name. */
VFX_API vfx_status   vfx_transfer_from_name(const char *name, vfx_transfer *out);
/** 1 when decode(encode(x)) == x for every real x (up to rounding). */
VFX_API int          vfx_transfer_is_bijective(vfx_transfer tf);
/** The ARRI LogC3 transfer for an exposure index (160, 200, ..., 1600).
 *  @return VFX_ERR_ARG for another EI. */
VFX_API vfx_status   vfx_transfer_logc3_for_ei(int32_t ei, vfx_transfer *out);

/** Scalar forms in double precision. Return NaN for an out-of-range @p tf. Do not fail. */
VFX_API double vfx_transfer_encode(vfx_transfer tf, double linear);
VFX_API double vfx_transfer_decode(vfx_transfer tf, double encoded);
/** Span forms on f32: @p n values from @p src to @p dst (which may be the same pointer).
 *  @return VFX_OK, or VFX_ERR_ARG for an out-of-range @p tf or NULL pointers with n > 0. */
VFX_API vfx_status vfx_transfer_encode_f32(vfx_transfer tf, const float *src, float *dst, size_t n);
VFX_API vfx_status vfx_transfer_decode_f32(vfx_transfer tf, const float *src, float *dst, size_t n);

/* ============================================================================================
 * Primaries, white points, RGB <-> XYZ, chromatic adaptation (all f64)
 * ========================================================================================== */

/** CIE 1931 xy chromaticities of the three primaries and the white point. */
typedef struct vfx_chromaticities {
    double red[2], green[2], blue[2], white[2];
} vfx_chromaticities;

typedef enum vfx_primaries {
    VFX_PRIMARIES_REC709       = 0,  /**< = sRGB, D65 */
    VFX_PRIMARIES_REC2020      = 1,
    VFX_PRIMARIES_DCI_P3       = 2,  /**< DCI white (0.314, 0.351) */
    VFX_PRIMARIES_DISPLAY_P3   = 3,  /**< P3 with D65 */
    VFX_PRIMARIES_P3_D60       = 4,  /**< P3 with the ACES white */
    VFX_PRIMARIES_ACES_AP0     = 5,
    VFX_PRIMARIES_ACES_AP1     = 6,
    VFX_PRIMARIES_PROPHOTO     = 7,  /**< ROMM RGB, D50 */
    VFX_PRIMARIES_ADOBE_RGB    = 8,  /**< Adobe RGB (1998) */
    VFX_PRIMARIES_ARRI_WG3     = 9,  /**< ARRI Wide Gamut 3 */
    VFX_PRIMARIES_ARRI_WG4     = 10, /**< ARRI Wide Gamut 4 */
    VFX_PRIMARIES_SGAMUT3      = 11,
    VFX_PRIMARIES_SGAMUT3_CINE = 12,
    VFX_PRIMARIES_VGAMUT       = 13,
    VFX_PRIMARIES_RED_WIDE_GAMUT = 14,
    VFX_PRIMARIES_DAVINCI_WG   = 15,
    VFX_PRIMARIES_CANON_CINEMA_GAMUT = 16,
    VFX_PRIMARIES_XYZ          = 17, /**< CIE XYZ itself, illuminant E */
    VFX_PRIMARIES_COUNT        = 18
} vfx_primaries;

typedef enum vfx_white {
    VFX_WHITE_D50  = 0, /**< (0.3457, 0.3585) */
    VFX_WHITE_D55  = 1, /**< (0.3324, 0.3474) */
    VFX_WHITE_D60  = 2, /**< the ACES white (0.32168, 0.33767) */
    VFX_WHITE_D65  = 3, /**< (0.3127, 0.3290) */
    VFX_WHITE_DCI  = 4, /**< (0.314, 0.351) */
    VFX_WHITE_E    = 5, /**< (1/3, 1/3) */
    VFX_WHITE_COUNT = 6
} vfx_white;

/** Chromatic adaptation transforms (a cone-space matrix plus von Kries scaling). */
typedef enum vfx_cat {
    VFX_CAT_NONE        = 0, /**< no adaptation: XYZ passes unchanged */
    VFX_CAT_BRADFORD    = 1,
    VFX_CAT_CAT02       = 2,
    VFX_CAT_CAT16       = 3,
    VFX_CAT_VON_KRIES   = 4, /**< Hunt-Pointer-Estevez cone space */
    VFX_CAT_XYZ_SCALING = 5,
    VFX_CAT_COUNT       = 6
} vfx_cat;

/** "rec709", "aces_ap0", ...; NULL when out of range. */
VFX_API const char *vfx_primaries_name(vfx_primaries p);
VFX_API vfx_status  vfx_primaries_from_name(const char *name, vfx_primaries *out);
VFX_API vfx_status  vfx_primaries_get(vfx_primaries p, vfx_chromaticities *out);
VFX_API vfx_status  vfx_white_get(vfx_white w, double xy_out[2]);
VFX_API const char *vfx_cat_name(vfx_cat c);

/** xy (Y = 1) to XYZ. @return VFX_ERR_ARG when y == 0. */
VFX_API vfx_status vfx_xy_to_xyz(const double xy[2], double xyz_out[3]);
/** The RGB -> XYZ matrix of a set of chromaticities (white maps to Y = 1).
 *  @return VFX_ERR_ARG for degenerate primaries (singular matrix) or a white with y == 0. */
VFX_API vfx_status vfx_rgb_to_xyz_matrix(const vfx_chromaticities *c, double m_out[9]);
/** The XYZ -> XYZ matrix adapting white @p src_xy to @p dst_xy with @p cat. */
VFX_API vfx_status vfx_adaptation_matrix(vfx_cat cat, const double src_xy[2], const double dst_xy[2],
                                         double m_out[9]);
/** RGB in @p src -> RGB in @p dst, adapting the white with @p cat (NONE: no adaptation). */
VFX_API vfx_status vfx_rgb_to_rgb_matrix(const vfx_chromaticities *src, const vfx_chromaticities *dst,
                                         vfx_cat cat, double m_out[9]);
/** The chromaticities of an image: its "chromaticities" attribute (EXR, PNG cHRM, ...), else
 *  OpenEXR's default (Rec.709 primaries, D65 white). *present_out (may be NULL) says whether
 *  the attribute was there. @return VFX_ERR_ARG for a NULL argument or an attribute of the
 *  wrong type. */
VFX_API vfx_status vfx_spec_chromaticities(const vfx_spec *spec, vfx_chromaticities *out,
                                           int *present_out);
/** RGB -> XYZ and XYZ -> RGB matrices (row-major, column vectors) of an image's
 *  chromaticities (vfx_spec_chromaticities()). With @p use_white_luminance and an
 *  "openexr:whiteLuminance" attribute L, RGB (1, 1, 1) maps to Y = L (nits), as OpenEXR's
 *  RGBtoXYZ(chromaticities, L); otherwise to Y = 1. Either out pointer may be NULL.
 *  @return VFX_ERR_ARG for degenerate chromaticities or a non-positive white luminance. */
VFX_API vfx_status vfx_spec_rgb_xyz_matrices(const vfx_spec *spec, int use_white_luminance,
                                             double rgb_to_xyz_out[9], double xyz_to_rgb_out[9]);
/** 3x3 helpers in double: out = a * b; inverse (VFX_ERR_ARG when singular). */
VFX_API void       vfx_mat3_mul(const double a[9], const double b[9], double out[9]);
VFX_API vfx_status vfx_mat3_invert(const double m[9], double out[9]);

/* ============================================================================================
 * Colour processors
 * ========================================================================================== */

typedef struct vfx_color_processor vfx_color_processor; /* opaque */

typedef enum vfx_direction {
    VFX_DIR_FORWARD = 0, /**< for transfer functions: encode */
    VFX_DIR_INVERSE = 1  /**< for transfer functions: decode */
} vfx_direction;

typedef enum vfx_interp {
    VFX_INTERP_DEFAULT     = 0, /**< linear for 1D LUTs, trilinear for 3D LUTs (as OCIO) */
    VFX_INTERP_LINEAR      = 1, /**< linear / trilinear */
    VFX_INTERP_TETRAHEDRAL = 2, /**< 3D only; 1D LUTs use linear */
    VFX_INTERP_BEST        = 3  /**< tetrahedral for 3D, linear for 1D (as OCIO) */
} vfx_interp;

/** What an exponent does with negative input. */
typedef enum vfx_negative_style {
    VFX_NEGATIVE_CLAMP     = 0, /**< negatives -> 0 (OCIO's default for ExponentTransform) */
    VFX_NEGATIVE_MIRROR    = 1, /**< sign(x) * |x|^g */
    VFX_NEGATIVE_PASS_THRU = 2  /**< negatives unchanged */
} vfx_negative_style;

/** ASC CDL v1.2 styles. */
typedef enum vfx_cdl_style {
    VFX_CDL_ASC     = 0, /**< clamps to [0, 1] after SOP and after saturation (v1.2 spec) */
    VFX_CDL_NO_CLAMP = 1 /**< no clamping; negatives pass the power unchanged */
} vfx_cdl_style;

typedef struct vfx_cdl {
    double slope[3], offset[3], power[3];
    double saturation; /**< Rec.709 luma weights, as the ASC spec */
} vfx_cdl;

/** Parameters of a log op (OCIO LogAffine / LogCamera semantics, per channel):
 *  log side = log_slope * log_base(lin_slope * x + lin_offset) + log_offset.
 *  When lin_break is finite (LogCamera), below it the op is linear:
 *  linear_slope * x + linear_offset, where linear_slope defaults (NaN) to the log's slope at the
 *  break and linear_offset makes the curve continuous. */
typedef struct vfx_log_params {
    double base;
    double log_slope[3], log_offset[3], lin_slope[3], lin_offset[3];
    double lin_break[3];    /**< NaN for LogAffine */
    double linear_slope[3]; /**< NaN = derived */
} vfx_log_params;

/** Op codes: a processor is data (an op list), so GPU back-ends can generate code from it. */
typedef enum vfx_color_op_code {
    VFX_COLOR_OP_MATRIX     = 1, /**< 3x3 + offset */
    VFX_COLOR_OP_TRANSFER   = 2,
    VFX_COLOR_OP_EXPONENT   = 3,
    VFX_COLOR_OP_LOG        = 4, /**< log / antilog / LogAffine / LogCamera */
    VFX_COLOR_OP_CDL        = 5,
    VFX_COLOR_OP_RANGE      = 6,
    VFX_COLOR_OP_LUT1D      = 7,
    VFX_COLOR_OP_LUT3D      = 8,
    VFX_COLOR_OP_HLG_OOTF   = 9,
    VFX_COLOR_OP_MONCURVE   = 10, /**< exponent with a linear segment (CLF monCurve) */
    VFX_COLOR_OP_EXPOSURE_CONTRAST = 11, /**< power about a pivot (linear / video styles) */
    VFX_COLOR_OP_FIXED      = 12, /**< a fixed function (vfx_fixed_function) */
    VFX_COLOR_OP_OPENDRT    = 13, /**< OpenDRT view transform, see vfx/opendrt.h */
    VFX_COLOR_OP_GRADING_PRIMARY = 20, /**< OCIO GradingPrimary (log / lin / video) */
    VFX_COLOR_OP_GRADING_RGB_CURVE = 21, /**< OCIO GradingRGBCurve (B-spline curves) */
    VFX_COLOR_OP_GRADING_TONE = 22 /**< OCIO GradingTone (zones and s-contrast) */
} vfx_color_op_code;

/** Fixed functions (as OCIO's FixedFunctionTransform). FORWARD is the direction in the name;
 *  INVERSE the reverse (REC2100_SURROUND INVERSE uses 1 / gamma). */
typedef enum vfx_fixed_function {
    VFX_FIXED_REC2100_SURROUND = 0, /**< RGB * Y^(gamma - 1), Y from BT.2100 weights, >= 1e-4 */
    VFX_FIXED_RGB_TO_HSV       = 1, /**< extended-range HSV: H in [0, 1), S up to 2 */
    VFX_FIXED_XYZ_TO_XYY       = 2,
    VFX_FIXED_XYZ_TO_UVY       = 3, /**< CIE 1976 u'v' and Y */
    VFX_FIXED_XYZ_TO_LUV       = 4, /**< CIE L*u*v* (L* on 0..1), D65 white */
    /* ACES 1.x pieces, evaluated as OpenColorIO 2.1 does (INVERSE is OCIO's inverse, which for
     * the red modifier and glow is the CTL's close approximation, not an exact one). */
    VFX_FIXED_ACES_RED_MOD_03     = 5,  /**< RRT 0.3 red modifier (on ACES2065-1) */
    VFX_FIXED_ACES_RED_MOD_10     = 6,  /**< RRT 1.0 red modifier */
    VFX_FIXED_ACES_GLOW_03        = 7,  /**< RRT 0.3 glow module */
    VFX_FIXED_ACES_GLOW_10        = 8,  /**< RRT 1.0 glow module */
    VFX_FIXED_ACES_DARK_TO_DIM_10 = 9,  /**< ODT 1.0 dark-to-dim surround (on AP1 RGB) */
    VFX_FIXED_ACES_GAMUT_COMP_13  = 10, /**< ACES 1.3 reference gamut compression (on AP1 RGB);
                                             7 parameters, see _append_fixed_params() */
    VFX_FIXED_COUNT               = 11
} vfx_fixed_function;

/** Styles of vfx_color_processor_append_exposure_contrast(). */
typedef enum vfx_ec_style {
    VFX_EC_LINEAR = 0, /**< scene-linear data */
    VFX_EC_VIDEO  = 1, /**< video-encoded data (exposure and pivot pass a 1/1.83 power) */
    VFX_EC_LOG    = 2  /**< log data: an affine map (exposure step 0.088, mid grey 0.435) */
} vfx_ec_style;

/** Styles of the grading ops (as OCIO's GradingStyle). */
typedef enum vfx_grading_style {
    VFX_GRADING_LOG   = 0, /**< log-encoded data */
    VFX_GRADING_LIN   = 1, /**< scene-linear data */
    VFX_GRADING_VIDEO = 2  /**< video (display) encoded data */
} vfx_grading_style;

/** Red, green, blue and master values of one grading control. */
typedef struct vfx_grading_rgbm {
    double r, g, b, master;
} vfx_grading_rgbm;

/** OCIO GradingPrimary values. Each style reads some of them (the rest are ignored):
 *  LOG: brightness (added, in 10-bit code units / 1023 * 6.25), contrast about pivot
 *  (0.5 + pivot * 0.5), gamma between pivot_black and pivot_white, saturation, clamp.
 *  LIN: offset, exposure (stops), contrast as a power about 0.18 * 2^pivot, saturation, clamp.
 *  VIDEO: offset + lift, lift/gain as a slope about pivot_black, gamma, saturation, clamp.
 *  Channel values combine with master by + (brightness, offset, exposure, lift) or *
 *  (contrast, gamma, gain). Start from vfx_grading_primary_default(). */
typedef struct vfx_grading_primary {
    vfx_grading_rgbm brightness, contrast, gamma, offset, exposure, lift, gain;
    double saturation;
    double pivot;                    /**< LOG default -0.2, LIN / VIDEO 0.18 */
    double pivot_black, pivot_white; /**< 0 and 1 */
    double clamp_black, clamp_white; /**< -HUGE_VAL / HUGE_VAL: no clamp */
} vfx_grading_primary;

/** The neutral values of @p style (an identity). Does not fail. */
VFX_API void vfx_grading_primary_default(vfx_grading_style style, vfx_grading_primary *out);

#define VFX_GRADING_CURVE_MAX_POINTS 64
/** One GradingRGBCurve curve: @p n control points (2..64) with x non-decreasing, and the slope
 *  at each (all 0 = estimated from the points, as OCIO does). */
typedef struct vfx_grading_curve {
    int32_t n;
    float   x[VFX_GRADING_CURVE_MAX_POINTS], y[VFX_GRADING_CURVE_MAX_POINTS];
    float   slope[VFX_GRADING_CURVE_MAX_POINTS];
} vfx_grading_curve;

/** One GradingTone zone: red, green, blue and master (1 = no change), and where it acts.
 *  @p start and @p width mean: blacks and whites start, width; shadows and highlights start,
 *  pivot; midtones center, width (OCIO's GradingRGBMSW). */
typedef struct vfx_grading_rgbmsw {
    double r, g, b, master, start, width;
} vfx_grading_rgbmsw;

/** OCIO GradingTone values. Blacks, midtones and whites take 0.1..1.9, shadows and
 *  highlights 0.2..1.8, s_contrast 0.01..1.99, widths at least 0.01. Start from
 *  vfx_grading_tone_default() (whose zones depend on the style). */
typedef struct vfx_grading_tone {
    vfx_grading_rgbmsw blacks, shadows, midtones, highlights, whites;
    double             s_contrast;
} vfx_grading_tone;

/** The neutral values of @p style (an identity), as OCIO's GradingTone(style). */
VFX_API void vfx_grading_tone_default(vfx_grading_style style, vfx_grading_tone *out);

/** The identity curves of @p style into out[4] (red, green, blue, master): (0,0) (0.5,0.5)
 *  (1,1) for LOG and VIDEO, (-7,-7) (0,0) (7,7) for LIN. Does not fail. */
VFX_API void vfx_grading_rgb_curve_default(vfx_grading_style style, vfx_grading_curve out[4]);

/** An empty processor (identity). Release with vfx_color_processor_free(). */
VFX_API vfx_status vfx_color_processor_new(vfx_color_processor **out);
/** Release; accepts NULL. */
VFX_API void       vfx_color_processor_free(vfx_color_processor *p);
VFX_API vfx_status vfx_color_processor_copy(const vfx_color_processor *p, vfx_color_processor **out);

/** Append ops. On failure the processor is unchanged. */
/** out = m * in + offset; @p offset may be NULL. */
VFX_API vfx_status vfx_color_processor_append_matrix(vfx_color_processor *p, const double m[9],
                                                     const double offset[3]);
/** FORWARD encodes, INVERSE decodes. */
VFX_API vfx_status vfx_color_processor_append_transfer(vfx_color_processor *p, vfx_transfer tf,
                                                       vfx_direction dir);
/** out = in^gamma per channel (INVERSE: in^(1/gamma)). */
VFX_API vfx_status vfx_color_processor_append_exponent(vfx_color_processor *p, const double gamma[3],
                                                       vfx_negative_style style, vfx_direction dir);
/** Exponent with a linear segment near zero (CLF "monCurve", OCIO ExponentWithLinear):
 *  FORWARD y = ((x + offset) / (1 + offset))^gamma above x = offset / (gamma - 1), and the
 *  tangent line through 0 below (so sRGB decode is gamma 2.4, offset 0.055). @p style is
 *  VFX_NEGATIVE_PASS_THRU (the linear segment continues below 0) or VFX_NEGATIVE_MIRROR.
 *  Needs gamma > 1 and offset > 0 per channel, or gamma 1 with offset 0 to leave a channel. */
VFX_API vfx_status vfx_color_processor_append_moncurve(vfx_color_processor *p, const double gamma[3],
                                                       const double offset[3],
                                                       vfx_negative_style style, vfx_direction dir);
/** Exposure / contrast as OCIO's ExposureContrastTransform: exposure in stops, contrast and
 *  gamma multiply into one power about @p pivot (both clamped below at 0.001). LINEAR:
 *  out = pivot * max(0, in * 2^exposure / pivot)^(contrast * gamma) (a plain gain when the power
 *  is 1); VIDEO: the same with 2^exposure and pivot raised to 1/1.83; LOG: out = (in + exposure
 *  * 0.088 - P) * c + P with P = log2(pivot / 0.18) * 0.088 + 0.435. INVERSE undoes each. */
VFX_API vfx_status vfx_color_processor_append_exposure_contrast(vfx_color_processor *p,
                                                                vfx_ec_style style, double exposure,
                                                                double contrast, double gamma,
                                                                double pivot, vfx_direction dir);
/** The LOG style of vfx_color_processor_append_exposure_contrast() with its own exposure step
 *  and mid grey (OCIO's log_exposure_step and log_midway_gray; 0.088 and 0.435 there):
 *  out = (in + exposure * step - P) * c + P with P = max(0, log2(pivot / 0.18) * step + mid).
 *  INVERSE is OpenColorIO 2.1's inverse, which scales the exposure by 0.088 whatever the step
 *  (so it undoes FORWARD exactly only for step 0.088 or exposure 0). */
VFX_API vfx_status vfx_color_processor_append_exposure_contrast_log(vfx_color_processor *p,
                                                                    double exposure, double contrast,
                                                                    double gamma, double pivot,
                                                                    double log_exposure_step,
                                                                    double log_mid_gray,
                                                                    vfx_direction dir);
/** A fixed function; @p param is the gamma of REC2100_SURROUND (ignored by the others;
 *  ACES_GAMUT_COMP_13 gets the ACES 1.3 reference parameters). */
VFX_API vfx_status vfx_color_processor_append_fixed(vfx_color_processor *p, vfx_fixed_function f,
                                                    double param, vfx_direction dir);
/** A fixed function with its parameter list as OCIO's FixedFunctionTransform takes it:
 *  REC2100_SURROUND 1 (gamma); ACES_GAMUT_COMP_13 7 (cyan, magenta, yellow limits in
 *  [1.001, 65504], their thresholds in [0, 0.9995], power in [1, 65504]) or 0 for the ACES 1.3
 *  reference values (1.147, 1.264, 1.312, 0.815, 0.803, 0.880, 1.2); the others 0.
 *  @return VFX_ERR_ARG naming the bad parameter. */
VFX_API vfx_status vfx_color_processor_append_fixed_params(vfx_color_processor *p, vfx_fixed_function f,
                                                           const double *params, int32_t n_params,
                                                           vfx_direction dir);
/** FORWARD: lin -> log (log_base(x), x clamped to the smallest normal float); INVERSE: antilog. */
VFX_API vfx_status vfx_color_processor_append_log(vfx_color_processor *p, double base,
                                                  vfx_direction dir);
/** LogAffine / LogCamera: FORWARD = lin -> log. */
VFX_API vfx_status vfx_color_processor_append_log_params(vfx_color_processor *p,
                                                         const vfx_log_params *lp, vfx_direction dir);
VFX_API vfx_status vfx_color_processor_append_cdl(vfx_color_processor *p, const vfx_cdl *cdl,
                                                  vfx_cdl_style style, vfx_direction dir);
/** Map [min_in, max_in] linearly to [min_out, max_out] and clamp to the output range. Pass NaN
 *  for both max values to clamp only below (offset by min_out - min_in), or for both mins to
 *  clamp only above. FORWARD/INVERSE swap in and out. */
VFX_API vfx_status vfx_color_processor_append_range(vfx_color_processor *p, double min_in,
                                                    double max_in, double min_out, double max_out,
                                                    vfx_direction dir);
/** A 1D LUT of @p n entries (n >= 2) over the input domain [0, 1]; @p n_components is 1 (one
 *  curve for all channels) or 3 (RGB triplets). Input is clamped to the domain. The table is
 *  copied. INVERSE inverts the curve exactly (monotonic curves; reversals are flattened). */
VFX_API vfx_status vfx_color_processor_append_lut1d(vfx_color_processor *p, const float *table,
                                                    int32_t n, int32_t n_components,
                                                    vfx_direction dir);
/** A 3D LUT of n^3 RGB entries (2 <= n <= 129) over [0, 1]^3, red varying fastest
 *  (table[3 * (r + n * (g + n * b))]). The table is copied. INVERSE is OCIO 2.1's default
 *  inverse: the exact inverse of the tetrahedral LUT sampled on a 48^3 grid (n^3 if larger)
 *  over [0, 1]^3 and applied trilinearly (outputs the LUT never reaches invert to the cube's
 *  surface). */
VFX_API vfx_status vfx_color_processor_append_lut3d(vfx_color_processor *p, const float *table,
                                                    int32_t n, vfx_interp interp, vfx_direction dir);
/** OCIO's GradingPrimaryTransform: the same arithmetic in f32, in the same order, both
 *  directions. @return VFX_ERR_ARG for values OCIO refuses (gamma below 0.01 for LOG and
 *  VIDEO, contrast below 0.01 for LIN, pivot_white - pivot_black below 0.01, clamp_black above
 *  clamp_white) or non-finite values. */
VFX_API vfx_status vfx_color_processor_append_grading_primary(vfx_color_processor *p,
                                                              vfx_grading_style style,
                                                              const vfx_grading_primary *gp,
                                                              vfx_direction dir);
/** OCIO's GradingRGBCurveTransform: a monotonic-friendly quadratic B-spline per curve through
 *  the control points (red, green, blue, then master on all three), evaluated in f32 as OCIO
 *  does, with linear extrapolation beyond the end points. LIN runs the curves on a log2 encoding
 *  of the input (0.18 -> 0) unless @p bypass_lin_to_log. INVERSE solves each quadratic segment.
 *  @return VFX_ERR_ARG for fewer than 2 or more than 64 points, or x decreasing. */
VFX_API vfx_status vfx_color_processor_append_grading_rgb_curve(vfx_color_processor *p,
                                                                vfx_grading_style style,
                                                                const vfx_grading_curve curves[4],
                                                                int bypass_lin_to_log,
                                                                vfx_direction dir);
/** OCIO's GradingToneTransform: per-channel tone zones (mids, highlights, whites, shadows,
 *  blacks, then s-contrast), evaluated in f32 as OCIO 2.1 does; LIN works on OCIO's log2
 *  encoding of the input. INVERSE solves each quadratic piece. Outputs are clamped at 65504.
 *  @return VFX_ERR_ARG for values outside OCIO's bounds (see vfx_grading_tone). */
VFX_API vfx_status vfx_color_processor_append_grading_tone(vfx_color_processor *p,
                                                           vfx_grading_style style,
                                                           const vfx_grading_tone *gt,
                                                           vfx_direction dir);
/** BT.2100 HLG OOTF on scene-linear RGB (0..1) to display light (0..1):
 *  Fd = Ys^(gamma - 1) * E, Ys from BT.2100 luma weights. @p gamma is the system gamma
 *  (1.2 at 1000 cd/m^2; see vfx_hlg_system_gamma()). INVERSE is the exact inverse. */
VFX_API vfx_status vfx_color_processor_append_hlg_ootf(vfx_color_processor *p, double gamma,
                                                       vfx_direction dir);
/** Append every op of @p q (copied). */
VFX_API vfx_status vfx_color_processor_append_processor(vfx_color_processor *p,
                                                        const vfx_color_processor *q);
/** BT.2100: system gamma 1.2 + 0.42 log10(Lw / 1000) for a display peak Lw in cd/m^2. */
VFX_API double     vfx_hlg_system_gamma(double peak_nits);

/** A new processor that undoes @p p (3D LUTs: see _append_lut3d() INVERSE). @return
 *  VFX_ERR_UNSUPPORTED (message names the op) when an op has no inverse (OpenDRT, a singular
 *  matrix); *out is NULL then. */
VFX_API vfx_status vfx_color_processor_inverse(const vfx_color_processor *p, vfx_color_processor **out);
/** Simplify in place: fold adjacent matrices, drop identities, cancel adjacent inverse pairs
 *  of bijective ops (transfer functions, exponents with mirror style, log params).
 *  Results change only by f32 rounding. */
VFX_API vfx_status vfx_color_processor_optimize(vfx_color_processor *p);

/** Optimiser option: replace the whole op list by one LUT sampled over the input range
 *  [@p lo, @p hi] on every channel (a matrix maps it onto the LUT's [0, 1]; inputs outside
 *  clamp to the range): a 16384-entry 1D LUT when every op acts on each channel alone, else a
 *  @p size^3 tetrahedral 3D LUT (2..129). Long chains then cost one lookup per pixel; accuracy
 *  is that of the LUT (use a log-encoded input range for scene-linear data). An empty processor
 *  stays empty. @return VFX_ERR_ARG for a bad size or range; on error @p p is unchanged. */
VFX_API vfx_status vfx_color_processor_bake_lut(vfx_color_processor *p, int32_t size, double lo,
                                                double hi);
VFX_API int32_t            vfx_color_processor_op_count(const vfx_color_processor *p);
/** Op code of op @p i, or 0 when out of range. */
VFX_API vfx_color_op_code  vfx_color_processor_op_code(const vfx_color_processor *p, int32_t i);
/** A text listing of the op list, one op per line with its parameters ("matrix [..] + [..]",
 *  "transfer srgb encode", "lut3d 33 tetrahedral", ...), into @p buf (truncated to @p size,
 *  always NUL-terminated when size > 0). Returns the length it wanted, as snprintf. */
VFX_API size_t             vfx_color_processor_describe(const vfx_color_processor *p, char *buf,
                                                        size_t size);
/** "matrix", "transfer", "lut3d", ...; NULL when unknown. */
VFX_API const char        *vfx_color_op_name(vfx_color_op_code c);

/** Apply in place to @p width x @p height pixels of @p n_channels floats (3 or more; channels
 *  0..2 are RGB, the rest such as alpha are untouched). @p x_stride and @p y_stride are in
 *  bytes (0 = packed). Thread-safe on one processor.
 *  @return VFX_ERR_ARG for n_channels < 3, negative sizes, or a NULL buffer. */
VFX_API vfx_status vfx_color_processor_apply_f32(const vfx_color_processor *p, float *px,
                                                 int32_t n_channels, ptrdiff_t x_stride,
                                                 ptrdiff_t y_stride, int32_t width, int32_t height);
/** Apply in place to pixels of any type (u8, u16, u32, half, f32, f64; integer types are
 *  normalised to [0, 1] and results clamped and rounded back, as vfx_convert_values()):
 *  @p width x @p height pixels of @p n_channels values, channels 0..2 RGB, with byte strides
 *  (0 = packed). Values are converted to f32 a chunk at a time, so any layout works.
 *  Thread-safe on one processor. @return VFX_ERR_ARG as vfx_color_processor_apply_f32(), or
 *  for an unknown type. */
VFX_API vfx_status vfx_color_processor_apply(const vfx_color_processor *p, void *px,
                                             vfx_pixel_type type, int32_t n_channels,
                                             ptrdiff_t x_stride, ptrdiff_t y_stride,
                                             int32_t width, int32_t height);
/** The same on three separate planes (R, G, B) of one type, with the same x / y byte strides
 *  (0 = packed values, packed rows). */
VFX_API vfx_status vfx_color_processor_apply_planar(const vfx_color_processor *p, void *planes[3],
                                                    vfx_pixel_type type, ptrdiff_t x_stride,
                                                    ptrdiff_t y_stride, int32_t width,
                                                    int32_t height);
/** One RGB triplet in place (convenience for tests and tools). Does not fail. */
VFX_API void       vfx_color_processor_apply_rgb(const vfx_color_processor *p, float rgb[3]);

/* ---- LUT files ----------------------------------------------------------------------------- */

/** ICC rendering intents (the ICC numbering). */
typedef enum vfx_icc_intent {
    VFX_ICC_PERCEPTUAL            = 0,
    VFX_ICC_RELATIVE_COLORIMETRIC = 1,
    VFX_ICC_SATURATION            = 2,
    VFX_ICC_ABSOLUTE_COLORIMETRIC = 3
} vfx_icc_intent;

/** A processor from RGB of the ICC profile @p path_in to RGB of @p path_out (NULL: the
 *  built-in sRGB profile of lcms2), through lcms2. Two matrix/TRC profiles with the relative
 *  intent (or perceptual / saturation when both are ICC v2: lcms2 adds black point
 *  compensation to those intents for v4 profiles) become exact ops:
 *  per-channel curves (a gamma TRC is an exponent op, negatives clamp to 0 as in lcms2; an
 *  sRGB-form TRC, as in the built-in sRGB profile, a moncurve op that extends below 0 and
 *  above 1 as lcms2 does; other curves are 16384-entry 1D LUTs over [0, 1], inverted exactly
 *  for the output, so their results are limited to [0, 1]),
 *  then one matrix through the D50 PCS. Anything else (LUT-based profiles, Lab PCS, the
 *  absolute intent, v4 perceptual) is the lcms2 float transform baked into a 65^3
 *  tetrahedral 3D LUT over [0, 1]. See docs/color.md for the accuracy of each path against lcms2.
 *  @return VFX_ERR_IO (unreadable), VFX_ERR_CORRUPT (lcms2 rejects the profile) or
 *  VFX_ERR_UNSUPPORTED (not an RGB profile); *out is NULL on error. */
VFX_API vfx_status vfx_color_processor_new_from_icc(const char *path_in, const char *path_out,
                                                    vfx_icc_intent intent, vfx_color_processor **out);
/** Pass as @p path_out for linear light with Rec.709 / sRGB primaries and a D65 white
 *  (scene-linear Rec.709): lcms2's output profile for it has gamma-1 curves, and the exact
 *  matrix/TRC path ends with the matrix (no clamp), so out-of-gamut colours stay negative. */
#define VFX_ICC_LINEAR_REC709 "vfx:linear-rec709"
/** The same with the input profile in memory (e.g. an image's "ICCProfile" attribute);
 *  @p name is used in messages. This is how an embedded profile is applied on read. */
VFX_API vfx_status vfx_color_processor_new_from_icc_data(const void *data, size_t size,
                                                         const char *name, const char *path_out,
                                                         vfx_icc_intent intent,
                                                         vfx_color_processor **out);
/** Read a LUT / transform file into a processor: .cube (Iridas and Resolve, 1D, 3D, 1D
 *  shaper + 3D), .spi1d, .spi3d, .spimtx, .3dl, .csp (cineSpace, with pre-LUTs), .itx and
 *  .look (Iridas), .mga / .m3d (Pandora), .cub (Truelight), .vf (Nuke), .lut (Houdini C / RGB /
 *  3D / 3D+1D, and Discreet 1D incl. 16-bit float input as a half-domain LUT), .cc, .ccc,
 *  .cdl, and .clf / .ctf (Academy CLF v2/v3 and Autodesk CTF: Matrix, LUT1D (incl.
 *  halfDomain, rawHalfs, hueAdjust, v2 IndexMap), InverseLUT1D, LUT3D, Range, Log, Exponent,
 *  Gamma, ASC_CDL, ExposureContrast, FixedFunction (Rec.2100 surround, HSV, xyY, uvY, Luv),
 *  GradingPrimary, GradingRGBCurve; other nodes give VFX_ERR_UNSUPPORTED naming the node). The format is chosen by the
 *  extension. @p cccid selects a correction of a .ccc/.cdl by id or by 0-based index (NULL:
 *  the file must hold exactly one). @p interp applies to 3D LUTs.
 *  @return VFX_OK, VFX_ERR_IO, VFX_ERR_CORRUPT ("file:line: what"), VFX_ERR_UNSUPPORTED (an
 *  unknown extension), VFX_ERR_NOT_FOUND (no such cccid). */
VFX_API vfx_status vfx_color_processor_new_from_file(const char *path, const char *cccid,
                                                     vfx_interp interp, vfx_color_processor **out);
/** Same from memory. @p format is an extension without the dot ("cube", "spi1d", ...);
 *  @p name is used in error messages (may be NULL). */
VFX_API vfx_status vfx_color_processor_new_from_memory(const void *data, size_t size,
                                                       const char *format, const char *name,
                                                       const char *cccid, vfx_interp interp,
                                                       vfx_color_processor **out);

/** Write @p p into a LUT file. .cube and .spi3d hold a 3D LUT of @p size^3 points (2..129,
 *  e.g. 33) sampled on [0, 1]; .3dl the same as 12-bit codes (clamped to [0, 1]); .spi1d a 1D
 *  LUT of @p size points (2..2^20, e.g. 4096), which needs a processor whose ops act on each
 *  channel alone (else VFX_ERR_UNSUPPORTED). .clf (CLF v3) and .ctf write each op exactly as a
 *  process node when all have one (matrix, LUTs, range, exponent, monCurve, log, CDL, pure
 *  gamma; fixed functions and inverse 1D LUTs in .ctf only), else bake the whole processor
 *  into a 4096-entry LUT1D (per-channel processors) or a @p size^3 LUT3D over [0, 1]. .cc and
 *  .cdl need a processor that is one forward CDL (or empty). The file
 *  is written under a temporary name and renamed on success, so a failure never leaves a
 *  partial file. @return VFX_OK, VFX_ERR_ARG, VFX_ERR_UNSUPPORTED (extension or ops),
 *  VFX_ERR_IO. */
VFX_API vfx_status vfx_color_processor_bake(const vfx_color_processor *p, const char *path,
                                            int32_t size);

#ifdef __cplusplus
}
#endif
#endif
