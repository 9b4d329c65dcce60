/* The scheduler: sinks split their region into output tiles; each worker pulls one output
 * tile at a time and computes it through the whole graph, fetching input tiles recursively
 * through the tile cache (the libvips model: no nested pool jobs, no per-tile malloc once the
 * per-worker arenas have grown to size).
 *
 * produce()      fill a rect of a node, zero outside its RoD (sink output tiles)
 * render_node()  fill a rect inside the node's RoD: fused pointwise chain, or op->render()
 * get_input()    a view of an input over an op's RoI, edge-filled outside the input's RoD
 * fetch()        copy a rect inside a node's RoD out of its cached grid tiles */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph_int.h"

/* ---- arena ------------------------------------------------------------------------------ */

typedef struct ovf_block {
    struct ovf_block *next;
} ovf_block;

#define ARENA_ALIGN 64

void *
vfx__arena_alloc(vfx__arena *a, size_t n)
{
    n = (n + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
    if (n == 0)
        n = ARENA_ALIGN;
    if (a->base && n <= a->cap - a->used) {
        void *p = a->base + a->used;
        a->used += n;
        if (a->used + a->ovf_used > a->want)
            a->want = a->used + a->ovf_used;
        return p;
    }
    /* Overflow: a separate block until released (arena_release) or the next reset, which
     * grows the base block to the peak. */
    uint8_t *blk = vfx__alloc_aligned(n + ARENA_ALIGN, ARENA_ALIGN);
    if (!blk)
        return NULL;
    ((ovf_block *) (void *) blk)->next = a->overflow;
    a->overflow = blk;
    a->ovf_used += n;
    if (a->used + a->ovf_used > a->want)
        a->want = a->used + a->ovf_used;
    return blk + ARENA_ALIGN;
}

/* A point to come back to: everything allocated after it is released by arena_release(),
 * overflow blocks included (so chunks rendered one after the other reuse the same memory
 * even before the base block has grown). */
typedef struct arena_mark {
    size_t used, ovf_used;
    void  *overflow;
} arena_mark;

static arena_mark
arena_mark_get(const vfx__arena *a)
{
    return (arena_mark){ a->used, a->ovf_used, a->overflow };
}

static void
arena_release(vfx__arena *a, arena_mark m)
{
    while (a->overflow && a->overflow != m.overflow) {
        ovf_block *b = a->overflow;
        a->overflow = b->next;
        vfx__free_aligned(b);
    }
    if (a->used > m.used)
        a->used = m.used;
    a->ovf_used = m.ovf_used;
}

void
vfx__arena_reset(vfx__arena *a)
{
    while (a->overflow) {
        ovf_block *b = a->overflow;
        a->overflow = b->next;
        vfx__free_aligned(b);
    }
    a->ovf_used = 0;
    if (a->want > a->cap) {
        vfx__free_aligned(a->base);
        size_t cap = a->want + a->want / 4;
        a->base = vfx__alloc_aligned(cap, ARENA_ALIGN);
        a->cap = a->base ? cap : 0;
    }
    a->used = 0;
    a->want = 0;
}

void
vfx__arena_free(vfx__arena *a)
{
    a->want = 0;
    vfx__arena_reset(a);
    vfx__free_aligned(a->base);
    a->base = NULL;
    a->cap = 0;
}

/* ---- one sink run ------------------------------------------------------------------------ */

typedef struct run run;

typedef struct worker {
    vfx__arena      arena;
    run            *r;
    _Atomic int64_t cur; /* the output tile being rendered, INT64_MAX = none (drop-behind) */
} worker;

struct run {
    const vfx__sink *s;
    int64_t          n_tiles, n_tx;
    _Atomic int64_t  next;
    _Atomic int64_t  done;
    _Atomic int      cancel;      /* stop pulling tiles */
    int              user_cancel; /* progress callback or *cancel asked to stop */
    const int       *cancel_ptr;
    pthread_mutex_t  lock;
    pthread_cond_t   turn_cv;
    int64_t          turn;        /* next tile index to consume (ordered sinks) */
    vfx_status       status;      /* first failure */
    char             msg[VFX__ERROR_MAX];
    worker          *workers;
    int32_t          n_workers;
    vfx__behind     *behind;      /* NULL = no drop-behind for this run */
    int64_t          window;      /* drop-behind: tiles a worker may run ahead of the oldest */
    pthread_cond_t   slot_cv;     /* a tile finished (workers held back by the window) */
    _Atomic int      n_held;      /* workers waiting on slot_cv */
};

/* Sink runs this thread is inside (a sink started from an op's render() plans no
 * drop-behind: it would free tiles the outer run still needs). */
static _Thread_local int run_depth;

static int
cancelled(const run *r)
{
    if (atomic_load_explicit(&r->cancel, memory_order_relaxed))
        return 1;
    return r->cancel_ptr && __atomic_load_n(r->cancel_ptr, __ATOMIC_RELAXED) != 0;
}

static vfx_status
check_cancel(const worker *w)
{
    if (VFX__UNLIKELY(cancelled(w->r)))
        return vfx__fail(VFX_ERR_CANCELLED, "cancelled");
    return VFX_OK;
}

/* First error wins: keep its code and message, stop everyone else. */
static void
record_error(run *r, vfx_status s)
{
    pthread_mutex_lock(&r->lock);
    int was_cancelled = atomic_load(&r->cancel);
    if (r->status == VFX_OK && !(s == VFX_ERR_CANCELLED && was_cancelled)) {
        r->status = s;
        snprintf(r->msg, sizeof r->msg, "%s", vfx_error_message());
    }
    atomic_store(&r->cancel, 1);
    pthread_cond_broadcast(&r->turn_cv);
    pthread_cond_broadcast(&r->slot_cv);
    pthread_mutex_unlock(&r->lock);
}

/* ---- pixels ------------------------------------------------------------------------------ */

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void
zero_rect(float *p, ptrdiff_t stride, int64_t width, int64_t height, int32_t nc)
{
    size_t row = (size_t) width * (size_t) nc * sizeof(float);
    for (int64_t y = 0; y < height; y++)
        memset(p + y * stride, 0, row);
}

static vfx_status render_node(worker *w, vfx_node *n, vfx_tile *t);

static vfx_status
compute_cb(void *ctx, vfx_node *n, vfx_tile *t)
{
    return render_node(ctx, n, t);
}

/* A source whose one grid tile covers its whole RoD (a whole-image decoder: WebP, AVIF,
 * HEIF, interlaced PNG) asked for less than that: rendering it straight into a sink's strip
 * would decode the whole picture for every strip (or make the reader keep a copy outside the
 * budget). Such requests go through the cache instead, so the picture is decoded once and
 * counted in the budget (op_int.h). */
int
vfx__whole_source(const vfx_node *n, vfx_rect r)
{
    return n->n_inputs == 0 && n->op->tiling && !(n->op->flags & VFX_OP_POINTWISE) &&
           (int64_t) n->tiling.w >= vfx_rect_width(n->rod) &&
           (int64_t) n->tiling.h >= vfx_rect_height(n->rod) && !vfx_rect_equal(r, n->rod);
}

/* Copy rect r (inside n's RoD) into dst, from n's cached grid tiles; or, when `direct`,
 * render it straight into dst (see vfx__read_direct()). */
static vfx_status
fetch(worker *w, vfx_node *n, vfx_rect r, float *dst, ptrdiff_t stride, int direct)
{
    if (direct && !vfx__whole_source(n, r)) {
        vfx_tile t = { r, n->n_channels, stride, dst };
        return render_node(w, n, &t);
    }
    const vfx__tiling *g = &n->tiling;
    int32_t nc = n->n_channels;
    int64_t tx0 = floor_div((int64_t) r.x0 - g->x0, g->w);
    int64_t tx1 = floor_div((int64_t) r.x1 - 1 - g->x0, g->w);
    int64_t ty0 = floor_div((int64_t) r.y0 - g->y0, g->h);
    int64_t ty1 = floor_div((int64_t) r.y1 - 1 - g->y0, g->h);
    for (int64_t ty = ty0; ty <= ty1; ty++) {
        for (int64_t tx = tx0; tx <= tx1; tx++) {
            VFX_TRY(check_cancel(w));
            vfx__centry *e;
            vfx_tile t;
            VFX_TRY(vfx__cache_get(n, tx, ty, compute_cb, w, &e, &t));
            vfx_rect o = vfx_rect_intersect(t.rect, r);
            size_t row = (size_t) vfx_rect_width(o) * (size_t) nc * sizeof(float);
            for (int32_t y = o.y0; y < o.y1; y++)
                memcpy(dst + (ptrdiff_t) (y - r.y0) * stride + (ptrdiff_t) (o.x0 - r.x0) * nc,
                       vfx__tile_at(&t, o.x0, y), row);
            vfx__cache_unpin(e);
        }
    }
    return VFX_OK;
}

int64_t
vfx__edge_map(int64_t v, int64_t a, int64_t b, vfx_edge edge)
{
    if (v >= a && v < b)
        return v;
    int64_t len = b - a;
    switch (edge) {
    case VFX_EDGE_CLAMP:
        return v < a ? a : b - 1;
    case VFX_EDGE_PERIODIC: {
        int64_t m = (v - a) % len;
        return a + (m < 0 ? m + len : m);
    }
    case VFX_EDGE_MIRROR: {
        int64_t m = (v - a) % (2 * len);
        if (m < 0)
            m += 2 * len;
        return a + (m < len ? m : 2 * len - 1 - m);
    }
    default:
        return v;
    }
}

/* Rendering an input straight into each consumer tile's buffer (no cache) recomputes what
 * neighbouring tiles' RoIs share: about (need width / how far need moves when `want` moves
 * one tile right) x (the same down). Above this, the input goes through the cache. 1.15
 * lets a 3x3 filter or a resize's few pixels of support through (1.03 .. 1.07 on 128-pixel
 * tiles) and keeps a wide blur (1.7 for radius 20) cached. */
#define DIRECT_MAX_REDUNDANCY 1.15

static int
small_overlap(const vfx_node *n, int k, vfx_rect want, vfx_rect need)
{
    if (!n || !n->op->roi)
        return 1; /* need == want: neighbouring tiles share nothing */
    int64_t w = vfx_rect_width(want), h = vfx_rect_height(want);
    if ((int64_t) want.x1 + w > INT32_MAX || (int64_t) want.y1 + h > INT32_MAX)
        return 0;
    vfx_rect right = { want.x0 + (int32_t) w, want.y0, want.x1 + (int32_t) w, want.y1 };
    vfx_rect down = { want.x0, want.y0 + (int32_t) h, want.x1, want.y1 + (int32_t) h };
    vfx_rect nr = right, nd = down;
    n->op->roi(n, k, &right, &nr);
    n->op->roi(n, k, &down, &nd);
    /* How far the RoI moves with the tile; a rotation moves it along the other axis (0). */
    int64_t sx = (int64_t) nr.x0 - need.x0, sy = (int64_t) nd.y0 - need.y0;
    sx = sx < 0 ? -sx : sx;
    sy = sy < 0 ? -sy : sy;
    if (sx == 0 || sy == 0)
        return 0;
    double red = ((double) vfx_rect_width(need) / (double) VFX__MIN(sx, vfx_rect_width(need))) *
                 ((double) vfx_rect_height(need) / (double) VFX__MIN(sy, vfx_rect_height(need)));
    return red <= DIRECT_MAX_REDUNDANCY;
}

/* r is a union of whole grid tiles of n (each clipped to n's RoD). */
static int
grid_aligned(const vfx_node *n, vfx_rect r)
{
    const vfx__tiling *g = &n->tiling;
    return (r.x0 == n->rod.x0 || ((int64_t) r.x0 - g->x0) % g->w == 0) &&
           (r.y0 == n->rod.y0 || ((int64_t) r.y0 - g->y0) % g->h == 0) &&
           (r.x1 == n->rod.x1 || ((int64_t) r.x1 - g->x0) % g->w == 0) &&
           (r.y1 == n->rod.y1 || ((int64_t) r.y1 - g->y0) % g->h == 0);
}

/* Which inputs skip the cache (rendered into the consumer's input buffer, as libvips does):
 *  - a pointwise input (a generator or a colour chain) when the consumer needs about as many
 *    pixels as it makes (need <= 2 x the consumer's tile, e.g. a small blur): fused;
 *  - any other op read by this consumer only (no second consumer would compute it again),
 *    whose RoI tiles overlap little (a 3x3 convolve's resize input, a --cut's shift): the
 *    cache would hold rows of it for nothing;
 *  - a file source read in whole chunks (its grid tiles) by one consumer with no overlap
 *    (a sink or a colour chain over the file's own strips): each chunk is decoded once.
 * Everything else (wide blurs, shared nodes, rotations, whole-input ops, unaligned reads of
 * a file) goes through the cache, so each tile is computed once. */
int
vfx__read_direct(const vfx_node *n, int k, vfx_rect want, const vfx_node *m, vfx_rect need,
                 vfx_edge edge)
{
    vfx_rect inside = vfx_rect_intersect(need, m->rod);
    if (m->op->flags & VFX_OP_POINTWISE)
        return vfx_rect_area(inside) / 2 <= vfx_rect_area(want);
    if ((m->op->flags & VFX_OP_WHOLE_INPUT) || vfx_rect_is_empty(inside) ||
        atomic_load_explicit(&m->users, memory_order_relaxed) != 1 ||
        (n && (n->op->flags & VFX_OP_WHOLE_INPUT)))
        return 0;
    if (m->n_inputs == 0) {
        if (!m->op->tiling || vfx__whole_source(m, inside) ||
            (edge != VFX_EDGE_BLACK && !vfx_rect_contains(m->rod, need)) ||
            !grid_aligned(m, inside))
            return 0;
    } else if (m->op->flags & VFX_OP_SEQUENTIAL) {
        return 0;
    }
    return small_overlap(n, k, want, need);
}

/* A view of node m (input k of consumer n, NULL for a fused chain's base) over `need`, for
 * the consumer's rect `want`; pixels outside m's RoD filled per `edge`. Pins at most one
 * cache tile (returned in *pin_out, to unpin after use); otherwise the pixels live in the
 * worker's arena. vfx__read_direct() says which inputs are rendered here without the cache. */
static vfx_status
get_input(worker *w, const vfx_node *n, int k, vfx_rect want, vfx_node *m, vfx_rect need,
          vfx_edge edge, vfx_tile *out, vfx__centry **pin_out)
{
    *pin_out = NULL;
    int32_t nc = m->n_channels;
    vfx_rect rod = m->rod;
    ptrdiff_t stride = (ptrdiff_t) vfx_rect_width(need) * nc;
    *out = (vfx_tile){ need, nc, stride, NULL };
    if (vfx_rect_is_empty(need))
        return VFX_OK;
    int direct = vfx__read_direct(n, k, want, m, need, edge);

    if (!direct && vfx_rect_contains(rod, need)) {
        const vfx__tiling *g = &m->tiling;
        int64_t tx = floor_div((int64_t) need.x0 - g->x0, g->w);
        int64_t ty = floor_div((int64_t) need.y0 - g->y0, g->h);
        if (tx == floor_div((int64_t) need.x1 - 1 - g->x0, g->w) &&
            ty == floor_div((int64_t) need.y1 - 1 - g->y0, g->h)) {
            /* Inside one cached tile: no copy, just a view. */
            VFX_TRY(check_cancel(w));
            vfx_tile t;
            VFX_TRY(vfx__cache_get(m, tx, ty, compute_cb, w, pin_out, &t));
            out->stride = t.stride;
            out->p = vfx__tile_at(&t, need.x0, need.y0);
            return VFX_OK;
        }
    }

    size_t bytes = (size_t) vfx_rect_area(need) * (size_t) nc * sizeof(float);
    out->p = vfx__arena_alloc(&w->arena, bytes);
    if (!out->p)
        return vfx__nomem();
    vfx_rect inside = vfx_rect_intersect(need, rod);
    if (vfx_rect_equal(inside, need))
        return fetch(w, m, need, out->p, stride, direct);
    if (edge == VFX_EDGE_BLACK || vfx_rect_is_empty(rod)) {
        zero_rect(out->p, stride, vfx_rect_width(need), vfx_rect_height(need), nc);
        if (vfx_rect_is_empty(inside))
            return VFX_OK;
        return fetch(w, m, inside, vfx__tile_at(out, inside.x0, inside.y0), stride, direct);
    }

    /* Clamp / periodic / mirror: map every column and row into the RoD, fetch the bounding
     * rect of what they hit, then gather. Only tiles at the RoD's border come here. */
    int64_t nw = vfx_rect_width(need), nh = vfx_rect_height(need);
    int32_t *xmap = vfx__arena_alloc(&w->arena, (size_t) nw * sizeof(int32_t));
    int32_t *ymap = vfx__arena_alloc(&w->arena, (size_t) nh * sizeof(int32_t));
    if (!xmap || !ymap)
        return vfx__nomem();
    int64_t fx0 = INT64_MAX, fx1 = INT64_MIN, fy0 = INT64_MAX, fy1 = INT64_MIN;
    for (int64_t i = 0; i < nw; i++) {
        int64_t v = vfx__edge_map(need.x0 + i, rod.x0, rod.x1, edge);
        xmap[i] = (int32_t) v;
        fx0 = VFX__MIN(fx0, v);
        fx1 = VFX__MAX(fx1, v + 1);
    }
    for (int64_t i = 0; i < nh; i++) {
        int64_t v = vfx__edge_map(need.y0 + i, rod.y0, rod.y1, edge);
        ymap[i] = (int32_t) v;
        fy0 = VFX__MIN(fy0, v);
        fy1 = VFX__MAX(fy1, v + 1);
    }
    vfx_rect f = { (int32_t) fx0, (int32_t) fy0, (int32_t) fx1, (int32_t) fy1 };
    ptrdiff_t fstride = (ptrdiff_t) vfx_rect_width(f) * nc;
    size_t fbytes = (size_t) vfx_rect_area(f) * (size_t) nc * sizeof(float);
    float *fb = vfx__arena_alloc(&w->arena, fbytes);
    if (!fb)
        return vfx__nomem();
    VFX_TRY(fetch(w, m, f, fb, fstride, direct));
    size_t px = (size_t) nc * sizeof(float);
    for (int64_t i = 0; i < nh; i++) {
        const float *src = fb + (ptrdiff_t) (ymap[i] - f.y0) * fstride;
        float *dst = out->p + i * stride;
        for (int64_t j = 0; j < nw; j++)
            memcpy(dst + j * nc, src + (ptrdiff_t) (xmap[j] - f.x0) * nc, px);
    }
    return VFX_OK;
}

/* A chain of pointwise nodes, one pass per row, no intermediate tiles. */
static vfx_status
render_fused(worker *w, vfx_node *n, vfx_tile *t)
{
    int32_t len = 0;
    vfx_node *base = n;
    while (base && (base->op->flags & VFX_OP_POINTWISE)) {
        len++;
        base = base->n_inputs ? base->inputs[0] : NULL;
    }
    vfx_node **chain = vfx__arena_alloc(&w->arena, (size_t) len * sizeof *chain);
    if (!chain)
        return vfx__nomem();
    vfx_node *m = n;
    for (int32_t i = len - 1; i >= 0; i--) { /* chain[0] runs first */
        chain[i] = m;
        m = m->n_inputs ? m->inputs[0] : NULL;
    }
    vfx_tile in = { t->rect, t->n_channels, 0, NULL };
    vfx__centry *pin = NULL;
    if (base)
        VFX_TRY(get_input(w, NULL, 0, t->rect, base, t->rect, VFX_EDGE_BLACK, &in, &pin));
    int32_t x0 = t->rect.x0, npx = (int32_t) vfx_rect_width(t->rect);
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        float *q = vfx__tile_at(t, x0, y);
        const float *p = base ? vfx__tile_at(&in, x0, y) : NULL;
        chain[0]->op->row(chain[0], p, q, x0, y, npx);
        for (int32_t i = 1; i < len; i++)
            chain[i]->op->row(chain[i], q, q, x0, y, npx);
    }
    vfx__cache_unpin(pin);
    return VFX_OK;
}

static vfx_status
render_op(worker *w, vfx_node *n, vfx_tile *t)
{
    const vfx_op_class *op = n->op;
    vfx_tile in[VFX__MAX_INPUTS];
    const vfx_tile *inp[VFX__MAX_INPUTS];
    vfx__centry *pins[VFX__MAX_INPUTS] = { 0 };
    vfx_status s = VFX_OK;
    for (int32_t k = 0; k < n->n_inputs && s == VFX_OK; k++) {
        vfx_rect need = t->rect;
        if (op->roi)
            op->roi(n, k, &t->rect, &need);
        vfx_edge edge = op->edge ? op->edge(n, k) : VFX_EDGE_BLACK;
        s = get_input(w, n, k, t->rect, n->inputs[k], need, edge, &in[k], &pins[k]);
        inp[k] = &in[k];
    }
    void *scratch = NULL;
    if (s == VFX_OK && op->scratch_bytes) {
        size_t nb = op->scratch_bytes(n, &t->rect);
        if (nb && !(scratch = vfx__arena_alloc(&w->arena, nb)))
            s = vfx__nomem();
    }
    if (s == VFX_OK) {
        if (op->flags & VFX_OP_SEQUENTIAL)
            pthread_mutex_lock(&n->seq_lock);
        s = op->render(n, t, inp, scratch);
        if (op->flags & VFX_OP_SEQUENTIAL)
            pthread_mutex_unlock(&n->seq_lock);
        if (s != VFX_OK)
            vfx__error_prefix("%s: ", op->name);
    }
    for (int32_t k = 0; k < n->n_inputs; k++)
        vfx__cache_unpin(pins[k]);
    return s;
}

/* Column chunks. A sink feeding a scanline writer asks for full-width strips (8192 x 64 and
 * more); rendered in one call, an op's input view, edge-filled copy and scratch would each
 * span the whole width plus its RoI margin: ~30 MiB per worker for a 23-tap blur on an
 * 8192-wide RGB image, more than the tile cache. Cut into chunks of about CHUNK_PX pixels,
 * they span one chunk (~0.5 MiB), and the output strip is filled chunk by chunk, in place.
 * Results do not change (an op's pixels never depend on the rect asked for); the cost is
 * the RoI margin fetched once per chunk (a few % of the copy for a blur, none of the math).
 * Sources (their render() decodes whole chunks), sequential ops and whole-input ops (every
 * chunk would need the whole input) are never cut. */
#define CHUNK_PX    32768
#define CHUNK_MIN_W 256

/* Columns per chunk of a rect width x height: about CHUNK_PX pixels, the width cut evenly. */
static int64_t
chunk_width(int64_t width, int64_t height)
{
    int64_t cw = VFX__MAX((int64_t) CHUNK_MIN_W, (int64_t) CHUNK_PX / VFX__MAX(height, 1));
    int64_t k = (width + cw - 1) / cw;
    return k < 2 ? width : (width + k - 1) / k;
}

int32_t
vfx__render_chunks(const vfx_node *n, vfx_rect r, int32_t *chunk_w_out)
{
    int64_t width = vfx_rect_width(r), height = vfx_rect_height(r);
    *chunk_w_out = (int32_t) VFX__MIN(width, (int64_t) INT32_MAX);
    if (n->n_inputs == 0 || (n->op->flags & (VFX_OP_POINTWISE | VFX_OP_SEQUENTIAL |
                                             VFX_OP_WHOLE_INPUT)) ||
        height < 1 || width < 2 * CHUNK_MIN_W || width * height <= 2 * (int64_t) CHUNK_PX)
        return 1;
    int64_t cw = chunk_width(width, height);
    if (cw >= width)
        return 1;
    *chunk_w_out = (int32_t) cw;
    return (int32_t) ((width + cw - 1) / cw);
}

/* Fill t (inside n's RoD, not empty). Arena space used below is released on return. */
static vfx_status
render_node(worker *w, vfx_node *n, vfx_tile *t)
{
    VFX_TRY(check_cancel(w));
    arena_mark mark = arena_mark_get(&w->arena);
    vfx_status s;
    int32_t cw, n_chunks = vfx__render_chunks(n, t->rect, &cw);
    if (n->op->flags & VFX_OP_POINTWISE) {
        s = render_fused(w, n, t);
    } else if (n_chunks == 1) {
        s = render_op(w, n, t);
    } else {
        s = VFX_OK;
        for (int32_t i = 0; i < n_chunks && s == VFX_OK; i++) {
            int32_t x0 = t->rect.x0 + i * cw;
            vfx_rect cr = { x0, t->rect.y0, (int32_t) VFX__MIN((int64_t) x0 + cw, t->rect.x1),
                            t->rect.y1 };
            vfx_tile sub = { cr, t->n_channels, t->stride, vfx__tile_at(t, x0, cr.y0) };
            s = i == 0 ? VFX_OK : check_cancel(w);
            if (s == VFX_OK)
                s = render_op(w, n, &sub);
            arena_release(&w->arena, mark); /* each chunk reuses the same space */
        }
    }
    arena_release(&w->arena, mark);
    return s;
}

/* Fill all of t: the node's pixels inside its RoD, zero outside. Not counted. */
static vfx_status
produce_pixels(worker *w, vfx_node *n, vfx_tile *t)
{
    vfx_rect c = vfx_rect_intersect(t->rect, n->rod);
    if (!vfx_rect_equal(c, t->rect))
        zero_rect(t->p, t->stride, vfx_rect_width(t->rect), vfx_rect_height(t->rect),
                  t->n_channels);
    if (vfx_rect_is_empty(c))
        return VFX_OK;
    vfx_tile sub = { c, t->n_channels, t->stride, vfx__tile_at(t, c.x0, c.y0) };
    if (vfx__whole_source(n, c))
        return fetch(w, n, c, sub.p, sub.stride, 0);
    return render_node(w, n, &sub);
}

static void
count_tile(vfx_node *n)
{
    atomic_fetch_add_explicit(&n->computed, 1, memory_order_relaxed);
    vfx__cache_count_computed();
}

static vfx_status
produce(worker *w, vfx_node *n, vfx_tile *t)
{
    VFX_TRY(produce_pixels(w, n, t));
    count_tile(n);
    return VFX_OK;
}

/* A packing sink (s->pack_px > 0): render the tile in column chunks of f32 and pack each
 * into one buffer of the sink's type (a u8 PNG strip is a quarter of its f32 pixels), so no
 * f32 copy of a full-width strip ever exists. A source (its render() decodes whole chunks)
 * and a sequential or whole-input op are rendered whole, then packed. */
static vfx_status
produce_packed(worker *w, const vfx__sink *s, vfx_rect rect, vfx_tile *t)
{
    vfx_node *n = s->node;
    int32_t nc = n->n_channels;
    int64_t width = vfx_rect_width(rect), height = vfx_rect_height(rect);
    size_t row = (size_t) width * (size_t) s->pack_px;
    uint8_t *buf = vfx__arena_alloc(&w->arena, row * (size_t) height);
    if (!buf)
        return vfx__nomem();
    int64_t cw = width;
    if ((n->op->flags & VFX_OP_POINTWISE) ||
        (n->n_inputs > 0 && !(n->op->flags & (VFX_OP_SEQUENTIAL | VFX_OP_WHOLE_INPUT))))
        cw = chunk_width(width, height);
    for (int64_t x0 = rect.x0; x0 < rect.x1; x0 += cw) {
        arena_mark mark = arena_mark_get(&w->arena);
        vfx_rect cr = { (int32_t) x0, rect.y0, (int32_t) VFX__MIN(x0 + cw, (int64_t) rect.x1),
                        rect.y1 };
        vfx_tile ct = { cr, nc, (ptrdiff_t) vfx_rect_width(cr) * nc, NULL };
        ct.p = vfx__arena_alloc(&w->arena,
                                (size_t) vfx_rect_area(cr) * (size_t) nc * sizeof(float));
        vfx_status st = ct.p ? produce_pixels(w, n, &ct) : vfx__nomem();
        if (st == VFX_OK)
            st = s->pack(s->ctx, &ct, buf + (size_t) (x0 - rect.x0) * (size_t) s->pack_px, row);
        arena_release(&w->arena, mark);
        VFX_TRY(st);
    }
    count_tile(n);
    *t = (vfx_tile){ rect, nc, 0, (float *) (void *) buf };
    return VFX_OK;
}

/* ---- the sink loop ------------------------------------------------------------------------- */

int64_t
vfx__sink_n_tiles(const vfx__sink *s)
{
    int64_t nx = (vfx_rect_width(s->region) + s->skew_x + s->tile_w - 1) / s->tile_w;
    int64_t ny = (vfx_rect_height(s->region) + s->skew_y + s->tile_h - 1) / s->tile_h;
    return nx * ny;
}

vfx_rect
vfx__sink_tile_rect(const vfx__sink *s, int64_t n_tx, int64_t i)
{
    int64_t tx = i % n_tx, ty = i / n_tx;
    int64_t x0 = (int64_t) s->region.x0 - s->skew_x + tx * s->tile_w;
    int64_t y0 = (int64_t) s->region.y0 - s->skew_y + ty * s->tile_h;
    vfx_rect t = { (int32_t) VFX__MAX(x0, s->region.x0), (int32_t) VFX__MAX(y0, s->region.y0),
                   (int32_t) VFX__MIN(x0 + s->tile_w, s->region.x1),
                   (int32_t) VFX__MIN(y0 + s->tile_h, s->region.y1) };
    return t;
}

/* One tile: render (into the sink's target or arena) and hand it to consume(). */
static vfx_status
do_tile(run *r, worker *w, int64_t i)
{
    const vfx__sink *s = r->s;
    vfx__arena_reset(&w->arena);
    vfx_rect rect = vfx__sink_tile_rect(s, r->n_tx, i);
    vfx_tile t;
    if (s->pack_px > 0) {
        VFX_TRY(produce_packed(w, s, rect, &t));
    } else {
        if (!s->target || !s->target(s->ctx, i, rect, &t)) {
            int32_t nc = s->node->n_channels;
            t = (vfx_tile){ rect, nc, (ptrdiff_t) vfx_rect_width(rect) * nc, NULL };
            t.p = vfx__arena_alloc(&w->arena,
                                   (size_t) vfx_rect_area(rect) * (size_t) nc * sizeof(float));
            if (!t.p)
                return vfx__nomem();
        }
        VFX_TRY(produce(w, s->node, &t));
    }
    atomic_store(&w->cur, INT64_MAX); /* reads nothing more */
    if (!s->ordered)
        return s->consume(s->ctx, i, &t);
    if (s->prepare)
        VFX_TRY(s->prepare(s->ctx, i, &t));
    /* Ordered consumers ("wait for my turn"). */
    pthread_mutex_lock(&r->lock);
    while (r->turn != i && !cancelled(r))
        pthread_cond_wait(&r->turn_cv, &r->lock);
    int go = r->turn == i;
    pthread_mutex_unlock(&r->lock);
    if (!go)
        return vfx__fail(VFX_ERR_CANCELLED, "cancelled");
    vfx_status st = s->consume(s->ctx, i, &t);
    pthread_mutex_lock(&r->lock);
    r->turn++;
    pthread_cond_broadcast(&r->turn_cv);
    pthread_mutex_unlock(&r->lock);
    return st;
}

/* The oldest output tile some worker may still be rendering. Reads `next` first, then every
 * worker's tile: a worker announces a lower bound before it takes an index (pull_one). */
static int64_t
oldest_in_flight(run *r)
{
    int64_t oldest = atomic_load(&r->next);
    for (int32_t k = 0; k < r->n_workers; k++)
        oldest = VFX__MIN(oldest, atomic_load(&r->workers[k].cur));
    return oldest;
}

/* Pull tiles until none are left. Returns 1 when a tile was finished (for progress). */
static int
pull_one(run *r, worker *w)
{
    if (cancelled(r))
        return 0;
    /* Announce a lower bound before taking the index (see oldest_in_flight()). */
    atomic_store(&w->cur, atomic_load(&r->next));
    int64_t i = atomic_fetch_add(&r->next, 1);
    if (i >= r->n_tiles) {
        atomic_store(&w->cur, INT64_MAX);
        return 0;
    }
    atomic_store(&w->cur, i);
    if (r->behind && i - oldest_in_flight(r) >= r->window) {
        /* Too far ahead of a slow (or descheduled) worker: the tiles cached between would
         * pile up. Wait for it, as libvips's workers wait for a free output buffer. */
        pthread_mutex_lock(&r->lock);
        atomic_fetch_add(&r->n_held, 1);
        while (i - oldest_in_flight(r) >= r->window && !cancelled(r))
            pthread_cond_wait(&r->slot_cv, &r->lock);
        atomic_fetch_sub(&r->n_held, 1);
        pthread_mutex_unlock(&r->lock);
    }
    vfx_status s = do_tile(r, w, i);
    atomic_store(&w->cur, INT64_MAX);
    if (r->behind && atomic_load(&r->n_held) > 0) {
        pthread_mutex_lock(&r->lock);
        pthread_cond_broadcast(&r->slot_cv);
        pthread_mutex_unlock(&r->lock);
    }
    if (s != VFX_OK) {
        record_error(r, s);
        return 0;
    }
    atomic_fetch_add(&r->done, 1);
    if (r->behind)
        vfx__behind_advance(r->behind, oldest_in_flight(r) / r->n_tx);
    return 1;
}

static vfx_status
worker_task(void *arg, int index)
{
    run *r = arg;
    if (index < 0 || index >= r->n_workers - 1) {
        record_error(r, vfx__fail(VFX_ERR_INTERNAL, "sink: worker index %d out of range", index));
        return VFX_OK;
    }
    worker *w = &r->workers[index];
    w->r = r;
    run_depth++;
    while (pull_one(r, w)) {
    }
    run_depth--;
    return VFX_OK;
}

static int
report(run *r, const vfx_sink_options *opt, int64_t done)
{
    if (opt && VFX__HAS(opt, vfx_sink_options, progress_user) && opt->progress &&
        opt->progress(opt->progress_user, done, r->n_tiles) != 0) {
        r->user_cancel = 1;
        atomic_store(&r->cancel, 1);
        pthread_mutex_lock(&r->lock);
        pthread_cond_broadcast(&r->turn_cv);
        pthread_cond_broadcast(&r->slot_cv);
        pthread_mutex_unlock(&r->lock);
        return 1;
    }
    return 0;
}

vfx_status
vfx__sink_region(const vfx_node *n, const vfx_sink_options *opt, vfx_rect *out)
{
    uint32_t flags = (opt && VFX__HAS(opt, vfx_sink_options, flags)) ? opt->flags : 0;
    vfx_rect r = n->spec.display;
    const char *what = "display window";
    if ((flags & VFX_SINK_REGION) && VFX__HAS(opt, vfx_sink_options, region)) {
        r = opt->region;
        what = "region";
    } else if (flags & VFX_SINK_DATA_WINDOW) {
        r = n->rod;
        what = "data window";
    }
    if (vfx_rect_is_empty(r) || vfx_rect_is_infinite(r))
        return vfx__fail(VFX_ERR_ARG, "sink: the %s [%d,%d)x[%d,%d) is empty or infinite", what,
                         (int) r.x0, (int) r.x1, (int) r.y0, (int) r.y1);
    *out = r;
    return VFX_OK;
}

void
vfx__drop_behind_hold(int on)
{
    run_depth += on ? 1 : -1;
}

/* VFX_DROP_BEHIND=0 keeps every tile until the budget evicts it (for comparisons). */
static int
drop_behind_enabled(void)
{
    static _Atomic int on = -1;
    int v = atomic_load_explicit(&on, memory_order_relaxed);
    if (v < 0) {
        const char *e = getenv("VFX_DROP_BEHIND");
        v = !(e && strcmp(e, "0") == 0);
        atomic_store_explicit(&on, v, memory_order_relaxed);
    }
    return v;
}

vfx_status
vfx__sink_run(const vfx__sink *s, const vfx_sink_options *opt)
{
    if (s->tile_w < 1 || s->tile_h < 1 || vfx_rect_is_empty(s->region))
        return vfx__fail(VFX_ERR_ARG, "sink: bad tile size or empty region");
    VFX_TRY(vfx__ensure_init());
    run *r = vfx__calloc(1, sizeof *r);
    if (!r)
        return vfx__nomem();
    r->s = s;
    r->n_tx = (vfx_rect_width(s->region) + s->skew_x + s->tile_w - 1) / s->tile_w;
    r->n_tiles = vfx__sink_n_tiles(s);
    r->cancel_ptr = (opt && VFX__HAS(opt, vfx_sink_options, cancel)) ? opt->cancel : NULL;
    atomic_init(&r->next, 0);
    atomic_init(&r->done, 0);
    atomic_init(&r->cancel, 0);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->turn_cv, NULL);
    pthread_cond_init(&r->slot_cv, NULL);
    atomic_init(&r->n_held, 0);

    int32_t want = (opt && VFX__HAS(opt, vfx_sink_options, threads) && opt->threads > 0)
                       ? opt->threads : vfx_threads();
    vfx__pool *pool = want > 1 ? vfx__pool_global() : NULL;
    int32_t n_tasks = 0, slots = 0;
    if (pool) {
        n_tasks = VFX__MIN(want - 1, vfx__pool_threads(pool));
        n_tasks = (int32_t) VFX__MIN((int64_t) n_tasks, r->n_tiles - 1);
        slots = vfx__pool_slots(pool);
    }
    if (n_tasks < 1)
        n_tasks = 0;
    /* Workers 0 .. slots-1 belong to pool tasks; the last one to the calling thread. */
    r->n_workers = (n_tasks ? slots : 0) + 1;
    r->workers = vfx__calloc((size_t) r->n_workers, sizeof *r->workers);
    vfx_status st = VFX_OK;
    vfx__job *job = NULL;
    if (!r->workers) {
        st = vfx__nomem();
        goto out;
    }
    for (int32_t i = 0; i < r->n_workers; i++)
        atomic_init(&r->workers[i].cur, INT64_MAX);
    worker *self = &r->workers[r->n_workers - 1];
    self->r = r;
    if (run_depth == 0 && drop_behind_enabled()) {
        st = vfx__behind_new(s, r->n_tx, r->n_tiles, &r->behind);
        if (st != VFX_OK)
            goto out;
        r->window = r->n_tx + n_tasks + 1; /* about two rows of output tiles in flight */
    }

    if (report(r, opt, 0))
        goto joined;
    if (n_tasks) {
        st = vfx__job_new(pool, &job);
        for (int32_t i = 0; i < n_tasks && st == VFX_OK; i++)
            st = vfx__job_submit(job, worker_task, r);
        if (st != VFX_OK)
            record_error(r, st);
    }
    /* The calling thread works too, and reports progress between its tiles. */
    run_depth++;
    while (pull_one(r, self))
        report(r, opt, atomic_load(&r->done));
    run_depth--;
    if (job) {
        vfx_status js = vfx__job_wait(job);
        if (js != VFX_OK && js != VFX_ERR_CANCELLED)
            record_error(r, js);
        vfx__job_free(job);
        job = NULL;
    }
    if (r->status == VFX_OK && !r->user_cancel && !cancelled(r))
        report(r, opt, atomic_load(&r->done));
joined:
    if (r->status != VFX_OK)
        st = vfx__fail(r->status, "%s", r->msg);
    else if (r->user_cancel || cancelled(r))
        st = vfx__fail(VFX_ERR_CANCELLED, "cancelled");
    else if (atomic_load(&r->done) != r->n_tiles)
        st = vfx__fail(VFX_ERR_INTERNAL, "sink: %lld of %lld tiles done",
                       (long long) atomic_load(&r->done), (long long) r->n_tiles);
out:
    if (r->workers)
        for (int32_t i = 0; i < r->n_workers; i++)
            vfx__arena_free(&r->workers[i].arena);
    vfx__free(r->workers);
    vfx__behind_free(r->behind);
    pthread_cond_destroy(&r->turn_cv);
    pthread_cond_destroy(&r->slot_cv);
    pthread_mutex_destroy(&r->lock);
    vfx__free(r);
    return st;
}

/* True when a SEQUENTIAL node (a stream decoder) feeds @p n. */
static int
has_sequential(const vfx_node *n, int depth)
{
    if (n->op->flags & VFX_OP_SEQUENTIAL)
        return 1;
    if (depth > 64) /* deep graphs: assume not; the hint only picks the tile shape */
        return 0;
    for (int32_t k = 0; k < n->n_inputs; k++)
        if (has_sequential(n->inputs[k], depth + 1))
            return 1;
    return 0;
}

void
vfx__sink_setup(vfx__sink *s, vfx_node *n, vfx_rect region, const vfx_sink_options *opt)
{
    memset(s, 0, sizeof *s);
    s->node = n;
    s->region = region;
    s->tile_w = s->tile_h = VFX__TILE_DEFAULT;
    /* Demand hint (libvips): a stream decoder upstream wants full-width strips, top to bottom,
     * so it decodes forward once. */
    if (has_sequential(n, 0)) {
        s->tile_w = (int32_t) VFX__MIN(vfx_rect_width(region), (int64_t) INT32_MAX);
        s->tile_h = 64;
    } else {
        /* A source at the base of the fused chain the sink renders (a file's read op) is
         * rendered straight into the sink's tiles, not through the cache: give the sink the
         * source's grid, or every chunk would be decoded once per tile that touches it (a
         * 256-wide tile of a full-width scanline strip decodes the whole strip). */
        const vfx_node *b = n;
        while ((b->op->flags & VFX_OP_POINTWISE) && b->n_inputs == 1)
            b = b->inputs[0];
        if (b->op->tiling && b->n_inputs == 0 && !(b->op->flags & VFX_OP_POINTWISE)) {
            s->tile_w = (int32_t) VFX__MIN(b->tiling.w, VFX__MAX(1, vfx_rect_width(region)));
            s->tile_h = VFX__MIN(b->tiling.h, 256);
            if (s->tile_w == b->tiling.w) /* line up with the source's chunks */
                s->skew_x = (int32_t) ((((int64_t) region.x0 - b->tiling.x0) % s->tile_w +
                                        s->tile_w) % s->tile_w);
            if (s->tile_h == b->tiling.h)
                s->skew_y = (int32_t) ((((int64_t) region.y0 - b->tiling.y0) % s->tile_h +
                                        s->tile_h) % s->tile_h);
        }
    }
    if (opt && VFX__HAS(opt, vfx_sink_options, tile_height)) {
        if (opt->tile_width > 0) {
            s->tile_w = opt->tile_width;
            s->skew_x = 0;
        }
        if (opt->tile_height > 0) {
            s->tile_h = opt->tile_height;
            s->skew_y = 0;
        }
    }
    if (opt && VFX__HAS(opt, vfx_sink_options, flags))
        s->ordered = (opt->flags & VFX_SINK_ORDERED) != 0;
}
