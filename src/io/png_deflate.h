/* PNG image data (the IDAT stream) filtered and deflated in parallel: see png_deflate.c. */
#ifndef VFX_PNG_DEFLATE_H
#define VFX_PNG_DEFLATE_H

#include "io/fmt_util.h"

/** Row filters (PNG filter types 0..4) and the per-row adaptive choice. */
enum {
    VFX__PNG_FILTER_NONE = 0,
    VFX__PNG_FILTER_SUB = 1,
    VFX__PNG_FILTER_UP = 2,
    VFX__PNG_FILTER_AVG = 3,
    VFX__PNG_FILTER_PAETH = 4,
    VFX__PNG_FILTER_ADAPTIVE = 5 /* each row: the filter with the least sum of |byte| */
};

typedef struct vfx__pngz vfx__pngz;

/** Start the IDAT stream of an image of @p height rows of @p row_bytes bytes (samples packed,
 *  16-bit ones big-endian), @p bpp bytes per pixel, zlib @p level 0..9, @p filter as above.
 *  The chunks go to @p out (after whatever it holds: signature, IHDR, ...). @p threads > 1
 *  lets bands of rows be compressed on the global pool. */
vfx_status vfx__pngz_new(size_t row_bytes, int bpp, int32_t height, int level, int filter,
                         int32_t threads, vfx__outbuf *out, vfx__pngz **z_out);
/** Where the caller puts the next row (row_bytes bytes); valid until vfx__pngz_push(). */
uint8_t   *vfx__pngz_row(vfx__pngz *z);
/** The row returned by vfx__pngz_row() is complete. Compresses and writes bands as they fill;
 *  after the last row the IDAT stream is complete in @p out. */
vfx_status vfx__pngz_push(vfx__pngz *z);
/** Stop (waiting for tasks still running) and free; accepts NULL. Does not fail. */
void       vfx__pngz_free(vfx__pngz *z);

/** Filter one row: @p out gets the filter type byte then row_bytes filtered bytes. @p prior
 *  is the previous row (NULL for the first row of the image). Does not fail. */
void vfx__png_filter_row(int filter, const uint8_t *row, const uint8_t *prior, size_t row_bytes,
                         int bpp, uint8_t *out, uint8_t *scratch);

#endif
