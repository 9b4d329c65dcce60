/* Image operations as lazy graph nodes (beyond the engine's own test ops in image.h).
 * Every constructor borrows its inputs (the new node takes its own references) and returns a
 * new reference in *out; no pixel is computed until a sink pulls. */
#ifndef VFX_OPS_H
#define VFX_OPS_H

#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/color.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Apply a colour processor to channels 0..2 (3 or more channels; the rest pass through).
 *  The processor is copied (and optimised). With @p unpremult, RGB is divided by the alpha
 *  channel (found by name) before and multiplied back after. @p colorspace (may be NULL)
 *  becomes the result's "colorspace" attribute. */
VFX_API vfx_status vfx_image_color(vfx_image *in, const vfx_color_processor *proc, int unpremult,
                                   const char *colorspace, vfx_image **out);

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

#ifdef __cplusplus
}
#endif
#endif
