/* Spectral colour spaces: RGB spaces whose primaries are monochromatic wavelengths and whose
 * white is a spectral power distribution, seen through a chosen observer. VSF RGB (the
 * "Versatile Storage Format" space: 703 / 523 / 462 nm, white E) is the named instance.
 *
 * Model
 * - Observer: colour-matching functions at 1 nm, compiled into the library from the CIE
 *   tables at build time. The default is the CIE 2006 2-degree cone fundamentals (LMS, each
 *   function peak-normalised to 1). CIE 1931 2-degree XYZ and CIE 2012 2-degree XYZ are
 *   selectable. A non-integer wavelength is interpolated linearly between table rows.
 * - White: W = sum over the observer's range at 1 nm of SPD(lambda) * cmf(lambda), scaled so
 *   the white's luminance Y is 1 (for LMS: Y = 0.68990272 L + 0.34832189 M, CIE 170-2).
 * - RGB -> observer matrix: the primaries' cmf values as columns P, each column scaled by
 *   k = P^-1 W, so RGB (1, 1, 1) maps exactly to the white.
 * - LMS 2006 <-> CIE 2012 XYZ uses the CIE 170-2 matrix (vfx_lms2006_to_xyz2012_matrix()).
 *
 * Adaptation (between two whites): VON_KRIES (the default, value 0) scales the cone signals of
 * the observer (LMS 2006; with an XYZ observer, the Hunt-Pointer-Estevez cones of the colour
 * engine's VFX_CAT_VON_KRIES); BRADFORD works in the observer's XYZ (CIE 2012 XYZ for the LMS
 * observer; Bradford was fitted to 1931 data, so it is a labelled alternative there); NONE
 * keeps absolute colorimetry, so the source white lands off-white. NONE is what the `vsf`
 * reference crate does ("illuminant scaling": each space is scaled to its own white, with no
 * adaptation step).
 *
 * Legacy spaces (vfx_primaries, defined by CIE 1931 chromaticities) are connected through the
 * observer: with the CIE 1931 observer exactly; with LMS 2006 or CIE 2012 XYZ the legacy
 * chromaticities are taken as CIE 2012 ones (the usual approximation: there is no exact map
 * between observers).
 *
 * VSF transfer "gamma 2". Float form: plain square (decode) and square root (encode), mirrored
 * for negatives as VFX_TRANSFER_GAMMA_2_0 of the colour engine. Integer forms follow the
 * reference crate, which scales by 2^bits and truncates (not x255 with rounding):
 * decode v -> (v / 256)^2, encode linear -> floor(sqrt(linear) * 256), saturated to 0..255
 * (16-bit: 65536 and 0..65535). So code 255 decodes to (255/256)^2 = 0.99222, linear 1.0
 * encodes to 255, and encode(decode(v)) == v for every code. */
#ifndef VFX_SPECTRAL_H
#define VFX_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/color.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfx_observer {
    VFX_OBSERVER_CIE2006_LMS_2DEG = 0, /**< Stockman & Sharpe 2000 / CIE 170-1, 390-830 nm */
    VFX_OBSERVER_CIE1931_XYZ_2DEG = 1, /**< 360-830 nm */
    VFX_OBSERVER_CIE2012_XYZ_2DEG = 2, /**< CIE 170-2 XYZ, 390-830 nm */
    VFX_OBSERVER_COUNT            = 3
} vfx_observer;

/** White spectral power distributions. */
typedef enum vfx_spd {
    VFX_SPD_E   = 0, /**< equal energy */
    VFX_SPD_D65 = 1, /**< CIE D65, 1 nm table (300-830 nm) */
    VFX_SPD_COUNT = 2
} vfx_spd;

typedef enum vfx_spectral_adapt {
    VFX_SPECTRAL_ADAPT_VON_KRIES = 0, /**< default: scale the cone signals */
    VFX_SPECTRAL_ADAPT_NONE      = 1, /**< absolute colorimetry (the vsf crate's behaviour) */
    VFX_SPECTRAL_ADAPT_BRADFORD  = 2  /**< Bradford in the observer's XYZ */
} vfx_spectral_adapt;

/** A spectral RGB space. Start from VFX_VSF_RGB_INIT or VFX_REC2020_SPECTRAL_INIT. */
typedef struct vfx_spectral_space {
    size_t       size;             /**< sizeof(vfx_spectral_space) */
    double       wavelength_nm[3]; /**< R, G, B monochromatic primaries */
    vfx_spd      white;
    vfx_observer observer;
} vfx_spectral_space;

/** VSF RGB: 703 / 523 / 462 nm, white E, CIE 2006 LMS. */
#define VFX_VSF_RGB_INIT                                                                         \
    { sizeof(vfx_spectral_space), { 703.0, 523.0, 462.0 }, VFX_SPD_E,                            \
      VFX_OBSERVER_CIE2006_LMS_2DEG }
/** Rec.2020 with its primaries taken as the wavelengths 630 / 532 / 467 nm, white D65. */
#define VFX_REC2020_SPECTRAL_INIT                                                                \
    { sizeof(vfx_spectral_space), { 630.0, 532.0, 467.0 }, VFX_SPD_D65,                          \
      VFX_OBSERVER_CIE2006_LMS_2DEG }

/** "cie2006_lms_2deg", ...; NULL when out of range. */
VFX_API const char *vfx_observer_name(vfx_observer o);
/** The observer's three functions at @p nm (linear between 1 nm rows).
 *  @return VFX_ERR_ARG outside the observer's range or for a bad @p o. */
VFX_API vfx_status vfx_observer_sample(vfx_observer o, double nm, double out[3]);
/** The observer's range in nm (first and last rows). */
VFX_API vfx_status vfx_observer_range(vfx_observer o, double *first_nm_out, double *last_nm_out);
/** The SPD at @p nm (E: 1 everywhere; D65 relative, 100 at 560 nm).
 *  @return VFX_ERR_ARG outside the table. */
VFX_API vfx_status vfx_spd_sample(vfx_spd s, double nm, double *out);
/** The observer's response to @p s, integrated at 1 nm over the observer's range and
 *  scaled to luminance 1 (see the model above). */
VFX_API vfx_status vfx_spectral_white(vfx_observer o, vfx_spd s, double out[3]);
/** CIE 170-2 LMS 2006 -> CIE 2012 XYZ. Does not fail. */
VFX_API void       vfx_lms2006_to_xyz2012_matrix(double m_out[9]);

/** RGB -> the observer's space (LMS or XYZ) of @p s; RGB (1,1,1) maps to the white.
 *  @return VFX_ERR_ARG for a wavelength outside the observer or primaries that are not
 *  independent (e.g. two beyond 700 nm, where the cones are nearly proportional). */
VFX_API vfx_status vfx_spectral_rgb_to_observer_matrix(const vfx_spectral_space *s,
                                                       double m_out[9]);
/** RGB -> the XYZ of the observer (CIE 2012 XYZ for the LMS 2006 observer). */
VFX_API vfx_status vfx_spectral_rgb_to_xyz_matrix(const vfx_spectral_space *s, double m_out[9]);
/** Chromaticities of the primaries and white in that XYZ. */
VFX_API vfx_status vfx_spectral_chromaticities(const vfx_spectral_space *s,
                                               vfx_chromaticities *out);
/** RGB of @p src -> RGB of @p dst. Both must use the same observer (VFX_ERR_ARG otherwise). */
VFX_API vfx_status vfx_spectral_rgb_to_rgb_matrix(const vfx_spectral_space *src,
                                                  const vfx_spectral_space *dst,
                                                  vfx_spectral_adapt adapt, double m_out[9]);
/** Spectral RGB -> a legacy RGB space (see "Legacy spaces" above), and back. */
VFX_API vfx_status vfx_spectral_to_legacy_matrix(const vfx_spectral_space *src, vfx_primaries dst,
                                                 vfx_spectral_adapt adapt, double m_out[9]);
VFX_API vfx_status vfx_legacy_to_spectral_matrix(vfx_primaries src, const vfx_spectral_space *dst,
                                                 vfx_spectral_adapt adapt, double m_out[9]);

/* ---- VSF gamma 2 (integer forms of the reference crate; float form = GAMMA_2_0) ---------- */

/** floor(sqrt(linear) * 256) saturated to 0..255 (NaN and negatives give 0). Does not fail. */
VFX_API uint8_t  vfx_vsf_encode_u8(double linear);
/** (v / 256)^2. Does not fail. */
VFX_API double   vfx_vsf_decode_u8(uint8_t v);
/** floor(sqrt(linear) * 65536) saturated to 0..65535. Does not fail. */
VFX_API uint16_t vfx_vsf_encode_u16(double linear);
/** (v / 65536)^2. Does not fail. */
VFX_API double   vfx_vsf_decode_u16(uint16_t v);

/* ---- VSF RGB as colour processors (for configs and the CLI) -------------------------------- */

/** A processor between scene-linear @p legacy RGB and VSF RGB, linear or gamma-2 encoded
 *  (@p gamma2 != 0: the float square-root form, VFX_TRANSFER_GAMMA_2_0). FORWARD goes legacy ->
 *  VSF, INVERSE VSF -> legacy. @p adapt is usually VFX_SPECTRAL_ADAPT_VON_KRIES (the default,
 *  white to white); NONE reproduces the vsf crate. Release with vfx_color_processor_free(). */
VFX_API vfx_status vfx_vsf_processor_new(vfx_primaries legacy, vfx_spectral_adapt adapt,
                                         int32_t gamma2, vfx_direction dir,
                                         vfx_color_processor **out);
/** Same by colour-space name, case-insensitive: "VSF RGB" (or "vsf_rgb", linear) and
 *  "VSF RGB gamma 2" (or "vsf_rgb_gamma2"); default adaptation.
 *  @return VFX_ERR_NOT_FOUND for another name. */
VFX_API vfx_status vfx_vsf_processor_from_name(const char *name, vfx_primaries legacy,
                                               vfx_direction dir, vfx_color_processor **out);

#ifdef __cplusplus
}
#endif
#endif
