/* Private I/O layer: the format plugin interface and the reader / writer state that io.c
 * shares with the fmt_*.c plugins. */
#ifndef VFX_IO_INT_H
#define VFX_IO_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/core_int.h"
#include "vfx/io.h"

typedef struct vfx_reader vfx__rd;
typedef struct vfx_writer vfx__wr;

/** One part (subimage) as the plugin describes it at open(). */
typedef struct vfx__part {
    vfx_spec        spec;       /* level 0; owned */
    char           *name;       /* owned, may be NULL */
    char           *view;       /* owned, may be NULL */
    vfx_level_mode  level_mode;
    int32_t         n_levels_x, n_levels_y;
    /* Per level, index lx + ly * n_levels_x (MIP maps fill only lx == ly): data window and
     * chunk grid. Owned arrays of n_levels_x * n_levels_y entries. */
    vfx_rect       *level_rect;
    vfx_chunking   *level_chunking;
} vfx__part;

/** A pixel request handed to a plugin: already validated; rect is non-empty and lies inside
 *  the level's data window; dst points at the pixel (rect.x0, rect.y0). */
typedef struct vfx__read_req {
    int32_t        part, level_x, level_y;
    vfx_rect       rect;
    const int32_t *channels;   /* never NULL here */
    int32_t        n_channels;
    vfx_pixel_type type;
    uint8_t       *dst;
    ptrdiff_t      x_stride, y_stride;
} vfx__read_req;

/** A format plugin: one const instance per fmt_*.c (STYLE §7). open() is cheap and reads the
 *  header only; pixels come from read_rect(), which must be thread-safe. */
typedef struct vfx_format {
    size_t      size;
    const char *name;       /* "openexr" */
    const char *tag;        /* "exr": the first word of this format's error messages */
    const char *extensions; /* "exr,sxr,mxr" */
    /** 0..100 confidence that @p head (the first n bytes, n may be short) is this format. */
    int (*probe)(const uint8_t *head, size_t n);
    vfx_status (*open)(vfx__rd *rd);
    vfx_status (*read_rect)(vfx__rd *rd, const vfx__read_req *req);
    void (*close)(vfx__rd *rd);
    /* Writing (NULL when the format is read-only). */
    vfx_status (*write_open)(vfx__wr *wr);
    vfx_status (*write_rect)(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                             ptrdiff_t x_stride, ptrdiff_t y_stride);
    /** Complete (failed = 0) or abandon the file contents; io.c then renames or removes. */
    vfx_status (*write_close)(vfx__wr *wr, int failed);
    /* For `vfx formats` and vfx_format_info_at(): one line each, NULL = none. */
    const char *description;  /* "OpenEXR (OpenEXRCore 3.1)": what and through which library */
    const char *write_notes;  /* what the writer takes: types, channels, compressions, options */
    /** Optional: open @p n parts of one file (wrs[0] owns the temporary file; each writer
     *  has its spec and options). On error every part is closed. wrs[i]->priv per part;
     *  write_close() is called on parts n-1 .. 0, so part 0 finishes the file last. */
    vfx_status (*write_open_parts)(vfx__wr *const *wrs, int32_t n);
    /** With write_open_parts: write out what part @p wr still holds (it is complete; the
     *  next part follows). */
    vfx_status (*write_flush)(vfx__wr *wr);
    /** Optional: encode (compress) @p rect ahead of its turn, on any thread, concurrently
     *  with other write_encode() calls and with the write in progress; *enc_out = NULL when
     *  this rect cannot be encoded apart (it then goes through write_rect()). */
    vfx_status (*write_encode)(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                               ptrdiff_t x_stride, ptrdiff_t y_stride, void **enc_out);
    /** Write what write_encode() made for @p rect, in the writer's order (where write_rect()
     *  would have been called); always takes @p enc. */
    vfx_status (*write_commit)(vfx__wr *wr, vfx_rect rect, void *enc);
    /** Free an encoding never committed (an error stopped the sink). */
    void (*write_enc_free)(vfx__wr *wr, void *enc);
    /** Optional: the one pixel type write_rect() turns every value into, with
     *  vfx__pack_row(), whatever the caller's type; VFX_PIXEL_UNKNOWN = not so. A sink may
     *  then pack pixels to it itself, chunk by chunk, and write that type (a plain copy). */
    vfx_pixel_type (*write_row_type)(vfx__wr *wr);
} vfx_format;

struct vfx_reader {
    const vfx_format *fmt;
    char             *path; /* owned */
    const char       *name; /* basename of path, for messages */
    /* data source: exactly one of fd >= 0, mem, io.read */
    int               fd;
    const uint8_t    *mem;
    vfx_io            io;
    int64_t           file_size; /* -1 when unknown */
    uint32_t          flags;
    int64_t           max_pixels;
    int32_t           n_parts;
    vfx__part        *parts; /* owned, n_parts */
    void             *priv;  /* plugin state */
    _Atomic int64_t   chunks_read;
    _Atomic int64_t   bytes_read;
};

struct vfx_writer {
    const vfx_format *fmt;
    char             *path;     /* owned: the destination */
    char             *tmp_path; /* owned: the temporary file in the same folder */
    const char       *name;     /* basename of path, for messages */
    int               fd;
    vfx_spec          spec;     /* owned copy */
    vfx_write_options opt;      /* copy; strings below */
    char             *compression; /* owned copy of opt.compression or NULL */
    vfx_chunking      chunking; /* set by write_open() */
    int32_t           next_row; /* strips: next row expected */
    int64_t           pixels_written;
    /* resolution levels: the plugin fills them in write_open() when it stores levels (else
     * io.c sets one level = the data window); level_x / level_y = the level written now */
    vfx_level_mode    level_mode;
    int32_t           n_levels_x, n_levels_y;
    vfx_rect         *level_rect; /* owned, n_levels_x * n_levels_y (index lx + ly * n_x) */
    int32_t           level_x, level_y;
    void             *priv;     /* plugin state */
    /* multi-part files (vfx_writer_open_parts): parts[0] is this writer, the owner of the
     * file; the others own only their spec, options and levels. 0 / NULL for one part. */
    int32_t           n_parts, cur_part;
    vfx_writer      **parts;
};

/** pread from the reader's source, counting bytes. Returns bytes read (short at end of
 *  data) or -1 (errno-style failure; no message set). Thread-safe. */
int64_t vfx__rd_read(vfx__rd *rd, void *buf, uint64_t n, uint64_t offset);

/** Add @p n to the decoded-chunk counter. Thread-safe, does not fail. */
void vfx__rd_count_chunks(vfx__rd *rd, int64_t n);

/** pwrite to the writer's temporary file. VFX_ERR_IO with message on failure. */
vfx_status vfx__wr_write(vfx__wr *wr, const void *buf, uint64_t n, uint64_t offset);

/** sink_write.c: render @p im over @p region (the writer's current level) into @p w, in the
 *  writer's order; and the region vfx_image_write() writes (sink options, else the data
 *  window when finite, else the display window). */
vfx_status vfx__write_level(vfx_image *im, vfx_writer *w, vfx_rect region,
                            const vfx_sink_options *sopt);
vfx_status vfx__write_region(vfx_image *im, const vfx_sink_options *sopt, vfx_rect *out);

/** Parallel writing (io.c): encode @p rect of the current part and level on any thread,
 *  ahead of its turn (*enc_out = NULL when the format cannot: use vfx_writer_write_rect());
 *  then, in the writer's order, vfx__writer_commit() writes it (and always takes @p enc);
 *  vfx__writer_enc_free() drops one never committed. */
vfx_status vfx__writer_encode(vfx_writer *w, vfx_rect rect, vfx_pixel_type type, const void *src,
                              ptrdiff_t x_stride, ptrdiff_t y_stride, void **enc_out);
vfx_status vfx__writer_commit(vfx_writer *w, vfx_rect rect, void *enc);
void       vfx__writer_enc_free(vfx_writer *w, void *enc);
/** The format's write_row_type() for the current part, or VFX_PIXEL_UNKNOWN. */
vfx_pixel_type vfx__writer_row_type(vfx_writer *w);

/** A plugin stores its parts through this: allocates @p n zeroed parts. */
vfx_status vfx__rd_alloc_parts(vfx__rd *rd, int32_t n);
/** Allocate the per-level arrays of a part after n_levels_x / n_levels_y are set. */
vfx_status vfx__part_alloc_levels(vfx__part *p);

/** The plugins (one line each). */
extern const vfx_format vfx__fmt_exr;
extern const vfx_format vfx__fmt_png;
extern const vfx_format vfx__fmt_tiff;
extern const vfx_format vfx__fmt_jpeg;
extern const vfx_format vfx__fmt_hdr;
extern const vfx_format vfx__fmt_dpx;
extern const vfx_format vfx__fmt_pnm;
extern const vfx_format vfx__fmt_bmp;
extern const vfx_format vfx__fmt_tga;
extern const vfx_format vfx__fmt_jp2;
extern const vfx_format vfx__fmt_webp;
extern const vfx_format vfx__fmt_avif;
extern const vfx_format vfx__fmt_heif;

#endif
