/* Column chunks and packed strips (scheduler.c): an op asked for a wide rect renders it in
 * column chunks, and a PNG sink packs its strips chunk by chunk. Neither may change a value:
 * every result here is compared bit for bit with the same image rendered in small tiles (no
 * chunking), for separable blurs, resizes and box blurs at every edge mode, rects partly
 * outside the RoD, and 8- and 16-bit PNG files read back. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "graph/graph_int.h"

static int
setup(void **state)
{
    (void) state;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 3;
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
noise(int32_t w, int32_t h, int nc, float lo, float hi)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, w, h, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_F32),
                     VFX_OK);
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, 5, lo, hi, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

/* Render @p rect of @p im with tiles of tw x th; caller frees. */
static float *
render(vfx_image *im, vfx_rect rect, int32_t tw, int32_t th)
{
    int nc = vfx_image_n_channels(im);
    int64_t w = vfx_rect_width(rect), h = vfx_rect_height(rect);
    float *buf = malloc((size_t) (w * h * nc) * sizeof(float));
    assert_non_null(buf);
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.tile_width = tw;
    o.tile_height = th;
    assert_int_equal(vfx_image_render(im, rect, buf, VFX_PIXEL_F32, nc * 4, w * nc * 4, nc, &o),
                     VFX_OK);
    return buf;
}

/* Full-width strips (cut into chunks) and 64 x 64 tiles (not cut) give the same bits. */
static void
same_bits(vfx_image *im, vfx_rect rect, int32_t strip_h)
{
    int nc = vfx_image_n_channels(im);
    size_t n = (size_t) vfx_rect_area(rect) * (size_t) nc;
    float *a = render(im, rect, (int32_t) vfx_rect_width(rect), strip_h);
    float *b = render(im, rect, 64, 64);
    assert_memory_equal(a, b, n * sizeof(float));
    free(a);
    free(b);
}

static void
chunk_count_follows_the_rect(void **state)
{
    (void) state;
    vfx_image *in = noise(4000, 300, 3, 0.0f, 1.0f);
    vfx_image *b = NULL;
    assert_int_equal(vfx_image_blur(in, "gaussian", 23, 23, &b), VFX_OK);
    int32_t cw;
    /* a 4000 x 64 strip: 8 chunks of 500 columns */
    assert_int_equal(vfx__render_chunks(b, (vfx_rect){ 0, 0, 4000, 64 }, &cw), 8);
    assert_int_equal(cw, 500);
    /* a 128 x 128 cache tile and a narrow strip stay whole */
    assert_int_equal(vfx__render_chunks(b, (vfx_rect){ 0, 0, 128, 128 }, &cw), 1);
    assert_int_equal(vfx__render_chunks(b, (vfx_rect){ 0, 0, 600, 64 }, &cw), 1);
    /* sources are never cut */
    assert_int_equal(vfx__render_chunks(in, (vfx_rect){ 0, 0, 4000, 64 }, &cw), 1);
    vfx_image_unref(b);
    vfx_image_unref(in);
}

static void
wide_blur_and_resize_match_small_tiles(void **state)
{
    (void) state;
    vfx_image *in = noise(3001, 157, 3, -0.5f, 1.5f);
    vfx_image *g = NULL, *r = NULL, *rd = NULL;
    assert_int_equal(vfx_image_blur(in, "gaussian", 23, 23, &g), VFX_OK);
    same_bits(g, vfx_image_rod(g), 64);
    same_bits(g, vfx_image_rod(g), 20);
    /* a rect reaching past the RoD on every side (zero there) */
    same_bits(g, (vfx_rect){ -40, -9, 3050, 170 }, 64);
    /* Lanczos3 down (vertical pass first) and up (horizontal first) */
    assert_int_equal(vfx_image_resize(in, (vfx_rect){ 0, 0, 1500, 78 }, "lanczos3", 0, &r),
                     VFX_OK);
    same_bits(r, vfx_image_rod(r), 64);
    assert_int_equal(vfx_image_resize(in, (vfx_rect){ 0, 0, 4500, 200 }, "lanczos3", 0, &rd),
                     VFX_OK);
    same_bits(rd, vfx_image_rod(rd), 64);
    vfx_image_unref(rd);
    vfx_image_unref(r);
    vfx_image_unref(g);
    vfx_image_unref(in);
}

static void
wide_box_blur_every_edge_mode(void **state)
{
    (void) state;
    vfx_image *in = noise(2600, 90, 4, 0.0f, 1.0f);
    const vfx_edge edges[] = { VFX_EDGE_BLACK, VFX_EDGE_CLAMP, VFX_EDGE_PERIODIC,
                               VFX_EDGE_MIRROR };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        vfx_image *b = NULL;
        assert_int_equal(vfx_image_box_blur(in, 7, 5, edges[i], &b), VFX_OK);
        same_bits(b, vfx_image_rod(b), 64);
        vfx_image_unref(b);
    }
    vfx_image_unref(in);
}

/* A PNG written through the packing sink holds exactly the values the engine renders, converted
 * as vfx_convert_values() does. */
static void
png_packed_strips_hold_the_rendered_values(void **state)
{
    (void) state;
    const vfx_pixel_type types[] = { VFX_PIXEL_U8, VFX_PIXEL_U16 };
    for (size_t t = 0; t < 2; t++) {
        vfx_image *in = noise(2900, 150, 3, -0.1f, 1.1f), *g = NULL, *back = NULL;
        assert_int_equal(vfx_image_blur(in, "gaussian", 9, 9, &g), VFX_OK);
        const char *path = test_tmp(t == 0 ? "chunks8.png" : "chunks16.png");
        vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
        wo.pixel_type = types[t];
        assert_int_equal(vfx_image_write(g, path, &wo, NULL), VFX_OK);
        vfx_rect rod = vfx_image_rod(g);
        size_t n = (size_t) vfx_rect_area(rod) * 3, ts = vfx_pixel_type_size(types[t]);
        float *f = render(g, rod, 64, 64);
        uint8_t *want = malloc(n * ts), *got = malloc(n * ts);
        assert_non_null(want);
        assert_non_null(got);
        assert_int_equal(vfx_convert_values(f, VFX_PIXEL_F32, 4, want, types[t], (ptrdiff_t) ts, n),
                         VFX_OK);
        assert_int_equal(vfx_image_open(path, NULL, &back), VFX_OK);
        int64_t w = vfx_rect_width(rod);
        assert_int_equal(vfx_image_render(back, rod, got, types[t], (ptrdiff_t) (3 * ts),
                                          (ptrdiff_t) (w * 3) * (ptrdiff_t) ts, 3, NULL),
                         VFX_OK);
        assert_memory_equal(want, got, n * ts);
        free(want);
        free(got);
        free(f);
        vfx_image_unref(back);
        vfx_image_unref(g);
        vfx_image_unref(in);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunk_count_follows_the_rect),
        cmocka_unit_test(wide_blur_and_resize_match_small_tiles),
        cmocka_unit_test(wide_box_blur_every_edge_mode),
        cmocka_unit_test(png_packed_strips_hold_the_rendered_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
