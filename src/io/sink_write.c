/* The file sink: render an image into a writer, tiles in the order the writer wants (strips
 * top to bottom, or tiles row by row), through the graph's ordered "wait for my turn" stage.
 * Each worker compresses its tile (vfx__writer_encode) before it waits for its turn, so only
 * the file write is serial. The writer's temporary file is renamed only when every tile is written; an error or a
 * cancel removes it. */
#include "graph/graph_int.h"
#include "io/fmt_util.h"
#include "io/io_int.h"

/* Tiles encoded ahead of their turn, waiting for it: at most one per worker in flight (a
 * worker holds its tile until its turn comes), so a small table is enough. */
#define N_PENDING 128

typedef struct pending {
    int64_t i;   /* tile index, -1 = free slot */
    void   *enc; /* from vfx__writer_encode() */
} pending;

typedef struct write_ctx {
    vfx_writer     *w;
    int32_t         band_tile_w; /* > 0: tiles arrive as full-width bands, cut them */
    vfx_pixel_type  pack_type;   /* not UNKNOWN: tiles arrive packed to this type (write_pack) */
    int32_t         pack_px;     /* bytes per packed pixel */
    pthread_mutex_t lock;        /* guards pend */
    pending         pend[N_PENDING];
} write_ctx;

/* A chunk of a strip, converted to the writer's row type as the writer itself would (the
 * same vfx__pack_row()), on the rendering thread. */
static vfx_status
write_pack(void *ctx, const vfx_tile *chunk, uint8_t *dst, size_t row_bytes)
{
    const write_ctx *wc = ctx;
    int32_t w = (int32_t) vfx_rect_width(chunk->rect);
    for (int32_t y = chunk->rect.y0; y < chunk->rect.y1; y++)
        VFX_TRY(vfx__pack_row((const uint8_t *) vfx__tile_at(chunk, chunk->rect.x0, y),
                              VFX_PIXEL_F32, (ptrdiff_t) sizeof(float) * chunk->n_channels,
                              dst + (size_t) (y - chunk->rect.y0) * row_bytes, wc->pack_type,
                              w, chunk->n_channels));
    return VFX_OK;
}

/* Unordered, on the thread that rendered tile i: compress it now, on all threads at once;
 * only the file write waits for the tile's turn (write_consume). */
static vfx_status
write_prepare(void *ctx, int64_t i, const vfx_tile *t)
{
    write_ctx *wc = ctx;
    vfx_pixel_type type = VFX_PIXEL_F32;
    ptrdiff_t xs = (ptrdiff_t) sizeof(float) * t->n_channels;
    ptrdiff_t ys = (ptrdiff_t) sizeof(float) * t->stride;
    if (wc->pack_px > 0) { /* packed already (TIFF strips): compressed from the packed rows */
        type = wc->pack_type;
        xs = wc->pack_px;
        ys = (ptrdiff_t) wc->pack_px * vfx_rect_width(t->rect);
    }
    void *enc = NULL;
    VFX_TRY(vfx__writer_encode(wc->w, t->rect, type, t->p, xs, ys, &enc));
    if (!enc)
        return VFX_OK;
    pthread_mutex_lock(&wc->lock);
    for (int k = 0; k < N_PENDING && enc; k++)
        if (wc->pend[k].i < 0) {
            wc->pend[k] = (pending){ i, enc };
            enc = NULL;
        }
    pthread_mutex_unlock(&wc->lock);
    vfx__writer_enc_free(wc->w, enc); /* no free slot (cannot happen): written the slow way */
    return VFX_OK;
}

static void *
take_pending(write_ctx *wc, int64_t i)
{
    void *enc = NULL;
    pthread_mutex_lock(&wc->lock);
    for (int k = 0; k < N_PENDING && !enc; k++)
        if (wc->pend[k].i == i) {
            enc = wc->pend[k].enc;
            wc->pend[k] = (pending){ -1, NULL };
        }
    pthread_mutex_unlock(&wc->lock);
    return enc;
}

static vfx_status
write_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    write_ctx *wc = ctx;
    void *enc = take_pending(wc, i);
    if (enc)
        return vfx__writer_commit(wc->w, t->rect, enc);
    if (wc->pack_px > 0)
        return vfx_writer_write_rect(wc->w, t->rect, wc->pack_type, t->p, wc->pack_px,
                                     (ptrdiff_t) wc->pack_px * vfx_rect_width(t->rect));
    ptrdiff_t xs = (ptrdiff_t) sizeof(float) * t->n_channels;
    ptrdiff_t ys = (ptrdiff_t) sizeof(float) * t->stride;
    if (wc->band_tile_w <= 0)
        return vfx_writer_write_rect(wc->w, t->rect, VFX_PIXEL_F32, t->p, xs, ys);
    for (int64_t x0 = t->rect.x0; x0 < t->rect.x1; x0 += wc->band_tile_w) {
        vfx_rect r = { (int32_t) x0, t->rect.y0,
                       (int32_t) VFX__MIN(x0 + wc->band_tile_w, (int64_t) t->rect.x1),
                       t->rect.y1 };
        const float *p = t->p + (size_t) (x0 - t->rect.x0) * (size_t) t->n_channels;
        VFX_TRY(vfx_writer_write_rect(wc->w, r, VFX_PIXEL_F32, p, xs, ys));
    }
    return VFX_OK;
}

/* True when a stream decoder (VFX_OP_SEQUENTIAL: PNG, JPEG, HDR) feeds @p n. */
static int
fed_by_stream(const vfx_node *n, int depth)
{
    if (n->op->flags & VFX_OP_SEQUENTIAL)
        return 1;
    if (depth > 64)
        return 0;
    for (int32_t k = 0; k < n->n_inputs; k++)
        if (fed_by_stream(n->inputs[k], depth + 1))
            return 1;
    return 0;
}

/* True when the image written is itself a source (a file read) whose own grid is wider than
 * the writer's tiles: every render() of it decodes its chunks whole, whatever the rect, and
 * the sink renders straight from it without the cache. */
static int
coarse_source(const vfx_node *n, const vfx_chunking *c)
{
    return n->n_inputs == 0 && !(n->op->flags & VFX_OP_POINTWISE) && n->op->tiling &&
           n->tiling.w > c->chunk_w;
}

vfx_status
vfx__write_level(vfx_image *im, vfx_writer *w, vfx_rect region, const vfx_sink_options *sopt)
{
    vfx_chunking c;
    (void) vfx_writer_chunking(w, &c);
    vfx__sink sk;
    vfx__sink_setup(&sk, im, region, sopt);
    write_ctx *wc = vfx__calloc(1, sizeof *wc);
    if (!wc)
        return vfx__nomem();
    wc->w = w;
    pthread_mutex_init(&wc->lock, NULL);
    for (int k = 0; k < N_PENDING; k++)
        wc->pend[k].i = -1;
    if (c.access == VFX_ACCESS_RANDOM_TILES && (fed_by_stream(im, 0) || coarse_source(im, &c))) {
        /* A stream decoder upstream can only go forward, and a file source read in strips
         * (scanline EXR, stripped TIFF) decodes whole full-width chunks for any rect: render
         * full-width bands one tile row high, top to bottom, and cut each band into the
         * writer's tiles. Rendering tile by tile would restart the decoder (or decode the
         * same strips again) for every tile of a row: 128 times over for an 8192-wide
         * scanline EXR made into 64x64 tiles (maketx, --tile). */
        sk.tile_w = (int32_t) VFX__MIN(vfx_rect_width(region), (int64_t) INT32_MAX);
        sk.tile_h = c.chunk_h;
        sk.skew_x = sk.skew_y = 0;
        wc->band_tile_w = c.chunk_w;
    } else if (c.access == VFX_ACCESS_RANDOM_TILES) {
        sk.tile_w = c.chunk_w;
        sk.tile_h = c.chunk_h;
        sk.skew_x = sk.skew_y = 0; /* the writer's grid starts at the region's corner */
    } else {
        /* whole-width strips of whole chunks, about 64 rows */
        sk.tile_w = (int32_t) VFX__MIN(vfx_rect_width(region), (int64_t) INT32_MAX);
        sk.tile_h = c.chunk_h * VFX__MAX(1, 64 / c.chunk_h);
        sk.skew_x = sk.skew_y = 0;
        /* A writer that only packs values (PNG, JPEG, TIFF strips) gets its strips packed
         * already: rendered in column chunks and converted chunk by chunk, so the strip in
         * flight per worker is u8 (8192 x 64 RGB: 1.5 MiB), not f32 (6 MiB). Same values,
         * converted earlier; a writer that compresses ahead (TIFF) does so from the packed
         * strip. Only when the sink cuts the strip into column chunks (produce_packed() in
         * graph/scheduler.c, same test): a source or a sequential / whole-input op renders
         * the whole f32 strip anyway, and a packed copy beside it would only add to it. */
        vfx_pixel_type pt = vfx__writer_row_type(w);
        const vfx_node *sn = sk.node;
        uint32_t whole = VFX_OP_SEQUENTIAL | VFX_OP_WHOLE_INPUT;
        int cut = (sn->op->flags & VFX_OP_POINTWISE) ||
                  (sn->n_inputs > 0 && !(sn->op->flags & whole));
        if (pt != VFX_PIXEL_UNKNOWN && cut) {
            wc->pack_type = pt;
            wc->pack_px = (int32_t) (vfx_pixel_type_size(pt) * (size_t) im->n_channels);
            sk.pack_px = wc->pack_px;
            sk.pack = write_pack;
        }
    }
    sk.ordered = 1; /* the writer is fed by one caller at a time, in its order */
    sk.prepare = write_prepare;
    sk.consume = write_consume;
    sk.ctx = wc;
    vfx_status s = vfx__sink_run(&sk, sopt);
    for (int k = 0; k < N_PENDING; k++) /* left by a failed or cancelled run */
        vfx__writer_enc_free(w, wc->pend[k].enc);
    pthread_mutex_destroy(&wc->lock);
    vfx__free(wc);
    return s;
}

vfx_status
vfx__write_region(vfx_image *im, const vfx_sink_options *sopt, vfx_rect *out)
{
    /* as the sink options say, else the data window when finite, else the display window */
    uint32_t flags = sopt && VFX__HAS(sopt, vfx_sink_options, flags) ? sopt->flags : 0;
    vfx_rect rod = vfx_image_rod(im);
    if (flags & (VFX_SINK_REGION | VFX_SINK_DATA_WINDOW))
        return vfx__sink_region(im, sopt, out);
    if (!vfx_rect_is_infinite(rod) && !vfx_rect_is_empty(rod)) {
        *out = rod;
        return VFX_OK;
    }
    return vfx__sink_region(im, sopt, out);
}

vfx_status
vfx_image_write(vfx_image *im, const char *path, const vfx_write_options *wopt,
                const vfx_sink_options *sopt)
{
    if (!im || !path)
        return vfx__fail(VFX_ERR_ARG, "write: NULL image or path");
    if (wopt && VFX__HAS(wopt, vfx_write_options, levels) && wopt->levels != VFX_LEVELS_ONE)
        return vfx__fail(VFX_ERR_ARG, "%s: vfx_image_write() writes one level; "
                         "vfx_image_write_levels() makes MIP / RIP levels", path);
    vfx_rect region;
    VFX_TRY(vfx__write_region(im, sopt, &region));
    vfx_spec spec = VFX_SPEC_INIT;
    VFX_TRY(vfx_spec_copy(&spec, vfx_image_spec(im)));
    spec.data = region;
    vfx_writer *w = NULL;
    vfx_status s = vfx_writer_open(path, &spec, wopt, &w);
    vfx_spec_clear(&spec);
    if (s != VFX_OK)
        return s;
    s = vfx__write_level(im, w, region, sopt);
    vfx_status s2 = vfx_writer_close(w, s != VFX_OK);
    return s != VFX_OK ? s : s2;
}

/* ---- one render, several files ------------------------------------------------------------ */

typedef struct tee_ctx {
    int32_t    n;
    write_ctx *wc; /* one per writer */
} tee_ctx;

static vfx_status
tee_prepare(void *ctx, int64_t i, const vfx_tile *t)
{
    tee_ctx *tc = ctx;
    for (int32_t k = 0; k < tc->n; k++)
        VFX_TRY(write_prepare(&tc->wc[k], i, t));
    return VFX_OK;
}

static vfx_status
tee_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    tee_ctx *tc = ctx;
    for (int32_t k = 0; k < tc->n; k++)
        VFX_TRY(write_consume(&tc->wc[k], i, t));
    return VFX_OK;
}

static int64_t
gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The strip height every writer takes whole (0 = none): a common multiple of the strip
 * writers' chunk heights, equal to the tile height of every tiled writer. */
static int32_t
tee_rows(vfx_writer *const *ws, int32_t n)
{
    int64_t h = 1, tiled = 0;
    for (int32_t k = 0; k < n; k++) {
        vfx_chunking c;
        (void) vfx_writer_chunking(ws[k], &c);
        int64_t ch = VFX__MAX(1, c.chunk_h);
        if (c.access == VFX_ACCESS_RANDOM_TILES) {
            if (tiled && tiled != ch)
                return 0;
            tiled = ch;
        }
        h = h / gcd64(h, ch) * ch;
        if (h > 256)
            return 0;
    }
    if (tiled)
        return h == tiled ? (int32_t) h : 0;
    return (int32_t) (h * VFX__MAX(1, 64 / h)); /* about 64 rows, as one strip writer gets */
}

vfx_status
vfx_image_write_many(vfx_image *im, int32_t n, const char *const *paths,
                     const vfx_write_options *const *wopts, const vfx_sink_options *sopt)
{
    if (!im || !paths || n < 1 || n > 1024)
        return vfx__fail(VFX_ERR_ARG, "write: no image or paths");
    for (int32_t k = 0; k < n; k++) {
        const vfx_write_options *o = wopts ? wopts[k] : NULL;
        if (!paths[k])
            return vfx__fail(VFX_ERR_ARG, "write: path %d is NULL", (int) k);
        if (o && VFX__HAS(o, vfx_write_options, levels) && o->levels != VFX_LEVELS_ONE)
            return vfx__fail(VFX_ERR_ARG, "%s: vfx_image_write_many() writes one level",
                             paths[k]);
    }
    if (n == 1)
        return vfx_image_write(im, paths[0], wopts ? wopts[0] : NULL, sopt);
    vfx_rect region;
    VFX_TRY(vfx__write_region(im, sopt, &region));
    vfx_writer **ws = vfx__calloc((size_t) n, sizeof *ws);
    tee_ctx tc = { n, vfx__calloc((size_t) n, sizeof(write_ctx)) };
    vfx_spec spec = VFX_SPEC_INIT;
    vfx_status s = ws && tc.wc ? vfx_spec_copy(&spec, vfx_image_spec(im)) : vfx__nomem();
    spec.data = region;
    int32_t n_open = 0;
    for (; n_open < n && s == VFX_OK; n_open++)
        s = vfx_writer_open(paths[n_open], &spec, wopts ? wopts[n_open] : NULL, &ws[n_open]);
    if (s != VFX_OK)
        n_open--; /* the one that failed left nothing to close */
    vfx_spec_clear(&spec);
    int32_t rows = s == VFX_OK ? tee_rows(ws, n) : 0;
    if (s == VFX_OK && rows == 0) {
        /* No strip suits every writer: one render per file, as separate writes would. */
        for (int32_t k = 0; k < n && s == VFX_OK; k++)
            s = vfx__write_level(im, ws[k], region, sopt);
    } else if (s == VFX_OK) {
        vfx__sink sk;
        vfx__sink_setup(&sk, im, region, sopt);
        sk.tile_w = (int32_t) VFX__MIN(vfx_rect_width(region), (int64_t) INT32_MAX);
        sk.tile_h = rows;
        sk.skew_x = sk.skew_y = 0;
        sk.ordered = 1;
        sk.prepare = tee_prepare;
        sk.consume = tee_consume;
        sk.ctx = &tc;
        for (int32_t k = 0; k < n; k++) {
            vfx_chunking c;
            (void) vfx_writer_chunking(ws[k], &c);
            tc.wc[k].w = ws[k];
            tc.wc[k].band_tile_w = c.access == VFX_ACCESS_RANDOM_TILES ? c.chunk_w : 0;
            pthread_mutex_init(&tc.wc[k].lock, NULL);
            for (int j = 0; j < N_PENDING; j++)
                tc.wc[k].pend[j].i = -1;
        }
        s = vfx__sink_run(&sk, sopt);
        for (int32_t k = 0; k < n; k++) {
            for (int j = 0; j < N_PENDING; j++) /* left by a failed or cancelled run */
                vfx__writer_enc_free(ws[k], tc.wc[k].pend[j].enc);
            pthread_mutex_destroy(&tc.wc[k].lock);
        }
    }
    /* Close every writer: after a failed render none of the files appears. */
    for (int32_t k = 0; k < n_open; k++) {
        vfx_status s2 = vfx_writer_close(ws[k], s != VFX_OK);
        if (s == VFX_OK)
            s = s2;
    }
    vfx__free(ws);
    vfx__free(tc.wc);
    return s;
}

vfx_status
vfx_image_write_parts(vfx_image *const *ims, int32_t n, const char *path,
                      const vfx_write_options *const *wopts, const vfx_sink_options *sopt)
{
    if (!ims || !path || n < 1 || n > 100000)
        return vfx__fail(VFX_ERR_ARG, "write: no images or path");
    for (int32_t i = 0; i < n; i++) {
        const vfx_write_options *o = wopts ? wopts[i] : NULL;
        if (!ims[i])
            return vfx__fail(VFX_ERR_ARG, "write: image %d is NULL", (int) i);
        if (o && VFX__HAS(o, vfx_write_options, levels) && o->levels != VFX_LEVELS_ONE)
            return vfx__fail(VFX_ERR_ARG, "%s: part %d: vfx_image_write_parts() writes one "
                             "level per part", path, (int) i);
    }
    vfx_spec *specs = vfx__calloc((size_t) n, sizeof *specs);
    vfx_rect *regions = vfx__calloc((size_t) n, sizeof *regions);
    vfx_status s = specs && regions ? VFX_OK : vfx__nomem();
    int32_t n_specs = 0;
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        specs[i] = (vfx_spec) VFX_SPEC_INIT;
        n_specs = i + 1;
        s = vfx__write_region(ims[i], sopt, &regions[i]);
        if (s == VFX_OK)
            s = vfx_spec_copy(&specs[i], vfx_image_spec(ims[i]));
        specs[i].data = regions[i];
    }
    vfx_writer *w = NULL;
    if (s == VFX_OK)
        s = vfx_writer_open_parts(path, n, specs, wopts, &w);
    for (int32_t i = 0; i < n_specs; i++)
        vfx_spec_clear(&specs[i]);
    vfx__free(specs);
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        s = vfx_writer_set_part(w, i);
        if (s == VFX_OK)
            s = vfx__write_level(ims[i], w, regions[i], sopt);
    }
    vfx__free(regions);
    if (!w)
        return s;
    vfx_status s2 = vfx_writer_close(w, s != VFX_OK);
    return s != VFX_OK ? s : s2;
}
