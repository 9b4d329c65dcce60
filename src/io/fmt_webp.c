/* WebP through libwebp (decode / encode), libwebpdemux (container, animation) and libwebpmux
 * (writing the container with metadata).
 *
 * Reading. A still image gives "R,G,B" or "R,G,B,A" u8 (alpha when the file has any), lossy
 * and lossless alike. An animation gives one part per frame, each the full canvas as
 * libwebp's animation decoder composites it (blending and disposal applied), "R,G,B,A".
 * Frames are decoded in order by one decoder behind a mutex: asking for frame k continues the
 * decoder when k is at or after its position and restarts it otherwise.
 *
 * Access: VFX_ACCESS_WHOLE_IMAGE (see fmt_whole.h). open() reads the file into memory once
 * to parse the container and its metadata, and drops it; decoding reads it again.
 *
 * Metadata (docs/metadata.md): ICCP -> "ICCProfile", EXIF -> "exif" (+ parsed tags), XMP ->
 * "XMP"; "compression" = "lossy" / "lossless" (of the first frame); "UnassociatedAlpha" = 1
 * with alpha; "colorspace" = "sRGB"; animations: "webp:loop_count", per frame
 * "webp:duration" (ms).
 *
 * Writing: 1 to 4 channels (grey is stored as RGB), u8. The compression string picks the
 * coding: "webp" / "lossy" (default) or "lossless", with options ",method=0..6" (effort) and
 * ",exact" (keep the colour under transparent pixels; always on for lossless), ",near=0..100"
 * (near-lossless preprocessing); the level is the quality (default 90; for lossless the
 * effort, default 75). "ICCProfile", "exif" and "XMP" are written through the mux API.
 * libwebp encodes a whole picture, so the writer gathers the image and encodes it at close. */
#include <pthread.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "io/fmt_whole.h"

#define WEBP_MAX_FILE ((uint64_t) 1 << 32)

typedef struct webp_priv {
    pthread_mutex_t   lock;
    int32_t           width, height, n_frames, n_ch;
    int               animated;
    /* decoding state: the file bytes and the animation decoder, under the lock */
    const uint8_t    *data;
    size_t            size;
    uint8_t          *owned;
    WebPAnimDecoder  *anim;
    int32_t           anim_next; /* the frame the animation decoder returns next */
    uint8_t          *kept;      /* a frame decoded for partial reads */
    int32_t           kept_part;
} webp_priv;

static int
webp_probe(const uint8_t *head, size_t n)
{
    return n >= 12 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "WEBP", 4) == 0 ? 100
                                                                                        : 0;
}

static void
drop_data(webp_priv *wp)
{
    if (wp->anim)
        WebPAnimDecoderDelete(wp->anim);
    wp->anim = NULL;
    vfx__free(wp->owned);
    wp->owned = NULL;
    wp->data = NULL;
    wp->size = 0;
}

static void
webp_close(vfx__rd *rd)
{
    webp_priv *wp = rd->priv;
    if (!wp)
        return;
    drop_data(wp);
    vfx__free(wp->kept);
    pthread_mutex_destroy(&wp->lock);
    vfx__free(wp);
    rd->priv = NULL;
}

static vfx_status
chunk_attrs(WebPDemuxer *dmx, vfx_attrs *a)
{
    WebPChunkIterator ci;
    if (WebPDemuxGetChunk(dmx, "ICCP", 1, &ci)) {
        vfx_status s = vfx__set_blob(a, "ICCProfile", "icc", ci.chunk.bytes, ci.chunk.size);
        WebPDemuxReleaseChunkIterator(&ci);
        VFX_TRY(s);
    }
    if (WebPDemuxGetChunk(dmx, "EXIF", 1, &ci)) {
        const uint8_t *p = ci.chunk.bytes;
        size_t n = ci.chunk.size;
        if (n > 6 && memcmp(p, "Exif\0\0", 6) == 0) { /* some writers keep JPEG's prefix */
            p += 6;
            n -= 6;
        }
        vfx_status s = n > 0 ? vfx__set_blob(a, "exif", "exif", p, n) : VFX_OK;
        if (s == VFX_OK)
            s = vfx__exif_parse(p, n, a);
        WebPDemuxReleaseChunkIterator(&ci);
        VFX_TRY(s);
    }
    if (WebPDemuxGetChunk(dmx, "XMP ", 1, &ci)) {
        char *x = vfx__alloc(ci.chunk.size + 1);
        vfx_status s = VFX_OK;
        if (!x) {
            s = vfx__nomem();
        } else {
            memcpy(x, ci.chunk.bytes, ci.chunk.size);
            x[ci.chunk.size] = 0;
            s = vfx_attrs_set_string(a, "XMP", x);
            vfx__free(x);
        }
        WebPDemuxReleaseChunkIterator(&ci);
        VFX_TRY(s);
    }
    return VFX_OK;
}

/* Parse the container: size, frames, metadata. Called with the whole file in wp->data. */
static vfx_status
parse(vfx__rd *rd, webp_priv *wp)
{
    WebPData d = { wp->data, wp->size };
    WebPDemuxState st;
    WebPDemuxer *dmx = WebPDemuxPartial(&d, &st);
    if (!dmx || st != WEBP_DEMUX_DONE) {
        if (dmx)
            WebPDemuxDelete(dmx);
        return vfx__fail(VFX_ERR_CORRUPT, "%s",
                         st == WEBP_DEMUX_PARSE_ERROR || !dmx ? "not a valid WebP container"
                                                              : "file is truncated");
    }
    vfx_status s = VFX_OK;
    uint32_t flags = WebPDemuxGetI(dmx, WEBP_FF_FORMAT_FLAGS);
    wp->width = (int32_t) WebPDemuxGetI(dmx, WEBP_FF_CANVAS_WIDTH);
    wp->height = (int32_t) WebPDemuxGetI(dmx, WEBP_FF_CANVAS_HEIGHT);
    wp->n_frames = (int32_t) WebPDemuxGetI(dmx, WEBP_FF_FRAME_COUNT);
    wp->animated = (flags & ANIMATION_FLAG) != 0;
    WebPIterator it;
    memset(&it, 0, sizeof it);
    int have_frame = WebPDemuxGetFrame(dmx, 1, &it);
    if (!have_frame || wp->n_frames < 1)
        s = vfx__fail(VFX_ERR_CORRUPT, "no image in the file");
    if (s == VFX_OK)
        s = vfx__check_size(rd, wp->width, wp->height);
    if (s == VFX_OK && wp->n_frames > 100000)
        s = vfx__fail(VFX_ERR_LIMIT, "%d frames", (int) wp->n_frames);
    int lossless = 0;
    if (s == VFX_OK) {
        WebPBitstreamFeatures f;
        if (WebPGetFeatures(it.fragment.bytes, it.fragment.size, &f) != VP8_STATUS_OK)
            s = vfx__fail(VFX_ERR_CORRUPT, "damaged frame header");
        lossless = f.format == 2;
        wp->n_ch = wp->animated || it.has_alpha || (flags & ALPHA_FLAG) ? 4 : 3;
    }
    if (s == VFX_OK)
        s = vfx__rd_alloc_parts(rd, wp->animated ? wp->n_frames : 1);
    for (int32_t k = 0; s == VFX_OK && k < rd->n_parts; k++) {
        vfx__part *p = &rd->parts[k];
        p->spec.data = p->spec.display = (vfx_rect){ 0, 0, wp->width, wp->height };
        p->n_levels_x = p->n_levels_y = 1;
        s = vfx__part_one_level(p, p->spec.data, VFX_ACCESS_WHOLE_IMAGE, wp->width, wp->height);
        if (s == VFX_OK)
            s = vfx_channels_from_names(wp->n_ch == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_U8,
                                        &p->spec.channels);
        if (s == VFX_OK)
            s = vfx_attrs_new(&p->spec.attrs);
        if (s != VFX_OK || (rd->flags & VFX_READ_NO_METADATA))
            continue;
        vfx_attrs *a = p->spec.attrs;
        s = vfx_attrs_set_string(a, "compression", lossless ? "lossless" : "lossy");
        if (s == VFX_OK)
            s = vfx_attrs_set_string(a, "colorspace", "sRGB");
        if (s == VFX_OK && wp->n_ch == 4)
            s = vfx_attrs_set_int(a, "UnassociatedAlpha", 1);
        if (s == VFX_OK && wp->animated) {
            WebPIterator fi;
            if (WebPDemuxGetFrame(dmx, k + 1, &fi)) {
                s = vfx_attrs_set_int(a, "webp:duration", fi.duration);
                WebPDemuxReleaseIterator(&fi);
            }
            if (s == VFX_OK)
                s = vfx_attrs_set_int(a, "webp:loop_count",
                                      (int32_t) WebPDemuxGetI(dmx, WEBP_FF_LOOP_COUNT));
        }
        if (s == VFX_OK)
            s = chunk_attrs(dmx, a);
    }
    if (have_frame)
        WebPDemuxReleaseIterator(&it);
    WebPDemuxDelete(dmx);
    return s;
}

static vfx_status
webp_open(vfx__rd *rd)
{
    webp_priv *wp = vfx__calloc(1, sizeof *wp);
    if (!wp)
        return vfx__nomem();
    if (pthread_mutex_init(&wp->lock, NULL) != 0) {
        vfx__free(wp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    wp->kept_part = -1;
    rd->priv = wp;
    VFX_TRY(vfx__rd_slurp(rd, WEBP_MAX_FILE, &wp->data, &wp->size, &wp->owned));
    vfx_status s = parse(rd, wp);
    drop_data(wp); /* open() stays cheap in memory: decoding reads the file again */
    return s;
}

/* Decode part @p part into @p dst (width x height x n_ch u8). Lock held, data loaded. */
static vfx_status
decode_into(webp_priv *wp, int32_t part, uint8_t *dst)
{
    size_t stride = (size_t) wp->width * (size_t) wp->n_ch, total = stride * (size_t) wp->height;
    if (!wp->animated) {
        uint8_t *r = wp->n_ch == 4
                         ? WebPDecodeRGBAInto(wp->data, wp->size, dst, total, (int) stride)
                         : WebPDecodeRGBInto(wp->data, wp->size, dst, total, (int) stride);
        return r ? VFX_OK : vfx__fail(VFX_ERR_CORRUPT, "image data is damaged or truncated");
    }
    if (!wp->anim || part < wp->anim_next) {
        if (wp->anim)
            WebPAnimDecoderDelete(wp->anim);
        WebPAnimDecoderOptions o;
        if (!WebPAnimDecoderOptionsInit(&o))
            return vfx__fail(VFX_ERR_INTERNAL, "libwebp version mismatch");
        o.color_mode = MODE_RGBA;
        o.use_threads = 0;
        WebPData d = { wp->data, wp->size };
        wp->anim = WebPAnimDecoderNew(&d, &o);
        wp->anim_next = 0;
        if (!wp->anim)
            return vfx__fail(VFX_ERR_CORRUPT, "animation is damaged");
    }
    while (wp->anim_next <= part) {
        uint8_t *buf = NULL;
        int ts = 0;
        if (!WebPAnimDecoderGetNext(wp->anim, &buf, &ts)) {
            WebPAnimDecoderDelete(wp->anim);
            wp->anim = NULL;
            return vfx__fail(VFX_ERR_CORRUPT, "frame %d is damaged or truncated",
                             (int) wp->anim_next);
        }
        if (wp->anim_next == part)
            memcpy(dst, buf, total);
        wp->anim_next++;
    }
    return VFX_OK;
}

static vfx_status
read_locked(vfx__rd *rd, webp_priv *wp, const vfx__read_req *req)
{
    size_t stride = (size_t) wp->width * (size_t) wp->n_ch;
    if (wp->kept && wp->kept_part == req->part)
        return vfx__req_put_block(req, wp->kept, VFX_PIXEL_U8, wp->n_ch, 0, 0, stride);
    if (!wp->data)
        VFX_TRY(vfx__rd_slurp(rd, WEBP_MAX_FILE, &wp->data, &wp->size, &wp->owned));
    uint8_t *img = vfx__alloc(stride * (size_t) wp->height);
    if (!img)
        return vfx__nomem();
    vfx_status s = decode_into(wp, req->part, img);
    if (s == VFX_OK) {
        vfx__rd_count_chunks(rd, 1);
        s = vfx__req_put_block(req, img, VFX_PIXEL_U8, wp->n_ch, 0, 0, stride);
    }
    int whole = req->rect.x0 == 0 && req->rect.y0 == 0 && req->rect.x1 == wp->width &&
                req->rect.y1 == wp->height;
    if (s == VFX_OK && !whole) { /* a caller reading by strips: keep this frame */
        vfx__free(wp->kept);
        wp->kept = img;
        wp->kept_part = req->part;
        img = NULL;
    }
    vfx__free(img);
    /* a still image or the last frame: the file bytes are no longer needed */
    if (!wp->animated || wp->anim_next >= wp->n_frames)
        drop_data(wp);
    return s;
}

static vfx_status
webp_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    webp_priv *wp = rd->priv;
    pthread_mutex_lock(&wp->lock);
    vfx_status s = read_locked(rd, wp, req);
    pthread_mutex_unlock(&wp->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct webp_enc {
    vfx__whole_buf img;
    int            lossless, method, exact, near, quality;
} webp_enc;

static vfx_status
webp_write_close(vfx__wr *wr, int failed);

static vfx_status
webp_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "WebP stores 1 to 4 channels, not %d", nc);
    if (wr->opt.pixel_type != VFX_PIXEL_UNKNOWN && wr->opt.pixel_type != VFX_PIXEL_U8)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "WebP stores u8 only, not %s",
                         vfx_pixel_type_name(wr->opt.pixel_type));
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "WebP cannot be tiled");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > WEBP_MAX_DIMENSION || h > WEBP_MAX_DIMENSION)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "WebP is limited to %d x %d", WEBP_MAX_DIMENSION,
                         WEBP_MAX_DIMENSION);
    const char *comp = wr->compression;
    VFX_TRY(vfx__codec_check(comp, "webp,lossy,lossless", "method,exact,near"));
    char name[32];
    vfx__codec_name(comp, name, sizeof name);
    webp_enc *we = vfx__calloc(1, sizeof *we);
    if (!we)
        return vfx__nomem();
    wr->priv = we;
    we->lossless = strcmp(name, "lossless") == 0;
    we->method = 4;
    we->near = 100;
    char val[8];
    we->exact = we->lossless || vfx__codec_opt(comp, "exact", val, sizeof val);
    vfx_status s = vfx__codec_opt_int(comp, "method", 0, 6, &we->method);
    if (s == VFX_OK)
        s = vfx__codec_opt_int(comp, "near", 0, 100, &we->near);
    we->quality = wr->opt.level >= 0 ? VFX__MIN(wr->opt.level, 100) : we->lossless ? 75 : 90;
    if (s == VFX_OK)
        s = vfx__whole_buf_init(&we->img, wr, VFX_PIXEL_U8);
    if (s != VFX_OK) {
        webp_write_close(wr, 1);
        return s;
    }
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, (int32_t) w, 64, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 63) / 64) };
    return VFX_OK;
}

static vfx_status
webp_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    webp_enc *we = wr->priv;
    return vfx__whole_buf_put(&we->img, wr, rect, type, src, x_stride, y_stride);
}

static const char *
enc_error(WebPEncodingError e)
{
    switch (e) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "out of memory";
    case VP8_ENC_ERROR_BAD_DIMENSION: return "bad dimensions";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "partition overflow (try a lower quality)";
    case VP8_ENC_ERROR_FILE_TOO_BIG: return "file too big";
    default: return "encoder error";
    }
}

/* Encode the gathered image; the bitstream lands in *out (WebPMemoryWriter). */
static vfx_status
encode(webp_enc *we, WebPMemoryWriter *out)
{
    WebPConfig cfg;
    WebPPicture pic;
    if (!WebPConfigInit(&cfg) || !WebPPictureInit(&pic))
        return vfx__fail(VFX_ERR_INTERNAL, "libwebp version mismatch");
    cfg.lossless = we->lossless;
    cfg.quality = (float) we->quality;
    cfg.method = we->method;
    cfg.exact = we->exact;
    if (we->near < 100) {
        cfg.lossless = 1;
        cfg.near_lossless = we->near;
    }
    if (!WebPValidateConfig(&cfg))
        return vfx__fail(VFX_ERR_ARG, "invalid WebP encoder settings");
    pic.use_argb = 1;
    pic.width = we->img.width;
    pic.height = we->img.height;
    int32_t nc = we->img.n_ch, w = we->img.width, h = we->img.height;
    const uint8_t *px = we->img.pix;
    uint8_t *rgb = NULL;
    if (nc <= 2) { /* grey (+ alpha) as RGB(A) */
        rgb = vfx__alloc((size_t) w * (size_t) h * (size_t) (nc + 2));
        if (!rgb)
            return vfx__nomem();
        size_t n = (size_t) w * (size_t) h;
        for (size_t i = 0; i < n; i++) {
            uint8_t *q = rgb + i * (size_t) (nc + 2);
            q[0] = q[1] = q[2] = px[i * (size_t) nc];
            if (nc == 2)
                q[3] = px[i * 2 + 1];
        }
        px = rgb;
        nc += 2;
    }
    int ok = nc == 4 ? WebPPictureImportRGBA(&pic, px, w * 4)
                     : WebPPictureImportRGB(&pic, px, w * 3);
    vfx__free(rgb);
    if (!ok) {
        WebPPictureFree(&pic);
        return vfx__nomem();
    }
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = out;
    ok = WebPEncode(&cfg, &pic);
    WebPEncodingError err = pic.error_code;
    WebPPictureFree(&pic);
    if (!ok)
        return err == VP8_ENC_ERROR_OUT_OF_MEMORY ? vfx__nomem()
                                                   : vfx__fail(VFX_ERR_INTERNAL, "encoding: %s",
                                                               enc_error(err));
    return VFX_OK;
}

/* Wrap the bitstream with the metadata chunks and write the file. */
static vfx_status
mux_and_write(vfx__wr *wr, const WebPMemoryWriter *bits)
{
    const vfx_attr_value *icc = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB);
    const vfx_attr_value *exif = vfx__wr_attr(wr, "exif", VFX_ATTR_BLOB);
    const vfx_attr_value *xmp = vfx__wr_attr(wr, "XMP", VFX_ATTR_STRING);
    if (!icc && !exif && !xmp)
        return vfx__wr_write(wr, bits->mem, bits->size, 0);
    WebPMux *mux = WebPMuxNew();
    if (!mux)
        return vfx__nomem();
    WebPData img = { bits->mem, bits->size }, out = { NULL, 0 };
    WebPMuxError e = WebPMuxSetImage(mux, &img, 0);
    if (e == WEBP_MUX_OK && icc && icc->u.blob.size > 0) {
        WebPData d = { icc->u.blob.data, icc->u.blob.size };
        e = WebPMuxSetChunk(mux, "ICCP", &d, 0);
    }
    if (e == WEBP_MUX_OK && exif && exif->u.blob.size > 0) {
        WebPData d = { exif->u.blob.data, exif->u.blob.size };
        e = WebPMuxSetChunk(mux, "EXIF", &d, 0);
    }
    if (e == WEBP_MUX_OK && xmp && xmp->u.s[0]) {
        WebPData d = { (const uint8_t *) xmp->u.s, strlen(xmp->u.s) };
        e = WebPMuxSetChunk(mux, "XMP ", &d, 0);
    }
    if (e == WEBP_MUX_OK)
        e = WebPMuxAssemble(mux, &out);
    WebPMuxDelete(mux);
    vfx_status s = e == WEBP_MUX_OK ? vfx__wr_write(wr, out.bytes, out.size, 0)
                   : e == WEBP_MUX_MEMORY_ERROR
                       ? vfx__nomem()
                       : vfx__fail(VFX_ERR_INTERNAL, "mux error %d", (int) e);
    WebPDataClear(&out);
    return s;
}

static vfx_status
webp_write_close(vfx__wr *wr, int failed)
{
    webp_enc *we = wr->priv;
    if (!we)
        return VFX_OK;
    vfx_status s = VFX_OK;
    if (!failed) {
        WebPMemoryWriter mw;
        WebPMemoryWriterInit(&mw);
        s = encode(we, &mw);
        if (s == VFX_OK)
            s = mux_and_write(wr, &mw);
        WebPMemoryWriterClear(&mw);
    }
    vfx__whole_buf_free(&we->img);
    vfx__free(we);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_webp = {
    .size = sizeof(vfx_format),
    .name = "webp",
    .tag = "webp",
    .extensions = "webp",
    .probe = webp_probe,
    .open = webp_open,
    .read_rect = webp_read_rect,
    .close = webp_close,
    .write_open = webp_write_open,
    .write_rect = webp_write_rect,
    .write_close = webp_write_close,
    .description = "WebP (libwebp): lossy and lossless, alpha, ICC/EXIF/XMP, animation frames as subimages",
    .write_notes = "u8; 1-4 channels; lossy QUALITY (--compression webp:90) or lossless (lossless,method=6)",
};
