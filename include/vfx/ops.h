/* Image operations as lazy graph nodes (beyond the engine's own test ops in image.h).
 * Every constructor borrows its inputs (the new node takes its own references) and returns a
 * new reference in *out; no pixel is computed until a sink pulls. */
#ifndef VFX_OPS_H
#define VFX_OPS_H

#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/color.h"
#include "vfx/sink.h"
#include "vfx/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Apply a colour processor to channels 0..2 (3 or more channels; the rest pass through).
 *  The processor is copied (and optimised). With @p unpremult, RGB is divided by the alpha
 *  channel (found by name) before and multiplied back after. @p colorspace (may be NULL)
 *  becomes the result's "colorspace" attribute (and an "ICCProfile" attribute is dropped then:
 *  it no longer describes the pixels). */
VFX_API vfx_status vfx_image_color(vfx_image *in, const vfx_color_processor *proc, int unpremult,
                                   const char *colorspace, vfx_image **out);
/** oiiotool --ccmatrix: out = (R, G, B, A) * M with @p m a row-major 4x4 matrix (a 3x3 one
 *  goes in the upper left of the identity), A = 0 without a fourth channel; the fourth row
 *  adds alpha-scaled offsets, the fourth column makes the new alpha. @p transpose and @p invert
 *  apply to M first; @p unpremult divides R, G, B by alpha first and multiplies the results
 *  by that same alpha (as oiiotool). */
VFX_API vfx_status vfx_image_ccmatrix(vfx_image *in, const float m[16], int transpose, int invert,
                                      int unpremult, vfx_image **out);

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
 *  items are an input channel name ("R") or index ("2"), a renamed one ("Y=R"), or a constant
 *  with a name ("A=1.0") or without ("=0.5", named "channel<position>"). Up to 64 output
 *  channels. */
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
/** vfx_image_fit() with oiiotool's exact=1 when @p exact: the aspect is kept exactly (a
 *  fractional scale and offset, filtered as a warp); the result covers the whole box. */
VFX_API vfx_status vfx_image_fit_ex(vfx_image *in, vfx_rect box, const char *filter,
                                    const char *fillmode, int pad, int exact,
                                    vfx_image **out);
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

/** Order filters over a @p width x @p height window (@p height < 1: square), as oiiotool
 *  --median, --dilate, --erode: the median (upper middle value) of each channel, the maximum or
 *  the minimum. Only pixels inside the input's data window count. Window at most 1024 wide. */
VFX_API vfx_status vfx_image_median(vfx_image *in, int32_t width, int32_t height, vfx_image **out);
VFX_API vfx_status vfx_image_dilate(vfx_image *in, int32_t width, int32_t height, vfx_image **out);
VFX_API vfx_status vfx_image_erode(vfx_image *in, int32_t width, int32_t height, vfx_image **out);

/** What vfx_image_fixnan() does with a NaN or infinite value (oiiotool --fixnan names). */
typedef enum vfx_fixnan {
    VFX_FIXNAN_NONE  = 0, /**< leave it */
    VFX_FIXNAN_BLACK = 1, /**< 0 */
    VFX_FIXNAN_BOX3  = 2, /**< mean of the finite values around it (3x3, same channel) */
    VFX_FIXNAN_ERROR = 3  /**< fail the render (VFX_ERR_CORRUPT, naming the pixel) */
} vfx_fixnan;
/** Replace non-finite values, as oiiotool --fixnan. box3 uses the neighbours' original values
 *  (OIIO's in-place pass can use already fixed ones where two bad values touch). */
VFX_API vfx_status vfx_image_fixnan(vfx_image *in, vfx_fixnan mode, vfx_image **out);
/** Fill the holes (alpha < 1) of an image with an alpha channel by push-pull, as oiiotool
 *  --fillholes: a pyramid of triangle-filtered halvings divided by alpha, composited back up.
 *  Built from resize and over nodes, so it streams; the result is opaque wherever the
 *  input's data window has any coverage. */
VFX_API vfx_status vfx_image_fillholes(vfx_image *in, vfx_image **out);

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

/** Layer blend modes of vfx_image_blend() (W3C Compositing and Blending Level 1 formulas). */
typedef enum vfx_blend_mode {
    VFX_BLEND_MULTIPLY = 0, VFX_BLEND_SCREEN = 1, VFX_BLEND_OVERLAY = 2, VFX_BLEND_SOFTLIGHT = 3,
    VFX_BLEND_HARDLIGHT = 4, VFX_BLEND_DARKEN = 5, VFX_BLEND_LIGHTEN = 6,
    VFX_BLEND_DIFFERENCE = 7, VFX_BLEND_EXCLUSION = 8, VFX_BLEND_ADD = 9
} vfx_blend_mode;
/** "multiply", "screen", "overlay", "softlight", "hardlight", "darken", "lighten",
 *  "difference", "exclusion", "add" (or "plus"); -1 when unknown. */
VFX_API vfx_blend_mode vfx_blend_mode_from_name(const char *name);
/** Blend source @p a onto backdrop @p b (same channel count, alpha at the same index or
 *  none): with alpha, co = cs (1 - ab) + cb (1 - as) + as ab B(Cb, Cs) on premultiplied
 *  inputs and ao = as + ab - as ab; without, B(b, a). ADD sums every channel. RoD: the union. */
VFX_API vfx_status vfx_image_blend(vfx_image *a, vfx_image *b, vfx_blend_mode mode,
                                   vfx_image **out);

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

/* ---- assembling, shifting, windows, channels (op_paste.c), as oiiotool --------------------- */

/** oiiotool --paste: @p bg with the pixels of @p fg's data window copied over it (not a
 *  composite), moved so that the corner of its display window is at (@p x, @p y), or left
 *  where it is with @p keep_position.
 *  fg's channels replace bg's first ones; bg's spec and data window are kept. */
VFX_API vfx_status vfx_image_paste(vfx_image *bg, vfx_image *fg, int32_t x, int32_t y,
                                   int keep_position, vfx_image **out);
/** vfx_image_paste(); with @p merge_roi (oiiotool --paste:mergeroi=1) the result's data
 *  window is the union of bg's and fg's as given (before the move, as oiiotool 2.4), black
 *  where neither has pixels; the moved fg is pasted into it, clipped. The display window is
 *  the union of both. */
VFX_API vfx_status vfx_image_paste_ex(vfx_image *bg, vfx_image *fg, int32_t x, int32_t y,
                                      int keep_position, int merge_roi, vfx_image **out);
/** oiiotool --mosaic: @p nx x @p ny images (row by row) pasted on a black float canvas in cells
 *  of the largest display size, @p pad pixels apart (each image's display window corner at its
 *  cell's corner); channels: the most any image has. */
VFX_API vfx_status vfx_image_mosaic(vfx_image *const *images, int32_t nx, int32_t ny,
                                    int32_t pad, vfx_image **out);
/** oiiotool --cshift: out(x, y) = in(x - dx, y - dy), wrapped around within the data window. */
VFX_API vfx_status vfx_image_circular_shift(vfx_image *in, int32_t dx, int32_t dy,
                                            vfx_image **out);
/** oiiotool --croptofull: the data window becomes the display window (black where new). */
VFX_API vfx_status vfx_image_croptofull(vfx_image *in, vfx_image **out);
/** oiiotool --reorient: undo the EXIF "Orientation" attribute (2..8: flop, rotate180, flip,
 *  transpose, rotate90, transverse, rotate270, as OIIO does them) and set it to 1. */
VFX_API vfx_status vfx_image_reorient(vfx_image *in, vfx_image **out);
/** oiiotool --chappend: a's channels then b's over the union of the data windows; a name
 *  already used becomes "channel<index>". a's spec otherwise. */
VFX_API vfx_status vfx_image_channel_append(vfx_image *a, vfx_image *b, vfx_image **out);
/** oiiotool --chsum, --maxchan, --minchan: one channel "Y" = the sum of the channels times
 *  @p weights (NULL: all 1), their maximum, their minimum. The display window becomes the data
 *  window, as OIIO. */
VFX_API vfx_status vfx_image_channel_sum(vfx_image *in, const float *weights, vfx_image **out);
VFX_API vfx_status vfx_image_maxchan(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_minchan(vfx_image *in, vfx_image **out);

/* ---- geometry: filtered warps, as oiiotool (op_warp.c) ---------------------------------- */

/** oiiotool --warp: resample through the 3x3 matrix @p m (row-major; a point maps as the row
 *  vector [x y 1] times m, as OIIO/Imath). Each output pixel samples the input at its inverse-
 *  mapped centre with @p filter (NULL = lanczos3; any resize filter name) of width
 *  @p filter_width (0 = the filter's default), widened where the warp shrinks; input outside
 *  its data window is black. The data window stays the input's, or with @p recompute_roi is
 *  the warped bounding box; the display window is kept. Streams: a tile asks only for its
 *  inverse-mapped footprint. */
VFX_API vfx_status vfx_image_warp(vfx_image *in, const float m[9], const char *filter,
                                  float filter_width, int recompute_roi, vfx_image **out);
/** oiiotool --rotate: rotate by @p degrees clockwise about @p center (x, y; NULL = the centre
 *  of the display window); otherwise as vfx_image_warp(). */
VFX_API vfx_status vfx_image_rotate(vfx_image *in, float degrees, const float *center,
                                    const char *filter, float filter_width, int recompute_roi,
                                    vfx_image **out);
/** oiiotool --st_warp: output pixel (x, y) samples @p in at (s W, t H), s and t being channels
 *  @p chan_s and @p chan_t of @p st at (x, y) (flipped to 1 - s, 1 - t on request; W x H the
 *  input's display size), with @p filter as vfx_image_warp() (not widened). Defined where @p st
 *  has data (black elsewhere); the data and display windows are the input's. The source
 *  point depends on pixel values, so this op asks for the whole input (rendered once, tile by
 *  tile, through the cache). */
VFX_API vfx_status vfx_image_st_warp(vfx_image *in, vfx_image *st, const char *filter,
                                     float filter_width, int32_t chan_s, int32_t chan_t,
                                     int flip_s, int flip_t, vfx_image **out);

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

/* ---- statistics and comparison (sinks: they pull pixels, streaming, and return numbers) --- */

/** oiiotool --hash: the SHA-1 of the data window's pixels in the image's own pixel type (float
 *  when its channels' types differ), interleaved, rows top to bottom, as 40 upper-case hex
 *  digits into @p out (OIIO's computePixelHashSHA1 with no extra info). Streams in strips. */
VFX_API vfx_status vfx_image_hash_sha1(vfx_image *im, char out[41]);

/** Thresholds of vfx_image_compare(). Always start from VFX_COMPARE_OPTIONS_INIT. */
typedef struct vfx_compare_options {
    size_t size;          /**< sizeof(vfx_compare_options) */
    float  fail_thresh;   /**< absolute error a pixel must exceed to fail (1e-6, as idiff) */
    float  warn_thresh;   /**< ... to warn (1e-6) */
    float  fail_relative; /**< and its error relative to mean(|a|, |b|) too (0 = off) */
    float  warn_relative;
} vfx_compare_options;
#define VFX_COMPARE_OPTIONS_INIT { sizeof(vfx_compare_options), 1e-6f, 1e-6f, 0.0f, 0.0f }

/** What vfx_image_compare() found. */
typedef struct vfx_compare_result {
    double   mean_error, rms_error; /**< over every value of the region (finite errors) */
    double   psnr;                  /**< 20 log10(max(1, peak |value|) / RMS); +Inf if equal */
    double   max_error;             /**< +Inf when a NaN/Inf meets a different value */
    int32_t  max_x, max_y, max_c;   /**< first place (row-major) of max_error */
    int32_t  n_channels;            /**< channels compared: max of the two counts */
    int64_t  n_warn, n_fail;        /**< pixels with some channel over the thresholds */
    int64_t  n_pixels;              /**< pixels compared */
    vfx_rect region;                /**< the region compared */
} vfx_compare_result;

/** Compare @p a and @p b as OpenImageIO's ImageBufAlgo::compare (idiff, oiiotool --diff) does,
 *  in one streaming pass: over the union of the data windows (or @p sink's REGION), channel c
 *  of one against channel c of the other, missing channels and pixels outside a data window
 *  reading 0; NaN equals NaN and Inf equals Inf. See op_compare.c for the exact rules.
 *  @p opt and @p sink may be NULL. The result does not depend on the thread count. */
VFX_API vfx_status vfx_image_compare(vfx_image *a, vfx_image *b, const vfx_compare_options *opt,
                                     const vfx_sink_options *sink, vfx_compare_result *out);

/* The sinks below cover the sink options' REGION, else the data window (OIIO's default ROI);
 * @p opt may be NULL. They stream: only counters are kept. */

/** Is every pixel within @p threshold (0 = exactly equal) of the first one on every channel?
 *  The first pixel's values go to @p color_out (up to @p n_color values; may be NULL). */
VFX_API vfx_status vfx_image_is_constant_color(vfx_image *im, float threshold,
                                               const vfx_sink_options *opt, float *color_out,
                                               int32_t n_color, int *result_out);
/** Are channels 0..n-1 (@p n_channels, 0 = all) equal within @p threshold in every pixel? */
VFX_API vfx_status vfx_image_is_monochrome(vfx_image *im, float threshold, int32_t n_channels,
                                           const vfx_sink_options *opt, int *result_out);
/** How many pixels match each of @p n_colors colours (n_channels values each) within @p eps
 *  per channel (NULL = 0.001), as OIIO color_count / oiiotool --colorcount. */
VFX_API vfx_status vfx_image_color_count(vfx_image *im, int32_t n_colors, const float *colors,
                                         const float *eps, const vfx_sink_options *opt,
                                         int64_t *counts_out);
/** Pixels with some channel below @p low, above @p high, and entirely inside (oiiotool
 *  --rangecheck). Outputs may be NULL. */
VFX_API vfx_status vfx_image_range_check(vfx_image *im, const float *low, const float *high,
                                         const vfx_sink_options *opt, int64_t *low_out,
                                         int64_t *high_out, int64_t *inside_out);
/** The smallest rect holding every pixel with a non-zero channel (oiiotool --trim); empty
 *  (x0 == x1) at the region's corner when all are zero. */
VFX_API vfx_status vfx_image_nonzero_region(vfx_image *im, const vfx_sink_options *opt,
                                            vfx_rect *rect_out);
/** Histogram of @p channel: @p n_bins equal bins over [lo, hi] (hi falls in the last bin);
 *  values outside, and NaN, are not counted; with @p ignore_empty, pixels whose channels are
 *  all 0 are skipped (OIIO histogram). */
VFX_API vfx_status vfx_image_histogram(vfx_image *im, int32_t channel, int32_t n_bins, float lo,
                                       float hi, int ignore_empty, const vfx_sink_options *opt,
                                       int64_t *bins_out);

/* ---- tone and remap (pointwise unless noted; OpenImageIO's meanings, see op_tone.c) -------- */

/** Parameters of vfx_image_contrast(), one value per channel (up to 64). */
typedef struct vfx_contrast_params {
    float black[64], white[64]; /**< input range mapped to [0, 1] (default 0, 1) */
    float min[64], max[64];     /**< output range (default 0, 1) */
    float scontrast[64];        /**< S-curve contrast; 1 = none (default 1) */
    float sthresh[64];          /**< S-curve pivot (default 0.5) */
} vfx_contrast_params;
/** Fill @p p with the defaults. Does not fail. */
VFX_API void vfx_contrast_params_init(vfx_contrast_params *p);
/** Contrast remap (oiiotool --contrast): (x - black) / (white - black), then the optional
 *  sigmoid, then lerp(min, max, .); black == white on every channel is a threshold. */
VFX_API vfx_status vfx_image_contrast(vfx_image *in, const vfx_contrast_params *p,
                                      vfx_image **out);
/** Saturation (oiiotool --saturate): rgb = luma + scale (rgb - luma) on channels
 *  first_channel .. +2, Rec.709 luma weights. */
VFX_API vfx_status vfx_image_saturate(vfx_image *in, float scale, int32_t first_channel,
                                      vfx_image **out);
/** Log range compression above 0.18 and its exact inverse (oiiotool --rangecompress /
 *  --rangeexpand); per channel, or by luma (@p luma) scaling the colour channels together.
 *  Alpha and Z are left alone. */
VFX_API vfx_status vfx_image_rangecompress(vfx_image *in, int luma, vfx_image **out);
VFX_API vfx_status vfx_image_rangeexpand(vfx_image *in, int luma, vfx_image **out);
/** Premult that leaves alpha-0 pixels as they are (oiiotool --repremult). */
VFX_API vfx_status vfx_image_repremult(vfx_image *in, vfx_image **out);
/** Colour map (oiiotool --colormap): an RGB image from channel @p src_channel (-1 = Rec.709
 *  luma of channels 0-2, or channel 0 below 3 channels) through a map: @p name (inferno,
 *  viridis, magma, plasma, turbo, blue-red, spectrum, heat) or, when @p name is NULL,
 *  @p n_knots RGB triples (2 to 1024) spaced evenly over [0, 1]. Not pointwise (3 channels
 *  out). */
VFX_API vfx_status vfx_image_color_map(vfx_image *in, int32_t src_channel, const char *name,
                                       const float *knots, int32_t n_knots, vfx_image **out);

/* ---- drawing and noise on an image (pointwise; oiiotool's meanings, see op_draw.c) -------- */

/** Replace the pixels of @p rect by one colour (@p n_colors 1), a gradient between two
 *  (top-bottom when @p vertical, else left-right) or four (top-left, top-right, bottom-left,
 *  bottom-right), the colours sitting on the rect's first and last pixel centres
 *  (oiiotool --fill). @p colors: pointers to one value per channel each. */
VFX_API vfx_status vfx_image_fill(vfx_image *in, vfx_rect rect, const float *const *colors,
                                  int32_t n_colors, int vertical, vfx_image **out);
/** The outline (or all, @p filled) of the inclusive box (x1, y1)-(x2, y2), @p color over the
 *  pixels (oiiotool --box). */
VFX_API vfx_status vfx_image_draw_box(vfx_image *in, int32_t x1, int32_t y1, int32_t x2,
                                      int32_t y2, const float *color, int filled,
                                      vfx_image **out);
/** Points (@p polyline 0) or a polyline through @p n_points (x, y) pairs (Bresenham), @p color
 *  over the pixels (oiiotool --point, --line). At most 16M pixels. */
VFX_API vfx_status vfx_image_draw_lines(vfx_image *in, const int32_t *xy, int32_t n_points,
                                        int polyline, const float *color, vfx_image **out);
/** Alignments of vfx_image_draw_text() (oiiotool --text's xalign, yalign). */
typedef enum vfx_text_align_x {
    VFX_TEXT_LEFT = 0, VFX_TEXT_XCENTER = 1, VFX_TEXT_RIGHT = 2
} vfx_text_align_x;
typedef enum vfx_text_align_y {
    VFX_TEXT_BASELINE = 0, VFX_TEXT_TOP = 1, VFX_TEXT_BOTTOM = 2, VFX_TEXT_CENTER = 3
} vfx_text_align_y;
/** Render UTF-8 @p text with FreeType (oiiotool --text): pen start (x, y) on the baseline,
 *  @p font_size pixels high, @p font a font file or a fontconfig name (NULL: DejaVu Sans),
 *  @p color one value per channel (NULL: 1), @p shadow a dark rim of that many pixels. The
 *  glyphs are rasterised once here; out = coverage * color + (1 - alpha * color alpha) * in.
 *  VFX_ERR_NOT_FOUND names a font that is neither a file nor a font fontconfig has. */
VFX_API vfx_status vfx_image_draw_text(vfx_image *in, int32_t x, int32_t y, const char *text,
                                       int32_t font_size, const char *font, const float *color,
                                       vfx_text_align_x xalign, vfx_text_align_y yalign,
                                       int32_t shadow, vfx_image **out);
/** Noise kinds of vfx_image_add_noise(). */
typedef enum vfx_noise_type {
    VFX_NOISE_GAUSSIAN = 0, VFX_NOISE_UNIFORM = 1, VFX_NOISE_SALT = 2, VFX_NOISE_BLUE = 3
} vfx_noise_type;
/** Add noise to every channel (oiiotool --noise): gaussian (@p a mean, @p b stddev), uniform
 *  (in [a, b)), salt (a pixel's channels set to @p a with probability @p b), blue (blue noise
 *  in [a, b): a 64 x 64 void-and-cluster tile, each value once per tile). With @p mono one
 *  draw serves all channels of a pixel. A pure function of (seed, x, y, channel). */
VFX_API vfx_status vfx_image_add_noise(vfx_image *in, vfx_noise_type type, float a, float b,
                                       int mono, uint64_t seed, vfx_image **out);

/* ---- Fourier transforms (OpenImageIO's meanings, see op_fft.c) ------------------------------ */

/** The 2-D DFT of channel 0 over the data window -> (real, imag), scaled by 1/sqrt(w h)
 *  (oiiotool --fft). Needs the whole input: the transform runs once and is cached. */
VFX_API vfx_status vfx_image_fft(vfx_image *in, vfx_image **out);
/** The inverse of vfx_image_fft() for a (real, imag) image -> the real part (--ifft). */
VFX_API vfx_status vfx_image_ifft(vfx_image *in, vfx_image **out);
/** (real, imag) -> (amplitude, phase) and back (--polar, --unpolar). Pointwise. */
VFX_API vfx_status vfx_image_polar(vfx_image *in, vfx_image **out);
VFX_API vfx_status vfx_image_unpolar(vfx_image *in, vfx_image **out);

#ifdef __cplusplus
}
#endif
#endif
