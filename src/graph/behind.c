/* Drop-behind: free the cached tiles a sink run has gone past.
 *
 * The cache's LRU evicts only when the global budget (GiBs) is full, so without this a
 * streaming run would keep every tile it cached — e.g. the full-width strips of a scanline
 * file read by 256-wide output tiles, or the rows under a blur — and its memory would grow
 * with the image. libvips bounds this with per-operation line caches sized to the threads'
 * working set; here the sink plans it once per run instead:
 *
 * Workers pull output tiles in row-major index order. Before the run, every output tile's
 * request is propagated through the graph the way the scheduler will make it (roi(), edge
 * modes, pointwise fusion, the cache grid of each cached node), and for every node and every
 * row of output tiles we keep the lowest input row that this or any later output row will
 * read (a suffix minimum). While the run goes on, once the oldest output tile still in
 * flight reaches a new row, the cached tiles of each node that lie wholly above that
 * node's lowest row still to be read are released.
 *
 * Nothing here affects pixels: a tile released too early would only be computed again. It
 * adapts by itself to ops that read far from their output (flip, transpose, rotate, FFT,
 * whole-image inputs): their lowest future row stays at the top of the image, so nothing
 * is released until the run has gone past it — today's behaviour, within the global budget.
 * Hand-written (no library plans tile lifetimes for us). */
#include <string.h>

#include "graph/graph_int.h"

#define MAX_NODES 1024

struct vfx__behind {
    int32_t          n_nodes;
    int64_t          n_rows;
    vfx_node       **nodes;     /* consumers before their inputs; nodes[0] = the sink's */
    int32_t         *inputs;    /* n_nodes x VFX__MAX_INPUTS indices into nodes, -1 = none */
    int32_t         *row_min;   /* n_nodes x n_rows: lowest y read from this output row on */
    vfx_rect        *bbox;      /* per node: everything the run reads of it */
    int64_t         *ty_next;   /* per node: first grid row not yet released */
    /* Planning only: per node, which grid tiles an earlier output tile already asked for
     * (NULL = not tracked: a huge or infinite grid), over grid columns gx0.. and rows gy0.. */
    uint8_t        **asked;
    int64_t         *gx0, *gy0, *gnx, *gny;
    pthread_mutex_t  lock;
    _Atomic int64_t  done_row;  /* rows below this one were handled */
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int32_t
find(const vfx__behind *b, const vfx_node *n)
{
    for (int32_t i = 0; i < b->n_nodes; i++)
        if (b->nodes[i] == n)
            return i;
    return -1;
}

/* Depth-first, inputs after their consumer once reversed (post-order, then reversed). */
static int
collect(vfx__behind *b, vfx_node *n, int depth)
{
    if (find(b, n) >= 0)
        return 1;
    if (depth > MAX_NODES || b->n_nodes >= MAX_NODES)
        return 0;
    for (int32_t k = 0; k < n->n_inputs; k++)
        if (!collect(b, n->inputs[k], depth + 1))
            return 0;
    if (b->n_nodes >= MAX_NODES)
        return 0;
    b->nodes[b->n_nodes++] = n;
    return 1;
}

/* The range [lo, hi) of coordinates that [a0, a1) reads inside [r0, r1) under `edge`. */
static void
edge_range(int64_t a0, int64_t a1, int64_t r0, int64_t r1, vfx_edge edge, int64_t *lo,
           int64_t *hi)
{
    *lo = VFX__MAX(a0, r0);
    *hi = VFX__MIN(a1, r1);
    if (edge == VFX_EDGE_BLACK || (a0 >= r0 && a1 <= r1))
        return;
    if (*lo >= *hi) {
        *lo = INT64_MAX;
        *hi = INT64_MIN;
    }
    int64_t outside = VFX__MAX(r0 - a0, 0) + VFX__MAX(a1 - r1, 0);
    if (outside > 2 * (r1 - r0)) { /* wraps around: anything */
        *lo = r0;
        *hi = r1;
        return;
    }
    for (int64_t v = a0; v < a1; v++) {
        if (v >= r0 && v < r1) {
            v = r1 - 1;
            continue;
        }
        int64_t m = vfx__edge_map(v, r0, r1, edge);
        *lo = VFX__MIN(*lo, m);
        *hi = VFX__MAX(*hi, m + 1);
    }
}

/* The rect of m that a consumer's request `need` (under `edge`) reads. */
static vfx_rect
fetched(const vfx_node *m, vfx_rect need, vfx_edge edge)
{
    vfx_rect rod = m->rod;
    if (vfx_rect_is_empty(need) || vfx_rect_is_empty(rod))
        return (vfx_rect){ 0, 0, 0, 0 };
    if (edge == VFX_EDGE_BLACK || vfx_rect_contains(rod, need))
        return vfx_rect_intersect(need, rod);
    int64_t x0, x1, y0, y1;
    edge_range(need.x0, need.x1, rod.x0, rod.x1, edge, &x0, &x1);
    edge_range(need.y0, need.y1, rod.y0, rod.y1, edge, &y0, &y1);
    if (x0 >= x1 || y0 >= y1)
        return (vfx_rect){ 0, 0, 0, 0 };
    return (vfx_rect){ (int32_t) x0, (int32_t) y0, (int32_t) x1, (int32_t) y1 };
}

/* r grown to the whole grid tiles of n it touches (clipped to the RoD). */
static vfx_rect
grid_expand(const vfx_node *n, vfx_rect r)
{
    const vfx__tiling *g = &n->tiling;
    int64_t x0 = g->x0 + floor_div((int64_t) r.x0 - g->x0, g->w) * g->w;
    int64_t y0 = g->y0 + floor_div((int64_t) r.y0 - g->y0, g->h) * g->h;
    int64_t x1 = g->x0 + (floor_div((int64_t) r.x1 - 1 - g->x0, g->w) + 1) * g->w;
    int64_t y1 = g->y0 + (floor_div((int64_t) r.y1 - 1 - g->y0, g->h) + 1) * g->h;
    vfx_rect e = { (int32_t) VFX__MAX(x0, (int64_t) INT32_MIN),
                   (int32_t) VFX__MAX(y0, (int64_t) INT32_MIN),
                   (int32_t) VFX__MIN(x1, (int64_t) INT32_MAX),
                   (int32_t) VFX__MIN(y1, (int64_t) INT32_MAX) };
    return vfx_rect_intersect(e, n->rod);
}

static vfx_rect
unite(vfx_rect a, vfx_rect b)
{
    if (vfx_rect_is_empty(a))
        return b;
    if (vfx_rect_is_empty(b))
        return a;
    return (vfx_rect){ VFX__MIN(a.x0, b.x0), VFX__MIN(a.y0, b.y0), VFX__MAX(a.x1, b.x1),
                       VFX__MAX(a.y1, b.y1) };
}

/* The part of cached rect f of node k whose grid tiles no earlier output tile asked for
 * (they will be computed now, so their inputs are read now); marks them asked. */
static vfx_rect
first_asked(vfx__behind *b, int32_t k, vfx_rect f)
{
    uint8_t *m = b->asked[k];
    if (!m)
        return f;
    const vfx__tiling *g = &b->nodes[k]->tiling;
    int64_t tx0 = floor_div((int64_t) f.x0 - g->x0, g->w) - b->gx0[k];
    int64_t tx1 = floor_div((int64_t) f.x1 - 1 - g->x0, g->w) - b->gx0[k];
    int64_t ty0 = floor_div((int64_t) f.y0 - g->y0, g->h) - b->gy0[k];
    int64_t ty1 = floor_div((int64_t) f.y1 - 1 - g->y0, g->h) - b->gy0[k];
    if (tx0 < 0 || ty0 < 0 || tx1 >= b->gnx[k] || ty1 >= b->gny[k])
        return f; /* cannot happen (f is inside the RoD); be safe */
    vfx_rect out = { 0, 0, 0, 0 };
    for (int64_t ty = ty0; ty <= ty1; ty++)
        for (int64_t tx = tx0; tx <= tx1; tx++) {
            uint8_t *a = &m[ty * b->gnx[k] + tx];
            if (*a)
                continue;
            *a = 1;
            out = unite(out, vfx__grid_rect(b->nodes[k], tx + b->gx0[k], ty + b->gy0[k]));
        }
    return out;
}

/* What output tile `t` of the sink reads of every node, as the scheduler will ask for it
 * (render_fused / render_op / get_input / fetch / produce): the lowest row read of each node
 * goes to ymin[], the rect each node computes (to read its own inputs) to rects[]. A cached
 * tile is computed once, by the first output tile that asks for it; later ones only read it. */
static void
propagate(vfx__behind *b, vfx_rect t, vfx_rect *rects, int32_t *ymin)
{
    for (int32_t i = 0; i < b->n_nodes; i++) {
        rects[i] = (vfx_rect){ 0, 0, 0, 0 };
        ymin[i] = INT32_MAX;
    }
    vfx_node *sn = b->nodes[0];
    vfx_rect c = vfx_rect_intersect(t, sn->rod);
    if (vfx_rect_is_empty(c))
        return;
    if (vfx__whole_source(sn, c)) {
        c = grid_expand(sn, c);
        ymin[0] = c.y0;
        rects[0] = first_asked(b, 0, c);
    } else {
        ymin[0] = c.y0;
        rects[0] = c;
    }
    for (int32_t i = 0; i < b->n_nodes; i++) {
        vfx_node *n = b->nodes[i];
        vfx_rect r = rects[i];
        if (vfx_rect_is_empty(r))
            continue;
        const int32_t *in = b->inputs + (size_t) i * VFX__MAX_INPUTS;
        /* an op renders a wide rect in column chunks, each asking for its own RoI */
        int32_t cw, n_chunks = vfx__render_chunks(n, r, &cw);
        for (int32_t k = 0; k < n->n_inputs; k++) {
            vfx_node *m = n->inputs[k];
            for (int32_t ci = 0; ci < n_chunks; ci++) {
                vfx_rect f;
                int direct;
                if (n->op->flags & VFX_OP_POINTWISE) {
                    /* Fused: the chain below renders r, row by row; its base is read over r
                     * (get_input() from render_fused()). */
                    f = fetched(m, r, VFX_EDGE_BLACK);
                    direct = (m->op->flags & VFX_OP_POINTWISE) ||
                             vfx__read_direct(NULL, 0, r, m, r, VFX_EDGE_BLACK);
                } else {
                    vfx_rect cr = r;
                    cr.x0 = r.x0 + ci * cw;
                    cr.x1 = (int32_t) VFX__MIN((int64_t) cr.x0 + cw, r.x1);
                    vfx_rect need = cr;
                    if (n->op->roi)
                        n->op->roi(n, k, &cr, &need);
                    vfx_edge edge = n->op->edge ? n->op->edge(n, k) : VFX_EDGE_BLACK;
                    f = fetched(m, need, edge);
                    direct = vfx__read_direct(n, k, cr, m, need, edge);
                }
                if (vfx_rect_is_empty(f))
                    continue;
                int32_t j = in[k];
                if (!direct) {
                    f = grid_expand(m, f);
                    ymin[j] = VFX__MIN(ymin[j], f.y0);
                    f = first_asked(b, j, f);
                } else {
                    ymin[j] = VFX__MIN(ymin[j], f.y0);
                }
                rects[j] = unite(rects[j], f);
            }
            if (n->op->flags & VFX_OP_POINTWISE)
                break; /* k > 0 of a fused node is not read */
        }
    }
}

vfx_status
vfx__behind_new(const vfx__sink *s, int64_t n_tx, int64_t n_tiles, vfx__behind **out)
{
    *out = NULL;
    int64_t n_rows = (n_tiles + n_tx - 1) / n_tx;
    if (n_rows < 2)
        return VFX_OK; /* one row of output tiles: nothing to release behind it */
    vfx__behind *b = vfx__calloc(1, sizeof *b);
    if (!b)
        return vfx__nomem();
    vfx_rect *rects = NULL;
    int32_t *ymin = NULL;
    b->nodes = vfx__calloc(MAX_NODES, sizeof *b->nodes);
    if (!b->nodes)
        goto nomem;
    if (!collect(b, s->node, 0)) {
        /* A huge graph: plan nothing, keep the plain LRU. */
        vfx__behind_free(b);
        return VFX_OK;
    }
    int32_t nn = b->n_nodes;
    for (int32_t i = 0, j = nn - 1; i < j; i++, j--) { /* consumers first */
        vfx_node *tmp = b->nodes[i];
        b->nodes[i] = b->nodes[j];
        b->nodes[j] = tmp;
    }
    b->n_rows = n_rows;
    b->inputs = vfx__calloc((size_t) nn * VFX__MAX_INPUTS, sizeof *b->inputs);
    b->row_min = vfx__calloc((size_t) nn * (size_t) n_rows, sizeof *b->row_min);
    b->bbox = vfx__calloc((size_t) nn, sizeof *b->bbox);
    b->ty_next = vfx__calloc((size_t) nn, sizeof *b->ty_next);
    b->asked = vfx__calloc((size_t) nn, sizeof *b->asked);
    b->gx0 = vfx__calloc((size_t) nn * 4, sizeof *b->gx0);
    rects = vfx__calloc((size_t) nn, sizeof *rects);
    ymin = vfx__calloc((size_t) nn, sizeof *ymin);
    if (!b->inputs || !b->row_min || !b->bbox || !b->ty_next || !b->asked || !b->gx0 || !rects ||
        !ymin)
        goto nomem;
    b->gy0 = b->gx0 + nn;
    b->gnx = b->gx0 + 2 * nn;
    b->gny = b->gx0 + 3 * nn;
    for (int32_t i = 0; i < nn; i++) {
        const vfx_node *n = b->nodes[i];
        const vfx__tiling *g = &n->tiling;
        if (vfx_rect_is_empty(n->rod) || vfx_rect_is_infinite(n->rod))
            continue;
        b->gx0[i] = floor_div((int64_t) n->rod.x0 - g->x0, g->w);
        b->gy0[i] = floor_div((int64_t) n->rod.y0 - g->y0, g->h);
        b->gnx[i] = floor_div((int64_t) n->rod.x1 - 1 - g->x0, g->w) + 1 - b->gx0[i];
        b->gny[i] = floor_div((int64_t) n->rod.y1 - 1 - g->y0, g->h) + 1 - b->gy0[i];
        if (b->gnx[i] * b->gny[i] <= ((int64_t) 1 << 24)) /* else: not tracked */
            b->asked[i] = vfx__calloc((size_t) (b->gnx[i] * b->gny[i]), 1);
    }
    for (int32_t i = 0; i < nn; i++)
        for (int32_t k = 0; k < VFX__MAX_INPUTS; k++)
            b->inputs[(size_t) i * VFX__MAX_INPUTS + k] =
                k < b->nodes[i]->n_inputs ? find(b, b->nodes[i]->inputs[k]) : -1;

    for (int64_t row = 0; row < n_rows; row++) {
        for (int32_t i = 0; i < nn; i++)
            b->row_min[(size_t) i * n_rows + row] = INT32_MAX;
        for (int64_t i = row * n_tx; i < VFX__MIN((row + 1) * n_tx, n_tiles); i++) {
            propagate(b, vfx__sink_tile_rect(s, n_tx, i), rects, ymin);
            for (int32_t k = 0; k < nn; k++) {
                int32_t *m = &b->row_min[(size_t) k * n_rows + row];
                *m = VFX__MIN(*m, ymin[k]);
                b->bbox[k] = unite(b->bbox[k], rects[k]);
            }
        }
    }
    for (int32_t k = 0; k < nn; k++) {
        int32_t *m = &b->row_min[(size_t) k * n_rows];
        for (int64_t row = n_rows - 2; row >= 0; row--)
            m[row] = VFX__MIN(m[row], m[row + 1]);
        const vfx__tiling *g = &b->nodes[k]->tiling;
        b->ty_next[k] = vfx_rect_is_empty(b->bbox[k])
                            ? 0 : floor_div((int64_t) b->bbox[k].y0 - g->y0, g->h);
    }
    vfx__free(rects);
    vfx__free(ymin);
    for (int32_t i = 0; i < nn; i++)
        VFX_FREE(b->asked[i]);
    VFX_FREE(b->asked);
    pthread_mutex_init(&b->lock, NULL);
    atomic_init(&b->done_row, 0);
    *out = b;
    return VFX_OK;
nomem:
    vfx__free(rects);
    vfx__free(ymin);
    if (b->asked)
        for (int32_t i = 0; i < b->n_nodes; i++)
            vfx__free(b->asked[i]);
    vfx__free(b->asked);
    vfx__free(b->gx0);
    vfx__free(b->nodes);
    vfx__free(b->inputs);
    vfx__free(b->row_min);
    vfx__free(b->bbox);
    vfx__free(b->ty_next);
    vfx__free(b);
    return vfx__nomem();
}

void
vfx__behind_advance(vfx__behind *b, int64_t row)
{
    if (!b || row <= atomic_load_explicit(&b->done_row, memory_order_relaxed) ||
        row >= b->n_rows)
        return;
    if (pthread_mutex_trylock(&b->lock) != 0)
        return; /* another worker is at it; the next finished tile catches up */
    if (row > atomic_load_explicit(&b->done_row, memory_order_relaxed)) {
        for (int32_t k = 0; k < b->n_nodes; k++) {
            vfx_rect bb = b->bbox[k];
            if (vfx_rect_is_empty(bb))
                continue;
            const vfx_node *n = b->nodes[k];
            const vfx__tiling *g = &n->tiling;
            int32_t y = b->row_min[(size_t) k * b->n_rows + row];
            int64_t ty_last = floor_div((int64_t) bb.y1 - 1 - g->y0, g->h);
            /* Grid rows wholly above y; every row when nothing from here on reads the node. */
            int64_t ty_end = y >= bb.y1 ? ty_last + 1 : floor_div((int64_t) y - g->y0, g->h);
            if (ty_end <= b->ty_next[k])
                continue;
            int64_t tx0 = floor_div((int64_t) bb.x0 - g->x0, g->w);
            int64_t tx1 = floor_div((int64_t) bb.x1 - 1 - g->x0, g->w) + 1;
            vfx__cache_release_rows(n, tx0, tx1, b->ty_next[k], ty_end);
            b->ty_next[k] = ty_end;
        }
        atomic_store_explicit(&b->done_row, row, memory_order_relaxed);
    }
    pthread_mutex_unlock(&b->lock);
}

void
vfx__behind_free(vfx__behind *b)
{
    if (!b)
        return;
    if (b->row_min) /* fully built: the lock was initialised */
        pthread_mutex_destroy(&b->lock);
    vfx__free(b->nodes);
    vfx__free(b->inputs);
    vfx__free(b->row_min);
    vfx__free(b->bbox);
    vfx__free(b->ty_next);
    vfx__free(b->gx0);
    vfx__free(b);
}
