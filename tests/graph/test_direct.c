/* Which inputs skip the tile cache (vfx__read_direct): an input read by one consumer whose
 * neighbouring tiles' RoIs overlap little (a --cut's shift, a 3x3 filter) is rendered into
 * the consumer's buffer and never cached; a wide blur's input, a rotated input and an input
 * with two consumers are cached, each tile computed once. The pixels are the same either
 * way. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "graph/graph_int.h"

#define W 600
#define H 400

static int
setup(void **state)
{
    (void) state;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 3;
    o.cache_bytes = (int64_t) 1 << 30;
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    vfx_shutdown();
    return 0;
}

/* A non-pointwise node over noise (the fail op never fires: it sits outside the image). */
static vfx_image *
source(void)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, W, H, "R,G,B", VFX_PIXEL_HALF), VFX_OK);
    vfx_image *n = NULL, *f = NULL;
    assert_int_equal(vfx_image_noise(&s, 5, -1.0f, 2.0f, &n), VFX_OK);
    vfx_spec_clear(&s);
    assert_int_equal(vfx__image_fail_at(n, -1000, -1000, VFX_ERR_IO, &f), VFX_OK);
    vfx_image_unref(n);
    return f;
}

static uint64_t
hash(vfx_image *im, vfx_cache_info *ci)
{
    vfx_cache_reset_stats();
    uint64_t h = 0;
    assert_int_equal(vfx_image_hash(im, NULL, &h), VFX_OK);
    assert_int_equal(vfx_cache_stats(ci), VFX_OK);
    return h;
}

static int64_t
grid_tiles(const vfx_image *im)
{
    vfx_rect r = vfx_image_rod(im);
    const int64_t T = VFX__TILE_DEFAULT;
    return ((vfx_rect_width(r) + T - 1) / T) * ((vfx_rect_height(r) + T - 1) / T);
}

/* source -> cut -> 3x3 blur: nothing is cached; with a second consumer of each, all of it is
 * cached once, and the hash is the same. */
static void
cut_and_small_blur_skip_the_cache(void **state)
{
    (void) state;
    vfx_image *src = source(), *cut = NULL, *blur = NULL;
    assert_int_equal(vfx_image_cut(src, (vfx_rect){ 50, 30, 550, 370 }, &cut), VFX_OK);
    assert_int_equal(vfx_image_box_blur(cut, 1, 1, VFX_EDGE_CLAMP, &blur), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    uint64_t h_direct = hash(blur, &ci);
    assert_int_equal(ci.misses, 0);
    assert_int_equal(ci.peak_bytes, 0);
    assert_int_equal(vfx__node_tiles_computed(cut), 0);
    assert_int_equal(vfx__node_tiles_computed(src), 0);

    /* A second reader of the cut and of the source: both are cached now. */
    vfx_image *other_cut = NULL, *other_src = NULL;
    assert_int_equal(vfx_image_box_blur(cut, 2, 2, VFX_EDGE_BLACK, &other_cut), VFX_OK);
    assert_int_equal(vfx_image_flip(src, &other_src), VFX_OK);
    uint64_t h_cached = hash(blur, &ci);
    assert_true(h_cached == h_direct);
    assert_int_equal(vfx__node_tiles_computed(cut), grid_tiles(cut));
    assert_true(vfx__node_tiles_computed(src) > 0);
    assert_true(ci.misses > 0);
    vfx_image_unref(other_cut);
    vfx_image_unref(other_src);
    vfx_image_unref(blur);
    vfx_image_unref(cut);
    vfx_image_unref(src);
}

/* A wide blur's input and a transposed input are cached: each grid tile computed once. */
static void
wide_and_rotated_reads_are_cached(void **state)
{
    (void) state;
    vfx_image *src = source(), *blur = NULL;
    assert_int_equal(vfx_image_box_blur(src, 30, 30, VFX_EDGE_BLACK, &blur), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    uint64_t h1 = hash(blur, &ci);
    assert_int_equal(vfx__node_tiles_computed(src), grid_tiles(src));
    vfx_image_unref(blur);
    vfx_image_unref(src);

    src = source();
    vfx_image *tr = NULL;
    assert_int_equal(vfx_image_transpose(src, &tr), VFX_OK);
    (void) hash(tr, &ci);
    assert_int_equal(vfx__node_tiles_computed(src), grid_tiles(src));
    vfx_image_unref(tr);

    /* the wide blur again, its input now shared (cached either way): same pixels */
    vfx_image *other = NULL;
    assert_int_equal(vfx_image_flip(src, &other), VFX_OK);
    assert_int_equal(vfx_image_box_blur(src, 30, 30, VFX_EDGE_BLACK, &blur), VFX_OK);
    assert_true(hash(blur, &ci) == h1);
    vfx_image_unref(blur);
    vfx_image_unref(other);
    vfx_image_unref(src);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_and_small_blur_skip_the_cache),
        cmocka_unit_test(wide_and_rotated_reads_are_cached),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
