/* Sink: a pixel hash. Each value contributes mix(key(position) + bits) to a sum mod 2^64, where
 * position is its row-major index in the region. A sum does not care in which order tiles
 * finish or how the region is tiled, so the hash is the same for any thread count and any
 * tile size, yet moving, changing or swapping values changes it. */
#include <string.h>

#include "graph/graph_int.h"

typedef struct hash_ctx {
    vfx_rect         region;
    int32_t          nc;
    _Atomic uint64_t acc;
} hash_ctx;

static inline uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static vfx_status
hash_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    hash_ctx *hc = ctx;
    (void) i;
    int32_t nc = hc->nc;
    uint64_t row_len = (uint64_t) vfx_rect_width(hc->region) * (uint64_t) nc;
    int64_t w = vfx_rect_width(t->rect) * nc;
    uint64_t sum = 0;
    for (int32_t y = t->rect.y0; y < t->rect.y1; y++) {
        const float *p = vfx__tile_at(t, t->rect.x0, y);
        uint64_t idx = (uint64_t) (y - hc->region.y0) * row_len +
                       (uint64_t) (t->rect.x0 - hc->region.x0) * (uint64_t) nc;
        for (int64_t k = 0; k < w; k++) {
            uint32_t bits;
            memcpy(&bits, p + k, sizeof bits);
            sum += mix64((idx + (uint64_t) k) * 0x9E3779B97F4A7C15u + bits);
        }
    }
    atomic_fetch_add_explicit(&hc->acc, sum, memory_order_relaxed);
    return VFX_OK;
}

vfx_status
vfx_image_hash(vfx_image *im, const vfx_sink_options *opt, uint64_t *hash_out)
{
    if (!im || !hash_out)
        return vfx__fail(VFX_ERR_ARG, "hash: NULL image or output");
    *hash_out = 0;
    vfx_rect region;
    VFX_TRY(vfx__sink_region(im, opt, &region));
    hash_ctx hc = { region, im->n_channels, 0 };
    vfx__sink s;
    vfx__sink_setup(&s, im, region, opt);
    s.consume = hash_consume;
    s.ctx = &hc;
    VFX_TRY(vfx__sink_run(&s, opt));
    uint64_t dims = mix64((uint64_t) vfx_rect_width(region) << 32 ^
                          (uint64_t) vfx_rect_height(region) << 8 ^ (uint64_t) im->n_channels);
    *hash_out = mix64(atomic_load(&hc.acc) ^ dims);
    return VFX_OK;
}
