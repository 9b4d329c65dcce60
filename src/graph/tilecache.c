/* The tile cache: one LRU of rendered tiles keyed by (node, grid tile), one byte budget.
 *
 * One mutex guards the table, the LRU list and the counters; one condition variable wakes
 * threads waiting for a tile another thread is computing. Pixels are computed outside the
 * lock. A request does: lock, look up, pin (or insert a COMPUTING entry), unlock; compute;
 * lock, mark READY, broadcast, unlock — a handful of lock operations per tile (libvips).
 *
 * Eviction takes unpinned READY tiles from the LRU tail until the new tile fits. An evicted
 * entry whose buffer has the size the new tile needs is reused as is, so in steady state a
 * miss allocates nothing. The budget can be exceeded only by tiles pinned or in flight.
 *
 * Sink runs also release the tiles they have gone past (behind.c, drop-behind), so a
 * streaming run holds only its working set, not everything up to the budget. */
#include <string.h>

#include "graph/graph_int.h"

enum { ST_COMPUTING = 0, ST_READY = 1, ST_FAILED = 2 };

struct vfx__centry {
    const vfx_node *node;
    int64_t         tx, ty;
    vfx__centry    *hnext;            /* hash chain */
    vfx__centry    *lru_prev, *lru_next; /* all entries in the table, most recent first */
    int32_t         pins;
    int32_t         state;
    vfx_status      fail_code;
    char           *fail_msg;         /* the computing thread's message, for the waiters */
    int             in_table;
    int             doomed;           /* released while pinned: done at the last unpin */
    int             behind;           /* released: at the LRU tail, counted in behind_bytes */
    vfx_tile        tile;
    size_t          cap;              /* bytes of the pixel buffer */
    float          *pixels;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t  done;
    vfx__centry   **buckets;
    size_t          n_buckets; /* power of two */
    int64_t         n_entries;
    vfx__centry    *lru_head, *lru_tail;
    int64_t         budget_override;
    int64_t         behind_bytes; /* bytes of released tiles still held */
    vfx_cache_info  st;
} C = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, NULL, NULL, 0, 0,
        VFX_CACHE_INFO_INIT };

/* Released tiles (a sink run went past them) kept for a later run, at most this many bytes:
 * renders of small images or of the same region again still hit, while a streaming run over
 * a big image holds its working set plus this, whatever the image size. */
#define BEHIND_KEEP ((int64_t) 4 << 20)

static int64_t
budget(void)
{
    return C.budget_override > 0 ? C.budget_override : vfx_cache_bytes();
}

static size_t
hash_key(const vfx_node *n, int64_t tx, int64_t ty)
{
    uint64_t h = (uint64_t) (uintptr_t) n * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t) tx * 0xC2B2AE3D27D4EB4Fu + 0x165667B19E3779F9u;
    h ^= (uint64_t) ty * 0xD6E8FEB86659FD93u;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 32;
    return (size_t) h;
}

static void
lru_unlink(vfx__centry *e)
{
    if (e->lru_prev)
        e->lru_prev->lru_next = e->lru_next;
    else
        C.lru_head = e->lru_next;
    if (e->lru_next)
        e->lru_next->lru_prev = e->lru_prev;
    else
        C.lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

static void
lru_push_back(vfx__centry *e)
{
    e->lru_next = NULL;
    e->lru_prev = C.lru_tail;
    if (C.lru_tail)
        C.lru_tail->lru_next = e;
    C.lru_tail = e;
    if (!C.lru_head)
        C.lru_head = e;
}

static void
lru_push_front(vfx__centry *e)
{
    e->lru_prev = NULL;
    e->lru_next = C.lru_head;
    if (C.lru_head)
        C.lru_head->lru_prev = e;
    C.lru_head = e;
    if (!C.lru_tail)
        C.lru_tail = e;
}

/* Remove from the hash table and the LRU list (the entry itself stays allocated). */
static void
table_remove(vfx__centry *e)
{
    vfx__centry **pp = &C.buckets[hash_key(e->node, e->tx, e->ty) & (C.n_buckets - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    e->hnext = NULL;
    lru_unlink(e);
    if (e->behind) {
        e->behind = 0;
        C.behind_bytes -= (int64_t) e->cap;
    }
    e->in_table = 0;
    C.n_entries--;
    C.st.entries = C.n_entries;
    C.st.bytes -= (int64_t) e->cap;
}

static void
entry_free(vfx__centry *e)
{
    vfx__free(e->fail_msg);
    vfx__free_aligned(e->pixels);
    vfx__free(e);
}

/* Grow the table to keep chains short; on allocation failure keep the old one. */
static void
table_grow(void)
{
    size_t nb = C.n_buckets ? C.n_buckets * 2 : 1024;
    vfx__centry **b = vfx__calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < C.n_buckets; i++) {
        vfx__centry *e = C.buckets[i];
        while (e) {
            vfx__centry *next = e->hnext;
            size_t j = hash_key(e->node, e->tx, e->ty) & (nb - 1);
            e->hnext = b[j];
            b[j] = e;
            e = next;
        }
    }
    vfx__free(C.buckets);
    C.buckets = b;
    C.n_buckets = nb;
}

/* Evict unpinned READY tiles from the LRU tail until `need` more bytes fit. Returns one
 * evicted entry with a buffer of exactly `need` bytes for reuse, if any. */
static vfx__centry *
make_room(size_t need)
{
    int64_t limit = budget();
    vfx__centry *reuse = NULL;
    vfx__centry *e = C.lru_tail;
    while (e && C.st.bytes + (int64_t) need > limit) {
        vfx__centry *prev = e->lru_prev;
        if (e->pins == 0 && e->state == ST_READY) {
            table_remove(e);
            C.st.evictions++;
            if (!reuse && e->cap == need)
                reuse = e;
            else
                entry_free(e);
        }
        e = prev;
    }
    return reuse;
}

vfx_rect
vfx__grid_rect(const vfx_node *n, int64_t tx, int64_t ty)
{
    const vfx__tiling *g = &n->tiling;
    int64_t x0 = (int64_t) g->x0 + tx * g->w, y0 = (int64_t) g->y0 + ty * g->h;
    int64_t x1 = x0 + g->w, y1 = y0 + g->h;
    vfx_rect r = {
        (int32_t) VFX__CLAMP(x0, (int64_t) INT32_MIN, (int64_t) INT32_MAX),
        (int32_t) VFX__CLAMP(y0, (int64_t) INT32_MIN, (int64_t) INT32_MAX),
        (int32_t) VFX__CLAMP(x1, (int64_t) INT32_MIN, (int64_t) INT32_MAX),
        (int32_t) VFX__CLAMP(y1, (int64_t) INT32_MIN, (int64_t) INT32_MAX),
    };
    return vfx_rect_intersect(r, n->rod);
}

vfx_status
vfx__cache_get(vfx_node *n, int64_t tx, int64_t ty, vfx__compute_fn fn, void *ctx,
               vfx__centry **entry_out, vfx_tile *tile_out)
{
    *entry_out = NULL;
    static atomic_int registered;
    if (!atomic_load_explicit(&registered, memory_order_acquire) &&
        !atomic_exchange(&registered, 1))
        vfx__on_shutdown(vfx__cache_shutdown);
    pthread_mutex_lock(&C.lock);
    if (!C.buckets) {
        table_grow();
        if (!C.buckets) {
            pthread_mutex_unlock(&C.lock);
            return vfx__nomem();
        }
    }
    size_t slot = hash_key(n, tx, ty) & (C.n_buckets - 1);
    vfx__centry *e = C.buckets[slot];
    while (e && !(e->node == n && e->tx == tx && e->ty == ty))
        e = e->hnext;
    if (e) {
        e->pins++;
        C.st.hits++;
        if (e->state == ST_COMPUTING) {
            C.st.waits++;
            while (e->state == ST_COMPUTING)
                pthread_cond_wait(&C.done, &C.lock);
        }
        if (e->state == ST_FAILED && e->fail_code == VFX_ERR_CANCELLED) {
            /* Another sink gave up on this tile; it is no longer listed, so compute it here
             * (if this sink is cancelled too, the compute function says so at once). */
            if (--e->pins == 0)
                entry_free(e);
            pthread_mutex_unlock(&C.lock);
            return vfx__cache_get(n, tx, ty, fn, ctx, entry_out, tile_out);
        }
        if (e->state == ST_FAILED) {
            /* Re-raise the computing thread's error, so whichever worker reports first, the
             * caller sees the real cause. */
            vfx_status code = e->fail_code;
            if (e->fail_msg)
                vfx__error_set(e->fail_msg);
            else
                vfx__fail(code, "%s: tile (%lld, %lld) failed in another worker", n->op->name,
                          (long long) tx, (long long) ty);
            if (--e->pins == 0)
                entry_free(e);
            pthread_mutex_unlock(&C.lock);
            return code;
        }
        e->doomed = 0; /* still wanted after all */
        if (e->behind) {
            e->behind = 0;
            C.behind_bytes -= (int64_t) e->cap;
        }
        lru_unlink(e);
        lru_push_front(e);
        *tile_out = e->tile;
        *entry_out = e;
        pthread_mutex_unlock(&C.lock);
        return VFX_OK;
    }

    /* Miss: insert a COMPUTING entry, then compute outside the lock. */
    C.st.misses++;
    vfx_rect r = vfx__grid_rect(n, tx, ty);
    size_t need = (size_t) vfx_rect_width(r) * (size_t) vfx_rect_height(r) *
                  (size_t) n->n_channels * sizeof(float);
    e = make_room(need);
    if (!e) {
        e = vfx__calloc(1, sizeof *e);
        if (e) {
            e->pixels = vfx__alloc_aligned(need ? need : 64, 64);
            e->cap = need;
            if (!e->pixels)
                VFX_FREE(e);
        }
        if (!e) {
            pthread_mutex_unlock(&C.lock);
            return vfx__fail(VFX_ERR_NOMEM, "tile cache: out of memory for a %zu-byte tile",
                             need);
        }
    }
    e->node = n;
    e->tx = tx;
    e->ty = ty;
    e->pins = 1;
    e->state = ST_COMPUTING;
    e->fail_code = VFX_OK;
    e->doomed = 0;
    e->behind = 0;
    VFX_FREE(e->fail_msg);
    e->tile = (vfx_tile){ r, n->n_channels, (ptrdiff_t) vfx_rect_width(r) * n->n_channels,
                          e->pixels };
    if ((size_t) C.n_entries >= C.n_buckets)
        table_grow();
    slot = hash_key(n, tx, ty) & (C.n_buckets - 1);
    e->hnext = C.buckets[slot];
    C.buckets[slot] = e;
    e->in_table = 1;
    lru_push_front(e);
    C.n_entries++;
    C.st.entries = C.n_entries;
    C.st.bytes += (int64_t) e->cap;
    if (C.st.bytes > C.st.peak_bytes)
        C.st.peak_bytes = C.st.bytes;
    pthread_mutex_unlock(&C.lock);

    vfx_tile t = e->tile;
    vfx_status s = fn(ctx, n, &t);
    char *msg = s != VFX_OK ? vfx__strdup(vfx_error_message()) : NULL;

    pthread_mutex_lock(&C.lock);
    if (s == VFX_OK) {
        e->state = ST_READY;
        C.st.tiles_computed++;
        atomic_fetch_add_explicit(&n->computed, 1, memory_order_relaxed);
        *tile_out = e->tile;
        *entry_out = e;
    } else {
        /* Unlist it so the next request recomputes; waiters holding pins free it last. */
        e->state = ST_FAILED;
        e->fail_code = s;
        e->fail_msg = msg;
        table_remove(e);
        if (--e->pins == 0)
            entry_free(e);
    }
    pthread_cond_broadcast(&C.done);
    pthread_mutex_unlock(&C.lock);
    return s;
}

/* Drop-behind: move a READY, unpinned tile to the LRU tail, first in line for eviction.
 * Released tiles gather at the tail (others enter at the head), newest last. */
static void
release(vfx__centry *e)
{
    e->doomed = 0;
    if (e->behind)
        return;
    lru_unlink(e);
    lru_push_back(e);
    e->behind = 1;
    C.behind_bytes += (int64_t) e->cap;
}

/* Free released tiles from the tail until at most BEHIND_KEEP bytes of them are left. */
static void
trim_behind(void)
{
    int64_t keep = VFX__MIN(BEHIND_KEEP, budget() / 8);
    vfx__centry *e = C.lru_tail;
    while (e && e->behind && C.behind_bytes > keep) {
        vfx__centry *prev = e->lru_prev;
        if (e->pins == 0 && e->state == ST_READY) {
            table_remove(e);
            C.st.released++;
            entry_free(e);
        }
        e = prev;
    }
}

void
vfx__cache_unpin(vfx__centry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&C.lock);
    if (--e->pins == 0 && e->doomed && e->in_table && e->state == ST_READY) {
        release(e);
        trim_behind();
    }
    pthread_mutex_unlock(&C.lock);
}

void
vfx__cache_release_rows(const vfx_node *n, int64_t tx0, int64_t tx1, int64_t ty0, int64_t ty1)
{
    pthread_mutex_lock(&C.lock);
    if (C.buckets && C.n_entries > 0) {
        for (int64_t ty = ty0; ty < ty1; ty++) {
            for (int64_t tx = tx0; tx < tx1; tx++) {
                vfx__centry *e = C.buckets[hash_key(n, tx, ty) & (C.n_buckets - 1)];
                while (e && !(e->node == n && e->tx == tx && e->ty == ty))
                    e = e->hnext;
                if (!e)
                    continue;
                if (e->pins == 0 && e->state == ST_READY)
                    release(e);
                else if (!e->behind)
                    e->doomed = 1;
            }
        }
        trim_behind();
    }
    pthread_mutex_unlock(&C.lock);
}

void
vfx__cache_count_computed(void)
{
    pthread_mutex_lock(&C.lock);
    C.st.tiles_computed++;
    pthread_mutex_unlock(&C.lock);
}

void
vfx__cache_drop_node(const vfx_node *n)
{
    pthread_mutex_lock(&C.lock);
    vfx__centry *e = C.lru_head;
    while (e) {
        vfx__centry *next = e->lru_next;
        if (e->node == n) {
            table_remove(e);
            entry_free(e);
        }
        e = next;
    }
    if (C.n_entries == 0 && C.buckets) {
        /* An empty cache holds no memory, so leak checks see a clean slate. */
        VFX_FREE(C.buckets);
        C.n_buckets = 0;
    }
    pthread_mutex_unlock(&C.lock);
}

void
vfx__cache_set_budget(int64_t bytes)
{
    pthread_mutex_lock(&C.lock);
    C.budget_override = bytes > 0 ? bytes : 0;
    vfx__centry *spare = make_room(0);
    if (spare)
        entry_free(spare);
    pthread_mutex_unlock(&C.lock);
}

void
vfx__cache_shutdown(void)
{
    pthread_mutex_lock(&C.lock);
    while (C.lru_head) {
        vfx__centry *e = C.lru_head;
        table_remove(e);
        entry_free(e);
    }
    VFX_FREE(C.buckets);
    C.n_buckets = 0;
    C.budget_override = 0;
    pthread_mutex_unlock(&C.lock);
}

vfx_status
vfx_cache_stats(vfx_cache_info *out)
{
    if (!out || out->size < sizeof(size_t))
        return vfx__fail(VFX_ERR_ARG, "vfx_cache_stats: NULL or size not set");
    pthread_mutex_lock(&C.lock);
    vfx_cache_info s = C.st;
    s.budget = budget();
    pthread_mutex_unlock(&C.lock);
    size_t n = VFX__MIN(out->size, sizeof s);
    s.size = out->size;
    memcpy(out, &s, n);
    return VFX_OK;
}

void
vfx_cache_reset_stats(void)
{
    pthread_mutex_lock(&C.lock);
    int64_t bytes = C.st.bytes, entries = C.st.entries;
    vfx_cache_info z = VFX_CACHE_INFO_INIT;
    C.st = z;
    C.st.bytes = bytes;
    C.st.entries = entries;
    C.st.peak_bytes = bytes;
    pthread_mutex_unlock(&C.lock);
}
