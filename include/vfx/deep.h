/* Deep images: a variable number of samples per pixel (OpenEXR deep scanline and deep tiled
 * parts). A vfx_deep holds one part's data window: a sample count per pixel and, per channel,
 * the samples of every pixel one after the other. It is read whole (bounded by a limit),
 * flattened on demand into an ordinary lazy image, merged, held out, and written back. */
#ifndef VFX_DEEP_H
#define VFX_DEEP_H

#include <stddef.h>
#include <stdint.h>

#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/io.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfx_deep vfx_deep; /* opaque, reference-counted, immutable once made */

/** Options for vfx_deep_read(). Always start from VFX_DEEP_READ_OPTIONS_INIT. */
typedef struct vfx_deep_read_options {
    size_t  size;       /**< sizeof(vfx_deep_read_options) */
    int32_t part;       /**< part index, default 0 */
    int64_t max_values; /**< refuse more than this many stored values (samples x channels);
                             0 = VFX_DEEP_DEFAULT_MAX_VALUES */
} vfx_deep_read_options;
#define VFX_DEEP_READ_OPTIONS_INIT { sizeof(vfx_deep_read_options), 0, 0 }
/** 2^28 values = 1 GiB of samples. */
#define VFX_DEEP_DEFAULT_MAX_VALUES ((int64_t) 1 << 28)

/** Nonzero when @p part of the file at @p path is a deep EXR part (header read only).
 *  Does not fail: an unreadable or non-EXR file is "not deep". */
VFX_API int vfx_deep_file_is_deep(const char *path, int32_t part);

/** Read a deep part whole. Sample counts and sizes are checked against the limit before
 *  anything is allocated from them.
 *  @return VFX_OK, VFX_ERR_IO, VFX_ERR_CORRUPT, VFX_ERR_LIMIT, VFX_ERR_UNSUPPORTED (not a
 *  deep part); *out is a new reference, NULL on error. */
VFX_API vfx_status vfx_deep_read(const char *path, const vfx_deep_read_options *opt,
                                 vfx_deep **out);

/** vfx_deep_read() of an EXR file held in memory (@p name is for messages). @p data must
 *  stay valid during the call only. */
VFX_API vfx_status vfx_deep_read_memory(const void *data, size_t size, const char *name,
                                        const vfx_deep_read_options *opt, vfx_deep **out);

VFX_API vfx_deep *vfx_deep_ref(vfx_deep *d);
VFX_API void      vfx_deep_unref(vfx_deep *d); /* accepts NULL */

/** Spec: channels (file types: HALF, F32 or U32), data / display windows, attributes.
 *  Borrowed, valid while @p d lives. */
VFX_API const vfx_spec *vfx_deep_spec(const vfx_deep *d);
/** Samples of pixel (x, y); 0 outside the data window. */
VFX_API uint32_t vfx_deep_samples(const vfx_deep *d, int32_t x, int32_t y);
/** Total samples of all pixels. */
VFX_API int64_t vfx_deep_total_samples(const vfx_deep *d);
/** Value of channel @p c, sample @p s of pixel (x, y) as float (U32 channels: the integer
 *  value converted to float, as stored; see vfx_deep_value_u32). 0 when out of range. */
VFX_API float    vfx_deep_value(const vfx_deep *d, int32_t x, int32_t y, int32_t c, uint32_t s);
VFX_API uint32_t vfx_deep_value_u32(const vfx_deep *d, int32_t x, int32_t y, int32_t c,
                                    uint32_t s);

/** Options for vfx_deep_write(). Always start from VFX_DEEP_WRITE_OPTIONS_INIT. */
typedef struct vfx_deep_write_options {
    size_t      size;        /**< sizeof(vfx_deep_write_options) */
    const char *compression; /**< "none", "rle" or "zips" (default) */
    int32_t     tile_w, tile_h; /**< 0 = deep scanline, else deep tiled */
} vfx_deep_write_options;
#define VFX_DEEP_WRITE_OPTIONS_INIT { sizeof(vfx_deep_write_options), NULL, 0, 0 }

/** Write @p d as a one-part deep EXR file (temporary name, renamed on success). */
VFX_API vfx_status vfx_deep_write(const vfx_deep *d, const char *path,
                                  const vfx_deep_write_options *opt);

/** A lazy flat image of @p d: per pixel the samples sorted front to back by Z (then ZBack)
 *  and composited with "over" until opaque, as OpenImageIO's flatten does (details in
 *  docs/deep.md). Channels keep their names; types keep the file's unless a U32 channel is
 *  present (then all F32). Rendered tile by tile on demand. *out is a new reference. */
VFX_API vfx_status vfx_deep_flatten(vfx_deep *d, vfx_image **out);

/** Flat -> deep, as oiiotool --deepen (OIIO's deepen): one sample in each pixel where a
 *  channel other than Z / ZBack is nonzero (or, when the image has a Z channel, its Z or ZBack
 *  is), none elsewhere. Without a Z channel, a float Z of value @p z (oiiotool's default 1) is
 *  appended. 8-bit, 16-bit and half channels become half, the others float. The image is
 *  rendered whole; over the deep sample limit is VFX_ERR_LIMIT. *out is a new reference. */
VFX_API vfx_status vfx_deep_deepen(vfx_image *flat, float z, vfx_deep **out);

/** The deep data behind @p im when it is an unflattened deep image made by vfx_image_open()
 *  of a deep file (or vfx_deep_image()), else NULL. Borrowed, valid while @p im lives. */
VFX_API vfx_deep *vfx_image_deep(const vfx_image *im);
/** Wrap @p d as an image that is still deep (vfx_image_deep() returns it) and renders as its
 *  flattening when a flat consumer pulls pixels. *out is a new reference. */
VFX_API vfx_status vfx_deep_image(vfx_deep *d, vfx_image **out);

/** Statistics of a deep image, as oiiotool --stats shows them. */
typedef struct vfx_deep_stats {
    int64_t  total_samples;
    int64_t  pixels;                /**< data window area */
    int64_t  pixels_with_samples;
    uint32_t min_samples, max_samples;
    int64_t  n_at_max;              /**< pixels with max_samples samples */
    int32_t  max_x, max_y;          /**< first pixel (scanline order) with max_samples */
    int32_t  has_z;                 /**< 1 when a Z channel exists and some sample has it */
    float    min_z, max_z;
    int32_t  min_z_x, min_z_y, max_z_x, max_z_y;
    /** Per channel over all samples (U32 channels normalised by 2^32-1, as OIIO does):
     *  arrays of n_channels owned by the struct, free with vfx_deep_stats_clear(). */
    int32_t  n_channels;
    double  *min, *max, *sum, *sum2;
    int64_t *nan_count, *inf_count, *finite_count;
    /** histogram[k] = pixels with k samples, k = 0..max_samples. */
    int64_t *histogram;
} vfx_deep_stats;

VFX_API vfx_status vfx_deep_compute_stats(const vfx_deep *d, vfx_deep_stats *out);
VFX_API void       vfx_deep_stats_clear(vfx_deep_stats *s);

/** Merge two deep images sample by sample, as oiiotool --deepmerge (OIIO's deep_merge): per
 *  pixel the union of both sample lists, volumetric samples split where the other samples'
 *  depths fall inside them, samples over the same depth range combined, and with
 *  @p occlusion_cull (oiiotool's default) the samples behind the first with A >= 1 dropped
 *  (docs/deep.md). Channels are matched by name
 *  (both images need the same set); the result has @p a's channels and types and covers the
 *  union of the data windows. *out is a new reference. */
VFX_API vfx_status vfx_deep_merge(const vfx_deep *a, const vfx_deep *b, int occlusion_cull,
                                  vfx_deep **out);

/** Hold out @p src by @p holdout, as oiiotool --deepholdout (OIIO's deep_holdout): per pixel,
 *  the samples of @p src in front of the depth where @p holdout becomes opaque (the ZBack of
 *  its first sample with alpha >= 1); a volumetric sample across that depth is split there.
 *  The result has @p src's channels and data window. *out is a new reference. */
VFX_API vfx_status vfx_deep_holdout(const vfx_deep *src, const vfx_deep *holdout,
                                    vfx_deep **out);

#ifdef __cplusplus
}
#endif

#endif
