/* Radiance HDR (RGBE / XYZE), written here: small and strict.
 *
 * File: a text header ("#?RADIANCE" or "#?RGBE" signature, or none in pre-1991 files, then
 * "KEY=value" lines up to an empty line), a resolution line, then scanlines of 4-byte pixels
 * (mantissas + shared exponent). A scanline is flat, "old" run-length encoded ((1,1,1,n)
 * repeats the previous pixel n << shift times, shift growing by 8 for consecutive runs), or
 * "new" RLE (2, 2, width >> 8, width & 255, then each of the 4 components run-length coded
 * on its own: count > 128 = a run of count - 128 bytes, else count literal bytes).
 *
 * Reading gives three float channels "R,G,B" ("X,Y,Z" for XYZE) with value = mantissa *
 * 2^(exponent - 136), 0 for exponent 0 (as Greg Ward's and Bruce Walter's code, and so OIIO).
 * EXPOSURE lines multiply into "hdr:exposure" and GAMMA gives "gamma"; pixels are not scaled.
 * The resolution line's axes give "Orientation" (-Y +X = 1 ... as OIIO), and the pixels stay
 * in file order: the first scanline is row 0 and has as many pixels as the second axis says.
 *
 * Access: VFX_ACCESS_SEQUENTIAL_ROWS (scanlines have variable lengths). read_rect() is
 * serialised by a mutex around one decoding position; the file offset of every 64th row is
 * remembered as decoding passes it, so a rect above the current row restarts from the nearest
 * known row instead of the top.
 *
 * Strictness: a header line longer than 4 KiB, more than 4096 header lines, a malformed
 * resolution line, a run crossing the end of a scanline, a zero count, or data ending early
 * are VFX_ERR_CORRUPT.
 *
 * Writing: 3 channels (any type, converted to float) as new-RLE RGBE (flat scanlines when
 * the width is outside 8..32767), rows top to bottom; "hdr:exposure" and "gamma" are written
 * back. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fmt_util.h"

#define INDEX_STEP 64
#define MAX_LINE 4096

/* ---- buffered input ----------------------------------------------------------------------- */

typedef struct bin {
    vfx__rd *rd;
    uint64_t pos; /* file offset of buf[0] */
    size_t   i, n;
    uint8_t  buf[1 << 16];
} bin;

static void
bin_seek(bin *b, uint64_t off)
{
    b->pos = off;
    b->i = b->n = 0;
}

static uint64_t
bin_tell(const bin *b)
{
    return b->pos + b->i;
}

/* Next byte, or -1 at the end of data / on a read error (b->n == SIZE_MAX for errors). */
static int
bin_get(bin *b)
{
    if (b->i == b->n) {
        b->pos += b->n;
        b->i = b->n = 0;
        int64_t got = vfx__rd_read(b->rd, b->buf, sizeof b->buf, b->pos);
        if (got <= 0)
            return -1;
        b->n = (size_t) got;
    }
    return b->buf[b->i++];
}

static vfx_status
bin_read(bin *b, uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int c = bin_get(b);
        if (c < 0)
            return vfx__fail(VFX_ERR_CORRUPT, "unexpected end of data");
        p[k] = (uint8_t) c;
    }
    return VFX_OK;
}

/* ---- header ------------------------------------------------------------------------------- */

typedef struct hdr_priv {
    pthread_mutex_t lock;
    bin            *in;
    int32_t         width, height; /* scanline length, number of scanlines */
    int32_t         next_row;      /* the row bin's position is at */
    uint64_t       *index;         /* offset of row k * INDEX_STEP, 0 = unknown */
    int32_t         n_index;
    uint8_t        *rgbe; /* one scanline, 4 bytes per pixel */
    float          *row;  /* one scanline, 3 floats per pixel */
} hdr_priv;

static int
hdr_probe(const uint8_t *head, size_t n)
{
    if (n >= 2 && head[0] == '#' && head[1] == '?')
        return 100;
    for (size_t i = 0; i + 18 <= n; i++)
        if (memcmp(head + i, "FORMAT=32-bit_rle_", 18) == 0)
            return 50;
    return 0;
}

/* One header line into @p line (without the newline). */
static vfx_status
read_line(bin *b, char *line, size_t cap)
{
    size_t k = 0;
    for (;;) {
        int c = bin_get(b);
        if (c < 0)
            return vfx__fail(VFX_ERR_CORRUPT, "header: unexpected end of data");
        if (c == '\n')
            break;
        if (k + 1 >= cap)
            return vfx__fail(VFX_ERR_CORRUPT, "header: line longer than %zu bytes", cap - 1);
        line[k++] = (char) c;
    }
    line[k] = 0;
    return VFX_OK;
}

/* "-Y 480 +X 640": axes and sizes; orientation as OIIO numbers it. */
static vfx_status
parse_resolution(const char *s, int32_t *len_out, int32_t *count_out, int *orient_out)
{
    char s1, a1, s2, a2;
    long n1, n2;
    int used = 0;
    if (sscanf(s, " %c%c %ld %c%c %ld%n", &s1, &a1, &n1, &s2, &a2, &n2, &used) != 6 ||
        s[used + strspn(s + used, " \r\t")] != 0)
        return vfx__fail(VFX_ERR_CORRUPT, "bad resolution line \"%.40s\"", s);
    if ((s1 != '-' && s1 != '+') || (s2 != '-' && s2 != '+') ||
        !((a1 == 'Y' && a2 == 'X') || (a1 == 'X' && a2 == 'Y')) || n1 <= 0 || n2 <= 0 ||
        n1 > (1L << 24) || n2 > (1L << 24))
        return vfx__fail(VFX_ERR_CORRUPT, "bad resolution line \"%.40s\"", s);
    static const struct {
        char a1, s1, s2;
        int  orient;
    } map[] = {
        { 'Y', '-', '+', 1 }, { 'Y', '-', '-', 2 }, { 'Y', '+', '-', 3 }, { 'Y', '+', '+', 4 },
        { 'X', '+', '-', 5 }, { 'X', '+', '+', 6 }, { 'X', '-', '+', 7 }, { 'X', '-', '-', 8 },
    };
    *orient_out = 1;
    for (size_t i = 0; i < VFX__COUNTOF(map); i++)
        if (map[i].a1 == a1 && map[i].s1 == s1 && map[i].s2 == s2)
            *orient_out = map[i].orient;
    *count_out = (int32_t) n1;
    *len_out = (int32_t) n2;
    return VFX_OK;
}

static void
hdr_close(vfx__rd *rd)
{
    hdr_priv *hp = rd->priv;
    if (!hp)
        return;
    pthread_mutex_destroy(&hp->lock);
    vfx__free(hp->in);
    vfx__free(hp->index);
    vfx__free(hp->rgbe);
    vfx__free(hp->row);
    vfx__free(hp);
    rd->priv = NULL;
}

static vfx_status
hdr_open(vfx__rd *rd)
{
    hdr_priv *hp = vfx__calloc(1, sizeof *hp);
    if (!hp)
        return vfx__nomem();
    if (pthread_mutex_init(&hp->lock, NULL) != 0) {
        vfx__free(hp);
        return vfx__fail(VFX_ERR_INTERNAL, "mutex init failed");
    }
    rd->priv = hp;
    hp->in = vfx__calloc(1, sizeof *hp->in);
    if (!hp->in)
        return vfx__nomem();
    hp->in->rd = rd;
    char line[MAX_LINE + 1];
    int xyze = 0, n_lines = 0;
    double exposure = 1.0, gamma = 0.0;
    int has_exposure = 0;
    char software[256] = "";
    for (;;) {
        VFX_TRY(read_line(hp->in, line, sizeof line));
        if (line[0] == 0 && n_lines > 0)
            break;
        if (++n_lines > 4096)
            return vfx__fail(VFX_ERR_CORRUPT, "header: more than 4096 lines");
        if (!strncmp(line, "FORMAT=", 7)) {
            if (!strncmp(line + 7, "32-bit_rle_xyze", 15))
                xyze = 1;
            else if (strncmp(line + 7, "32-bit_rle_rgbe", 15) != 0)
                return vfx__fail(VFX_ERR_UNSUPPORTED, "format \"%.40s\"", line + 7);
        } else if (!strncmp(line, "EXPOSURE=", 9)) {
            double e = strtod(line + 9, NULL);
            if (isfinite(e) && e > 0) {
                exposure *= e;
                has_exposure = 1;
            }
        } else if (!strncmp(line, "GAMMA=", 6)) {
            double g = strtod(line + 6, NULL);
            if (isfinite(g) && g > 0)
                gamma = g;
        } else if (!strncmp(line, "SOFTWARE=", 9)) {
            snprintf(software, sizeof software, "%.200s", line + 9);
        }
    }
    VFX_TRY(read_line(hp->in, line, sizeof line));
    int orient = 1;
    VFX_TRY(parse_resolution(line, &hp->width, &hp->height, &orient));
    VFX_TRY(vfx__check_size(rd, hp->width, hp->height));
    hp->n_index = (hp->height + INDEX_STEP - 1) / INDEX_STEP;
    hp->index = vfx__calloc((size_t) hp->n_index, sizeof *hp->index);
    hp->rgbe = vfx__alloc((size_t) hp->width * 4);
    hp->row = vfx__alloc((size_t) hp->width * 3 * sizeof(float));
    if (!hp->index || !hp->rgbe || !hp->row)
        return vfx__nomem();
    hp->index[0] = bin_tell(hp->in);
    hp->next_row = 0;

    VFX_TRY(vfx__simple_part(rd, hp->width, hp->height, VFX_ACCESS_SEQUENTIAL_ROWS, hp->width,
                             1));
    vfx_spec *sp = &rd->parts[0].spec;
    VFX_TRY(vfx_channels_from_names(xyze ? "X,Y,Z" : "R,G,B", VFX_PIXEL_F32, &sp->channels));
    VFX_TRY(vfx_attrs_new(&sp->attrs));
    if (!(rd->flags & VFX_READ_NO_METADATA)) {
        VFX_TRY(vfx_attrs_set_int(sp->attrs, "Orientation", orient));
        VFX_TRY(vfx_attrs_set_string(sp->attrs, "colorspace", xyze ? "CIE XYZ" : "linear"));
        if (has_exposure)
            VFX_TRY(vfx_attrs_set_float(sp->attrs, "hdr:exposure", (float) exposure));
        if (gamma > 0)
            VFX_TRY(vfx_attrs_set_float(sp->attrs, "gamma", (float) gamma));
        if (software[0])
            VFX_TRY(vfx_attrs_set_string(sp->attrs, "Software", software));
    }
    return VFX_OK;
}

/* ---- scanlines ---------------------------------------------------------------------------- */

/* Decode one scanline at the current position into hp->rgbe. */
static vfx_status
read_scanline(hdr_priv *hp)
{
    bin *b = hp->in;
    int32_t w = hp->width;
    uint8_t *p = hp->rgbe;
    uint8_t head[4];
    VFX_TRY(bin_read(b, head, 4));
    if (w >= 8 && w <= 0x7fff && head[0] == 2 && head[1] == 2 && !(head[2] & 0x80)) {
        if (((int32_t) head[2] << 8 | head[3]) != w)
            return vfx__fail(VFX_ERR_CORRUPT, "scanline width %d, expected %d",
                             (int32_t) head[2] << 8 | head[3], w);
        for (int c = 0; c < 4; c++) {
            int32_t x = 0;
            while (x < w) {
                int n = bin_get(b);
                if (n <= 0)
                    return vfx__fail(VFX_ERR_CORRUPT,
                                     n < 0 ? "unexpected end of data" : "zero run count");
                if (n > 128) {
                    n -= 128;
                    int v = bin_get(b);
                    if (v < 0)
                        return vfx__fail(VFX_ERR_CORRUPT, "unexpected end of data");
                    if (n > w - x)
                        return vfx__fail(VFX_ERR_CORRUPT, "run past the end of the scanline");
                    for (int k = 0; k < n; k++)
                        p[(x + k) * 4 + c] = (uint8_t) v;
                } else {
                    if (n > w - x)
                        return vfx__fail(VFX_ERR_CORRUPT, "run past the end of the scanline");
                    for (int k = 0; k < n; k++) {
                        int v = bin_get(b);
                        if (v < 0)
                            return vfx__fail(VFX_ERR_CORRUPT, "unexpected end of data");
                        p[(x + k) * 4 + c] = (uint8_t) v;
                    }
                }
                x += n;
            }
        }
        return VFX_OK;
    }
    /* flat or old RLE, pixel by pixel; head is the first pixel */
    int shift = 0;
    int32_t x = 0;
    int have = 1;
    while (x < w) {
        uint8_t px[4];
        if (have) {
            memcpy(px, head, 4);
            have = 0;
        } else {
            VFX_TRY(bin_read(b, px, 4));
        }
        if (px[0] == 1 && px[1] == 1 && px[2] == 1) {
            if (x == 0)
                return vfx__fail(VFX_ERR_CORRUPT, "run with no previous pixel");
            if (shift > 24)
                return vfx__fail(VFX_ERR_CORRUPT, "run too long");
            int64_t n = (int64_t) px[3] << shift;
            if (n > w - x)
                return vfx__fail(VFX_ERR_CORRUPT, "run past the end of the scanline");
            for (int64_t k = 0; k < n; k++)
                memcpy(p + (x + k) * 4, p + (x - 1) * 4, 4);
            x += (int32_t) n;
            shift += 8;
        } else {
            memcpy(p + x * 4, px, 4);
            x++;
            shift = 0;
        }
    }
    return VFX_OK;
}

static void
rgbe_to_float(const uint8_t *p, float *f, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *q = p + i * 4;
        if (q[3] == 0) {
            f[i * 3] = f[i * 3 + 1] = f[i * 3 + 2] = 0.0f;
        } else {
            float s = ldexpf(1.0f, (int) q[3] - (128 + 8));
            f[i * 3 + 0] = (float) q[0] * s;
            f[i * 3 + 1] = (float) q[1] * s;
            f[i * 3 + 2] = (float) q[2] * s;
        }
    }
}

static vfx_status
read_locked(vfx__rd *rd, hdr_priv *hp, const vfx__read_req *req)
{
    if (req->rect.y0 < hp->next_row) { /* restart from the nearest indexed row */
        int32_t k = req->rect.y0 / INDEX_STEP;
        while (k > 0 && hp->index[k] == 0)
            k--;
        bin_seek(hp->in, hp->index[k]);
        hp->next_row = k * INDEX_STEP;
    }
    /* skip forward over an indexed gap */
    int32_t k = req->rect.y0 / INDEX_STEP;
    if (k * INDEX_STEP > hp->next_row && hp->index[k] != 0) {
        bin_seek(hp->in, hp->index[k]);
        hp->next_row = k * INDEX_STEP;
    }
    while (hp->next_row < req->rect.y1) {
        if (hp->next_row % INDEX_STEP == 0)
            hp->index[hp->next_row / INDEX_STEP] = bin_tell(hp->in);
        vfx_status s = read_scanline(hp);
        if (s != VFX_OK) {
            vfx__error_prefix("scanline %d: ", hp->next_row);
            hp->next_row = INT32_MAX; /* force a restart next time */
            return s;
        }
        if (hp->next_row >= req->rect.y0) {
            rgbe_to_float(hp->rgbe, hp->row, hp->width);
            VFX_TRY(vfx__req_put_row(req, hp->next_row, (const uint8_t *) hp->row,
                                     VFX_PIXEL_F32, 3, 0));
            vfx__rd_count_chunks(rd, 1);
        }
        hp->next_row++;
    }
    return VFX_OK;
}

static vfx_status
hdr_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    hdr_priv *hp = rd->priv;
    pthread_mutex_lock(&hp->lock);
    vfx_status s = read_locked(rd, hp, req);
    pthread_mutex_unlock(&hp->lock);
    return s;
}

/* ---- writer ------------------------------------------------------------------------------- */

typedef struct hdr_enc {
    vfx__outbuf out;
    int32_t     width;
    float      *row;
    uint8_t    *rgbe;
} hdr_enc;

static void
float_to_rgbe(const float *f, uint8_t *q)
{
    float r = f[0] > 0 ? f[0] : 0, g = f[1] > 0 ? f[1] : 0, b = f[2] > 0 ? f[2] : 0;
    float v = VFX__MAX(r, VFX__MAX(g, b));
    if (!(v >= 1e-32f) || !isfinite(v)) {
        q[0] = q[1] = q[2] = q[3] = 0;
        if (isinf(v)) { /* the largest value RGBE holds */
            q[0] = q[1] = q[2] = 255;
            q[3] = 255;
        }
        return;
    }
    int e;
    float m = frexpf(v, &e) * 256.0f / v;
    q[0] = (uint8_t) (r * m);
    q[1] = (uint8_t) (g * m);
    q[2] = (uint8_t) (b * m);
    q[3] = (uint8_t) (e + 128);
}

/* New-RLE one component: runs of >= 3 equal bytes, literals otherwise (as Radiance). */
static vfx_status
put_component(vfx__outbuf *ob, const uint8_t *p, int32_t w)
{
    int32_t x = 0;
    while (x < w) {
        /* find the next run of at least 3 */
        int32_t beg = x, run = 0;
        while (beg < w) {
            run = 1;
            while (beg + run < w && run < 127 && p[(beg + run) * 4] == p[beg * 4])
                run++;
            if (run >= 3)
                break;
            beg += run;
        }
        if (run < 3)
            beg = w;
        while (x < beg) { /* literals before the run */
            int32_t n = VFX__MIN(128, beg - x);
            uint8_t c = (uint8_t) n;
            vfx__outbuf_put(ob, &c, 1);
            for (int32_t k = 0; k < n; k++)
                vfx__outbuf_put(ob, &p[(x + k) * 4], 1);
            x += n;
        }
        if (beg < w) {
            uint8_t rb[2] = { (uint8_t) (128 + run), p[beg * 4] };
            vfx__outbuf_put(ob, rb, 2);
            x = beg + run;
        }
    }
    return ob->err;
}

static vfx_status
hdr_write_close(vfx__wr *wr, int failed);

static vfx_status
hdr_write_open(vfx__wr *wr)
{
    if (vfx_channels_count(wr->spec.channels) != 3)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "Radiance HDR stores 3 channels");
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "Radiance HDR cannot be tiled");
    int64_t w = vfx_rect_width(wr->spec.data), h = vfx_rect_height(wr->spec.data);
    if (w > (1 << 24) || h > (1 << 24))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "image too large for Radiance HDR");
    hdr_enc *he = vfx__calloc(1, sizeof *he);
    if (!he)
        return vfx__nomem();
    wr->priv = he;
    he->width = (int32_t) w;
    he->row = vfx__alloc((size_t) w * 3 * sizeof(float));
    he->rgbe = vfx__alloc((size_t) w * 4);
    if (!he->row || !he->rgbe)
        return vfx__nomem();
    VFX_TRY(vfx__outbuf_init(&he->out, wr, 1 << 16));
    char head[512];
    int n = snprintf(head, sizeof head, "#?RADIANCE\n# Made with vfx\nFORMAT=32-bit_rle_rgbe\n");
    const vfx_attr_value *v;
    if ((v = vfx__wr_attr(wr, "hdr:exposure", VFX_ATTR_FLOAT)) && v->u.f > 0)
        n += snprintf(head + n, sizeof head - (size_t) n, "EXPOSURE=%.9g\n", (double) v->u.f);
    if ((v = vfx__wr_attr(wr, "gamma", VFX_ATTR_FLOAT)) && v->u.f > 0)
        n += snprintf(head + n, sizeof head - (size_t) n, "GAMMA=%.9g\n", (double) v->u.f);
    n += snprintf(head + n, sizeof head - (size_t) n, "\n-Y %d +X %d\n", (int) h, (int) w);
    VFX_TRY(vfx__outbuf_put(&he->out, head, (size_t) n));
    wr->chunking = (vfx_chunking){ VFX_ACCESS_RANDOM_STRIPS, he->width, 16, wr->spec.data.x0,
                                   wr->spec.data.y0, 1, (int32_t) ((h + 15) / 16) };
    return VFX_OK;
}

static vfx_status
hdr_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    hdr_enc *he = wr->priv;
    int32_t w = he->width;
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        VFX_TRY(vfx__pack_row((const uint8_t *) src + (ptrdiff_t) (y - rect.y0) * y_stride, type,
                              x_stride, (uint8_t *) he->row, VFX_PIXEL_F32, w, 3));
        for (int32_t x = 0; x < w; x++)
            float_to_rgbe(he->row + x * 3, he->rgbe + x * 4);
        if (w < 8 || w > 0x7fff) {
            VFX_TRY(vfx__outbuf_put(&he->out, he->rgbe, (size_t) w * 4));
            continue;
        }
        uint8_t lead[4] = { 2, 2, (uint8_t) (w >> 8), (uint8_t) (w & 255) };
        VFX_TRY(vfx__outbuf_put(&he->out, lead, 4));
        for (int c = 0; c < 4; c++)
            VFX_TRY(put_component(&he->out, he->rgbe + c, w));
    }
    return VFX_OK;
}

static vfx_status
hdr_write_close(vfx__wr *wr, int failed)
{
    hdr_enc *he = wr->priv;
    if (!he)
        return VFX_OK;
    vfx_status s = failed ? VFX_OK : vfx__outbuf_flush(&he->out);
    vfx__outbuf_free(&he->out);
    vfx__free(he->row);
    vfx__free(he->rgbe);
    vfx__free(he);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_hdr = {
    .size = sizeof(vfx_format),
    .name = "hdr",
    .tag = "hdr",
    .extensions = "hdr,rgbe,pic",
    .probe = hdr_probe,
    .open = hdr_open,
    .read_rect = hdr_read_rect,
    .close = hdr_close,
    .write_open = hdr_write_open,
    .write_rect = hdr_write_rect,
    .write_close = hdr_write_close,
    .description = "Radiance HDR (own code): RGBE and XYZE, old and new RLE",
    .write_notes = "3 channels as new-RLE RGBE (float in)",
};
