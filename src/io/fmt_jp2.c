/* JPEG 2000 (J2K codestreams and JP2 files) through OpenJPEG.
 *
 * Reading. Components of 1 to 16 bits come back as u8 (precision <= 8) or u16; precisions
 * other than 8 and 16 are scaled to the full range of the type (v * max / (2^prec - 1),
 * rounded), signed components are offset by 2^(prec-1). Channels are named "Y", "Y,A",
 * "R,G,B", "R,G,B,A" (more components: "channel4", ...). JP2 palettes and channel
 * definitions (cdef, alpha) are applied by OpenJPEG; sYCC images are converted to RGB
 * (ITU-R BT.601 full range, as OpenJPEG's own tools do). Subsampled components are returned
 * at full resolution, each sample repeated over its dx x dy block. "ICCProfile" (blob "icc"),
 * "jpeg2000:streamformat" ("j2k" / "jp2"), "jpeg2000:tile_w" / "tile_h" when tiled and
 * "oiio:BitsPerSample" are reported.
 *
 * Access. A codestream of several tiles whose grid starts at the image origin is
 * VFX_ACCESS_RANDOM_TILES on that grid; any other is VFX_ACCESS_WHOLE_IMAGE. Every
 * read_rect() runs its own OpenJPEG decoder (a codec decodes one area once, and is not
 * thread-safe) restricted with opj_set_decode_area(), so only the tiles a rect touches are
 * decoded, and reads of different tiles run in parallel.
 *
 * Errors. OpenJPEG's error callback text becomes the message (VFX_ERR_CORRUPT).
 *
 * Writing: 1 to 4 channels (more are written as extra components), u8 or u16 (other input
 * types are converted to u16, u8 stays u8), to a JP2 file (a bare J2K codestream when the
 * extension is .j2k / .j2c / .jpc). Compression "lossless" (the default: reversible 5/3
 * wavelet, exact) or "lossy" (irreversible 9/7; opt.level is the compression ratio, default
 * 20). opt.tile_w/tile_h > 0 write a tiled codestream. The encoder needs the whole image, so
 * the writer keeps it in memory (4 bytes per sample) until close; rows arrive top to
 * bottom. */
#include <inttypes.h>
#include <openjpeg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

typedef struct jp2_priv {
    OPJ_CODEC_FORMAT codec;
    int32_t          width, height, n_ch;
    int32_t          x0, y0; /* image origin on the reference grid */
    int              sycc;
    int              prec[64];
    vfx_pixel_type   type;
} jp2_priv;

/* ---- OpenJPEG glue: streams over the reader / writer, and messages ----------------------- */

typedef struct jp2_io {
    vfx__rd *rd;
    vfx__wr *wr;
    uint64_t pos, size;
    vfx_status werr;
    char     msg[256];
} jp2_io;

static OPJ_SIZE_T
io_read(void *buf, OPJ_SIZE_T n, void *user)
{
    jp2_io *io = user;
    if (io->pos >= io->size)
        return (OPJ_SIZE_T) -1;
    uint64_t k = n < io->size - io->pos ? n : io->size - io->pos;
    int64_t got = vfx__rd_read(io->rd, buf, k, io->pos);
    if (got <= 0)
        return (OPJ_SIZE_T) -1;
    io->pos += (uint64_t) got;
    return (OPJ_SIZE_T) got;
}

static OPJ_SIZE_T
io_write(void *buf, OPJ_SIZE_T n, void *user)
{
    jp2_io *io = user;
    if (io->werr != VFX_OK)
        return (OPJ_SIZE_T) -1;
    io->werr = vfx__wr_write(io->wr, buf, n, io->pos);
    if (io->werr != VFX_OK)
        return (OPJ_SIZE_T) -1;
    io->pos += n;
    return n;
}

static OPJ_OFF_T
io_skip(OPJ_OFF_T n, void *user)
{
    jp2_io *io = user;
    if (n < 0 && (uint64_t) -n > io->pos)
        return -1;
    io->pos = (uint64_t) ((OPJ_OFF_T) io->pos + n);
    return n;
}

static OPJ_BOOL
io_seek(OPJ_OFF_T n, void *user)
{
    jp2_io *io = user;
    if (n < 0)
        return OPJ_FALSE;
    io->pos = (uint64_t) n;
    return OPJ_TRUE;
}

static void
on_error(const char *msg, void *user)
{
    jp2_io *io = user;
    if (io->msg[0])
        return; /* keep the first: later ones are consequences */
    snprintf(io->msg, sizeof io->msg, "%s", msg);
    size_t k = strlen(io->msg);
    while (k > 0 && (io->msg[k - 1] == '\n' || io->msg[k - 1] == ' '))
        io->msg[--k] = 0;
}

static void
on_quiet(const char *msg, void *user)
{
    (void) msg;
    (void) user;
}

/* Input streams use a small read-ahead buffer: OpenJPEG seeks over the tiles outside a decode
 * area but refills its buffer for every tile-part header, and large reads (tile data) bypass
 * the buffer anyway. */
static opj_stream_t *
stream_new(jp2_io *io, int input)
{
    opj_stream_t *s = opj_stream_create(input ? 1024u : 1u << 20, input ? OPJ_TRUE : OPJ_FALSE);
    if (!s)
        return NULL;
    if (input) {
        opj_stream_set_read_function(s, io_read);
        opj_stream_set_user_data_length(s, io->size);
    } else {
        opj_stream_set_write_function(s, io_write);
    }
    opj_stream_set_skip_function(s, io_skip);
    opj_stream_set_seek_function(s, io_seek);
    opj_stream_set_user_data(s, io, NULL);
    return s;
}

static vfx_status
opj_failure(const jp2_io *io, const char *what)
{
    return vfx__fail(VFX_ERR_CORRUPT, "%s: %s", what, io->msg[0] ? io->msg : "OpenJPEG failed");
}

/* A decoder with its header read. On success the caller destroys codec, stream and image. */
static vfx_status
decoder_open(vfx__rd *rd, OPJ_CODEC_FORMAT fmt, jp2_io *io, opj_codec_t **codec_out,
             opj_stream_t **stream_out, opj_image_t **image_out)
{
    memset(io, 0, sizeof *io);
    io->rd = rd;
    io->size = rd->file_size >= 0 ? (uint64_t) rd->file_size : UINT64_MAX / 2;
    *codec_out = NULL;
    *stream_out = NULL;
    *image_out = NULL;
    opj_codec_t *c = opj_create_decompress(fmt);
    opj_stream_t *s = stream_new(io, 1);
    if (!c || !s) {
        if (c)
            opj_destroy_codec(c);
        if (s)
            opj_stream_destroy(s);
        return vfx__nomem();
    }
    opj_set_error_handler(c, on_error, io);
    opj_set_warning_handler(c, on_quiet, io);
    opj_set_info_handler(c, on_quiet, io);
    opj_dparameters_t par;
    opj_set_default_decoder_parameters(&par);
    opj_image_t *im = NULL;
    if (!opj_setup_decoder(c, &par) || !opj_read_header(s, c, &im)) {
        vfx_status st = opj_failure(io, "header");
        if (im)
            opj_image_destroy(im);
        opj_stream_destroy(s);
        opj_destroy_codec(c);
        return st;
    }
    *codec_out = c;
    *stream_out = s;
    *image_out = im;
    return VFX_OK;
}

static void
decoder_close(opj_codec_t *c, opj_stream_t *s, opj_image_t *im)
{
    if (im)
        opj_image_destroy(im);
    if (s)
        opj_stream_destroy(s);
    if (c)
        opj_destroy_codec(c);
}

/* ---- reading ------------------------------------------------------------------------------ */

static const uint8_t jp2_sig[12] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, 0x87, 10 };

static int
jp2_probe(const uint8_t *head, size_t n)
{
    if (n >= 12 && memcmp(head, jp2_sig, 12) == 0)
        return 100;
    if (n >= 4 && head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51)
        return 95; /* SOC followed by SIZ */
    return 0;
}

static void
jp2_close(vfx__rd *rd)
{
    vfx__free(rd->priv);
    rd->priv = NULL;
}

static vfx_status
jp2_open(vfx__rd *rd)
{
    jp2_priv *jp = vfx__calloc(1, sizeof *jp);
    if (!jp)
        return vfx__nomem();
    rd->priv = jp;
    uint8_t head[12];
    int64_t got = vfx__rd_read(rd, head, sizeof head, 0);
    if (got >= 12 && memcmp(head, jp2_sig, 12) == 0)
        jp->codec = OPJ_CODEC_JP2;
    else if (got >= 4 && head[0] == 0xFF && head[1] == 0x4F)
        jp->codec = OPJ_CODEC_J2K;
    else
        return vfx__fail(VFX_ERR_CORRUPT, "not a JPEG 2000 file");
    jp2_io io;
    opj_codec_t *c;
    opj_stream_t *s;
    opj_image_t *im;
    VFX_TRY(decoder_open(rd, jp->codec, &io, &c, &s, &im));
    vfx_status st = VFX_OK;
    opj_codestream_info_v2_t *ci = opj_get_cstr_info(c);
    int64_t w = (int64_t) im->x1 - im->x0, h = (int64_t) im->y1 - im->y0;
    if (im->numcomps == 0 || im->numcomps > 64 || !im->comps) {
        st = vfx__fail(VFX_ERR_UNSUPPORTED, "%u components", im->numcomps);
        goto done;
    }
    if ((st = vfx__check_size(rd, w, h)) != VFX_OK)
        goto done;
    jp->width = (int32_t) w;
    jp->height = (int32_t) h;
    jp->x0 = (int32_t) im->x0;
    jp->y0 = (int32_t) im->y0;
    jp->n_ch = (int32_t) im->numcomps;
    int maxprec = 0;
    for (uint32_t i = 0; i < im->numcomps; i++) {
        const opj_image_comp_t *cp = &im->comps[i];
        if (cp->prec < 1 || cp->prec > 16) {
            st = vfx__fail(VFX_ERR_UNSUPPORTED, "component %u has %u bits (vfx reads 1-16)", i,
                           cp->prec);
            goto done;
        }
        if (cp->dx < 1 || cp->dy < 1 || cp->dx > 255 || cp->dy > 255) {
            st = vfx__fail(VFX_ERR_CORRUPT, "component %u: subsampling %u x %u", i, cp->dx,
                           cp->dy);
            goto done;
        }
        jp->prec[i] = (int) cp->prec;
        if ((int) cp->prec > maxprec)
            maxprec = (int) cp->prec;
    }
    jp->type = maxprec <= 8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16;
    jp->sycc = im->color_space == OPJ_CLRSPC_SYCC && im->numcomps >= 3;
    /* tile grid: random tiles when there are several and the grid starts at the origin */
    int tiled = ci && (ci->tw > 1 || ci->th > 1) && ci->tx0 == im->x0 && ci->ty0 == im->y0 &&
                ci->tdx > 0 && ci->tdy > 0 && ci->tdx <= (uint32_t) INT32_MAX &&
                ci->tdy <= (uint32_t) INT32_MAX;
    if (tiled)
        st = vfx__simple_part(rd, jp->width, jp->height, VFX_ACCESS_RANDOM_TILES,
                              (int32_t) VFX__MIN((uint32_t) jp->width, ci->tdx),
                              (int32_t) VFX__MIN((uint32_t) jp->height, ci->tdy));
    else
        st = vfx__simple_part(rd, jp->width, jp->height, VFX_ACCESS_WHOLE_IMAGE, jp->width,
                              jp->height);
    if (st != VFX_OK)
        goto done;
    vfx_spec *sp = &rd->parts[0].spec;
    char names[1024];
    static const char *const base[] = { "", "Y", "Y,A", "R,G,B", "R,G,B,A" };
    snprintf(names, sizeof names, "%s", base[jp->n_ch < 4 ? jp->n_ch : 4]);
    for (int32_t i = 4; i < jp->n_ch; i++) {
        size_t k = strlen(names);
        snprintf(names + k, sizeof names - k, ",channel%d", i);
    }
    if ((st = vfx_channels_from_names(names, jp->type, &sp->channels)) != VFX_OK ||
        (st = vfx_attrs_new(&sp->attrs)) != VFX_OK)
        goto done;
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        vfx_attrs *a = sp->attrs;
        if ((st = vfx_attrs_set_string(a, "jpeg2000:streamformat",
                                       jp->codec == OPJ_CODEC_JP2 ? "jp2" : "j2k")) != VFX_OK ||
            (st = vfx_attrs_set_int(a, "oiio:BitsPerSample", maxprec)) != VFX_OK)
            goto done;
        if (tiled && ((st = vfx_attrs_set_int(a, "jpeg2000:tile_w", (int32_t) ci->tdx)) != VFX_OK ||
                      (st = vfx_attrs_set_int(a, "jpeg2000:tile_h", (int32_t) ci->tdy)) != VFX_OK))
            goto done;
        if (im->icc_profile_buf && im->icc_profile_len > 0 &&
            (st = vfx__set_blob(a, "ICCProfile", "icc", im->icc_profile_buf,
                           im->icc_profile_len)) != VFX_OK)
            goto done;
    }
done:
    if (ci)
        opj_destroy_cstr_info(&ci);
    decoder_close(c, s, im);
    return st;
}

static uint32_t
scale_value(int32_t v, const opj_image_comp_t *cp, uint32_t max)
{
    int64_t x = v;
    if (cp->sgnd)
        x += (int64_t) 1 << (cp->prec - 1);
    int64_t top = ((int64_t) 1 << cp->prec) - 1;
    if (x < 0)
        x = 0;
    if (x > top)
        x = top;
    if ((uint32_t) top == max)
        return (uint32_t) x;
    return (uint32_t) ((x * (int64_t) max + top / 2) / top);
}

static vfx_status
jp2_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    jp2_priv *jp = rd->priv;
    vfx_rect r = req->rect;
    jp2_io io;
    opj_codec_t *c;
    opj_stream_t *s;
    opj_image_t *im;
    VFX_TRY(decoder_open(rd, jp->codec, &io, &c, &s, &im));
    vfx_status st = VFX_OK;
    uint8_t *buf = NULL;
    uint32_t *xidx = NULL;
    if ((int32_t) im->numcomps != jp->n_ch) {
        st = vfx__fail(VFX_ERR_CORRUPT, "component count changed between reads");
        goto done;
    }
    if (!opj_set_decode_area(c, im, jp->x0 + r.x0, jp->y0 + r.y0, jp->x0 + r.x1, jp->y0 + r.y1) ||
        !opj_decode(c, s, im) || !opj_end_decompress(c, s)) {
        char what[96];
        snprintf(what, sizeof what, "rect %d,%d-%d,%d", r.x0, r.y0, r.x1, r.y1);
        st = opj_failure(&io, what);
        goto done;
    }
    /* after decoding, the palette / cdef may have changed the component list */
    if ((int32_t) im->numcomps != jp->n_ch) {
        st = vfx__fail(VFX_ERR_CORRUPT, "%u components decoded, %d announced", im->numcomps,
                       jp->n_ch);
        goto done;
    }
    for (uint32_t i = 0; i < im->numcomps; i++)
        if (!im->comps[i].data || im->comps[i].prec < 1 || im->comps[i].prec > 16 ||
            im->comps[i].dx < 1 || im->comps[i].dy < 1) {
            st = vfx__fail(VFX_ERR_CORRUPT, "component %u: no data", i);
            goto done;
        }
    int32_t w = r.x1 - r.x0, h = r.y1 - r.y0, nc = jp->n_ch;
    size_t ts = vfx_pixel_type_size(jp->type);
    uint32_t max = jp->type == VFX_PIXEL_U8 ? 255u : 65535u;
    buf = vfx__alloc((size_t) w * (size_t) h * (size_t) nc * ts);
    /* per component, the sample column of each output column (reference-grid position ->
     * component sample: floor division by dx, relative to the decoded area's origin) */
    xidx = vfx__alloc((size_t) w * (size_t) nc * sizeof *xidx);
    if (!buf || !xidx) {
        st = vfx__nomem();
        goto done;
    }
    for (int32_t k = 0; k < nc; k++) {
        const opj_image_comp_t *cp = &im->comps[k];
        for (int32_t x = 0; x < w; x++) {
            int64_t gx = (int64_t) jp->x0 + r.x0 + x;
            int64_t cx = gx / cp->dx - cp->x0;
            xidx[(size_t) k * (size_t) w + (size_t) x] =
                (uint32_t) (cx < 0 ? 0 : cx >= cp->w ? (int64_t) cp->w - 1 : cx);
        }
    }
    for (int32_t y = 0; y < h; y++) {
        const OPJ_INT32 *rows[64];
        for (int32_t k = 0; k < nc; k++) {
            const opj_image_comp_t *cp = &im->comps[k];
            int64_t gy = (int64_t) jp->y0 + r.y0 + y;
            int64_t cy = gy / cp->dy - cp->y0;
            cy = cy < 0 ? 0 : cy >= cp->h ? (int64_t) cp->h - 1 : cy;
            rows[k] = cp->data + (size_t) cy * cp->w;
        }
        for (int32_t x = 0; x < w; x++) {
            uint32_t v[64];
            for (int32_t k = 0; k < nc; k++) {
                int32_t raw = rows[k][xidx[(size_t) k * (size_t) w + (size_t) x]];
                if (jp->sycc && k < 3)
                    v[k] = (uint32_t) raw; /* converted below */
                else
                    v[k] = scale_value(raw, &im->comps[k], max);
            }
            if (jp->sycc) {
                const opj_image_comp_t *c0 = &im->comps[0];
                double off = (double) (1 << (c0->prec - 1)), top = (double) ((1 << c0->prec) - 1);
                double Y = (double) (int32_t) v[0], cb = (double) (int32_t) v[1] - off,
                       cr = (double) (int32_t) v[2] - off;
                double rgb[3] = { Y + 1.402 * cr, Y - 0.344136 * cb - 0.714136 * cr,
                                  Y + 1.772 * cb };
                for (int k = 0; k < 3; k++) {
                    double q = rgb[k] < 0 ? 0 : rgb[k] > top ? top : rgb[k];
                    v[k] = (uint32_t) (q * (double) max / top + 0.5);
                }
            }
            uint8_t *q = buf + ((size_t) y * (size_t) w + (size_t) x) * (size_t) nc * ts;
            for (int32_t k = 0; k < nc; k++) {
                if (ts == 1) {
                    q[k] = (uint8_t) v[k];
                } else {
                    uint16_t u = (uint16_t) v[k];
                    memcpy(q + (size_t) k * 2, &u, 2);
                }
            }
        }
    }
    vfx__rd_count_chunks(rd, 1);
    st = vfx__req_put_block(req, buf, jp->type, nc, r.x0, r.y0,
                            (size_t) w * (size_t) nc * ts);
done:
    vfx__free(buf);
    vfx__free(xidx);
    decoder_close(c, s, im);
    return st;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct jp2_enc {
    int32_t      n_ch, width, height;
    int          lossy;
    float        ratio;
    vfx_pixel_type type;
    OPJ_CODEC_FORMAT codec;
    opj_image_t *im;
    uint8_t     *row;
} jp2_enc;

static int
ext_is(const char *path, const char *ext)
{
    const char *d = strrchr(path, '.');
    return d && strcasecmp(d + 1, ext) == 0;
}

static vfx_status
jp2_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 64)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "JPEG 2000 writer stores 1 to 64 channels, not %d",
                         nc);
    int lossy = 0;
    if (wr->compression && strcmp(wr->compression, "lossy") == 0)
        lossy = 1;
    else if (wr->compression && strcmp(wr->compression, "lossless") != 0 &&
             strcmp(wr->compression, "none") != 0)
        return vfx__fail(VFX_ERR_ARG,
                         "compression \"%s\" (JPEG 2000 knows \"lossless\" and \"lossy\")",
                         wr->compression);
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if ((uint64_t) w * (uint64_t) h * (uint64_t) nc > ((uint64_t) 1 << 32))
        return vfx__fail(VFX_ERR_LIMIT, "image too large for the in-memory JPEG 2000 encoder");
    vfx_channel_info ch0;
    VFX_TRY(vfx_channels_get(wr->spec.channels, 0, &ch0));
    vfx_pixel_type t = wr->opt.pixel_type != VFX_PIXEL_UNKNOWN ? wr->opt.pixel_type : ch0.type;
    t = t == VFX_PIXEL_U8 ? VFX_PIXEL_U8 : VFX_PIXEL_U16;
    jp2_enc *je = vfx__calloc(1, sizeof *je);
    if (!je)
        return vfx__nomem();
    wr->priv = je;
    je->n_ch = nc;
    je->width = (int32_t) w;
    je->height = (int32_t) h;
    je->lossy = lossy;
    je->ratio = lossy ? (wr->opt.level > 1 ? (float) wr->opt.level : 20.0f) : 0.0f;
    je->type = t;
    je->codec = ext_is(wr->path, "j2k") || ext_is(wr->path, "j2c") || ext_is(wr->path, "jpc")
                    ? OPJ_CODEC_J2K
                    : OPJ_CODEC_JP2;
    opj_image_cmptparm_t cp[64];
    memset(cp, 0, sizeof cp);
    for (int32_t i = 0; i < nc; i++) {
        cp[i].dx = cp[i].dy = 1;
        cp[i].w = (OPJ_UINT32) w;
        cp[i].h = (OPJ_UINT32) h;
        cp[i].prec = t == VFX_PIXEL_U8 ? 8 : 16;
        cp[i].sgnd = 0;
    }
    je->im = opj_image_create((OPJ_UINT32) nc, cp,
                              nc >= 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
    je->row = vfx__alloc((size_t) w * (size_t) nc * 2);
    if (!je->im || !je->row)
        return vfx__nomem();
    je->im->x0 = je->im->y0 = 0;
    je->im->x1 = (OPJ_UINT32) w;
    je->im->y1 = (OPJ_UINT32) h;
    if (nc == 2 || nc == 4)
        je->im->comps[nc - 1].alpha = 1;
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, je->width, 32, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (je->height + 31) / 32 };
    return VFX_OK;
}

static vfx_status
jp2_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    jp2_enc *je = wr->priv;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, je->row, je->type, je->width, je->n_ch));
        size_t iy = (size_t) (y - wr->spec.data.y0);
        for (int32_t k = 0; k < je->n_ch; k++) {
            OPJ_INT32 *d = je->im->comps[k].data + iy * (size_t) je->width;
            if (je->type == VFX_PIXEL_U8) {
                for (int32_t x = 0; x < je->width; x++)
                    d[x] = je->row[(size_t) x * (size_t) je->n_ch + (size_t) k];
            } else {
                for (int32_t x = 0; x < je->width; x++) {
                    uint16_t u;
                    memcpy(&u, je->row + ((size_t) x * (size_t) je->n_ch + (size_t) k) * 2, 2);
                    d[x] = u;
                }
            }
        }
    }
    return VFX_OK;
}

static vfx_status
encode(vfx__wr *wr, jp2_enc *je)
{
    opj_cparameters_t par;
    opj_set_default_encoder_parameters(&par);
    par.tcp_numlayers = 1;
    par.cp_disto_alloc = 1;
    par.tcp_rates[0] = je->lossy ? je->ratio : 0.0f; /* 0 = lossless */
    par.irreversible = je->lossy;
    par.tcp_mct = je->n_ch >= 3 ? 1 : 0;
    int32_t tw = je->width, th = je->height;
    if (wr->opt.tile_w > 0 && wr->opt.tile_h > 0) {
        par.tile_size_on = OPJ_TRUE;
        par.cp_tdx = wr->opt.tile_w;
        par.cp_tdy = wr->opt.tile_h;
        tw = VFX__MIN(tw, wr->opt.tile_w);
        th = VFX__MIN(th, wr->opt.tile_h);
    }
    /* each resolution level halves the tile: keep the smallest level at least one pixel */
    int res = 6;
    while (res > 1 && ((tw >> (res - 1)) < 1 || (th >> (res - 1)) < 1))
        res--;
    par.numresolution = res;
    jp2_io io;
    memset(&io, 0, sizeof io);
    io.wr = wr;
    opj_codec_t *c = opj_create_compress(je->codec);
    opj_stream_t *s = stream_new(&io, 0);
    vfx_status st = VFX_OK;
    if (!c || !s) {
        st = vfx__nomem();
        goto done;
    }
    opj_set_error_handler(c, on_error, &io);
    opj_set_warning_handler(c, on_quiet, &io);
    opj_set_info_handler(c, on_quiet, &io);
    if (!opj_setup_encoder(c, &par, je->im) || !opj_start_compress(c, je->im, s) ||
        !opj_encode(c, s) || !opj_end_compress(c, s)) {
        st = io.werr != VFX_OK ? io.werr
                               : vfx__fail(VFX_ERR_INTERNAL, "encoder: %s",
                                           io.msg[0] ? io.msg : "OpenJPEG failed");
    }
done:
    if (s)
        opj_stream_destroy(s);
    if (c)
        opj_destroy_codec(c);
    return st;
}

static vfx_status
jp2_write_close(vfx__wr *wr, int failed)
{
    jp2_enc *je = wr->priv;
    if (!je)
        return VFX_OK;
    vfx_status st = VFX_OK;
    if (!failed && je->im)
        st = encode(wr, je);
    if (je->im)
        opj_image_destroy(je->im);
    vfx__free(je->row);
    vfx__free(je);
    wr->priv = NULL;
    return st;
}

const vfx_format vfx__fmt_jp2 = {
    .size = sizeof(vfx_format),
    .name = "jpeg2000",
    .tag = "jp2",
    .extensions = "jp2,j2k,j2c,jpc,jpx,jpf",
    .probe = jp2_probe,
    .open = jp2_open,
    .read_rect = jp2_read_rect,
    .close = jp2_close,
    .write_open = jp2_write_open,
    .write_rect = jp2_write_rect,
    .write_close = jp2_write_close,
    .description = "JPEG 2000 (OpenJPEG): J2K and JP2, 1-16 bit, tiled region reads, ICC",
    .write_notes = "u8/u16; 1-4+ channels; lossless (default) or lossy:RATIO; --tile for a tiled codestream; whole image held until close",
};
