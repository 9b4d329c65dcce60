/* Sinks: where pixels are actually computed. A sink splits its output region into tiles,
 * renders them on the thread pool (each worker pulls one output tile through the whole graph,
 * fetching input tiles through the tile cache) and consumes them in the order it needs. */
#ifndef VFX_SINK_H
#define VFX_SINK_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/core.h"
#include "vfx/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Progress: @p done of @p total output tiles are finished. Called on the thread that called
 *  the sink, once with done = 0 before any work, between tiles, and once at the end.
 *  Return non-zero to cancel: the sink then returns VFX_ERR_CANCELLED. */
typedef int (*vfx_progress_fn)(void *user, int64_t done, int64_t total);

/** Sink flags. */
enum {
    VFX_SINK_REGION      = 1u << 0, /**< use vfx_sink_options.region, not the display window */
    VFX_SINK_DATA_WINDOW = 1u << 1, /**< use the data window (RoD; must be finite) */
    VFX_SINK_ORDERED     = 1u << 2  /**< consume tiles strictly in row-major order */
};

/** Options shared by every sink. Always start from VFX_SINK_OPTIONS_INIT. */
typedef struct vfx_sink_options {
    size_t   size;        /**< sizeof(vfx_sink_options): lets the struct grow */
    uint32_t flags;       /**< VFX_SINK_* */
    int32_t  tile_width;  /**< output tile size; 0 = 128, or the region's width when a
                               stream decoder is upstream (full-width strips) */
    int32_t  tile_height; /**< 0 = 128, or 64 for strips */
    int32_t  threads;     /**< 0 = vfx_threads(); 1 = only the calling thread */
    vfx_rect region;      /**< with VFX_SINK_REGION: the rect to compute */
    vfx_progress_fn progress; /**< optional */
    void    *progress_user;
    /** Optional: any thread may set *cancel to non-zero (atomically) to stop the sink; it is
     *  checked before each tile is pulled. The sink then returns VFX_ERR_CANCELLED. */
    const int *cancel;
} vfx_sink_options;
#define VFX_SINK_OPTIONS_INIT \
    { sizeof(vfx_sink_options), 0, 0, 0, 0, { 0, 0, 0, 0 }, NULL, NULL, NULL }

/** Render @p rect of @p im into a caller buffer of @p type values. Pixel (x, y) channel c is
 *  at buf + (y - rect.y0) * y_stride + (x - rect.x0) * x_stride + c * size(type); strides are
 *  bytes (negative is fine). @p n_channels must equal the image's. Pixels outside the image's
 *  RoD are 0. @p opt may be NULL (its region flags are ignored: @p rect is the region).
 *  @return VFX_OK, VFX_ERR_ARG, VFX_ERR_CANCELLED, VFX_ERR_NOMEM or an op's error. */
VFX_API vfx_status vfx_image_render(vfx_image *im, vfx_rect rect, void *buf, vfx_pixel_type type,
                                    ptrdiff_t x_stride, ptrdiff_t y_stride, int32_t n_channels,
                                    const vfx_sink_options *opt);

/** Statistics of one channel. mean and stddev cover finite values only (population stddev);
 *  min and max too; all four are 0 when the channel has no finite value. */
typedef struct vfx_channel_stats {
    double  min, max, mean, stddev;
    int64_t finite_count, nan_count, inf_count;
} vfx_channel_stats;

/** Per-channel statistics over the sink region (default: the display window), accumulated in
 *  f64 per tile and combined in tile order, so the result does not depend on the thread
 *  count. @p out has room for @p n_out channels (at least the image's channel count). */
VFX_API vfx_status vfx_image_stats(vfx_image *im, const vfx_sink_options *opt,
                                   vfx_channel_stats *out, int32_t n_out);

/** A 64-bit hash of the f32 bits of every value of the sink region (default: the display
 *  window) by row-major position, plus its size and channel count. The same for any thread
 *  count and any tile size. */
VFX_API vfx_status vfx_image_hash(vfx_image *im, const vfx_sink_options *opt, uint64_t *hash_out);

#ifdef __cplusplus
}
#endif
#endif
