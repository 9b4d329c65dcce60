/* Helpers shared by the format plugins (see fmt_util.h). */
#include "io/fmt_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- rows in, rows out ------------------------------------------------------------------- */

vfx_status
vfx__req_put_row(const vfx__read_req *req, int32_t y, const uint8_t *row, vfx_pixel_type type,
                 int32_t n_ch, int32_t row_x0)
{
    size_t ts = vfx_pixel_type_size(type);
    size_t dts = vfx_pixel_type_size(req->type);
    ptrdiff_t px = (ptrdiff_t) (ts * (size_t) n_ch);
    const uint8_t *s = row + (ptrdiff_t) (req->rect.x0 - row_x0) * px;
    uint8_t *d = req->dst + (ptrdiff_t) (y - req->rect.y0) * req->y_stride;
    size_t w = (size_t) (req->rect.x1 - req->rect.x0);
    /* All channels in file order into packed pixels: one run of w * n_ch values, which the
     * conversion kernels vectorise (one channel at a time they run strided, scalar). */
    int32_t same = req->n_channels == n_ch && req->x_stride == (ptrdiff_t) (dts * (size_t) n_ch);
    for (int32_t k = 0; same && k < n_ch; k++)
        same = req->channels[k] == k;
    if (same)
        return vfx_convert_values(s, type, (ptrdiff_t) ts, d, req->type, (ptrdiff_t) dts,
                                  w * (size_t) n_ch);
    for (int32_t k = 0; k < req->n_channels; k++) {
        int32_t c = req->channels[k];
        if (c < 0 || c >= n_ch)
            return vfx__fail(VFX_ERR_INTERNAL, "channel %d out of range", c);
        VFX_TRY(vfx_convert_values(s + (ptrdiff_t) ((size_t) c * ts), type, px,
                                   d + (ptrdiff_t) ((size_t) k * dts), req->type, req->x_stride,
                                   w));
    }
    return VFX_OK;
}

vfx_status
vfx__req_put_block(const vfx__read_req *req, const uint8_t *buf, vfx_pixel_type type,
                   int32_t n_ch, int32_t x0, int32_t y0, size_t stride)
{
    for (int32_t y = req->rect.y0; y < req->rect.y1; y++)
        VFX_TRY(vfx__req_put_row(req, y, buf + (size_t) (y - y0) * stride, type, n_ch, x0));
    return VFX_OK;
}

vfx__enc_list *
vfx__enc_list_new(int64_t n)
{
    if (n < 0 || (uint64_t) n > (SIZE_MAX - sizeof(vfx__enc_list)) / sizeof(vfx__enc_chunk))
        return NULL;
    return vfx__calloc(1, sizeof(vfx__enc_list) + (size_t) n * sizeof(vfx__enc_chunk));
}

void
vfx__enc_list_free(vfx__wr *wr, void *list)
{
    vfx__enc_list *e = list;
    (void) wr;
    if (!e)
        return;
    for (int32_t k = 0; k < e->n; k++)
        vfx__free(e->c[k].data);
    vfx__free(e);
}

vfx_status
vfx__pack_row(const uint8_t *src, vfx_pixel_type src_type, ptrdiff_t x_stride, uint8_t *dst,
              vfx_pixel_type dst_type, int32_t width, int32_t n_ch)
{
    size_t sts = vfx_pixel_type_size(src_type), dts = vfx_pixel_type_size(dst_type);
    ptrdiff_t dpx = (ptrdiff_t) (dts * (size_t) n_ch);
    if (x_stride == (ptrdiff_t) (sts * (size_t) n_ch)) /* packed: one vectorised run */
        return vfx_convert_values(src, src_type, (ptrdiff_t) sts, dst, dst_type,
                                  (ptrdiff_t) dts, (size_t) width * (size_t) n_ch);
    for (int32_t c = 0; c < n_ch; c++)
        VFX_TRY(vfx_convert_values(src + (ptrdiff_t) ((size_t) c * sts), src_type, x_stride,
                                   dst + (ptrdiff_t) ((size_t) c * dts), dst_type, dpx,
                                   (size_t) width));
    return VFX_OK;
}

/* ---- buffered output ---------------------------------------------------------------------- */

vfx_status
vfx__outbuf_init(vfx__outbuf *ob, vfx__wr *wr, size_t cap)
{
    memset(ob, 0, sizeof *ob);
    ob->wr = wr;
    ob->buf = vfx__alloc(cap);
    if (!ob->buf)
        return ob->err = vfx__nomem();
    ob->cap = cap;
    return VFX_OK;
}

vfx_status
vfx__outbuf_flush(vfx__outbuf *ob)
{
    if (ob->err != VFX_OK || ob->len == 0)
        return ob->err;
    ob->err = vfx__wr_write(ob->wr, ob->buf, ob->len, ob->offset);
    ob->offset += ob->len;
    ob->len = 0;
    return ob->err;
}

vfx_status
vfx__outbuf_put(vfx__outbuf *ob, const void *p, size_t n)
{
    const uint8_t *s = p;
    while (n > 0 && ob->err == VFX_OK) {
        if (ob->len == ob->cap && vfx__outbuf_flush(ob) != VFX_OK)
            break;
        size_t k = VFX__MIN(n, ob->cap - ob->len);
        memcpy(ob->buf + ob->len, s, k);
        ob->len += k;
        s += k;
        n -= k;
    }
    return ob->err;
}

void
vfx__outbuf_free(vfx__outbuf *ob)
{
    VFX_FREE(ob->buf);
    ob->len = ob->cap = 0;
}

/* ---- parts -------------------------------------------------------------------------------- */

vfx_status
vfx__set_blob(vfx_attrs *a, const char *name, const char *type_name, const void *p, size_t n)
{
    vfx_attr_value v;
    v.type = VFX_ATTR_BLOB;
    v.u.blob.type_name = type_name;
    v.u.blob.data = p;
    v.u.blob.size = n;
    return vfx_attrs_set(a, name, &v);
}

vfx_status
vfx__check_size(const vfx__rd *rd, int64_t width, int64_t height)
{
    if (width <= 0 || height <= 0)
        return vfx__fail(VFX_ERR_CORRUPT, "invalid size %" PRId64 " x %" PRId64, width, height);
    if (width > INT32_MAX / 2 || height > INT32_MAX / 2)
        return vfx__fail(VFX_ERR_LIMIT, "size %" PRId64 " x %" PRId64 " too large", width,
                         height);
    if (width * height > rd->max_pixels)
        return vfx__fail(VFX_ERR_LIMIT,
                         "%" PRId64 " x %" PRId64 " pixels exceeds the limit of %" PRId64, width,
                         height, rd->max_pixels);
    return VFX_OK;
}

vfx_status
vfx__part_one_level(vfx__part *p, vfx_rect data, vfx_access access, int32_t chunk_w,
                    int32_t chunk_h)
{
    p->level_mode = VFX_LEVELS_ONE;
    p->n_levels_x = p->n_levels_y = 1;
    VFX_TRY(vfx__part_alloc_levels(p));
    p->level_rect[0] = data;
    vfx_chunking *c = &p->level_chunking[0];
    c->access = access;
    c->chunk_w = chunk_w;
    c->chunk_h = chunk_h;
    c->origin_x = data.x0;
    c->origin_y = data.y0;
    c->n_x = (int32_t) ((vfx_rect_width(data) + chunk_w - 1) / chunk_w);
    c->n_y = (int32_t) ((vfx_rect_height(data) + chunk_h - 1) / chunk_h);
    return VFX_OK;
}

vfx_status
vfx__simple_part(vfx__rd *rd, int32_t width, int32_t height, vfx_access access, int32_t chunk_w,
                 int32_t chunk_h)
{
    VFX_TRY(vfx__rd_alloc_parts(rd, 1));
    vfx__part *p = &rd->parts[0];
    p->spec.data = p->spec.display = (vfx_rect){ 0, 0, width, height };
    return vfx__part_one_level(p, p->spec.data, access, chunk_w, chunk_h);
}

const vfx_attr_value *
vfx__wr_attr(const vfx__wr *wr, const char *name, vfx_attr_type type)
{
    if (!wr->spec.attrs)
        return NULL;
    const vfx_attr_value *v = vfx_attrs_get(wr->spec.attrs, name);
    return v && v->type == type ? v : NULL;
}

/* ---- EXIF --------------------------------------------------------------------------------- */

typedef struct exif_rd {
    const uint8_t *p;
    size_t         n;
    int            be;
} exif_rd;

static uint32_t
ex_u16(const exif_rd *e, size_t off)
{
    const uint8_t *b = e->p + off;
    return e->be ? (uint32_t) (b[0] << 8 | b[1]) : (uint32_t) (b[1] << 8 | b[0]);
}

static uint32_t
ex_u32(const exif_rd *e, size_t off)
{
    const uint8_t *b = e->p + off;
    return e->be ? (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3]
                 : (uint32_t) b[3] << 24 | (uint32_t) b[2] << 16 | (uint32_t) b[1] << 8 | b[0];
}

static const struct {
    uint16_t    tag;
    const char *name;
} exif_tags[] = {
    { 0x010e, "ImageDescription" },    { 0x010f, "Make" },
    { 0x0110, "Model" },               { 0x0112, "Orientation" },
    { 0x0131, "Software" },            { 0x0132, "DateTime" },
    { 0x013b, "Artist" },              { 0x8298, "Copyright" },
    { 0x829a, "Exif:ExposureTime" },   { 0x829d, "Exif:FNumber" },
    { 0x8827, "Exif:ISOSpeedRatings" }, { 0x9003, "Exif:DateTimeOriginal" },
    { 0x920a, "Exif:FocalLength" },
};

/* One IFD entry -> attribute when the tag is known and the value lies inside the block. */
static vfx_status
exif_entry(const exif_rd *e, size_t ent, vfx_attrs *attrs)
{
    uint32_t tag = ex_u16(e, ent), type = ex_u16(e, ent + 2), count = ex_u32(e, ent + 4);
    const char *name = NULL;
    for (size_t i = 0; i < VFX__COUNTOF(exif_tags); i++)
        if (exif_tags[i].tag == tag)
            name = exif_tags[i].name;
    if (!name || count == 0 || count > (1u << 20))
        return VFX_OK;
    static const uint8_t type_size[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };
    if (type == 0 || type >= VFX__COUNTOF(type_size))
        return VFX_OK;
    uint64_t bytes = (uint64_t) count * type_size[type];
    size_t off = ent + 8;
    if (bytes > 4) {
        off = ex_u32(e, ent + 8);
        if (off > e->n || bytes > e->n - off)
            return VFX_OK;
    }
    if (type == 2) { /* ASCII */
        char buf[256];
        size_t len = (size_t) VFX__MIN(bytes, (uint64_t) sizeof buf - 1);
        memcpy(buf, e->p + off, len);
        buf[len] = 0;
        size_t l = strlen(buf);
        while (l > 0 && buf[l - 1] == ' ')
            buf[--l] = 0;
        return l ? vfx_attrs_set_string(attrs, name, buf) : VFX_OK;
    }
    if (type == 3) /* SHORT */
        return vfx_attrs_set_int(attrs, name, (int32_t) ex_u16(e, off));
    if (type == 4) /* LONG */
        return vfx_attrs_set_int(attrs, name, (int32_t) VFX__MIN(ex_u32(e, off), INT32_MAX));
    if (type == 5) { /* RATIONAL */
        uint32_t num = ex_u32(e, off), den = ex_u32(e, off + 4);
        if (den == 0)
            return VFX_OK;
        return vfx_attrs_set_float(attrs, name, (float) ((double) num / (double) den));
    }
    return VFX_OK;
}

/* Parse the IFD at @p off; @p depth limits the Exif sub-IFD recursion. */
static vfx_status
exif_ifd(const exif_rd *e, uint32_t off, vfx_attrs *attrs, int depth)
{
    if (depth > 1 || off < 8 || off > e->n || e->n - off < 2)
        return VFX_OK;
    uint32_t n = ex_u16(e, off);
    if ((uint64_t) n * 12 > e->n - off - 2)
        return VFX_OK;
    uint32_t sub = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t ent = off + 2 + (size_t) i * 12;
        if (ex_u16(e, ent) == 0x8769 && ex_u16(e, ent + 2) == 4)
            sub = ex_u32(e, ent + 8);
        else
            VFX_TRY(exif_entry(e, ent, attrs));
    }
    return sub && sub != off ? exif_ifd(e, sub, attrs, depth + 1) : VFX_OK;
}

vfx_status
vfx__exif_parse(const uint8_t *p, size_t n, vfx_attrs *attrs)
{
    if (n >= 6 && memcmp(p, "Exif\0\0", 6) == 0) {
        p += 6;
        n -= 6;
    }
    if (n < 8)
        return VFX_OK;
    exif_rd e = { p, n, 0 };
    if (memcmp(p, "MM\0*", 4) == 0)
        e.be = 1;
    else if (memcmp(p, "II*\0", 4) != 0)
        return VFX_OK;
    return exif_ifd(&e, ex_u32(&e, 4), attrs, 0);
}
