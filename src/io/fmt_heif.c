/* HEIF / HEIC through libheif (1.15: decoding HEVC with libde265, AV1 with dav1d / aom;
 * encoding HEVC with x265, as Debian 12 builds it).
 *
 * Reading. Each top-level image of the file is one part (the primary image is not moved
 * first: parts keep the file's order; "heif:primary" = 1 marks it). A part gives "R,G,B",
 * plus "A" when the image has an alpha auxiliary image, plus "Z" when it has a depth
 * auxiliary image (its luma plane as decoded, and, when its size differs, sampled nearest
 * to the main image's size; values are the stored depth codes, normalised). 8-bit images
 * give u8; when the image or its depth map has more than 8 bits, every channel is u16, scaled
 * from the stored range to the full 16-bit range (v * 65535 / (2^bits - 1), rounded). libheif
 * applies the file's transformations (irot, imir, clap), as heif-convert does, and the
 * reported size is the transformed one.
 *
 * Access: VFX_ACCESS_WHOLE_IMAGE (see fmt_whole.h); open() parses the container from the
 * file in memory and drops the bytes; decoding reads them again.
 *
 * Metadata (docs/metadata.md): nclx -> "CICP" (primaries, transfer, matrix, full range);
 * rICC / prof -> "ICCProfile"; Exif blocks -> "exif" (+ parsed tags); XMP ("mime" blocks of
 * type application/rdf+xml) -> "XMP"; "BitsPerSample"; "UnassociatedAlpha" = 1 unless the
 * alpha is premultiplied ("heif:alphaPremultiplied" = 1); clli / mdcv -> "CLLI" / "MDCV"
 * (fmt_whole.h).
 *
 * Writing: HEVC through x265. 1 to 4 channels (grey as RGB), any input type. The
 * compression string: "heic" / "hevc" (default), options ",sub=420|422|444" (default 420,
 * what most HEIC readers expect), ",bits=8|10|12" (default 8 for u8 data, else 10, or the
 * spec's "BitsPerSample"), ",lossless" (4:4:4, identity matrix, full range); the level is the
 * quality 0..100 (default 85). "CICP" (nclx), "ICCProfile", "exif", "XMP", "CLLI" and "MDCV"
 * are written. Debian 12's libheif encodes HEVC (x265) and AV1 (aom); only HEVC is offered
 * here, AV1 still images are written by the AVIF plugin. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libheif/heif.h>

#include "io/fmt_whole.h"

#define HEIF_MAX_FILE ((uint64_t) 1 << 32)

typedef struct heif_part_info {
    heif_item_id id, depth_id;
    int          has_alpha, has_depth, bits, depth_bits;
} heif_part_info;

typedef struct heif_priv {
    pthread_mutex_t lock; /* guards kept */
    heif_part_info *info; /* n_parts */
    uint8_t        *kept; /* a part decoded for partial reads */
    int32_t         kept_part;
} heif_priv;

static int
heif_probe(const uint8_t *head, size_t n)
{
    static const char *const brands[] = { "heic", "heix", "heim", "heis", "hevc", "hevx" };
    for (size_t i = 0; i < VFX__COUNTOF(brands); i++)
        if (vfx__ftyp_major(head, n, brands[i]))
            return 100;
    if (vfx__ftyp_major(head, n, "mif1") || vfx__ftyp_major(head, n, "msf1"))
        return 60; /* generic HEIF: AVIF files also use it, and say so with a brand (90) */
    return 0;
}

static vfx_status
herr(struct heif_error e, const char *what)
{
    if (e.code == heif_error_Memory_allocation_error)
        return vfx__nomem();
    vfx_status s = e.code == heif_error_Unsupported_feature ||
                           e.code == heif_error_Unsupported_filetype
                       ? VFX_ERR_UNSUPPORTED
                   : e.code == heif_error_Usage_error ? VFX_ERR_ARG
                                                      : VFX_ERR_CORRUPT;
    if (e.subcode == heif_suberror_End_of_data)
        return vfx__fail(s, "%s: file is truncated (%s)", what, e.message ? e.message : "");
    return vfx__fail(s, "%s: %s", what, e.message && e.message[0] ? e.message : "libheif error");
}

static void
heif_rd_close(vfx__rd *rd)
{
    heif_priv *hp = rd->priv;
    if (!hp)
        return;
    vfx__free(hp->info);
    vfx__free(hp->kept);
    pthread_mutex_destroy(&hp->lock);
    vfx__free(hp);
    rd->priv = NULL;
}

/* The file in memory and a context reading it; release with ctx_end(). */
typedef struct heif_src {
    const uint8_t       *data;
    size_t               size;
    uint8_t             *owned;
    struct heif_context *ctx;
} heif_src;

static void
ctx_end(heif_src *src)
{
    if (src->ctx)
        heif_context_free(src->ctx);
    vfx__free(src->owned);
    memset(src, 0, sizeof *src);
}

static vfx_status
ctx_begin(vfx__rd *rd, heif_src *src)
{
    memset(src, 0, sizeof *src);
    VFX_TRY(vfx__rd_slurp(rd, HEIF_MAX_FILE, &src->data, &src->size, &src->owned));
    src->ctx = heif_context_alloc();
    if (!src->ctx) {
        ctx_end(src);
        return vfx__nomem();
    }
    struct heif_error e = heif_context_read_from_memory_without_copy(src->ctx, src->data,
                                                                      src->size, NULL);
    if (e.code != heif_error_Ok) {
        vfx_status s = herr(e, "header");
        ctx_end(src);
        return s;
    }
    return VFX_OK;
}

static vfx_status
metadata(const struct heif_image_handle *h, const heif_part_info *pi, const heif_src *src,
         vfx_attrs *a)
{
    VFX_TRY(vfx_attrs_set_int(a, "BitsPerSample", pi->bits));
    if (pi->has_alpha)
        VFX_TRY(vfx_attrs_set_int(a, heif_image_handle_is_premultiplied_alpha(h)
                                         ? "heif:alphaPremultiplied"
                                         : "UnassociatedAlpha",
                                  1));
    struct heif_color_profile_nclx *nclx = NULL;
    struct heif_error e = heif_image_handle_get_nclx_color_profile(h, &nclx);
    if (e.code != heif_error_Ok && nclx) { /* libheif 1.15 can fail after allocating */
        heif_nclx_color_profile_free(nclx);
        nclx = NULL;
    }
    if (e.code == heif_error_Ok && nclx) {
        int32_t c[4] = { (int32_t) nclx->color_primaries, (int32_t) nclx->transfer_characteristics,
                         (int32_t) nclx->matrix_coefficients, nclx->full_range_flag != 0 };
        heif_nclx_color_profile_free(nclx);
        vfx_attr_value v;
        v.type = VFX_ATTR_INT_VEC;
        v.u.iv.p = c;
        v.u.iv.n = 4;
        VFX_TRY(vfx_attrs_set(a, "CICP", &v));
    }
    size_t icc_n = heif_image_handle_get_raw_color_profile_size(h);
    if (icc_n > 0 && icc_n < ((size_t) 1 << 28)) {
        uint8_t *icc = vfx__alloc(icc_n);
        if (!icc)
            return vfx__nomem();
        e = heif_image_handle_get_raw_color_profile(h, icc);
        vfx_status s = e.code == heif_error_Ok ? vfx__set_blob(a, "ICCProfile", "icc", icc, icc_n)
                                               : VFX_OK;
        vfx__free(icc);
        VFX_TRY(s);
    }
    heif_item_id ids[16];
    int n = heif_image_handle_get_list_of_metadata_block_IDs(h, NULL, ids, 16);
    for (int i = 0; i < n; i++) {
        const char *type = heif_image_handle_get_metadata_type(h, ids[i]);
        const char *ct = heif_image_handle_get_metadata_content_type(h, ids[i]);
        int is_exif = type && strcmp(type, "Exif") == 0;
        int is_xmp = type && strcmp(type, "mime") == 0 && ct &&
                     strcmp(ct, "application/rdf+xml") == 0;
        if (!is_exif && !is_xmp)
            continue;
        size_t sz = heif_image_handle_get_metadata_size(h, ids[i]);
        if (sz == 0 || sz > ((size_t) 1 << 28))
            continue;
        uint8_t *buf = vfx__alloc(sz + 1);
        if (!buf)
            return vfx__nomem();
        vfx_status s = VFX_OK;
        if (heif_image_handle_get_metadata(h, ids[i], buf).code == heif_error_Ok) {
            if (is_exif) {
                size_t tn = 0;
                const uint8_t *t = vfx__exif_tiff_start(buf, sz, &tn);
                if (t)
                    s = vfx__set_blob(a, "exif", "exif", t, tn);
                if (t && s == VFX_OK)
                    s = vfx__exif_parse(t, tn, a);
            } else {
                buf[sz] = 0;
                s = vfx_attrs_set_string(a, "XMP", (const char *) buf);
            }
        }
        vfx__free(buf);
        VFX_TRY(s);
    }
    vfx__hdr_boxes hb;
    vfx__isobmff_hdr_boxes(src->data, src->size, &hb);
    return vfx__hdr_boxes_attrs(&hb, a);
}

static vfx_status
open_part(vfx__rd *rd, heif_src *src, int32_t k, heif_item_id id, heif_item_id primary)
{
    heif_priv *hp = rd->priv;
    heif_part_info *pi = &hp->info[k];
    struct heif_image_handle *h = NULL;
    struct heif_error e = heif_context_get_image_handle(src->ctx, id, &h);
    if (e.code != heif_error_Ok)
        return herr(e, "image");
    pi->id = id;
    int w = heif_image_handle_get_width(h), ht = heif_image_handle_get_height(h);
    vfx_status s = vfx__check_size(rd, w, ht);
    pi->has_alpha = heif_image_handle_has_alpha_channel(h);
    pi->bits = heif_image_handle_get_luma_bits_per_pixel(h);
    if (pi->bits <= 0)
        pi->bits = 8;
    if (s == VFX_OK && pi->bits > 16)
        s = vfx__fail(VFX_ERR_UNSUPPORTED, "%d bits per sample", pi->bits);
    if (s == VFX_OK && heif_image_handle_has_depth_image(h) &&
        heif_image_handle_get_list_of_depth_image_IDs(h, &pi->depth_id, 1) == 1) {
        struct heif_image_handle *dh = NULL;
        if (heif_image_handle_get_depth_image_handle(h, pi->depth_id, &dh).code == heif_error_Ok) {
            pi->has_depth = 1;
            pi->depth_bits = heif_image_handle_get_luma_bits_per_pixel(dh);
            if (pi->depth_bits <= 0)
                pi->depth_bits = 8;
            heif_image_handle_release(dh);
        }
    }
    vfx__part *p = &rd->parts[k];
    if (s == VFX_OK) {
        p->spec.data = p->spec.display = (vfx_rect){ 0, 0, w, ht };
        p->n_levels_x = p->n_levels_y = 1;
        s = vfx__part_one_level(p, p->spec.data, VFX_ACCESS_WHOLE_IMAGE, w, ht);
    }
    if (s == VFX_OK) {
        char names[16] = "R,G,B";
        if (pi->has_alpha)
            strcat(names, ",A");
        if (pi->has_depth)
            strcat(names, ",Z");
        int hi = pi->bits > 8 || (pi->has_depth && pi->depth_bits > 8);
        s = vfx_channels_from_names(names, hi ? VFX_PIXEL_U16 : VFX_PIXEL_U8, &p->spec.channels);
    }
    if (s == VFX_OK)
        s = vfx_attrs_new(&p->spec.attrs);
    if (s == VFX_OK && !(rd->flags & VFX_READ_NO_METADATA)) {
        s = metadata(h, pi, src, p->spec.attrs);
        if (s == VFX_OK && id == primary && rd->n_parts > 1)
            s = vfx_attrs_set_int(p->spec.attrs, "heif:primary", 1);
    }
    heif_image_handle_release(h);
    return s;
}

static vfx_status
heif_rd_open(vfx__rd *rd)
{
    heif_priv *hp = vfx__calloc(1, sizeof *hp);
    if (!hp)
        return vfx__nomem();
    if (pthread_mutex_init(&hp->lock, NULL) != 0) {
        vfx__free(hp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    hp->kept_part = -1;
    rd->priv = hp;
    heif_src src;
    VFX_TRY(ctx_begin(rd, &src));
    vfx_status s = VFX_OK;
    int n = heif_context_get_number_of_top_level_images(src.ctx);
    heif_item_id *ids = NULL, primary = 0;
    if (n < 1)
        s = vfx__fail(VFX_ERR_CORRUPT, "no image in the file");
    else if (n > 10000)
        s = vfx__fail(VFX_ERR_LIMIT, "%d images", n);
    if (s == VFX_OK) {
        ids = vfx__calloc((size_t) n, sizeof *ids);
        hp->info = vfx__calloc((size_t) n, sizeof *hp->info);
        if (!ids || !hp->info)
            s = vfx__nomem();
    }
    if (s == VFX_OK && heif_context_get_list_of_top_level_image_IDs(src.ctx, ids, n) != n)
        s = vfx__fail(VFX_ERR_CORRUPT, "image list");
    if (s == VFX_OK) {
        (void) heif_context_get_primary_image_ID(src.ctx, &primary);
        s = vfx__rd_alloc_parts(rd, n);
    }
    for (int32_t k = 0; s == VFX_OK && k < n; k++) {
        s = open_part(rd, &src, k, ids[k], primary);
        if (s != VFX_OK && n > 1)
            vfx__error_prefix("image %d: ", (int) k);
    }
    vfx__free(ids);
    ctx_end(&src);
    return s;
}

/* Decode @p h as @p cs / @p chroma; *bits_out is the stored range of *ch (for a depth map
 * decoded as coded, *ch becomes its luma: Y, or G when coded as RGB with the identity
 * matrix, as lossless encoders do). */
static vfx_status
decode_handle(const struct heif_image_handle *h, enum heif_colorspace cs, enum heif_chroma chroma,
              enum heif_channel *ch, struct heif_image **img_out, int *bits_out,
              const char *what)
{
    struct heif_decoding_options *o = heif_decoding_options_alloc();
    if (!o)
        return vfx__nomem();
    o->convert_hdr_to_8bit = 0;
    struct heif_error e = heif_decode_image(h, img_out, cs, chroma, o);
    heif_decoding_options_free(o);
    if (e.code != heif_error_Ok)
        return herr(e, what);
    if (*ch == heif_channel_Y && !heif_image_has_channel(*img_out, heif_channel_Y) &&
        heif_image_get_colorspace(*img_out) == heif_colorspace_RGB &&
        heif_image_has_channel(*img_out, heif_channel_G))
        *ch = heif_channel_G;
    *bits_out = heif_image_has_channel(*img_out, *ch)
                    ? heif_image_get_bits_per_pixel_range(*img_out, *ch)
                    : -1;
    if (*bits_out < 1 || *bits_out > 16) {
        heif_image_release(*img_out);
        *img_out = NULL;
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: %d bits", what, *bits_out);
    }
    return VFX_OK;
}

/* A decoded sample of @p bits as u16 (full range) or u8. */
static inline uint32_t
sample(const uint8_t *p, int bits)
{
    return bits > 8 ? (uint32_t) (p[0] | p[1] << 8) : p[0];
}

static inline void
put(uint8_t *q, int hi, uint32_t v, int bits)
{
    if (hi) {
        uint32_t max = (1u << bits) - 1, x = v > max ? 65535u : (v * 65535u + max / 2) / max;
        memcpy(q, &(uint16_t){ (uint16_t) x }, 2);
    } else {
        *q = (uint8_t) v;
    }
}

/* Decode part @p k into @p dst: packed channels (R, G, B[, A][, Z]) of u8 or u16. */
static vfx_status
decode_part(vfx__rd *rd, int32_t k, uint8_t *dst)
{
    heif_priv *hp = rd->priv;
    const heif_part_info *pi = &hp->info[k];
    const vfx__part *p = &rd->parts[k];
    int32_t w = (int32_t) vfx_rect_width(p->spec.data);
    int32_t ht = (int32_t) vfx_rect_height(p->spec.data);
    int32_t nc = vfx_channels_count(p->spec.channels);
    vfx_channel_info ci;
    VFX_TRY(vfx_channels_get(p->spec.channels, 0, &ci));
    int hi = ci.type == VFX_PIXEL_U16;
    size_t ts = hi ? 2 : 1, px = (size_t) nc * ts;
    heif_src src;
    VFX_TRY(ctx_begin(rd, &src));
    struct heif_image_handle *h = NULL, *dh = NULL;
    struct heif_image *img = NULL, *dimg = NULL;
    vfx_status s = VFX_OK;
    struct heif_error e = heif_context_get_image_handle(src.ctx, pi->id, &h);
    if (e.code != heif_error_Ok)
        s = herr(e, "image");
    int bits = 8, dbits = 8, in_ch = pi->has_alpha ? 4 : 3;
    enum heif_channel dch = heif_channel_Y;
    if (s == VFX_OK) {
        enum heif_chroma chroma =
            pi->bits > 8 ? (pi->has_alpha ? heif_chroma_interleaved_RRGGBBAA_LE
                                          : heif_chroma_interleaved_RRGGBB_LE)
                         : (pi->has_alpha ? heif_chroma_interleaved_RGBA
                                          : heif_chroma_interleaved_RGB);
        enum heif_channel ich = heif_channel_interleaved;
        s = decode_handle(h, heif_colorspace_RGB, chroma, &ich, &img, &bits, "image");
    }
    if (s == VFX_OK && (heif_image_get_width(img, heif_channel_interleaved) != w ||
                        heif_image_get_height(img, heif_channel_interleaved) != ht))
        s = vfx__fail(VFX_ERR_CORRUPT, "decoded size differs from the header");
    if (s == VFX_OK) {
        int stride = 0;
        const uint8_t *src_px =
            heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
        size_t in_ts = bits > 8 ? 2 : 1;
        if (!src_px)
            s = vfx__fail(VFX_ERR_CORRUPT, "no pixels decoded");
        for (int32_t y = 0; s == VFX_OK && y < ht; y++) {
            const uint8_t *r = src_px + (size_t) y * (size_t) stride;
            uint8_t *q = dst + (size_t) y * (size_t) w * px;
            for (int32_t x = 0; x < w; x++)
                for (int c = 0; c < in_ch; c++)
                    put(q + (size_t) x * px + (size_t) c * ts, hi,
                        sample(r + ((size_t) x * (size_t) in_ch + (size_t) c) * in_ts, bits),
                        hi && bits <= 8 ? 8 : bits);
        }
    }
    if (s == VFX_OK && pi->has_depth) {
        e = heif_image_handle_get_depth_image_handle(h, pi->depth_id, &dh);
        /* decoded as coded (libheif 1.15 cannot convert 4:4:4 to monochrome): the depth
         * values are the luma plane */
        s = e.code == heif_error_Ok ? decode_handle(dh, heif_colorspace_undefined,
                                                    heif_chroma_undefined, &dch, &dimg, &dbits,
                                                    "depth image")
                                    : herr(e, "depth image");
    }
    if (s == VFX_OK && pi->has_depth) {
        int stride = 0;
        const uint8_t *d = heif_image_get_plane_readonly(dimg, dch, &stride);
        int dw = heif_image_get_width(dimg, dch);
        int dht = heif_image_get_height(dimg, dch);
        if (!d || dw < 1 || dht < 1)
            s = vfx__fail(VFX_ERR_CORRUPT, "empty depth image");
        size_t in_ts = dbits > 8 ? 2 : 1;
        for (int32_t y = 0; s == VFX_OK && y < ht; y++) {
            int64_t sy = (int64_t) y * dht / ht; /* nearest sample */
            uint8_t *q = dst + (size_t) y * (size_t) w * px + (size_t) in_ch * ts;
            for (int32_t x = 0; x < w; x++) {
                int64_t sx = (int64_t) x * dw / w;
                put(q + (size_t) x * px, hi,
                    sample(d + (size_t) sy * (size_t) stride + (size_t) sx * in_ts, dbits),
                    dbits);
            }
        }
    }
    if (dimg)
        heif_image_release(dimg);
    if (dh)
        heif_image_handle_release(dh);
    if (img)
        heif_image_release(img);
    if (h)
        heif_image_handle_release(h);
    ctx_end(&src);
    return s;
}

static vfx_status
read_locked(vfx__rd *rd, heif_priv *hp, const vfx__read_req *req)
{
    const vfx__part *p = &rd->parts[req->part];
    int32_t w = (int32_t) vfx_rect_width(p->spec.data);
    int32_t ht = (int32_t) vfx_rect_height(p->spec.data);
    int32_t nc = vfx_channels_count(p->spec.channels);
    vfx_channel_info ci;
    VFX_TRY(vfx_channels_get(p->spec.channels, 0, &ci));
    size_t stride = (size_t) w * (size_t) nc * vfx_pixel_type_size(ci.type);
    if (hp->kept && hp->kept_part == req->part)
        return vfx__req_put_block(req, hp->kept, ci.type, nc, 0, 0, stride);
    uint8_t *img = vfx__alloc(stride * (size_t) ht);
    if (!img)
        return vfx__nomem();
    vfx_status s = decode_part(rd, req->part, img);
    if (s == VFX_OK) {
        vfx__rd_count_chunks(rd, 1);
        s = vfx__req_put_block(req, img, ci.type, nc, 0, 0, stride);
    }
    int whole = req->rect.x0 == 0 && req->rect.y0 == 0 && req->rect.x1 == w && req->rect.y1 == ht;
    if (s == VFX_OK && !whole) {
        vfx__free(hp->kept);
        hp->kept = img;
        hp->kept_part = req->part;
        img = NULL;
    }
    vfx__free(img);
    return s;
}

static vfx_status
heif_rd_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    heif_priv *hp = rd->priv;
    pthread_mutex_lock(&hp->lock);
    vfx_status s = read_locked(rd, hp, req);
    pthread_mutex_unlock(&hp->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct heif_enc {
    vfx__whole_buf img; /* u16 (0..65535), all channels */
    int            quality, lossless, bits;
    char           sub[4];
    uint64_t       offset; /* next byte of the output */
    vfx_status     write_err;
} heif_enc;

static vfx_status
heif_wr_close(vfx__wr *wr, int failed);

static vfx_status
heif_wr_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "HEIF stores 1 to 4 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "HEIF cannot be tiled here");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > 32768 || h > 32768)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "HEIF is limited to 32768 x 32768 here");
    const char *comp = wr->compression;
    VFX_TRY(vfx__codec_check(comp, "heic,hevc,heif", "sub,bits,lossless"));
    heif_enc *he = vfx__calloc(1, sizeof *he);
    if (!he)
        return vfx__nomem();
    wr->priv = he;
    char val[32];
    vfx_status s = VFX_OK;
    he->quality = wr->opt.level >= 0 ? VFX__MIN(wr->opt.level, 100) : 85;
    he->lossless = vfx__codec_opt(comp, "lossless", val, sizeof val);
    snprintf(he->sub, sizeof he->sub, "420");
    if (vfx__codec_opt(comp, "sub", val, sizeof val)) {
        if (strcmp(val, "420") && strcmp(val, "422") && strcmp(val, "444"))
            s = vfx__fail(VFX_ERR_ARG, "compression option sub=%s (420, 422, 444)", val);
        else
            memcpy(he->sub, val, 4); /* one of the three names above */
    }
    if (he->lossless)
        snprintf(he->sub, sizeof he->sub, "444");
    vfx_channel_info ci;
    if (s == VFX_OK)
        s = vfx_channels_get(wr->spec.channels, 0, &ci);
    if (s == VFX_OK) {
        vfx_pixel_type t = wr->opt.pixel_type != VFX_PIXEL_UNKNOWN ? wr->opt.pixel_type : ci.type;
        const vfx_attr_value *bps = vfx__wr_attr(wr, "BitsPerSample", VFX_ATTR_INT);
        he->bits = t == VFX_PIXEL_U8                               ? 8
                   : bps && (bps->u.i == 10 || bps->u.i == 12) ? bps->u.i
                                                                 : 10;
        s = vfx__codec_opt_int(comp, "bits", 8, 12, &he->bits);
        if (s == VFX_OK && he->bits != 8 && he->bits != 10 && he->bits != 12)
            s = vfx__fail(VFX_ERR_ARG, "compression option bits=%d (8, 10, 12)", he->bits);
    }
    if (s == VFX_OK)
        s = vfx__whole_buf_init(&he->img, wr, VFX_PIXEL_U16);
    if (s != VFX_OK) {
        heif_wr_close(wr, 1);
        return s;
    }
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, (int32_t) w, 64, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 63) / 64) };
    return VFX_OK;
}

static vfx_status
heif_wr_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
             ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    heif_enc *he = wr->priv;
    return vfx__whole_buf_put(&he->img, wr, rect, type, src, x_stride, y_stride);
}

static struct heif_error
write_cb(struct heif_context *ctx, const void *data, size_t size, void *user)
{
    (void) ctx;
    vfx__wr *wr = user;
    heif_enc *he = wr->priv;
    struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "" };
    struct heif_error bad = { heif_error_Encoding_error, heif_suberror_Cannot_write_output_data,
                              "write failed" };
    he->write_err = vfx__wr_write(wr, data, size, he->offset);
    he->offset += size;
    return he->write_err == VFX_OK ? ok : bad;
}

/* Fill the libheif image from the gathered u16 pixels. */
static vfx_status
fill_image(heif_enc *he, struct heif_image *img)
{
    int32_t nc = he->img.n_ch, w = he->img.width, ht = he->img.height;
    int alpha = nc == 2 || nc == 4, out_ch = alpha ? 4 : 3;
    int stride = 0;
    uint8_t *q = heif_image_get_plane(img, heif_channel_interleaved, &stride);
    if (!q)
        return vfx__fail(VFX_ERR_INTERNAL, "no plane");
    uint32_t max = (1u << he->bits) - 1;
    const uint16_t *src = (const uint16_t *) (void *) he->img.pix;
    for (int32_t y = 0; y < ht; y++) {
        uint8_t *row = q + (size_t) y * (size_t) stride;
        const uint16_t *s = src + (size_t) y * (size_t) w * (size_t) nc;
        for (int32_t x = 0; x < w; x++) {
            const uint16_t *sp = s + (size_t) x * (size_t) nc;
            for (int c = 0; c < out_ch; c++) {
                int from = nc <= 2 ? (c < 3 ? 0 : 1) : c;
                uint32_t v = (sp[from] * max + 32767u) / 65535u;
                size_t i = (size_t) x * (size_t) out_ch + (size_t) c;
                if (he->bits > 8) {
                    row[2 * i] = (uint8_t) (v & 0xff);
                    row[2 * i + 1] = (uint8_t) (v >> 8);
                } else {
                    row[i] = (uint8_t) v;
                }
            }
        }
    }
    return VFX_OK;
}

/* ICC, nclx and HDR metadata onto the image; *nclx_out (free with
 * heif_nclx_color_profile_free) also goes to the encoding options, which decide what is
 * written. */
static vfx_status
set_color(vfx__wr *wr, heif_enc *he, struct heif_image *img,
          struct heif_color_profile_nclx **nclx_out)
{
    const vfx_attr_value *v;
    struct heif_error e = { heif_error_Ok, heif_suberror_Unspecified, "" };
    if ((v = vfx__wr_attr(wr, "ICCProfile", VFX_ATTR_BLOB)) && v->u.blob.size > 0)
        e = heif_image_set_raw_color_profile(img, "prof", v->u.blob.data, v->u.blob.size);
    if (e.code != heif_error_Ok)
        return herr(e, "ICC profile");
    struct heif_color_profile_nclx *nclx = heif_nclx_color_profile_alloc();
    if (!nclx)
        return vfx__nomem();
    nclx->color_primaries = heif_color_primaries_ITU_R_BT_709_5;
    nclx->transfer_characteristics = heif_transfer_characteristic_IEC_61966_2_1;
    nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_601_6;
    nclx->full_range_flag = 1;
    if ((v = vfx__wr_attr(wr, "CICP", VFX_ATTR_INT_VEC)) && v->u.iv.n == 4) {
        nclx->color_primaries = (enum heif_color_primaries) VFX__CLAMP(v->u.iv.p[0], 0, 255);
        nclx->transfer_characteristics =
            (enum heif_transfer_characteristics) VFX__CLAMP(v->u.iv.p[1], 0, 255);
        nclx->matrix_coefficients =
            (enum heif_matrix_coefficients) VFX__CLAMP(v->u.iv.p[2], 0, 255);
        nclx->full_range_flag = v->u.iv.p[3] != 0;
    }
    if (he->lossless) {
        nclx->matrix_coefficients = heif_matrix_coefficients_RGB_GBR;
        nclx->full_range_flag = 1;
    }
    e = heif_image_set_nclx_color_profile(img, nclx);
    *nclx_out = nclx;
    if (e.code != heif_error_Ok)
        return herr(e, "nclx");
    if ((v = vfx__wr_attr(wr, "CLLI", VFX_ATTR_INT_VEC)) && v->u.iv.n == 2) {
        struct heif_content_light_level cll = { (uint16_t) VFX__CLAMP(v->u.iv.p[0], 0, 65535),
                                                (uint16_t) VFX__CLAMP(v->u.iv.p[1], 0, 65535) };
        heif_image_set_content_light_level(img, &cll);
    }
    if ((v = vfx__wr_attr(wr, "MDCV", VFX_ATTR_FLOAT_VEC)) && v->u.fv.n == 10) {
        struct heif_mastering_display_colour_volume m;
        const float *f = v->u.fv.p;
        for (int c = 0; c < 3; c++) {
            m.display_primaries_x[c] =
                (uint16_t) VFX__CLAMP(f[2 * c] / 0.00002f + 0.5f, 0.f, 65535.f);
            m.display_primaries_y[c] =
                (uint16_t) VFX__CLAMP(f[2 * c + 1] / 0.00002f + 0.5f, 0.f, 65535.f);
        }
        m.white_point_x = (uint16_t) VFX__CLAMP(f[6] / 0.00002f + 0.5f, 0.f, 65535.f);
        m.white_point_y = (uint16_t) VFX__CLAMP(f[7] / 0.00002f + 0.5f, 0.f, 65535.f);
        m.max_display_mastering_luminance = (uint32_t) VFX__CLAMP(f[8] / 0.0001f + 0.5f, 0.f, 4e9f);
        m.min_display_mastering_luminance = (uint32_t) VFX__CLAMP(f[9] / 0.0001f + 0.5f, 0.f, 4e9f);
        heif_image_set_mastering_display_colour_volume(img, &m);
    }
    return VFX_OK;
}

static vfx_status
encode(vfx__wr *wr, heif_enc *he)
{
    int32_t nc = he->img.n_ch;
    int alpha = nc == 2 || nc == 4;
    enum heif_chroma chroma = he->bits > 8 ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE
                                                    : heif_chroma_interleaved_RRGGBB_LE)
                                           : (alpha ? heif_chroma_interleaved_RGBA
                                                    : heif_chroma_interleaved_RGB);
    struct heif_context *ctx = heif_context_alloc();
    if (!ctx)
        return vfx__nomem();
    struct heif_encoder *enc = NULL;
    struct heif_image *img = NULL;
    struct heif_image_handle *handle = NULL;
    struct heif_encoding_options *opt = NULL;
    vfx_status s = VFX_OK;
    struct heif_error e = heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &enc);
    if (e.code != heif_error_Ok)
        s = vfx__fail(VFX_ERR_UNSUPPORTED, "libheif has no HEVC encoder (%s)", e.message);
    if (s == VFX_OK) {
        e = he->lossless ? heif_encoder_set_lossless(enc, 1)
                         : heif_encoder_set_lossy_quality(enc, he->quality);
        if (e.code == heif_error_Ok)
            e = heif_encoder_set_parameter_string(enc, "chroma", he->sub);
        if (e.code != heif_error_Ok)
            s = herr(e, "encoder settings");
    }
    if (s == VFX_OK) {
        e = heif_image_create(he->img.width, he->img.height, heif_colorspace_RGB, chroma, &img);
        if (e.code == heif_error_Ok)
            e = heif_image_add_plane(img, heif_channel_interleaved, he->img.width, he->img.height,
                                     he->bits);
        if (e.code != heif_error_Ok)
            s = herr(e, "image");
    }
    if (s == VFX_OK)
        s = fill_image(he, img);
    struct heif_color_profile_nclx *nclx = NULL;
    if (s == VFX_OK)
        s = set_color(wr, he, img, &nclx);
    if (s == VFX_OK) {
        opt = heif_encoding_options_alloc();
        if (!opt)
            s = vfx__nomem();
    }
    if (s == VFX_OK) {
        opt->save_alpha_channel = 1;
        /* write the nclx box always (libheif 1.15 leaves it out by default for macOS's sake)
         * and both colr boxes when there is an ICC profile too */
        opt->output_nclx_profile = nclx;
        opt->macOS_compatibility_workaround_no_nclx_profile = 0;
        opt->save_two_colr_boxes_when_ICC_and_nclx_available = 1;
        e = heif_context_encode_image(ctx, img, enc, opt, &handle);
        if (e.code != heif_error_Ok)
            s = herr(e, "encoding");
    }
    const vfx_attr_value *v;
    if (s == VFX_OK && (v = vfx__wr_attr(wr, "exif", VFX_ATTR_BLOB)) && v->u.blob.size > 8 &&
        v->u.blob.size < ((size_t) 1 << 30)) {
        e = heif_context_add_exif_metadata(ctx, handle, v->u.blob.data, (int) v->u.blob.size);
        if (e.code != heif_error_Ok)
            s = herr(e, "exif");
    }
    if (s == VFX_OK && (v = vfx__wr_attr(wr, "XMP", VFX_ATTR_STRING)) && v->u.s[0]) {
        e = heif_context_add_XMP_metadata(ctx, handle, v->u.s, (int) strlen(v->u.s));
        if (e.code != heif_error_Ok)
            s = herr(e, "XMP");
    }
    if (s == VFX_OK) {
        struct heif_writer w = { 1, write_cb };
        e = heif_context_write(ctx, &w, wr);
        if (he->write_err != VFX_OK)
            s = he->write_err;
        else if (e.code != heif_error_Ok)
            s = herr(e, "writing");
    }
    if (opt)
        heif_encoding_options_free(opt);
    if (nclx)
        heif_nclx_color_profile_free(nclx);
    if (handle)
        heif_image_handle_release(handle);
    if (img)
        heif_image_release(img);
    if (enc)
        heif_encoder_release(enc);
    heif_context_free(ctx);
    return s;
}

static vfx_status
heif_wr_close(vfx__wr *wr, int failed)
{
    heif_enc *he = wr->priv;
    if (!he)
        return VFX_OK;
    vfx_status s = failed ? VFX_OK : encode(wr, he);
    vfx__whole_buf_free(&he->img);
    vfx__free(he);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_heif = {
    .size = sizeof(vfx_format),
    .name = "heif",
    .tag = "heif",
    .extensions = "heic,heif,hif",
    .probe = heif_probe,
    .open = heif_rd_open,
    .read_rect = heif_rd_read_rect,
    .close = heif_rd_close,
    .write_open = heif_wr_open,
    .write_rect = heif_wr_rect,
    .write_close = heif_wr_close,
    .description = "HEIF/HEIC (libheif: x265, aom): 8/10-bit, alpha and depth as channels, several images as subimages",
    .write_notes = "u8/u16; 1-4 channels; --compression heic,sub=444,bits=10:QUALITY",
};
