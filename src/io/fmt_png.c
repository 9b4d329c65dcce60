/* PNG through libpng.
 *
 * Reading. Grey, grey+alpha, RGB and RGBA of 1 to 16 bits, and palette images, come back as
 * u8 (bit depth <= 8) or u16 channels named as OpenImageIO names them: "Y", "Y,A", "R,G,B",
 * "R,G,B,A". Palettes expand to RGB, a tRNS chunk becomes an alpha channel, and 1/2/4-bit grey
 * scales to the full 8-bit range (0/255 for 1 bit), as libpng's expand transforms do.
 *
 * Alpha policy. PNG alpha is unassociated ("straight"). vfx returns the stored values as they
 * are, never premultiplied, and marks the spec with "UnassociatedAlpha" = 1; premultiplying is
 * the caller's (or the graph's) explicit step. The writer likewise stores what it is given,
 * so callers holding premultiplied pixels must unpremultiply first. (OpenImageIO premultiplies
 * on read unless told "oiio:UnassociatedAlpha"; the tests ask it for straight values.)
 *
 * Access. Non-interlaced files are VFX_ACCESS_SEQUENTIAL_ROWS in one-row chunks. libpng only
 * decodes forward, so read_rect() is serialised by a mutex around a single decoder that
 * remembers its next row: a rect starting at or below that row continues the stream; the
 * last rows decoded (8 MiB, 64 to 4096 rows) stay in a ring and are served from it; a rect
 * starting above those restarts the decoder from the start of the file. A consumer pulling
 * top to bottom, even with strips finished slightly out of order by several workers,
 * therefore decodes each row once, and random access still works, only slower. Interlaced (Adam7) files are VFX_ACCESS_WHOLE_IMAGE: the first read
 * decodes the whole image into a buffer kept until close, under the same mutex.
 *
 * Metadata (names as in docs/metadata.md): gAMA -> "gamma" (the display exponent, 1/file
 * gamma, as OIIO's "oiio:Gamma"); sRGB -> "colorspace" = "sRGB" and "png:sRGBIntent";
 * gAMA 1.0 -> "colorspace" = "linear"; no colour chunk at all -> "colorspace" = "sRGB" (PNG's
 * default); cHRM -> "chromaticities"; iCCP -> "ICCProfile" (blob "icc"); cICP -> "CICP" (4
 * ints: primaries, transfer, matrix, full range); eXIf -> "exif" blob plus the parsed tags
 * ("Orientation", ...); pHYs -> "XResolution", "YResolution", "ResolutionUnit",
 * "PixelAspectRatio"; text chunks -> "ImageDescription" (Description, Comment), "Artist"
 * (Author), "DateTime" (Creation Time), other keywords as they are.
 *
 * Errors. libpng reports errors by longjmp. Every libpng call that may fail goes through a
 * small g_* wrapper that does its own setjmp and touches no local variable after it, so a
 * jump only unwinds libpng frames. The message lands in the decoder and becomes
 * VFX_ERR_CORRUPT (VFX_ERR_IO / VFX_ERR_NOMEM when a callback failed).
 *
 * Writing: u8 or u16 grey, grey+alpha, RGB, RGBA (by channel count), rows top to bottom;
 * opt.level is the zlib level 0..9 (default 4), the compression string "zip" / "png" with
 * ",filter=none|sub|up|avg|paeth|adaptive" (default adaptive). libpng writes the signature,
 * IHDR and the chunks before the image data; png_deflate.c filters and deflates the rows on
 * every thread and writes the IDAT chunks; IEND is written here. "ICCProfile", "colorspace" =
 * "sRGB", "gamma", "chromaticities", "CICP", "exif" and the text attributes above are written
 * back. */
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "io/fmt_util.h"
#include "io/fmt_whole.h"
#include "io/png_deflate.h"

/* ---- libpng plumbing ---------------------------------------------------------------------- */

/* The first member of both the decoder and the encoder: where callbacks leave failures. */
typedef struct png_errs {
    vfx_status err; /* VFX_OK: a libpng error, i.e. corrupt data */
    char       msg[200];
    size_t     alloc_cap; /* larger libpng allocations are refused as corrupt; 0 = no cap */
} png_errs;

static void
on_png_error(png_structp png, png_const_charp msg)
{
    png_errs *e = png_get_error_ptr(png);
    if (e->msg[0] == 0)
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void
on_png_warning(png_structp png, png_const_charp msg)
{
    (void) png;
    (void) msg;
}

/* libpng's allocations: chunk buffers, zlib state, row buffers. A chunk buffer is sized by
 * the chunk's declared length before its data is read, so a damaged length could ask for
 * gigabytes: anything above the cap (far above any row or any chunk the data can hold) is
 * refused and reported as corrupt data. */
static png_voidp
png_malloc_cb(png_structp png, png_alloc_size_t n)
{
    png_errs *e = png ? png_get_error_ptr(png) : NULL;
    if (e && e->alloc_cap > 0 && n > e->alloc_cap) {
        if (e->msg[0] == 0)
            snprintf(e->msg, sizeof e->msg, "a chunk claims %zu bytes", (size_t) n);
        return NULL;
    }
    void *p = vfx__alloc(n);
    if (!p && e && e->msg[0] == 0)
        e->err = VFX_ERR_NOMEM;
    return p;
}

static void
png_free_cb(png_structp png, png_voidp p)
{
    (void) png;
    vfx__free(p);
}

static vfx_status
errs_status(const png_errs *e, const char *what)
{
    if (e->err == VFX_ERR_NOMEM)
        return vfx__nomem();
    return vfx__fail(e->err != VFX_OK ? e->err : VFX_ERR_CORRUPT, "%s: %s", what,
                     e->msg[0] ? e->msg : "libpng error");
}

static int
host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *) &one == 1;
}

/* ---- reader ------------------------------------------------------------------------------- */

typedef struct png_dec {
    png_errs    e;
    png_structp png;
    png_infop   info;
    vfx__rd    *rd;
    uint64_t    offset; /* next byte of the file to hand to libpng */
} png_dec;

typedef struct png_priv {
    pthread_mutex_t lock;
    png_dec         dec;      /* dec.png is NULL when no decoder is live */
    int32_t         next_row; /* the next row the live decoder returns */
    int32_t         width, height, n_ch;
    vfx_pixel_type  type;
    int             interlaced;
    size_t          row_bytes;
    uint8_t        *ring;      /* the last ring_rows decoded rows; row y at y % ring_rows */
    int32_t         ring_rows;
    uint8_t        *whole; /* interlaced: the decoded image */
} png_priv;

static void
png_read_cb(png_structp png, png_bytep buf, size_t n)
{
    png_dec *d = png_get_io_ptr(png);
    int64_t got = vfx__rd_read(d->rd, buf, n, d->offset);
    if (got < 0) {
        d->e.err = VFX_ERR_IO;
        png_error(png, "read failed");
    }
    if ((uint64_t) got < n)
        png_error(png, "unexpected end of file");
    d->offset += n;
}

static int
png_probe(const uint8_t *head, size_t n)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    return n >= 8 && memcmp(head, sig, 8) == 0 ? 100 : 0;
}

static void
dec_close(png_dec *d)
{
    if (d->png)
        png_destroy_read_struct(&d->png, &d->info, NULL);
    d->png = NULL;
    d->info = NULL;
}

/* Guarded: read the chunks up to the first IDAT. */
static int
g_read_info(png_dec *d)
{
    if (setjmp(png_jmpbuf(d->png)))
        return -1;
    png_set_user_limits(d->png, 1u << 24, 1u << 24);
    png_set_option(d->png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    /* no ancillary chunk (iCCP, text, unknown) may make libpng allocate more than this, and
     * no file may hold more than this many of them: a fuzzed length must not cost 2 GiB */
    png_set_chunk_malloc_max(d->png, (png_alloc_size_t) 32 << 20);
    png_set_chunk_cache_max(d->png, 1000);
    png_set_keep_unknown_chunks(d->png, PNG_HANDLE_CHUNK_ALWAYS, (png_const_bytep) "cICP", 1);
    png_read_info(d->png, d->info);
    return 0;
}

/* Guarded: ask for expanded 8/16-bit samples in host order, then update the info. */
static int
g_setup(png_dec *d)
{
    if (setjmp(png_jmpbuf(d->png)))
        return -1;
    png_structp png = d->png;
    png_infop info = d->info;
    int ct = png_get_color_type(png, info), bd = png_get_bit_depth(png, info);
    if (ct == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (ct == PNG_COLOR_TYPE_GRAY && bd < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (bd == 16 && host_is_little_endian())
        png_set_swap(png);
    if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE)
        (void) png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return 0;
}

static int
g_read_row(png_dec *d, uint8_t *row)
{
    if (setjmp(png_jmpbuf(d->png)))
        return -1;
    png_read_row(d->png, row, NULL);
    return 0;
}

static int
g_read_image(png_dec *d, png_bytepp rows)
{
    if (setjmp(png_jmpbuf(d->png)))
        return -1;
    png_read_image(d->png, rows);
    return 0;
}

/* (Re)start the decoder at the first row. */
static vfx_status
dec_start(vfx__rd *rd, png_dec *d)
{
    dec_close(d);
    memset(d, 0, sizeof *d);
    d->rd = rd;
    /* rows are at most 2^24 pixels of 8 bytes (the user limits below) */
    d->e.alloc_cap = (size_t) 256 << 20;
    if (rd->file_size > 0 && (uint64_t) rd->file_size > d->e.alloc_cap / 2)
        d->e.alloc_cap = (size_t) VFX__MIN((uint64_t) rd->file_size * 2, (uint64_t) SIZE_MAX / 2);
    d->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &d->e, on_png_error, on_png_warning,
                                      NULL, png_malloc_cb, png_free_cb);
    if (!d->png)
        return vfx__nomem();
    d->info = png_create_info_struct(d->png);
    if (!d->info) {
        dec_close(d);
        return vfx__nomem();
    }
    png_set_read_fn(d->png, d, png_read_cb);
    if (g_read_info(d) != 0 || g_setup(d) != 0) {
        vfx_status s = errs_status(&d->e, "header");
        dec_close(d);
        return s;
    }
    return VFX_OK;
}

static const struct {
    const char *png, *vfx;
} text_map[] = {
    { "Description", "ImageDescription" }, { "Comment", "ImageDescription" },
    { "Author", "Artist" },                { "Creation Time", "DateTime" },
    { "Copyright", "Copyright" },          { "Software", "Software" },
    { "Title", "DocumentName" },
};

static vfx_status
read_metadata(png_priv *pp, vfx_attrs *a, int orig_depth)
{
    png_structp png = pp->dec.png;
    png_infop info = pp->dec.info;
    VFX_TRY(vfx_attrs_set_int(a, "BitsPerSample", orig_depth));
    if (pp->n_ch == 2 || pp->n_ch == 4)
        VFX_TRY(vfx_attrs_set_int(a, "UnassociatedAlpha", 1));
    double g = 0.0;
    int intent = 0, has_color = 0;
    if (png_get_sRGB(png, info, &intent)) {
        VFX_TRY(vfx_attrs_set_string(a, "colorspace", "sRGB"));
        VFX_TRY(vfx_attrs_set_int(a, "png:sRGBIntent", intent));
        has_color = 1;
    }
    if (png_get_gAMA(png, info, &g) && g > 0.0) {
        VFX_TRY(vfx_attrs_set_float(a, "gamma", (float) (1.0 / g)));
        if (!has_color && fabs(g - 1.0) < 0.01)
            VFX_TRY(vfx_attrs_set_string(a, "colorspace", "linear"));
        has_color = 1;
    }
    double wx, wy, rx, ry, gx, gy, bx, by;
    if (png_get_cHRM(png, info, &wx, &wy, &rx, &ry, &gx, &gy, &bx, &by)) {
        vfx_attr_value v;
        v.type = VFX_ATTR_CHROMATICITIES;
        float c[8] = { (float) rx, (float) ry, (float) gx, (float) gy,
                       (float) bx, (float) by, (float) wx, (float) wy };
        memcpy(v.u.chroma, c, sizeof c);
        VFX_TRY(vfx_attrs_set(a, "chromaticities", &v));
        has_color = 1;
    }
    png_charp iname = NULL;
    int icomp = 0;
    png_bytep prof = NULL;
    png_uint_32 plen = 0;
    if (png_get_iCCP(png, info, &iname, &icomp, &prof, &plen) && prof && plen > 0) {
        VFX_TRY(vfx__set_blob(a, "ICCProfile", "icc", prof, plen));
        has_color = 1;
    }
    png_unknown_chunkp unk = NULL;
    int n_unk = png_get_unknown_chunks(png, info, &unk);
    for (int i = 0; i < n_unk; i++) {
        if (memcmp(unk[i].name, "cICP", 4) == 0 && unk[i].size == 4) {
            int32_t c[4] = { unk[i].data[0], unk[i].data[1], unk[i].data[2], unk[i].data[3] };
            vfx_attr_value v;
            v.type = VFX_ATTR_INT_VEC;
            v.u.iv.p = c;
            v.u.iv.n = 4;
            VFX_TRY(vfx_attrs_set(a, "CICP", &v));
            has_color = 1;
        }
    }
    if (!has_color)
        VFX_TRY(vfx_attrs_set_string(a, "colorspace", "sRGB"));
    png_uint_32 n_exif = 0;
    png_bytep exif = NULL;
    if (png_get_eXIf_1(png, info, &n_exif, &exif) && exif && n_exif > 0) {
        VFX_TRY(vfx__set_blob(a, "exif", "exif", exif, n_exif));
        VFX_TRY(vfx__exif_parse(exif, n_exif, a));
    }
    png_uint_32 xr = 0, yr = 0;
    int unit = 0;
    if (png_get_pHYs(png, info, &xr, &yr, &unit) && xr > 0 && yr > 0) {
        int m = unit == PNG_RESOLUTION_METER;
        VFX_TRY(vfx_attrs_set_float(a, "XResolution", (float) (m ? xr / 100.0 : xr)));
        VFX_TRY(vfx_attrs_set_float(a, "YResolution", (float) (m ? yr / 100.0 : yr)));
        VFX_TRY(vfx_attrs_set_string(a, "ResolutionUnit", m ? "cm" : "none"));
        VFX_TRY(vfx_attrs_set_float(a, "PixelAspectRatio", (float) yr / (float) xr));
    }
    png_textp text = NULL;
    int n_text = 0;
    if (png_get_text(png, info, &text, &n_text) > 0) {
        for (int i = 0; i < n_text; i++) {
            if (!text[i].key || !text[i].text)
                continue;
            const char *name = text[i].key;
            for (size_t k = 0; k < VFX__COUNTOF(text_map); k++)
                if (strcmp(text_map[k].png, name) == 0)
                    name = text_map[k].vfx;
            VFX_TRY(vfx_attrs_set_string(a, name, text[i].text));
        }
    }
    return VFX_OK;
}

static void
png_close(vfx__rd *rd)
{
    png_priv *pp = rd->priv;
    if (!pp)
        return;
    dec_close(&pp->dec);
    pthread_mutex_destroy(&pp->lock);
    vfx__free(pp->ring);
    vfx__free(pp->whole);
    vfx__free(pp);
    rd->priv = NULL;
}

static vfx_status
png_open(vfx__rd *rd)
{
    png_priv *pp = vfx__calloc(1, sizeof *pp);
    if (!pp)
        return vfx__nomem();
    if (pthread_mutex_init(&pp->lock, NULL) != 0) {
        vfx__free(pp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = pp;
    VFX_TRY(dec_start(rd, &pp->dec));
    png_structp png = pp->dec.png;
    png_infop info = pp->dec.info;
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    VFX_TRY(vfx__check_size(rd, (int64_t) w, (int64_t) h));
    int orig_depth = png_get_bit_depth(png, info);
    if (png_get_color_type(png, info) == PNG_COLOR_TYPE_PALETTE)
        orig_depth = 8;
    pp->width = (int32_t) w;
    pp->height = (int32_t) h;
    pp->n_ch = png_get_channels(png, info);
    int depth = png_get_bit_depth(png, info);
    if (pp->n_ch < 1 || pp->n_ch > 4 || (depth != 8 && depth != 16))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%d channels of %d bits", pp->n_ch, depth);
    pp->type = depth == 16 ? VFX_PIXEL_U16 : VFX_PIXEL_U8;
    pp->row_bytes = (size_t) w * (size_t) pp->n_ch * (size_t) (depth / 8);
    if (png_get_rowbytes(png, info) != pp->row_bytes)
        return vfx__fail(VFX_ERR_INTERNAL, "unexpected row size");
    pp->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    /* Rows recently decoded are kept, so requests that arrive slightly out of order (the
     * sink's workers pull strips in order but finish them in any order) do not restart the
     * decoder: that restart made an 8192^2 PNG cost 6x the decode on 2 threads. */
    int64_t ring = (int64_t) (((size_t) 8 << 20) / pp->row_bytes);
    ring = VFX__MIN(VFX__MAX(ring, (int64_t) 64), (int64_t) 4096);
    /* ... but not more than the workers can be apart: each holds at most one sink strip
     * (64 rows) or a few cache strips above the newest row decoded. 8 MiB was 341 rows of an
     * 8192-wide RGB image, most of them never read again. */
    vfx__pool *pool = vfx__pool_global();
    ring = VFX__MIN(ring, (int64_t) 64 * ((pool ? vfx__pool_threads(pool) : 1) + 2));
    pp->ring_rows = (int32_t) VFX__MIN(ring, (int64_t) pp->height);
    pp->ring = pp->interlaced ? NULL : vfx__alloc((size_t) pp->ring_rows * pp->row_bytes);
    if (!pp->interlaced && !pp->ring)
        return vfx__nomem();

    if (pp->interlaced)
        VFX_TRY(vfx__simple_part(rd, pp->width, pp->height, VFX_ACCESS_WHOLE_IMAGE, pp->width,
                                 pp->height));
    else
        VFX_TRY(vfx__simple_part(rd, pp->width, pp->height, VFX_ACCESS_SEQUENTIAL_ROWS,
                                 pp->width, 1));
    static const char *const names[] = { "Y", "Y,A", "R,G,B", "R,G,B,A" };
    vfx_spec *sp = &rd->parts[0].spec;
    VFX_TRY(vfx_channels_from_names(names[pp->n_ch - 1], pp->type, &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA))
        VFX_TRY(read_metadata(pp, sp->attrs, orig_depth));
    return VFX_OK;
}

/* Interlaced: decode everything once (called with the lock held). */
static vfx_status
decode_whole(vfx__rd *rd, png_priv *pp)
{
    size_t total;
    if (vfx__mul_size(pp->row_bytes, (size_t) pp->height, &total) != 0)
        return vfx__fail(VFX_ERR_LIMIT, "image too large");
    if (!pp->dec.png || pp->next_row != 0)
        VFX_TRY(dec_start(rd, &pp->dec));
    uint8_t *img = vfx__alloc(total);
    png_bytepp rows = vfx__calloc((size_t) pp->height, sizeof *rows);
    if (!img || !rows) {
        vfx__free(img);
        vfx__free(rows);
        return vfx__nomem();
    }
    for (int32_t y = 0; y < pp->height; y++)
        rows[y] = img + (size_t) y * pp->row_bytes;
    vfx_status s = VFX_OK;
    if (g_read_image(&pp->dec, rows) != 0)
        s = errs_status(&pp->dec.e, "pixels");
    vfx__free(rows);
    dec_close(&pp->dec);
    pp->next_row = pp->height;
    if (s != VFX_OK) {
        vfx__free(img);
        return s;
    }
    pp->whole = img;
    vfx__rd_count_chunks(rd, 1);
    return VFX_OK;
}

static vfx_status
read_locked(vfx__rd *rd, png_priv *pp, const vfx__read_req *req)
{
    if (pp->interlaced) {
        if (!pp->whole)
            VFX_TRY(decode_whole(rd, pp));
        return vfx__req_put_block(req, pp->whole, pp->type, pp->n_ch, 0, 0, pp->row_bytes);
    }
    /* rows [held, next_row) are in the ring; the decoder is live unless next_row = height
     * (or a failure closed it, which sets next_row to 0) */
    int32_t held = pp->next_row - VFX__MIN(pp->next_row, pp->ring_rows);
    if (req->rect.y0 < held || (!pp->dec.png && pp->next_row < req->rect.y1)) {
        VFX_TRY(dec_start(rd, &pp->dec));
        pp->next_row = 0;
    }
    for (int32_t y = req->rect.y0; y < req->rect.y1; y++) {
        while (pp->next_row <= y) {
            uint8_t *slot = pp->ring + (size_t) (pp->next_row % pp->ring_rows) * pp->row_bytes;
            if (g_read_row(&pp->dec, slot) != 0) {
                vfx_status s = errs_status(&pp->dec.e, "pixels");
                vfx__error_prefix("row %d: ", pp->next_row);
                dec_close(&pp->dec);
                pp->next_row = 0;
                return s;
            }
            pp->next_row++;
            vfx__rd_count_chunks(rd, 1);
        }
        const uint8_t *row = pp->ring + (size_t) (y % pp->ring_rows) * pp->row_bytes;
        VFX_TRY(vfx__req_put_row(req, y, row, pp->type, pp->n_ch, 0));
    }
    if (pp->next_row >= pp->height) /* done: free the decoder's memory */
        dec_close(&pp->dec);
    return VFX_OK;
}

static vfx_status
png_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    png_priv *pp = rd->priv;
    pthread_mutex_lock(&pp->lock);
    vfx_status s = read_locked(rd, pp, req);
    pthread_mutex_unlock(&pp->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct png_enc {
    png_errs       e;
    png_structp    png;
    png_infop      info;
    vfx__outbuf    out;
    vfx_pixel_type ftype;
    int32_t        n_ch, width, height;
    /* metadata gathered before the guarded header write */
    png_text       text[8];
    int            n_text;
    int            srgb, srgb_intent;
    double         gamma; /* file gamma; 0 = none */
    const float   *chroma;
    const void    *icc;
    size_t         icc_size;
    const void    *exif;
    size_t         exif_size;
    png_unknown_chunk cicp;
    int            has_cicp;
    int            level;
    int            filter;
    vfx__pngz     *z; /* the image data: filtered and deflated in bands (png_deflate.c) */
} png_enc;

static void
png_write_cb(png_structp png, png_bytep buf, size_t n)
{
    png_enc *pe = png_get_io_ptr(png);
    if (vfx__outbuf_put(&pe->out, buf, n) != VFX_OK) {
        pe->e.err = pe->out.err;
        png_error(png, "write failed");
    }
}

static void
png_flush_cb(png_structp png)
{
    (void) png;
}

static int
g_write_header(png_enc *pe)
{
    if (setjmp(png_jmpbuf(pe->png)))
        return -1;
    /* store ICC profiles as given (libpng refuses some widespread sRGB profiles it knows to
     * be slightly wrong) and let other benign problems be warnings, as on read */
    png_set_option(pe->png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    png_set_benign_errors(pe->png, 1);
    static const int color_type[] = { PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                      PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA };
    png_set_IHDR(pe->png, pe->info, (png_uint_32) pe->width, (png_uint_32) pe->height,
                 pe->ftype == VFX_PIXEL_U16 ? 16 : 8, color_type[pe->n_ch - 1],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (pe->icc)
        png_set_iCCP(pe->png, pe->info, "ICC profile", PNG_COMPRESSION_TYPE_BASE,
                     (png_const_bytep) pe->icc, (png_uint_32) pe->icc_size);
    else if (pe->srgb)
        png_set_sRGB(pe->png, pe->info, pe->srgb_intent);
    if (pe->gamma > 0.0)
        png_set_gAMA(pe->png, pe->info, pe->gamma);
    if (pe->chroma)
        png_set_cHRM(pe->png, pe->info, pe->chroma[6], pe->chroma[7], pe->chroma[0],
                     pe->chroma[1], pe->chroma[2], pe->chroma[3], pe->chroma[4],
                     pe->chroma[5]);
    if (pe->has_cicp) {
        png_set_keep_unknown_chunks(pe->png, PNG_HANDLE_CHUNK_ALWAYS, (png_const_bytep) "cICP",
                                    1);
        png_set_unknown_chunks(pe->png, pe->info, &pe->cicp, 1);
    }
    if (pe->exif)
        png_set_eXIf_1(pe->png, pe->info, (png_uint_32) pe->exif_size, (png_bytep) pe->exif);
    if (pe->n_text > 0)
        png_set_text(pe->png, pe->info, pe->text, pe->n_text);
    /* every chunk set above goes out here, before the image data; libpng writes nothing
     * more: the IDAT chunks come from png_deflate.c and IEND from png_write_close() */
    png_write_info(pe->png, pe->info);
    return 0;
}

static void
gather_metadata(vfx__wr *wr, png_enc *pe)
{
    const vfx_attr_value *v;
    if ((v = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB)) && v->u.blob.size >= 132 &&
        v->u.blob.size < (1u << 30)) {
        pe->icc = v->u.blob.data;
        pe->icc_size = v->u.blob.size;
    }
    if ((v = vfx__wr_attr(wr, "colorspace", VFX_ATTR_STRING)) && strcmp(v->u.s, "sRGB") == 0) {
        pe->srgb = 1;
        const vfx_attr_value *it = vfx__wr_attr(wr, "png:sRGBIntent", VFX_ATTR_INT);
        pe->srgb_intent = it && it->u.i >= 0 && it->u.i <= 3 ? it->u.i : 0;
    }
    if ((v = vfx__wr_attr(wr, "gamma", VFX_ATTR_FLOAT)) && v->u.f > 0.0f && isfinite(v->u.f))
        pe->gamma = 1.0 / (double) v->u.f;
    if ((v = vfx__wr_attr(wr, "chromaticities", VFX_ATTR_CHROMATICITIES)))
        pe->chroma = v->u.chroma;
    if ((v = vfx__wr_attr(wr, "CICP", VFX_ATTR_INT_VEC)) && v->u.iv.n == 4) {
        memcpy(pe->cicp.name, "cICP", 5);
        pe->has_cicp = 1; /* data filled in by png_write_open() */
    }
    if ((v = vfx__wr_attr(wr, "exif", VFX_ATTR_BLOB)) && v->u.blob.size > 0 &&
        v->u.blob.size < (1u << 30)) {
        pe->exif = v->u.blob.data;
        pe->exif_size = v->u.blob.size;
    }
    static const struct {
        const char *vfx, *png;
    } texts[] = {
        { "ImageDescription", "Description" }, { "Artist", "Author" },
        { "Copyright", "Copyright" },          { "Software", "Software" },
        { "DateTime", "Creation Time" },       { "DocumentName", "Title" },
    };
    for (size_t i = 0; i < VFX__COUNTOF(texts); i++) {
        if (!(v = vfx__wr_attr(wr, texts[i].vfx, VFX_ATTR_STRING)))
            continue;
        png_text *t = &pe->text[pe->n_text++];
        memset(t, 0, sizeof *t);
        t->compression = PNG_TEXT_COMPRESSION_NONE;
        t->key = (png_charp) texts[i].png;
        t->text = (png_charp) v->u.s;
        t->text_length = strlen(v->u.s);
    }
}

/* Every value goes through vfx__pack_row() to the file's u8 or u16 (png_write_rect). */
static vfx_pixel_type
png_write_row_type(vfx__wr *wr)
{
    const png_enc *pe = wr->priv;
    return pe ? pe->ftype : VFX_PIXEL_UNKNOWN;
}

static vfx_status
png_write_close(vfx__wr *wr, int failed);

/* Defaults: the adaptive filter choice (as libpng's) and zlib level 4, not zlib's 6: on an
 * 8192 x 8192 photograph level 6 costs 2.4x the CPU time of level 4 for a file 2.7% smaller
 * (level 3: 20% less time than 4, 4% larger). vips 8.14 saves level 6 unfiltered: files
 * 1.75x ours. */
#define PNG_DEFAULT_LEVEL  4
#define PNG_DEFAULT_FILTER VFX__PNG_FILTER_ADAPTIVE

/* --compression [zip|png|deflate][,filter=none|sub|up|avg|paeth|adaptive][:LEVEL], or none
 * (level 0: stored blocks) */
static vfx_status
parse_filter(const char *comp, int *filter)
{
    VFX_TRY(vfx__codec_check(comp, "zip,png,deflate,none", "filter"));
    char val[16];
    if (!comp || !vfx__codec_opt(comp, "filter", val, sizeof val))
        return VFX_OK;
    static const char *const names[] = { "none", "sub", "up", "avg", "paeth", "adaptive" };
    for (int i = 0; i < (int) VFX__COUNTOF(names); i++)
        if (strcmp(val, names[i]) == 0) {
            *filter = i;
            return VFX_OK;
        }
    if (strcmp(val, "all") == 0) {
        *filter = VFX__PNG_FILTER_ADAPTIVE;
        return VFX_OK;
    }
    return vfx__fail(VFX_ERR_ARG, "filter=%s: none, sub, up, avg, paeth or adaptive", val);
}

static vfx_status
png_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNG stores 1 to 4 channels, not %d", nc);
    vfx_pixel_type t = wr->opt.pixel_type;
    if (t == VFX_PIXEL_UNKNOWN) {
        vfx_channel_info ci;
        VFX_TRY(vfx_channels_get(wr->spec.channels, 0, &ci));
        t = ci.type == VFX_PIXEL_U8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16;
    }
    if (t != VFX_PIXEL_U8 && t != VFX_PIXEL_U16)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNG stores u8 or u16, not %s",
                         vfx_pixel_type_name(t));
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNG cannot be tiled");
    png_enc *pe = vfx__calloc(1, sizeof *pe);
    if (!pe)
        return vfx__nomem();
    wr->priv = pe;
    pe->ftype = t;
    pe->n_ch = nc;
    pe->width = (int32_t) vfx_rect_width(wr->spec.data);
    pe->height = (int32_t) vfx_rect_height(wr->spec.data);
    pe->level = wr->opt.level < 0 ? PNG_DEFAULT_LEVEL : VFX__MIN(wr->opt.level, 9);
    pe->filter = PNG_DEFAULT_FILTER;
    vfx_status s = parse_filter(wr->compression, &pe->filter);
    char cname[16] = "";
    if (wr->compression)
        vfx__codec_name(wr->compression, cname, sizeof cname);
    if (strcmp(cname, "none") == 0) /* stored deflate blocks */
        pe->level = 0;
    if (s != VFX_OK) {
        png_write_close(wr, 1);
        return s;
    }
    size_t rb = (size_t) pe->width * (size_t) nc * vfx_pixel_type_size(t);
    s = vfx__outbuf_init(&pe->out, wr, 1 << 16);
    if (s == VFX_OK) {
        pe->png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &pe->e, on_png_error,
                                            on_png_warning, NULL, png_malloc_cb, png_free_cb);
        pe->info = pe->png ? png_create_info_struct(pe->png) : NULL;
        if (!pe->info)
            s = vfx__nomem();
    }
    if (s == VFX_OK) {
        png_set_write_fn(pe->png, pe, png_write_cb, png_flush_cb);
        gather_metadata(wr, pe);
        uint8_t cicp[4] = { 0, 0, 0, 0 };
        const vfx_attr_value *v = vfx__wr_attr(wr, "CICP", VFX_ATTR_INT_VEC);
        if (pe->has_cicp && v) {
            for (int i = 0; i < 4; i++)
                cicp[i] = (uint8_t) VFX__CLAMP(v->u.iv.p[i], 0, 255);
            pe->cicp.data = cicp;
            pe->cicp.size = 4;
            pe->cicp.location = PNG_HAVE_IHDR;
        }
        /* png_set_unknown_chunks copies the data, so the stack array may go after this */
        if (g_write_header(pe) != 0)
            s = errs_status(&pe->e, "header");
        pe->cicp.data = NULL;
    }
    if (s == VFX_OK)
        s = vfx__pngz_new(rb, nc * (int) vfx_pixel_type_size(t), pe->height, pe->level,
                          pe->filter, vfx_threads(), &pe->out, &pe->z);
    if (s != VFX_OK) {
        png_write_close(wr, 1);
        return s;
    }
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, pe->width, 16, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (pe->height + 15) / 16 };
    return VFX_OK;
}

static vfx_status
png_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    png_enc *pe = wr->priv;
    size_t n = (size_t) pe->width * (size_t) pe->n_ch;
    int swap = pe->ftype == VFX_PIXEL_U16 && host_is_little_endian();
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        const uint8_t *s = (const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride;
        uint8_t *row = vfx__pngz_row(pe->z);
        if (!row)
            return vfx__fail(VFX_ERR_STATE, "row %d: past the end of the image", (int) y);
        VFX_TRY(vfx__pack_row(s, type, x_stride, row, pe->ftype, pe->width, pe->n_ch));
        if (swap) /* PNG samples are big-endian */
            for (size_t i = 0; i < n; i++) {
                uint8_t t = row[2 * i];
                row[2 * i] = row[2 * i + 1];
                row[2 * i + 1] = t;
            }
        VFX_TRY(vfx__pngz_push(pe->z));
    }
    return VFX_OK;
}

static vfx_status
png_write_close(vfx__wr *wr, int failed)
{
    png_enc *pe = wr->priv;
    if (!pe)
        return VFX_OK;
    vfx_status s = VFX_OK;
    if (!failed && pe->png && pe->z) {
        static const uint8_t iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
        s = vfx__outbuf_put(&pe->out, iend, sizeof iend);
        if (s == VFX_OK)
            s = vfx__outbuf_flush(&pe->out);
    }
    vfx__pngz_free(pe->z);
    if (pe->png)
        png_destroy_write_struct(&pe->png, &pe->info);
    vfx__outbuf_free(&pe->out);
    vfx__free(pe);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_png = {
    .size = sizeof(vfx_format),
    .name = "png",
    .tag = "png",
    .extensions = "png",
    .probe = png_probe,
    .open = png_open,
    .read_rect = png_read_rect,
    .close = png_close,
    .write_open = png_write_open,
    .write_rect = png_write_rect,
    .write_close = png_write_close,
    .write_row_type = png_write_row_type,
    .description = "PNG (libpng): 1-16 bit grey/RGB(A)/palette, interlaced, colour chunks, text",
    .write_notes = "u8/u16; 1-4 channels; zlib level 0-9 (--compression zip:LEVEL, default 4), "
                   ",filter=none|sub|up|avg|paeth|adaptive (default adaptive); deflate runs on "
                   "every thread",
};
