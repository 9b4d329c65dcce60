/* Helpers shared by the whole-image codec plugins (WebP, AVIF, HEIF): these libraries decode
 * a whole picture from a whole file in memory, and encode a whole picture at once.
 *
 * Access. Each plugin declares VFX_ACCESS_WHOLE_IMAGE with one chunk = the image, so the
 * engine asks for the whole picture in one read_rect() and keeps it in the tile cache,
 * counted in the budget. A read covering the whole image decodes straight into the request
 * and keeps nothing; a partial read (a caller reading strips by hand) decodes once into a
 * buffer that the plugin keeps until close, so later strips are not decoded again. */
#ifndef VFX_FMT_WHOLE_H
#define VFX_FMT_WHOLE_H

#include "io/fmt_util.h"

/** The whole data source in memory: memory sources are borrowed (*owned_out = NULL), files
 *  and callbacks are read into a new buffer (*owned_out, release with vfx__free). Refuses
 *  sources larger than @p max_bytes (VFX_ERR_LIMIT) and reports read failures (VFX_ERR_IO). */
vfx_status vfx__rd_slurp(vfx__rd *rd, uint64_t max_bytes, const uint8_t **data_out,
                         size_t *size_out, uint8_t **owned_out);


/** Codec options in the write options' compression string: "NAME[,KEY[=VALUE]]...", e.g.
 *  "lossless,method=6" or "avif,speed=4,sub=420,bits=10" (the level after the CLI's ':' is
 *  the write options' level). vfx__codec_name() copies NAME; vfx__codec_opt() finds KEY and
 *  copies its value ("" for a bare KEY), returning 1 when present, 0 when absent. */
void vfx__codec_name(const char *comp, char *name, size_t cap);
int  vfx__codec_opt(const char *comp, const char *key, char *val, size_t cap);

/** Check that every KEY of @p comp is one of @p keys (comma-separated list) and that NAME is
 *  one of @p names (comma-separated) or empty: VFX_ERR_ARG naming the offender. */
vfx_status vfx__codec_check(const char *comp, const char *names, const char *keys);

/** Integer option KEY in [lo, hi]: *out is set when present; VFX_ERR_ARG when malformed. */
vfx_status vfx__codec_opt_int(const char *comp, const char *key, int lo, int hi, int *out);

/** HDR metadata boxes of an ISO-BMFF (HEIF / AVIF) file, found by walking meta / iprp /
 *  ipco (written here: neither libavif 0.11 nor libheif 1.15 report them without decoding).
 *  clli: max content light level and max frame-average light level (cd/m^2); mdcv: the
 *  display primaries x, y (three pairs, in file order: usually G, B, R), white x, y, and the
 *  max and min mastering luminance (cd/m^2). Strict: a box extending past its parent stops
 *  the walk. Does not fail. */
typedef struct vfx__hdr_boxes {
    int     has_clli, has_mdcv;
    int32_t clli[2];
    float   mdcv[10];
} vfx__hdr_boxes;
void vfx__isobmff_hdr_boxes(const uint8_t *p, size_t n, vfx__hdr_boxes *out);

/** Store the HDR boxes as the attributes "CLLI" (int vector of 2) and "MDCV" (float vector
 *  of 10, as above). */
vfx_status vfx__hdr_boxes_attrs(const vfx__hdr_boxes *b, vfx_attrs *a);

/** Major and compatible brands of an ISO-BMFF "ftyp" box at the start of @p head: 1 when
 *  @p brand is among them. */
int vfx__ftyp_has_brand(const uint8_t *head, size_t n, const char *brand);
/** 1 when the major brand of the ftyp box is @p brand. */
int vfx__ftyp_major(const uint8_t *head, size_t n, const char *brand);

/** An EXIF payload as stored in HEIF / AVIF (a 4-byte big-endian offset to the TIFF header,
 *  then the block) or bare: a pointer to the TIFF header and its length, or NULL. */
const uint8_t *vfx__exif_tiff_start(const uint8_t *p, size_t n, size_t *len_out);

/** Writer side: the whole image gathered as packed rows of @p type (all channels). */
typedef struct vfx__whole_buf {
    uint8_t       *pix;
    vfx_pixel_type type;
    int32_t        width, height, n_ch;
    size_t         row_bytes;
} vfx__whole_buf;

vfx_status vfx__whole_buf_init(vfx__whole_buf *b, const vfx__wr *wr, vfx_pixel_type type);
vfx_status vfx__whole_buf_put(vfx__whole_buf *b, const vfx__wr *wr, vfx_rect rect,
                              vfx_pixel_type type, const void *src, ptrdiff_t x_stride,
                              ptrdiff_t y_stride);
void       vfx__whole_buf_free(vfx__whole_buf *b);

#endif
