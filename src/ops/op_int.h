/* The private op interface: what every node's operation provides to the tile engine.
 *
 * An op is one const vfx_op_class in one file src/ops/op_<name>.c plus one line
 * VFX_OP(<name>) in op_list.h. The engine (src/graph/) never knows an op by name.
 *
 * Pixels: ops work in f32, channels interleaved, N channels (the node's channel count).
 * A tile is a rect plus a pointer to its first pixel and a row stride in floats.
 *
 * RoD / RoI (OFX): rod() runs once, at node creation, from the inputs' RoDs and the params.
 * roi() runs per output tile: "to make `want`, I need this rect of input k". The engine
 * then hands render() an input tile that covers exactly roi(k): pixels inside input k's RoD
 * come from the input (through the tile cache), pixels outside are filled per edge(k)
 * (black by default; clamp, periodic and mirror are done by the engine, not the op).
 *
 * Pointwise ops (VFX_OP_POINTWISE) give row() instead of render(): out[i] = f(in[i]) for one
 * row. The engine runs a chain of consecutive pointwise nodes as one pass per tile, row by row
 * (the row stays in L1), with no intermediate tiles. A pointwise op with no inputs is a
 * generator: row() gets in == NULL and fills the row; it then fuses as the chain's base.
 * Invariant: a pointwise node's RoD lies inside its input's RoD (checked at creation).
 * Pointwise nodes are cached only when a consumer's RoI is much larger than its output tile
 * (a wide blur); otherwise they are recomputed, fused, inside whatever reads them.
 *
 * ---- Source ops with their own tiling, and sequential access (for the I/O layer) ----------
 * A file reader is a source op (no inputs, not pointwise) whose render() decodes chunks:
 *  - tiling(): reports the node's cache grid. Default 256x256 at (0, 0). A tiled EXR returns
 *    its tile size and the data window origin; a scanline file returns full-width strips of
 *    its chunk height (16 rows for PIZ EXR, rows-per-strip for TIFF). The engine keys the cache
 *    by (node, grid tile) and asks render() for whole grid tiles (clipped to the RoD), so one
 *    render() call = one native chunk, and consumers reading any rect get it assembled from
 *    cached chunks.
 *  - VFX_OP_SEQUENTIAL (PNG, JPEG, DPX streams): render() calls of the node are serialised
 *    by the engine (one at a time, under a per-node lock) and the reader keeps its decoder
 *    state in its params (behind its own handle), so it streams forward; asked for a strip
 *    before its position, it rewinds (reopens). Sinks that see a SEQUENTIAL node in the graph
 *    should pull full-width strips top to bottom (VFX_SINK_ORDERED-like order), which makes
 *    the common case pure streaming; the cache then holds only the strips a blur's RoI spans.
 *  - VFX_OP_WHOLE_INPUT (FFT, histogram equalise): roi() returns the whole input RoD; the
 *    engine assembles it from cached input tiles (so it is still rendered tile by tile once).
 *    A "whole image" decoder (WebP, AVIF) is instead a source whose tiling() is one tile = the
 *    whole image, so the decoded picture lives in the cache, counted in the budget.
 * File sinks are sinks (src/graph/sink_*.c) over vfx__sink_run() with VFX_SINK_ORDERED for
 * writers that need ordered chunks.
 */
#ifndef VFX_OP_INT_H
#define VFX_OP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"
#include "vfx/image.h"

/** Hot row kernels: also compiled for AVX-512 and AVX2, picked at load time (GCC/Clang ifunc).
 *  ISO C mode keeps mul + add uncontracted (no FMA), so results stay bit-identical to the
 *  baseline build on every CPU. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && !defined(__SANITIZE_THREAD__)
#define VFX__HOT_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VFX__HOT_KERNEL
#endif
/* GCC in ISO C mode never contracts a * b + c into an FMA; Clang does by default, which would
 * make the AVX-512 clones round differently from the baseline. Results must not depend on the
 * CPU (hashes are compared across machines), so contraction is off for every op. */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/** Inside the library a node is called what it is. */
typedef struct vfx_image vfx_node;

/** A rect of f32 interleaved pixels. p points at pixel (rect.x0, rect.y0); rows are
 *  `stride` floats apart. Borrowed: valid only during the call that receives it. */
typedef struct vfx_tile {
    vfx_rect  rect;
    int32_t   n_channels;
    ptrdiff_t stride; /* floats between rows */
    float    *p;
} vfx_tile;

/** Pointer to pixel (x, y) of a tile. */
static inline float *
vfx__tile_at(const vfx_tile *t, int32_t x, int32_t y)
{
    return t->p + (ptrdiff_t) (y - t->rect.y0) * t->stride +
           (ptrdiff_t) (x - t->rect.x0) * t->n_channels;
}

enum {
    VFX_OP_POINTWISE   = 1u << 0, /* out(x, y) depends on in(x, y) only: give row() */
    VFX_OP_WHOLE_INPUT = 1u << 1, /* needs the whole input (roi() returns its RoD) */
    VFX_OP_SEQUENTIAL  = 1u << 2  /* render() calls must be serialised (stream decoders) */
};

/** The cache grid of a node: tiles of w x h whose corners sit at (x0 + i w, y0 + j h). */
typedef struct vfx__tiling {
    int32_t w, h, x0, y0;
} vfx__tiling;

typedef struct vfx_op_class {
    size_t      size;        /* sizeof(vfx_op_class) */
    const char *name;        /* registry / CLI key */
    uint32_t    flags;       /* VFX_OP_* */
    size_t      params_size; /* fixed part of the params; constructors may append arrays */
    /* Output RoD from the inputs' RoDs and the params; may be VFX_RECT_INFINITE. NULL = the
     * RoD of input 0 (or of the spec passed at creation for a generator). */
    vfx_status (*rod)(const vfx_node *n, vfx_rect *rod_out);
    /* Rect of input k needed to make `want`; the engine clips it to input k's RoD and fills
     * the rest per edge(). NULL = want. */
    void (*roi)(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out);
    /* Fill out->rect (always inside the RoD). in[k] covers exactly roi(k). scratch holds
     * scratch_bytes() bytes, 64-byte aligned, per worker, reused. NULL for pointwise ops. */
    vfx_status (*render)(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in,
                         void *scratch);
    size_t (*scratch_bytes)(const vfx_node *n, const vfx_rect *tile); /* optional */
    /* Pointwise ops: one row of n_px pixels starting at (x, y). in is NULL for generators.
     * Inside a fused chain every kernel but the first runs in place (in == out): test for it
     * and use a one-pointer loop, or the compiler, fearing partial overlap, will not
     * vectorise. in and out never partly overlap. Does not fail. */
    void (*row)(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y,
                int32_t n_px);
    /* Edge mode for input k; NULL = VFX_EDGE_BLACK. */
    vfx_edge (*edge)(const vfx_node *n, int k);
    /* Cache grid; NULL = 256 x 256 at (0, 0). */
    void (*tiling)(const vfx_node *n, vfx__tiling *out);
    /* Release what the params own (handles, strings); optional. */
    void (*free_params)(void *params);
} vfx_op_class;

/* The registry (op_list.h X-macro). */
#define VFX_OP(name) extern const vfx_op_class vfx__op_##name;
#include "ops/op_list.h"
#undef VFX_OP

/** The class registered under @p name, or NULL. */
const vfx_op_class *vfx__op_find(const char *name);
/** Number of registered classes and the i-th one (for the CLI's op list). */
int32_t vfx__op_count(void);
const vfx_op_class *vfx__op_at(int32_t i);

/* ---- node services for ops (src/graph/node.c) ------------------------------------------ */

/** Make a node: copies @p params_bytes of @p params, refs the inputs, copies @p spec (NULL =
 *  input 0's spec), computes the RoD with op->rod() and stores it in spec.data.
 *  Constructors validate params before calling this. *out is a new reference.
 *  Takes ownership of what the params own: on failure op->free_params has run on them. */
vfx_status vfx__node_new(const vfx_op_class *op, const void *params, size_t params_bytes,
                         vfx_node *const *inputs, int32_t n_inputs, const vfx_spec *spec,
                         vfx_node **out);
/** Params as stored (borrowed, valid while the node lives). */
const void *vfx__node_params(const vfx_node *n);
/** Input k (borrowed). */
const vfx_node *vfx__node_input(const vfx_node *n, int32_t k);
/** RoD and channel count. */
vfx_rect vfx__node_rod(const vfx_node *n);
int32_t  vfx__node_channels(const vfx_node *n);
/** The node's spec (borrowed); during rod() spec.data still holds the data window asked
 *  for at creation. */
const vfx_spec *vfx__node_spec(const vfx_node *n);

/** Check a spec given to a generator: channels present, count >= 1. Sets the message. */
vfx_status vfx__check_gen_spec(const vfx_spec *spec, int32_t *n_channels_out);

struct vfx_color_processor;
/** vfx_image_color() that also sets the result's "chromaticities" attribute to @p chroma
 *  (red, green, blue, white; x then y) when not NULL (op_color.c). */
vfx_status vfx__image_color_labelled(vfx_image *in, const struct vfx_color_processor *proc,
                                     int unpremult, const char *colorspace,
                                     const float chroma[8], vfx_image **out);

/** @p in cropped to @p r and made exactly that data window, black where @p in has no data
 *  (op_paste.c; used by paste and fillholes). At most 64 channels. */
vfx_status vfx__image_window_black(vfx_image *in, vfx_rect r, vfx_image **out);

/* ---- test-only ops ---------------------------------------------------------------------- */

/** A copy of @p in whose render() fails with @p code ("fail op: tile at (x, y)") for any tile
 *  containing pixel (x, y). Not pointwise, so it is never fused away. */
vfx_status vfx__image_fail_at(vfx_image *in, int32_t x, int32_t y, vfx_status code,
                              vfx_image **out);

#endif
