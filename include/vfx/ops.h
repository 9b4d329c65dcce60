/* Image operations as lazy graph nodes (beyond the engine's own test ops in image.h).
 * Every constructor borrows its inputs (the new node takes its own references) and returns a
 * new reference in *out; no pixel is computed until a sink pulls. */
#ifndef VFX_OPS_H
#define VFX_OPS_H

#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/color.h"
#include "vfx/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Apply a colour processor to channels 0..2 (3 or more channels; the rest pass through).
 *  The processor is copied (and optimised). With @p unpremult, RGB is divided by the alpha
 *  channel (found by name) before and multiplied back after. @p colorspace (may be NULL)
 *  becomes the result's "colorspace" attribute. */
VFX_API vfx_status vfx_image_color(vfx_image *in, const vfx_color_processor *proc, int unpremult,
                                   const char *colorspace, vfx_image **out);

/** RGB (channels 0..2) from the image's chromaticities (vfx_spec_chromaticities(): OpenEXR's
 *  Rec.709 / D65 default when it has none) to ACES2065-1 (AP0), adapting the white with
 *  Bradford as OpenEXR's exr2aces does; the result is labelled with the AP0 chromaticities,
 *  ready for an ACES container file (VFX_WRITE_ACES). Other channels pass through. */
VFX_API vfx_status vfx_image_to_aces(vfx_image *in, vfx_image **out);

/** Per-pixel arithmetic of two images with the same channel count. */
typedef enum vfx_arith {
    VFX_ARITH_ADD = 0, VFX_ARITH_SUB = 1, VFX_ARITH_MUL = 2, VFX_ARITH_DIV = 3,
    VFX_ARITH_MIN = 4, VFX_ARITH_MAX = 5, VFX_ARITH_ABSDIFF = 6
} vfx_arith;

/** a OP b per channel over the union of the data windows (an input reads 0 outside its own);
 *  division by zero gives 0. The result has a's spec. */
VFX_API vfx_status vfx_image_arith(vfx_image *a, vfx_image *b, vfx_arith op, vfx_image **out);

/** Select, reorder, rename or fill channels, as oiiotool --ch: a comma-separated list whose
 *  items are an input channel name ("R"), a renamed one ("Y=R"), or a constant with a name
 *  ("A=1.0"). Up to 64 output channels. */
VFX_API vfx_status vfx_image_channels(vfx_image *in, const char *list, vfx_image **out);

/* ---- resampling and filtering (oiiotool's names and semantics) ------------------------- */

/** Resize to the display window @p display (the result's data window too), as oiiotool
 *  --resize: output pixel centres map linearly from the input's display window to @p display,
 *  input pixels past the input's data window read as the nearest edge pixel. @p filter: box,
 *  triangle, gaussian, sharp-gaussian, catmull-rom, mitchell, bspline, cubic, keys, simon,
 *  rifman, lanczos3, radial-lanczos3, blackman-harris, sinc, disk; NULL or "" picks oiiotool's
 *  default (lanczos3 when shrinking, blackman-harris when enlarging). @p filter_width 0 = the
 *  filter's default width, widened by the enlargement factor. Separable filters run as two
 *  passes through precomputed weight tables. */
VFX_API vfx_status vfx_image_resize(vfx_image *in, vfx_rect display, const char *filter,
                                    float filter_width, vfx_image **out);
/** Write @p im as a tiled file with resolution levels (maketx): wopt->levels MIPMAP or
 *  RIPMAP, wopt->tile_w/h > 0, wopt->level_round. Level 0 is @p im over the region
 *  vfx_image_write() would write; each further level is the previous one (MIP: the one
 *  diagonally before; RIP: the one to its left, else above) resized to the level's size with
 *  wopt->level_filter (NULL = "box", as maketx), rendered and written level by level through
 *  the tile cache, so memory stays bounded whatever the image size. Nothing appears at
 *  @p path unless every level was written. */
VFX_API vfx_status vfx_image_write_levels(vfx_image *im, const char *path,
                                          const vfx_write_options *wopt,
                                          const vfx_sink_options *sopt);
/** As oiiotool --fit: resize (keeping the aspect ratio) to fit @p box, centred in it;
 *  @p fillmode "letterbox" (NULL: fill the limiting dimension), "width" or "height". The
 *  display window becomes @p box; with @p pad the data window is the whole box (black
 *  borders), else the resized image. */
VFX_API vfx_status vfx_image_fit(vfx_image *in, vfx_rect box, const char *filter,
                                 const char *fillmode, int pad, vfx_image **out);
/** As oiiotool --resample: nearest pixel (@p interpolate 0) or bilinear (1). */
VFX_API vfx_status vfx_image_resample(vfx_image *in, vfx_rect display, int interpolate,
                                      vfx_image **out);

/** A convolution kernel image, as oiiotool --kernel / OIIO make_kernel: the filter @p name
 *  (any resize filter name, or "laplacian" at 3x3) sampled at integer offsets on an odd
 *  ceil(width) x ceil(height) grid centred on (0, 0) (its data window), one channel "Y",
 *  normalised to sum 1 when @p normalize. */
VFX_API vfx_status vfx_image_make_kernel(const char *name, float width, float height,
                                         int normalize, vfx_image **out);
/** 2-D correlation with channel 0 of @p kernel over its data window (offsets from (0, 0)),
 *  divided by the kernel's sum when @p normalize; edges clamp; the RoD is @p in's
 *  (oiiotool --convolve). The kernel is read once, at creation (at most 1025 x 1025). */
VFX_API vfx_status vfx_image_convolve(vfx_image *in, vfx_image *kernel, int normalize,
                                      vfx_image **out);
/** oiiotool --blur WxH: convolve with the normalised kernel @p kernel (NULL = "gaussian") of
 *  @p width x @p height; separable kernels run as two 1-D passes. */
VFX_API vfx_status vfx_image_blur(vfx_image *in, const char *kernel, float width, float height,
                                  vfx_image **out);
/** oiiotool --unsharp: in + contrast * (in - blur) where |in - blur| > threshold. */
VFX_API vfx_status vfx_image_unsharp(vfx_image *in, const char *kernel, float width,
                                     float contrast, float threshold, vfx_image **out);
/** oiiotool --laplacian: the 5-point Laplacian stencil, edges clamped. */
VFX_API vfx_status vfx_image_laplacian(vfx_image *in, vfx_image **out);

/* ---- compositing ------------------------------------------------------------------------ */

/** Premultiplied @p a over @p b (oiiotool --over): out = a + (1 - a.alpha) b on every channel;
 *  both need an alpha channel at the same index and the same channel count. The RoD is the
 *  union of theirs (each reads 0 outside its own); the spec is a's. */
VFX_API vfx_status vfx_image_over(vfx_image *a, vfx_image *b, vfx_image **out);
/** Depth composite (oiiotool --zover): per pixel the input with the smaller Z is the front,
 *  composited over the other; the result's Z is the front's where its alpha is not 0. With
 *  @p zero_is_inf a Z of 0 counts as infinitely far. Both need alpha and Z channels. */
VFX_API vfx_status vfx_image_zover(vfx_image *a, vfx_image *b, int zero_is_inf, vfx_image **out);
/** Multiply (premult) or divide (unpremult; alpha 0 or 1 leaves the pixel) every channel but
 *  alpha and Z by alpha. Without an alpha channel the image passes unchanged. Pointwise. */
VFX_API vfx_status vfx_image_premult(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_unpremult(vfx_image *in, vfx_image **out);

/* ---- geometry: pixel re-indexing, as oiiotool ------------------------------------------- */

/** Mirror top-bottom (flip) or left-right (flop) within the display window; rotate by 180,
 *  90 or 270 degrees clockwise (rotate90/270 swap the display size and keep its origin);
 *  transpose (x <-> y, display window too). The data window moves with the pixels. */
VFX_API vfx_status vfx_image_flip(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_flop(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_rotate90(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_rotate180(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_rotate270(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_transpose(vfx_image *in, vfx_image **out);
/** Move the pixels by (dx, dy) and set the display window to @p display. */
VFX_API vfx_status vfx_image_translate(vfx_image *in, int32_t dx, int32_t dy, vfx_rect display,
                                       vfx_image **out);
/** oiiotool --cut: crop to @p rect, move it to the origin, display window = the result. */
VFX_API vfx_status vfx_image_cut(vfx_image *in, vfx_rect rect, vfx_image **out);

/* ---- more arithmetic (pointwise unless noted) ------------------------------------------- */

/** |x| on every channel. */
VFX_API vfx_status vfx_image_abs(vfx_image *in, vfx_image **out);
/** 1 - x on channels [ch_begin, ch_end) (oiiotool --invert: 0, 3, so alpha is kept). */
VFX_API vfx_status vfx_image_invert(vfx_image *in, int32_t ch_begin, int32_t ch_end,
                                    vfx_image **out);
/** x^v[c] per channel (powf; one value per channel). */
VFX_API vfx_status vfx_image_pow(vfx_image *in, const float *v, vfx_image **out);
/** Clamp channel c to [lo[c], hi[c]] (NULL = unbounded); with @p clamp_alpha01 alpha is also
 *  clamped to [0, 1]. */
VFX_API vfx_status vfx_image_clamp(vfx_image *in, const float *lo, const float *hi,
                                   int clamp_alpha01, vfx_image **out);
/** a * b + c of three images with the same channel count (not pointwise: three inputs); the
 *  RoD is the union of theirs. */
VFX_API vfx_status vfx_image_mad3(vfx_image *a, vfx_image *b, vfx_image *c, vfx_image **out);

#ifdef __cplusplus
}
#endif
#endif
