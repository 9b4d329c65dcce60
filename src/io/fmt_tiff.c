/* TIFF through libtiff.
 *
 * Reading. Every directory (IFD) is a part, except reduced-resolution directories
 * (SubfileType = reduced image) that follow a full one with the same layout: those become its
 * MIP levels, as in OIIO's .tx textures. Strips and tiles are the native chunks
 * (VFX_ACCESS_RANDOM_STRIPS / RANDOM_TILES), decoded one chunk at a time with
 * TIFFReadEncodedStrip/Tile, so a rect reads only the chunks it touches. Samples of 1/2/4 bits
 * expand to u8 over the full range, 8/16/32-bit unsigned give u8/u16/u32, 16/32/64-bit IEEE
 * floats give half/float/double; contiguous and planar (separate) layouts both work, and any
 * compression libtiff decodes works (predictors are libtiff's business). MinIsWhite integer
 * data is inverted to MinIsBlack. YCbCr+JPEG is decoded by libjpeg into RGB
 * (JPEGCOLORMODE_RGB); palette, CMYK, other YCbCr, CIELab and LogLuv images go through
 * libtiff's TIFFRGBAImage and come back as 8-bit RGB (A when the file has alpha), like OIIO;
 * palettes up to 8 bits are expanded here (colour map / 257), so they stay chunk-addressable.
 *
 * Channels: "Y" / "Y,A" for grey, "R,G,B" / "R,G,B,A" for colour, further samples
 * "channel<N>". An extra sample of type associated or unassociated alpha is named "A" and
 * recorded as "UnassociatedAlpha" (1 for unassociated, 0 for associated); pixels come back as
 * stored (see fmt_png.c for the alpha policy).
 *
 * Threads. A TIFF* is not thread-safe, and a decode needs one. The reader keeps a small pool
 * of TIFF handles on the same data (up to min(vfx_threads(), 8), opened lazily), each behind
 * its own mutex; read_rect() takes a free handle (trylock), or waits for one, and switches it
 * to the directory it needs. So several threads decode chunks of one file in parallel, and no
 * handle is ever used by two threads at once.
 *
 * Metadata: "compression", "Orientation", "XResolution", "YResolution", "ResolutionUnit",
 * "ImageDescription", "Make", "Model", "Software", "DateTime", "Artist", "Copyright",
 * "DocumentName", "HostComputer", "PageName", "ICCProfile" (blob "icc"), "XMP" (string),
 * "BitsPerSample", and the Exif IFD's common tags as "Exif:*" (read by libtiff).
 *
 * Writing: strips (rows top to bottom, buffered per strip) or tiles (any order) of u8, u16,
 * u32, half or float; compression "none", "lzw", "deflate"/"zip" (default), "zstd",
 * "packbits", with the horizontal predictor for integers and the floating-point predictor for
 * floats on lzw/deflate/zstd; opt.level is the deflate/zstd level. BigTIFF is chosen when the
 * uncompressed pixels alone come near 4 GiB. The metadata above is written back. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "io/fmt_util.h"

#define MAX_HANDLES 8
#define MAX_DIRS 4096

/* ---- handles ------------------------------------------------------------------------------ */

typedef struct tiff_handle {
    pthread_mutex_t lock;
    TIFF           *tif; /* NULL until first used */
    vfx__rd        *rd;
    uint64_t        pos;
    int64_t         cur_dir; /* directory set up by handle_use_dir(), -1 = unknown */
    char            msg[256];
} tiff_handle;

static int
on_tiff_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void) tif;
    (void) module;
    char *msg = user;
    if (msg && msg[0] == 0)
        vsnprintf(msg, 256, fmt, ap);
    return 1;
}

static int
on_tiff_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void) tif;
    (void) user;
    (void) module;
    (void) fmt;
    (void) ap;
    return 1;
}

static tmsize_t
h_read(thandle_t th, void *buf, tmsize_t n)
{
    tiff_handle *h = (tiff_handle *) th;
    if (n < 0)
        return -1;
    int64_t got = vfx__rd_read(h->rd, buf, (uint64_t) n, h->pos);
    if (got < 0)
        return -1;
    h->pos += (uint64_t) got;
    return (tmsize_t) got;
}

static tmsize_t
h_write(thandle_t th, void *buf, tmsize_t n)
{
    (void) th;
    (void) buf;
    (void) n;
    return -1;
}

static toff_t
h_seek(thandle_t th, toff_t off, int whence)
{
    tiff_handle *h = (tiff_handle *) th;
    uint64_t base = whence == SEEK_SET   ? 0
                    : whence == SEEK_CUR ? h->pos
                                         : (uint64_t) (h->rd->file_size < 0 ? 0 : h->rd->file_size);
    h->pos = base + off;
    return h->pos;
}

static int
h_close(thandle_t th)
{
    (void) th;
    return 0;
}

static toff_t
h_size(thandle_t th)
{
    tiff_handle *h = (tiff_handle *) th;
    return h->rd->file_size < 0 ? (toff_t) INT64_MAX : (toff_t) h->rd->file_size;
}

static int
h_map(thandle_t th, void **base, toff_t *size)
{
    (void) th;
    (void) base;
    (void) size;
    return 0;
}

static void
h_unmap(thandle_t th, void *base, toff_t size)
{
    (void) th;
    (void) base;
    (void) size;
}

static vfx_status
tiff_fail(char *msg, vfx_status code, const char *what)
{
    vfx_status s = vfx__fail(code, "%s%s%s", what, msg[0] ? ": " : "", msg);
    msg[0] = 0;
    return s;
}

static vfx_status
handle_open(vfx__rd *rd, tiff_handle *h)
{
    h->rd = rd;
    h->pos = 0;
    h->cur_dir = -1;
    h->msg[0] = 0;
    TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
    if (!o)
        return vfx__nomem();
    TIFFOpenOptionsSetErrorHandlerExtR(o, on_tiff_error, h->msg);
    TIFFOpenOptionsSetWarningHandlerExtR(o, on_tiff_warning, NULL);
    TIFFOpenOptionsSetMaxSingleMemAlloc(o, (tmsize_t) 1 << 31);
    h->tif = TIFFClientOpenExt(rd->name, "rm", (thandle_t) h, h_read, h_write, h_seek, h_close,
                               h_size, h_map, h_unmap, o);
    TIFFOpenOptionsFree(o);
    if (!h->tif)
        return tiff_fail(h->msg, VFX_ERR_CORRUPT, "header");
    return VFX_OK;
}

/* ---- reader state ------------------------------------------------------------------------- */

enum { MODE_NATIVE = 0, MODE_RGBA = 1, MODE_PALETTE = 2 };

/* One directory as read. */
typedef struct tdir {
    tdir_t         index;
    uint32_t       width, height;
    uint16_t       spp, bps, sample_format, planar, photometric, compression;
    int            tiled, mode, invert, n_ch, has_alpha, reduced;
    uint32_t       chunk_w, chunk_h; /* tile size, or (width, rows per strip) */
    vfx_pixel_type type;             /* of the values handed out */
    uint8_t        cmap[256 * 3];    /* MODE_PALETTE: RGB per index, 8 bits */
} tdir;

/* A level of a part: its directory. */
typedef struct tpart {
    int32_t first_dir; /* index into dirs of level 0 */
    int32_t n_levels;
} tpart;

typedef struct tiff_priv {
    tiff_handle h[MAX_HANDLES];
    int         n_handles;
    tdir       *dirs;
    int32_t     n_dirs;
    tpart      *parts;
    int         texture; /* the first directory has the Pixar texture-format tag */
    _Atomic unsigned next; /* round robin start for handle choice */
} tiff_priv;

static int
tiff_probe(const uint8_t *head, size_t n)
{
    if (n < 4)
        return 0;
    if ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0) ||
        (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43)))
        return 90;
    return 0;
}

/* After each directory switch: have libjpeg hand out RGB for YCbCr JPEG. */
static void
dir_setup(TIFF *tif, const tdir *d)
{
    if (d->compression == COMPRESSION_JPEG && d->photometric == PHOTOMETRIC_YCBCR)
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
}

static vfx_status
handle_use_dir(tiff_handle *h, const tdir *d)
{
    if (h->cur_dir != (int64_t) d->index) {
        h->cur_dir = -1;
        if (!TIFFSetDirectory(h->tif, d->index))
            return tiff_fail(h->msg, VFX_ERR_CORRUPT, "directory");
        dir_setup(h->tif, d);
        h->cur_dir = d->index;
    }
    return VFX_OK;
}

/* Describe the current directory of @p tif into @p d. */
static vfx_status
describe_dir(vfx__rd *rd, TIFF *tif, tdir *d)
{
    memset(d, 0, sizeof *d);
    d->index = TIFFCurrentDirectory(tif);
    uint16_t extra_n = 0, *extra = NULL;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &d->width) ||
        !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &d->height))
        return vfx__fail(VFX_ERR_CORRUPT, "directory %u: no image size", (unsigned) d->index);
    VFX_TRY(vfx__check_size(rd, d->width, d->height));
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &d->spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &d->bps);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &d->sample_format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &d->planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &d->compression);
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_n, &extra);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &d->photometric))
        d->photometric = d->spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (d->spp == 0 || d->spp > 64)
        return vfx__fail(VFX_ERR_CORRUPT, "%u samples per pixel", d->spp);
    d->tiled = TIFFIsTiled(tif);
    if (d->tiled) {
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &d->chunk_w);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &d->chunk_h);
        if (d->chunk_w == 0 || d->chunk_h == 0 || d->chunk_w > (1u << 16) ||
            d->chunk_h > (1u << 16))
            return vfx__fail(VFX_ERR_CORRUPT, "bad tile size %u x %u", d->chunk_w, d->chunk_h);
    } else {
        uint32_t rps = d->height;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
        d->chunk_w = d->width;
        d->chunk_h = rps == 0 || rps > d->height ? d->height : rps;
    }
    int alpha_extra = extra_n > 0 && extra &&
                      (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
    uint16_t ph = d->photometric;
    int native_photo = ph == PHOTOMETRIC_MINISBLACK || ph == PHOTOMETRIC_MINISWHITE ||
                       ph == PHOTOMETRIC_RGB ||
                       (ph == PHOTOMETRIC_YCBCR && d->compression == COMPRESSION_JPEG);
    int native_bits = 0;
    switch (d->sample_format) {
    case SAMPLEFORMAT_UINT:
        native_bits = d->bps == 1 || d->bps == 2 || d->bps == 4 || d->bps == 8 || d->bps == 16 ||
                      d->bps == 32;
        d->type = d->bps <= 8 ? VFX_PIXEL_U8 : d->bps == 16 ? VFX_PIXEL_U16 : VFX_PIXEL_U32;
        break;
    case SAMPLEFORMAT_IEEEFP:
        native_bits = d->bps == 16 || d->bps == 32 || d->bps == 64;
        d->type = d->bps == 16 ? VFX_PIXEL_HALF : d->bps == 32 ? VFX_PIXEL_F32 : VFX_PIXEL_F64;
        break;
    default:
        break;
    }
    if (ph == PHOTOMETRIC_RGB && d->spp < 3)
        native_photo = 0;
    if (native_photo && native_bits && ph == PHOTOMETRIC_YCBCR && d->bps != 8)
        native_photo = 0;
    if (native_photo && native_bits) {
        d->mode = MODE_NATIVE;
        d->n_ch = d->spp;
        d->invert = ph == PHOTOMETRIC_MINISWHITE && d->sample_format == SAMPLEFORMAT_UINT;
        d->has_alpha = alpha_extra && (d->spp == (ph == PHOTOMETRIC_RGB ||
                                                          ph == PHOTOMETRIC_YCBCR
                                                      ? 4
                                                      : 2));
        return VFX_OK;
    }
    uint16_t *cr = NULL, *cg = NULL, *cb = NULL;
    if (ph == PHOTOMETRIC_PALETTE && d->sample_format == SAMPLEFORMAT_UINT && d->spp == 1 &&
        d->bps <= 8 && TIFFGetField(tif, TIFFTAG_COLORMAP, &cr, &cg, &cb) && cr && cg && cb) {
        /* 16-bit colour map entries scale to 8 bits truncating (v / 257), as OIIO does */
        for (uint32_t i = 0; i < (1u << d->bps); i++) {
            d->cmap[i * 3 + 0] = (uint8_t) (cr[i] / 257u);
            d->cmap[i * 3 + 1] = (uint8_t) (cg[i] / 257u);
            d->cmap[i * 3 + 2] = (uint8_t) (cb[i] / 257u);
        }
        d->mode = MODE_PALETTE;
        d->type = VFX_PIXEL_U8;
        d->n_ch = 3;
        return VFX_OK;
    }
    char emsg[1024];
    if (!TIFFRGBAImageOK(tif, emsg))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "directory %u: %s", (unsigned) d->index, emsg);
    d->mode = MODE_RGBA;
    d->type = VFX_PIXEL_U8;
    d->has_alpha = alpha_extra;
    d->n_ch = alpha_extra ? 4 : 3;
    return VFX_OK;
}

static const struct {
    ttag_t      tag;
    const char *name;
} string_tags[] = {
    { TIFFTAG_IMAGEDESCRIPTION, "ImageDescription" }, { TIFFTAG_MAKE, "Make" },
    { TIFFTAG_MODEL, "Model" },                       { TIFFTAG_SOFTWARE, "Software" },
    { TIFFTAG_DATETIME, "DateTime" },                 { TIFFTAG_ARTIST, "Artist" },
    { TIFFTAG_COPYRIGHT, "Copyright" },               { TIFFTAG_DOCUMENTNAME, "DocumentName" },
    { TIFFTAG_HOSTCOMPUTER, "HostComputer" },         { TIFFTAG_PAGENAME, "PageName" },
};

static const char *
compression_name(uint16_t c)
{
    switch (c) {
    case COMPRESSION_NONE: return "none";
    case COMPRESSION_LZW: return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return "zip";
    case COMPRESSION_PACKBITS: return "packbits";
    case COMPRESSION_JPEG:
    case COMPRESSION_OJPEG: return "jpeg";
    case COMPRESSION_ZSTD: return "zstd";
    case COMPRESSION_LZMA: return "lzma";
    case COMPRESSION_WEBP: return "webp";
    case COMPRESSION_CCITTFAX3: return "ccittfax3";
    case COMPRESSION_CCITTFAX4: return "ccittfax4";
    case COMPRESSION_CCITTRLE: return "ccittrle";
    case COMPRESSION_SGILOG:
    case COMPRESSION_SGILOG24: return "sgilog";
    default: return "unknown";
    }
}

static vfx_status
read_metadata(TIFF *tif, const tdir *d, vfx_attrs *a)
{
    VFX_TRY(vfx_attrs_set_string(a, "compression", compression_name(d->compression)));
    VFX_TRY(vfx_attrs_set_int(a, "BitsPerSample", d->bps));
    if (d->has_alpha) {
        uint16_t n = 0, *ex = NULL;
        TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &n, &ex);
        VFX_TRY(vfx_attrs_set_int(a, "UnassociatedAlpha",
                                  n > 0 && ex && ex[0] == EXTRASAMPLE_UNASSALPHA));
    }
    uint16_t orient = 0;
    if (TIFFGetField(tif, TIFFTAG_ORIENTATION, &orient) && orient >= 1 && orient <= 8)
        VFX_TRY(vfx_attrs_set_int(a, "Orientation", orient));
    float xr = 0, yr = 0;
    uint16_t unit = RESUNIT_INCH;
    if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xr) && TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yr)) {
        TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
        VFX_TRY(vfx_attrs_set_float(a, "XResolution", xr));
        VFX_TRY(vfx_attrs_set_float(a, "YResolution", yr));
        VFX_TRY(vfx_attrs_set_string(a, "ResolutionUnit", unit == RESUNIT_CENTIMETER ? "cm"
                                                          : unit == RESUNIT_NONE     ? "none"
                                                                                     : "in"));
    }
    for (size_t i = 0; i < VFX__COUNTOF(string_tags); i++) {
        const char *s = NULL;
        if (TIFFGetField(tif, string_tags[i].tag, &s) && s && s[0])
            VFX_TRY(vfx_attrs_set_string(a, string_tags[i].name, s));
    }
    uint32_t n = 0;
    void *p = NULL;
    if (TIFFGetField(tif, TIFFTAG_ICCPROFILE, &n, &p) && p && n > 0)
        VFX_TRY(vfx__set_blob(a, "ICCProfile", "icc", p, n));
    if (TIFFGetField(tif, TIFFTAG_XMLPACKET, &n, &p) && p && n > 0 && n < (1u << 24)) {
        char *x = vfx__alloc((size_t) n + 1);
        if (!x)
            return vfx__nomem();
        memcpy(x, p, n);
        x[n] = 0;
        vfx_status s = vfx_attrs_set_string(a, "XMP", x);
        vfx__free(x);
        VFX_TRY(s);
    }
    return VFX_OK;
}

/* The Exif IFD's common tags (read after the main directory; changes the directory). */
static vfx_status
read_exif(TIFF *tif, vfx_attrs *a)
{
    toff_t off = 0;
    if (!TIFFGetField(tif, TIFFTAG_EXIFIFD, &off) || off == 0 || !TIFFReadEXIFDirectory(tif, off))
        return VFX_OK;
    static const struct {
        ttag_t      tag;
        const char *name;
        int         kind; /* 0 float (rational), 1 string, 2 u16 array (count + pointer) */
    } ex[] = {
        { EXIFTAG_EXPOSURETIME, "Exif:ExposureTime", 0 },
        { EXIFTAG_FNUMBER, "Exif:FNumber", 0 },
        { EXIFTAG_FOCALLENGTH, "Exif:FocalLength", 0 },
        { EXIFTAG_DATETIMEORIGINAL, "Exif:DateTimeOriginal", 1 },
        { EXIFTAG_ISOSPEEDRATINGS, "Exif:ISOSpeedRatings", 2 },
    };
    for (size_t i = 0; i < VFX__COUNTOF(ex); i++) {
        if (ex[i].kind == 0) {
            double dv = 0; /* libtiff 4.5 hands EXIF rationals out as double */
            if (TIFFGetField(tif, ex[i].tag, &dv) && isfinite(dv))
                VFX_TRY(vfx_attrs_set_float(a, ex[i].name, (float) dv));
        } else if (ex[i].kind == 1) {
            const char *s = NULL;
            if (TIFFGetField(tif, ex[i].tag, &s) && s && s[0])
                VFX_TRY(vfx_attrs_set_string(a, ex[i].name, s));
        } else {
            uint16_t cnt = 0, *v = NULL;
            if (TIFFGetField(tif, ex[i].tag, &cnt, &v) && cnt > 0 && v)
                VFX_TRY(vfx_attrs_set_int(a, ex[i].name, v[0]));
        }
    }
    return VFX_OK;
}

static void
tiff_close(vfx__rd *rd)
{
    tiff_priv *tp = rd->priv;
    if (!tp)
        return;
    for (int i = 0; i < tp->n_handles; i++) {
        if (tp->h[i].tif)
            TIFFClose(tp->h[i].tif);
        pthread_mutex_destroy(&tp->h[i].lock);
    }
    vfx__free(tp->dirs);
    vfx__free(tp->parts);
    vfx__free(tp);
    rd->priv = NULL;
}

static int
same_layout(const tdir *a, const tdir *b)
{
    return a->n_ch == b->n_ch && a->type == b->type && a->mode == b->mode;
}

static vfx_status
build_part(vfx__rd *rd, TIFF *tif, tiff_priv *tp, int32_t pi)
{
    vfx__part *p = &rd->parts[pi];
    const tpart *t = &tp->parts[pi];
    const tdir *d0 = &tp->dirs[t->first_dir];
    p->level_mode = t->n_levels > 1 ? VFX_LEVELS_MIPMAP : VFX_LEVELS_ONE;
    p->n_levels_x = p->n_levels_y = t->n_levels;
    VFX_TRY(vfx__part_alloc_levels(p));
    for (int32_t l = 0; l < t->n_levels; l++) {
        const tdir *d = &tp->dirs[t->first_dir + l];
        size_t li = (size_t) l + (size_t) l * (size_t) t->n_levels;
        p->level_rect[li] = (vfx_rect){ 0, 0, (int32_t) d->width, (int32_t) d->height };
        vfx_chunking *c = &p->level_chunking[li];
        c->access = d->tiled ? VFX_ACCESS_RANDOM_TILES : VFX_ACCESS_RANDOM_STRIPS;
        c->chunk_w = (int32_t) d->chunk_w;
        c->chunk_h = (int32_t) d->chunk_h;
        c->n_x = (int32_t) ((d->width + d->chunk_w - 1) / d->chunk_w);
        c->n_y = (int32_t) ((d->height + d->chunk_h - 1) / d->chunk_h);
    }
    p->spec.data = p->spec.display = p->level_rect[0];
    char names[64][24]; /* "channel" + any int fits */
    const char *list[64];
    int colour = d0->mode != MODE_NATIVE || d0->photometric == PHOTOMETRIC_RGB ||
                 d0->photometric == PHOTOMETRIC_YCBCR;
    int n_base = colour ? 3 : 1;
    VFX_TRY(vfx_channels_new(&p->spec.channels));
    for (int c = 0; c < d0->n_ch; c++) {
        if (c < n_base)
            snprintf(names[c], sizeof names[c], "%s", colour ? (c == 0 ? "R" : c == 1 ? "G" : "B")
                                                             : "Y");
        else if (c == n_base && d0->has_alpha)
            snprintf(names[c], sizeof names[c], "A");
        else
            snprintf(names[c], sizeof names[c], "channel%d", c);
        list[c] = names[c];
        VFX_TRY(vfx_channels_add(p->spec.channels, list[c], d0->type, 1, 1));
    }
    VFX_TRY(vfx_attrs_new(&p->spec.attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        if (!TIFFSetDirectory(tif, d0->index))
            return vfx__fail(VFX_ERR_CORRUPT, "directory %u", (unsigned) d0->index);
        VFX_TRY(read_metadata(tif, d0, p->spec.attrs));
        VFX_TRY(read_exif(tif, p->spec.attrs));
    }
    return VFX_OK;
}

static vfx_status
tiff_open(vfx__rd *rd)
{
    tiff_priv *tp = vfx__calloc(1, sizeof *tp);
    if (!tp)
        return vfx__nomem();
    rd->priv = tp;
    int nh = VFX__CLAMP(vfx_threads(), 1, MAX_HANDLES);
    for (int i = 0; i < nh; i++) {
        if (pthread_mutex_init(&tp->h[i].lock, NULL) != 0)
            return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
        tp->n_handles = i + 1;
    }
    tiff_handle *h = &tp->h[0];
    VFX_TRY(handle_open(rd, h));
    TIFF *tif = h->tif;
    /* walk the directories (libtiff refuses IFD loops) */
    int32_t cap = 0;
    do {
        if (tp->n_dirs >= MAX_DIRS)
            return vfx__fail(VFX_ERR_LIMIT, "more than %d directories", MAX_DIRS);
        if (tp->n_dirs == cap) {
            cap = cap ? cap * 2 : 4;
            tdir *nd = vfx__realloc(tp->dirs, (size_t) cap * sizeof *nd);
            if (!nd)
                return vfx__nomem();
            tp->dirs = nd;
        }
        vfx_status s = describe_dir(rd, tif, &tp->dirs[tp->n_dirs]);
        if (s != VFX_OK) {
            vfx__error_prefix("directory %d: ", tp->n_dirs);
            if (tp->n_dirs == 0)
                return s;
            break; /* keep the good directories before a bad one */
        }
        uint32_t sft = 0;
        TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &sft);
        const char *texfmt = NULL;
        tp->dirs[tp->n_dirs].reduced = (sft & FILETYPE_REDUCEDIMAGE) != 0;
        /* OIIO / PRMan textures mark MIP maps with the Pixar texture-format tag only */
        if (tp->n_dirs == 0 && TIFFGetField(tif, TIFFTAG_PIXAR_TEXTUREFORMAT, &texfmt) && texfmt)
            tp->texture = 1;
        tp->n_dirs++;
        h->msg[0] = 0;
    } while (TIFFReadDirectory(tif));
    /* group: a reduced image half the size of the previous level joins its part */
    tp->parts = vfx__calloc((size_t) tp->n_dirs, sizeof *tp->parts);
    if (!tp->parts)
        return vfx__nomem();
    int32_t np = 0;
    for (int32_t i = 0; i < tp->n_dirs; i++) {
        tdir *d = &tp->dirs[i];
        if ((d->reduced || tp->texture) && np > 0) {
            tpart *t = &tp->parts[np - 1];
            const tdir *prev = &tp->dirs[t->first_dir + t->n_levels - 1];
            if (t->first_dir + t->n_levels == i && same_layout(prev, d) &&
                d->width == VFX__MAX(1u, prev->width / 2) &&
                d->height == VFX__MAX(1u, prev->height / 2) && t->n_levels < 32) {
                t->n_levels++;
                continue;
            }
        }
        tp->parts[np].first_dir = i;
        tp->parts[np].n_levels = 1;
        np++;
    }
    VFX_TRY(vfx__rd_alloc_parts(rd, np));
    for (int32_t i = 0; i < np; i++)
        VFX_TRY(build_part(rd, tif, tp, i));
    h->cur_dir = -1; /* the Exif directory may be the one loaded */
    return VFX_OK;
}

/* ---- read --------------------------------------------------------------------------------- */

/* Expand @p n samples of @p bps (1, 2, 4) bits, MSB first, to u8 over the full range. */
static void
expand_bits(const uint8_t *src, uint8_t *dst, size_t n, int bps, int invert)
{
    unsigned max = (1u << bps) - 1;
    for (size_t i = 0; i < n; i++) {
        size_t bit = i * (size_t) bps;
        unsigned v = (src[bit >> 3] >> (8 - bps - (bit & 7))) & max;
        if (invert)
            v = max - v;
        dst[i] = (uint8_t) (v * 255u / max);
    }
}

static void
invert_values(uint8_t *p, size_t n, vfx_pixel_type t)
{
    if (t == VFX_PIXEL_U8)
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t) ~p[i];
    else if (t == VFX_PIXEL_U16)
        for (size_t i = 0; i < n; i++)
            ((uint16_t *) p)[i] = (uint16_t) ~((uint16_t *) p)[i];
    else if (t == VFX_PIXEL_U32)
        for (size_t i = 0; i < n; i++)
            ((uint32_t *) p)[i] = ~((uint32_t *) p)[i];
}

typedef struct scratch {
    uint8_t *raw, *out;
    size_t   raw_cap, out_cap;
} scratch;

static vfx_status
grow(uint8_t **p, size_t *cap, size_t n)
{
    if (*cap >= n)
        return VFX_OK;
    uint8_t *q = vfx__realloc(*p, n);
    if (!q)
        return vfx__nomem();
    *p = q;
    *cap = n;
    return VFX_OK;
}

/* A request narrowed to @p r (inside req->rect), one channel slot @p k when k >= 0. */
static vfx__read_req
sub_req(const vfx__read_req *req, vfx_rect r)
{
    vfx__read_req s = *req;
    s.rect = r;
    s.dst = req->dst + (ptrdiff_t) (r.y0 - req->rect.y0) * req->y_stride +
            (ptrdiff_t) (r.x0 - req->rect.x0) * req->x_stride;
    return s;
}

/* Decode native chunk (cx, cy) of plane @p plane (0 for contiguous) into sc->out as packed
 * values of d->type with @p n_ch channels; the chunk covers @p cr. */
static vfx_status
decode_native(tiff_handle *h, const tdir *d, uint32_t cx, uint32_t cy, uint16_t plane,
              int32_t n_ch, vfx_rect cr, scratch *sc)
{
    TIFF *tif = h->tif;
    tmsize_t size = d->tiled ? TIFFTileSize(tif) : TIFFStripSize(tif);
    if (size <= 0)
        return tiff_fail(h->msg, VFX_ERR_CORRUPT, "chunk size");
    VFX_TRY(grow(&sc->raw, &sc->raw_cap, (size_t) size));
    tmsize_t got;
    if (d->tiled) {
        uint32_t t = TIFFComputeTile(tif, cx * d->chunk_w, cy * d->chunk_h, 0, plane);
        got = TIFFReadEncodedTile(tif, t, sc->raw, size);
    } else {
        uint32_t strips_per_plane = (d->height + d->chunk_h - 1) / d->chunk_h;
        uint32_t s = cy + (uint32_t) plane * strips_per_plane;
        got = TIFFReadEncodedStrip(tif, s, sc->raw, size);
    }
    if (got < 0)
        return tiff_fail(h->msg, VFX_ERR_CORRUPT, d->tiled ? "tile" : "strip");
    /* rows of the chunk in the file: full tile width for tiles, image width for strips */
    uint32_t fw = d->tiled ? d->chunk_w : d->width;
    uint32_t rows = (uint32_t) (cr.y1 - cr.y0);
    size_t samples_row = (size_t) fw * (size_t) n_ch;
    size_t src_row = (samples_row * d->bps + 7) / 8;
    if ((uint64_t) got < (uint64_t) src_row * rows) /* short strip: zero the rest */
        memset(sc->raw + got, 0, (size_t) size - (size_t) got);
    size_t ts = vfx_pixel_type_size(d->type);
    size_t out_row = samples_row * ts;
    if (d->mode == MODE_PALETTE) { /* indices -> RGB */
        out_row = (size_t) fw * 3;
        VFX_TRY(grow(&sc->out, &sc->out_cap, out_row * rows));
        unsigned mask = (1u << d->bps) - 1;
        for (uint32_t y = 0; y < rows; y++) {
            const uint8_t *src = sc->raw + y * src_row;
            uint8_t *q = sc->out + y * out_row;
            for (size_t x = 0; x < fw; x++) {
                size_t bit = x * d->bps;
                unsigned i = (src[bit >> 3] >> (8 - d->bps - (bit & 7))) & mask;
                memcpy(q + x * 3, d->cmap + i * 3, 3);
            }
        }
        return VFX_OK;
    }
    VFX_TRY(grow(&sc->out, &sc->out_cap, out_row * rows));
    if (d->bps < 8) {
        for (uint32_t y = 0; y < rows; y++)
            expand_bits(sc->raw + y * src_row, sc->out + y * out_row, samples_row, d->bps,
                        d->invert);
    } else {
        memcpy(sc->out, sc->raw, out_row * rows);
        if (d->invert)
            invert_values(sc->out, samples_row * rows, d->type);
    }
    return VFX_OK;
}

static vfx_status
read_native(tiff_handle *h, const tdir *d, const vfx__read_req *req, scratch *sc)
{
    uint32_t cx0 = (uint32_t) req->rect.x0 / d->chunk_w, cx1 = ((uint32_t) req->rect.x1 - 1) / d->chunk_w;
    uint32_t cy0 = (uint32_t) req->rect.y0 / d->chunk_h, cy1 = ((uint32_t) req->rect.y1 - 1) / d->chunk_h;
    size_t ts = vfx_pixel_type_size(d->type);
    size_t dts = vfx_pixel_type_size(req->type);
    static const int32_t zero = 0;
    for (uint32_t cy = cy0; cy <= cy1; cy++) {
        for (uint32_t cx = cx0; cx <= cx1; cx++) {
            vfx_rect cr = { (int32_t) (cx * d->chunk_w), (int32_t) (cy * d->chunk_h),
                            (int32_t) VFX__MIN((cx + 1) * d->chunk_w, d->width),
                            (int32_t) VFX__MIN((cy + 1) * d->chunk_h, d->height) };
            vfx_rect r = vfx_rect_intersect(cr, req->rect);
            uint32_t fw = d->tiled ? d->chunk_w : d->width;
            vfx__read_req s = sub_req(req, r);
            if (d->mode == MODE_PALETTE) {
                VFX_TRY(decode_native(h, d, cx, cy, 0, 1, cr, sc));
                VFX_TRY(vfx__req_put_block(&s, sc->out, d->type, 3, cr.x0, cr.y0,
                                           (size_t) fw * 3));
            } else if (d->planar == PLANARCONFIG_CONTIG || d->n_ch == 1) {
                VFX_TRY(decode_native(h, d, cx, cy, 0, d->n_ch, cr, sc));
                VFX_TRY(vfx__req_put_block(&s, sc->out, d->type, d->n_ch, cr.x0, cr.y0,
                                           (size_t) fw * (size_t) d->n_ch * ts));
            } else {
                for (int32_t k = 0; k < req->n_channels; k++) {
                    VFX_TRY(decode_native(h, d, cx, cy, (uint16_t) req->channels[k], 1, cr, sc));
                    vfx__read_req one = s;
                    one.channels = &zero;
                    one.n_channels = 1;
                    one.dst = s.dst + (ptrdiff_t) ((size_t) k * dts);
                    VFX_TRY(vfx__req_put_block(&one, sc->out, d->type, 1, cr.x0, cr.y0,
                                               (size_t) fw * ts));
                }
            }
            vfx__rd_count_chunks(h->rd, 1);
        }
    }
    return VFX_OK;
}

/* Palette, CMYK, YCbCr, Lab, LogLuv...: TIFFRGBAImage, chunk by chunk. */
static vfx_status
read_rgba(tiff_handle *h, const tdir *d, const vfx__read_req *req, scratch *sc)
{
    (void) d;
    TIFFRGBAImage img;
    char emsg[1024];
    if (!TIFFRGBAImageBegin(&img, h->tif, 0, emsg))
        return vfx__fail(VFX_ERR_CORRUPT, "%s", emsg);
    img.req_orientation = ORIENTATION_TOPLEFT;
    /* whole strips / tiles rows: the RGBA reader decodes whole strips anyway */
    vfx_rect r = req->rect;
    uint32_t w = (uint32_t) (r.x1 - r.x0), rows = (uint32_t) (r.y1 - r.y0);
    vfx_status s = grow(&sc->out, &sc->out_cap, (size_t) w * rows * 4);
    if (s == VFX_OK) {
        img.row_offset = r.y0;
        img.col_offset = r.x0;
        h->msg[0] = 0;
        if (!TIFFRGBAImageGet(&img, (uint32_t *) (void *) sc->out, w, rows))
            s = tiff_fail(h->msg, VFX_ERR_CORRUPT, "pixels");
    }
    TIFFRGBAImageEnd(&img);
    VFX_TRY(s);
    /* the raster holds ABGR-packed uint32: bytes R, G, B, A in memory on little endian */
    uint8_t *p = sc->out;
    const uint16_t one = 1;
    if (*(const uint8_t *) &one == 0) {
        for (size_t i = 0; i < (size_t) w * rows; i++) {
            uint32_t v;
            memcpy(&v, p + i * 4, 4);
            p[i * 4 + 0] = (uint8_t) TIFFGetR(v);
            p[i * 4 + 1] = (uint8_t) TIFFGetG(v);
            p[i * 4 + 2] = (uint8_t) TIFFGetB(v);
            p[i * 4 + 3] = (uint8_t) TIFFGetA(v);
        }
    }
    vfx__rd_count_chunks(h->rd, 1);
    /* 4 values per pixel in the raster; the spec has 3 or 4 channels */
    return vfx__req_put_block(req, p, VFX_PIXEL_U8, 4, r.x0, r.y0, (size_t) w * 4);
}

static tiff_handle *
take_handle(tiff_priv *tp)
{
    unsigned start = atomic_fetch_add(&tp->next, 1u);
    for (int i = 0; i < tp->n_handles; i++) {
        tiff_handle *h = &tp->h[(start + (unsigned) i) % (unsigned) tp->n_handles];
        if (pthread_mutex_trylock(&h->lock) == 0)
            return h;
    }
    tiff_handle *h = &tp->h[start % (unsigned) tp->n_handles];
    pthread_mutex_lock(&h->lock);
    return h;
}

static vfx_status
tiff_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    tiff_priv *tp = rd->priv;
    const tpart *t = &tp->parts[req->part];
    const tdir *d = &tp->dirs[t->first_dir + req->level_x];
    tiff_handle *h = take_handle(tp);
    vfx_status s = VFX_OK;
    if (!h->tif)
        s = handle_open(rd, h);
    if (s == VFX_OK)
        s = handle_use_dir(h, d);
    scratch sc = { NULL, NULL, 0, 0 };
    if (s == VFX_OK)
        s = d->mode == MODE_RGBA ? read_rgba(h, d, req, &sc) : read_native(h, d, req, &sc);
    h->msg[0] = 0;
    pthread_mutex_unlock(&h->lock);
    vfx__free(sc.raw);
    vfx__free(sc.out);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct tiff_enc {
    TIFF          *tif;
    char           msg[256];
    vfx_pixel_type ftype;
    int32_t        n_ch, width, height;
    int            tiled;
    uint32_t       rows_per_strip, tile_w, tile_h;
    uint8_t       *buf; /* one strip or one tile */
    size_t         row_bytes;
    int32_t        rows_held; /* strips: rows in buf */
    uint32_t       strip;     /* strips: next strip index */
    uint16_t       comp;
} tiff_enc;

static vfx_status
parse_compression(const char *name, uint16_t *out)
{
    if (!name || !strcmp(name, "zip") || !strcmp(name, "deflate"))
        *out = COMPRESSION_ADOBE_DEFLATE;
    else if (!strcmp(name, "none"))
        *out = COMPRESSION_NONE;
    else if (!strcmp(name, "lzw"))
        *out = COMPRESSION_LZW;
    else if (!strcmp(name, "zstd"))
        *out = COMPRESSION_ZSTD;
    else if (!strcmp(name, "packbits"))
        *out = COMPRESSION_PACKBITS;
    else
        return vfx__fail(VFX_ERR_ARG, "unknown TIFF compression \"%s\" (none, lzw, zip, zstd, "
                                      "packbits)", name);
    if (!TIFFIsCODECConfigured(*out))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "libtiff lacks the %s codec", name);
    return VFX_OK;
}

static vfx_status
write_tags(vfx__wr *wr, tiff_enc *te, uint16_t comp)
{
    TIFF *tif = te->tif;
    int is_float = vfx_pixel_type_is_float(te->ftype);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t) te->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t) te->height);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t) te->n_ch);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t) (vfx_pixel_type_size(te->ftype) * 8));
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, is_float ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    int colour = te->n_ch >= 3;
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, colour ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    int n_extra = te->n_ch - (colour ? 3 : 1);
    if (n_extra > 0) {
        uint16_t ex[64];
        vfx_channel_info ci;
        VFX_TRY(vfx_channels_get(wr->spec.channels, colour ? 3 : 1, &ci));
        const vfx_attr_value *ua = vfx__wr_attr(wr, "UnassociatedAlpha", VFX_ATTR_INT);
        for (int i = 0; i < n_extra; i++)
            ex[i] = EXTRASAMPLE_UNSPECIFIED;
        if (ci.role == VFX_ROLE_ALPHA)
            ex[0] = ua && ua->u.i ? EXTRASAMPLE_UNASSALPHA : EXTRASAMPLE_ASSOCALPHA;
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (uint16_t) n_extra, ex);
    }
    TIFFSetField(tif, TIFFTAG_COMPRESSION, comp);
    if (comp == COMPRESSION_LZW || comp == COMPRESSION_ADOBE_DEFLATE || comp == COMPRESSION_ZSTD)
        TIFFSetField(tif, TIFFTAG_PREDICTOR,
                     is_float ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL);
    if (wr->opt.level >= 0 && comp == COMPRESSION_ADOBE_DEFLATE)
        TIFFSetField(tif, TIFFTAG_ZIPQUALITY, VFX__CLAMP(wr->opt.level, 1, 9));
    if (wr->opt.level >= 0 && comp == COMPRESSION_ZSTD)
        TIFFSetField(tif, TIFFTAG_ZSTD_LEVEL, VFX__CLAMP(wr->opt.level, 1, 22));
    if (te->tiled) {
        TIFFSetField(tif, TIFFTAG_TILEWIDTH, te->tile_w);
        TIFFSetField(tif, TIFFTAG_TILELENGTH, te->tile_h);
    } else {
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, te->rows_per_strip);
    }
    const vfx_attr_value *v;
    for (size_t i = 0; i < VFX__COUNTOF(string_tags); i++)
        if ((v = vfx__wr_attr(wr, string_tags[i].name, VFX_ATTR_STRING)))
            TIFFSetField(tif, string_tags[i].tag, v->u.s);
    if ((v = vfx__wr_attr(wr, "Orientation", VFX_ATTR_INT)) && v->u.i >= 1 && v->u.i <= 8)
        TIFFSetField(tif, TIFFTAG_ORIENTATION, (uint16_t) v->u.i);
    const vfx_attr_value *xr = vfx__wr_attr(wr, "XResolution", VFX_ATTR_FLOAT);
    const vfx_attr_value *yr = vfx__wr_attr(wr, "YResolution", VFX_ATTR_FLOAT);
    if (xr && yr) {
        TIFFSetField(tif, TIFFTAG_XRESOLUTION, (double) xr->u.f);
        TIFFSetField(tif, TIFFTAG_YRESOLUTION, (double) yr->u.f);
        v = vfx__wr_attr(wr, "ResolutionUnit", VFX_ATTR_STRING);
        uint16_t unit = !v                          ? RESUNIT_INCH
                        : !strcmp(v->u.s, "cm")     ? RESUNIT_CENTIMETER
                        : !strcmp(v->u.s, "none")   ? RESUNIT_NONE
                                                    : RESUNIT_INCH;
        TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, unit);
    }
    if ((v = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB)) && v->u.blob.size > 0 &&
        v->u.blob.size < (1u << 30))
        TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t) v->u.blob.size, v->u.blob.data);
    if ((v = vfx__wr_attr(wr, "XMP", VFX_ATTR_STRING)))
        TIFFSetField(tif, TIFFTAG_XMLPACKET, (uint32_t) strlen(v->u.s), v->u.s);
    return VFX_OK;
}

static vfx_status
tiff_write_close(vfx__wr *wr, int failed);

static vfx_status
tiff_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 64)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%d channels", nc);
    vfx_pixel_type t = wr->opt.pixel_type;
    if (t == VFX_PIXEL_UNKNOWN) {
        /* the widest channel type of the spec */
        t = VFX_PIXEL_U8;
        for (int32_t i = 0; i < nc; i++) {
            vfx_channel_info ci;
            VFX_TRY(vfx_channels_get(wr->spec.channels, i, &ci));
            if (vfx_pixel_type_is_float(ci.type) && !vfx_pixel_type_is_float(t))
                t = ci.type;
            else if (vfx_pixel_type_size(ci.type) > vfx_pixel_type_size(t) &&
                     vfx_pixel_type_is_float(ci.type) == vfx_pixel_type_is_float(t))
                t = ci.type;
        }
        if (t == VFX_PIXEL_F64)
            t = VFX_PIXEL_F32;
    }
    if (t == VFX_PIXEL_F64 || t == VFX_PIXEL_UNKNOWN)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "TIFF writer stores u8, u16, u32, half, float");
    uint16_t comp = COMPRESSION_NONE;
    VFX_TRY(parse_compression(wr->compression, &comp));
    tiff_enc *te = vfx__calloc(1, sizeof *te);
    if (!te)
        return vfx__nomem();
    wr->priv = te;
    te->ftype = t;
    te->n_ch = nc;
    te->width = (int32_t) vfx_rect_width(wr->spec.data);
    te->height = (int32_t) vfx_rect_height(wr->spec.data);
    te->row_bytes = (size_t) te->width * (size_t) nc * vfx_pixel_type_size(t);
    te->tiled = wr->opt.tile_w > 0 || wr->opt.tile_h > 0;
    size_t buf_size;
    if (te->tiled) {
        if (wr->opt.tile_w <= 0 || wr->opt.tile_h <= 0 || wr->opt.tile_w % 16 ||
            wr->opt.tile_h % 16 || wr->opt.tile_w > 65536 || wr->opt.tile_h > 65536)
            return vfx__fail(VFX_ERR_ARG, "TIFF tiles must be multiples of 16, not %d x %d",
                             wr->opt.tile_w, wr->opt.tile_h);
        te->tile_w = (uint32_t) wr->opt.tile_w;
        te->tile_h = (uint32_t) wr->opt.tile_h;
        buf_size = (size_t) te->tile_w * te->tile_h * (size_t) nc * vfx_pixel_type_size(t);
    } else {
        size_t rps = VFX__MAX((size_t) 1, ((size_t) 256 << 10) / VFX__MAX(te->row_bytes, 1));
        te->rows_per_strip = (uint32_t) VFX__MIN(rps, (size_t) te->height);
        buf_size = te->row_bytes * te->rows_per_strip;
    }
    te->buf = vfx__alloc(buf_size);
    if (!te->buf)
        return vfx__nomem();
    /* BigTIFF when the raw pixels alone come near the 4 GiB classic-TIFF limit */
    uint64_t raw = (uint64_t) te->row_bytes * (uint64_t) te->height;
    const char *mode = raw > ((uint64_t) 4 << 30) - ((uint64_t) 64 << 20) ? "w8" : "w";
    int fd = dup(wr->fd);
    if (fd < 0)
        return vfx__fail(VFX_ERR_IO, "dup failed");
    TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
    if (!o) {
        close(fd);
        return vfx__nomem();
    }
    TIFFOpenOptionsSetErrorHandlerExtR(o, on_tiff_error, te->msg);
    TIFFOpenOptionsSetWarningHandlerExtR(o, on_tiff_warning, NULL);
    te->tif = TIFFFdOpenExt(fd, wr->name, mode, o);
    TIFFOpenOptionsFree(o);
    if (!te->tif) {
        close(fd);
        return tiff_fail(te->msg, VFX_ERR_IO, "open");
    }
    te->comp = comp;
    VFX_TRY(write_tags(wr, te, comp));
    if (te->tiled)
        wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_TILES, (int32_t) te->tile_w,
                                       (int32_t) te->tile_h, wr->spec.data.x0, wr->spec.data.y0,
                                       (int32_t) ((uint32_t) te->width + te->tile_w - 1) / (int32_t) te->tile_w,
                                       (int32_t) ((uint32_t) te->height + te->tile_h - 1) / (int32_t) te->tile_h };
    else
        wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, te->width,
                                       (int32_t) te->rows_per_strip, wr->spec.data.x0,
                                       wr->spec.data.y0, 1,
                                       (int32_t) ((uint32_t) te->height + te->rows_per_strip - 1) /
                                           (int32_t) te->rows_per_strip };
    return VFX_OK;
}

static vfx_status
flush_strip(tiff_enc *te)
{
    if (te->rows_held == 0)
        return VFX_OK;
    tmsize_t n = (tmsize_t) (te->row_bytes * (size_t) te->rows_held);
    if (TIFFWriteEncodedStrip(te->tif, te->strip, te->buf, n) < 0)
        return tiff_fail(te->msg, VFX_ERR_IO, "strip");
    te->strip++;
    te->rows_held = 0;
    return VFX_OK;
}

static vfx_status
tiff_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    tiff_enc *te = wr->priv;
    const uint8_t *s0 = src;
    vfx_rect d = wr->spec.data;
    if (!te->tiled) {
        for (int32_t y = rect.y0; y < rect.y1; y++) {
            VFX_TRY(vfx__pack_row(s0 + (ptrdiff_t) (y - rect.y0) * y_stride, type, x_stride,
                                  te->buf + te->row_bytes * (size_t) te->rows_held, te->ftype,
                                  te->width, te->n_ch));
            if (++te->rows_held == (int32_t) te->rows_per_strip)
                VFX_TRY(flush_strip(te));
        }
        if (rect.y1 == d.y1)
            VFX_TRY(flush_strip(te));
        return VFX_OK;
    }
    size_t tile_row = (size_t) te->tile_w * (size_t) te->n_ch * vfx_pixel_type_size(te->ftype);
    for (int32_t ty = rect.y0; ty < rect.y1; ty += (int32_t) te->tile_h) {
        for (int32_t tx = rect.x0; tx < rect.x1; tx += (int32_t) te->tile_w) {
            int32_t w = VFX__MIN((int32_t) te->tile_w, rect.x1 - tx);
            int32_t h = VFX__MIN((int32_t) te->tile_h, rect.y1 - ty);
            memset(te->buf, 0, tile_row * te->tile_h);
            for (int32_t y = 0; y < h; y++)
                VFX_TRY(vfx__pack_row(s0 + (ptrdiff_t) (ty - rect.y0 + y) * y_stride +
                                          (ptrdiff_t) (tx - rect.x0) * x_stride,
                                      type, x_stride, te->buf + (size_t) y * tile_row, te->ftype,
                                      w, te->n_ch));
            uint32_t t = TIFFComputeTile(te->tif, (uint32_t) (tx - d.x0), (uint32_t) (ty - d.y0),
                                         0, 0);
            if (TIFFWriteEncodedTile(te->tif, t, te->buf, (tmsize_t) (tile_row * te->tile_h)) < 0)
                return tiff_fail(te->msg, VFX_ERR_IO, "tile");
        }
    }
    return VFX_OK;
}

/* ---- parallel writing: chunks compressed ahead of their turn (sink_write.c) --------------
 * A TIFF* is not thread-safe, so each chunk is compressed by libtiff itself in a scratch
 * in-memory TIFF of just that chunk (same compression, predictor and level: the same bytes the
 * file's own handle would make), and its raw bytes are appended to the file in order with
 * TIFFWriteRawStrip / TIFFWriteRawTile. */

typedef struct membuf {
    uint8_t *p;
    size_t   n, cap, pos;
    int      failed;
} membuf;

static tmsize_t
mb_read(thandle_t h, void *buf, tmsize_t n)
{
    membuf *m = (membuf *) h;
    if (n < 0 || m->pos >= m->n)
        return 0;
    size_t k = VFX__MIN((size_t) n, m->n - m->pos);
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (tmsize_t) k;
}

static tmsize_t
mb_write(thandle_t h, void *buf, tmsize_t n)
{
    membuf *m = (membuf *) h;
    if (n < 0 || m->pos + (size_t) n < m->pos)
        return -1;
    size_t end = m->pos + (size_t) n;
    if (end > m->cap) {
        size_t cap = VFX__MAX(end, 2 * m->cap);
        uint8_t *p = vfx__realloc(m->p, cap);
        if (!p) {
            m->failed = 1;
            return -1;
        }
        m->p = p;
        m->cap = cap;
    }
    if (m->pos > m->n)
        memset(m->p + m->n, 0, m->pos - m->n);
    memcpy(m->p + m->pos, buf, (size_t) n);
    m->pos = end;
    m->n = VFX__MAX(m->n, end);
    return n;
}

static toff_t
mb_seek(thandle_t h, toff_t off, int whence)
{
    membuf *m = (membuf *) h;
    uint64_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->n : 0;
    m->pos = (size_t) (base + off);
    return (toff_t) m->pos;
}

static int
mb_close(thandle_t h)
{
    (void) h;
    return 0;
}

static toff_t
mb_size(thandle_t h)
{
    return (toff_t) ((membuf *) h)->n;
}

static int
mb_map(thandle_t h, void **base, toff_t *size)
{
    (void) h;
    (void) base;
    (void) size;
    return 0;
}

static void
mb_unmap(thandle_t h, void *base, toff_t size)
{
    (void) h;
    (void) base;
    (void) size;
}


/* Compress one chunk (@p w x @p h pixels packed in @p px; a tile when te->tiled) through a
 * scratch TIFF in memory; out->data gets its raw bytes. */
static vfx_status
compress_chunk(const vfx__wr *wr, const tiff_enc *te, uint8_t *px, int32_t w, int32_t h,
               vfx__enc_chunk *out)
{
    char msg[256] = { 0 };
    membuf m = { 0 };
    TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
    if (!o)
        return vfx__nomem();
    TIFFOpenOptionsSetErrorHandlerExtR(o, on_tiff_error, msg);
    TIFFOpenOptionsSetWarningHandlerExtR(o, on_tiff_warning, NULL);
    TIFF *tif = TIFFClientOpenExt("chunk", "wm", (thandle_t) &m, mb_read, mb_write, mb_seek,
                                  mb_close, mb_size, mb_map, mb_unmap, o);
    TIFFOpenOptionsFree(o);
    if (!tif) {
        vfx__free(m.p);
        return m.failed ? vfx__nomem() : tiff_fail(msg, VFX_ERR_IO, "chunk encoder");
    }
    int is_float = vfx_pixel_type_is_float(te->ftype);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t) w);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t) h);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t) te->n_ch);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t) (vfx_pixel_type_size(te->ftype) * 8));
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, is_float ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
                 te->n_ch >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, te->comp);
    if (te->comp == COMPRESSION_LZW || te->comp == COMPRESSION_ADOBE_DEFLATE ||
        te->comp == COMPRESSION_ZSTD)
        TIFFSetField(tif, TIFFTAG_PREDICTOR,
                     is_float ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL);
    if (wr->opt.level >= 0 && te->comp == COMPRESSION_ADOBE_DEFLATE)
        TIFFSetField(tif, TIFFTAG_ZIPQUALITY, VFX__CLAMP(wr->opt.level, 1, 9));
    if (wr->opt.level >= 0 && te->comp == COMPRESSION_ZSTD)
        TIFFSetField(tif, TIFFTAG_ZSTD_LEVEL, VFX__CLAMP(wr->opt.level, 1, 22));
    size_t px_bytes = (size_t) te->n_ch * vfx_pixel_type_size(te->ftype);
    tmsize_t n;
    if (te->tiled) {
        TIFFSetField(tif, TIFFTAG_TILEWIDTH, te->tile_w);
        TIFFSetField(tif, TIFFTAG_TILELENGTH, te->tile_h);
        n = TIFFWriteEncodedTile(tif, 0, px, (tmsize_t) ((size_t) w * (size_t) h * px_bytes));
    } else {
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, (uint32_t) h);
        n = TIFFWriteEncodedStrip(tif, 0, px, (tmsize_t) ((size_t) w * (size_t) h * px_bytes));
    }
    vfx_status s = VFX_OK;
    uint64_t off = TIFFGetStrileOffset(tif, 0), size = TIFFGetStrileByteCount(tif, 0);
    if (n < 0 || m.failed)
        s = m.failed ? vfx__nomem() : tiff_fail(msg, VFX_ERR_IO, "chunk encoder");
    else if (off > m.n || size > m.n - off)
        s = vfx__fail(VFX_ERR_INTERNAL, "chunk encoder: chunk at %" PRIu64 " + %" PRIu64
                      " past %zu bytes", off, size, m.n);
    TIFFCleanup(tif); /* no directory: only the chunk's bytes are wanted */
    if (s == VFX_OK) {
        out->data = vfx__alloc(size ? (size_t) size : 1);
        if (!out->data)
            s = vfx__nomem();
        else if (size)
            memcpy(out->data, m.p + off, (size_t) size);
        out->size = size;
    }
    vfx__free(m.p);
    return s;
}

/* Strips: every value goes through vfx__pack_row() to the file's one type (tiff_write_rect,
 * tiff_write_encode), so the sink may hand strips over packed to it. Tiles are rendered tile by
 * tile (no full-width strip to save). */
static vfx_pixel_type
tiff_write_row_type(vfx__wr *wr)
{
    const tiff_enc *te = wr->priv;
    return te && !te->tiled ? te->ftype : VFX_PIXEL_UNKNOWN;
}

/* Any thread, ahead of the rect's turn: every strip or tile of @p rect compressed (strip rects
 * that do not start and end on strip boundaries are left to tiff_write_rect()). */
static vfx_status
tiff_write_encode(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                  ptrdiff_t x_stride, ptrdiff_t y_stride, void **enc_out)
{
    tiff_enc *te = wr->priv;
    vfx_rect d = wr->spec.data;
    const uint8_t *s0 = src;
    *enc_out = NULL;
    if (te->comp == COMPRESSION_NONE) /* nothing to do ahead: write_rect() packs and writes */
        return VFX_OK;
    int32_t cw = te->tiled ? (int32_t) te->tile_w : te->width;
    int32_t ch = te->tiled ? (int32_t) te->tile_h : (int32_t) te->rows_per_strip;
    if (!te->tiled &&
        ((rect.y0 - d.y0) % ch != 0 || ((rect.y1 - d.y0) % ch != 0 && rect.y1 != d.y1)))
        return VFX_OK;
    int32_t ni = (rect.x1 - rect.x0 + cw - 1) / cw, nj = (rect.y1 - rect.y0 + ch - 1) / ch;
    size_t row = (size_t) cw * (size_t) te->n_ch * vfx_pixel_type_size(te->ftype);
    vfx__enc_list *e = vfx__enc_list_new((int64_t) ni * nj);
    uint8_t *px = vfx__alloc(row * (size_t) ch);
    vfx_status s = e && px ? VFX_OK : vfx__nomem();
    for (int32_t j = 0; j < nj && s == VFX_OK; j++) {
        for (int32_t i = 0; i < ni && s == VFX_OK; i++) {
            int32_t x0 = rect.x0 + i * cw, y0 = rect.y0 + j * ch;
            int32_t w = VFX__MIN(cw, rect.x1 - x0), h = VFX__MIN(ch, rect.y1 - y0);
            vfx__enc_chunk *c = &e->c[e->n];
            if (te->tiled) { /* a whole tile, zero past the image's edge (as tiff_write_rect) */
                memset(px, 0, row * (size_t) ch);
                /* TIFFComputeTile() without touching the shared TIFF* (contiguous, 2-D) */
                uint32_t across = ((uint32_t) te->width + te->tile_w - 1) / te->tile_w;
                c->index = (uint32_t) ((y0 - d.y0) / ch) * across + (uint32_t) ((x0 - d.x0) / cw);
            } else {
                c->index = (uint32_t) ((y0 - d.y0) / ch);
            }
            for (int32_t y = 0; y < h && s == VFX_OK; y++)
                s = vfx__pack_row(s0 + (ptrdiff_t) (y0 - rect.y0 + y) * y_stride +
                                      (ptrdiff_t) (x0 - rect.x0) * x_stride,
                                  type, x_stride, px + (size_t) y * row, te->ftype, w, te->n_ch);
            if (s == VFX_OK)
                s = compress_chunk(wr, te, px, cw, te->tiled ? ch : h, c);
            if (s == VFX_OK)
                e->n++;
        }
    }
    vfx__free(px);
    if (s != VFX_OK) {
        vfx__enc_list_free(wr, e);
        return s;
    }
    *enc_out = e;
    return VFX_OK;
}

/* In order: append the chunks tiff_write_encode() made. */
static vfx_status
tiff_write_commit(vfx__wr *wr, vfx_rect rect, void *p)
{
    tiff_enc *te = wr->priv;
    vfx__enc_list *e = p;
    vfx_status s = VFX_OK;
    (void) rect;
    for (int32_t k = 0; k < e->n && s == VFX_OK; k++) {
        tmsize_t n = te->tiled ? TIFFWriteRawTile(te->tif, e->c[k].index, e->c[k].data,
                                                  (tmsize_t) e->c[k].size)
                               : TIFFWriteRawStrip(te->tif, e->c[k].index, e->c[k].data,
                                                   (tmsize_t) e->c[k].size);
        if (n < 0)
            s = tiff_fail(te->msg, VFX_ERR_IO, te->tiled ? "tile" : "strip");
        else if (!te->tiled)
            te->strip = e->c[k].index + 1;
    }
    vfx__enc_list_free(wr, e);
    return s;
}

static vfx_status
tiff_write_close(vfx__wr *wr, int failed)
{
    tiff_enc *te = wr->priv;
    if (!te)
        return VFX_OK;
    vfx_status s = VFX_OK;
    if (te->tif) {
        if (!failed && !TIFFWriteDirectory(te->tif))
            s = tiff_fail(te->msg, VFX_ERR_IO, "directory");
        if (!failed && s == VFX_OK)
            TIFFFlush(te->tif);
        TIFFClose(te->tif); /* closes the dup'ed descriptor */
    }
    vfx__free(te->buf);
    vfx__free(te);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_tiff = {
    .size = sizeof(vfx_format),
    .name = "tiff",
    .tag = "tiff",
    .extensions = "tif,tiff,tx,tex",
    .probe = tiff_probe,
    .open = tiff_open,
    .read_rect = tiff_read_rect,
    .close = tiff_close,
    .write_open = tiff_write_open,
    .write_rect = tiff_write_rect,
    .write_close = tiff_write_close,
    .write_encode = tiff_write_encode,
    .write_commit = tiff_write_commit,
    .write_enc_free = vfx__enc_list_free,
    .write_row_type = tiff_write_row_type,
    .description = "TIFF (libtiff): strips and tiles, 1-32 bit int, half, float, planar, multi-page, BigTIFF",
    .write_notes = "u8/u16/u32/half/float; any channels; strips or --tile; compression none|lzw|zip (default)|zstd|packbits",
};
