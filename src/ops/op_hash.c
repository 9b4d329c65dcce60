/* Pixel hash as oiiotool --hash (OIIO's computePixelHashSHA1 with no extra info and one block):
 * the SHA-1 of the data window's pixels in the image's own pixel type, channels interleaved,
 * rows top to bottom, no padding. The image is rendered in strips of rows, so any size
 * streams. SHA-1 (FIPS 180-4) is written here: none of our Debian dependencies exports one we
 * could rely on (OpenSSL is not a dependency; libtiff, libheif, minizip keep theirs private). */
#include <string.h>

#include "graph/graph_int.h"
#include "vfx/ops.h"

typedef struct sha1_ctx {
    uint32_t h[5];
    uint64_t len; /* bytes so far */
    uint8_t  buf[64];
    uint32_t n;   /* bytes in buf */
} sha1_ctx;

static uint32_t
rol(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 |
               (uint32_t) p[4 * i + 2] << 8 | (uint32_t) p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5A827999u;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1u;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDCu;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6u;
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

static void
sha1_init(sha1_ctx *s)
{
    static const uint32_t h0[5] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
                                    0xC3D2E1F0u };
    memset(s, 0, sizeof *s);
    memcpy(s->h, h0, sizeof h0);
}

static void
sha1_update(sha1_ctx *s, const uint8_t *p, size_t n)
{
    s->len += n;
    if (s->n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += (uint32_t) k, p += k, n -= k;
        if (s->n < 64)
            return;
        sha1_block(s->h, s->buf);
        s->n = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        sha1_block(s->h, p);
    memcpy(s->buf, p, n);
    s->n = (uint32_t) n;
}

static void
sha1_final(sha1_ctx *s, uint8_t out[20])
{
    uint64_t bits = s->len * 8;
    uint8_t  pad[72] = { 0x80 };
    size_t   np = (s->n < 56 ? 56 : 120) - s->n;
    for (int i = 0; i < 8; i++)
        pad[np + (size_t) i] = (uint8_t) (bits >> (56 - 8 * i));
    sha1_update(s, pad, np + 8);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t) (s->h[i] >> (24 - 8 * j));
}

/* The type OIIO hashes: the channels' common type (float when they differ). */
static vfx_pixel_type
native_type(const vfx_spec *sp)
{
    vfx_pixel_type t = VFX_PIXEL_UNKNOWN;
    int32_t        n = sp->channels ? vfx_channels_count(sp->channels) : 0;
    for (int32_t i = 0; i < n; i++) {
        vfx_channel_info ci;
        if (vfx_channels_get(sp->channels, i, &ci) != VFX_OK)
            return VFX_PIXEL_F32;
        if (t == VFX_PIXEL_UNKNOWN)
            t = ci.type;
        else if (t != ci.type)
            return VFX_PIXEL_F32;
    }
    return t == VFX_PIXEL_UNKNOWN ? VFX_PIXEL_F32 : t;
}

vfx_status
vfx_image_hash_sha1(vfx_image *im, char out[41])
{
    if (!im || !out)
        return vfx__fail(VFX_ERR_ARG, "hash: NULL argument");
    out[0] = '\0';
    vfx_rect rod = vfx_image_rod(im);
    if (vfx_rect_is_infinite(rod))
        return vfx__fail(VFX_ERR_ARG, "hash: the image's RoD is infinite (crop it first)");
    vfx_pixel_type t = native_type(vfx_image_spec(im));
    int32_t        nc = vfx_image_n_channels(im);
    int64_t        w = vfx_rect_width(rod), h = vfx_rect_height(rod);
    size_t         row = (size_t) w * (size_t) nc * vfx_pixel_type_size(t);
    int64_t        strip = row ? (int64_t) ((16u << 20) / row) : 1; /* ~16 MiB per strip */
    strip = strip < 1 ? 1 : strip > h ? (h > 0 ? h : 1) : strip;
    uint8_t *buf = row ? vfx__alloc(row * (size_t) strip) : NULL;
    if (row && !buf)
        return vfx__nomem();
    sha1_ctx   ctx;
    vfx_status s = VFX_OK;
    sha1_init(&ctx);
    for (int64_t y = 0; row && y < h && s == VFX_OK; y += strip) {
        int64_t  n = h - y < strip ? h - y : strip;
        vfx_rect r = { rod.x0, rod.y0 + (int32_t) y, rod.x1, rod.y0 + (int32_t) (y + n) };
        s = vfx_image_render(im, r, buf, t, (ptrdiff_t) (row / (size_t) w), (ptrdiff_t) row, nc,
                             NULL);
        if (s == VFX_OK)
            sha1_update(&ctx, buf, row * (size_t) n);
    }
    vfx__free(buf);
    if (s != VFX_OK)
        return s;
    uint8_t d[20];
    sha1_final(&ctx, d);
    for (int i = 0; i < 20; i++) {
        out[2 * i] = "0123456789ABCDEF"[d[i] >> 4];
        out[2 * i + 1] = "0123456789ABCDEF"[d[i] & 15];
    }
    out[40] = '\0';
    return VFX_OK;
}
