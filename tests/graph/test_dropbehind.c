/* Drop-behind: a streaming run holds a band of tiles, not the image. A strip source (full-width
 * chunks of 16 rows, like a scanline EXR or a stripped TIFF, read at random) is read by 256 x 256
 * output tiles through a blur, so its strips go through the tile cache; the cache's peak must
 * not grow with the image height, and every strip must still be decoded once. Ops that read
 * far from their output (transpose, flip) must also still decode each strip once. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "graph/graph_int.h"

#define STRIP 16
#define WIDTH 2048
#define MAX_STRIPS 1024

typedef struct strip_state {
    atomic_int renders[MAX_STRIPS];
} strip_state;

typedef struct strip_params {
    strip_state *st;
} strip_params;

static void
strip_tiling(const vfx_node *n, vfx__tiling *out)
{
    vfx_rect rod = vfx__node_rod(n);
    *out = (vfx__tiling){ (int32_t) vfx_rect_width(rod), STRIP, rod.x0, rod.y0 };
}

/* Pixel value = row + column / 4096 + channel / 10. */
static vfx_status
strip_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const strip_params *p = vfx__node_params(n);
    vfx_rect rod = vfx__node_rod(n);
    (void) in;
    (void) scratch;
    if (out->rect.x0 != rod.x0 || out->rect.x1 != rod.x1 || (out->rect.y0 - rod.y0) % STRIP != 0)
        return vfx__fail(VFX_ERR_INTERNAL, "strips: unaligned request");
    atomic_fetch_add(&p->st->renders[(out->rect.y0 - rod.y0) / STRIP], 1);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        float *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++)
            for (int32_t c = 0; c < out->n_channels; c++)
                *q++ = (float) y + (float) x / 4096.0f + (float) c / 10.0f;
    }
    return VFX_OK;
}

static const vfx_op_class strip_op = {
    sizeof(vfx_op_class), "test_strips", 0, sizeof(strip_params),
    NULL, NULL, strip_render, NULL, NULL, NULL, strip_tiling, NULL
};

static int
setup(void **state)
{
    (void) state;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 3;
    o.cache_bytes = (int64_t) 1 << 30; /* far above any image here: only drop-behind frees */
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    vfx_shutdown();
    return 0;
}

static vfx_image *
strips(strip_state *st, int32_t h)
{
    strip_params sp = { st };
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&spec, WIDTH, h, "R,G,B", VFX_PIXEL_HALF), VFX_OK);
    spec.data = (vfx_rect){ 0, 3, WIDTH, h }; /* strips start at row 3: not on the 256 grid */
    vfx_image *src = NULL;
    assert_int_equal(vfx__node_new(&strip_op, &sp, sizeof sp, NULL, 0, &spec, &src), VFX_OK);
    vfx_spec_clear(&spec);
    return src;
}

/* Run `im` through a hash sink in 256 x 256 tiles; returns the cache's peak bytes. */
static int64_t
run_peak(vfx_image *im)
{
    vfx_cache_reset_stats();
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.tile_width = so.tile_height = 256;
    uint64_t h;
    assert_int_equal(vfx_image_hash(im, &so, &h), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    return ci.peak_bytes;
}

static void
each_strip_once(const strip_state *st, int32_t h)
{
    int32_t n = (h - 3 + STRIP - 1) / STRIP;
    for (int32_t i = 0; i < n; i++)
        if (atomic_load(&st->renders[i]) != 1)
            fail_msg("strip %d decoded %d times", (int) i, atomic_load(&st->renders[i]));
}

static void
cache_peak_does_not_grow_with_height(void **state)
{
    (void) state;
    static const int32_t heights[] = { 2048, 4096, 8192 };
    int64_t peak[3];
    for (int i = 0; i < 3; i++) {
        strip_state *st = calloc(1, sizeof *st);
        assert_non_null(st);
        vfx_image *src = strips(st, heights[i]), *blur = NULL;
        assert_int_equal(vfx_image_box_blur(src, 3, 20, VFX_EDGE_CLAMP, &blur), VFX_OK);
        peak[i] = run_peak(blur);
        each_strip_once(st, heights[i]);
        print_message("height %d: cache peak %.1f MiB (the whole source is %.1f MiB)\n",
                      (int) heights[i], (double) peak[i] / 1048576.0,
                      (double) WIDTH * heights[i] * 3 * 4 / 1048576.0);
        vfx_image_unref(blur);
        vfx_image_unref(src);
        free(st);
    }
    /* A band of strips (the rows under the output tiles in flight plus the blur's reach) and
     * the 4 MiB of released tiles the cache may keep: the same at every height, while the
     * whole source (what the cache held before drop-behind) is 48, 96 and 192 MiB. */
    int64_t band = (int64_t) WIDTH * 3 * 4 * (3 * 256 + 2 * 20 + 2 * STRIP);
    int64_t bound = band + ((int64_t) 4 << 20) + ((int64_t) 1 << 20);
    for (int i = 0; i < 3; i++)
        assert_true(peak[i] <= bound);
    /* Which tiles are in flight at once varies with thread timing: up to a row of output
     * tiles (256 rows of strips, 6 MiB) either way; the whole source doubles each time. */
    int64_t slack = (int64_t) WIDTH * 3 * 4 * 256 + ((int64_t) 2 << 20);
    assert_true(peak[1] <= peak[0] + slack);
    assert_true(peak[2] <= peak[0] + slack);
}

/* Transpose reads a column of strips for every output tile; flip reads bottom-up. Nothing
 * may be released before the run is done with it: each strip decoded once. */
static void
far_reading_ops_decode_each_strip_once(void **state)
{
    (void) state;
    for (int k = 0; k < 2; k++) {
        strip_state *st = calloc(1, sizeof *st);
        assert_non_null(st);
        vfx_image *src = strips(st, 2048), *op = NULL;
        if (k == 0)
            assert_int_equal(vfx_image_transpose(src, &op), VFX_OK);
        else
            assert_int_equal(vfx_image_flip(src, &op), VFX_OK);
        vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
        so.tile_width = so.tile_height = 256;
        so.flags = VFX_SINK_DATA_WINDOW;
        uint64_t h1, h2;
        assert_int_equal(vfx_image_hash(op, &so, &h1), VFX_OK);
        each_strip_once(st, 2048);
        /* the same pixels with drop-behind off (one tile row at a time = a run of one row) */
        vfx__cache_drop_node(src);
        so.tile_width = WIDTH;
        so.tile_height = WIDTH;
        assert_int_equal(vfx_image_hash(op, &so, &h2), VFX_OK);
        assert_true(h1 == h2);
        vfx_image_unref(op);
        vfx_image_unref(src);
        free(st);
    }
}

/* A later run over the same small region still hits: released tiles stay (up to 4 MiB) at
 * the LRU tail. */
static void
released_tiles_serve_a_second_run(void **state)
{
    (void) state;
    strip_state *st = calloc(1, sizeof *st);
    assert_non_null(st);
    vfx_image *src = strips(st, 80), *blur = NULL; /* 1.9 MiB as f32 */
    assert_int_equal(vfx_image_box_blur(src, 1, 1, VFX_EDGE_BLACK, &blur), VFX_OK);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.tile_width = so.tile_height = 64;
    uint64_t h1, h2;
    assert_int_equal(vfx_image_hash(blur, &so, &h1), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    assert_int_equal(vfx_image_hash(blur, &so, &h2), VFX_OK);
    assert_true(h1 == h2);
    each_strip_once(st, 80);
    vfx_image_unref(blur);
    vfx_image_unref(src);
    free(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cache_peak_does_not_grow_with_height),
        cmocka_unit_test(far_reading_ops_decode_each_strip_once),
        cmocka_unit_test(released_tiles_serve_a_second_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
