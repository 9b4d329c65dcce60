/* BMP, written here: small and strict.
 *
 * Reading: OS/2 core (12-byte) and Windows info headers (40, 52, 56, 108, 124 bytes);
 * 1/4/8-bit palettes (uncompressed, RLE8, RLE4), 16-bit (5-5-5 or bit fields), 24-bit and
 * 32-bit (BGRx or bit fields); bottom-up and top-down rows. Palette, 16- and 24-bit images
 * give "R,G,B" u8; 32-bit ones "R,G,B,A" (alpha from the alpha mask, 255 without one, as
 * OIIO). Bit-field samples scale to 8 bits by bit replication (wider fields keep their top 8
 * bits); the masks are honoured even when unusual (OIIO 2.4 ignores them). RLE pixels the stream never sets
 * take palette entry 0. "compression" ("none", "rle8", "rle4", "bitfields"), "XResolution",
 * "YResolution" (pixels per metre, "ResolutionUnit" "m").
 *
 * Access: VFX_ACCESS_WHOLE_IMAGE: the first read decodes the whole image into a buffer kept
 * until close, under a mutex (BMP files are small; RLE streams are not addressable by row).
 *
 * Strictness: bad magic, header sizes other than the above, planes != 1, zero or huge
 * sizes, palettes larger than the bit depth allows, RLE runs leaving the image, pixel data
 * past the end of the file are VFX_ERR_CORRUPT.
 *
 * Writing: 1 or 3 channels as 24-bit BGR (grey is replicated), 4 channels as 32-bit BGRA
 * with a BITMAPV5 header (alpha mask, sRGB colour space, "images" rendering intent); u8 (anything else converted), rows top to bottom
 * (stored bottom-up in place). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint32_t
le16(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8;
}

typedef struct bmp_priv {
    pthread_mutex_t lock;
    int32_t         width, height, n_ch;
    int             top_down, bpp;
    uint32_t        comp, data_offset;
    uint32_t        mask[4]; /* R, G, B, A */
    uint8_t         pal[256 * 3];
    uint32_t        n_pal;
    uint8_t        *whole; /* decoded, n_ch u8 per pixel, top row first */
} bmp_priv;

static int
bmp_probe(const uint8_t *head, size_t n)
{
    if (n < 18 || head[0] != 'B' || head[1] != 'M')
        return 0;
    uint32_t hs = le32(head + 14);
    return hs == 12 || hs == 40 || hs == 52 || hs == 56 || hs == 108 || hs == 124 ? 80 : 0;
}

static void
bmp_close(vfx__rd *rd)
{
    bmp_priv *bp = rd->priv;
    if (!bp)
        return;
    pthread_mutex_destroy(&bp->lock);
    vfx__free(bp->whole);
    vfx__free(bp);
    rd->priv = NULL;
}

static vfx_status
bmp_open(vfx__rd *rd)
{
    bmp_priv *bp = vfx__calloc(1, sizeof *bp);
    if (!bp)
        return vfx__nomem();
    if (pthread_mutex_init(&bp->lock, NULL) != 0) {
        vfx__free(bp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = bp;
    uint8_t h[14 + 124 + 16];
    memset(h, 0, sizeof h);
    int64_t got = vfx__rd_read(rd, h, sizeof h, 0);
    if (got < 26)
        return vfx__fail(VFX_ERR_CORRUPT, "header: only %d bytes", (int) (got < 0 ? 0 : got));
    if (h[0] != 'B' || h[1] != 'M')
        return vfx__fail(VFX_ERR_CORRUPT, "not a BMP file");
    bp->data_offset = le32(h + 10);
    uint32_t hs = le32(h + 14);
    int64_t w, ht;
    uint32_t planes, clr_used = 0;
    if (hs == 12) {
        w = le16(h + 18);
        ht = le16(h + 20);
        planes = le16(h + 22);
        bp->bpp = (int) le16(h + 24);
    } else if (hs == 40 || hs == 52 || hs == 56 || hs == 108 || hs == 124) {
        if (got < 14 + (int64_t) hs)
            return vfx__fail(VFX_ERR_CORRUPT, "header: truncated");
        w = (int32_t) le32(h + 18);
        ht = (int32_t) le32(h + 22);
        planes = le16(h + 26);
        bp->bpp = (int) le16(h + 28);
        bp->comp = le32(h + 30);
        clr_used = le32(h + 46);
    } else {
        return vfx__fail(VFX_ERR_CORRUPT, "unknown info header size %u", hs);
    }
    if (planes != 1)
        return vfx__fail(VFX_ERR_CORRUPT, "%u planes", planes);
    if (ht < 0) {
        bp->top_down = 1;
        ht = -ht;
    }
    VFX_TRY(vfx__check_size(rd, w, ht));
    bp->width = (int32_t) w;
    bp->height = (int32_t) ht;
    int bpp = bp->bpp;
    uint32_t c = bp->comp;
    int ok = (c == 0 && (bpp == 1 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 ||
                         bpp == 32)) ||
             (c == 1 && bpp == 8) || (c == 2 && bpp == 4) ||
             ((c == 3 || c == 6) && (bpp == 16 || bpp == 32));
    if (!ok)
        return vfx__fail(c > 6 ? VFX_ERR_UNSUPPORTED : VFX_ERR_CORRUPT,
                         "%d bits per pixel with compression %u", bpp, c);
    if (bp->top_down && (c == 1 || c == 2))
        return vfx__fail(VFX_ERR_CORRUPT, "top-down RLE");
    /* masks */
    if (c == 3 || c == 6) {
        const uint8_t *m = hs >= 52 ? h + 54 : h + 14 + hs;
        size_t n_masks = c == 6 || hs >= 56 ? 4 : 3;
        if (hs < 52 && got < 14 + (int64_t) hs + (int64_t) n_masks * 4)
            return vfx__fail(VFX_ERR_CORRUPT, "header: truncated masks");
        for (size_t i = 0; i < n_masks; i++)
            bp->mask[i] = le32(m + i * 4);
    } else if (bpp == 16) {
        bp->mask[0] = 0x7C00;
        bp->mask[1] = 0x03E0;
        bp->mask[2] = 0x001F;
    } else if (bpp == 32) {
        bp->mask[0] = 0x00FF0000;
        bp->mask[1] = 0x0000FF00;
        bp->mask[2] = 0x000000FF;
    }
    /* palette */
    if (bpp <= 8) {
        uint32_t max = 1u << bpp;
        bp->n_pal = clr_used ? clr_used : max;
        if (bp->n_pal > max)
            return vfx__fail(VFX_ERR_CORRUPT, "%u palette entries for %d bits", bp->n_pal, bpp);
        size_t esz = hs == 12 ? 3 : 4;
        uint64_t off = 14 + (uint64_t) hs + (c == 3 && hs == 40 ? 12 : 0);
        uint8_t pal[256 * 4];
        if (vfx__rd_read(rd, pal, bp->n_pal * esz, off) != (int64_t) (bp->n_pal * esz))
            return vfx__fail(VFX_ERR_CORRUPT, "palette: unexpected end of data");
        for (uint32_t i = 0; i < bp->n_pal; i++) {
            bp->pal[i * 3 + 0] = pal[i * esz + 2];
            bp->pal[i * 3 + 1] = pal[i * esz + 1];
            bp->pal[i * 3 + 2] = pal[i * esz + 0];
        }
    }
    bp->n_ch = bpp == 32 ? 4 : 3;
    VFX_TRY(vfx__simple_part(rd, bp->width, bp->height, VFX_ACCESS_WHOLE_IMAGE, bp->width,
                             bp->height));
    vfx_spec *sp = &rd->parts[0].spec;
    VFX_TRY(vfx_channels_from_names(bp->n_ch == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_U8,
                                    &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        static const char *const cn[] = { "none", "rle8", "rle4", "bitfields", "", "", "bitfields" };
        VFX_TRY(vfx_attrs_set_string(sp->attrs, "compression", cn[c]));
        if (hs >= 40) {
            int32_t xr = (int32_t) le32(h + 38), yr = (int32_t) le32(h + 42);
            if (xr > 0 && yr > 0) {
                VFX_TRY(vfx_attrs_set_float(sp->attrs, "XResolution", (float) xr));
                VFX_TRY(vfx_attrs_set_float(sp->attrs, "YResolution", (float) yr));
                VFX_TRY(vfx_attrs_set_string(sp->attrs, "ResolutionUnit", "m"));
            }
        }
    }
    return VFX_OK;
}

/* ---- decoding ----------------------------------------------------------------------------- */

static uint8_t
mask_value(uint32_t px, uint32_t mask)
{
    if (mask == 0)
        return 0;
    int sh = 0;
    while (!(mask >> sh & 1))
        sh++;
    uint32_t v = (px & mask) >> sh;
    int bits = 0;
    while (bits < 32 && (mask >> sh) >> bits & 1)
        bits++;
    if (bits >= 8)
        return (uint8_t) (v >> (bits - 8));
    /* bit replication, as OIIO and most readers: 5 bits abcde -> abcdeabc */
    uint32_t out = 0;
    for (int have = 0; have < 8; have += bits)
        out = out << bits | v;
    return (uint8_t) (out >> (((8 + bits - 1) / bits) * bits - 8));
}

/* RLE8 / RLE4 into an index image (bottom-up row order as in the file). */
static vfx_status
decode_rle(const bmp_priv *bp, const uint8_t *s, size_t n, uint8_t *idx)
{
    int32_t w = bp->width, h = bp->height;
    int32_t x = 0, y = 0;
    size_t i = 0;
    int four = bp->comp == 2;
    while (i + 1 < n) {
        uint32_t a = s[i], b = s[i + 1];
        i += 2;
        if (a > 0) { /* a run of a pixels */
            if (y >= h || (int64_t) x + a > w)
                return vfx__fail(VFX_ERR_CORRUPT, "RLE run leaves the image at row %d", y);
            for (uint32_t k = 0; k < a; k++)
                idx[(size_t) y * (size_t) w + (size_t) x + k] =
                    (uint8_t) (four ? (k & 1 ? b & 15 : b >> 4) : b);
            x += (int32_t) a;
        } else if (b == 0) { /* end of line */
            x = 0;
            y++;
        } else if (b == 1) { /* end of bitmap */
            return VFX_OK;
        } else if (b == 2) { /* delta */
            if (i + 1 >= n)
                break;
            x += s[i];
            y += s[i + 1];
            i += 2;
            if (x > w || y > h)
                return vfx__fail(VFX_ERR_CORRUPT, "RLE delta leaves the image");
        } else { /* b literal pixels, padded to 16 bits */
            size_t bytes = four ? (b + 1) / 2 : b;
            if (i + bytes > n)
                break;
            if (y >= h || (int64_t) x + b > w)
                return vfx__fail(VFX_ERR_CORRUPT, "RLE literal leaves the image at row %d", y);
            for (uint32_t k = 0; k < b; k++)
                idx[(size_t) y * (size_t) w + (size_t) x + k] =
                    (uint8_t) (four ? (k & 1 ? s[i + k / 2] & 15 : s[i + k / 2] >> 4) : s[i + k]);
            x += (int32_t) b;
            i += (bytes + 1) & ~(size_t) 1;
        }
    }
    return vfx__fail(VFX_ERR_CORRUPT, "RLE data ends without an end-of-bitmap code");
}

static vfx_status
decode_whole(vfx__rd *rd, bmp_priv *bp)
{
    int32_t w = bp->width, h = bp->height;
    size_t npx = (size_t) w * (size_t) h;
    uint64_t stride = (((uint64_t) w * (uint64_t) bp->bpp + 31) / 32) * 4;
    uint64_t avail = rd->file_size > (int64_t) bp->data_offset
                         ? (uint64_t) rd->file_size - bp->data_offset
                         : 0;
    int rle = bp->comp == 1 || bp->comp == 2;
    uint64_t want = rle ? avail : stride * (uint64_t) h;
    if (rd->file_size < 0 && rle)
        want = stride * (uint64_t) h * 2 + 1024;
    if (want > ((uint64_t) 1 << 31))
        return vfx__fail(VFX_ERR_LIMIT, "pixel data too large");
    uint8_t *src = vfx__alloc((size_t) want + 1);
    uint8_t *img = vfx__alloc(npx * (size_t) bp->n_ch);
    uint8_t *idx = rle ? vfx__calloc(npx, 1) : NULL;
    vfx_status s = VFX_OK;
    if (!src || !img || (rle && !idx)) {
        s = vfx__nomem();
        goto done;
    }
    int64_t got = vfx__rd_read(rd, src, want, bp->data_offset);
    if (got < 0) {
        s = vfx__fail(VFX_ERR_IO, "read failed");
        goto done;
    }
    if (!rle && (uint64_t) got < want) {
        s = vfx__fail(VFX_ERR_CORRUPT, "pixel data: %" PRId64 " of %" PRIu64 " bytes", got, want);
        goto done;
    }
    if (rle && (s = decode_rle(bp, src, (size_t) got, idx)) != VFX_OK)
        goto done;
    for (int32_t y = 0; y < h; y++) {
        int32_t fy = bp->top_down ? y : h - 1 - y; /* file row of image row y */
        uint8_t *q = img + (size_t) y * (size_t) w * (size_t) bp->n_ch;
        const uint8_t *r = src + (size_t) fy * stride;
        for (int32_t x = 0; x < w; x++, q += bp->n_ch) {
            uint32_t i;
            switch (rle ? 0 : bp->bpp) {
            case 0: i = idx[(size_t) fy * (size_t) w + (size_t) x]; goto pal;
            case 1: i = r[x >> 3] >> (7 - (x & 7)) & 1; goto pal;
            case 4: i = x & 1 ? r[x >> 1] & 15 : r[x >> 1] >> 4; goto pal;
            case 8: i = r[x];
            pal:
                if (i >= bp->n_pal)
                    i = 0;
                memcpy(q, bp->pal + i * 3, 3);
                break;
            case 24:
                q[0] = r[x * 3 + 2];
                q[1] = r[x * 3 + 1];
                q[2] = r[x * 3 + 0];
                break;
            default: { /* 16 / 32 with masks */
                uint32_t px = bp->bpp == 16 ? le16(r + x * 2) : le32(r + x * 4);
                q[0] = mask_value(px, bp->mask[0]);
                q[1] = mask_value(px, bp->mask[1]);
                q[2] = mask_value(px, bp->mask[2]);
                if (bp->n_ch == 4)
                    q[3] = bp->mask[3] ? mask_value(px, bp->mask[3]) : 255;
            }
            }
        }
    }
    bp->whole = img;
    img = NULL;
    vfx__rd_count_chunks(rd, 1);
done:
    vfx__free(src);
    vfx__free(img);
    vfx__free(idx);
    return s;
}

static vfx_status
bmp_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    bmp_priv *bp = rd->priv;
    pthread_mutex_lock(&bp->lock);
    vfx_status s = bp->whole ? VFX_OK : decode_whole(rd, bp);
    pthread_mutex_unlock(&bp->lock);
    VFX_TRY(s);
    return vfx__req_put_block(req, bp->whole, VFX_PIXEL_U8, bp->n_ch, 0, 0,
                              (size_t) bp->width * (size_t) bp->n_ch);
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct bmp_enc {
    int32_t  n_ch, out_ch, width, height;
    uint32_t data, stride;
    uint8_t *row, *line;
} bmp_enc;

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
    p[3] = (uint8_t) (v >> 24);
}

static vfx_status
bmp_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc != 1 && nc != 3 && nc != 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "BMP writer stores 1, 3 or 4 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "BMP cannot be tiled");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    int out_ch = nc == 4 ? 4 : 3;
    uint64_t stride = (((uint64_t) w * (uint64_t) out_ch * 8 + 31) / 32) * 4;
    uint32_t hs = nc == 4 ? 124 : 40, data = 14 + hs;
    if (w > INT32_MAX || h > INT32_MAX || data + stride * (uint64_t) h > UINT32_MAX)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "image too large for BMP");
    bmp_enc *be = vfx__calloc(1, sizeof *be);
    if (!be)
        return vfx__nomem();
    wr->priv = be;
    be->n_ch = nc;
    be->out_ch = out_ch;
    be->width = (int32_t) w;
    be->height = (int32_t) h;
    be->data = data;
    be->stride = (uint32_t) stride;
    be->row = vfx__alloc((size_t) w * (size_t) nc);
    be->line = vfx__calloc(1, (size_t) stride);
    if (!be->row || !be->line)
        return vfx__nomem();
    uint8_t hd[14 + 124];
    memset(hd, 0, sizeof hd);
    hd[0] = 'B';
    hd[1] = 'M';
    put32(hd + 2, (uint32_t) (data + stride * (uint64_t) h));
    put32(hd + 10, data);
    put32(hd + 14, hs);
    put32(hd + 18, (uint32_t) w);
    put32(hd + 22, (uint32_t) h);
    hd[26] = 1;
    hd[28] = (uint8_t) (out_ch * 8);
    put32(hd + 30, nc == 4 ? 3 : 0);
    put32(hd + 34, (uint32_t) (stride * (uint64_t) h));
    put32(hd + 38, 2835); /* 72 dpi */
    put32(hd + 42, 2835);
    if (nc == 4) {
        put32(hd + 54, 0x00FF0000);
        put32(hd + 58, 0x0000FF00);
        put32(hd + 62, 0x000000FF);
        put32(hd + 66, 0xFF000000);
        memcpy(hd + 70, "BGRs", 4); /* LCS_sRGB, stored little endian */
        put32(hd + 122, 4);         /* bV5Intent: LCS_GM_IMAGES */
    }
    VFX_TRY(vfx__wr_write(wr, hd, data, 0));
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, be->width, 32, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (be->height + 31) / 32 };
    return VFX_OK;
}

static vfx_status
bmp_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    bmp_enc *be = wr->priv;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, be->row, VFX_PIXEL_U8, be->width, be->n_ch));
        for (int32_t x = 0; x < be->width; x++) {
            const uint8_t *p = be->row + (size_t) x * (size_t) be->n_ch;
            uint8_t *q = be->line + (size_t) x * (size_t) be->out_ch;
            q[0] = p[be->n_ch == 1 ? 0 : 2];
            q[1] = p[be->n_ch == 1 ? 0 : 1];
            q[2] = p[0];
            if (be->out_ch == 4)
                q[3] = p[3];
        }
        uint64_t fy = (uint64_t) (be->height - 1 - (y - wr->spec.data.y0));
        VFX_TRY(vfx__wr_write(wr, be->line, be->stride, be->data + fy * be->stride));
    }
    return VFX_OK;
}

static vfx_status
bmp_write_close(vfx__wr *wr, int failed)
{
    (void) failed;
    bmp_enc *be = wr->priv;
    if (!be)
        return VFX_OK;
    vfx__free(be->row);
    vfx__free(be->line);
    vfx__free(be);
    wr->priv = NULL;
    return VFX_OK;
}

const vfx_format vfx__fmt_bmp = {
    .size = sizeof(vfx_format),
    .name = "bmp",
    .tag = "bmp",
    .extensions = "bmp,dib",
    .probe = bmp_probe,
    .open = bmp_open,
    .read_rect = bmp_read_rect,
    .close = bmp_close,
    .write_open = bmp_write_open,
    .write_rect = bmp_write_rect,
    .write_close = bmp_write_close,
    .description = "BMP (own code): 1-32 bit, RLE4/RLE8, bit fields, V4/V5 alpha",
    .write_notes = "u8; 1 or 3 channels as 24-bit, 4 as 32-bit BGRA (V4 header with alpha mask)",
};
