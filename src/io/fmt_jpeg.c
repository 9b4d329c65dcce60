/* JPEG through libjpeg(-turbo).
 *
 * Reading. 8-bit grey comes back as "Y", YCbCr and RGB as "R,G,B" (u8). CMYK and YCCK files
 * are decoded to CMYK by libjpeg and converted to RGB as OpenImageIO does (Adobe files store
 * inverted CMYK, so R = C * K, G = M * K, B = Y * K in normalised values). Baseline,
 * progressive, arithmetic-coded files and restart markers are libjpeg's business.
 *
 * Access: VFX_ACCESS_SEQUENTIAL_ROWS in one-row chunks, with the same scheme as PNG (see
 * fmt_png.c): one decoder behind a mutex remembers its next scanline, continues for rects at
 * or below it, serves rows it still holds (the last 8 MiB of rows) from memory, and restarts
 * from the start of the file for a rect above those. (A progressive file makes libjpeg hold
 * its coefficients for the whole image while a decoder is live.)
 *
 * Damaged data. The data source raises an error at the end of the data instead of letting
 * libjpeg pad a truncated file with grey, so a truncated file is VFX_ERR_CORRUPT; corrupt-data
 * warnings ("extraneous bytes before marker") are tolerated, unless VFX_READ_STRICT is set.
 * libjpeg reports errors by longjmp: as in fmt_png.c every libjpeg call that may fail goes
 * through a small g_* wrapper with its own setjmp.
 *
 * Metadata: EXIF (APP1) -> "exif" blob and the parsed tags (notably "Orientation", reported,
 * never applied to the pixels); XMP (APP1) -> "XMP"; ICC (APP2, any number of segments) ->
 * "ICCProfile"; JFIF density -> "XResolution", "YResolution", "ResolutionUnit";
 * "jpeg:subsampling" ("4:2:0", "4:2:2", "4:4:4", ...), "jpeg:progressive"; "colorspace" =
 * "sRGB".
 *
 * Writing: grey (1-2 channels) or RGB (3 or more: alpha and further channels are dropped, as
 * oiiotool does), stored as u8; opt.level is the quality (1..100, default 95); the spec
 * attributes "jpeg:subsampling" ("4:4:4", "4:2:2", "4:2:0" (default)) and "jpeg:progressive"
 * (int) choose the coding; "ICCProfile", "exif" and "XMP" are written,
 * and an "Orientation" other than 1 without an "exif" blob gets a minimal EXIF block. */
#include <jerror.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "io/fmt_util.h"
#include "io/fmt_whole.h"

#define SRC_BUF 65536

static const char xmp_sig[] = "http://ns.adobe.com/xap/1.0/";

/* ---- error handling ----------------------------------------------------------------------- */

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf               jb;
    char                  msg[JMSG_LENGTH_MAX];
    vfx_status            err; /* VFX_OK: libjpeg's error, i.e. corrupt data */
    int                   strict;
} jerr;

static void
on_error_exit(j_common_ptr cinfo)
{
    jerr *e = (jerr *) (void *) cinfo->err;
    if (e->msg[0] == 0)
        (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jb, 1);
}

static void
on_emit_message(j_common_ptr cinfo, int level)
{
    jerr *e = (jerr *) (void *) cinfo->err;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (e->strict) /* corrupt-data warnings are errors in strict mode */
            on_error_exit(cinfo);
    }
}

static vfx_status
jerr_status(jerr *e, const char *what)
{
    vfx_status s = vfx__fail(e->err != VFX_OK ? e->err : VFX_ERR_CORRUPT, "%s: %s", what,
                             e->msg[0] ? e->msg : "libjpeg error");
    e->msg[0] = 0;
    return s;
}

/* ---- reader ------------------------------------------------------------------------------- */

typedef struct jsrc {
    struct jpeg_source_mgr pub;
    vfx__rd               *rd;
    uint64_t               offset;
    JOCTET                 buf[SRC_BUF];
} jsrc;

static void
src_init(j_decompress_ptr cinfo)
{
    (void) cinfo;
}

static boolean
src_fill(j_decompress_ptr cinfo)
{
    jsrc *s = (jsrc *) (void *) cinfo->src;
    int64_t got = vfx__rd_read(s->rd, s->buf, SRC_BUF, s->offset);
    if (got < 0) {
        ((jerr *) (void *) cinfo->err)->err = VFX_ERR_IO;
        ERREXIT(cinfo, JERR_FILE_READ);
    }
    if (got == 0) /* truncated: an error, not grey padding */
        ERREXIT(cinfo, JERR_INPUT_EOF);
    s->offset += (uint64_t) got;
    s->pub.next_input_byte = s->buf;
    s->pub.bytes_in_buffer = (size_t) got;
    return TRUE;
}

static void
src_skip(j_decompress_ptr cinfo, long n)
{
    jsrc *s = (jsrc *) (void *) cinfo->src;
    if (n <= 0)
        return;
    if ((size_t) n <= s->pub.bytes_in_buffer) {
        s->pub.next_input_byte += n;
        s->pub.bytes_in_buffer -= (size_t) n;
        return;
    }
    s->offset += (uint64_t) n - s->pub.bytes_in_buffer;
    s->pub.bytes_in_buffer = 0;
}

static void
src_term(j_decompress_ptr cinfo)
{
    (void) cinfo;
}

typedef struct jdec {
    struct jpeg_decompress_struct cinfo;
    jerr                          e;
    jsrc                          src;
    int                           live; /* cinfo created */
    int                           started;
} jdec;

typedef struct jpeg_priv {
    pthread_mutex_t lock;
    jdec           *dec; /* NULL when no decoder is live */
    int32_t         next_row;
    int32_t         width, height, n_ch, out_comps;
    int             cmyk, strict;
    uint8_t        *row;  /* one output scanline (out_comps per pixel) */
    uint8_t        *ring; /* the last ring_rows rows (n_ch per pixel); row y at y % ring_rows */
    int32_t         ring_rows;
} jpeg_priv;

static int
jpeg_probe(const uint8_t *head, size_t n)
{
    return n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF ? 90 : 0;
}

/* jpeg_create_decompress fails only for lack of memory */
static int
g_create(jdec *d)
{
    if (setjmp(d->e.jb))
        return -1;
    jpeg_create_decompress(&d->cinfo);
    d->live = 1;
    return 0;
}

static int
g_read_header(jdec *d)
{
    if (setjmp(d->e.jb))
        return -1;
    jpeg_save_markers(&d->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&d->cinfo, JPEG_APP0 + 2, 0xFFFF);
    if (jpeg_read_header(&d->cinfo, TRUE) != JPEG_HEADER_OK)
        ERREXIT(&d->cinfo, JERR_NO_IMAGE);
    return 0;
}

static int
g_start(jdec *d)
{
    if (setjmp(d->e.jb))
        return -1;
    J_COLOR_SPACE in = d->cinfo.jpeg_color_space;
    d->cinfo.out_color_space = in == JCS_GRAYSCALE                  ? JCS_GRAYSCALE
                               : in == JCS_CMYK || in == JCS_YCCK ? JCS_CMYK
                                                                  : JCS_RGB;
    d->cinfo.dct_method = JDCT_ISLOW;
    (void) jpeg_start_decompress(&d->cinfo);
    d->started = 1;
    return 0;
}

static int
g_read_row(jdec *d, uint8_t *row)
{
    if (setjmp(d->e.jb))
        return -1;
    JSAMPROW rows[1] = { row };
    if (jpeg_read_scanlines(&d->cinfo, rows, 1) != 1)
        ERREXIT(&d->cinfo, JERR_INPUT_EOF);
    return 0;
}

static void
dec_free(jdec *d)
{
    if (!d)
        return;
    if (d->live)
        jpeg_destroy_decompress(&d->cinfo);
    vfx__free(d);
}

static vfx_status
dec_start(vfx__rd *rd, int strict, jdec **out)
{
    jdec *d = vfx__calloc(1, sizeof *d);
    if (!d)
        return vfx__nomem();
    d->cinfo.err = jpeg_std_error(&d->e.pub);
    d->e.pub.error_exit = on_error_exit;
    d->e.pub.emit_message = on_emit_message;
    d->e.strict = strict;
    if (g_create(d) != 0) {
        vfx__free(d);
        return vfx__nomem();
    }
    d->src.rd = rd;
    d->src.pub.init_source = src_init;
    d->src.pub.fill_input_buffer = src_fill;
    d->src.pub.skip_input_data = src_skip;
    d->src.pub.resync_to_restart = jpeg_resync_to_restart;
    d->src.pub.term_source = src_term;
    d->cinfo.src = &d->src.pub;
    if (g_read_header(d) != 0) {
        vfx_status s = jerr_status(&d->e, "header");
        dec_free(d);
        return s;
    }
    *out = d;
    return VFX_OK;
}

static vfx_status
read_metadata(jdec *d, vfx_attrs *a)
{
    struct jpeg_decompress_struct *c = &d->cinfo;
    VFX_TRY(vfx_attrs_set_string(a, "colorspace", "sRGB"));
    VFX_TRY(vfx_attrs_set_string(a, "compression", "jpeg"));
    if (c->progressive_mode)
        VFX_TRY(vfx_attrs_set_int(a, "jpeg:progressive", 1));
    if (c->num_components == 3 && c->comp_info) {
        int h = c->comp_info[0].h_samp_factor, v = c->comp_info[0].v_samp_factor;
        const char *ss = h == 2 && v == 2   ? "4:2:0"
                         : h == 2 && v == 1 ? "4:2:2"
                         : h == 1 && v == 1 ? "4:4:4"
                         : h == 4 && v == 1 ? "4:1:1"
                                            : NULL;
        if (ss)
            VFX_TRY(vfx_attrs_set_string(a, "jpeg:subsampling", ss));
    }
    if (c->saw_JFIF_marker && c->X_density > 0 && c->Y_density > 0) {
        VFX_TRY(vfx_attrs_set_float(a, "XResolution", c->X_density));
        VFX_TRY(vfx_attrs_set_float(a, "YResolution", c->Y_density));
        VFX_TRY(vfx_attrs_set_string(a, "ResolutionUnit", c->density_unit == 1   ? "in"
                                                          : c->density_unit == 2 ? "cm"
                                                                                 : "none"));
    }
    for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
            memcmp(m->data, "Exif\0\0", 6) == 0) {
            VFX_TRY(vfx__set_blob(a, "exif", "exif", m->data + 6, m->data_length - 6));
            VFX_TRY(vfx__exif_parse(m->data, m->data_length, a));
        } else if (m->marker == JPEG_APP0 + 1 && m->data_length > sizeof xmp_sig &&
                   memcmp(m->data, xmp_sig, sizeof xmp_sig) == 0) {
            size_t n = m->data_length - sizeof xmp_sig;
            char *x = vfx__alloc(n + 1);
            if (!x)
                return vfx__nomem();
            memcpy(x, m->data + sizeof xmp_sig, n);
            x[n] = 0;
            vfx_status s = vfx_attrs_set_string(a, "XMP", x);
            vfx__free(x);
            VFX_TRY(s);
        }
    }
    JOCTET *icc = NULL;
    unsigned icc_len = 0;
    if (jpeg_read_icc_profile(c, &icc, &icc_len) && icc && icc_len > 0) {
        vfx_status s = vfx__set_blob(a, "ICCProfile", "icc", icc, icc_len);
        free(icc); /* allocated by libjpeg with malloc */
        VFX_TRY(s);
    }
    return VFX_OK;
}

static void
jpeg_close(vfx__rd *rd)
{
    jpeg_priv *jp = rd->priv;
    if (!jp)
        return;
    dec_free(jp->dec);
    pthread_mutex_destroy(&jp->lock);
    vfx__free(jp->row);
    vfx__free(jp->ring);
    vfx__free(jp);
    rd->priv = NULL;
}

static vfx_status
jpeg_open(vfx__rd *rd)
{
    jpeg_priv *jp = vfx__calloc(1, sizeof *jp);
    if (!jp)
        return vfx__nomem();
    if (pthread_mutex_init(&jp->lock, NULL) != 0) {
        vfx__free(jp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = jp;
    jp->strict = (rd->flags & VFX_READ_STRICT) != 0;
    VFX_TRY(dec_start(rd, jp->strict, &jp->dec));
    struct jpeg_decompress_struct *c = &jp->dec->cinfo;
    VFX_TRY(vfx__check_size(rd, c->image_width, c->image_height));
    if (c->data_precision != 8)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%d-bit JPEG", c->data_precision);
    jp->width = (int32_t) c->image_width;
    jp->height = (int32_t) c->image_height;
    J_COLOR_SPACE cs = c->jpeg_color_space;
    jp->cmyk = cs == JCS_CMYK || cs == JCS_YCCK;
    jp->n_ch = cs == JCS_GRAYSCALE ? 1 : 3;
    jp->out_comps = jp->cmyk ? 4 : jp->n_ch;
    if (c->num_components != (cs == JCS_GRAYSCALE ? 1 : jp->cmyk ? 4 : 3))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%d components in colour space %d",
                         c->num_components, (int) cs);
    /* recent rows are kept (8 MiB at most) so that strips finished out of order by the
     * sink's workers are served without restarting the decoder, as in fmt_png.c */
    size_t rb = (size_t) jp->width * (size_t) jp->n_ch;
    int64_t ring = (int64_t) (((size_t) 8 << 20) / rb);
    ring = VFX__MIN(VFX__MAX(ring, (int64_t) 64), (int64_t) 4096);
    jp->ring_rows = (int32_t) VFX__MIN(ring, (int64_t) jp->height);
    jp->row = vfx__alloc((size_t) jp->width * (size_t) jp->out_comps);
    jp->ring = vfx__alloc((size_t) jp->ring_rows * rb);
    if (!jp->row || !jp->ring)
        return vfx__nomem();
    VFX_TRY(vfx__simple_part(rd, jp->width, jp->height, VFX_ACCESS_SEQUENTIAL_ROWS, jp->width,
                             1));
    vfx_spec *sp = &rd->parts[0].spec;
    VFX_TRY(vfx_channels_from_names(jp->n_ch == 1 ? "Y" : "R,G,B", VFX_PIXEL_U8,
                                    &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA))
        VFX_TRY(read_metadata(jp->dec, sp->attrs));
    return VFX_OK;
}

/* Inverted (Adobe) CMYK -> RGB exactly as OpenImageIO's jpeginput.cpp does it. */
static void
cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        float k = (float) cmyk[i * 4 + 3] / 255.0f;
        for (int c = 0; c < 3; c++) {
            float v = (float) cmyk[i * 4 + c] / 255.0f * k * 255.0f + 0.5f;
            rgb[i * 3 + c] = (uint8_t) VFX__CLAMP(v, 0.0f, 255.0f);
        }
    }
}

static vfx_status
read_locked(vfx__rd *rd, jpeg_priv *jp, const vfx__read_req *req)
{
    size_t rb = (size_t) jp->width * (size_t) jp->n_ch;
    /* rows [held, next_row) are in the ring; the decoder is gone after the last row (or a
     * failure, which sets next_row to 0) */
    int32_t held = jp->next_row - VFX__MIN(jp->next_row, jp->ring_rows);
    if (req->rect.y0 < held ||
        ((!jp->dec || !jp->dec->started) && jp->next_row < req->rect.y1)) {
        if (!jp->dec || jp->dec->started) {
            dec_free(jp->dec);
            jp->dec = NULL;
            VFX_TRY(dec_start(rd, jp->strict, &jp->dec));
        }
        if (g_start(jp->dec) != 0) {
            vfx_status s = jerr_status(&jp->dec->e, "decode");
            dec_free(jp->dec);
            jp->dec = NULL;
            return s;
        }
        jp->next_row = 0;
    }
    for (int32_t y = req->rect.y0; y < req->rect.y1; y++) {
        while (jp->next_row <= y) {
            uint8_t *slot = jp->ring + (size_t) (jp->next_row % jp->ring_rows) * rb;
            if (g_read_row(jp->dec, jp->cmyk ? jp->row : slot) != 0) {
                vfx_status s = jerr_status(&jp->dec->e, "pixels");
                vfx__error_prefix("row %d: ", jp->next_row);
                dec_free(jp->dec);
                jp->dec = NULL;
                jp->next_row = 0;
                return s;
            }
            if (jp->cmyk)
                cmyk_to_rgb(jp->row, slot, jp->width);
            jp->next_row++;
            vfx__rd_count_chunks(rd, 1);
        }
        const uint8_t *row = jp->ring + (size_t) (y % jp->ring_rows) * rb;
        VFX_TRY(vfx__req_put_row(req, y, row, VFX_PIXEL_U8, jp->n_ch, 0));
    }
    if (jp->next_row >= jp->height) { /* done: free libjpeg's memory */
        dec_free(jp->dec);
        jp->dec = NULL;
    }
    return VFX_OK;
}

static vfx_status
jpeg_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    jpeg_priv *jp = rd->priv;
    pthread_mutex_lock(&jp->lock);
    vfx_status s = read_locked(rd, jp, req);
    pthread_mutex_unlock(&jp->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct jdst {
    struct jpeg_destination_mgr pub;
    vfx__outbuf                 out;
    JOCTET                      buf[SRC_BUF];
} jdst;

typedef struct jenc {
    struct jpeg_compress_struct cinfo;
    jerr                        e;
    jdst                        dst;
    int                         live, started;
    int32_t                     n_ch, width;
    uint8_t                    *row;
    /* gathered before the guarded start */
    int                         quality, progressive, hs, vs;
    const void                 *icc, *exif, *xmp;
    size_t                      icc_size, exif_size, xmp_size;
    uint8_t                     orient_exif[64];
    size_t                      orient_exif_size;
} jenc;

static void
dst_init(j_compress_ptr cinfo)
{
    jdst *d = (jdst *) (void *) cinfo->dest;
    d->pub.next_output_byte = d->buf;
    d->pub.free_in_buffer = SRC_BUF;
}

static boolean
dst_empty(j_compress_ptr cinfo)
{
    jdst *d = (jdst *) (void *) cinfo->dest;
    if (vfx__outbuf_put(&d->out, d->buf, SRC_BUF) != VFX_OK) {
        ((jerr *) (void *) cinfo->err)->err = d->out.err;
        ERREXIT(cinfo, JERR_FILE_WRITE);
    }
    d->pub.next_output_byte = d->buf;
    d->pub.free_in_buffer = SRC_BUF;
    return TRUE;
}

static void
dst_term(j_compress_ptr cinfo)
{
    jdst *d = (jdst *) (void *) cinfo->dest;
    if (vfx__outbuf_put(&d->out, d->buf, SRC_BUF - d->pub.free_in_buffer) != VFX_OK ||
        vfx__outbuf_flush(&d->out) != VFX_OK) {
        ((jerr *) (void *) cinfo->err)->err = d->out.err;
        ERREXIT(cinfo, JERR_FILE_WRITE);
    }
}

/* A minimal big-endian EXIF block holding only IFD0 Orientation. */
static size_t
make_orientation_exif(uint8_t *p, int orient)
{
    static const uint8_t tmpl[] = {
        'E', 'x', 'i', 'f', 0, 0,                 /* APP1 signature */
        'M', 'M', 0, 42, 0, 0, 0, 8,              /* TIFF header, IFD0 at 8 */
        0, 1,                                     /* one entry */
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0, /* Orientation SHORT 1 = value */
        0, 0, 0, 0,                               /* no next IFD */
    };
    memcpy(p, tmpl, sizeof tmpl);
    p[6 + 8 + 2 + 9] = (uint8_t) orient;
    return sizeof tmpl;
}

/* jpeg_create_compress fails only for lack of memory */
static int
g_enc_create(jenc *je)
{
    if (setjmp(je->e.jb))
        return -1;
    jpeg_create_compress(&je->cinfo);
    je->live = 1;
    return 0;
}

static int
g_enc_start(jenc *je)
{
    if (setjmp(je->e.jb))
        return -1;
    struct jpeg_compress_struct *c = &je->cinfo;
    c->image_width = (JDIMENSION) je->width;
    c->input_components = je->n_ch;
    c->in_color_space = je->n_ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(c);
    jpeg_set_quality(c, je->quality, TRUE);
    c->dct_method = JDCT_ISLOW;
    if (je->n_ch == 3) {
        c->comp_info[0].h_samp_factor = je->hs;
        c->comp_info[0].v_samp_factor = je->vs;
        for (int i = 1; i < 3; i++)
            c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
    }
    if (je->progressive)
        jpeg_simple_progression(c);
    jpeg_start_compress(c, TRUE);
    je->started = 1;
    if (je->exif)
        jpeg_write_marker(c, JPEG_APP0 + 1, je->exif, (unsigned) je->exif_size);
    else if (je->orient_exif_size)
        jpeg_write_marker(c, JPEG_APP0 + 1, je->orient_exif, (unsigned) je->orient_exif_size);
    if (je->xmp)
        jpeg_write_marker(c, JPEG_APP0 + 1, je->xmp, (unsigned) je->xmp_size);
    if (je->icc)
        jpeg_write_icc_profile(c, je->icc, (unsigned) je->icc_size);
    return 0;
}

static int
g_enc_row(jenc *je)
{
    if (setjmp(je->e.jb))
        return -1;
    JSAMPROW rows[1] = { je->row };
    jpeg_write_scanlines(&je->cinfo, rows, 1);
    return 0;
}

static int
g_enc_finish(jenc *je)
{
    if (setjmp(je->e.jb))
        return -1;
    jpeg_finish_compress(&je->cinfo);
    return 0;
}

static vfx_status
jpeg_write_close(vfx__wr *wr, int failed);

static vfx_status
gather(vfx__wr *wr, jenc *je, uint8_t **exif_copy, uint8_t **xmp_copy)
{
    const vfx_attr_value *v;
    /* the level is the quality only under JPEG's own name: "zip:9" is no quality 9 */
    VFX_TRY(vfx__codec_check(wr->compression, "jpeg", ""));
    je->quality = wr->opt.level > 0 ? VFX__MIN(wr->opt.level, 100) : 95;
    je->hs = je->vs = 2;
    if ((v = vfx__wr_attr(wr, "jpeg:subsampling", VFX_ATTR_STRING))) {
        if (!strcmp(v->u.s, "4:4:4"))
            je->hs = je->vs = 1;
        else if (!strcmp(v->u.s, "4:2:2"))
            je->vs = 1;
        else if (strcmp(v->u.s, "4:2:0") != 0)
            return vfx__fail(VFX_ERR_ARG, "jpeg:subsampling \"%s\" (4:4:4, 4:2:2, 4:2:0)",
                             v->u.s);
    }
    if ((v = vfx__wr_attr(wr, "jpeg:progressive", VFX_ATTR_INT)))
        je->progressive = v->u.i != 0;
    if ((v = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB)) && v->u.blob.size > 0 &&
        v->u.blob.size < (1u << 24)) {
        je->icc = v->u.blob.data;
        je->icc_size = v->u.blob.size;
    }
    if ((v = vfx__wr_attr(wr, "exif", VFX_ATTR_BLOB)) && v->u.blob.size > 8 &&
        v->u.blob.size < 65000) {
        *exif_copy = vfx__alloc(v->u.blob.size + 6);
        if (!*exif_copy)
            return vfx__nomem();
        memcpy(*exif_copy, "Exif\0\0", 6);
        memcpy(*exif_copy + 6, v->u.blob.data, v->u.blob.size);
        je->exif = *exif_copy;
        je->exif_size = v->u.blob.size + 6;
    } else if ((v = vfx__wr_attr(wr, "Orientation", VFX_ATTR_INT)) && v->u.i >= 2 &&
               v->u.i <= 8) {
        je->orient_exif_size = make_orientation_exif(je->orient_exif, v->u.i);
    }
    if ((v = vfx__wr_attr(wr, "XMP", VFX_ATTR_STRING)) && strlen(v->u.s) < 65000) {
        size_t n = strlen(v->u.s);
        *xmp_copy = vfx__alloc(sizeof xmp_sig + n);
        if (!*xmp_copy)
            return vfx__nomem();
        memcpy(*xmp_copy, xmp_sig, sizeof xmp_sig);
        memcpy(*xmp_copy + sizeof xmp_sig, v->u.s, n);
        je->xmp = *xmp_copy;
        je->xmp_size = sizeof xmp_sig + n;
    }
    return VFX_OK;
}

static vfx_status
jpeg_write_open(vfx__wr *wr)
{
    /* JPEG has no alpha: grey+alpha stores the grey, 4+ channels the first three (as oiiotool) */
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "JPEG needs at least 1 channel");
    nc = nc >= 3 ? 3 : 1;
    if (wr->opt.pixel_type != VFX_PIXEL_UNKNOWN && wr->opt.pixel_type != VFX_PIXEL_U8)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "JPEG stores u8 only");
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "JPEG cannot be tiled");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > 65500 || h > 65500)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "JPEG is limited to 65500 x 65500");
    jenc *je = vfx__calloc(1, sizeof *je);
    if (!je)
        return vfx__nomem();
    wr->priv = je;
    je->n_ch = nc;
    je->width = (int32_t) w;
    je->row = vfx__alloc((size_t) w * (size_t) nc);
    uint8_t *exif_copy = NULL, *xmp_copy = NULL;
    vfx_status s = je->row ? gather(wr, je, &exif_copy, &xmp_copy) : vfx__nomem();
    if (s == VFX_OK)
        s = vfx__outbuf_init(&je->dst.out, wr, 1 << 16);
    if (s == VFX_OK) {
        je->cinfo.err = jpeg_std_error(&je->e.pub);
        je->e.pub.error_exit = on_error_exit;
        je->e.pub.emit_message = on_emit_message;
        if (g_enc_create(je) != 0)
            s = vfx__nomem();
    }
    if (s == VFX_OK) {
        je->dst.pub.init_destination = dst_init;
        je->dst.pub.empty_output_buffer = dst_empty;
        je->dst.pub.term_destination = dst_term;
        je->cinfo.dest = &je->dst.pub;
        je->cinfo.image_height = (JDIMENSION) h;
        if (g_enc_start(je) != 0)
            s = jerr_status(&je->e, "header");
    }
    vfx__free(exif_copy); /* the markers are written by now */
    vfx__free(xmp_copy);
    je->exif = je->xmp = NULL;
    if (s != VFX_OK) { /* the caller closes only writers that opened */
        (void) jpeg_write_close(wr, 1);
        return s;
    }
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, je->width, 16, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 15) / 16) };
    return VFX_OK;
}

static vfx_status
jpeg_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    jenc *je = wr->priv;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, je->row, VFX_PIXEL_U8, je->width, je->n_ch));
        if (g_enc_row(je) != 0)
            return jerr_status(&je->e, "row");
    }
    return VFX_OK;
}

/* Every value goes through vfx__pack_row() to u8 (jpeg_write_rect): the sink may pack strips
 * to u8 itself (all the image's channels; the writer keeps the first one or three). */
static vfx_pixel_type
jpeg_write_row_type(vfx__wr *wr)
{
    return wr->priv ? VFX_PIXEL_U8 : VFX_PIXEL_UNKNOWN;
}

static vfx_status
jpeg_write_close(vfx__wr *wr, int failed)
{
    jenc *je = wr->priv;
    if (!je)
        return VFX_OK;
    vfx_status s = VFX_OK;
    if (!failed && je->started && g_enc_finish(je) != 0)
        s = jerr_status(&je->e, "finish");
    if (je->live)
        jpeg_destroy_compress(&je->cinfo);
    vfx__outbuf_free(&je->dst.out);
    vfx__free(je->row);
    vfx__free(je);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_jpeg = {
    .size = sizeof(vfx_format),
    .name = "jpeg",
    .tag = "jpeg",
    .extensions = "jpg,jpeg,jpe,jfif",
    .probe = jpeg_probe,
    .open = jpeg_open,
    .read_rect = jpeg_read_rect,
    .close = jpeg_close,
    .write_open = jpeg_write_open,
    .write_rect = jpeg_write_rect,
    .write_close = jpeg_write_close,
    .write_row_type = jpeg_write_row_type,
    .description = "JPEG (libjpeg-turbo): grey, RGB, CMYK/YCCK, progressive; ICC, EXIF, XMP",
    .write_notes = "u8; grey or RGB (alpha and further channels are dropped); quality 1-100 (--compression jpeg:QUALITY, default 95); attributes jpeg:subsampling, jpeg:progressive",
};
