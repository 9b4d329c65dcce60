/* Truevision TGA, written here: small and strict (no Debian library reads and writes it).
 *
 * Reading: image types 1/9 (colour-mapped), 2/10 (true colour) and 3/11 (grey), raw or RLE
 * (packets may cross rows, as TGA 1.0 writers did). Pixel depths: grey 8 ("Y") and 16 ("Y,A"),
 * true colour 15/16 (5-5-5, plus the attribute bit as alpha when the descriptor gives alpha
 * bits), 24 ("R,G,B") and 32 ("R,G,B,A"); colour maps of 15/16/24/32-bit entries indexed by
 * 8- or 16-bit pixels (an index outside the stored map gives black, see tga_pixel()); the
 * first-entry index of the header is honoured. All samples come back as u8; 5-bit samples scale by bit replication, as
 * OpenImageIO does. The descriptor's origin bits (right-to-left, top-to-bottom) are honoured.
 *
 * TGA 2.0: when the 26-byte footer "TRUEVISION-XFILE." points to an extension area of at
 * least 495 bytes, "Artist", "ImageDescription", "DateTime", "DocumentName", "Software",
 * "PixelAspectRatio" and the alpha type ("targa:AlphaType": 0 none, 1 undefined-ignore,
 * 2 undefined-retain, 3 straight, 4 premultiplied) are read. The image ID becomes
 * "targa:ImageID".
 *
 * Alpha policy (as PNG): values come back as stored. "UnassociatedAlpha" is 1 unless the
 * extension area says premultiplied (type 4), then 0. The alpha channel is present whenever
 * the pixel layout stores one (so a 32-bit file whose extension says "no alpha" still has an
 * "A" channel, as OpenImageIO reads it; its type is in "targa:AlphaType").
 *
 * Access: raw images are VFX_ACCESS_RANDOM_STRIPS of 64 rows (any strip reads straight from
 * its file offset, whatever the row order); RLE images are VFX_ACCESS_WHOLE_IMAGE (the packet
 * stream is not addressable by row): the first read decodes everything into a buffer kept
 * until close, under a mutex.
 *
 * Strictness: unknown image types or depths, colour maps on grey images, missing maps on
 * colour-mapped images, zero or huge sizes, pixel data or colour maps past the end of the
 * file, and RLE streams that end early are VFX_ERR_CORRUPT (a clear message names the file).
 *
 * Writing: 1 channel -> grey 8, 2 -> grey+alpha 16, 3 -> BGR 24, 4 -> BGRA 32 (8 alpha bits),
 * u8 (anything else converted), top-left origin so rows stream top to bottom. Compression
 * "rle" (the default; packets never cross rows, as TGA 2.0 asks) or "none". A TGA 2.0 footer
 * and extension area carry "Artist", "ImageDescription", "DocumentName", "Software" ("vfx"
 * when absent) and the alpha type (3, or 4 when the spec says "UnassociatedAlpha" = 0). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

#define TGA_STRIP_ROWS 64
#define TGA_EXT_SIZE   495

static uint32_t
le16(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8;
}

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

typedef struct tga_priv {
    pthread_mutex_t lock;
    int32_t         width, height, n_ch;
    int             kind;     /* 1 colour-mapped, 2 true colour, 3 grey */
    int             rle;
    int             bpp;      /* stored bits per pixel */
    int             bytespp;  /* stored bytes per pixel */
    int             alpha16;  /* 15/16-bit true colour with an alpha bit */
    int             right_to_left, top_down;
    uint64_t        data_offset;
    uint32_t        map_first, map_len;
    uint8_t        *map;      /* map_len entries of n_ch u8 */
    uint8_t        *whole;    /* RLE: decoded image, n_ch u8 per pixel, top row first */
} tga_priv;

static int
tga_probe(const uint8_t *head, size_t n)
{
    /* TGA has no magic number: check the header fields hard and score low. */
    if (n < 18)
        return 0;
    int cmap = head[1], type = head[2], bpp = head[16];
    uint32_t w = le16(head + 12), h = le16(head + 14);
    if (cmap > 1 || w == 0 || h == 0 || (head[17] & 0xC0) != 0)
        return 0;
    int ok = 0;
    switch (type) {
    case 1:
    case 9:
        ok = cmap == 1 && (bpp == 8 || bpp == 16) &&
             (head[7] == 15 || head[7] == 16 || head[7] == 24 || head[7] == 32);
        break;
    case 2:
    case 10: ok = bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32; break;
    case 3:
    case 11: ok = cmap == 0 && (bpp == 8 || bpp == 16); break;
    default: break;
    }
    return ok ? 30 : 0;
}

static void
tga_close(vfx__rd *rd)
{
    tga_priv *tp = rd->priv;
    if (!tp)
        return;
    pthread_mutex_destroy(&tp->lock);
    vfx__free(tp->map);
    vfx__free(tp->whole);
    vfx__free(tp);
    rd->priv = NULL;
}

static uint8_t
bits5(uint32_t v)
{
    v &= 31;
    return (uint8_t) (v << 3 | v >> 2);
}

/* One stored colour (true-colour pixel or colour-map entry) of @p bits to n_ch u8. */
static void
colour(const uint8_t *s, int bits, int alpha16, int n_ch, uint8_t *q)
{
    if (bits == 15 || bits == 16) {
        uint32_t v = le16(s);
        q[0] = bits5(v >> 10);
        q[1] = bits5(v >> 5);
        q[2] = bits5(v);
        if (n_ch == 4)
            q[3] = alpha16 && (v & 0x8000) ? 255 : alpha16 ? 0 : 255;
    } else {
        q[0] = s[2];
        q[1] = s[1];
        q[2] = s[0];
        if (n_ch == 4)
            q[3] = bits == 32 ? s[3] : 255;
    }
}

/* One stored pixel to n_ch u8. A colour-map index outside the stored entries gives black
 * (and transparent): the file is damaged there, but the rest of the image is still good. */
static void
tga_pixel(const tga_priv *tp, const uint8_t *s, uint8_t *q)
{
    switch (tp->kind) {
    case 3:
        q[0] = s[0];
        if (tp->n_ch == 2)
            q[1] = s[1];
        break;
    case 2: colour(s, tp->bpp, tp->alpha16, tp->n_ch, q); break;
    default: {
        uint32_t i = tp->bytespp == 1 ? s[0] : le16(s);
        if (i >= tp->map_first && i - tp->map_first < tp->map_len)
            memcpy(q, tp->map + (size_t) (i - tp->map_first) * (size_t) tp->n_ch,
                   (size_t) tp->n_ch);
        else
            memset(q, 0, (size_t) tp->n_ch);
    }
    }
}

/* Convert one file row of raw pixels to an image row (honouring right-to-left). */
static void
convert_row(const tga_priv *tp, const uint8_t *s, uint8_t *q)
{
    int32_t w = tp->width;
    for (int32_t x = 0; x < w; x++) {
        int32_t ix = tp->right_to_left ? w - 1 - x : x;
        tga_pixel(tp, s + (size_t) x * (size_t) tp->bytespp, q + (size_t) ix * (size_t) tp->n_ch);
    }
}

static vfx_status
read_string(vfx__rd *rd, vfx_attrs *a, const char *name, const uint8_t *s, size_t n)
{
    char buf[400];
    size_t k = 0;
    while (k < n && k < sizeof buf - 1 && s[k])
        k++;
    while (k > 0 && (s[k - 1] == ' '))
        k--;
    if (k == 0 || (rd->flags & VFX_READ_NO_METADATA))
        return VFX_OK;
    memcpy(buf, s, k);
    buf[k] = 0;
    return vfx_attrs_set_string(a, name, buf);
}

/* The TGA 2.0 extension area, when the footer names one. Damage here is not fatal: the
 * extension area only carries metadata, so a bad offset just means no metadata. */
static vfx_status
read_extension(vfx__rd *rd, tga_priv *tp, vfx_attrs *a, int *alpha_type)
{
    (void) tp;
    *alpha_type = -1;
    if (rd->file_size < 18 + 26)
        return VFX_OK;
    uint8_t f[26];
    if (vfx__rd_read(rd, f, 26, (uint64_t) rd->file_size - 26) != 26 ||
        memcmp(f + 8, "TRUEVISION-XFILE.", 17) != 0)
        return VFX_OK;
    uint32_t off = le32(f);
    if (off < 18 || (uint64_t) off + TGA_EXT_SIZE > (uint64_t) rd->file_size - 26)
        return VFX_OK;
    uint8_t e[TGA_EXT_SIZE];
    if (vfx__rd_read(rd, e, sizeof e, off) != (int64_t) sizeof e || le16(e) < TGA_EXT_SIZE)
        return VFX_OK;
    *alpha_type = e[494];
    if (rd->flags & VFX_READ_NO_METADATA)
        return VFX_OK;
    VFX_TRY(read_string(rd, a, "Artist", e + 2, 41));
    /* four comment lines of 81 bytes each */
    char desc[4 * 81 + 4];
    size_t dn = 0;
    for (int l = 0; l < 4; l++) {
        const uint8_t *s = e + 43 + l * 81;
        size_t k = 0;
        while (k < 80 && s[k])
            k++;
        if (k == 0)
            continue;
        if (dn)
            desc[dn++] = '\n';
        memcpy(desc + dn, s, k);
        dn += k;
    }
    desc[dn] = 0;
    if (dn)
        VFX_TRY(vfx_attrs_set_string(a, "ImageDescription", desc));
    uint32_t mo = le16(e + 367), dd = le16(e + 369), yy = le16(e + 371);
    uint32_t hh = le16(e + 373), mi = le16(e + 375), ss = le16(e + 377);
    if (mo | dd | yy | hh | mi | ss) {
        char dt[64];
        snprintf(dt, sizeof dt, "%04u:%02u:%02u %02u:%02u:%02u", yy, mo, dd, hh, mi, ss);
        VFX_TRY(vfx_attrs_set_string(a, "DateTime", dt));
    }
    VFX_TRY(read_string(rd, a, "DocumentName", e + 379, 41));
    if (e[426]) {
        char sw[64];
        size_t k = 0;
        while (k < 40 && e[426 + k])
            k++;
        while (k > 0 && e[426 + k - 1] == ' ')
            k--;
        uint32_t ver = le16(e + 467);
        char letter = (char) e[469];
        if (ver)
            snprintf(sw, sizeof sw, "%.*s %u.%02u%c", (int) k, (const char *) e + 426, ver / 100,
                     ver % 100, letter > ' ' && letter < 127 ? letter : 0);
        else
            snprintf(sw, sizeof sw, "%.*s", (int) k, (const char *) e + 426);
        VFX_TRY(vfx_attrs_set_string(a, "Software", sw));
    }
    uint32_t an = le16(e + 474), ad = le16(e + 476);
    if (an && ad)
        VFX_TRY(vfx_attrs_set_float(a, "PixelAspectRatio", (float) an / (float) ad));
    VFX_TRY(vfx_attrs_set_int(a, "targa:AlphaType", e[494]));
    return VFX_OK;
}

static vfx_status
tga_open(vfx__rd *rd)
{
    tga_priv *tp = vfx__calloc(1, sizeof *tp);
    if (!tp)
        return vfx__nomem();
    if (pthread_mutex_init(&tp->lock, NULL) != 0) {
        vfx__free(tp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = tp;
    uint8_t h[18];
    int64_t got = vfx__rd_read(rd, h, sizeof h, 0);
    if (got != (int64_t) sizeof h)
        return vfx__fail(VFX_ERR_CORRUPT, "header: only %d of 18 bytes",
                         (int) (got < 0 ? 0 : got));
    int idlen = h[0], cmap = h[1], type = h[2];
    uint32_t map_first = le16(h + 3), map_len = le16(h + 5);
    int map_bits = h[7];
    int32_t w = (int32_t) le16(h + 12), ht = (int32_t) le16(h + 14);
    int bpp = h[16], desc = h[17];
    if (type != 1 && type != 2 && type != 3 && type != 9 && type != 10 && type != 11)
        return vfx__fail(type == 0 ? VFX_ERR_CORRUPT : VFX_ERR_UNSUPPORTED,
                         "image type %d (vfx reads 1-3 and 9-11)", type);
    if (cmap > 1)
        return vfx__fail(VFX_ERR_CORRUPT, "colour map type %d", cmap);
    tp->kind = type & 7;
    tp->rle = type >= 9;
    tp->bpp = bpp;
    tp->right_to_left = desc >> 4 & 1;
    tp->top_down = desc >> 5 & 1;
    int alpha_bits = desc & 15;
    switch (tp->kind) {
    case 1:
        if (!cmap || map_len == 0)
            return vfx__fail(VFX_ERR_CORRUPT, "colour-mapped image without a colour map");
        if (bpp != 8 && bpp != 16)
            return vfx__fail(VFX_ERR_CORRUPT, "colour-map index of %d bits", bpp);
        break;
    case 2:
        if (bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32)
            return vfx__fail(VFX_ERR_CORRUPT, "true-colour pixel of %d bits", bpp);
        break;
    default:
        if (cmap)
            return vfx__fail(VFX_ERR_CORRUPT, "grey image with a colour map");
        if (bpp != 8 && bpp != 16)
            return vfx__fail(VFX_ERR_CORRUPT, "grey pixel of %d bits", bpp);
        break;
    }
    tp->bytespp = (bpp + 7) / 8;
    VFX_TRY(vfx__check_size(rd, w, ht));
    tp->width = w;
    tp->height = ht;
    uint64_t off = 18 + (uint64_t) idlen;
    /* the colour map follows the image ID; it is present (and must be skipped) whenever the
     * map type is 1, even for true-colour images */
    if (cmap) {
        if (map_bits != 15 && map_bits != 16 && map_bits != 24 && map_bits != 32)
            return vfx__fail(VFX_ERR_CORRUPT, "colour-map entries of %d bits", map_bits);
        size_t esz = (size_t) (map_bits + 7) / 8;
        size_t mbytes = esz * map_len;
        if (tp->kind == 1) {
            int n_ch = map_bits == 32 ? 4 : 3;
            uint8_t *raw = vfx__alloc(mbytes);
            tp->map = vfx__alloc((size_t) map_len * (size_t) n_ch);
            if (!raw || !tp->map) {
                vfx__free(raw);
                return vfx__nomem();
            }
            int64_t g = vfx__rd_read(rd, raw, mbytes, off);
            if (g != (int64_t) mbytes) {
                vfx__free(raw);
                return vfx__fail(VFX_ERR_CORRUPT, "colour map: unexpected end of data");
            }
            for (uint32_t i = 0; i < map_len; i++)
                colour(raw + i * esz, map_bits, 0, n_ch, tp->map + (size_t) i * (size_t) n_ch);
            vfx__free(raw);
            tp->map_first = map_first;
            tp->map_len = map_len;
            tp->n_ch = n_ch;
        }
        off += mbytes;
    }
    if (tp->kind == 2) {
        tp->alpha16 = (bpp == 16 || bpp == 15) && alpha_bits > 0;
        tp->n_ch = bpp == 32 || tp->alpha16 ? 4 : 3;
    } else if (tp->kind == 3) {
        tp->n_ch = bpp == 16 ? 2 : 1;
    }
    tp->data_offset = off;
    uint64_t raw_bytes = (uint64_t) w * (uint64_t) ht * (uint64_t) tp->bytespp;
    if (rd->file_size >= 0) {
        uint64_t fs = (uint64_t) rd->file_size;
        if (off >= fs || (!tp->rle && raw_bytes > fs - off))
            return vfx__fail(VFX_ERR_CORRUPT, "pixel data: file ends at %" PRIu64
                                              " bytes, %" PRIu64 " needed", fs,
                             off + (tp->rle ? 1 : raw_bytes));
        /* an RLE packet of 1 + bytespp bytes makes at most 128 pixels: refuse sizes the
         * data cannot hold before allocating for them */
        uint64_t most = (fs - off) / (1 + (uint64_t) tp->bytespp) * 128 + 128;
        if (tp->rle && (uint64_t) w * (uint64_t) ht > most)
            return vfx__fail(VFX_ERR_CORRUPT,
                             "%d x %d pixels cannot fit in %" PRIu64 " bytes of RLE data", w, ht,
                             fs - off);
    }
    VFX_TRY(vfx__simple_part(rd, w, ht, tp->rle ? VFX_ACCESS_WHOLE_IMAGE : VFX_ACCESS_RANDOM_STRIPS,
                             w, tp->rle ? ht : (ht < TGA_STRIP_ROWS ? ht : TGA_STRIP_ROWS)));
    vfx_spec *sp = &rd->parts[0].spec;
    static const char *const names[] = { "", "Y", "Y,A", "R,G,B", "R,G,B,A" };
    VFX_TRY(vfx_channels_from_names(names[tp->n_ch], VFX_PIXEL_U8, &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    int alpha_type = -1;
    VFX_TRY(read_extension(rd, tp, sp->attrs, &alpha_type));
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        VFX_TRY(vfx_attrs_set_string(sp->attrs, "compression", tp->rle ? "rle" : "none"));
        if (idlen) {
            uint8_t id[256];
            if (vfx__rd_read(rd, id, (uint64_t) idlen, 18) == idlen)
                VFX_TRY(read_string(rd, sp->attrs, "targa:ImageID", id, (size_t) idlen));
        }
        if (tp->n_ch == 2 || tp->n_ch == 4)
            VFX_TRY(vfx_attrs_set_int(sp->attrs, "UnassociatedAlpha", alpha_type == 4 ? 0 : 1));
    }
    return VFX_OK;
}

/* ---- decoding ----------------------------------------------------------------------------- */

/* RLE: decode the whole packet stream into raw pixels (file row order), then convert. */
static vfx_status
decode_rle(vfx__rd *rd, tga_priv *tp)
{
    size_t bpp = (size_t) tp->bytespp;
    size_t npx = (size_t) tp->width * (size_t) tp->height;
    uint64_t avail = rd->file_size >= 0 ? (uint64_t) rd->file_size - tp->data_offset
                                        : (uint64_t) npx * (bpp + 1) + 1;
    /* the worst RLE case is one header byte per pixel */
    uint64_t cap = (uint64_t) npx * (bpp + 1);
    if (avail > cap)
        avail = cap;
    uint8_t *src = vfx__alloc((size_t) avail + 1);
    uint8_t *raw = vfx__alloc(npx * bpp);
    uint8_t *img = vfx__alloc(npx * (size_t) tp->n_ch);
    vfx_status s = VFX_OK;
    if (!src || !raw || !img) {
        s = vfx__nomem();
        goto done;
    }
    int64_t got = vfx__rd_read(rd, src, avail, tp->data_offset);
    if (got < 0) {
        s = vfx__fail(VFX_ERR_IO, "read failed");
        goto done;
    }
    size_t n = (size_t) got, i = 0, p = 0;
    while (p < npx) {
        if (i >= n) {
            s = vfx__fail(VFX_ERR_CORRUPT, "RLE data ends after %zu of %zu pixels", p, npx);
            goto done;
        }
        size_t c = (size_t) (src[i] & 127) + 1;
        int run = src[i++] & 128;
        if (c > npx - p)
            c = npx - p; /* a packet running past the last pixel: keep what fits */
        size_t need = run ? bpp : c * bpp;
        if (need > n - i) {
            s = vfx__fail(VFX_ERR_CORRUPT, "RLE data ends after %zu of %zu pixels", p, npx);
            goto done;
        }
        if (run) {
            for (size_t k = 0; k < c; k++)
                memcpy(raw + (p + k) * bpp, src + i, bpp);
        } else {
            memcpy(raw + p * bpp, src + i, c * bpp);
        }
        i += need;
        p += c;
    }
    size_t row = (size_t) tp->width * bpp, orow = (size_t) tp->width * (size_t) tp->n_ch;
    for (int32_t fy = 0; fy < tp->height; fy++) {
        int32_t y = tp->top_down ? fy : tp->height - 1 - fy;
        convert_row(tp, raw + (size_t) fy * row, img + (size_t) y * orow);
    }
    tp->whole = img;
    img = NULL;
    vfx__rd_count_chunks(rd, 1);
done:
    vfx__free(src);
    vfx__free(raw);
    vfx__free(img);
    return s;
}

static vfx_status
tga_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    tga_priv *tp = rd->priv;
    if (tp->rle) {
        pthread_mutex_lock(&tp->lock);
        vfx_status s = tp->whole ? VFX_OK : decode_rle(rd, tp);
        pthread_mutex_unlock(&tp->lock);
        VFX_TRY(s);
        return vfx__req_put_block(req, tp->whole, VFX_PIXEL_U8, tp->n_ch, 0, 0,
                                  (size_t) tp->width * (size_t) tp->n_ch);
    }
    /* raw: read the file rows covering the rect's strips in one go */
    int32_t y0 = req->rect.y0 / TGA_STRIP_ROWS * TGA_STRIP_ROWS;
    int32_t y1 = VFX__MIN(tp->height, (req->rect.y1 + TGA_STRIP_ROWS - 1) / TGA_STRIP_ROWS *
                                          TGA_STRIP_ROWS);
    int32_t fy0 = tp->top_down ? y0 : tp->height - y1; /* first file row */
    size_t nrows = (size_t) (y1 - y0);
    size_t row = (size_t) tp->width * (size_t) tp->bytespp;
    size_t orow = (size_t) tp->width * (size_t) tp->n_ch;
    uint8_t *raw = vfx__alloc(nrows * row);
    uint8_t *img = vfx__alloc(nrows * orow);
    vfx_status s = VFX_OK;
    if (!raw || !img) {
        s = vfx__nomem();
        goto done;
    }
    uint64_t at = tp->data_offset + (uint64_t) fy0 * row;
    int64_t got = vfx__rd_read(rd, raw, nrows * row, at);
    if (got != (int64_t) (nrows * row)) {
        s = got < 0 ? vfx__fail(VFX_ERR_IO, "rows %d-%d: read failed", y0, y1 - 1)
                    : vfx__fail(VFX_ERR_CORRUPT, "rows %d-%d: unexpected end of data", y0,
                                y1 - 1);
        goto done;
    }
    for (size_t k = 0; k < nrows; k++) {
        /* file row fy0 + k is image row y0 + k (top-down) or y1 - 1 - k (bottom-up) */
        size_t oy = tp->top_down ? k : nrows - 1 - k;
        convert_row(tp, raw + k * row, img + oy * orow);
    }
    vfx__rd_count_chunks(rd, (int64_t) ((nrows + TGA_STRIP_ROWS - 1) / TGA_STRIP_ROWS));
    s = vfx__req_put_block(req, img, VFX_PIXEL_U8, tp->n_ch, 0, y0, orow);
done:
    vfx__free(raw);
    vfx__free(img);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct tga_enc {
    int32_t     n_ch, width, height;
    int         rle;
    uint8_t    *row, *line, *packed;
    vfx__outbuf ob;
} tga_enc;

static vfx_status
tga_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc < 1 || nc > 4)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "TGA stores 1 to 4 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "TGA cannot be tiled");
    int rle = 1;
    if (wr->compression) {
        if (strcmp(wr->compression, "none") == 0)
            rle = 0;
        else if (strcmp(wr->compression, "rle") != 0)
            return vfx__fail(VFX_ERR_ARG, "compression \"%s\" (TGA knows \"rle\" and \"none\")",
                             wr->compression);
    }
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > 65535 || h > 65535)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%" PRId64 " x %" PRId64
                                              " is larger than TGA's 65535 x 65535",
                         w, h);
    tga_enc *te = vfx__calloc(1, sizeof *te);
    if (!te)
        return vfx__nomem();
    wr->priv = te;
    te->n_ch = nc;
    te->width = (int32_t) w;
    te->height = (int32_t) h;
    te->rle = rle;
    te->row = vfx__alloc((size_t) w * (size_t) nc);
    te->line = vfx__alloc((size_t) w * (size_t) nc);
    te->packed = vfx__alloc((size_t) w * (size_t) nc + (size_t) w + 1);
    if (!te->row || !te->line || !te->packed)
        return vfx__nomem();
    VFX_TRY(vfx__outbuf_init(&te->ob, wr, 1u << 20));
    const vfx_attr_value *id = vfx__wr_attr(wr, "targa:ImageID", VFX_ATTR_STRING);
    size_t idlen = id && id->u.s ? strlen(id->u.s) : 0;
    if (idlen > 255)
        idlen = 255;
    uint8_t hd[18];
    memset(hd, 0, sizeof hd);
    hd[0] = (uint8_t) idlen;
    hd[2] = (uint8_t) ((nc <= 2 ? 3 : 2) + (rle ? 8 : 0));
    put16(hd + 12, (uint32_t) w);
    put16(hd + 14, (uint32_t) h);
    hd[16] = (uint8_t) (nc * 8);
    hd[17] = (uint8_t) (0x20 | (nc == 2 || nc == 4 ? 8 : 0)); /* top-left origin */
    VFX_TRY(vfx__outbuf_put(&te->ob, hd, sizeof hd));
    if (idlen)
        VFX_TRY(vfx__outbuf_put(&te->ob, id->u.s, idlen));
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, te->width, 32, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (te->height + 31) / 32 };
    return VFX_OK;
}

/* RLE-pack one row of w pixels of n bytes into dst; returns the packed size. Runs of 2 or
 * more equal pixels become run packets; everything else goes into raw packets. */
static size_t
rle_row(const uint8_t *s, int32_t w, size_t n, uint8_t *dst)
{
    size_t o = 0;
    int32_t x = 0;
    while (x < w) {
        int32_t r = 1;
        while (x + r < w && r < 128 && memcmp(s + (size_t) (x + r) * n, s + (size_t) x * n, n) == 0)
            r++;
        if (r >= 2) {
            dst[o++] = (uint8_t) (0x80 | (r - 1));
            memcpy(dst + o, s + (size_t) x * n, n);
            o += n;
            x += r;
            continue;
        }
        /* raw packet: up to the next pair of equal pixels */
        int32_t k = 1;
        while (x + k < w && k < 128 &&
               !(x + k + 1 < w &&
                 memcmp(s + (size_t) (x + k) * n, s + (size_t) (x + k + 1) * n, n) == 0))
            k++;
        dst[o++] = (uint8_t) (k - 1);
        memcpy(dst + o, s + (size_t) x * n, (size_t) k * n);
        o += (size_t) k * n;
        x += k;
    }
    return o;
}

static vfx_status
tga_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    tga_enc *te = wr->priv;
    size_t n = (size_t) te->n_ch;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, te->row, VFX_PIXEL_U8, te->width, te->n_ch));
        for (int32_t x = 0; x < te->width; x++) {
            const uint8_t *p = te->row + (size_t) x * n;
            uint8_t *q = te->line + (size_t) x * n;
            if (n >= 3) { /* stored B, G, R(, A) */
                q[0] = p[2];
                q[1] = p[1];
                q[2] = p[0];
                if (n == 4)
                    q[3] = p[3];
            } else {
                memcpy(q, p, n);
            }
        }
        if (te->rle) {
            size_t k = rle_row(te->line, te->width, n, te->packed);
            VFX_TRY(vfx__outbuf_put(&te->ob, te->packed, k));
        } else {
            VFX_TRY(vfx__outbuf_put(&te->ob, te->line, (size_t) te->width * n));
        }
    }
    return VFX_OK;
}

static void
put_string(uint8_t *dst, size_t cap, const vfx__wr *wr, const char *name)
{
    const vfx_attr_value *v = vfx__wr_attr(wr, name, VFX_ATTR_STRING);
    if (v && v->u.s) {
        size_t k = strlen(v->u.s);
        memcpy(dst, v->u.s, k < cap - 1 ? k : cap - 1);
    }
}

static vfx_status
tga_write_close(vfx__wr *wr, int failed)
{
    tga_enc *te = wr->priv;
    if (!te)
        return VFX_OK;
    vfx_status s = VFX_OK;
    if (!failed) {
        uint8_t e[TGA_EXT_SIZE];
        memset(e, 0, sizeof e);
        put16(e, TGA_EXT_SIZE);
        put_string(e + 2, 41, wr, "Artist");
        const vfx_attr_value *d = vfx__wr_attr(wr, "ImageDescription", VFX_ATTR_STRING);
        if (d && d->u.s) { /* up to four lines of 80 characters */
            const char *p = d->u.s;
            for (int l = 0; l < 4 && *p; l++) {
                size_t k = strcspn(p, "\n");
                memcpy(e + 43 + l * 81, p, k < 80 ? k : 80);
                p += k;
                if (*p == '\n')
                    p++;
            }
        }
        put_string(e + 379, 41, wr, "DocumentName");
        put_string(e + 426, 41, wr, "Software");
        if (!e[426])
            memcpy(e + 426, "vfx", 3);
        e[469] = ' ';
        if (te->n_ch == 2 || te->n_ch == 4) {
            const vfx_attr_value *ua = vfx__wr_attr(wr, "UnassociatedAlpha", VFX_ATTR_INT);
            e[494] = ua && ua->u.i == 0 ? 4 : 3;
        }
        uint64_t ext_off = te->ob.offset + te->ob.len;
        uint8_t f[26];
        put32(f, (uint32_t) ext_off);
        put32(f + 4, 0);
        memcpy(f + 8, "TRUEVISION-XFILE.", 18);
        if (ext_off > UINT32_MAX)
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "file too large for a TGA 2.0 footer");
        if (s == VFX_OK)
            s = vfx__outbuf_put(&te->ob, e, sizeof e);
        if (s == VFX_OK)
            s = vfx__outbuf_put(&te->ob, f, sizeof f);
        if (s == VFX_OK)
            s = vfx__outbuf_flush(&te->ob);
    }
    vfx__outbuf_free(&te->ob);
    vfx__free(te->row);
    vfx__free(te->line);
    vfx__free(te->packed);
    vfx__free(te);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_tga = {
    .size = sizeof(vfx_format),
    .name = "targa",
    .tag = "tga",
    .extensions = "tga,tpic,icb,vda,vst",
    .probe = tga_probe,
    .open = tga_open,
    .read_rect = tga_read_rect,
    .close = tga_close,
    .write_open = tga_write_open,
    .write_rect = tga_write_rect,
    .write_close = tga_write_close,
    .description = "Targa (own code): raw and RLE, grey, colour-mapped, 15/16/24/32-bit, TGA 2.0 alpha type",
    .write_notes = "u8; 1-4 channels; compression rle (default) or none; TGA 2.0 footer",
};
