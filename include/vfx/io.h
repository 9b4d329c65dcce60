/* Unified, streaming image I/O: one reader and one writer interface for every format.
 *
 * A reader exposes parts (EXR parts, TIFF directories, ...), the resolution levels of each
 * part (MIP / RIP pyramids), the spec of each part, and its native chunking with an access
 * pattern. Pixels come from vfx_reader_read_rect(), which decodes only the chunks a rect
 * touches and only the requested channels. Readers are thread-safe: many threads may read
 * from one reader at once.
 *
 * A writer takes a spec and options, declares the order in which it wants pixels (strips
 * top to bottom, or tiles), writes to a temporary file in the destination folder and renames
 * it over the destination only when vfx_writer_close() succeeds. */
#ifndef VFX_IO_H
#define VFX_IO_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/sink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================================================
 * Reading
 * ========================================================================================== */

typedef struct vfx_reader vfx_reader; /* opaque */

/** User I/O callbacks (pread-like). read() must be safe to call from many threads at once.
 *  It returns the number of bytes read (short only at end of data) or -1 on error. */
typedef struct vfx_io {
    size_t size; /**< sizeof(vfx_io) */
    void  *user; /**< passed back unchanged */
    int64_t (*read)(void *user, void *buf, uint64_t n, uint64_t offset);
    /** Total size of the data in bytes, or -1 when unknown. */
    int64_t (*get_size)(void *user);
    /** Called once by vfx_reader_close(); may be NULL. */
    void (*close)(void *user);
} vfx_io;

/** Flags for vfx_read_options.flags. */
enum {
    VFX_READ_STRICT      = 1u << 0, /**< refuse files with header inconsistencies */
    VFX_READ_NO_METADATA = 1u << 1, /**< skip optional attributes (the spec keeps only
                                         channels, windows and the basic EXR ones) */
    VFX_READ_HEADER_ONLY = 1u << 2  /**< open files whose pixels vfx cannot decode (deep,
                                         DWA) to look at their specs; reads then fail */
};

/** Options for vfx_reader_open(). Always start from VFX_READ_OPTIONS_INIT. */
typedef struct vfx_read_options {
    size_t        size;       /**< sizeof(vfx_read_options): lets the struct grow */
    uint32_t      flags;      /**< VFX_READ_STRICT | VFX_READ_NO_METADATA */
    int32_t       reserved;
    int64_t       max_pixels; /**< refuse larger images; 0 = vfx_max_pixels() */
    const vfx_io *io;         /**< NULL = plain file, else pread-style callbacks (path is then
                                   only a name for messages and format detection) */
    const char   *format;     /**< force a format by name ("openexr"); NULL = detect */
} vfx_read_options;
#define VFX_READ_OPTIONS_INIT { sizeof(vfx_read_options), 0, 0, 0, NULL, NULL }

/** How a format stores pixels, and so how a consumer should pull them. */
typedef enum vfx_access {
    VFX_ACCESS_RANDOM_TILES    = 1, /**< any tile may be read at the same cost (EXR, TIFF tiled) */
    VFX_ACCESS_RANDOM_STRIPS   = 2, /**< any strip of rows at the same cost (EXR scanline) */
    VFX_ACCESS_SEQUENTIAL_ROWS = 3, /**< rows decode top to bottom only (PNG, JPEG) */
    VFX_ACCESS_WHOLE_IMAGE     = 4  /**< the whole image decodes at once (WebP, AVIF) */
} vfx_access;

/** The native chunk grid of one level of one part. Chunk (i, j) covers
 *  {origin_x + i * chunk_w, origin_y + j * chunk_h, ... + chunk_w, ... + chunk_h} clipped to
 *  the level's data window. Strips have chunk_w = data window width. */
typedef struct vfx_chunking {
    vfx_access access;
    int32_t    chunk_w, chunk_h;   /**< tile size, or (width, rows per strip) */
    int32_t    origin_x, origin_y; /**< grid origin: the data window's top-left */
    int32_t    n_x, n_y;           /**< chunks across and down */
} vfx_chunking;

/** Resolution levels of a part. */
typedef enum vfx_level_mode {
    VFX_LEVELS_ONE    = 0, /**< one level */
    VFX_LEVELS_MIPMAP = 1, /**< levels (l, l), each half the previous */
    VFX_LEVELS_RIPMAP = 2  /**< levels (lx, ly) halved independently in x and y */
} vfx_level_mode;

/** Open @p path and parse its header (no pixels decoded). @p opt may be NULL.
 *  The format is detected from the first bytes (the extension only breaks ties).
 *  @return VFX_OK, VFX_ERR_IO, VFX_ERR_CORRUPT, VFX_ERR_LIMIT or VFX_ERR_UNSUPPORTED (message
 *  set, e.g. "exr: beauty.exr: chunk 12: ..."); *out is NULL on error.
 *  Release with vfx_reader_close(). */
VFX_API vfx_status vfx_reader_open(const char *path, const vfx_read_options *opt,
                                   vfx_reader **out);

/** Open an image held in memory. @p data must stay valid and unchanged until
 *  vfx_reader_close(). @p name_hint (may be NULL) names the data in messages and breaks
 *  detection ties by its extension (a bare "exr" works too). */
VFX_API vfx_status vfx_reader_open_memory(const void *data, size_t size, const char *name_hint,
                                          const vfx_read_options *opt, vfx_reader **out);

/** Release; accepts NULL. No read may be running. Does not fail. */
VFX_API void vfx_reader_close(vfx_reader *r);

/** "openexr"; static storage. Does not fail. */
VFX_API const char *vfx_reader_format_name(const vfx_reader *r);

/** Number of parts (subimages); >= 1 for an open reader. Does not fail. */
VFX_API int32_t vfx_reader_part_count(const vfx_reader *r);

/** The spec of @p part at level 0: channels with their types and samplings, data and display
 *  windows, attributes. Borrowed: valid until vfx_reader_close().
 *  @return VFX_ERR_ARG when @p part is out of range. */
VFX_API vfx_status vfx_reader_spec(const vfx_reader *r, int32_t part, const vfx_spec **out);

/** Part name (EXR "name" attribute) and view ("view" attribute, or the view a multi-view
 *  single-part file's default layer belongs to); NULL when the file has none. Borrowed. */
VFX_API const char *vfx_reader_part_name(const vfx_reader *r, int32_t part);
VFX_API const char *vfx_reader_part_view(const vfx_reader *r, int32_t part);

/** Resolution levels of @p part: mode and number of levels in x and y (1, 1 for a single
 *  level; n, n for a MIP map; nx, ny for a RIP map). Any out pointer may be NULL. */
VFX_API vfx_status vfx_reader_levels(const vfx_reader *r, int32_t part, vfx_level_mode *mode_out,
                                     int32_t *n_x_out, int32_t *n_y_out);

/** Data window of a level: the level-0 origin with the level's size. */
VFX_API vfx_status vfx_reader_level_rect(const vfx_reader *r, int32_t part, int32_t level_x,
                                         int32_t level_y, vfx_rect *out);

/** Native chunk grid and access pattern of a level. */
VFX_API vfx_status vfx_reader_chunking(const vfx_reader *r, int32_t part, int32_t level_x,
                                       int32_t level_y, vfx_chunking *out);

/** Decode @p rect of a level into a caller buffer.
 *
 *  @p channels lists the part's channel indexes to return, in the order wanted (NULL = all,
 *  in spec order); only those channels are decoded. Values are converted to @p type (core.h
 *  conventions) and stored packed within each pixel: the value of channel k of pixel (x, y)
 *  goes to dst + (y - rect.y0) * y_stride + (x - rect.x0) * x_stride + k * size(type).
 *  Pixels of @p rect outside the level's data window are set to 0. Subsampled channels are
 *  returned at full resolution (each sample repeated over its x_sampling x y_sampling block).
 *  Only the chunks the rect touches are read. Thread-safe.
 *  @return VFX_OK; VFX_ERR_ARG for bad arguments; VFX_ERR_CORRUPT / VFX_ERR_IO for bad data
 *  (message names the file and the chunk); VFX_ERR_UNSUPPORTED for a valid file vfx cannot
 *  decode (deep data, DWAA/DWAB). */
VFX_API vfx_status vfx_reader_read_rect(vfx_reader *r, int32_t part, int32_t level_x,
                                        int32_t level_y, vfx_rect rect, const int32_t *channels,
                                        int32_t n_channels, vfx_pixel_type type, void *dst,
                                        ptrdiff_t x_stride, ptrdiff_t y_stride);

/** Counters since open (summed over all threads). */
typedef struct vfx_reader_stats {
    int64_t chunks_read; /**< chunks decoded */
    int64_t bytes_read;  /**< bytes read from the file or memory, headers included */
} vfx_reader_stats;

/** Does not fail. */
VFX_API void vfx_reader_get_stats(const vfx_reader *r, vfx_reader_stats *out);

/* ============================================================================================
 * Writing
 * ========================================================================================== */

typedef struct vfx_writer vfx_writer; /* opaque */

/** Options for vfx_writer_open(). Always start from VFX_WRITE_OPTIONS_INIT. */
typedef struct vfx_write_options {
    size_t         size;        /**< sizeof(vfx_write_options) */
    const char    *format;      /**< "openexr"; NULL = from the file extension */
    const char    *compression; /**< format-specific name ("zip", "piz", ...); NULL = default */
    int32_t        level;       /**< compression level / quality; -1 = format default */
    int32_t        tile_w;      /**< > 0: write tiles of tile_w x tile_h; 0 = strips */
    int32_t        tile_h;
    vfx_pixel_type pixel_type;  /**< store every channel as this type; UNKNOWN = as the spec */
    uint32_t       flags;       /**< VFX_WRITE_* flags */
    /* resolution levels (EXR, tiled only) */
    vfx_level_mode levels;       /**< ONE (default), MIPMAP or RIPMAP */
    int32_t        level_round;  /**< VFX_LEVEL_ROUND_DOWN (default) or _UP: level sizes are
                                      floor (ceil) of the level-0 size / 2^level, at least 1 */
    const char    *level_filter; /**< vfx_image_write_levels(): resize filter making each
                                      level from the previous one (ops.h names); NULL = box */
} vfx_write_options;
#define VFX_WRITE_OPTIONS_INIT                                                                \
    { sizeof(vfx_write_options), NULL, NULL, -1, 0, 0, VFX_PIXEL_UNKNOWN, 0,                 \
      VFX_LEVELS_ONE, 0, NULL }

/** vfx_write_options.flags. */
enum {
    /** OpenEXR: write an ACES container file (SMPTE ST 2065-4): acesImageContainerFlag = 1,
     *  ACES AP0 chromaticities and adoptedNeutral, half R,G,B(,A) scanlines, compression
     *  none, piz (the default) or b44a. Anything else is refused with VFX_ERR_ARG, as are
     *  pixels labelled with other chromaticities (convert them to ACES2065-1 first). */
    VFX_WRITE_ACES = 1u << 0
};

/** vfx_write_options.level_round. */
enum { VFX_LEVEL_ROUND_DOWN = 0, VFX_LEVEL_ROUND_UP = 1 };

/** Create a writer for one image. Nothing appears at @p path until vfx_writer_close()
 *  succeeds: pixels go to a temporary file in the same folder. @p spec is copied.
 *  @return VFX_ERR_ARG (bad spec or options), VFX_ERR_UNSUPPORTED (format cannot store it),
 *  VFX_ERR_IO. */
VFX_API vfx_status vfx_writer_open(const char *path, const vfx_spec *spec,
                                   const vfx_write_options *opt, vfx_writer **out);

/** Create a writer for a multi-part file (OpenEXR): part i has spec @p specs[i] and options
 *  @p opts[i] (@p opts may be NULL, and any entry NULL, for defaults; pass the same pointer
 *  n times to share one). Each part's name is its spec's "openexr:name" attribute, else its
 *  "openexr:view", else "subimage<NN>" (as oiiotool); names must be unique. Parts with an
 *  "openexr:view" make the file multi-view: part 0 also gets the "multiView" list of the views (its own
 *  first: the default view). Every header is written at open; pixels are then written part
 *  after part, in order (vfx_writer_set_part()). One part is a plain single-part file. RIP levels
 *  are refused in multi-part files. @return as vfx_writer_open(); VFX_ERR_UNSUPPORTED for a
 *  format that stores one image per file. */
VFX_API vfx_status vfx_writer_open_parts(const char *path, int32_t n_parts,
                                         const vfx_spec *specs,
                                         const vfx_write_options *const *opts,
                                         vfx_writer **out);

/** Number of parts of the file (1 for vfx_writer_open()). Does not fail (0 for NULL). */
VFX_API int32_t vfx_writer_part_count(const vfx_writer *w);

/** Make part @p part the target of the following level, chunking and write calls (part 0
 *  at open). OpenEXR stores parts one after the other: parts are written in order, each
 *  complete (every pixel of every level) before vfx_writer_set_part() moves to the next.
 *  @return VFX_ERR_ARG for a part the file does not have, or out of order. */
VFX_API vfx_status vfx_writer_set_part(vfx_writer *w, int32_t part);

/** Resolution levels the writer stores (vfx_write_options.levels): mode and counts in x and
 *  y, as vfx_reader_levels(). Any out pointer may be NULL. */
VFX_API vfx_status vfx_writer_levels(const vfx_writer *w, vfx_level_mode *mode_out,
                                     int32_t *n_x_out, int32_t *n_y_out);

/** Data window of level (@p level_x, @p level_y): the level-0 origin with the level's size. */
VFX_API vfx_status vfx_writer_level_rect(const vfx_writer *w, int32_t level_x, int32_t level_y,
                                         vfx_rect *out);

/** Make level (@p level_x, @p level_y) the target of the following vfx_writer_write_rect()
 *  calls (level (0, 0) at open). Levels may be written in any order; a MIP map has only the
 *  levels (l, l). vfx_writer_chunking() then describes this level's tile grid.
 *  @return VFX_ERR_ARG for a level the file does not have. */
VFX_API vfx_status vfx_writer_set_level(vfx_writer *w, int32_t level_x, int32_t level_y);

/** The chunk grid the writer stores. RANDOM_STRIPS: rows must arrive top to bottom
 *  (any number of whole rows per call); RANDOM_TILES: whole tiles in any order. */
VFX_API vfx_status vfx_writer_chunking(const vfx_writer *w, vfx_chunking *out);

/** Write the pixels of @p rect (all channels of the spec, packed within each pixel, of
 *  @p type; strides in bytes as for vfx_reader_read_rect()). For strips, @p rect covers the
 *  full data width and starts at the next unwritten row; for tiles, its edges lie on the tile
 *  grid (or on the data window's far edges). Not thread-safe: one caller at a time.
 *  @return VFX_ERR_ARG for a rect out of order or off the grid; VFX_ERR_IO. */
VFX_API vfx_status vfx_writer_write_rect(vfx_writer *w, vfx_rect rect, vfx_pixel_type type,
                                         const void *src, ptrdiff_t x_stride, ptrdiff_t y_stride);

/** Finish and release. With @p failed = 0 and every pixel written, the file is completed,
 *  flushed and renamed to its path; otherwise (or on any error) the temporary file is
 *  removed and the destination left as it was. Accepts NULL.
 *  @return VFX_OK, VFX_ERR_STATE when pixels are missing (file removed), VFX_ERR_IO. */
VFX_API vfx_status vfx_writer_close(vfx_writer *w, int failed);

/* ============================================================================================
 * Files as lazy images, and the file sink
 * ========================================================================================== */

/** A lazy image of one part and resolution level of a file. The node's cache grid is the
 *  file's chunk grid, so rendering any rect decodes only the chunks it touches, each once
 *  (while cached). The node owns its reader; the spec's channel types are the file's.
 *  @return as vfx_reader_open(), or VFX_ERR_ARG for a part / level the file lacks.
 *  *out is a new reference. */
VFX_API vfx_status vfx_image_read(const char *path, int32_t part, int32_t level_x,
                                  int32_t level_y, const vfx_read_options *opt,
                                  vfx_image **out);

/** Options for vfx_image_open(). Always start from VFX_OPEN_OPTIONS_INIT. */
typedef struct vfx_open_options {
    size_t      size;     /**< sizeof(vfx_open_options) */
    int32_t     part;     /**< part / subimage, default 0 */
    int32_t     level_x;  /**< resolution level (MIP: level_x = level_y), default 0 */
    int32_t     level_y;
    const char *channels; /**< comma-separated channel names to keep, in this order; NULL =
                               all. Only these channels are ever decoded. */
    const vfx_read_options *read; /**< reader options; NULL = defaults */
} vfx_open_options;
#define VFX_OPEN_OPTIONS_INIT { sizeof(vfx_open_options), 0, 0, 0, NULL, NULL }

/** vfx_image_read() with options: a channel subset (only those channels are decoded, in the
 *  order asked). Sequential decoders (PNG, JPEG, HDR) become VFX_OP_SEQUENTIAL sources whose
 *  reads the engine serialises and sinks pull top to bottom; scanline files are cached in
 *  strips of whole chunks (at least 32 rows); whole-image codecs as one tile.
 *  @return as vfx_image_read(), or VFX_ERR_NOT_FOUND for an unknown channel name (the
 *  message names the file). @p opt may be NULL. */
VFX_API vfx_status vfx_image_open(const char *path, const vfx_open_options *opt, vfx_image **out);

/** Reader statistics of an image made by vfx_image_read() (VFX_ERR_ARG for another op). */
VFX_API vfx_status vfx_image_read_stats(const vfx_image *im, vfx_reader_stats *out);

/** Render @p im into a file (one level: wopt->levels must be ONE; vfx_image_write_levels()
 *  in ops.h writes MIP / RIP pyramids). The region is, in order: the sink options' REGION or
 *  DATA_WINDOW, else the image's data window when finite, else its display window. Tiles
 *  are rendered on the pool and handed to the writer in its order; on success the file
 *  appears at @p path, on error or cancel nothing does (and an old file is left alone).
 *  @p wopt and @p sopt may be NULL. */
VFX_API vfx_status vfx_image_write(vfx_image *im, const char *path,
                                   const vfx_write_options *wopt, const vfx_sink_options *sopt);

/** Render @p im into @p n files in one pass (oiiotool's "-o a.exr -o b.png"): each tile is
 *  rendered once and handed to every writer, so the graph above it (a file decode, a colour
 *  transform) runs once, not once per file. Each file is what vfx_image_write(im, paths[i],
 *  wopts[i], sopt) makes. @p wopts: NULL, or n entries (each may be NULL). When the writers'
 *  chunk heights do not fit one strip (tiles taller than 256 rows, or tiled files with
 *  different tile heights) the files are written one after the other. When rendering fails
 *  or is cancelled none of the files appears; when a file cannot be finished (closed), the
 *  files finished before it stay. */
VFX_API vfx_status vfx_image_write_many(vfx_image *im, int32_t n, const char *const *paths,
                                        const vfx_write_options *const *wopts,
                                        const vfx_sink_options *sopt);

/** Render @p n images as the parts of one multi-part file (OpenEXR), streamed part after
 *  part, each as vfx_image_write() would (region from @p sopt or its data window). Part
 *  names and views come from each image's "openexr:name" / "openexr:view" attributes (see
 *  vfx_writer_open_parts()). @p wopts: NULL, or n entries (each may be NULL; repeat one
 *  pointer to share it). On error or cancel nothing appears at @p path. */
VFX_API vfx_status vfx_image_write_parts(vfx_image *const *ims, int32_t n, const char *path,
                                         const vfx_write_options *const *wopts,
                                         const vfx_sink_options *sopt);

/* ============================================================================================
 * Formats
 * ========================================================================================== */

/** Name of the format that would read @p path by its extension, or NULL. Static storage. */
VFX_API const char *vfx_format_from_extension(const char *path);

/** What a built-in format is and can do (static strings, never NULL: "" when unknown). */
typedef struct vfx_format_info {
    const char *name;        /**< "openexr": the name vfx_read_options.format takes */
    const char *extensions;  /**< "exr,sxr,mxr" */
    int         can_read;
    int         can_write;
    const char *description; /**< one line: what, and through which library */
    const char *write_notes; /**< one line: types, channels, compressions the writer takes */
} vfx_format_info;

/** Number of built-in formats. */
VFX_API int32_t    vfx_format_count(void);
/** The @p i-th format (0 <= i < vfx_format_count()); VFX_ERR_ARG otherwise. */
VFX_API vfx_status vfx_format_info_at(int32_t i, vfx_format_info *out);

#ifdef __cplusplus
}
#endif
#endif
