/* OpenDRT v1.0.0 ("Base" look): a display rendering transform from scene-linear P3-D65 to
 * display-linear light, as an op of the colour processor.
 *
 * The op is data: its code is VFX_COLOR_OP_OPENDRT and its parameters are a
 * vfx_opendrt_params plus the pixel-independent constants solved from them when the op is
 * appended (tonescale scales and gains, display scale, clamp bound, gamut matrix), so a GPU
 * back-end emits the per-pixel part only. It fuses with the matrices and transfer functions
 * around it like any other op.
 *
 * Output: display-linear RGB in the display gamut, 1.0 = the display peak luminance.
 * vfx_opendrt_processor_new() adds the input conversion in front and the display encoding
 * behind it.
 *
 * Clamping. The tonescale never exceeds the peak, but the purity and gamut steps can push a
 * channel slightly above it (up to ~1.19x at 1000 nits). VFX_OPENDRT_CLAMP_PEAK (the default,
 * for every encoding, PQ included) clamps to [0, 1] = [0, peak], so a PQ signal never asks
 * a display mastered at the peak for more light than it has. VFX_OPENDRT_CLAMP_PQ_RANGE keeps
 * those overshoots and clamps at 10 000 nits instead, which is what the DCTL does when its
 * display encoding is PQ (the reference's "pqpath" vectors).
 *
 * Reference: Jed Smith's OpenDRT v1.0.0 (2025-03-23) and its ART CTL port; the Base preset
 * is matched against golden vectors from the real CTL. Later upstream versions (v1.0.1 and
 * the v1.1 rewrite) change the Base path and are not what this op computes. */
#ifndef VFX_OPENDRT_H
#define VFX_OPENDRT_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/color.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Display gamut. REC2020 is "P3 limited": rendered in P3-D65, then re-encoded in Rec.2020. */
typedef enum vfx_opendrt_gamut {
    VFX_OPENDRT_GAMUT_REC709  = 0,
    VFX_OPENDRT_GAMUT_P3_D65  = 1,
    VFX_OPENDRT_GAMUT_REC2020 = 2
} vfx_opendrt_gamut;

/** Upper clamp of the display-linear result (the lower one is always 0). */
typedef enum vfx_opendrt_clamp {
    VFX_OPENDRT_CLAMP_PEAK     = 0, /**< [0, 1] = [0, peak]; the default */
    VFX_OPENDRT_CLAMP_PQ_RANGE = 1, /**< [0, 10000 / peak]: the DCTL's PQ path */
    VFX_OPENDRT_CLAMP_NONE     = 2  /**< no clamp at all (negatives kept too) */
} vfx_opendrt_clamp;

/** OpenDRT parameters; start from VFX_OPENDRT_PARAMS_INIT (the Base look at 100 nits, Rec.709).
 *  Names in brackets are the DCTL's. */
typedef struct vfx_opendrt_params {
    size_t  size;                  /**< sizeof(vfx_opendrt_params) */
    double  peak_nits;             /**< [tn_Lp] display peak, cd/m^2, 1..10000: 100 (below 100
                                        the grey boost and purity mix extrapolate, e.g. 48) */
    double  grey_nits;             /**< [tn_Lg] where scene 0.18 lands at 100 nits: 11.1 */
    double  contrast;              /**< [tn_con] power of the tonescale: 1.4 */
    double  shoulder;              /**< [tn_sh] shoulder clip (peak reached at 2^(6 sh + 4)): 0.5 */
    double  toe;                   /**< [tn_toe] quadratic toe: 0.003 */
    double  offset;                /**< [tn_off] scene offset before the tonescale: 0 */
    double  hdr_grey_boost;        /**< [tn_gb] stops of grey per stop of peak above 100: 0.13 */
    double  hdr_purity;            /**< [pt_hdr] purity curve follows the peak by this much: 0.5 */
    double  rs_strength;           /**< [rs_sa] rendering-space desaturation: 0.35 */
    double  rs_weights[2];         /**< [rs_rw, rs_bw] red, blue weight (green = rest): .25 .5 */
    double  purity_weights[3];     /**< [pt_r, pt_g, pt_b] purity norm weights: 1, 2, 2.5 */
    double  purity_range_low;      /**< [pt_rng_low]: 0.25 */
    double  purity_range_high;     /**< [pt_rng_high]: 0.25 */
    int32_t purity_compress_low;   /**< [ptl_enable] softplus gamut protection, 1 = on */
    int32_t creative_white;        /**< [cwp] a vfx_white; only VFX_WHITE_D65 (= off) for now */
    vfx_opendrt_gamut display_gamut; /**< REC709 */
    vfx_opendrt_clamp clamp;         /**< PEAK */
} vfx_opendrt_params;

#define VFX_OPENDRT_PARAMS_INIT                                                                \
    { sizeof(vfx_opendrt_params), 100.0, 11.1, 1.4, 0.5, 0.003, 0.0, 0.13, 0.5, 0.35,          \
      { 0.25, 0.5 }, { 1.0, 2.0, 2.5 }, 0.25, 0.25, 1, VFX_WHITE_D65, VFX_OPENDRT_GAMUT_REC709, \
      VFX_OPENDRT_CLAMP_PEAK }

/** The tonescale constants solved from the parameters (pixel-independent), for inspection.
 *  Grey 0.18 maps to y0 * display_scale; the curve reaches the peak at scene x1. */
typedef struct vfx_opendrt_constants {
    double x1, y1, x0, y0; /**< peak and grey constraints (units of 100 nits) */
    double s0, s10, m1, m2, s;  /**< solved toe input, first scale, gains, final scale */
    double display_scale;  /**< 100 / peak */
    double purity_mix, s_100, s1; /**< purity tonescale: mix f, 100-nit scale, scale used */
} vfx_opendrt_constants;

/** Solve the pixel-independent constants of @p prm.
 *  @return VFX_ERR_ARG for out-of-range parameters (message names the field),
 *  VFX_ERR_UNSUPPORTED for a creative white other than D65. */
VFX_API vfx_status vfx_opendrt_solve(const vfx_opendrt_params *prm, vfx_opendrt_constants *out);

/** Append OpenDRT: scene-linear P3-D65 in, display-linear (1.0 = peak) in the display gamut
 *  out. The parameters are copied and the constants solved now. On failure @p p is unchanged. */
VFX_API vfx_status vfx_color_processor_append_opendrt(vfx_color_processor *p,
                                                      const vfx_opendrt_params *prm);

/** A complete view: scene-linear @p input primaries (converted to P3-D65 with Bradford when
 *  the white differs), OpenDRT, then the display encoding @p encoding:
 *  VFX_TRANSFER_LINEAR (display-linear, 1.0 = peak), SRGB, GAMMA_2_2, GAMMA_2_4, GAMMA_2_6, BT1886,
 *  PQ (display-linear scaled to absolute nits first) or HLG (inverse BT.2100 OOTF for a display
 *  of the given peak, then the OETF). @p prm may be NULL (Base at 100 nits, Rec.709).
 *  @return VFX_ERR_ARG for another encoding or bad parameters. Release with
 *  vfx_color_processor_free(). */
VFX_API vfx_status vfx_opendrt_processor_new(vfx_primaries input, const vfx_opendrt_params *prm,
                                             vfx_transfer encoding, vfx_color_processor **out);

/** Named views, for configs and the CLI. @p name is either one of the presets below
 *  (case-insensitive) or the general form "vfx:opendrt:<peak nits>:<gamut>:<encoding>[:<clamp>]"
 *  with gamut rec709 | p3d65 | rec2020, encoding a vfx_transfer_name() that
 *  vfx_opendrt_processor_new() accepts (linear, srgb, gamma2.2, gamma2.4, gamma2.6, bt1886, pq,
 *  hlg) and clamp peak (default) | pqrange | none, e.g. "vfx:opendrt:600:p3d65:pq" or
 *  "vfx:opendrt:1000:rec2020:pq:pqrange" (the DCTL's PQ output). Base look.
 *
 *  | preset                              | peak | gamut   | encoding  |
 *  | OpenDRT SDR sRGB                    | 100  | rec709  | srgb      |
 *  | OpenDRT SDR Rec.709 BT.1886         | 100  | rec709  | bt1886    |
 *  | OpenDRT SDR Rec.709 gamma 2.2       | 100  | rec709  | gamma2.2  |
 *  | OpenDRT SDR Display P3              | 100  | p3d65   | srgb      |
 *  | OpenDRT Cinema P3-D65 48 nits       | 48   | p3d65   | gamma2.6  |
 *  | OpenDRT HDR Rec.2100 PQ 1000 nits   | 1000 | rec2020 | pq        |
 *  | OpenDRT HDR Rec.2100 PQ 4000 nits   | 4000 | rec2020 | pq        |
 *  | OpenDRT HDR Rec.2100 HLG 1000 nits  | 1000 | rec2020 | hlg       |
 *  | OpenDRT HDR P3-D65 PQ 1000 nits     | 1000 | p3d65   | pq        |
 *
 *  @p input is the scene-linear space the processor starts from.
 *  @return VFX_ERR_NOT_FOUND for an unknown name (message lists the presets). */
VFX_API vfx_status vfx_opendrt_view_new(const char *name, vfx_primaries input,
                                        vfx_color_processor **out);
/** The @p i-th preset name (0-based), NULL past the end: for listing in configs and help. */
VFX_API const char *vfx_opendrt_view_name(int32_t i);

#ifdef __cplusplus
}
#endif
#endif
