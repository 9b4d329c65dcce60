/* AVIF through libavif (0.11: decoding with dav1d / libgav1 / aom, encoding with aom, rav1e or
 * SVT-AV1, as Debian 12 builds it).
 *
 * Reading. "R,G,B" or "R,G,B,A", u8 for 8-bit files and u16 for 10- and 12-bit ones (scaled
 * to the full 16-bit range by libavif's YUV -> RGB conversion, as avifdec writes 16-bit PNG;
 * "BitsPerSample" says 10 or 12). 4:4:4, 4:2:2, 4:2:0 and 4:0:0 are upsampled by libavif
 * with its default filter (the same as avifdec). Image sequences give one part per frame.
 * Alpha is returned as stored ("UnassociatedAlpha" = 1 unless the file says premultiplied).
 * Transformations (irot, imir, clap) are not applied, as avifdec does not.
 *
 * Access: VFX_ACCESS_WHOLE_IMAGE (see fmt_whole.h). open() parses the container from the
 * file in memory and drops the bytes; decoding reads them again.
 *
 * Metadata (docs/metadata.md): "CICP" (int vector: primaries, transfer, matrix, full range;
 * e.g. 9, 16, 9, 0 for BT.2100 PQ, 9, 18, 9, 0 for HLG), "ICCProfile", "exif" (+ parsed tags),
 * "XMP", "avif:subsampling" ("4:4:4", "4:2:2", "4:2:0", "4:0:0"), "BitsPerSample",
 * "colorspace" = "sRGB" for sRGB CICP, and the HDR boxes "CLLI" / "MDCV" (fmt_whole.h).
 *
 * Writing: 1 to 4 channels (grey as 4:0:0), any input type. The compression string:
 * "avif" (libavif's encoder choice: aom here) or an encoder name "aom", "rav1e", "svt",
 * with ",speed=0..10" (default 6), ",sub=444|422|420|400" (default 444), ",bits=8|10|12",
 * ",range=full|limited" and ",lossless"; the level is the quality 0..100 (default 80), mapped
 * linearly to AV1 quantizers 63..0; quality 100 or ",lossless" is lossless (quantizer 0,
 * identity matrix, 4:4:4, full range; exact for 8-bit input). Bit depth: ",bits=", else
 * "BitsPerSample" 10 / 12 of the spec, else 8 for u8 data and 10 otherwise. "CICP" sets
 * primaries / transfer / matrix / range (default 1, 13, 6, full: sRGB, BT.601 matrix);
 * "ICCProfile", "exif" and "XMP" are written. libavif 0.11 cannot write clli / mdcv boxes. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <avif/avif.h>

#include "io/fmt_whole.h"

#define AVIF_MAX_FILE ((uint64_t) 1 << 32)

typedef struct avif_priv {
    pthread_mutex_t lock; /* guards kept */
    int32_t  width, height, n_ch, n_frames;
    int      depth;
    uint8_t *kept; /* a frame decoded for partial reads */
    int32_t  kept_part;
} avif_priv;

static int
avif_probe(const uint8_t *head, size_t n)
{
    if (vfx__ftyp_major(head, n, "avif") || vfx__ftyp_major(head, n, "avis"))
        return 100;
    return vfx__ftyp_has_brand(head, n, "avif") || vfx__ftyp_has_brand(head, n, "avis") ? 90 : 0;
}

static vfx_status
avif_err(avifResult r, const avifDiagnostics *diag, const char *what)
{
    if (r == AVIF_RESULT_OUT_OF_MEMORY)
        return vfx__nomem();
    vfx_status s = r == AVIF_RESULT_NO_CODEC_AVAILABLE || r == AVIF_RESULT_NOT_IMPLEMENTED
                       ? VFX_ERR_UNSUPPORTED
                   : r == AVIF_RESULT_INVALID_ARGUMENT ? VFX_ERR_ARG
                                                       : VFX_ERR_CORRUPT;
    if (r == AVIF_RESULT_TRUNCATED_DATA)
        return vfx__fail(s, "%s: file is truncated", what);
    if (diag && diag->error[0])
        return vfx__fail(s, "%s: %s (%s)", what, avifResultToString(r), diag->error);
    return vfx__fail(s, "%s: %s", what, avifResultToString(r));
}

static void
avif_close(vfx__rd *rd)
{
    avif_priv *ap = rd->priv;
    if (!ap)
        return;
    vfx__free(ap->kept);
    pthread_mutex_destroy(&ap->lock);
    vfx__free(ap);
    rd->priv = NULL;
}

static avifDecoder *
new_decoder(const vfx__rd *rd)
{
    avifDecoder *d = avifDecoderCreate();
    if (!d)
        return NULL;
    d->maxThreads = 2;
    if (rd->max_pixels > 0) /* libavif's own limit is 16384 x 16384 */
        d->imageSizeLimit =
            (uint32_t) VFX__MIN(rd->max_pixels, (int64_t) AVIF_DEFAULT_IMAGE_SIZE_LIMIT);
    d->imageCountLimit = 100000;
    d->strictFlags = AVIF_STRICT_DISABLED; /* files from common encoders miss e.g. pixi */
    return d;
}

static const char *
subsampling_name(avifPixelFormat f)
{
    switch (f) {
    case AVIF_PIXEL_FORMAT_YUV444: return "4:4:4";
    case AVIF_PIXEL_FORMAT_YUV422: return "4:2:2";
    case AVIF_PIXEL_FORMAT_YUV420: return "4:2:0";
    case AVIF_PIXEL_FORMAT_YUV400: return "4:0:0";
    default: return NULL;
    }
}

static vfx_status
set_attrs(const avifDecoder *d, const uint8_t *data, size_t size, vfx_attrs *a)
{
    const avifImage *im = d->image;
    VFX_TRY(vfx_attrs_set_int(a, "BitsPerSample", (int32_t) im->depth));
    const char *sub = subsampling_name(im->yuvFormat);
    if (sub)
        VFX_TRY(vfx_attrs_set_string(a, "avif:subsampling", sub));
    int32_t cicp[4] = { im->colorPrimaries, im->transferCharacteristics, im->matrixCoefficients,
                        im->yuvRange == AVIF_RANGE_FULL };
    vfx_attr_value v;
    v.type = VFX_ATTR_INT_VEC;
    v.u.iv.p = cicp;
    v.u.iv.n = 4;
    VFX_TRY(vfx_attrs_set(a, "CICP", &v));
    if ((cicp[0] == 1 || cicp[0] == 2) && cicp[1] == 13 && im->icc.size == 0)
        VFX_TRY(vfx_attrs_set_string(a, "colorspace", "sRGB"));
    if (d->alphaPresent)
        VFX_TRY(vfx_attrs_set_int(a, im->alphaPremultiplied ? "avif:alphaPremultiplied"
                                                            : "UnassociatedAlpha",
                                  1));
    if (im->icc.size > 0)
        VFX_TRY(vfx__set_blob(a, "ICCProfile", "icc", im->icc.data, im->icc.size));
    size_t n = 0;
    const uint8_t *t = vfx__exif_tiff_start(im->exif.data, im->exif.size, &n);
    if (t) {
        VFX_TRY(vfx__set_blob(a, "exif", "exif", t, n));
        VFX_TRY(vfx__exif_parse(t, n, a));
    }
    if (im->xmp.size > 0 && im->xmp.size < ((size_t) 1 << 30)) {
        char *x = vfx__alloc(im->xmp.size + 1);
        if (!x)
            return vfx__nomem();
        memcpy(x, im->xmp.data, im->xmp.size);
        x[im->xmp.size] = 0;
        vfx_status s = vfx_attrs_set_string(a, "XMP", x);
        vfx__free(x);
        VFX_TRY(s);
    }
    vfx__hdr_boxes hb;
    vfx__isobmff_hdr_boxes(data, size, &hb);
    return vfx__hdr_boxes_attrs(&hb, a);
}

static vfx_status
parse(vfx__rd *rd, avif_priv *ap, const uint8_t *data, size_t size)
{
    avifDecoder *d = new_decoder(rd);
    if (!d)
        return vfx__nomem();
    vfx_status s = VFX_OK;
    avifResult r = avifDecoderSetIOMemory(d, data, size);
    if (r == AVIF_RESULT_OK)
        r = avifDecoderParse(d);
    if (r != AVIF_RESULT_OK)
        s = avif_err(r, &d->diag, "header");
    if (s == VFX_OK) {
        ap->width = (int32_t) d->image->width;
        ap->height = (int32_t) d->image->height;
        ap->depth = (int) d->image->depth;
        ap->n_ch = d->alphaPresent ? 4 : 3;
        ap->n_frames = d->imageCount;
        s = vfx__check_size(rd, ap->width, ap->height);
        if (s == VFX_OK && ap->depth != 8 && ap->depth != 10 && ap->depth != 12)
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "bit depth %d", ap->depth);
        if (s == VFX_OK && ap->n_frames < 1)
            s = vfx__fail(VFX_ERR_CORRUPT, "no image in the file");
    }
    if (s == VFX_OK)
        s = vfx__rd_alloc_parts(rd, ap->n_frames);
    for (int32_t k = 0; s == VFX_OK && k < rd->n_parts; k++) {
        vfx__part *p = &rd->parts[k];
        p->spec.data = p->spec.display = (vfx_rect){ 0, 0, ap->width, ap->height };
        p->n_levels_x = p->n_levels_y = 1;
        s = vfx__part_one_level(p, p->spec.data, VFX_ACCESS_WHOLE_IMAGE, ap->width, ap->height);
        if (s == VFX_OK)
            s = vfx_channels_from_names(ap->n_ch == 4 ? "R,G,B,A" : "R,G,B",
                                        ap->depth > 8 ? VFX_PIXEL_U16 : VFX_PIXEL_U8,
                                        &p->spec.channels);
        if (s == VFX_OK)
            s = vfx_attrs_new(&p->spec.attrs);
        if (s == VFX_OK && !(rd->flags & VFX_READ_NO_METADATA))
            s = set_attrs(d, data, size, p->spec.attrs);
    }
    avifDecoderDestroy(d);
    return s;
}

static vfx_status
avif_open(vfx__rd *rd)
{
    avif_priv *ap = vfx__calloc(1, sizeof *ap);
    if (!ap)
        return vfx__nomem();
    if (pthread_mutex_init(&ap->lock, NULL) != 0) {
        vfx__free(ap);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    ap->kept_part = -1;
    rd->priv = ap;
    const uint8_t *data;
    size_t size;
    uint8_t *owned;
    VFX_TRY(vfx__rd_slurp(rd, AVIF_MAX_FILE, &data, &size, &owned));
    vfx_status s = parse(rd, ap, data, size);
    vfx__free(owned);
    return s;
}

/* Decode frame @p part into @p dst (width x height x n_ch of u8 or u16). */
static vfx_status
decode_into(vfx__rd *rd, avif_priv *ap, int32_t part, uint8_t *dst, size_t stride)
{
    const uint8_t *data;
    size_t size;
    uint8_t *owned;
    VFX_TRY(vfx__rd_slurp(rd, AVIF_MAX_FILE, &data, &size, &owned));
    avifDecoder *d = new_decoder(rd);
    if (!d) {
        vfx__free(owned);
        return vfx__nomem();
    }
    d->ignoreExif = d->ignoreXMP = AVIF_TRUE;
    vfx_status s = VFX_OK;
    avifResult r = avifDecoderSetIOMemory(d, data, size);
    if (r == AVIF_RESULT_OK)
        r = avifDecoderParse(d);
    if (r == AVIF_RESULT_OK)
        r = avifDecoderNthImage(d, (uint32_t) part);
    if (r != AVIF_RESULT_OK)
        s = avif_err(r, &d->diag, part ? "frame" : "image");
    if (s == VFX_OK && ((int32_t) d->image->width != ap->width ||
                        (int32_t) d->image->height != ap->height ||
                        (d->image->alphaPlane != NULL) != (ap->n_ch == 4)))
        s = vfx__fail(VFX_ERR_CORRUPT, "frame %d differs from the header", (int) part);
    if (s == VFX_OK) {
        avifRGBImage rgb;
        avifRGBImageSetDefaults(&rgb, d->image);
        rgb.format = ap->n_ch == 4 ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
        rgb.depth = ap->depth > 8 ? 16 : 8;
        rgb.pixels = dst;
        rgb.rowBytes = (uint32_t) stride;
        r = avifImageYUVToRGB(d->image, &rgb);
        if (r != AVIF_RESULT_OK)
            s = avif_err(r, NULL, "YUV to RGB");
    }
    avifDecoderDestroy(d);
    vfx__free(owned);
    return s;
}

static vfx_status
read_locked(vfx__rd *rd, avif_priv *ap, const vfx__read_req *req)
{
    vfx_pixel_type t = ap->depth > 8 ? VFX_PIXEL_U16 : VFX_PIXEL_U8;
    size_t stride = (size_t) ap->width * (size_t) ap->n_ch * vfx_pixel_type_size(t);
    if (ap->kept && ap->kept_part == req->part)
        return vfx__req_put_block(req, ap->kept, t, ap->n_ch, 0, 0, stride);
    if (stride > UINT32_MAX)
        return vfx__fail(VFX_ERR_LIMIT, "rows too long");
    uint8_t *img = vfx__alloc(stride * (size_t) ap->height);
    if (!img)
        return vfx__nomem();
    vfx_status s = decode_into(rd, ap, req->part, img, stride);
    if (s == VFX_OK) {
        vfx__rd_count_chunks(rd, 1);
        s = vfx__req_put_block(req, img, t, ap->n_ch, 0, 0, stride);
    }
    int whole = req->rect.x0 == 0 && req->rect.y0 == 0 && req->rect.x1 == ap->width &&
                req->rect.y1 == ap->height;
    if (s == VFX_OK && !whole) {
        vfx__free(ap->kept);
        ap->kept = img;
        ap->kept_part = req->part;
        img = NULL;
    }
    vfx__free(img);
    return s;
}

static vfx_status
avif_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    avif_priv *ap = rd->priv;
    pthread_mutex_lock(&ap->lock);
    vfx_status s = read_locked(rd, ap, req);
    pthread_mutex_unlock(&ap->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct avif_enc {
    vfx__whole_buf   img; /* u16 (0..65535), all channels */
    avifCodecChoice  codec;
    int              speed, quality, lossless, bits;
    avifPixelFormat  yuv;
    avifRange        range;
    int              range_set;
} avif_enc;

static vfx_status
avif_write_close(vfx__wr *wr, int failed);

static vfx_status
gather(vfx__wr *wr, avif_enc *ae)
{
    const char *comp = wr->compression;
    VFX_TRY(vfx__codec_check(comp, "avif,aom,rav1e,svt", "speed,sub,bits,range,lossless"));
    char name[32], val[32];
    vfx__codec_name(comp, name, sizeof name);
    ae->codec = AVIF_CODEC_CHOICE_AUTO;
    if (name[0] && strcmp(name, "avif") != 0) {
        ae->codec = avifCodecChoiceFromName(name);
        if (ae->codec == AVIF_CODEC_CHOICE_AUTO ||
            !avifCodecName(ae->codec, AVIF_CODEC_FLAG_CAN_ENCODE))
            return vfx__fail(VFX_ERR_UNSUPPORTED, "libavif has no AV1 encoder \"%s\"", name);
    } else if (!avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_ENCODE)) {
        return vfx__fail(VFX_ERR_UNSUPPORTED, "libavif was built without an AV1 encoder");
    }
    ae->speed = 6;
    VFX_TRY(vfx__codec_opt_int(comp, "speed", 0, 10, &ae->speed));
    ae->quality = wr->opt.level >= 0 ? VFX__MIN(wr->opt.level, 100) : 80;
    ae->lossless = ae->quality == 100 || vfx__codec_opt(comp, "lossless", val, sizeof val);
    ae->yuv = AVIF_PIXEL_FORMAT_YUV444;
    if (vfx__codec_opt(comp, "sub", val, sizeof val)) {
        if (!strcmp(val, "444"))
            ae->yuv = AVIF_PIXEL_FORMAT_YUV444;
        else if (!strcmp(val, "422"))
            ae->yuv = AVIF_PIXEL_FORMAT_YUV422;
        else if (!strcmp(val, "420"))
            ae->yuv = AVIF_PIXEL_FORMAT_YUV420;
        else if (!strcmp(val, "400"))
            ae->yuv = AVIF_PIXEL_FORMAT_YUV400;
        else
            return vfx__fail(VFX_ERR_ARG, "compression option sub=%s (444, 422, 420, 400)", val);
    }
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc <= 2)
        ae->yuv = AVIF_PIXEL_FORMAT_YUV400;
    ae->range = AVIF_RANGE_FULL;
    if (vfx__codec_opt(comp, "range", val, sizeof val)) {
        if (strcmp(val, "full") != 0 && strcmp(val, "limited") != 0)
            return vfx__fail(VFX_ERR_ARG, "compression option range=%s (full, limited)", val);
        ae->range = strcmp(val, "full") == 0 ? AVIF_RANGE_FULL : AVIF_RANGE_LIMITED;
        ae->range_set = 1;
    }
    vfx_channel_info ci;
    VFX_TRY(vfx_channels_get(wr->spec.channels, 0, &ci));
    vfx_pixel_type t = wr->opt.pixel_type != VFX_PIXEL_UNKNOWN ? wr->opt.pixel_type : ci.type;
    const vfx_attr_value *bps = vfx__wr_attr(wr, "BitsPerSample", VFX_ATTR_INT);
    ae->bits = t == VFX_PIXEL_U8 ? 8
               : bps && (bps->u.i == 10 || bps->u.i == 12) ? bps->u.i
                                                           : 10;
    if (wr->opt.pixel_type == VFX_PIXEL_U8)
        ae->bits = 8;
    VFX_TRY(vfx__codec_opt_int(comp, "bits", 8, 12, &ae->bits));
    if (ae->bits != 8 && ae->bits != 10 && ae->bits != 12)
        return vfx__fail(VFX_ERR_ARG, "compression option bits=%d (8, 10, 12)", ae->bits);
    if (ae->lossless && nc > 2)
        ae->yuv = AVIF_PIXEL_FORMAT_YUV444;
    return VFX_OK;
}

static vfx_status
avif_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "AVIF stores 1 to 4 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "AVIF cannot be tiled");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > 65536 || h > 65536)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "AVIF is limited to 65536 x 65536 here");
    avif_enc *ae = vfx__calloc(1, sizeof *ae);
    if (!ae)
        return vfx__nomem();
    wr->priv = ae;
    vfx_status s = gather(wr, ae);
    if (s == VFX_OK)
        s = vfx__whole_buf_init(&ae->img, wr, VFX_PIXEL_U16);
    if (s != VFX_OK) {
        avif_write_close(wr, 1);
        return s;
    }
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, (int32_t) w, 64, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 63) / 64) };
    return VFX_OK;
}

static vfx_status
avif_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    avif_enc *ae = wr->priv;
    return vfx__whole_buf_put(&ae->img, wr, rect, type, src, x_stride, y_stride);
}

static vfx_status
encode(vfx__wr *wr, avif_enc *ae)
{
    int32_t nc = ae->img.n_ch, w = ae->img.width, h = ae->img.height;
    avifImage *im = avifImageCreate((uint32_t) w, (uint32_t) h, (uint32_t) ae->bits, ae->yuv);
    if (!im)
        return vfx__nomem();
    im->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
    im->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
    im->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
    im->yuvRange = ae->range;
    const vfx_attr_value *v;
    if ((v = vfx__wr_attr(wr, "CICP", VFX_ATTR_INT_VEC)) && v->u.iv.n == 4) {
        im->colorPrimaries = (avifColorPrimaries) VFX__CLAMP(v->u.iv.p[0], 0, 255);
        im->transferCharacteristics =
            (avifTransferCharacteristics) VFX__CLAMP(v->u.iv.p[1], 0, 255);
        im->matrixCoefficients = (avifMatrixCoefficients) VFX__CLAMP(v->u.iv.p[2], 0, 255);
        if (!ae->range_set)
            im->yuvRange = v->u.iv.p[3] ? AVIF_RANGE_FULL : AVIF_RANGE_LIMITED;
    }
    if (ae->lossless) {
        im->matrixCoefficients = nc <= 2 ? AVIF_MATRIX_COEFFICIENTS_BT601
                                         : AVIF_MATRIX_COEFFICIENTS_IDENTITY;
        im->yuvRange = AVIF_RANGE_FULL;
    }
    if ((v = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB)) && v->u.blob.size > 0)
        avifImageSetProfileICC(im, v->u.blob.data, v->u.blob.size);
    if ((v = vfx__wr_attr(wr, "exif", VFX_ATTR_BLOB)) && v->u.blob.size > 8)
        avifImageSetMetadataExif(im, v->u.blob.data, v->u.blob.size);
    if ((v = vfx__wr_attr(wr, "XMP", VFX_ATTR_STRING)) && v->u.s[0])
        avifImageSetMetadataXMP(im, (const uint8_t *) v->u.s, strlen(v->u.s));

    /* libavif converts RGB(A) of any depth; grey is spread to RGB first */
    uint16_t *rgbpx = (uint16_t *) (void *) ae->img.pix;
    uint16_t *tmp = NULL;
    int has_alpha = nc == 2 || nc == 4;
    if (nc <= 2) {
        tmp = vfx__alloc((size_t) w * (size_t) h * (size_t) (nc + 2) * 2);
        if (!tmp) {
            avifImageDestroy(im);
            return vfx__nomem();
        }
        size_t n = (size_t) w * (size_t) h;
        for (size_t i = 0; i < n; i++) {
            uint16_t *q = tmp + i * (size_t) (nc + 2);
            q[0] = q[1] = q[2] = rgbpx[i * (size_t) nc];
            if (nc == 2)
                q[3] = rgbpx[i * 2 + 1];
        }
        rgbpx = tmp;
    }
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, im);
    rgb.depth = 16;
    rgb.format = has_alpha ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
    rgb.pixels = (uint8_t *) rgbpx;
    rgb.rowBytes = (uint32_t) ((size_t) w * (has_alpha ? 4u : 3u) * 2u);
    vfx_status s = VFX_OK;
    avifResult r = avifImageRGBToYUV(im, &rgb);
    vfx__free(tmp);
    if (r != AVIF_RESULT_OK)
        s = avif_err(r, NULL, "RGB to YUV");
    avifEncoder *enc = s == VFX_OK ? avifEncoderCreate() : NULL;
    if (s == VFX_OK && !enc)
        s = vfx__nomem();
    avifRWData out = AVIF_DATA_EMPTY;
    if (s == VFX_OK) {
        enc->codecChoice = ae->codec;
        enc->maxThreads = 2;
        enc->speed = ae->speed;
        int q = ae->lossless ? 0 : (100 - ae->quality) * 63 / 100;
        enc->minQuantizer = enc->maxQuantizer = q;
        enc->minQuantizerAlpha = enc->maxQuantizerAlpha = ae->lossless ? 0 : VFX__MIN(q, 10);
        r = avifEncoderWrite(enc, im, &out);
        if (r == AVIF_RESULT_OUT_OF_MEMORY)
            s = vfx__nomem();
        else if (r != AVIF_RESULT_OK) /* e.g. SVT-AV1 1.4 takes 4:2:0 only */
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "encoding with these settings failed: %s%s%s",
                          avifResultToString(r), enc->diag.error[0] ? ": " : "", enc->diag.error);
    }
    if (s == VFX_OK)
        s = vfx__wr_write(wr, out.data, out.size, 0);
    avifRWDataFree(&out);
    if (enc)
        avifEncoderDestroy(enc);
    avifImageDestroy(im);
    return s;
}

static vfx_status
avif_write_close(vfx__wr *wr, int failed)
{
    avif_enc *ae = wr->priv;
    if (!ae)
        return VFX_OK;
    vfx_status s = failed ? VFX_OK : encode(wr, ae);
    vfx__whole_buf_free(&ae->img);
    vfx__free(ae);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_avif = {
    .size = sizeof(vfx_format),
    .name = "avif",
    .tag = "avif",
    .extensions = "avif,avifs",
    .probe = avif_probe,
    .open = avif_open,
    .read_rect = avif_read_rect,
    .close = avif_close,
    .write_open = avif_write_open,
    .write_rect = avif_write_rect,
    .write_close = avif_write_close,
    .description = "AVIF (libavif: aom, rav1e, SVT-AV1): 8/10/12-bit, 4:4:4-4:0:0, alpha, CICP, CLLI/MDCV",
    .write_notes = "u8/u16; 1-4 channels; --compression avif,speed=6,sub=420,bits=10:QUALITY",
};
