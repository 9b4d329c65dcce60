/* Deep EXR parts (deep scanline and deep tiled) read into and written from a vfx_deep, through
 * OpenEXRCore's chunk API.
 *
 * Reading runs OpenEXRCore's decode pipeline per chunk for the read and decompress stages and
 * its sample-count table unpacking; the unpack of the sample values into our planar per-channel
 * arrays is done here (OpenEXRCore's own deep unpacker wants one pointer per pixel). Two passes:
 * first every chunk's sample counts (EXR_DECODE_SAMPLE_DATA_ONLY), so the total is known and
 * checked against the limit before any sample memory is allocated; then the sample data.
 *
 * Writing packs each chunk (cumulative sample counts per row, then per row, per channel in file
 * order, per pixel its samples, little-endian) and compresses the count table and the data with
 * the part's compression: ZIP / ZIPS through libdeflate (exr_zip.c, the format's own predictor
 * and interleave), RLE by hand below (OpenEXRCore 3.1.5 has no public compressor entry for a
 * bare buffer; the format is a few lines: the same predictor and interleave, then byte runs),
 * NONE as is. The chunks go out with exr_write_deep_scanline_chunk / exr_write_deep_tile_chunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openexr.h>

#include "io/deep_int.h"
#include "io/exr_zip.h"

static _Thread_local char tl_msg[512];

static void
on_error(exr_const_context_t ctxt, exr_result_t code, const char *msg)
{
    (void) ctxt;
    (void) code;
    snprintf(tl_msg, sizeof tl_msg, "%s", msg ? msg : "");
}

static vfx_status
core_fail(exr_result_t rv, const char *what)
{
    vfx_status code = rv == EXR_ERR_OUT_OF_MEMORY                            ? VFX_ERR_NOMEM
                      : rv == EXR_ERR_FILE_ACCESS || rv == EXR_ERR_WRITE_IO ? VFX_ERR_IO
                                                                             : VFX_ERR_CORRUPT;
    return vfx__fail(code, "%s: %s", what,
                     tl_msg[0] ? tl_msg : exr_get_default_error_message(rv));
}

static int
is_deep_storage(exr_storage_t st)
{
    return st == EXR_STORAGE_DEEP_SCANLINE || st == EXR_STORAGE_DEEP_TILED;
}

typedef struct mem_src {
    const uint8_t *p;
    size_t         n;
} mem_src;

static int64_t
mem_read(exr_const_context_t ctxt, void *user, void *buf, uint64_t sz, uint64_t off,
         exr_stream_error_func_ptr_t error_cb)
{
    (void) ctxt;
    (void) error_cb;
    const mem_src *m = user;
    if (off >= m->n)
        return 0;
    uint64_t k = VFX__MIN(sz, m->n - off);
    memcpy(buf, m->p + off, (size_t) k);
    return (int64_t) k;
}

static int64_t
mem_size(exr_const_context_t ctxt, void *user)
{
    (void) ctxt;
    return (int64_t) ((const mem_src *) user)->n;
}

/* A file, or memory when @p mem is set (@p path is then a name for messages). */
static exr_result_t
start_read_src(const char *path, mem_src *mem, exr_context_t *ctx)
{
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_error;
    if (mem) {
        init.user_data = mem;
        init.read_fn = mem_read;
        init.size_fn = mem_size;
    }
    tl_msg[0] = '\0';
    return exr_start_read(ctx, path, &init);
}

static exr_result_t
start_read(const char *path, exr_context_t *ctx)
{
    return start_read_src(path, NULL, ctx);
}

int
vfx_deep_file_is_deep(const char *path, int32_t part)
{
    if (!path)
        return 0;
    exr_context_t ctx = NULL;
    if (start_read(path, &ctx) != EXR_ERR_SUCCESS) {
        exr_finish(&ctx);
        return 0;
    }
    int n = 0;
    exr_storage_t st = EXR_STORAGE_SCANLINE;
    int deep = exr_get_count(ctx, &n) == EXR_ERR_SUCCESS && part >= 0 && part < n &&
               exr_get_storage(ctx, part, &st) == EXR_ERR_SUCCESS && is_deep_storage(st);
    exr_finish(&ctx);
    return deep;
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct chunk_ref {
    int32_t x0, y0, w, h; /* pixels, absolute */
    exr_chunk_info_t ci;
} chunk_ref;

typedef struct deep_reader {
    exr_context_t ctx;
    int           part;
    vfx_deep     *d;
    int32_t       n_file;     /* file channels */
    int32_t      *spec_of;    /* file channel -> spec channel */
    int32_t      *bytes;      /* file channel -> 2 or 4 */
    int64_t       bytes_per_sample;
    exr_compression_t comp;
    int64_t       max_values;
    int32_t       tile_w, tile_h;
    /* the chunk being unpacked: cumulative counts (native), sample bytes */
    const int32_t *cum;
    const uint8_t *bytes_in;
    uint64_t       bytes_n;
    /* NONE compression: raw reads, bypassing the pipeline */
    int32_t       *raw_table;
    uint8_t       *raw_data;
    size_t         raw_table_cap, raw_data_cap;
} deep_reader;

/* Chunk info of chunk k (scanline block or level-0 tile) with its pixel rect, validated. */
static vfx_status
chunk_at(deep_reader *r, exr_storage_t st, int32_t tile_w, int32_t tile_h, int32_t nx,
         int32_t lines, int32_t k, chunk_ref *out)
{
    vfx_rect dw = r->d->spec.data;
    exr_result_t rv;
    char what[64];
    snprintf(what, sizeof what, "chunk %d", (int) k);
    if (st == EXR_STORAGE_DEEP_TILED) {
        int32_t tx = k % nx, ty = k / nx;
        rv = exr_read_tile_chunk_info(r->ctx, r->part, tx, ty, 0, 0, &out->ci);
        out->x0 = dw.x0 + tx * tile_w;
        out->y0 = dw.y0 + ty * tile_h;
    } else {
        int32_t y = dw.y0 + k * lines;
        rv = exr_read_scanline_chunk_info(r->ctx, r->part, y, &out->ci);
        out->x0 = dw.x0;
        out->y0 = y;
    }
    if (rv != EXR_ERR_SUCCESS)
        return core_fail(rv, what);
    out->w = out->ci.width;
    out->h = out->ci.height;
    vfx_rect cr = vfx_rect_make(out->x0, out->y0, out->w, out->h);
    if (out->w <= 0 || out->h <= 0 || !vfx_rect_contains(dw, cr))
        return vfx__fail(VFX_ERR_CORRUPT, "%s: %d x %d at (%d, %d) outside the data window",
                         what, out->w, out->h, out->x0, out->y0);
    uint64_t table = (uint64_t) out->w * (uint64_t) out->h * 4u;
    uint64_t full = (uint64_t) r->tile_w * (uint64_t) r->tile_h * 4u;
    if (out->ci.sample_count_table_size == 0 ||
        out->ci.sample_count_table_size > VFX__MAX(table, full) * 2 + 1024 ||
        (r->comp == EXR_COMPRESSION_NONE && out->ci.sample_count_table_size != table &&
         out->ci.sample_count_table_size != (uint64_t) r->tile_w * (uint64_t) r->tile_h * 4u))
        return vfx__fail(VFX_ERR_CORRUPT, "%s: sample count table of %" PRIu64
                         " bytes for %d x %d pixels", what, out->ci.sample_count_table_size,
                         out->w, out->h);
    /* OpenEXR's C++ library stores an uncompressed count table (compression NONE, or one
     * that did not shrink) at the full tile size, the clipped table first: keep that part,
     * which is what the table is for this (partial) tile */
    if (full != table && out->ci.sample_count_table_size == full)
        out->ci.sample_count_table_size = table;
    if (out->ci.unpacked_size > (uint64_t) r->max_values * 4u)
        return vfx__fail(VFX_ERR_LIMIT, "%s: %" PRIu64 " bytes of samples is over the limit",
                         what, out->ci.unpacked_size);
    if (r->comp == EXR_COMPRESSION_NONE && out->ci.packed_size != out->ci.unpacked_size &&
        out->ci.unpacked_size != 0)
        return vfx__fail(VFX_ERR_CORRUPT, "%s: uncompressed chunk of %" PRIu64
                         " bytes declares %" PRIu64, what, out->ci.packed_size,
                         out->ci.unpacked_size);
    return VFX_OK;
}

static int
grow(void **buf, size_t *cap, size_t n)
{
    if (*cap >= n && *buf)
        return 0;
    vfx__free(*buf);
    *buf = vfx__alloc(n ? n : 1);
    *cap = *buf ? n : 0;
    return *buf ? 0 : -1;
}

/* NONE compression: the chunk as stored. OpenEXR's C++ library writes the count table of a
 * partial uncompressed tile at the full tile size (the clipped table first), which
 * OpenEXRCore 3.1.5's pipeline does not expect: read it directly. */
static vfx_status
read_raw_chunk(deep_reader *r, const chunk_ref *c, int counts_only)
{
    size_t tn = (size_t) c->ci.sample_count_table_size, dn = (size_t) c->ci.packed_size;
    if (counts_only)
        dn = 0;
    if (grow((void **) &r->raw_table, &r->raw_table_cap, tn) != 0 ||
        grow((void **) &r->raw_data, &r->raw_data_cap, dn) != 0)
        return vfx__nomem();
    tl_msg[0] = '\0';
    exr_result_t rv = exr_read_deep_chunk(r->ctx, r->part, &c->ci, dn ? r->raw_data : NULL,
                                          r->raw_table);
    if (rv != EXR_ERR_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "chunk at (%d, %d)", c->x0, c->y0);
        return core_fail(rv, what);
    }
    uint8_t *b = (uint8_t *) r->raw_table;
    for (size_t i = 0; i < tn / 4; i++)
        r->raw_table[i] = (int32_t) ((uint32_t) b[4 * i] | ((uint32_t) b[4 * i + 1] << 8) |
                                     ((uint32_t) b[4 * i + 2] << 16) |
                                     ((uint32_t) b[4 * i + 3] << 24));
    r->cum = r->raw_table;
    r->bytes_in = r->raw_data;
    r->bytes_n = dn;
    return VFX_OK;
}

/* Run the pipeline on one chunk; counts_only skips the sample data. */
static vfx_status
decode_chunk(deep_reader *r, exr_decode_pipeline_t *dec, int *first, const chunk_ref *c,
             int counts_only)
{
    if (r->comp == EXR_COMPRESSION_NONE)
        return read_raw_chunk(r, c, counts_only);
    exr_result_t rv;
    char what[64];
    snprintf(what, sizeof what, "chunk at (%d, %d)", c->x0, c->y0);
    if (*first) {
        rv = exr_decoding_initialize(r->ctx, r->part, &c->ci, dec);
        if (rv == EXR_ERR_SUCCESS) {
            /* The default routines are only chosen when some channel has a destination; ours
             * is never used (the unpack stage is ours) but must look valid. */
            static uint8_t dummy[8];
            for (int i = 0; i < dec->channel_count; i++) {
                dec->channels[i].decode_to_ptr = dummy;
                dec->channels[i].user_pixel_stride = 4;
                dec->channels[i].user_line_stride = 4;
                dec->channels[i].user_bytes_per_element = 4;
                dec->channels[i].user_data_type = EXR_PIXEL_FLOAT;
            }
            rv = exr_decoding_choose_default_routines(r->ctx, r->part, dec);
        }
        *first = 0;
    } else {
        rv = exr_decoding_update(r->ctx, r->part, &c->ci, dec);
    }
    if (rv != EXR_ERR_SUCCESS)
        return core_fail(rv, what);
    dec->unpack_and_convert_fn = NULL;
    dec->realloc_nonimage_data_fn = NULL;
    if (counts_only)
        dec->decode_flags |= EXR_DECODE_SAMPLE_DATA_ONLY;
    else
        dec->decode_flags &= (uint16_t) ~EXR_DECODE_SAMPLE_DATA_ONLY;
    dec->decode_flags &= (uint16_t) ~EXR_DECODE_SAMPLE_COUNTS_AS_INDIVIDUAL;
    tl_msg[0] = '\0';
    rv = exr_decoding_run(r->ctx, r->part, dec);
    if (rv != EXR_ERR_SUCCESS)
        return core_fail(rv, what);
    if (!dec->sample_count_table)
        return vfx__fail(VFX_ERR_CORRUPT, "%s: no sample count table", what);
    r->cum = dec->sample_count_table;
    r->bytes_in = dec->unpacked_buffer;
    r->bytes_n = counts_only ? 0 : dec->chunk.unpacked_size;
    return VFX_OK;
}

/* The table is cumulative per row: turn it into counts, checking it never goes down. */
static vfx_status
row_counts(const int32_t *cum, int32_t w, uint32_t *out, int32_t y)
{
    int32_t prev = 0;
    for (int32_t x = 0; x < w; x++) {
        if (cum[x] < prev)
            return vfx__fail(VFX_ERR_CORRUPT, "row %d: sample count table goes down at x = %d",
                             (int) y, (int) x);
        out[x] = (uint32_t) (cum[x] - prev);
        prev = cum[x];
    }
    return VFX_OK;
}

static vfx_status
read_counts(deep_reader *r, exr_decode_pipeline_t *dec, int *first, const chunk_ref *c)
{
    VFX_TRY(decode_chunk(r, dec, first, c, 1));
    vfx_deep *d = r->d;
    for (int32_t y = 0; y < c->h; y++) {
        uint32_t *row = d->counts + (int64_t) (c->y0 - d->spec.data.y0 + y) * d->w +
                        (c->x0 - d->spec.data.x0);
        VFX_TRY(row_counts(r->cum + (int64_t) y * c->w, c->w, row,
                           c->y0 + y));
    }
    return VFX_OK;
}

static vfx_status
read_samples(deep_reader *r, exr_decode_pipeline_t *dec, int *first, const chunk_ref *c)
{
    VFX_TRY(decode_chunk(r, dec, first, c, 0));
    vfx_deep *d = r->d;
    uint64_t n = 0;
    for (int32_t y = 0; y < c->h; y++) {
        int64_t i0 = (int64_t) (c->y0 - d->spec.data.y0 + y) * d->w + (c->x0 - d->spec.data.x0);
        const int32_t *cum = r->cum + (int64_t) y * c->w;
        int32_t prev = 0;
        for (int32_t x = 0; x < c->w; x++) {
            if ((uint32_t) (cum[x] - prev) != d->counts[i0 + x])
                return vfx__fail(VFX_ERR_CORRUPT, "row %d: sample counts changed between reads",
                                 c->y0 + y);
            prev = cum[x];
        }
        n += (uint64_t) d->offsets[i0 + c->w] - (uint64_t) d->offsets[i0];
    }
    if (n * (uint64_t) r->bytes_per_sample > r->bytes_n || (n > 0 && !r->bytes_in))
        return vfx__fail(VFX_ERR_CORRUPT, "chunk at (%d, %d): %" PRIu64 " samples need more than "
                         "its %" PRIu64 " bytes", c->x0, c->y0, n, r->bytes_n);
    const uint8_t *p = r->bytes_in;
    for (int32_t y = 0; y < c->h; y++) {
        int64_t i0 = (int64_t) (c->y0 - d->spec.data.y0 + y) * d->w + (c->x0 - d->spec.data.x0);
        for (int32_t fc = 0; fc < r->n_file; fc++) {
            int32_t sc = r->spec_of[fc];
            uint32_t *dst = d->data[sc];
            for (int32_t x = 0; x < c->w; x++) {
                int64_t o = d->offsets[i0 + x];
                uint32_t ns = d->counts[i0 + x];
                if (r->bytes[fc] == 2) {
                    for (uint32_t s = 0; s < ns; s++, p += 2) {
                        float f = vfx_half_to_float((uint16_t) (p[0] | (p[1] << 8)));
                        memcpy(&dst[o + s], &f, 4);
                    }
                } else {
                    for (uint32_t s = 0; s < ns; s++, p += 4)
                        dst[o + s] = (uint32_t) p[0] | ((uint32_t) p[1] << 8) |
                                     ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
                }
            }
        }
    }
    return VFX_OK;
}

static vfx_status
read_part(deep_reader *r)
{
    exr_result_t rv;
    exr_storage_t st;
    if ((rv = exr_get_storage(r->ctx, r->part, &st)) != EXR_ERR_SUCCESS)
        return core_fail(rv, "header");
    if (!is_deep_storage(st))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "part %d is not deep", (int) r->part);
    if ((rv = exr_get_compression(r->ctx, r->part, &r->comp)) != EXR_ERR_SUCCESS)
        return core_fail(rv, "header");
    if (r->comp != EXR_COMPRESSION_NONE && r->comp != EXR_COMPRESSION_RLE &&
        r->comp != EXR_COMPRESSION_ZIPS && r->comp != EXR_COMPRESSION_ZIP)
        return vfx__fail(VFX_ERR_CORRUPT, "compression %d is not allowed for deep data",
                         (int) r->comp);
    const exr_attr_chlist_t *cl = NULL;
    if ((rv = exr_get_channels(r->ctx, r->part, &cl)) != EXR_ERR_SUCCESS)
        return core_fail(rv, "header");
    vfx_deep *d = r->d;
    if (!cl || cl->num_channels != d->n_channels)
        return vfx__fail(VFX_ERR_CORRUPT, "channel list changed");
    r->n_file = cl->num_channels;
    r->spec_of = vfx__calloc((size_t) r->n_file, sizeof *r->spec_of);
    r->bytes = vfx__calloc((size_t) r->n_file, sizeof *r->bytes);
    if (!r->spec_of || !r->bytes)
        return vfx__nomem();
    for (int32_t fc = 0; fc < r->n_file; fc++) {
        const exr_attr_chlist_entry_t *e = &cl->entries[fc];
        int32_t sc = e->name.str ? vfx_channels_find(d->spec.channels, e->name.str) : -1;
        if (sc < 0 || e->x_sampling != 1 || e->y_sampling != 1)
            return vfx__fail(VFX_ERR_CORRUPT, "channel %d: unknown or subsampled", (int) fc);
        r->spec_of[fc] = sc;
        r->bytes[fc] = e->pixel_type == EXR_PIXEL_HALF ? 2 : 4;
        d->types[sc] = e->pixel_type == EXR_PIXEL_HALF   ? VFX_PIXEL_HALF
                       : e->pixel_type == EXR_PIXEL_UINT ? VFX_PIXEL_U32
                                                         : VFX_PIXEL_F32;
        r->bytes_per_sample += r->bytes[fc];
    }

    int32_t tile_w = 0, tile_h = 0, nx = 1, ny = 1, lines = 1, n_chunks;
    if (st == EXR_STORAGE_DEEP_TILED) {
        uint32_t tw = 0, th = 0;
        exr_tile_level_mode_t lm;
        exr_tile_round_mode_t rm;
        if ((rv = exr_get_tile_descriptor(r->ctx, r->part, &tw, &th, &lm, &rm)) !=
                EXR_ERR_SUCCESS ||
            (rv = exr_get_level_sizes(r->ctx, r->part, 0, 0, &nx, &ny)) != EXR_ERR_SUCCESS)
            return core_fail(rv, "tiles");
        if (tw == 0 || th == 0 || tw > 65536 || th > 65536 || nx != d->w || ny != d->h)
            return vfx__fail(VFX_ERR_CORRUPT, "tiles of %u x %u, level 0 of %d x %d", tw, th,
                             nx, ny);
        nx = (int32_t) ((d->w + (int64_t) tw - 1) / tw);
        ny = (int32_t) ((d->h + (int64_t) th - 1) / th);
        tile_w = r->tile_w = (int32_t) tw;
        tile_h = r->tile_h = (int32_t) th;
        n_chunks = nx * ny;
    } else {
        if ((rv = exr_get_scanlines_per_chunk(r->ctx, r->part, &lines)) != EXR_ERR_SUCCESS)
            return core_fail(rv, "header");
        if (lines <= 0)
            return vfx__fail(VFX_ERR_CORRUPT, "%d scanlines per chunk", lines);
        n_chunks = (int32_t) ((d->h + lines - 1) / lines);
    }

    exr_decode_pipeline_t dec = EXR_DECODE_PIPELINE_INITIALIZER;
    int first = 1;
    vfx_status s = VFX_OK;
    chunk_ref c;
    for (int32_t k = 0; s == VFX_OK && k < n_chunks; k++) {
        s = chunk_at(r, st, tile_w, tile_h, nx, lines, k, &c);
        if (s == VFX_OK)
            s = read_counts(r, &dec, &first, &c);
    }
    exr_decoding_destroy(r->ctx, &dec);
    if (s != VFX_OK)
        return s;
    VFX_TRY(vfx__deep_alloc_samples(d, r->max_values));
    exr_decode_pipeline_t dec2 = EXR_DECODE_PIPELINE_INITIALIZER;
    first = 1;
    for (int32_t k = 0; s == VFX_OK && k < n_chunks; k++) {
        s = chunk_at(r, st, tile_w, tile_h, nx, lines, k, &c);
        if (s == VFX_OK)
            s = read_samples(r, &dec2, &first, &c);
    }
    exr_decoding_destroy(r->ctx, &dec2);
    return s;
}

static vfx_status
deep_read_src(const char *path, mem_src *mem, const vfx_deep_read_options *opt, vfx_deep **out)
{
    if (!path || !out)
        return vfx__fail(VFX_ERR_ARG, "deep read: NULL argument");
    *out = NULL;
    vfx_deep_read_options o = VFX_DEEP_READ_OPTIONS_INIT;
    if (opt)
        memcpy(&o, opt, VFX__MIN(opt->size, sizeof o));
    if (o.max_values <= 0)
        o.max_values = VFX_DEEP_DEFAULT_MAX_VALUES;

    /* the spec (channel order, windows, attributes) as the ordinary reader publishes it */
    vfx_read_options ro = VFX_READ_OPTIONS_INIT;
    ro.flags = VFX_READ_HEADER_ONLY;
    vfx_reader *rd = NULL;
    const vfx_spec *sp = NULL;
    ro.format = "openexr";
    vfx_status s = mem ? vfx_reader_open_memory(mem->p, mem->n, path, &ro, &rd)
                       : vfx_reader_open(path, &ro, &rd);
    if (s == VFX_OK)
        s = vfx_reader_spec(rd, o.part, &sp);
    deep_reader r;
    memset(&r, 0, sizeof r);
    r.part = o.part;
    r.max_values = o.max_values;
    if (s == VFX_OK)
        s = vfx__deep_new(sp, &r.d);
    vfx_reader_close(rd);
    if (s == VFX_OK) {
        exr_result_t rv = start_read_src(path, mem, &r.ctx);
        s = rv == EXR_ERR_SUCCESS ? read_part(&r) : core_fail(rv, "header");
    }
    exr_finish(&r.ctx);
    vfx__free(r.spec_of);
    vfx__free(r.bytes);
    vfx__free(r.raw_table);
    vfx__free(r.raw_data);
    if (s != VFX_OK) {
        vfx_deep_unref(r.d);
        const char *slash = strrchr(path, '/');
        vfx__error_prefix("exr: %s: ", slash ? slash + 1 : path);
        return s;
    }
    *out = r.d;
    return VFX_OK;
}

vfx_status
vfx_deep_read(const char *path, const vfx_deep_read_options *opt, vfx_deep **out)
{
    return deep_read_src(path, NULL, opt, out);
}

vfx_status
vfx_deep_read_memory(const void *data, size_t size, const char *name,
                     const vfx_deep_read_options *opt, vfx_deep **out)
{
    if (!data)
        return vfx__fail(VFX_ERR_ARG, "deep read: NULL data");
    mem_src m = { data, size };
    return deep_read_src(name ? name : "memory.exr", &m, opt, out);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* EXR's ZIP and RLE preprocessing: bytes split into even- and odd-indexed halves, then each
 * byte replaced by its difference to the previous one, plus 128. */
static void
predict_interleave(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t half = (n + 1) / 2;
    for (size_t i = 0; i < n; i++)
        out[(i & 1) ? half + i / 2 : i / 2] = in[i];
    uint8_t prev = n ? out[0] : 0;
    for (size_t i = 1; i < n; i++) {
        uint8_t cur = out[i];
        out[i] = (uint8_t) (cur - prev + 128);
        prev = cur;
    }
}

/* Compress n bytes for the part's compression. *out_owned is set when *out was allocated
 * (free with vfx__free); a result that does not shrink is the input itself (stored raw). */
static vfx_status
compress_block(exr_compression_t comp, const uint8_t *in, size_t n, const uint8_t **out,
               size_t *out_n, void **out_owned)
{
    *out = in;
    *out_n = n;
    *out_owned = NULL;
    if (n == 0 || comp == EXR_COMPRESSION_NONE)
        return VFX_OK;
    if (comp == EXR_COMPRESSION_RLE) {
        uint8_t *tmp = vfx__alloc(n);
        uint8_t *dst = vfx__alloc(n + n / 127 + 16);
        if (!tmp || !dst) {
            vfx__free(tmp);
            vfx__free(dst);
            return vfx__nomem();
        }
        predict_interleave(in, n, tmp);
        size_t z = vfx__exr_rle_encode(tmp, n, dst);
        vfx__free(tmp);
        if (z >= n) {
            vfx__free(dst);
            return VFX_OK;
        }
        *out = dst;
        *out_n = z;
        *out_owned = dst;
        return VFX_OK;
    }
    exr_encode_pipeline_t enc;
    memset(&enc, 0, sizeof enc);
    enc.packed_buffer = (void *) (uintptr_t) in;
    enc.packed_bytes = n;
    exr_result_t rv = vfx__exr_zip_compress(&enc, 4);
    if (rv != EXR_ERR_SUCCESS) {
        if (enc.compressed_alloc_size)
            vfx__free(enc.compressed_buffer);
        return rv == EXR_ERR_OUT_OF_MEMORY ? vfx__nomem()
                                           : vfx__fail(VFX_ERR_INTERNAL, "deflate failed");
    }
    if (enc.compressed_bytes >= n) {
        vfx__free(enc.compressed_buffer);
        return VFX_OK;
    }
    *out = enc.compressed_buffer;
    *out_n = enc.compressed_bytes;
    *out_owned = enc.compressed_buffer;
    return VFX_OK;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
    p[3] = (uint8_t) (v >> 24);
}

/* Pack the chunk (x0, y0, w, h) of d: cumulative count table and sample data. */
static vfx_status
pack_chunk(const vfx_deep *d, const int32_t *file_to_spec, const int32_t *bytes, int32_t n_file,
           int64_t bps, int32_t x0, int32_t y0, int32_t w, int32_t h, size_t table_cap,
           uint8_t **table_out,
           uint8_t **data_out, size_t *data_n)
{
    int64_t n = 0;
    for (int32_t y = 0; y < h; y++) {
        int64_t i0 = (int64_t) (y0 - d->spec.data.y0 + y) * d->w + (x0 - d->spec.data.x0);
        n += d->offsets[i0 + w] - d->offsets[i0];
        if (n > INT32_MAX)
            return vfx__fail(VFX_ERR_LIMIT, "deep write: more than 2^31 samples in one chunk");
    }
    uint8_t *table = vfx__calloc(VFX__MAX(table_cap, (size_t) w * (size_t) h * 4u), 1);
    uint8_t *data = vfx__alloc((size_t) VFX__MAX(n * bps, 1));
    if (!table || !data) {
        vfx__free(table);
        vfx__free(data);
        return vfx__nomem();
    }
    uint8_t *p = data;
    for (int32_t y = 0; y < h; y++) {
        int64_t i0 = (int64_t) (y0 - d->spec.data.y0 + y) * d->w + (x0 - d->spec.data.x0);
        uint32_t cum = 0;
        for (int32_t x = 0; x < w; x++) {
            cum += d->counts[i0 + x];
            put32(table + ((size_t) y * (size_t) w + (size_t) x) * 4u, cum);
        }
        for (int32_t fc = 0; fc < n_file; fc++) {
            const uint32_t *src = d->data[file_to_spec[fc]];
            int64_t a = d->offsets[i0], b = d->offsets[i0 + w];
            if (bytes[fc] == 2) {
                for (int64_t s = a; s < b; s++, p += 2) {
                    float f;
                    memcpy(&f, &src[s], 4);
                    uint16_t hv = vfx_float_to_half(f);
                    p[0] = (uint8_t) hv;
                    p[1] = (uint8_t) (hv >> 8);
                }
            } else {
                for (int64_t s = a; s < b; s++, p += 4)
                    put32(p, src[s]);
            }
        }
    }
    *table_out = table;
    *data_out = data;
    *data_n = (size_t) (n * bps);
    return VFX_OK;
}

static vfx_status
write_chunk(exr_context_t ctx, exr_storage_t st, exr_compression_t comp, const vfx_deep *d,
            const int32_t *file_to_spec, const int32_t *bytes, int32_t n_file, int64_t bps,
            int32_t x0, int32_t y0, int32_t w, int32_t h, int32_t tx, int32_t ty,
            size_t full_table_n, uint8_t *empty_out)
{
    uint8_t *table = NULL, *data = NULL;
    size_t data_n = 0;
    VFX_TRY(pack_chunk(d, file_to_spec, bytes, n_file, bps, x0, y0, w, h, full_table_n, &table,
                       &data, &data_n));
    size_t table_n = (size_t) w * (size_t) h * 4u;
    const uint8_t *zt = NULL, *zd = NULL;
    size_t zt_n = 0, zd_n = 0;
    void *own_t = NULL, *own_d = NULL;
    vfx_status s = compress_block(comp, table, table_n, &zt, &zt_n, &own_t);
    /* A count table stored uncompressed (NONE, or it did not shrink) goes out at the full
     * tile size, zero padded, as OpenEXR's C++ library writes it: its reader tells a stored
     * table from a compressed one by that size. */
    if (s == VFX_OK && zt == table && st == EXR_STORAGE_DEEP_TILED && full_table_n > zt_n)
        zt_n = full_table_n;
    if (s == VFX_OK)
        s = compress_block(comp, data, data_n, &zd, &zd_n, &own_d);
    /* OpenEXRCore 3.1.5 refuses to write a chunk of 0 bytes, which is what a chunk without
     * samples is (fixed in later versions): such a chunk goes out with one byte, removed
     * from the finished file (compact_empty_chunks). */
    static const uint8_t one_byte[1] = { 0 };
    if (s == VFX_OK && zd_n == 0) {
        zd = one_byte;
        zd_n = 1;
        *empty_out = 1;
    }
    if (s == VFX_OK) {
        tl_msg[0] = '\0';
        exr_result_t rv =
            st == EXR_STORAGE_DEEP_TILED
                ? exr_write_deep_tile_chunk(ctx, 0, tx, ty, 0, 0, zd, zd_n, data_n,
                                            zt, zt_n)
                : exr_write_deep_scanline_chunk(ctx, 0, y0, zd, zd_n, data_n, zt,
                                                zt_n);
        if (rv != EXR_ERR_SUCCESS)
            s = core_fail(rv, "write chunk");
    }
    vfx__free(own_t);
    vfx__free(own_d);
    vfx__free(table);
    vfx__free(data);
    return s;
}

static vfx_status
parse_compression(const char *name, exr_compression_t *out)
{
    if (!name || !strcmp(name, "zips")) {
        *out = EXR_COMPRESSION_ZIPS;
    } else if (!strcmp(name, "none")) {
        *out = EXR_COMPRESSION_NONE;
    } else if (!strcmp(name, "rle")) {
        *out = EXR_COMPRESSION_RLE;
    } else {
        /* OpenEXR allows only these three for deep parts */
        return vfx__fail(VFX_ERR_ARG,
                         "deep EXR compression '%s': deep data takes none, rle or zips", name);
    }
    return VFX_OK;
}

/* Declare the part and write every chunk into ctx. */
static vfx_status
write_all(exr_context_t ctx, const vfx_deep *d, exr_compression_t comp, int32_t tw, int32_t th,
          uint8_t *empty, int32_t *n_chunks_out)
{
    exr_storage_t st = tw > 0 ? EXR_STORAGE_DEEP_TILED : EXR_STORAGE_DEEP_SCANLINE;
    int part = 0;
    exr_result_t rv = exr_add_part(ctx, NULL, st, &part);
    vfx_rect dw = d->spec.data, disp = d->spec.display;
    if (vfx_rect_is_empty(disp) || vfx_rect_is_infinite(disp))
        disp = dw;
    if (rv == EXR_ERR_SUCCESS)
        rv = exr_initialize_required_attr_simple(ctx, part, d->w, d->h, comp);
    exr_attr_box2i_t b, db;
    b.min.x = dw.x0;
    b.min.y = dw.y0;
    b.max.x = dw.x1 - 1;
    b.max.y = dw.y1 - 1;
    db.min.x = disp.x0;
    db.min.y = disp.y0;
    db.max.x = disp.x1 - 1;
    db.max.y = disp.y1 - 1;
    if (rv == EXR_ERR_SUCCESS)
        rv = exr_set_data_window(ctx, part, &b);
    if (rv == EXR_ERR_SUCCESS)
        rv = exr_set_display_window(ctx, part, &db);
    for (int32_t c = 0; rv == EXR_ERR_SUCCESS && c < d->n_channels; c++) {
        vfx_channel_info ci;
        if (vfx_channels_get(d->spec.channels, c, &ci) != VFX_OK)
            return vfx__fail(VFX_ERR_INTERNAL, "deep write: channel %d", (int) c);
        exr_pixel_type_t t = d->types[c] == VFX_PIXEL_HALF  ? EXR_PIXEL_HALF
                             : d->types[c] == VFX_PIXEL_U32 ? EXR_PIXEL_UINT
                                                            : EXR_PIXEL_FLOAT;
        rv = exr_add_channel(ctx, part, ci.name, t, EXR_PERCEPTUALLY_LOGARITHMIC, 1, 1);
    }
    if (rv == EXR_ERR_SUCCESS && st == EXR_STORAGE_DEEP_TILED)
        rv = exr_set_tile_descriptor(ctx, part, (uint32_t) tw, (uint32_t) th,
                                     EXR_TILE_ONE_LEVEL, EXR_TILE_ROUND_DOWN);
    /* string metadata travels (software, names, comments); typed attributes are the flat
     * writer's business and are not repeated here */
    int32_t na = d->spec.attrs ? vfx_attrs_count(d->spec.attrs) : 0;
    for (int32_t i = 0; rv == EXR_ERR_SUCCESS && i < na; i++) {
        const char *name = NULL;
        const vfx_attr_value *v = NULL;
        if (vfx_attrs_at(d->spec.attrs, i, &name, &v) != VFX_OK || !name || !v ||
            v->type != VFX_ATTR_STRING || strchr(name, ':') || !strcmp(name, "type") ||
            !strcmp(name, "name") || !strcmp(name, "view") || !strcmp(name, "compression"))
            continue;
        const exr_attribute_t *have = NULL;
        if (exr_get_attribute_by_name(ctx, part, name, &have) == EXR_ERR_SUCCESS)
            continue; /* a standard attribute already set (typed, not a string) */
        rv = exr_attr_set_string(ctx, part, name, v->u.s ? v->u.s : "");
    }
    if (rv != EXR_ERR_SUCCESS)
        return core_fail(rv, "header");
    if ((rv = exr_write_header(ctx)) != EXR_ERR_SUCCESS)
        return core_fail(rv, "header");

    const exr_attr_chlist_t *cl = NULL;
    if ((rv = exr_get_channels(ctx, part, &cl)) != EXR_ERR_SUCCESS || !cl ||
        cl->num_channels != d->n_channels)
        return core_fail(rv, "channels");
    int32_t *f2s = vfx__calloc((size_t) d->n_channels, sizeof *f2s);
    int32_t *bytes = vfx__calloc((size_t) d->n_channels, sizeof *bytes);
    if (!f2s || !bytes) {
        vfx__free(f2s);
        vfx__free(bytes);
        return vfx__nomem();
    }
    int64_t bps = 0;
    for (int32_t fc = 0; fc < cl->num_channels; fc++) {
        f2s[fc] = vfx_channels_find(d->spec.channels, cl->entries[fc].name.str);
        bytes[fc] = cl->entries[fc].pixel_type == EXR_PIXEL_HALF ? 2 : 4;
        bps += bytes[fc];
    }
    vfx_status s = VFX_OK;
    int32_t k = 0;
    if (st == EXR_STORAGE_DEEP_TILED) {
        for (int32_t ty = 0; s == VFX_OK && (int64_t) ty * th < d->h; ty++)
            for (int32_t tx = 0; s == VFX_OK && (int64_t) tx * tw < d->w; tx++, k++) {
                int32_t x0 = dw.x0 + tx * tw, y0 = dw.y0 + ty * th;
                s = write_chunk(ctx, st, comp, d, f2s, bytes, d->n_channels, bps, x0, y0,
                                VFX__MIN(tw, dw.x1 - x0), VFX__MIN(th, dw.y1 - y0), tx, ty,
                                (size_t) tw * (size_t) th * 4u, &empty[k]);
            }
    } else {
        int32_t lines = 1;
        if ((rv = exr_get_scanlines_per_chunk(ctx, part, &lines)) != EXR_ERR_SUCCESS)
            s = core_fail(rv, "header");
        for (int32_t y0 = dw.y0; s == VFX_OK && y0 < dw.y1; y0 += lines, k++)
            s = write_chunk(ctx, st, comp, d, f2s, bytes, d->n_channels, bps, dw.x0, y0, d->w,
                            VFX__MIN(lines, dw.y1 - y0), 0, 0, 0, &empty[k]);
    }
    *n_chunks_out = k;
    vfx__free(f2s);
    vfx__free(bytes);
    return s;
}

/* Remove the placeholder byte of the chunks marked in empty[] (see write_chunk) from the file
 * we just wrote: their packed size becomes 0 and every later chunk moves down, with the offset
 * table rewritten, so the file is what OpenEXR's C++ library writes (its scanline reader walks
 * chunks back to back and would trip over the extra byte). Walks our own header to the offset
 * table: name, type, size, value per attribute, then a 0 byte. A chunk is its y (scanline) or
 * 4 tile ints, the count table size, packed size, unpacked size, the table, the data. */
static int64_t
get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return (int64_t) v;
}

static void
put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static vfx_status
compact_empty_chunks(const char *path, const uint8_t *empty, int32_t n, int tiled)
{
    int any = 0;
    for (int32_t k = 0; k < n; k++)
        any |= empty[k];
    if (!any)
        return VFX_OK;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return vfx__fail(VFX_ERR_IO, "reopen: %s", strerror(errno));
    vfx_status s = VFX_OK;
    uint64_t pos = 8;
    char hb[1024]; /* name and type are at most 255 bytes each */
    for (;;) { /* attributes */
        ssize_t got = pread(fd, hb, sizeof hb, (off_t) pos);
        if (got <= 0) {
            s = vfx__fail(VFX_ERR_IO, "reread header");
            break;
        }
        if (hb[0] == 0) {
            pos += 1;
            break;
        }
        size_t a = strnlen(hb, (size_t) got);
        size_t b = a + 1 < (size_t) got ? strnlen(hb + a + 1, (size_t) got - a - 1) : 0;
        if (a + 1 + b + 1 + 4 > (size_t) got) {
            s = vfx__fail(VFX_ERR_INTERNAL, "reread header: attribute too long");
            break;
        }
        uint8_t *q = (uint8_t *) hb + a + 1 + b + 1;
        uint32_t size = (uint32_t) q[0] | ((uint32_t) q[1] << 8) | ((uint32_t) q[2] << 16) |
                        ((uint32_t) q[3] << 24);
        pos += a + 1 + b + 1 + 4 + size;
    }
    uint8_t *table = s == VFX_OK ? vfx__alloc((size_t) n * 8u) : NULL;
    size_t cap = 1 << 20;
    uint8_t *buf = s == VFX_OK ? vfx__alloc(cap) : NULL;
    if (s == VFX_OK && (!table || !buf))
        s = vfx__nomem();
    if (s == VFX_OK && pread(fd, table, (size_t) n * 8u, (off_t) pos) != (ssize_t) n * 8)
        s = vfx__fail(VFX_ERR_IO, "reread offset table");
    size_t hdr = tiled ? 40u : 28u;
    int64_t shift = 0, end = 0;
    for (int32_t k = 0; s == VFX_OK && k < n; k++) {
        int64_t off = get64(table + 8 * k);
        uint8_t h[40];
        if (pread(fd, h, hdr, (off_t) off) != (ssize_t) hdr) {
            s = vfx__fail(VFX_ERR_IO, "reread chunk %d", (int) k);
            break;
        }
        int64_t tsize = get64(h + hdr - 24), psize = get64(h + hdr - 16);
        int64_t len = (int64_t) hdr + tsize + psize;
        if (empty[k]) {
            put64(h + hdr - 16, 0);
            len -= psize;
        }
        int64_t to = off - shift;
        if (pwrite(fd, h, hdr, (off_t) to) != (ssize_t) hdr) {
            s = vfx__fail(VFX_ERR_IO, "move chunk %d: %s", (int) k, strerror(errno));
            break;
        }
        for (int64_t done = (int64_t) hdr; shift > 0 && done < len;) { /* forward copy */
            size_t m = (size_t) VFX__MIN((int64_t) cap, len - done);
            if (pread(fd, buf, m, (off_t) (off + done)) != (ssize_t) m ||
                pwrite(fd, buf, m, (off_t) (to + done)) != (ssize_t) m) {
                s = vfx__fail(VFX_ERR_IO, "move chunk %d: %s", (int) k, strerror(errno));
                break;
            }
            done += (int64_t) m;
        }
        put64(table + 8 * k, (uint64_t) to);
        end = to + len;
        if (empty[k])
            shift += psize;
    }
    if (s == VFX_OK && (pwrite(fd, table, (size_t) n * 8u, (off_t) pos) != (ssize_t) n * 8 ||
                        ftruncate(fd, (off_t) end) != 0))
        s = vfx__fail(VFX_ERR_IO, "rewrite offset table: %s", strerror(errno));
    vfx__free(table);
    vfx__free(buf);
    if (close(fd) != 0 && s == VFX_OK)
        s = vfx__fail(VFX_ERR_IO, "close: %s", strerror(errno));
    return s;
}

vfx_status
vfx_deep_write(const vfx_deep *d, const char *path, const vfx_deep_write_options *opt)
{
    if (!d || !path)
        return vfx__fail(VFX_ERR_ARG, "deep write: NULL argument");
    vfx_deep_write_options o = VFX_DEEP_WRITE_OPTIONS_INIT;
    if (opt)
        memcpy(&o, opt, VFX__MIN(opt->size, sizeof o));
    exr_compression_t comp = EXR_COMPRESSION_ZIPS;
    VFX_TRY(parse_compression(o.compression, &comp));
    if (o.tile_w < 0 || o.tile_h < 0 || o.tile_w > 65536 || o.tile_h > 65536 ||
        (o.tile_w > 0) != (o.tile_h > 0))
        return vfx__fail(VFX_ERR_ARG, "deep write: bad tile size %d x %d", (int) o.tile_w,
                         (int) o.tile_h);

    /* temporary file in the destination folder, renamed on success */
    size_t n = strlen(path);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t) (slash - path) + 1 : 0;
    char *tmp = vfx__alloc(n + 24);
    if (!tmp)
        return vfx__nomem();
    memcpy(tmp, path, dir_len);
    snprintf(tmp + dir_len, n + 24 - dir_len, ".%s.vfx-XXXXXX", path + dir_len);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        vfx_status s = vfx__fail(VFX_ERR_IO, "%s: cannot create a file: %s", path,
                                 strerror(errno));
        vfx__free(tmp);
        return s;
    }
    close(fd);
    exr_context_t ctx = NULL;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_error;
    tl_msg[0] = '\0';
    exr_result_t rv = exr_start_write(&ctx, tmp, EXR_WRITE_FILE_DIRECTLY, &init);
    /* one flag per chunk: scanline chunks are at least one row, tiles at least 1 x 1 */
    int64_t max_chunks = o.tile_w > 0 ? ((int64_t) d->w + o.tile_w - 1) / o.tile_w *
                                            (((int64_t) d->h + o.tile_h - 1) / o.tile_h)
                                      : d->h;
    uint8_t *empty = vfx__calloc((size_t) max_chunks, 1);
    int32_t n_chunks = 0;
    vfx_status s = !empty ? vfx__nomem()
                   : rv == EXR_ERR_SUCCESS
                       ? write_all(ctx, d, comp, o.tile_w, o.tile_h, empty, &n_chunks)
                       : core_fail(rv, "start");
    rv = exr_finish(&ctx);
    if (s == VFX_OK && rv != EXR_ERR_SUCCESS)
        s = core_fail(rv, "finish");
    if (s == VFX_OK)
        s = compact_empty_chunks(tmp, empty, n_chunks, o.tile_w > 0);
    vfx__free(empty);
    if (s == VFX_OK && rename(tmp, path) != 0)
        s = vfx__fail(VFX_ERR_IO, "cannot rename the temporary file: %s", strerror(errno));
    if (s != VFX_OK) {
        unlink(tmp);
        vfx__error_prefix("exr: %s: ", path + dir_len);
    }
    vfx__free(tmp);
    return s;
}
