/* Lazy images: immutable, reference-counted graph nodes, and the ops that build them.
 *
 * A vfx_image is a node of a lazy graph: an operation, its parameters, its inputs and its
 * spec (channels, data window = region of definition, display window, metadata). Making one
 * does no pixel work; pixels are computed, tile by tile, only when a sink (sink.h) pulls them.
 * Nodes never change after creation, so they may be shared freely between threads. */
#ifndef VFX_IMAGE_H
#define VFX_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfx_image vfx_image; /* opaque, immutable, ref-counted */

/** How an op reads pixels outside its input's region of definition. */
typedef enum vfx_edge {
    VFX_EDGE_BLACK    = 0, /**< zero (the default everywhere) */
    VFX_EDGE_CLAMP    = 1, /**< repeat the nearest edge pixel */
    VFX_EDGE_PERIODIC = 2, /**< wrap around (tile the input) */
    VFX_EDGE_MIRROR   = 3  /**< reflect at the edge: ... 2 1 0 | 0 1 2 ... */
} vfx_edge;

/** Add a reference; returns @p im (NULL stays NULL). Thread-safe, does not fail. */
VFX_API vfx_image *vfx_image_ref(vfx_image *im);
/** Drop a reference; the last one frees the node, its cached tiles and the references it
 *  holds on its inputs. Accepts NULL. Thread-safe, does not fail. */
VFX_API void vfx_image_unref(vfx_image *im);

/** The node's spec: spec->data is the region of definition (may be VFX_RECT_INFINITE).
 *  Borrowed, valid while @p im lives. Channel types say what files want; ops compute in f32. */
VFX_API const vfx_spec *vfx_image_spec(const vfx_image *im);
/** Region of definition (same as vfx_image_spec(im)->data). */
VFX_API vfx_rect vfx_image_rod(const vfx_image *im);
VFX_API int32_t vfx_image_n_channels(const vfx_image *im);
/** The op's registry name ("constant", "box_blur", ...); static storage. */
VFX_API const char *vfx_image_op_name(const vfx_image *im);
VFX_API int32_t vfx_image_n_inputs(const vfx_image *im);
/** Input @p k, borrowed (valid while @p im lives); NULL when out of range. */
VFX_API vfx_image *vfx_image_input(const vfx_image *im, int32_t k);

/* ---- generators (no inputs) --------------------------------------------------------------
 * Each copies @p spec: its channel list (required) gives the channel count, spec->data the
 * region of definition (VFX_RECT_INFINITE is fine: sinks clip to the display window), and
 * spec->display the display window. Value arrays have one float per channel.
 * All return VFX_OK, VFX_ERR_ARG (message set) or VFX_ERR_NOMEM; *out is a new reference,
 * NULL on error. */

/** Every pixel = @p values. */
VFX_API vfx_status vfx_image_new_constant(const float *values, const vfx_spec *spec,
                                          vfx_image **out);
/** A checkerboard of @p size x @p size squares, @p a at (0, 0), @p b next to it. size >= 1. */
VFX_API vfx_status vfx_image_checker(const vfx_spec *spec, int32_t size, const float *a,
                                     const float *b, vfx_image **out);
/** A linear ramp across the display window, left to right (top to bottom when @p vertical):
 *  v = start + (end - start) * t at pixel centres, t = (x + 0.5 - display.x0) / display width
 *  (y and height when vertical). Extrapolates outside the display window, which must be
 *  finite. */
VFX_API vfx_status vfx_image_ramp(const vfx_spec *spec, int vertical, const float *start,
                                  const float *end, vfx_image **out);
/** Uniform white noise in [@p lo, @p hi), a pure function of (seed, x, y, channel): the same
 *  pixels whatever the tiling or thread count. */
VFX_API vfx_status vfx_image_noise(const vfx_spec *spec, uint64_t seed, float lo, float hi,
                                   vfx_image **out);

/* ---- ops (inputs are borrowed: the new node takes its own reference) ------------------- */

/** Restrict the region of definition to @p rect (data window := RoD(in) & rect). The display
 *  window is kept. */
VFX_API vfx_status vfx_image_crop(vfx_image *in, vfx_rect rect, vfx_image **out);
/** Separable box blur: the mean over a (2 rx + 1) x (2 ry + 1) window, rx, ry in [0, 4096].
 *  @p edge says how pixels outside the input's RoD read. With VFX_EDGE_BLACK the RoD grows by
 *  (rx, ry); with the other modes it stays the input's RoD. An Inf or NaN affects exactly
 *  the windows that hold it (tiles holding one take a slower exact path). */
VFX_API vfx_status vfx_image_box_blur(vfx_image *in, int32_t rx, int32_t ry, vfx_edge edge,
                                      vfx_image **out);
/** Per channel c: out = a[c] * in + b[c]. @p a and @p b hold one value per channel. */
VFX_API vfx_status vfx_image_mad(vfx_image *in, const float *a, const float *b, vfx_image **out);
/** The same pixels, channels and windows as @p in under the metadata @p attrs (copied; NULL =
 *  none). Costs nothing at render time (a pointwise no-op that fuses). Writers store what
 *  the top image's spec carries, so this is how an output gets its attributes. */
VFX_API vfx_status vfx_image_set_attrs(vfx_image *in, const vfx_attrs *attrs, vfx_image **out);

/* ---- the tile cache ----------------------------------------------------------------------
 * One process-wide LRU of rendered tiles keyed by (node, tile), with the byte budget
 * vfx_cache_bytes(). Tiles in use are pinned; the budget may be exceeded by the tiles pinned
 * at that moment (at most a few per worker). A sink run also frees the tiles it has gone past
 * and will not read again (drop-behind), so a streaming run holds about its working set (a
 * band of tile rows), not the whole image; VFX_DROP_BEHIND=0 in the environment turns that
 * off (tiles then stay until the budget evicts them). */

/** Counters since start (or the last vfx_cache_reset_stats()). */
typedef struct vfx_cache_info {
    size_t  size;           /**< sizeof(vfx_cache_info) */
    int64_t tiles_computed; /**< tiles rendered by ops: cached tiles plus sinks' output tiles */
    int64_t hits;           /**< requests served from the cache (including waits for in-flight) */
    int64_t misses;         /**< requests that had to compute the tile */
    int64_t waits;          /**< hits that waited for another worker computing that tile */
    int64_t evictions;
    int64_t bytes;          /**< pixel bytes held now */
    int64_t peak_bytes;     /**< highest `bytes` seen */
    int64_t entries;        /**< tiles held now */
    int64_t budget;         /**< the budget in force */
    int64_t released;       /**< tiles freed by drop-behind: a sink run had gone past them */
} vfx_cache_info;
#define VFX_CACHE_INFO_INIT { sizeof(vfx_cache_info), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** Fill @p out (its size field set by the caller). @return VFX_OK or VFX_ERR_ARG. */
VFX_API vfx_status vfx_cache_stats(vfx_cache_info *out);
/** Zero the counters and set peak_bytes to the bytes held now. Does not fail. */
VFX_API void vfx_cache_reset_stats(void);

#ifdef __cplusplus
}
#endif
#endif
