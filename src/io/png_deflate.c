/* PNG image data, filtered and deflated in parallel (the technique of pigz).
 *
 * libpng filters and deflates every row on the thread that hands it the row, which makes
 * the PNG writer a one-core affair: on an 8192 x 8192 RGB picture deflate is nearly all of
 * the time. Here the rows are cut into bands of about 512 KiB; each band is filtered and
 * compressed by a pool task as an independent raw-deflate segment:
 *
 *  - the segment is primed (deflateSetDictionary) with the last 32 KiB of filtered bytes of
 *    the rows before it, so it may refer back across the band boundary as one deflate stream
 *    would; the task re-filters those rows itself (the filter choice of a row depends only on
 *    the row and the one above, so it gets the same bytes the previous task produced);
 *  - every segment but the last ends with a sync flush (byte aligned, no final block), the
 *    last with Z_FINISH;
 *  - the caller's thread writes the segments in order as IDAT chunks, after a zlib header
 *    (CMF 0x78) and before the adler32 of the whole filtered stream, combined from the bands'
 *    adler32s with zlib's adler32_combine().
 *
 * The result is one ordinary zlib stream: any PNG decoder reads it. The row filters are the
 * five of the PNG specification, written here because libpng has no API that filters a row
 * without also compressing it; the adaptive choice is libpng's (least sum of the filtered
 * bytes taken as signed values). zlib does the deflating and the CRCs.
 *
 * At most threads + 2 bands are in flight; the caller waits for the oldest (helping to run
 * queued tasks while it waits), so memory stays a few MiB whatever the image size. */
#include "io/png_deflate.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BAND_TARGET ((size_t) 1 << 19) /* filtered bytes per band, about */
#define DICT_BYTES  32768

typedef struct band {
    /* set by the caller before the task runs */
    uint8_t   *raw;      /* (pre + n) rows: context rows, then the band's rows */
    int32_t    pre;      /* context rows (the rows just above the band) */
    int32_t    n;        /* rows of the band */
    int32_t    y0;       /* image row of the band's first row */
    int        last;     /* the band ends the image */
    /* set by the task */
    uint8_t   *zout;
    size_t     zlen, zcap;
    uLong      adler;    /* of the band's filtered bytes */
    size_t     in_len;   /* the band's filtered bytes */
    vfx__job  *job;      /* NULL when run inline */
    atomic_int claimed;  /* a thread has started the work (the pool task or the caller) */
    atomic_int done;     /* status and output are ready */
    vfx_status status;
    char       msg[200]; /* the failure message when status != VFX_OK */
    struct vfx__pngz *z;
} band;

struct vfx__pngz {
    size_t       rb;        /* row bytes */
    int          bpp, level, filter;
    int32_t      height;
    int32_t      band_rows; /* rows per band */
    int32_t      ctx_max;   /* context rows a band keeps: dictionary rows + 1 */
    int32_t      dict_max;  /* rows that cover DICT_BYTES of filtered data */
    vfx__outbuf *out;
    vfx__pool   *pool;      /* NULL: compress on the calling thread */
    int32_t      n_slots;   /* bands in flight at most */
    band        *bands;     /* ring of n_slots */
    int64_t      head, tail; /* bands [tail, head) are submitted and not yet written */
    band        *cur;       /* the band being filled (bands[head % n_slots]) or NULL */
    int32_t      next_y;    /* next image row */
    uLong        adler;     /* of everything written so far */
    int          wrote_header;
};

/* ---- row filters ---------------------------------------------------------------------- */

static inline uint8_t
paeth(uint8_t a, uint8_t b, uint8_t c)
{
    int p = (int) a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void
filter_one(int f, const uint8_t *x, const uint8_t *b, size_t n, int bpp, uint8_t *o)
{
    size_t k = (size_t) bpp < n ? (size_t) bpp : n;
    switch (f) {
    case VFX__PNG_FILTER_SUB:
        memcpy(o, x, k);
        for (size_t i = k; i < n; i++)
            o[i] = (uint8_t) (x[i] - x[i - (size_t) bpp]);
        break;
    case VFX__PNG_FILTER_UP:
        for (size_t i = 0; i < n; i++)
            o[i] = (uint8_t) (x[i] - b[i]);
        break;
    case VFX__PNG_FILTER_AVG:
        for (size_t i = 0; i < k; i++)
            o[i] = (uint8_t) (x[i] - (b[i] >> 1));
        for (size_t i = k; i < n; i++)
            o[i] = (uint8_t) (x[i] - ((x[i - (size_t) bpp] + b[i]) >> 1));
        break;
    case VFX__PNG_FILTER_PAETH:
        for (size_t i = 0; i < k; i++)
            o[i] = (uint8_t) (x[i] - b[i]); /* paeth(0, b, 0) = b */
        for (size_t i = k; i < n; i++)
            o[i] = (uint8_t) (x[i] - paeth(x[i - (size_t) bpp], b[i], b[i - (size_t) bpp]));
        break;
    default:
        memcpy(o, x, n);
        break;
    }
}

static uint64_t
sum_abs(const uint8_t *p, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += (uint64_t) abs((int) (int8_t) p[i]);
    return s;
}

void
vfx__png_filter_row(int filter, const uint8_t *row, const uint8_t *prior, size_t row_bytes,
                    int bpp, uint8_t *out, uint8_t *scratch)
{
    /* the first row has a zero row above it: UP is NONE, AVG and PAETH reduce to SUB-like
     * forms, which the general code handles with a zero prior */
    if (!prior) {
        memset(scratch, 0, row_bytes);
        prior = scratch;
        scratch += row_bytes;
    }
    if (filter != VFX__PNG_FILTER_ADAPTIVE) {
        out[0] = (uint8_t) filter;
        filter_one(filter, row, prior, row_bytes, bpp, out + 1);
        return;
    }
    /* libpng's heuristic: the least sum of the bytes taken as signed; ties keep the lower
     * filter type. Candidates go to scratch (4 rows), the winner to out. */
    uint64_t best = sum_abs(row, row_bytes);
    int best_f = VFX__PNG_FILTER_NONE;
    for (int f = 1; f <= 4; f++) {
        uint8_t *c = scratch + (size_t) (f - 1) * row_bytes;
        filter_one(f, row, prior, row_bytes, bpp, c);
        uint64_t s = sum_abs(c, row_bytes);
        if (s < best) {
            best = s;
            best_f = f;
        }
    }
    out[0] = (uint8_t) best_f;
    memcpy(out + 1, best_f == 0 ? row : scratch + (size_t) (best_f - 1) * row_bytes, row_bytes);
}

/* ---- one band: filter, deflate ---------------------------------------------------------- */

static vfx_status
band_work(band *b)
{
    const vfx__pngz *z = b->z;
    size_t rb = z->rb, frb = rb + 1;
    /* dictionary rows: the last rows of the context that have their own row above them (or
     * are the image's first row) */
    int32_t d = VFX__MIN(b->pre, z->dict_max);
    if (d == b->pre && b->y0 - b->pre > 0)
        d = b->pre - 1;
    size_t n_filt = (size_t) (d + b->n);
    uint8_t *filt = vfx__alloc(n_filt * frb + 5 * rb);
    if (!filt)
        return vfx__nomem();
    uint8_t *scratch = filt + n_filt * frb;
    for (int32_t r = b->pre - d; r < b->pre + b->n; r++) {
        const uint8_t *row = b->raw + (size_t) r * rb;
        const uint8_t *prior = r > 0 ? row - rb : NULL; /* r == 0 only for image row 0 */
        vfx__png_filter_row(z->filter, row, prior, rb, z->bpp,
                            filt + (size_t) (r - (b->pre - d)) * frb, scratch);
    }
    const uint8_t *in = filt + (size_t) d * frb;
    size_t in_len = (size_t) b->n * frb;
    b->adler = adler32_z(adler32_z(0, NULL, 0), in, in_len);
    b->in_len = in_len;

    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int strategy = z->filter == VFX__PNG_FILTER_NONE ? Z_DEFAULT_STRATEGY : Z_FILTERED;
    if (deflateInit2(&zs, z->level, Z_DEFLATED, -15, 8, strategy) != Z_OK) {
        vfx__free(filt);
        return vfx__nomem();
    }
    vfx_status s = VFX_OK;
    size_t dict_len = VFX__MIN((size_t) d * frb, (size_t) DICT_BYTES);
    if (dict_len > 0 && deflateSetDictionary(&zs, in - dict_len, (uInt) dict_len) != Z_OK)
        s = vfx__fail(VFX_ERR_INTERNAL, "deflateSetDictionary failed");
    b->zcap = deflateBound(&zs, (uLong) in_len) + 64;
    b->zout = s == VFX_OK ? vfx__alloc(b->zcap) : NULL;
    if (s == VFX_OK && !b->zout)
        s = vfx__nomem();
    zs.next_in = (Bytef *) in;
    size_t left = in_len;
    int flush = b->last ? Z_FINISH : Z_SYNC_FLUSH;
    while (s == VFX_OK) {
        uInt chunk_in = (uInt) VFX__MIN(left, (size_t) 1 << 30);
        zs.next_in = (Bytef *) in + (in_len - left);
        zs.avail_in = chunk_in;
        zs.next_out = b->zout + b->zlen;
        zs.avail_out = (uInt) VFX__MIN(b->zcap - b->zlen, (size_t) 1 << 30);
        int ret = deflate(&zs, chunk_in == left ? flush : Z_NO_FLUSH);
        left -= chunk_in - zs.avail_in;
        b->zlen = (size_t) (zs.next_out - b->zout);
        if (ret == Z_STREAM_END || (ret == Z_OK && left == 0 && zs.avail_out > 0 &&
                                    flush == Z_SYNC_FLUSH))
            break;
        if ((ret != Z_OK && ret != Z_BUF_ERROR) || (ret == Z_BUF_ERROR && zs.avail_out > 0)) {
            s = vfx__fail(VFX_ERR_INTERNAL, "deflate failed (%d)", ret);
            break;
        }
        if (zs.avail_out == 0) { /* the bound was not enough: grow */
            size_t cap = b->zcap * 2;
            uint8_t *p = vfx__alloc(cap);
            if (!p) {
                s = vfx__nomem();
                break;
            }
            memcpy(p, b->zout, b->zlen);
            vfx__free(b->zout);
            b->zout = p;
            b->zcap = cap;
        }
    }
    deflateEnd(&zs);
    vfx__free(filt);
    return s;
}

/* Run band b here; whoever claims it first does the work, so the caller may take a queued
 * band instead of sleeping while the pool's threads are busy. */
static void
band_run(band *b)
{
    b->status = band_work(b);
    if (b->status != VFX_OK)
        snprintf(b->msg, sizeof b->msg, "%s", vfx_error_message());
    atomic_store_explicit(&b->done, 1, memory_order_release);
}

static vfx_status
band_task(void *arg, int worker)
{
    band *b = arg;
    (void) worker;
    if (!atomic_exchange(&b->claimed, 1))
        band_run(b);
    return VFX_OK;
}

/* ---- output ------------------------------------------------------------------------------ */

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/* Write band b (finished) as one IDAT chunk, with the zlib header before the first band and
 * the adler32 after the last. */
static vfx_status
write_band(vfx__pngz *z, band *b)
{
    uint8_t head[4 + 4 + 2], tail[4 + 4];
    size_t n_head = 0, n_tail = 0;
    if (!z->wrote_header) {
        /* CMF: deflate, 32 KiB window; FLG: zlib's FLEVEL for the level, then FCHECK */
        int lv = z->level <= 1 ? 0 : z->level <= 5 ? 1 : z->level == 6 ? 2 : 3;
        unsigned cmf = 0x78, flg = (unsigned) lv << 6;
        if ((cmf * 256 + flg) % 31 != 0)
            flg += 31 - (cmf * 256 + flg) % 31;
        head[8] = (uint8_t) cmf;
        head[9] = (uint8_t) flg;
        n_head = 2;
        z->adler = adler32_z(0, NULL, 0);
        z->wrote_header = 1;
    }
    z->adler = adler32_combine(z->adler, b->adler, (z_off_t) b->in_len);
    if (b->last) {
        put_be32(tail, (uint32_t) z->adler);
        n_tail = 4;
    }
    size_t len = n_head + b->zlen + n_tail;
    if (len > 0x7fffffffu)
        return vfx__fail(VFX_ERR_INTERNAL, "IDAT chunk too long");
    put_be32(head, (uint32_t) len);
    memcpy(head + 4, "IDAT", 4);
    uLong crc = crc32_z(crc32_z(0, NULL, 0), head + 4, 4 + n_head);
    crc = crc32_z(crc, b->zout, b->zlen);
    crc = crc32_z(crc, tail, n_tail);
    put_be32(tail + n_tail, (uint32_t) crc);
    VFX_TRY(vfx__outbuf_put(z->out, head, 8 + n_head));
    VFX_TRY(vfx__outbuf_put(z->out, b->zout, b->zlen));
    return vfx__outbuf_put(z->out, tail, n_tail + 4);
}

static void
band_release(band *b)
{
    VFX_FREE(b->zout);
    b->zlen = b->zcap = 0;
    if (b->job) {
        vfx__job_free(b->job);
        b->job = NULL;
    }
}

/* Wait for the oldest band in flight, write it, recycle its slot. */
static vfx_status
retire_oldest(vfx__pngz *z)
{
    band *b = &z->bands[z->tail % z->n_slots];
    if (!atomic_exchange(&b->claimed, 1))
        band_run(b);
    vfx_status s = b->job ? vfx__job_wait(b->job) : VFX_OK;
    if (s == VFX_OK && !atomic_load_explicit(&b->done, memory_order_acquire))
        s = vfx__fail(VFX_ERR_INTERNAL, "png: band task did not run");
    if (s == VFX_OK && b->status != VFX_OK)
        s = vfx__fail(b->status, "%s", b->msg);
    if (s == VFX_OK)
        s = write_band(z, b);
    band_release(b);
    z->tail++;
    return s;
}

/* Write the finished bands in order; while more than @p keep bands are in flight, compress
 * a queued band here (the pool threads may all be busy) or wait for the oldest. */
static vfx_status
drain(vfx__pngz *z, int64_t keep)
{
    while (z->tail < z->head) {
        band *o = &z->bands[z->tail % z->n_slots];
        if (atomic_load_explicit(&o->done, memory_order_acquire)) {
            VFX_TRY(retire_oldest(z));
            continue;
        }
        if (z->head - z->tail <= keep)
            break;
        band *u = NULL;
        for (int64_t i = z->tail; i < z->head && !u; i++) {
            band *c = &z->bands[i % z->n_slots];
            if (!atomic_load(&c->claimed) && !atomic_exchange(&c->claimed, 1))
                u = c;
        }
        if (u)
            band_run(u);
        else
            VFX_TRY(retire_oldest(z));
    }
    return VFX_OK;
}

static vfx_status
submit(vfx__pngz *z, band *b)
{
    atomic_store(&b->done, 0);
    atomic_store(&b->claimed, 0);
    b->status = VFX_OK;
    z->head++;
    z->cur = NULL;
    if (z->pool) {
        vfx_status s = vfx__job_new(z->pool, &b->job);
        if (s == VFX_OK)
            s = vfx__job_submit(b->job, band_task, b);
        if (s != VFX_OK)
            return s;
    } else {
        atomic_store(&b->claimed, 1);
        band_run(b);
    }
    return drain(z, z->n_slots - 1);
}

/* Make the next band current: copy the context rows from the previous band. */
static void
start_band(vfx__pngz *z)
{
    band *b = &z->bands[z->head % z->n_slots];
    const band *prev = z->head > 0 ? &z->bands[(z->head - 1) % z->n_slots] : NULL;
    b->y0 = z->next_y;
    b->pre = VFX__MIN(z->ctx_max, b->y0);
    b->n = 0;
    b->last = 0;
    b->z = z;
    if (prev && b->pre > 0) {
        /* prev->raw holds rows [prev->y0 - prev->pre, prev->y0 + prev->n): its last rows */
        const uint8_t *src = prev->raw + (size_t) (prev->pre + prev->n - b->pre) * z->rb;
        memcpy(b->raw, src, (size_t) b->pre * z->rb);
    }
    z->cur = b;
}

vfx_status
vfx__pngz_new(size_t row_bytes, int bpp, int32_t height, int level, int filter,
              int32_t threads, vfx__outbuf *out, vfx__pngz **z_out)
{
    *z_out = NULL;
    if (row_bytes == 0 || height < 1 || bpp < 1 || level < 0 || level > 9 || filter < 0 ||
        filter > VFX__PNG_FILTER_ADAPTIVE || row_bytes > ((size_t) 1 << 30))
        return vfx__fail(VFX_ERR_ARG, "png: bad deflate parameters");
    vfx__pngz *z = vfx__calloc(1, sizeof *z);
    if (!z)
        return vfx__nomem();
    z->rb = row_bytes;
    z->bpp = bpp;
    z->level = level;
    z->filter = filter;
    z->height = height;
    z->out = out;
    size_t frb = row_bytes + 1;
    z->dict_max = (int32_t) ((DICT_BYTES + frb - 1) / frb);
    z->ctx_max = z->dict_max + 1;
    z->band_rows = (int32_t) VFX__MAX((size_t) 1, BAND_TARGET / frb);
    z->band_rows = VFX__MIN(z->band_rows, height);
    z->pool = threads > 1 ? vfx__pool_global() : NULL;
    z->n_slots = z->pool ? vfx__pool_threads(z->pool) + 2 : 2;
    z->bands = vfx__calloc((size_t) z->n_slots, sizeof *z->bands);
    vfx_status s = z->bands ? VFX_OK : vfx__nomem();
    size_t raw_rows = (size_t) z->ctx_max + (size_t) z->band_rows;
    for (int32_t i = 0; i < z->n_slots && s == VFX_OK; i++) {
        atomic_init(&z->bands[i].done, 0);
        atomic_init(&z->bands[i].claimed, 0);
        z->bands[i].raw = vfx__alloc(raw_rows * row_bytes);
        if (!z->bands[i].raw)
            s = vfx__nomem();
    }
    if (s != VFX_OK) {
        vfx__pngz_free(z);
        return s;
    }
    start_band(z);
    *z_out = z;
    return VFX_OK;
}

uint8_t *
vfx__pngz_row(vfx__pngz *z)
{
    band *b = z->cur;
    return b ? b->raw + (size_t) (b->pre + b->n) * z->rb : NULL;
}

vfx_status
vfx__pngz_push(vfx__pngz *z)
{
    band *b = z->cur;
    if (!b)
        return vfx__fail(VFX_ERR_STATE, "png: more rows than the image has");
    b->n++;
    z->next_y++;
    if (z->next_y == z->height)
        b->last = 1;
    else if (b->n < z->band_rows)
        return VFX_OK;
    VFX_TRY(submit(z, b));
    if (z->next_y < z->height) {
        start_band(z);
        return VFX_OK;
    }
    return drain(z, 0);
}

void
vfx__pngz_free(vfx__pngz *z)
{
    if (!z)
        return;
    if (z->bands) {
        for (int64_t i = z->tail; i < z->head; i++) {
            band *b = &z->bands[i % z->n_slots];
            if (b->job)
                vfx__job_cancel(b->job);
        }
        for (int64_t i = z->tail; i < z->head; i++) {
            band *b = &z->bands[i % z->n_slots];
            if (b->job)
                (void) vfx__job_wait(b->job);
            band_release(b);
        }
        for (int32_t i = 0; i < z->n_slots; i++)
            vfx__free(z->bands[i].raw);
        vfx__free(z->bands);
    }
    vfx__free(z);
}
