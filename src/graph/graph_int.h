/* Private graph engine: nodes, the tile cache, the scheduler and sinks. */
#ifndef VFX_GRAPH_INT_H
#define VFX_GRAPH_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"
#include "ops/op_int.h"
#include "vfx/image.h"
#include "vfx/sink.h"

/** Default cache grid and sink tile size. */
#define VFX__TILE_DEFAULT 128
#define VFX__MAX_INPUTS 8

struct vfx_image {
    _Atomic int32_t     refs;
    const vfx_op_class *op;
    void               *params;
    int32_t             n_inputs;
    int32_t             n_channels;
    vfx_node           *inputs[VFX__MAX_INPUTS];
    vfx_rect            rod;
    vfx_spec            spec;      /* spec.data == rod */
    vfx_rect            gen_data;  /* the data window asked for at creation */
    vfx__tiling         tiling;    /* cache grid */
    pthread_mutex_t     seq_lock;  /* serialises render() of VFX_OP_SEQUENTIAL nodes */
    _Atomic int64_t     computed;  /* tiles rendered for this node (cache + sink output) */
    _Atomic int32_t     users;     /* live nodes that take this one as an input (per input slot) */
};

/** Tiles this node rendered (test hook). */
int64_t vfx__node_tiles_computed(const vfx_node *n);

/* ---- per-worker arena (scheduler.c): bump allocation, reset per output tile --------------
 * After the first tiles the base block is big enough and nothing is allocated any more. */
typedef struct vfx__arena {
    uint8_t *base;
    size_t   cap, used;
    size_t   want;           /* peak bytes in use since the last reset, for growing */
    void    *overflow;       /* chain of blocks allocated when base was full */
    size_t   ovf_used;       /* bytes in the overflow blocks */
} vfx__arena;

void  vfx__arena_reset(vfx__arena *a);
void  vfx__arena_free(vfx__arena *a);
/** 64-byte aligned; NULL on out of memory. */
void *vfx__arena_alloc(vfx__arena *a, size_t n);

/* ---- tile cache (tilecache.c) ------------------------------------------------------------- */

typedef struct vfx__centry vfx__centry;

/** Computes the pixels of a cache tile into t (rect = grid tile & RoD, tight stride). */
typedef vfx_status (*vfx__compute_fn)(void *ctx, vfx_node *n, vfx_tile *t);

/** Get grid tile (tx, ty) of @p n pinned, computing it with @p fn on this thread when absent,
 *  or waiting when another thread is computing it. *tile_out views the pixels; valid until
 *  vfx__cache_unpin(). */
vfx_status vfx__cache_get(vfx_node *n, int64_t tx, int64_t ty, vfx__compute_fn fn, void *ctx,
                          vfx__centry **entry_out, vfx_tile *tile_out);
void       vfx__cache_unpin(vfx__centry *e);
/** Free the tiles of @p n in grid columns [tx0, tx1) and rows [ty0, ty1) (drop-behind); a
 *  pinned or in-flight one is freed at its last unpin unless it is asked for again. */
void       vfx__cache_release_rows(const vfx_node *n, int64_t tx0, int64_t tx1, int64_t ty0,
                                   int64_t ty1);
/** Forget every tile of @p n (called when the node is freed; none may be pinned). */
void       vfx__cache_drop_node(const vfx_node *n);
/** Count a tile rendered outside the cache (a sink's output tile). */
void       vfx__cache_count_computed(void);
/** Override the budget (test hook); 0 = vfx_cache_bytes(). Evicts down to it. */
void       vfx__cache_set_budget(int64_t bytes);
/** Free everything (no node may be alive); for vfx_shutdown(). */
void       vfx__cache_shutdown(void);

/** The rect of grid tile (tx, ty) of @p n, clipped to its RoD. */
vfx_rect vfx__grid_rect(const vfx_node *n, int64_t tx, int64_t ty);

/* ---- scheduler (scheduler.c) --------------------------------------------------------------- */

/** What a sink asks of the scheduler. The region is split into tile_w x tile_h tiles, indexed
 *  row-major; workers pull them in index order. */
typedef struct vfx__sink {
    vfx_node *node;
    vfx_rect  region;
    int32_t   tile_w, tile_h;
    /* The tile grid starts skew_x, skew_y (0 <= skew < tile size) before the region's corner,
     * so output tiles can line up with a source's chunks; the first row and column of tiles
     * are then narrower. 0, 0 = tiles start at the region's corner. */
    int32_t   skew_x, skew_y;
    int       ordered; /* consume() calls strictly in index order */
    /* Optional: a destination for output tile `r` (index i) so it is rendered in place. Returns
     * 1 and fills *t (t->rect = r) or 0 to use worker scratch. */
    int (*target)(void *ctx, int64_t i, vfx_rect r, vfx_tile *t);
    /* Optional, for ordered sinks: called on the rendering thread as soon as tile i is
     * rendered, before it waits for its turn (so concurrently with other prepare() calls and
     * with the consume() in progress): work that needs no order, e.g. compression. */
    vfx_status (*prepare)(void *ctx, int64_t i, const vfx_tile *t);
    /* Takes the rendered tile (rect inside the region; pixels outside the RoD are zero). */
    vfx_status (*consume)(void *ctx, int64_t i, const vfx_tile *t);
    void *ctx;
    /* Optional packing (pack_px > 0 bytes per pixel; target is then not used): each tile is
     * rendered in column chunks, and pack() converts a chunk into @p dst, inside a buffer of
     * rows @p row_bytes apart (the tile's rows of pack_px-byte pixels). prepare() and
     * consume() then get that buffer as t->p, with t->stride = 0. Keeps a full-width strip
     * in the file's type, not in f32. */
    int32_t pack_px;
    vfx_status (*pack)(void *ctx, const vfx_tile *chunk, uint8_t *dst, size_t row_bytes);
} vfx__sink;

/** Resolve the region a sink covers from its options: REGION, DATA_WINDOW or the display
 *  window; fails with VFX_ERR_ARG when it is empty or infinite. */
vfx_status vfx__sink_region(const vfx_node *n, const vfx_sink_options *opt, vfx_rect *out);
/** Tile counts of a sink over its region. */
int64_t    vfx__sink_n_tiles(const vfx__sink *s);
/** Render every tile of s->region; see sink.h for options. */
vfx_status vfx__sink_run(const vfx__sink *s, const vfx_sink_options *opt);

/** Output tile i of a sink with n_tx tiles per row (clipped to the region). */
vfx_rect   vfx__sink_tile_rect(const vfx__sink *s, int64_t n_tx, int64_t i);
/** How get_input() reads input @p m of consumer @p n (input k; n NULL = the base of a fused
 *  chain, which reads it over the same rect) for the consumer's rect @p want, with RoI
 *  @p need under @p edge: 1 = rendered straight into the consumer's buffer, 0 = through the
 *  cache. The drop-behind planner asks the same question (scheduler.c). */
int        vfx__read_direct(const vfx_node *n, int k, vfx_rect want, const vfx_node *m,
                            vfx_rect need, vfx_edge edge);
/** A source whose one grid tile is its whole RoD, asked for less than that (scheduler.c). */
int        vfx__whole_source(const vfx_node *n, vfx_rect r);
/** Column chunks of an op's render (scheduler.c): a non-pointwise op with inputs asked for a
 *  wide rect (a sink's full-width strip) renders it as @return chunks of *chunk_w_out columns
 *  (the last one narrower), so its input views and scratch span a chunk, not the whole width.
 *  1 = render the rect in one call. The drop-behind planner follows the same split. */
int32_t    vfx__render_chunks(const vfx_node *n, vfx_rect r, int32_t *chunk_w_out);
/** Where coordinate v reads from in [a, b) under an edge mode (a < b). */
int64_t    vfx__edge_map(int64_t v, int64_t a, int64_t b, vfx_edge edge);

/* ---- drop-behind (behind.c) ------------------------------------------------------------ */

typedef struct vfx__behind vfx__behind;

/** Plan which cached tiles a run of @p s may free as it goes; *out NULL when there is nothing
 *  to plan (one row of tiles, a huge graph). */
vfx_status vfx__behind_new(const vfx__sink *s, int64_t n_tx, int64_t n_tiles, vfx__behind **out);
/** Every output tile before row @p row is done: free what later rows will not read. Any
 *  thread; cheap when nothing changed. */
void       vfx__behind_advance(vfx__behind *b, int64_t row);
void       vfx__behind_free(vfx__behind *b);
/** Sink runs this thread starts between hold(1) and hold(0) release nothing behind them: for
 *  runs that read what an earlier run made (MIP levels, each a resize of the one before). */
void       vfx__drop_behind_hold(int on);

/** Fill the common fields of a sink from its options (tile size, order); callbacks NULL. */
void vfx__sink_setup(vfx__sink *s, vfx_node *n, vfx_rect region, const vfx_sink_options *opt);

#endif
