/* Files as lazy images: open a file as a vfx_image (its tiles are decoded on demand, aligned
 * with the file's native chunks), and write an image to a file through a streaming sink. */
#ifndef VFX_IMAGEIO_H
#define VFX_IMAGEIO_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/io.h"
#include "vfx/sink.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for vfx_image_open(). Always start from VFX_OPEN_OPTIONS_INIT. */
typedef struct vfx_open_options {
    size_t      size;     /**< sizeof(vfx_open_options) */
    int32_t     part;     /**< part / subimage, default 0 */
    int32_t     level;    /**< MIP level (RIP: level in x and y), default 0 */
    const char *channels; /**< comma-separated channel names to keep, in this order; NULL = all.
                               Only these channels are ever decoded. */
    const vfx_read_options *read; /**< reader options; NULL = defaults */
} vfx_open_options;
#define VFX_OPEN_OPTIONS_INIT { sizeof(vfx_open_options), 0, 0, NULL, NULL }

/** Open @p path as a lazy image: the header is parsed now; pixels are decoded only when a
 *  sink pulls them, chunk by chunk, through the tile cache. The image's spec is the file's
 *  (channel types as stored; ops compute in float). @p opt may be NULL.
 *  @return as vfx_reader_open(), or VFX_ERR_NOT_FOUND for an unknown channel name. */
VFX_API vfx_status vfx_image_open(const char *path, const vfx_open_options *opt, vfx_image **out);

/** The reader behind an image made by vfx_image_open() (borrowed, valid while the image
 *  lives), or NULL for any other image. For statistics and metadata. */
VFX_API vfx_reader *vfx_image_reader(const vfx_image *im);

/** Write the data window of @p im (its RoD, which must be finite) to @p path. Tiles are
 *  rendered on the thread pool in the order the writer wants (strips top to bottom, or
 *  tiles) and handed to the writer as they complete; memory stays bounded whatever the image
 *  size. The file appears only when everything succeeded (temporary file + rename).
 *  @p wopt and @p sopt may be NULL. */
VFX_API vfx_status vfx_image_write(vfx_image *im, const char *path, const vfx_write_options *wopt,
                                   const vfx_sink_options *sopt);

#ifdef __cplusplus
}
#endif
#endif
