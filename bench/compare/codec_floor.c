/* codec_floor: the decode-only and encode-only time of an image through its codec library
 * (libpng, libjpeg-turbo, libtiff, OpenEXRCore), with no tool's pipeline around it: the floor
 * that bench/compare/run sets next to vfx's workloads.
 *
 *   codec_floor [-r REPS] [-l LONG_S] [-o OUTDIR] [-S K] [-k] INPUT [ENCODE[@K]...]
 *
 * INPUT (PNG, JPEG, TIFF or OpenEXR, told by its first bytes) is decoded whole into one
 * interleaved buffer, then encoded from that buffer by each ENCODE spec, into OUTDIR (default
 * /tmp; the files are removed at the end, unless -k):
 *
 *   png:LEVEL      libpng, zlib LEVEL 0-9 (adaptive row filters, as libpng and vfx default)
 *   png:default    libpng with nothing set (zlib's default level 6, adaptive filters)
 *   jpeg:Q         libjpeg quality Q, 4:2:0, islow DCT, no optimisation (vfx's choices)
 *   tiff:COMP      libtiff strips, COMP none|lzw|zip; tiff:COMP:tileN for N x N tiles
 *   exr:COMP       OpenEXRCore scanlines, COMP none|rle|zips|zip|piz|pxr24|b44 (zip level 4:
 *                  OpenEXR's C++ library default, and vfx's)
 *   SPEC@K         encode only 1 band of 64 rows in every K (bands spread over the whole
 *                  height, copied out untimed) and report K x the time and size: a full-image
 *                  estimate for the slow encoders, so the floors fit the benchmark's budget
 *
 * -S K does the same for an OpenEXR input's decode (chunks of 1 band in K); encodes then need
 * @K too (only those rows were decoded).
 *
 * Each repetition decodes once, then runs each encode once (so the measurements alternate);
 * a measurement whose first run takes longer than LONG_S (default 2 s) is not repeated. All of
 * it runs on one thread: these libraries have no threads (OpenEXRCore leaves them to its
 * caller). One tab-separated line per measurement on stdout:
 *
 *   floor OP CODEC SETTINGS THREADS MEDIAN_S MIN_S CPU_S REPS SAMPLE RAW_MIBPS OUT_BYTES INPUT GEOMETRY
 *
 * OP is decode or encode; CODEC format/library-version; SAMPLE 1/K (times and sizes already
 * scaled by K); RAW_MIBPS the decoded pixels' size (MiB) / the median; CPU_S the median CPU
 * time (user+sys) of the process during the measurement. A codec the program was built
 * without, or that fails, gives THREADS "na", REPS 0 and the reason in place of GEOMETRY; the
 * exit status is 1 only when the input could not be decoded. The decoded buffer is allocated
 * afresh for each decode, so the decode time includes the first touch of that memory. Built by
 * bench/compare/run with cc and the pkg-config flags of the libraries found (CF_PNG, CF_JPEG,
 * CF_TIFF, CF_EXR); any subset builds.
 *
 * The decode and encode loops are the ordinary use of each library's API, written here from
 * its documentation. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../bench_clock.h"

#ifdef CF_PNG
#include <png.h>
#include <zlib.h>
#endif
#ifdef CF_JPEG
#include <jpeglib.h>
#endif
#ifdef CF_TIFF
#include <tiffio.h>
#endif
#ifdef CF_EXR
#include <openexr.h>
#endif

/* ---- the decoded image --------------------------------------------------------------------- */

typedef enum { T_U8 = 1, T_U16 = 2, T_HALF = 3 } ptype;

typedef struct {
    int            w, h, nc;
    ptype          type;
    size_t         bps;    /* bytes per sample */
    unsigned char *px;     /* interleaved, rows top-down, w * nc * bps bytes per row */
    char           names[8][32]; /* EXR channel names, in file order */
    char           desc[128];    /* what was decoded, for the report */
} image;

static size_t
img_bytes(const image *im)
{
    return (size_t) im->w * (size_t) im->h * (size_t) im->nc * im->bps;
}

static size_t
row_bytes(const image *im)
{
    return (size_t) im->w * (size_t) im->nc * im->bps;
}

static const char *
type_name(ptype t)
{
    return t == T_U8 ? "u8" : t == T_U16 ? "u16" : "half";
}

static char errbuf[512];

static int
fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    return -1;
}

static int
img_alloc(image *im)
{
    if (im->w <= 0 || im->h <= 0 || im->nc <= 0 || im->nc > 8)
        return fail("unsupported geometry %dx%d, %d channels", im->w, im->h, im->nc);
    free(im->px);
    im->px = malloc(img_bytes(im));
    if (!im->px)
        return fail("out of memory for %zu bytes", img_bytes(im));
    snprintf(im->desc, sizeof im->desc, "%dx%dx%d %s", im->w, im->h, im->nc, type_name(im->type));
    return 0;
}

/* ---- PNG ------------------------------------------------------------------------------------- */

#ifdef CF_PNG
static void
png_err(png_structp p, png_const_charp msg)
{
    fail("libpng: %s", msg);
    png_longjmp(p, 1);
}

static void
png_warn(png_structp p, png_const_charp msg)
{
    (void) p;
    (void) msg;
}

static int
png_decode(const char *path, image *im)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail("%s: %s", path, strerror(errno));
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_err, png_warn);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    png_bytep *volatile rows = NULL; /* set after setjmp(), freed after a longjmp() */
    if (!info || setjmp(png_jmpbuf(p))) {
        png_destroy_read_struct(&p, &info, NULL);
        free(rows);
        fclose(f);
        return errbuf[0] ? -1 : fail("libpng: out of memory");
    }
    png_init_io(p, f);
    png_read_info(p, info);
    int depth = png_get_bit_depth(p, info), ct = png_get_color_type(p, info);
    if (ct == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(p);
    if (depth < 8)
        png_set_expand(p);
    if (depth == 16)
        png_set_swap(p); /* PNG is big-endian; keep native 16-bit samples */
    png_read_update_info(p, info);
    im->w = (int) png_get_image_width(p, info);
    im->h = (int) png_get_image_height(p, info);
    im->nc = png_get_channels(p, info);
    im->type = depth == 16 ? T_U16 : T_U8;
    im->bps = depth == 16 ? 2 : 1;
    if (img_alloc(im) != 0)
        png_longjmp(p, 1);
    rows = malloc(sizeof *rows * (size_t) im->h);
    if (!rows)
        png_longjmp(p, 1);
    for (int y = 0; y < im->h; y++)
        rows[y] = im->px + (size_t) y * row_bytes(im);
    png_read_image(p, rows);
    png_read_end(p, NULL);
    png_destroy_read_struct(&p, &info, NULL);
    free(rows);
    fclose(f);
    return 0;
}

/* level < 0: nothing set, libpng's defaults */
static int
png_encode(const image *im, const char *path, int level)
{
    if (im->type == T_HALF)
        return fail("PNG cannot hold half samples");
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail("%s: %s", path, strerror(errno));
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_err, png_warn);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info || setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, &info);
        fclose(f);
        return errbuf[0] ? -1 : fail("libpng: out of memory");
    }
    png_init_io(p, f);
    static const int ct[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                             PNG_COLOR_TYPE_RGB_ALPHA};
    if (im->nc > 4)
        png_err(p, "more than 4 channels");
    png_set_IHDR(p, info, (png_uint_32) im->w, (png_uint_32) im->h, (int) im->bps * 8, ct[im->nc],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (level >= 0)
        png_set_compression_level(p, level);
    png_write_info(p, info);
    if (im->bps == 2)
        png_set_swap(p);
    for (int y = 0; y < im->h; y++)
        png_write_row(p, im->px + (size_t) y * row_bytes(im));
    png_write_end(p, info);
    png_destroy_write_struct(&p, &info);
    if (fclose(f) != 0)
        return fail("%s: %s", path, strerror(errno));
    return 0;
}
#endif

/* ---- JPEG ------------------------------------------------------------------------------------ */

#ifdef CF_JPEG
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf               jb;
} jerr;

static void
jpeg_fail(j_common_ptr c)
{
    char msg[JMSG_LENGTH_MAX];
    c->err->format_message(c, msg);
    fail("libjpeg: %s", msg);
    longjmp(((jerr *) c->err)->jb, 1);
}

static int
jpeg_decode(const char *path, image *im)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail("%s: %s", path, strerror(errno));
    struct jpeg_decompress_struct c;
    jerr e;
    c.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jpeg_fail;
    if (setjmp(e.jb)) {
        jpeg_destroy_decompress(&c);
        fclose(f);
        return -1;
    }
    jpeg_create_decompress(&c);
    jpeg_stdio_src(&c, f);
    jpeg_read_header(&c, TRUE);
    c.dct_method = JDCT_ISLOW; /* as vfx's reader */
    jpeg_start_decompress(&c);
    im->w = (int) c.output_width;
    im->h = (int) c.output_height;
    im->nc = c.output_components;
    im->type = T_U8;
    im->bps = 1;
    if (img_alloc(im) != 0)
        longjmp(e.jb, 1);
    while (c.output_scanline < c.output_height) {
        JSAMPROW rows[16];
        int n = 0;
        for (; n < 16 && c.output_scanline + (unsigned) n < c.output_height; n++)
            rows[n] = im->px + (size_t) (c.output_scanline + (unsigned) n) * row_bytes(im);
        jpeg_read_scanlines(&c, rows, (JDIMENSION) n);
    }
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    fclose(f);
    return 0;
}

static int
jpeg_encode(const image *im, const char *path, int quality)
{
    if (im->type != T_U8 || (im->nc != 1 && im->nc != 3))
        return fail("JPEG needs 8-bit grey or RGB, not %s", im->desc);
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail("%s: %s", path, strerror(errno));
    struct jpeg_compress_struct c;
    jerr e;
    c.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jpeg_fail;
    if (setjmp(e.jb)) {
        jpeg_destroy_compress(&c);
        fclose(f);
        return -1;
    }
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION) im->w;
    c.image_height = (JDIMENSION) im->h;
    c.input_components = im->nc;
    c.in_color_space = im->nc == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&c); /* 4:2:0 for YCbCr */
    jpeg_set_quality(&c, quality, TRUE);
    c.dct_method = JDCT_ISLOW;
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW rows[16];
        int n = 0;
        for (; n < 16 && c.next_scanline + (unsigned) n < c.image_height; n++)
            rows[n] = im->px + (size_t) (c.next_scanline + (unsigned) n) * row_bytes(im);
        jpeg_write_scanlines(&c, rows, (JDIMENSION) n);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    if (fclose(f) != 0)
        return fail("%s: %s", path, strerror(errno));
    return 0;
}
#endif

/* ---- TIFF ------------------------------------------------------------------------------------ */

#ifdef CF_TIFF
static void
tiff_err(const char *mod, const char *fmt, va_list ap)
{
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fail("libtiff: %s%s%s", mod ? mod : "", mod ? ": " : "", msg);
}

static char tiff_input_comp[32] = "none";

static const char *
tiff_comp_name(int c)
{
    switch (c) {
    case COMPRESSION_NONE: return "none";
    case COMPRESSION_LZW: return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return "zip";
    case COMPRESSION_PACKBITS: return "packbits";
    case COMPRESSION_JPEG: return "jpeg";
    default: return "other";
    }
}

static int
tiff_decode(const char *path, image *im)
{
    TIFFSetErrorHandler(tiff_err);
    TIFFSetWarningHandler(NULL);
    TIFF *t = TIFFOpen(path, "r");
    if (!t)
        return errbuf[0] ? -1 : fail("%s: libtiff cannot open it", path);
    uint32_t w = 0, h = 0;
    uint16_t spp = 1, bits = 8, planar = PLANARCONFIG_CONTIG, comp = COMPRESSION_NONE;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &comp);
    snprintf(tiff_input_comp, sizeof tiff_input_comp, "%s", tiff_comp_name(comp));
    if ((bits != 8 && bits != 16) || planar != PLANARCONFIG_CONTIG) {
        TIFFClose(t);
        return fail("only contiguous 8/16-bit TIFFs here (%u bits, planar %u)", bits, planar);
    }
    im->w = (int) w;
    im->h = (int) h;
    im->nc = spp;
    im->type = bits == 16 ? T_U16 : T_U8;
    im->bps = bits / 8;
    if (img_alloc(im) != 0) {
        TIFFClose(t);
        return -1;
    }
    size_t rb = row_bytes(im);
    int rc = 0;
    if (TIFFIsTiled(t)) {
        uint32_t tw = 0, th = 0;
        TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
        tmsize_t ts = TIFFTileSize(t);
        unsigned char *buf = ts > 0 ? malloc((size_t) ts) : NULL;
        size_t tr = (size_t) tw * spp * im->bps; /* bytes per tile row */
        for (uint32_t y = 0; buf && rc == 0 && y < h; y += th)
            for (uint32_t x = 0; rc == 0 && x < w; x += tw) {
                if (TIFFReadEncodedTile(t, TIFFComputeTile(t, x, y, 0, 0), buf, ts) < 0) {
                    rc = errbuf[0] ? -1 : fail("libtiff: tile %u,%u", x, y);
                    break;
                }
                uint32_t cw = x + tw > w ? w - x : tw, ch = y + th > h ? h - y : th;
                for (uint32_t r = 0; r < ch; r++)
                    memcpy(im->px + (size_t) (y + r) * rb + (size_t) x * spp * im->bps,
                           buf + r * tr, (size_t) cw * spp * im->bps);
            }
        if (!buf)
            rc = fail("out of memory for a tile");
        free(buf);
    } else {
        uint32_t rps = h;
        TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rps);
        if (rps > h)
            rps = h;
        for (uint32_t y = 0; y < h; y += rps) {
            uint32_t n = y + rps > h ? h - y : rps;
            if (TIFFReadEncodedStrip(t, TIFFComputeStrip(t, y, 0), im->px + (size_t) y * rb,
                                     (tmsize_t) (n * rb)) < 0) {
                rc = errbuf[0] ? -1 : fail("libtiff: strip at row %u", y);
                break;
            }
        }
    }
    TIFFClose(t);
    return rc;
}

static int
tiff_encode(const image *im, const char *path, int comp, int tile)
{
    if (im->type == T_HALF)
        return fail("no half TIFFs here");
    TIFFSetErrorHandler(tiff_err);
    TIFFSetWarningHandler(NULL);
    TIFF *t = TIFFOpen(path, "w");
    if (!t)
        return errbuf[0] ? -1 : fail("%s: libtiff cannot create it", path);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t) im->w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t) im->h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, (uint16_t) im->nc);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t) (im->bps * 8));
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, im->nc >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_COMPRESSION, (uint16_t) comp);
    if (comp != COMPRESSION_NONE)
        TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    size_t rb = row_bytes(im), pb = (size_t) im->nc * im->bps;
    int rc = 0;
    if (tile > 0) {
        TIFFSetField(t, TIFFTAG_TILEWIDTH, (uint32_t) tile);
        TIFFSetField(t, TIFFTAG_TILELENGTH, (uint32_t) tile);
        size_t tr = (size_t) tile * pb;
        unsigned char *buf = calloc((size_t) tile, tr);
        for (int y = 0; buf && rc == 0 && y < im->h; y += tile)
            for (int x = 0; x < im->w; x += tile) {
                int cw = x + tile > im->w ? im->w - x : tile, ch = y + tile > im->h ? im->h - y : tile;
                for (int r = 0; r < ch; r++)
                    memcpy(buf + (size_t) r * tr, im->px + (size_t) (y + r) * rb + (size_t) x * pb,
                           (size_t) cw * pb);
                if (TIFFWriteEncodedTile(t, TIFFComputeTile(t, (uint32_t) x, (uint32_t) y, 0, 0), buf,
                                         (tmsize_t) ((size_t) tile * tr)) < 0) {
                    rc = errbuf[0] ? -1 : fail("libtiff: writing tile %d,%d", x, y);
                    break;
                }
            }
        if (!buf)
            rc = fail("out of memory for a tile");
        free(buf);
    } else {
        uint32_t rps = TIFFDefaultStripSize(t, 0);
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rps);
        for (uint32_t y = 0; y < (uint32_t) im->h; y += rps) {
            uint32_t n = y + rps > (uint32_t) im->h ? (uint32_t) im->h - y : rps;
            if (TIFFWriteEncodedStrip(t, TIFFComputeStrip(t, y, 0), im->px + (size_t) y * rb,
                                      (tmsize_t) (n * rb)) < 0) {
                rc = errbuf[0] ? -1 : fail("libtiff: writing the strip at row %u", y);
                break;
            }
        }
    }
    TIFFClose(t);
    return rc;
}
#endif

/* ---- OpenEXR (OpenEXRCore's C API) ----------------------------------------------------------- */

/* (used by the spec parser too, built with or without OpenEXR) */
static int                exr_decode_sample = 1; /* -S K: decode 1 band of 64 rows in every K */
static const char *const exr_comp_names[] = {"none", "rle", "zips", "zip", "piz", "pxr24", "b44",
                                              "b44a", "dwaa", "dwab"};

#ifdef CF_EXR
static void
exr_err_cb(exr_const_context_t c, exr_result_t code, const char *msg)
{
    (void) c;
    (void) code;
    fail("OpenEXRCore: %s", msg ? msg : "error");
}

#define EXR_TRY(call)                                                                          \
    do {                                                                                       \
        exr_result_t rv_ = (call);                                                             \
        if (rv_ != EXR_ERR_SUCCESS) {                                                          \
            if (!errbuf[0])                                                                    \
                fail("OpenEXRCore: %s (%s)", exr_get_default_error_message(rv_), #call);       \
            goto out;                                                                          \
        }                                                                                      \
    } while (0)

static char exr_input_comp[32] = "?";

/* point the decoder (or encoder) channels at the interleaved image for the chunk */
static int
exr_chan_index(const image *im, const char *name)
{
    for (int c = 0; c < im->nc; c++)
        if (strcmp(im->names[c], name) == 0)
            return c;
    return -1;
}

static int
exr_decode(const char *path, image *im)
{
    exr_context_t ctx = NULL;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = exr_err_cb;
    exr_decode_pipeline_t dec = EXR_DECODE_PIPELINE_INITIALIZER;
    int have_dec = 0, rc = -1;
    EXR_TRY(exr_start_read(&ctx, path, &init));
    exr_attr_box2i_t dw;
    const exr_attr_chlist_t *chl;
    exr_storage_t st;
    exr_compression_t comp;
    EXR_TRY(exr_get_data_window(ctx, 0, &dw));
    EXR_TRY(exr_get_channels(ctx, 0, &chl));
    EXR_TRY(exr_get_storage(ctx, 0, &st));
    EXR_TRY(exr_get_compression(ctx, 0, &comp));
    if ((unsigned) comp < sizeof exr_comp_names / sizeof *exr_comp_names)
        snprintf(exr_input_comp, sizeof exr_input_comp, "%s", exr_comp_names[comp]);
    im->w = dw.max.x - dw.min.x + 1;
    im->h = dw.max.y - dw.min.y + 1;
    im->nc = chl->num_channels;
    im->type = T_HALF;
    im->bps = 2;
    if (im->nc > 8) {
        fail("more than 8 channels");
        goto out;
    }
    for (int c = 0; c < im->nc; c++) {
        if (chl->entries[c].pixel_type != EXR_PIXEL_HALF || chl->entries[c].x_sampling != 1 ||
            chl->entries[c].y_sampling != 1) {
            fail("only full-resolution half channels here");
            goto out;
        }
        snprintf(im->names[c], sizeof im->names[c], "%s", chl->entries[c].name.str);
    }
    if (img_alloc(im) != 0)
        goto out;
    size_t rb = row_bytes(im);
    int nchunks = 0;
    EXR_TRY(exr_get_chunk_count(ctx, 0, &nchunks));
    int32_t tw = 0, th = 0, ntx = 1;
    if (st == EXR_STORAGE_TILED) {
        uint32_t xs = 0, ys = 0;
        exr_tile_level_mode_t lm;
        exr_tile_round_mode_t rm;
        EXR_TRY(exr_get_tile_descriptor(ctx, 0, &xs, &ys, &lm, &rm));
        tw = (int32_t) xs;
        th = (int32_t) ys;
        if (lm != EXR_TILE_ONE_LEVEL || tw <= 0 || th <= 0) {
            fail("only single-level tiled files here");
            goto out;
        }
        ntx = (im->w + tw - 1) / tw;
        nchunks = ntx * ((im->h + th - 1) / th);
    } else if (st != EXR_STORAGE_SCANLINE) {
        fail("only scanline or tiled parts here");
        goto out;
    }
    int lines = 1;
    if (st == EXR_STORAGE_SCANLINE)
        EXR_TRY(exr_get_scanlines_per_chunk(ctx, 0, &lines));
    for (int k = 0; k < nchunks; k++) {
        exr_chunk_info_t ci;
        int cy = st == EXR_STORAGE_TILED ? (k / ntx) * th : k * lines; /* first row */
        if ((cy / 64) % exr_decode_sample != 0)
            continue;
        if (st == EXR_STORAGE_TILED)
            EXR_TRY(exr_read_tile_chunk_info(ctx, 0, k % ntx, k / ntx, 0, 0, &ci));
        else
            EXR_TRY(exr_read_scanline_chunk_info(ctx, 0, dw.min.y + cy, &ci));
        if (!have_dec) {
            EXR_TRY(exr_decoding_initialize(ctx, 0, &ci, &dec));
            have_dec = 1;
        } else {
            EXR_TRY(exr_decoding_update(ctx, 0, &ci, &dec));
        }
        /* tiles give their position as tile indexes, scanline chunks in pixels */
        int x0 = st == EXR_STORAGE_TILED ? ci.start_x * tw : ci.start_x - dw.min.x;
        int y0 = st == EXR_STORAGE_TILED ? ci.start_y * th : ci.start_y - dw.min.y;
        if (x0 < 0 || y0 < 0 || x0 + ci.width > im->w || y0 + ci.height > im->h) {
            fail("chunk %d: outside the data window", k);
            goto out;
        }
        for (int c = 0; c < dec.channel_count; c++) {
            exr_coding_channel_info_t *ch = &dec.channels[c];
            int ix = exr_chan_index(im, ch->channel_name);
            ch->decode_to_ptr = im->px + (size_t) y0 * rb + ((size_t) x0 * (size_t) im->nc + (size_t) ix) * 2;
            ch->user_pixel_stride = (int32_t) (im->nc * 2);
            ch->user_line_stride = (int32_t) rb;
            ch->user_bytes_per_element = 2;
            ch->user_data_type = EXR_PIXEL_HALF;
        }
        if (dec.decompress_fn == NULL && dec.unpack_and_convert_fn == NULL)
            EXR_TRY(exr_decoding_choose_default_routines(ctx, 0, &dec));
        EXR_TRY(exr_decoding_run(ctx, 0, &dec));
    }
    rc = 0;
out:
    if (have_dec)
        exr_decoding_destroy(ctx, &dec);
    if (ctx)
        exr_finish(&ctx);
    return rc;
}

static int
exr_encode(const image *im, const char *path, exr_compression_t comp)
{
    if (im->type != T_HALF)
        return fail("only half images are written to EXR here");
    exr_context_t ctx = NULL;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = exr_err_cb;
    exr_encode_pipeline_t enc = EXR_ENCODE_PIPELINE_INITIALIZER;
    int have_enc = 0, rc = -1, part = 0;
    EXR_TRY(exr_start_write(&ctx, path, EXR_WRITE_FILE_DIRECTLY, &init));
    EXR_TRY(exr_add_part(ctx, "", EXR_STORAGE_SCANLINE, &part));
    EXR_TRY(exr_initialize_required_attr_simple(ctx, part, im->w, im->h, comp));
    for (int c = 0; c < im->nc; c++)
        EXR_TRY(exr_add_channel(ctx, part, im->names[c], EXR_PIXEL_HALF, EXR_PERCEPTUALLY_LOGARITHMIC, 1, 1));
    EXR_TRY(exr_set_zip_compression_level(ctx, part, 4));
    EXR_TRY(exr_write_header(ctx));
    int lines = 1;
    EXR_TRY(exr_get_scanlines_per_chunk(ctx, part, &lines));
    size_t rb = row_bytes(im);
    for (int y = 0; y < im->h; y += lines) {
        exr_chunk_info_t ci;
        EXR_TRY(exr_write_scanline_chunk_info(ctx, part, y, &ci));
        if (!have_enc) {
            EXR_TRY(exr_encoding_initialize(ctx, part, &ci, &enc));
            have_enc = 1;
        } else {
            EXR_TRY(exr_encoding_update(ctx, part, &ci, &enc));
        }
        for (int c = 0; c < enc.channel_count; c++) {
            exr_coding_channel_info_t *ch = &enc.channels[c];
            int ix = exr_chan_index(im, ch->channel_name);
            ch->encode_from_ptr = im->px + (size_t) y * rb + (size_t) ix * 2;
            ch->user_pixel_stride = (int32_t) (im->nc * 2);
            ch->user_line_stride = (int32_t) rb;
            ch->user_bytes_per_element = 2;
            ch->user_data_type = EXR_PIXEL_HALF;
        }
        if (y == 0)
            EXR_TRY(exr_encoding_choose_default_routines(ctx, part, &enc));
        EXR_TRY(exr_encoding_run(ctx, part, &enc));
    }
    rc = 0;
out:
    if (have_enc)
        exr_encoding_destroy(ctx, &enc);
    if (ctx && exr_finish(&ctx) != EXR_ERR_SUCCESS && rc == 0)
        rc = fail("OpenEXRCore: finishing %s", path);
    return rc;
}
#endif

/* ---- the formats ------------------------------------------------------------------------------ */

typedef enum { F_NONE, F_PNG, F_JPEG, F_TIFF, F_EXR } fmt;
static const char *fmt_names[] = {"?", "png", "jpeg", "tiff", "exr"};

static fmt
sniff(const char *path)
{
    unsigned char b[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return F_NONE;
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return F_PNG;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return F_JPEG;
    if (n >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0 ||
                   memcmp(b, "II+\0", 4) == 0 || memcmp(b, "MM\0+", 4) == 0))
        return F_TIFF;
    if (n >= 4 && memcmp(b, "\x76\x2f\x31\x01", 4) == 0)
        return F_EXR;
    return F_NONE;
}

static const char *
missing(fmt f)
{
    switch (f) {
#ifndef CF_PNG
    case F_PNG: return "built without libpng (pkg-config libpng not found)";
#endif
#ifndef CF_JPEG
    case F_JPEG: return "built without libjpeg (pkg-config libjpeg not found)";
#endif
#ifndef CF_TIFF
    case F_TIFF: return "built without libtiff (pkg-config libtiff-4 not found)";
#endif
#ifndef CF_EXR
    case F_EXR: return "built without OpenEXRCore (pkg-config OpenEXR not found)";
#endif
    default: return NULL;
    }
}

static const char *
lib_version(fmt f)
{
    static char v[96];
    v[0] = '\0';
    switch (f) {
#ifdef CF_PNG
    case F_PNG: snprintf(v, sizeof v, "libpng-%s+zlib-%s", png_get_libpng_ver(NULL), zlibVersion()); break;
#endif
#ifdef CF_JPEG
    case F_JPEG:
#ifdef LIBJPEG_TURBO_VERSION
#define CF_STR2(x) #x
#define CF_STR(x)  CF_STR2(x)
        snprintf(v, sizeof v, "libjpeg-turbo-%s", CF_STR(LIBJPEG_TURBO_VERSION));
#else
        snprintf(v, sizeof v, "libjpeg-%d", JPEG_LIB_VERSION);
#endif
        break;
#endif
#ifdef CF_TIFF
    case F_TIFF: {
        const char *s = TIFFGetVersion(), *p = strstr(s, "Version ");
        int n = 0;
        if (p) {
            p += 8;
            while (p[n] && p[n] != '\n' && p[n] != ' ')
                n++;
        }
        snprintf(v, sizeof v, "libtiff-%.*s", n, p ? p : "");
        break;
    }
#endif
#ifdef CF_EXR
    case F_EXR: {
        int ma = 0, mi = 0, pa = 0;
        exr_get_library_version(&ma, &mi, &pa, NULL);
        snprintf(v, sizeof v, "OpenEXRCore-%d.%d.%d", ma, mi, pa);
        break;
    }
#endif
    default: break;
    }
    for (char *s = v; *s; s++)
        if (*s == ' ' || *s == '\t')
            *s = '_';
    return v;
}

static int
decode(fmt f, const char *path, image *im)
{
    (void) path;
    (void) im;
    switch (f) {
#ifdef CF_PNG
    case F_PNG: return png_decode(path, im);
#endif
#ifdef CF_JPEG
    case F_JPEG: return jpeg_decode(path, im);
#endif
#ifdef CF_TIFF
    case F_TIFF: return tiff_decode(path, im);
#endif
#ifdef CF_EXR
    case F_EXR: return exr_decode(path, im);
#endif
    default: return fail("%s", missing(f) ? missing(f) : "unknown format");
    }
}

/* an encode spec, parsed */
typedef struct {
    const char *spec;
    fmt         f;
    int         level;   /* png level (-1 default), jpeg quality, tiff compression, exr compression */
    int         tile;    /* tiff tiles */
    int         sample;  /* encode 1 band of 64 rows in every `sample` (spec@K), scale by K */
    char        settings[96];
    char        path[4096];
    const char *bad;     /* why it cannot run */
    image       part;    /* the sampled rows when sample > 1 */
} encspec;

/* 1 band of 64 rows in every k, spread over the whole height (made once, untimed): the scene
 * varies across the frame, so the bands see all of it */
static int
sample_rows(const image *im, int k, image *out)
{
    *out = *im;
    out->px = NULL;
    out->h = 0;
    for (int y = 0; y < im->h; y++)
        out->h += (y / 64) % k == 0;
    if (img_alloc(out) != 0)
        return -1;
    size_t rb = row_bytes(im);
    for (int y = 0, o = 0; y < im->h; y++)
        if ((y / 64) % k == 0)
            memcpy(out->px + (size_t) o++ * rb, im->px + (size_t) y * rb, rb);
    return 0;
}

static void
parse_spec(encspec *e, const char *outdir, int idx)
{
    char kind[16] = "", a[32] = "", b[32] = "", body[96];
    snprintf(body, sizeof body, "%s", e->spec);
    char *at = strchr(body, '@');
    e->sample = 1;
    if (at) {
        *at = '\0';
        e->sample = atoi(at + 1);
    }
    sscanf(body, "%15[^:]:%31[^:]:%31s", kind, a, b);
    e->bad = NULL;
    if (e->sample < 1 || e->sample > 64) {
        e->bad = "spec@K needs K in 1-64";
        e->sample = 1;
    }
    e->tile = 0;
    if (strcmp(kind, "png") == 0) {
        e->f = F_PNG;
        if (strcmp(a, "default") == 0) {
            e->level = -1;
            snprintf(e->settings, sizeof e->settings, "zlib-default(6),adaptive-filters");
        } else {
            e->level = atoi(a);
            if (!a[0] || e->level < 0 || e->level > 9)
                e->bad = "png:LEVEL needs a level 0-9 or 'default'";
            snprintf(e->settings, sizeof e->settings, "zlib-level-%d,adaptive-filters", e->level);
        }
    } else if (strcmp(kind, "jpeg") == 0) {
        e->f = F_JPEG;
        e->level = atoi(a);
        if (e->level < 1 || e->level > 100)
            e->bad = "jpeg:Q needs a quality 1-100";
        snprintf(e->settings, sizeof e->settings, "q%d,4:2:0,islow", e->level);
    } else if (strcmp(kind, "tiff") == 0) {
        e->f = F_TIFF;
#ifdef CF_TIFF
        e->level = strcmp(a, "none") == 0  ? COMPRESSION_NONE
                   : strcmp(a, "lzw") == 0 ? COMPRESSION_LZW
                   : strcmp(a, "zip") == 0 ? COMPRESSION_ADOBE_DEFLATE
                                           : -1;
#else
        e->level = 0;
#endif
        if (e->level < 0)
            e->bad = "tiff:COMP is none, lzw or zip";
        if (strncmp(b, "tile", 4) == 0)
            e->tile = atoi(b + 4);
        if (b[0] && e->tile <= 0)
            e->bad = "tiff:COMP:tileN needs N > 0";
        if (e->tile > 0)
            snprintf(e->settings, sizeof e->settings, "%s,tiles-%dx%d", a, e->tile, e->tile);
        else
            snprintf(e->settings, sizeof e->settings, "%s,strips", a);
    } else if (strcmp(kind, "exr") == 0) {
        e->f = F_EXR;
        e->level = -1;
        for (int i = 0; i < 7; i++)
            if (strcmp(a, exr_comp_names[i]) == 0)
                e->level = i;
        if (e->level < 0)
            e->bad = "exr:COMP is none, rle, zips, zip, piz, pxr24 or b44";
        snprintf(e->settings, sizeof e->settings, "%s%s,scanlines", a,
                 e->level == 2 || e->level == 3 ? ",level-4" : "");
    } else {
        e->f = F_NONE;
        e->bad = "unknown encode spec (png:LEVEL, png:default, jpeg:Q, tiff:COMP[:tileN], exr:COMP)";
        snprintf(e->settings, sizeof e->settings, "%s", e->spec);
    }
    if (!e->bad && missing(e->f))
        e->bad = missing(e->f);
    snprintf(e->path, sizeof e->path, "%s/codec_floor.%d.%ld.%s", outdir, idx, (long) getpid(),
             e->f == F_JPEG ? "jpg" : e->f == F_TIFF ? "tif" : fmt_names[e->f]);
}

static int
encode(encspec *e, const image *im)
{
    (void) im;
    switch (e->f) {
#ifdef CF_PNG
    case F_PNG: return png_encode(im, e->path, e->level);
#endif
#ifdef CF_JPEG
    case F_JPEG: return jpeg_encode(im, e->path, e->level);
#endif
#ifdef CF_TIFF
    case F_TIFF: return tiff_encode(im, e->path, e->level, e->tile);
#endif
#ifdef CF_EXR
    case F_EXR: return exr_encode(im, e->path, (exr_compression_t) e->level);
#endif
    default: return fail("%s", e->bad ? e->bad : "cannot encode");
    }
}

/* ---- measuring -------------------------------------------------------------------------------- */

#define MAXREPS 16

typedef struct {
    double wall[MAXREPS], cpu[MAXREPS];
    int    n, done; /* done: no more repetitions (long, or failed) */
    long   out_bytes;
    char   err[512];
} meas;

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
median(const double *v, int n)
{
    double s[MAXREPS];
    memcpy(s, v, sizeof *v * (size_t) n);
    qsort(s, (size_t) n, sizeof *s, cmp_d);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static void
report(const char *op, const char *codec, const char *settings, const meas *m, double raw_bytes,
       const char *input, const char *geom, int sample)
{
    if (m->n == 0) {
        printf("floor\t%s\t%s\t%s\tna\t\t\t\t0\t\t\t\t%s\t%s\n", op, codec, settings, input, m->err);
        return;
    }
    double med = median(m->wall, m->n) * sample, mn = m->wall[0];
    for (int i = 1; i < m->n; i++)
        mn = m->wall[i] < mn ? m->wall[i] : mn;
    printf("floor\t%s\t%s\t%s\t1\t%.4f\t%.4f\t%.4f\t%d\t1/%d\t%.1f\t%ld\t%s\t%s\n", op, codec,
           settings, med, mn * sample, median(m->cpu, m->n) * sample, m->n, sample,
           raw_bytes / 1048576.0 / med, m->out_bytes * sample, input, geom);
}

static void
usage(void)
{
    fprintf(stderr, "usage: codec_floor [-r REPS] [-l LONG_S] [-o OUTDIR] [-S K] [-k] INPUT [ENCODE[@K]...]\n"
                    "  ENCODE: png:LEVEL png:default jpeg:Q tiff:none|lzw|zip[:tileN]\n"
                    "          exr:none|rle|zips|zip|piz|pxr24|b44\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    int reps = 3, opt, keep = 0, dsample = 1;
    double long_s = 2.0;
    const char *outdir = "/tmp";
    while ((opt = getopt(argc, argv, "r:l:o:S:kh")) != -1) {
        switch (opt) {
        case 'r': reps = atoi(optarg); break;
        case 'l': long_s = atof(optarg); break;
        case 'o': outdir = optarg; break;
        case 'k': keep = 1; break;
        case 'S': dsample = atoi(optarg); break;
        default: usage();
        }
    }
    if (optind >= argc || reps < 1 || dsample < 1 || dsample > 64)
        usage();
    exr_decode_sample = dsample; /* (only OpenEXR inputs sample their decode) */
    if (reps > MAXREPS)
        reps = MAXREPS;
    const char *input = argv[optind];
    const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
    int nenc = argc - optind - 1;
    meas dm;
    memset(&dm, 0, sizeof dm);
    fmt f = sniff(input);
    const char *codec = f == F_NONE ? "?" : fmt_names[f];
    if (f == F_NONE) {
        printf("floor\tdecode\t?\t-\tna\t\t\t\t0\t\t\t\t%s\t%s\n", base,
               "cannot read it, or not PNG, JPEG, TIFF or OpenEXR");
        return 1;
    }
    if (missing(f)) {
        printf("floor\tdecode\t%s\t-\tna\t\t\t\t0\t\t\t\t%s\t%s\n", codec, base, missing(f));
        return 0;
    }
    encspec *encs = calloc((size_t) (nenc > 0 ? nenc : 1), sizeof *encs);
    meas *em = calloc((size_t) (nenc > 0 ? nenc : 1), sizeof *em);
    if (!encs || !em) {
        fprintf(stderr, "codec_floor: out of memory\n");
        return 1;
    }
    for (int i = 0; i < nenc; i++) {
        encs[i].spec = argv[optind + 1 + i];
        parse_spec(&encs[i], outdir, i);
        if (!encs[i].bad && dsample > 1 && encs[i].sample != dsample)
            encs[i].bad = "with -S K, an encode must sample the same rows (spec@K)";
        if (encs[i].bad) {
            snprintf(em[i].err, sizeof em[i].err, "%s", encs[i].bad);
            em[i].done = 1;
        }
    }
    image im;
    memset(&im, 0, sizeof im);
    for (int r = 0; r < reps; r++) {
        if (!dm.done) {
            errbuf[0] = '\0';
            double t0 = now_s(), c0 = cpu_s();
            int rc = decode(f, input, &im);
            double t1 = now_s(), c1 = cpu_s();
            if (rc != 0) {
                snprintf(dm.err, sizeof dm.err, "%s: %s", base, errbuf);
                report("decode", codec, "-", &dm, 0, base, "", 1);
                for (int i = 0; i < nenc; i++)
                    free(encs[i].part.px);
                free(im.px);
                free(encs);
                free(em);
                return 1;
            }
            dm.wall[dm.n] = t1 - t0;
            dm.cpu[dm.n++] = c1 - c0;
            if (t1 - t0 > long_s)
                dm.done = 1;
        }
        for (int i = 0; i < nenc; i++) {
            if (em[i].done)
                continue;
            const image *src = &im;
            if (encs[i].sample > 1) {
                if (!encs[i].part.px && sample_rows(&im, encs[i].sample, &encs[i].part) != 0) {
                    snprintf(em[i].err, sizeof em[i].err, "%s", errbuf);
                    em[i].done = 1;
                    continue;
                }
                src = &encs[i].part;
            }
            errbuf[0] = '\0';
            double t0 = now_s(), c0 = cpu_s();
            int rc = encode(&encs[i], src);
            double t1 = now_s(), c1 = cpu_s();
            if (rc != 0) {
                snprintf(em[i].err, sizeof em[i].err, "%s", errbuf);
                em[i].done = 1;
                em[i].n = 0;
                continue;
            }
            em[i].wall[em[i].n] = t1 - t0;
            em[i].cpu[em[i].n++] = c1 - c0;
            FILE *o = fopen(encs[i].path, "rb");
            if (o) {
                fseek(o, 0, SEEK_END);
                em[i].out_bytes = ftell(o);
                fclose(o);
            }
            if (t1 - t0 > long_s)
                em[i].done = 1;
        }
        int more = !dm.done;
        for (int i = 0; i < nenc; i++)
            more |= !em[i].done;
        if (!more)
            break;
    }
    char geom[160];
    const char *incomp = "";
#ifdef CF_EXR
    if (f == F_EXR)
        incomp = exr_input_comp;
#endif
#ifdef CF_TIFF
    if (f == F_TIFF)
        incomp = tiff_input_comp;
#endif
    snprintf(geom, sizeof geom, "%s", im.desc);
    char dset[64];
    snprintf(dset, sizeof dset, "%s%s", incomp[0] ? "input-" : "-", incomp);
    char dcodec[160];
    snprintf(dcodec, sizeof dcodec, "%s/%s", codec, lib_version(f));
    report("decode", dcodec, dset, &dm, (double) img_bytes(&im), base, geom,
           f == F_EXR ? exr_decode_sample : 1);
    int bad = 0;
    for (int i = 0; i < nenc; i++) {
        char ecodec[160];
        snprintf(ecodec, sizeof ecodec, "%s/%s", fmt_names[encs[i].f],
                 encs[i].f != F_NONE && !missing(encs[i].f) ? lib_version(encs[i].f) : "n/a");
        report("encode", ecodec, encs[i].settings, &em[i], (double) img_bytes(&im), base, geom,
               encs[i].sample);
        free(encs[i].part.px);
        if (em[i].n == 0)
            bad++;
        if (keep && em[i].n > 0)
            fprintf(stderr, "codec_floor: kept %s\n", encs[i].path);
        else
            unlink(encs[i].path);
    }
    free(im.px);
    free(encs);
    free(em);
    (void) bad;
    return 0;
}
