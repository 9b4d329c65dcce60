/* Helpers shared by the format plugins: moving decoded rows into a read request, packing a
 * writer's input into a file's layout, the list of chunks a writer compresses ahead of their
 * turn, buffered sequential output, and a small strict EXIF reader. */
#ifndef VFX_FMT_UTIL_H
#define VFX_FMT_UTIL_H

#include "io/io_int.h"

/** Copy the requested channels of one decoded row into @p req. @p row holds pixels of
 *  @p n_ch packed values of @p type starting at column @p row_x0 and covers req->rect.x0 ..
 *  x1; @p y is the image row (inside req->rect). Does not fail for valid requests. */
vfx_status vfx__req_put_row(const vfx__read_req *req, int32_t y, const uint8_t *row,
                            vfx_pixel_type type, int32_t n_ch, int32_t row_x0);

/** The same for a whole decoded block: @p buf holds rows of @p stride bytes starting at
 *  (@p x0, @p y0) and covers req->rect. */
vfx_status vfx__req_put_block(const vfx__read_req *req, const uint8_t *buf, vfx_pixel_type type,
                              int32_t n_ch, int32_t x0, int32_t y0, size_t stride);

/** Pack @p width pixels of @p n_ch values (caller layout: @p src of @p src_type, x_stride
 *  bytes between pixels) into @p dst as packed @p dst_type. */
vfx_status vfx__pack_row(const uint8_t *src, vfx_pixel_type src_type, ptrdiff_t x_stride,
                         uint8_t *dst, vfx_pixel_type dst_type, int32_t width, int32_t n_ch);

/** Chunks compressed ahead of their turn (a format's write_encode()), kept until its
 *  write_commit() stores them in order (EXR, TIFF). */
typedef struct vfx__enc_chunk {
    int32_t  tx, ty; /* the format's position of the chunk: tile (x, y), or row / strip */
    uint32_t index;  /* or its number in the file (TIFF strips and tiles) */
    uint64_t size;
    uint8_t *data;   /* owned: vfx__alloc */
} vfx__enc_chunk;

typedef struct vfx__enc_list {
    int32_t        lx, ly; /* the level the chunks belong to (EXR) */
    int32_t        n;      /* chunks filled, freed by vfx__enc_list_free */
    vfx__enc_chunk c[];
} vfx__enc_list;

/** A zeroed list with room for @p n chunks, or NULL when out of memory (no message set). */
vfx__enc_list *vfx__enc_list_new(int64_t n);
/** Free a list and its first ->n chunks' data; accepts NULL. The shape of a format's
 *  write_enc_free. Does not fail. */
void           vfx__enc_list_free(vfx__wr *wr, void *list);

/** Sequential buffered output to a writer's temporary file (for codecs that emit bytes in
 *  order: libpng, libjpeg, the hand-written formats). The first error sticks. */
typedef struct vfx__outbuf {
    vfx__wr   *wr;
    uint8_t   *buf;
    size_t     len, cap;
    uint64_t   offset; /* file offset of buf[0] */
    vfx_status err;
} vfx__outbuf;

vfx_status vfx__outbuf_init(vfx__outbuf *ob, vfx__wr *wr, size_t cap);
/** Append bytes; returns the sticky status. */
vfx_status vfx__outbuf_put(vfx__outbuf *ob, const void *p, size_t n);
vfx_status vfx__outbuf_flush(vfx__outbuf *ob);
/** Release the buffer (no flush); accepts a zeroed struct. Does not fail. */
void       vfx__outbuf_free(vfx__outbuf *ob);

/** Parse an EXIF block (TIFF header "II*\0" / "MM\0*", optionally preceded by "Exif\0\0")
 *  into attributes: "Orientation" and the common IFD0 / Exif IFD tags ("Make", "Model",
 *  "Software", "DateTime", "Artist", "Copyright", "ImageDescription", "Exif:ExposureTime",
 *  "Exif:FNumber", "Exif:ISOSpeedRatings", "Exif:FocalLength", "Exif:DateTimeOriginal").
 *  Strict: any offset or count outside the block ends parsing of that IFD; a damaged block
 *  yields fewer attributes, never an error except VFX_ERR_NOMEM. */
vfx_status vfx__exif_parse(const uint8_t *p, size_t n, vfx_attrs *attrs);

/** Set a blob attribute (data copied). */
vfx_status vfx__set_blob(vfx_attrs *a, const char *name, const char *type_name, const void *p,
                         size_t n);

/** Check width x height against limits and the reader's max_pixels. */
vfx_status vfx__check_size(const vfx__rd *rd, int64_t width, int64_t height);

/** Fill part 0 of a single-part, single-level reader: rect {0,0,w,h}, display = data, and the
 *  chunking. Allocates the parts and levels. */
vfx_status vfx__simple_part(vfx__rd *rd, int32_t width, int32_t height, vfx_access access,
                            int32_t chunk_w, int32_t chunk_h);

/** Fill the level arrays of part @p p (already holding n_levels 1) with a single level. */
vfx_status vfx__part_one_level(vfx__part *p, vfx_rect data, vfx_access access, int32_t chunk_w,
                               int32_t chunk_h);

/** Look up an attribute of the writer's spec by name and type; NULL when absent or of
 *  another type. */
const vfx_attr_value *vfx__wr_attr(const vfx__wr *wr, const char *name, vfx_attr_type type);

#endif
