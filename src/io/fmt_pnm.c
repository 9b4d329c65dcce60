/* PNM (PBM / PGM / PPM, P1-P6) and PFM, written here: small and strict.
 *
 * Reading. P1/P4 bitmaps give "Y" u8 (a set bit is black: 0, a clear one 255); P2/P5 give
 * "Y" and P3/P6 "R,G,B", u8 when maxval <= 255 and u16 up to 65535 (big-endian samples in the
 * binary forms), scaled to the type's full range (v * max / maxval, rounded) when maxval is
 * not 255 / 65535, with "BitsPerSample" giving ceil(log2(maxval + 1)). PFM ("Pf" grey, "PF"
 * RGB) gives float, little endian when the scale is negative, rows stored bottom to top;
 * |scale| is "pnm:scale". Only the first image of a file is read.
 *
 * Access: binary forms have fixed-size rows and read any rows directly with pread
 * (VFX_ACCESS_RANDOM_STRIPS of 32 rows, no lock). ASCII forms (P1-P3) are
 * VFX_ACCESS_WHOLE_IMAGE: the first read parses the whole image into a buffer kept until
 * close, under a mutex.
 *
 * Strictness: bad magic, a malformed or zero size, maxval outside 1..65535, a header token
 * longer than 32 characters, a sample above maxval, or data ending early are VFX_ERR_CORRUPT.
 *
 * Writing: 1 or 3 channels; u8 / u16 as binary PGM / PPM (maxval 255 / 65535), half / float /
 * double as little-endian PFM (the file's extension does not matter: the type decides; write
 * a ".pfm" name for float data). Rows top to bottom (PFM rows land bottom to top in place). */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

typedef struct pnm_priv {
    pthread_mutex_t lock;
    int             kind; /* 1..6 for P1..P6, 7 Pf, 8 PF */
    int32_t         width, height, n_ch;
    uint32_t        maxval;
    int             little; /* PFM byte order */
    float           scale;  /* PFM |scale| */
    vfx_pixel_type  type;
    uint64_t        data;      /* offset of the pixel data */
    uint64_t        row_bytes; /* binary forms */
    uint8_t        *whole;     /* ASCII forms: decoded image, packed type values */
} pnm_priv;

static int
pnm_probe(const uint8_t *head, size_t n)
{
    if (n < 3 || head[0] != 'P')
        return 0;
    int ok = (head[1] >= '1' && head[1] <= '6') || head[1] == 'F' || head[1] == 'f';
    int ws = head[2] == ' ' || head[2] == '\n' || head[2] == '\r' || head[2] == '\t';
    return ok && ws ? 80 : 0;
}

/* ---- header tokens ------------------------------------------------------------------------ */

typedef struct tok {
    vfx__rd *rd;
    uint8_t  buf[4096];
    size_t   i, n;
    uint64_t base;
} tok;

static int
tok_get(tok *t)
{
    if (t->i == t->n) {
        t->base += t->n;
        t->i = 0;
        int64_t got = vfx__rd_read(t->rd, t->buf, sizeof t->buf, t->base);
        t->n = got > 0 ? (size_t) got : 0;
        if (t->n == 0)
            return -1;
    }
    return t->buf[t->i++];
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Next whitespace-separated token (skipping '#' comments) into s; the single whitespace
 * character that ends it is consumed. */
static vfx_status
next_token(tok *t, char *s, size_t cap)
{
    int c;
    for (;;) {
        c = tok_get(t);
        if (c < 0)
            return vfx__fail(VFX_ERR_CORRUPT, "header: unexpected end of data");
        if (c == '#') {
            while ((c = tok_get(t)) >= 0 && c != '\n' && c != '\r')
                ;
            continue;
        }
        if (!is_space(c))
            break;
    }
    size_t k = 0;
    while (c >= 0 && !is_space(c) && c != '#') {
        if (k + 1 >= cap)
            return vfx__fail(VFX_ERR_CORRUPT, "header: token too long");
        s[k++] = (char) c;
        c = tok_get(t);
    }
    if (c == '#') /* a comment right after the token: give it back */
        t->i--;
    s[k] = 0;
    return VFX_OK;
}

static vfx_status
next_uint(tok *t, const char *what, uint64_t max, uint32_t *out)
{
    char s[40];
    VFX_TRY(next_token(t, s, sizeof s));
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return vfx__fail(VFX_ERR_CORRUPT, "header: bad %s \"%s\"", what, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != 0 || v == 0 || v > max)
        return vfx__fail(VFX_ERR_CORRUPT, "header: bad %s \"%s\"", what, s);
    *out = (uint32_t) v;
    return VFX_OK;
}

static void
pnm_close(vfx__rd *rd)
{
    pnm_priv *pp = rd->priv;
    if (!pp)
        return;
    pthread_mutex_destroy(&pp->lock);
    vfx__free(pp->whole);
    vfx__free(pp);
    rd->priv = NULL;
}

static vfx_status
pnm_open(vfx__rd *rd)
{
    pnm_priv *pp = vfx__calloc(1, sizeof *pp);
    if (!pp)
        return vfx__nomem();
    if (pthread_mutex_init(&pp->lock, NULL) != 0) {
        vfx__free(pp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = pp;
    tok *t = vfx__calloc(1, sizeof *t);
    if (!t)
        return vfx__nomem();
    t->rd = rd;
    char magic[40];
    vfx_status s = next_token(t, magic, sizeof magic);
    uint32_t w = 0, h = 0;
    if (s == VFX_OK) {
        if (magic[0] == 'P' && magic[1] >= '1' && magic[1] <= '6' && magic[2] == 0)
            pp->kind = magic[1] - '0';
        else if (!strcmp(magic, "Pf"))
            pp->kind = 7;
        else if (!strcmp(magic, "PF"))
            pp->kind = 8;
        else
            s = vfx__fail(VFX_ERR_CORRUPT, "bad magic \"%.8s\"", magic);
    }
    if (s == VFX_OK)
        s = next_uint(t, "width", 1u << 30, &w);
    if (s == VFX_OK)
        s = next_uint(t, "height", 1u << 30, &h);
    pp->maxval = 1;
    if (s == VFX_OK && pp->kind != 1 && pp->kind != 4 && pp->kind < 7)
        s = next_uint(t, "maxval", 65535, &pp->maxval);
    if (s == VFX_OK && pp->kind >= 7) {
        char sc[40];
        s = next_token(t, sc, sizeof sc);
        if (s == VFX_OK) {
            char *end = NULL;
            double scale = strtod(sc, &end);
            if (*end != 0 || !isfinite(scale) || scale == 0)
                s = vfx__fail(VFX_ERR_CORRUPT, "header: bad PFM scale \"%s\"", sc);
            pp->little = scale < 0;
            pp->scale = (float) fabs(scale);
        }
    }
    if (s == VFX_OK)
        pp->data = t->base + t->i;
    vfx__free(t);
    VFX_TRY(s);
    VFX_TRY(vfx__check_size(rd, w, h));
    pp->width = (int32_t) w;
    pp->height = (int32_t) h;
    pp->n_ch = pp->kind == 3 || pp->kind == 6 || pp->kind == 8 ? 3 : 1;
    pp->type = pp->kind >= 7 ? VFX_PIXEL_F32 : pp->maxval > 255 ? VFX_PIXEL_U16 : VFX_PIXEL_U8;
    size_t ts = vfx_pixel_type_size(pp->type);
    if (pp->kind == 4)
        pp->row_bytes = (w + 7) / 8;
    else
        pp->row_bytes = (uint64_t) w * (uint64_t) pp->n_ch * (pp->kind >= 7 ? 4 : ts);
    int binary = pp->kind >= 4;
    if (binary && rd->file_size >= 0 &&
        (pp->data > (uint64_t) rd->file_size ||
         pp->row_bytes * h > (uint64_t) rd->file_size - pp->data))
        return vfx__fail(VFX_ERR_CORRUPT,
                         "%u rows of %" PRIu64 " bytes from offset %" PRIu64
                         " exceed the file size %" PRId64,
                         h, pp->row_bytes, pp->data, rd->file_size);
    if (binary)
        VFX_TRY(vfx__simple_part(rd, pp->width, pp->height, VFX_ACCESS_RANDOM_STRIPS, pp->width,
                                 32));
    else
        VFX_TRY(vfx__simple_part(rd, pp->width, pp->height, VFX_ACCESS_WHOLE_IMAGE, pp->width,
                                 pp->height));
    vfx_spec *sp = &rd->parts[0].spec;
    VFX_TRY(vfx_channels_from_names(pp->n_ch == 3 ? "R,G,B" : "Y", pp->type, &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        if (pp->kind >= 7) {
            VFX_TRY(vfx_attrs_set_float(sp->attrs, "pnm:scale", pp->scale));
            VFX_TRY(vfx_attrs_set_string(sp->attrs, "colorspace", "linear"));
        } else {
            int bits = 0;
            while (bits < 16 && (1u << bits) - 1 < pp->maxval)
                bits++;
            VFX_TRY(vfx_attrs_set_int(sp->attrs, "BitsPerSample", bits));
            VFX_TRY(vfx_attrs_set_int(sp->attrs, "pnm:binary", binary));
        }
    }
    return VFX_OK;
}

/* ---- pixels ------------------------------------------------------------------------------- */

/* Scale a code value to the full range of the output type. */
static uint32_t
scale_code(const pnm_priv *pp, uint32_t v)
{
    uint32_t full = pp->type == VFX_PIXEL_U16 ? 65535u : 255u;
    if (pp->maxval == full)
        return v;
    return (uint32_t) (((uint64_t) v * full + pp->maxval / 2) / pp->maxval);
}

/* Decode binary row @p src into packed values of pp->type. */
static vfx_status
decode_row(const pnm_priv *pp, const uint8_t *src, uint8_t *dst, int32_t y)
{
    size_t n = (size_t) pp->width * (size_t) pp->n_ch;
    if (pp->kind == 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = (src[i >> 3] >> (7 - (i & 7)) & 1) ? 0 : 255;
    } else if (pp->kind >= 7) {
        float *f = (float *) (void *) dst;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *b = src + i * 4;
            uint32_t u = pp->little ? (uint32_t) b[3] << 24 | (uint32_t) b[2] << 16 |
                                          (uint32_t) b[1] << 8 | b[0]
                                    : (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 |
                                          (uint32_t) b[2] << 8 | b[3];
            memcpy(&f[i], &u, 4);
        }
    } else if (pp->type == VFX_PIXEL_U16) {
        uint16_t *q = (uint16_t *) (void *) dst;
        for (size_t i = 0; i < n; i++) {
            uint32_t v = (uint32_t) src[i * 2] << 8 | src[i * 2 + 1];
            if (v > pp->maxval)
                return vfx__fail(VFX_ERR_CORRUPT, "row %d: sample %u above maxval %u", y, v,
                                 pp->maxval);
            q[i] = (uint16_t) scale_code(pp, v);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (src[i] > pp->maxval)
                return vfx__fail(VFX_ERR_CORRUPT, "row %d: sample %u above maxval %u", y,
                                 src[i], pp->maxval);
            dst[i] = (uint8_t) scale_code(pp, src[i]);
        }
    }
    return VFX_OK;
}

/* ASCII forms: parse everything (lock held). */
static vfx_status
decode_ascii(vfx__rd *rd, pnm_priv *pp)
{
    size_t n = (size_t) pp->width * (size_t) pp->height * (size_t) pp->n_ch;
    size_t ts = vfx_pixel_type_size(pp->type);
    uint8_t *img = vfx__alloc(n * ts);
    tok *t = vfx__calloc(1, sizeof *t);
    vfx_status s = img && t ? VFX_OK : vfx__nomem();
    if (s == VFX_OK) {
        t->rd = rd;
        t->base = pp->data;
    }
    for (size_t i = 0; i < n && s == VFX_OK; i++) {
        uint32_t v = 0;
        if (pp->kind == 1) { /* P1 digits need no separators */
            int c = tok_get(t);
            while (c >= 0 && (is_space(c) || c == '#')) {
                if (c == '#')
                    while ((c = tok_get(t)) >= 0 && c != '\n' && c != '\r')
                        ;
                c = tok_get(t);
            }
            if (c != '0' && c != '1') {
                s = vfx__fail(VFX_ERR_CORRUPT, "pixel %zu: bad bit", i);
                break;
            }
            img[i] = c == '1' ? 0 : 255;
            continue;
        }
        char tk[40];
        s = next_token(t, tk, sizeof tk);
        if (s != VFX_OK)
            break;
        char *end;
        unsigned long lv = strtoul(tk, &end, 10);
        if (*end != 0 || tk[0] < '0' || tk[0] > '9' || lv > pp->maxval) {
            s = vfx__fail(VFX_ERR_CORRUPT, "pixel %zu: bad sample \"%.12s\"", i, tk);
            break;
        }
        v = scale_code(pp, (uint32_t) lv);
        if (ts == 1)
            img[i] = (uint8_t) v;
        else
            ((uint16_t *) (void *) img)[i] = (uint16_t) v;
    }
    vfx__free(t);
    if (s != VFX_OK) {
        vfx__free(img);
        return s;
    }
    pp->whole = img;
    vfx__rd_count_chunks(rd, 1);
    return VFX_OK;
}

static vfx_status
pnm_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    pnm_priv *pp = rd->priv;
    size_t ts = vfx_pixel_type_size(pp->type);
    size_t out_row = (size_t) pp->width * (size_t) pp->n_ch * ts;
    if (pp->kind <= 3) {
        pthread_mutex_lock(&pp->lock);
        vfx_status s = pp->whole ? VFX_OK : decode_ascii(rd, pp);
        pthread_mutex_unlock(&pp->lock);
        VFX_TRY(s);
        return vfx__req_put_block(req, pp->whole, pp->type, pp->n_ch, 0, 0, out_row);
    }
    uint8_t *src = vfx__alloc((size_t) pp->row_bytes);
    uint8_t *row = vfx__alloc(out_row);
    vfx_status s = src && row ? VFX_OK : vfx__nomem();
    for (int32_t y = req->rect.y0; y < req->rect.y1 && s == VFX_OK; y++) {
        int32_t fy = pp->kind >= 7 ? pp->height - 1 - y : y; /* PFM: bottom to top */
        uint64_t off = pp->data + pp->row_bytes * (uint64_t) fy;
        int64_t got = vfx__rd_read(rd, src, pp->row_bytes, off);
        if (got < 0)
            s = vfx__fail(VFX_ERR_IO, "read failed at offset %" PRIu64, off);
        else if ((uint64_t) got < pp->row_bytes)
            s = vfx__fail(VFX_ERR_CORRUPT, "row %d: data ends at offset %" PRIu64, y,
                          off + (uint64_t) got);
        if (s == VFX_OK)
            s = decode_row(pp, src, row, y);
        if (s == VFX_OK)
            s = vfx__req_put_row(req, y, row, pp->type, pp->n_ch, 0);
    }
    if (s == VFX_OK)
        vfx__rd_count_chunks(rd, (req->rect.y1 - req->rect.y0 + 31) / 32);
    vfx__free(src);
    vfx__free(row);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct pnm_enc {
    int            pfm;
    vfx_pixel_type ftype;
    int32_t        n_ch, width, height;
    uint64_t       data, row_bytes;
    uint8_t       *row;
} pnm_enc;

static vfx_status
pnm_write_open(vfx__wr *wr)
{
    int32_t nc = vfx_channels_count(wr->spec.channels);
    if (nc != 1 && nc != 3)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNM / PFM store 1 or 3 channels, not %d", nc);
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNM cannot be tiled");
    vfx_pixel_type t = wr->opt.pixel_type;
    if (t == VFX_PIXEL_UNKNOWN) {
        vfx_channel_info ci;
        VFX_TRY(vfx_channels_get(wr->spec.channels, 0, &ci));
        t = ci.type;
    }
    if (t == VFX_PIXEL_U32)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "PNM stores u8, u16 or float");
    pnm_enc *pe = vfx__calloc(1, sizeof *pe);
    if (!pe)
        return vfx__nomem();
    wr->priv = pe;
    pe->pfm = vfx_pixel_type_is_float(t);
    pe->ftype = pe->pfm ? VFX_PIXEL_F32 : t;
    pe->n_ch = nc;
    pe->width = (int32_t) vfx_rect_width(wr->spec.data);
    pe->height = (int32_t) vfx_rect_height(wr->spec.data);
    pe->row_bytes = (uint64_t) pe->width * (uint64_t) nc * vfx_pixel_type_size(pe->ftype);
    pe->row = vfx__alloc((size_t) pe->row_bytes);
    if (!pe->row)
        return vfx__nomem();
    char head[96];
    int n;
    if (pe->pfm)
        n = snprintf(head, sizeof head, "%s\n%d %d\n-1.0\n", nc == 3 ? "PF" : "Pf", pe->width,
                     pe->height);
    else
        n = snprintf(head, sizeof head, "P%d\n%d %d\n%d\n", nc == 3 ? 6 : 5, pe->width,
                     pe->height, pe->ftype == VFX_PIXEL_U8 ? 255 : 65535);
    pe->data = (uint64_t) n;
    VFX_TRY(vfx__wr_write(wr, head, (uint64_t) n, 0));
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, pe->width, 32, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (pe->height + 31) / 32 };
    return VFX_OK;
}

static vfx_status
pnm_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    pnm_enc *pe = wr->priv;
    size_t n = (size_t) pe->width * (size_t) pe->n_ch;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, pe->row, pe->ftype, pe->width, pe->n_ch));
        int32_t iy = y - wr->spec.data.y0;
        if (pe->pfm) { /* little endian, bottom to top */
            for (size_t i = 0; i < n; i++) {
                uint32_t u;
                memcpy(&u, pe->row + i * 4, 4);
                pe->row[i * 4 + 0] = (uint8_t) u;
                pe->row[i * 4 + 1] = (uint8_t) (u >> 8);
                pe->row[i * 4 + 2] = (uint8_t) (u >> 16);
                pe->row[i * 4 + 3] = (uint8_t) (u >> 24);
            }
            iy = pe->height - 1 - iy;
        } else if (pe->ftype == VFX_PIXEL_U16) { /* big endian */
            for (size_t i = 0; i < n; i++) {
                uint16_t v;
                memcpy(&v, pe->row + i * 2, 2);
                pe->row[i * 2] = (uint8_t) (v >> 8);
                pe->row[i * 2 + 1] = (uint8_t) v;
            }
        }
        VFX_TRY(vfx__wr_write(wr, pe->row, pe->row_bytes,
                              pe->data + pe->row_bytes * (uint64_t) iy));
    }
    return VFX_OK;
}

static vfx_status
pnm_write_close(vfx__wr *wr, int failed)
{
    (void) failed;
    pnm_enc *pe = wr->priv;
    if (!pe)
        return VFX_OK;
    vfx__free(pe->row);
    vfx__free(pe);
    wr->priv = NULL;
    return VFX_OK;
}

const vfx_format vfx__fmt_pnm = {
    .size = sizeof(vfx_format),
    .name = "pnm",
    .tag = "pnm",
    .extensions = "pnm,ppm,pgm,pbm,pfm",
    .probe = pnm_probe,
    .open = pnm_open,
    .read_rect = pnm_read_rect,
    .close = pnm_close,
    .write_open = pnm_write_open,
    .write_rect = pnm_write_rect,
    .write_close = pnm_write_close,
    .description = "PNM/PFM (own code): P1-P6, 16-bit PNM, PFM both endians",
    .write_notes = "u8/u16 as binary PGM/PPM, half/float as PFM; 1 or 3 channels",
};
