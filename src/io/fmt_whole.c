/* Shared by fmt_webp.c, fmt_avif.c and fmt_heif.c: see fmt_whole.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_whole.h"

vfx_status
vfx__rd_slurp(vfx__rd *rd, uint64_t max_bytes, const uint8_t **data_out, size_t *size_out,
              uint8_t **owned_out)
{
    *data_out = NULL;
    *size_out = 0;
    *owned_out = NULL;
    if (rd->mem) {
        if ((uint64_t) rd->file_size > max_bytes)
            return vfx__fail(VFX_ERR_LIMIT, "%" PRId64 " bytes is larger than the limit",
                             rd->file_size);
        *data_out = rd->mem;
        *size_out = (size_t) rd->file_size;
        return VFX_OK;
    }
    size_t cap = rd->file_size >= 0 ? (size_t) rd->file_size + 1 : (size_t) 1 << 20, n = 0;
    if (rd->file_size >= 0 && (uint64_t) rd->file_size > max_bytes)
        return vfx__fail(VFX_ERR_LIMIT, "%" PRId64 " bytes is larger than the limit",
                         rd->file_size);
    uint8_t *buf = vfx__alloc(cap);
    if (!buf)
        return vfx__nomem();
    for (;;) {
        if (n == cap) { /* size unknown (callbacks) or the file grew: double */
            if ((uint64_t) cap * 2 > max_bytes + 1) {
                vfx__free(buf);
                return vfx__fail(VFX_ERR_LIMIT, "file is larger than the limit");
            }
            uint8_t *nb = vfx__realloc(buf, cap * 2);
            if (!nb) {
                vfx__free(buf);
                return vfx__nomem();
            }
            buf = nb;
            cap *= 2;
        }
        int64_t got = vfx__rd_read(rd, buf + n, cap - n, n);
        if (got < 0) {
            vfx__free(buf);
            return vfx__fail(VFX_ERR_IO, "read failed");
        }
        if (got == 0)
            break;
        n += (size_t) got;
    }
    *data_out = buf;
    *size_out = n;
    *owned_out = buf;
    return VFX_OK;
}

/* ---- codec options in the compression string ---------------------------------------------- */

void
vfx__codec_name(const char *comp, char *name, size_t cap)
{
    size_t n = comp ? strcspn(comp, ",") : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(name, comp, n);
    name[n] = 0;
}

/* The i-th ",KEY[=VALUE]" item after NAME: key and value spans, 0 when there is none. */
static int
item(const char *comp, int i, const char **k, size_t *kn, const char **v, size_t *vn)
{
    const char *p = comp ? strchr(comp, ',') : NULL;
    for (int j = 0; p && j < i; j++)
        p = strchr(p + 1, ',');
    if (!p)
        return 0;
    p++;
    size_t len = strcspn(p, ",");
    const char *eq = memchr(p, '=', len);
    *k = p;
    *kn = eq ? (size_t) (eq - p) : len;
    *v = eq ? eq + 1 : p + len;
    *vn = eq ? len - *kn - 1 : 0;
    return 1;
}

int
vfx__codec_opt(const char *comp, const char *key, char *val, size_t cap)
{
    const char *k, *v;
    size_t kn, vn;
    for (int i = 0; item(comp, i, &k, &kn, &v, &vn); i++) {
        if (kn == strlen(key) && memcmp(k, key, kn) == 0) {
            if (vn >= cap)
                vn = cap - 1;
            memcpy(val, v, vn);
            val[vn] = 0;
            return 1;
        }
    }
    return 0;
}

static int
in_list(const char *list, const char *s, size_t n)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && memcmp(p, s, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

vfx_status
vfx__codec_check(const char *comp, const char *names, const char *keys)
{
    if (!comp)
        return VFX_OK;
    size_t n = strcspn(comp, ",");
    if (n > 0 && !in_list(names, comp, n))
        return vfx__fail(VFX_ERR_ARG, "unknown compression \"%.*s\" (%s)", (int) n, comp,
                         names);
    const char *k, *v;
    size_t kn, vn;
    for (int i = 0; item(comp, i, &k, &kn, &v, &vn); i++)
        if (!in_list(keys, k, kn))
            return vfx__fail(VFX_ERR_ARG, "unknown compression option \"%.*s\" (%s)", (int) kn,
                             k, keys);
    return VFX_OK;
}

vfx_status
vfx__codec_opt_int(const char *comp, const char *key, int lo, int hi, int *out)
{
    char val[32];
    if (!vfx__codec_opt(comp, key, val, sizeof val))
        return VFX_OK;
    char *end;
    long x = strtol(val, &end, 10);
    if (end == val || *end || x < lo || x > hi)
        return vfx__fail(VFX_ERR_ARG, "compression option %s=%s: want %d..%d", key, val, lo, hi);
    *out = (int) x;
    return VFX_OK;
}

/* ---- ISO-BMFF ----------------------------------------------------------------------------- */

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint16_t
be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void
walk(const uint8_t *p, size_t n, int depth, vfx__hdr_boxes *out)
{
    size_t off = 0;
    while (depth < 6 && n - off >= 8) {
        uint64_t size = be32(p + off);
        const uint8_t *type = p + off + 4;
        size_t hdr = 8;
        if (size == 1) {
            if (n - off < 16)
                return;
            size = (uint64_t) be32(p + off + 8) << 32 | be32(p + off + 12);
            hdr = 16;
        } else if (size == 0) {
            size = n - off;
        }
        if (size < hdr || size > n - off)
            return;
        const uint8_t *body = p + off + hdr;
        size_t bn = (size_t) size - hdr;
        if (memcmp(type, "meta", 4) == 0 && bn >= 4)
            walk(body + 4, bn - 4, depth + 1, out); /* a full box: version and flags first */
        else if (memcmp(type, "iprp", 4) == 0 || memcmp(type, "ipco", 4) == 0)
            walk(body, bn, depth + 1, out);
        else if (memcmp(type, "clli", 4) == 0 && bn >= 4 && !out->has_clli) {
            out->has_clli = 1;
            out->clli[0] = be16(body);
            out->clli[1] = be16(body + 2);
        } else if (memcmp(type, "mdcv", 4) == 0 && bn >= 24 && !out->has_mdcv) {
            out->has_mdcv = 1;
            for (int i = 0; i < 8; i++) /* x, y of three primaries, then the white point */
                out->mdcv[i] = (float) be16(body + 2 * i) * 0.00002f;
            out->mdcv[8] = (float) be32(body + 16) * 0.0001f;
            out->mdcv[9] = (float) be32(body + 20) * 0.0001f;
        }
        off += (size_t) size;
    }
}

void
vfx__isobmff_hdr_boxes(const uint8_t *p, size_t n, vfx__hdr_boxes *out)
{
    memset(out, 0, sizeof *out);
    walk(p, n, 0, out);
}

vfx_status
vfx__hdr_boxes_attrs(const vfx__hdr_boxes *b, vfx_attrs *a)
{
    vfx_attr_value v;
    if (b->has_clli) {
        v.type = VFX_ATTR_INT_VEC;
        v.u.iv.p = b->clli;
        v.u.iv.n = 2;
        VFX_TRY(vfx_attrs_set(a, "CLLI", &v));
    }
    if (b->has_mdcv) {
        v.type = VFX_ATTR_FLOAT_VEC;
        v.u.fv.p = b->mdcv;
        v.u.fv.n = 10;
        VFX_TRY(vfx_attrs_set(a, "MDCV", &v));
    }
    return VFX_OK;
}

int
vfx__ftyp_major(const uint8_t *head, size_t n, const char *brand)
{
    return n >= 12 && memcmp(head + 4, "ftyp", 4) == 0 && memcmp(head + 8, brand, 4) == 0;
}

int
vfx__ftyp_has_brand(const uint8_t *head, size_t n, const char *brand)
{
    if (n < 16 || memcmp(head + 4, "ftyp", 4) != 0)
        return 0;
    size_t size = be32(head);
    if (size < 16 || size > n)
        size = n;
    if (memcmp(head + 8, brand, 4) == 0)
        return 1;
    for (size_t off = 16; off + 4 <= size; off += 4) /* after major brand and minor version */
        if (memcmp(head + off, brand, 4) == 0)
            return 1;
    return 0;
}

const uint8_t *
vfx__exif_tiff_start(const uint8_t *p, size_t n, size_t *len_out)
{
    *len_out = 0;
    if (!p || n < 8)
        return NULL;
    if (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0) {
        *len_out = n;
        return p;
    }
    if (memcmp(p, "Exif\0\0", 6) == 0 && n > 14) {
        *len_out = n - 6;
        return p + 6;
    }
    uint32_t off = be32(p);
    if (off <= n - 4 && n - 4 - off >= 8) {
        const uint8_t *t = p + 4 + off;
        if (memcmp(t, "II*\0", 4) == 0 || memcmp(t, "MM\0*", 4) == 0) {
            *len_out = n - 4 - off;
            return t;
        }
        if (memcmp(t, "Exif\0\0", 6) == 0 && n - 4 - off > 14) {
            *len_out = n - 4 - off - 6;
            return t + 6;
        }
    }
    return NULL;
}

/* ---- whole-image writers ------------------------------------------------------------------ */

vfx_status
vfx__whole_buf_init(vfx__whole_buf *b, const vfx__wr *wr, vfx_pixel_type type)
{
    memset(b, 0, sizeof *b);
    b->type = type;
    b->width = (int32_t) vfx_rect_width(wr->spec.data);
    b->height = (int32_t) vfx_rect_height(wr->spec.data);
    b->n_ch = vfx_channels_count(wr->spec.channels);
    size_t total;
    b->row_bytes = (size_t) b->width * (size_t) b->n_ch * vfx_pixel_type_size(type);
    if (vfx__mul_size(b->row_bytes, (size_t) b->height, &total) != 0)
        return vfx__fail(VFX_ERR_LIMIT, "image too large");
    b->pix = vfx__alloc(total ? total : 1);
    return b->pix ? VFX_OK : vfx__nomem();
}

vfx_status
vfx__whole_buf_put(vfx__whole_buf *b, const vfx__wr *wr, vfx_rect rect, vfx_pixel_type type,
                   const void *src, ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        const uint8_t *s = (const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride;
        uint8_t *d = b->pix + (size_t) (y - wr->spec.data.y0) * b->row_bytes;
        VFX_TRY(vfx__pack_row(s, type, x_stride, d, b->type, b->width, b->n_ch));
    }
    return VFX_OK;
}

void
vfx__whole_buf_free(vfx__whole_buf *b)
{
    vfx__free(b->pix);
    b->pix = NULL;
}
