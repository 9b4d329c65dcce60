/* Box blur against a brute-force whole-image reference: every edge mode, at the image's
 * edges, for rects partly or wholly outside the RoD, for several tilings and thread counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "graph/graph_int.h"

static vfx_image *noise(vfx_rect data, vfx_rect display, int nc);
static int64_t    live_before_init;

static int
setup(void **state)
{
    (void) state;
    live_before_init = vfx__alloc_live();
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 3;
    if (vfx_init(&o) != VFX_OK)
        return -1;
    /* Warm the pool up (it keeps its task records for reuse), and let its threads free their
     * start-up records, before tests take their allocation baselines. */
    vfx_image *n = noise((vfx_rect){ 0, 0, 64, 64 }, (vfx_rect){ 0, 0, 64, 64 }, 3);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.tile_width = so.tile_height = 4;
    uint64_t h;
    if (vfx_image_hash(n, &so, &h) != VFX_OK)
        return -1;
    vfx_image_unref(n);
    int64_t prev = -1;
    for (int i = 0; i < 100 && vfx__alloc_live() != prev; i++) {
        prev = vfx__alloc_live();
        usleep(20000);
    }
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    vfx_shutdown();
    return vfx__alloc_live() == live_before_init ? 0 : -1; /* everything freed */
}

static vfx_image *
noise(vfx_rect data, vfx_rect display, int nc)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 1, 1, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_F32),
                     VFX_OK);
    s.data = data;
    s.display = display;
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, 77, -1.0f, 2.0f, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

static int64_t
map(int64_t v, int64_t a, int64_t b, vfx_edge e)
{
    int64_t len = b - a;
    if (v >= a && v < b)
        return v;
    switch (e) {
    case VFX_EDGE_CLAMP:
        return v < a ? a : b - 1;
    case VFX_EDGE_PERIODIC:
        return a + (((v - a) % len) + len) % len;
    case VFX_EDGE_MIRROR: {
        int64_t m = (((v - a) % (2 * len)) + 2 * len) % (2 * len);
        return a + (m < len ? m : 2 * len - 1 - m);
    }
    default:
        return INT64_MIN; /* black */
    }
}

/* Render @p in over its RoD, blur it by brute force, compare with the engine over @p rect. */
static void
check_blur(vfx_image *in, int rx, int ry, vfx_edge edge, vfx_rect rect, int threads, int tw, int th)
{
    vfx_rect rod = vfx_image_rod(in);
    int nc = vfx_image_n_channels(in);
    int64_t w = vfx_rect_width(rod), h = vfx_rect_height(rod);
    float *src = malloc((size_t) (w * h * nc) * sizeof(float));
    assert_int_equal(vfx_image_render(in, rod, src, VFX_PIXEL_F32, nc * 4, w * nc * 4, nc, NULL),
                     VFX_OK);
    vfx_image *b = NULL;
    assert_int_equal(vfx_image_box_blur(in, rx, ry, edge, &b), VFX_OK);
    vfx_rect brod = vfx_image_rod(b);
    int64_t ow = vfx_rect_width(rect), oh = vfx_rect_height(rect);
    float *got = malloc((size_t) (ow * oh * nc) * sizeof(float));
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.threads = threads;
    o.tile_width = tw;
    o.tile_height = th;
    assert_int_equal(vfx_image_render(b, rect, got, VFX_PIXEL_F32, nc * 4, ow * nc * 4, nc, &o),
                     VFX_OK);
    double norm = 1.0 / ((2.0 * rx + 1) * (2.0 * ry + 1));
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        for (int32_t x = rect.x0; x < rect.x1; x++) {
            for (int c = 0; c < nc; c++) {
                double sum = 0;
                if (vfx_rect_contains_point(brod, x, y)) {
                    for (int dy = -ry; dy <= ry; dy++) {
                        int64_t sy = map(y + dy, rod.y0, rod.y1, edge);
                        if (sy == INT64_MIN)
                            continue;
                        for (int dx = -rx; dx <= rx; dx++) {
                            int64_t sx = map(x + dx, rod.x0, rod.x1, edge);
                            if (sx == INT64_MIN)
                                continue;
                            sum += src[((sy - rod.y0) * w + (sx - rod.x0)) * nc + c];
                        }
                    }
                }
                float g = got[((int64_t) (y - rect.y0) * ow + (x - rect.x0)) * nc + c];
                double want = sum * norm;
                int ok = isnan(want) ? isnan(g) : isinf(want) ? g == want : fabs(g - want) <= 2e-5;
                if (!ok) {
                    print_error("edge %d r (%d, %d) at (%d, %d) c %d: got %.7g want %.7g\n", edge,
                                rx, ry, x, y, c, g, sum * norm);
                    fail();
                }
            }
        }
    }
    free(got);
    free(src);
    vfx_image_unref(b);
}

static void
blur_matches_brute_force(void **state)
{
    (void) state;
    int64_t live = vfx__alloc_live();
    vfx_rect data = { -13, 7, 61, 45 }, disp = { 0, 0, 64, 48 };
    vfx_image *n = noise(data, disp, 4);
    const int radii[][2] = { { 0, 0 }, { 1, 2 }, { 5, 3 }, { 40, 1 }, { 2, 60 } };
    const vfx_rect rects[] = {
        { -60, -60, 120, 110 }, /* everything, and well beyond the RoD */
        { -20, 0, 10, 20 },     /* across the left edge */
        { 50, 40, 70, 60 },     /* across the bottom-right corner */
        { 300, 300, 310, 305 }, /* wholly outside */
    };
    const int tiles[][2] = { { 0, 0 }, { 7, 5 }, { 1, 64 } };
    for (int e = VFX_EDGE_BLACK; e <= VFX_EDGE_MIRROR; e++)
        for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++)
            for (size_t k = 0; k < sizeof rects / sizeof rects[0]; k++)
                for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++)
                    check_blur(n, radii[r][0], radii[r][1], (vfx_edge) e, rects[k],
                               t == 1 ? 3 : 1, tiles[t][0], tiles[t][1]);
    vfx_image_unref(n);
    int64_t now = vfx__alloc_live(); /* the pool keeps a few task records for reuse */
    assert_true(now >= live - 3 && now <= live + 3);
}

static void
blur_of_cropped_and_wide(void **state)
{
    (void) state;
    int64_t live = vfx__alloc_live();
    /* Clamp at a crop's edge: RoIs clip to the crop's RoD, not the source's. */
    vfx_rect r = { 0, 0, 700, 500 };
    vfx_image *n = noise(r, r, 3), *c = NULL;
    assert_int_equal(vfx_image_crop(n, (vfx_rect){ 100, 50, 400, 300 }, &c), VFX_OK);
    check_blur(c, 3, 4, VFX_EDGE_CLAMP, (vfx_rect){ 80, 40, 180, 120 }, 3, 32, 32);
    check_blur(c, 3, 4, VFX_EDGE_BLACK, (vfx_rect){ 380, 280, 420, 320 }, 1, 0, 0);
    /* A wide blur over a pointwise source takes the cached path (RoI >> output tile). */
    vfx_cache_reset_stats();
    check_blur(n, 70, 3, VFX_EDGE_MIRROR, (vfx_rect){ 0, 0, 700, 120 }, 3, 64, 64);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    assert_true(vfx__node_tiles_computed(n) > 0);
    assert_true(ci.hits > 0);
    vfx_image_unref(c);
    vfx_image_unref(n);
    int64_t now = vfx__alloc_live(); /* the pool keeps a few task records for reuse */
    assert_true(now >= live - 3 && now <= live + 3);
}

static void
blur_with_inf_and_nan(void **state)
{
    (void) state;
    /* Checker cells of +Inf / NaN / +-Inf / finite: a non-finite value must affect exactly the
     * windows that hold it, whatever the tiling (the running-sum path would smear it). */
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 40, 30, "R,G,B,A", VFX_PIXEL_F32), VFX_OK);
    s.data = (vfx_rect){ -5, -3, 40, 30 };
    float a[4] = { INFINITY, NAN, INFINITY, 1.0f }, b[4] = { 0.5f, 2.0f, -INFINITY, -1.0f };
    vfx_image *ch = NULL;
    assert_int_equal(vfx_image_checker(&s, 7, a, b, &ch), VFX_OK);
    for (int e = VFX_EDGE_BLACK; e <= VFX_EDGE_MIRROR; e++) {
        check_blur(ch, 1, 2, (vfx_edge) e, (vfx_rect){ -10, -10, 50, 40 }, 1, 0, 0);
        check_blur(ch, 2, 1, (vfx_edge) e, (vfx_rect){ -10, -10, 50, 40 }, 3, 9, 4);
    }
    vfx_image_unref(ch);
    vfx_spec_clear(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blur_matches_brute_force),
        cmocka_unit_test(blur_of_cropped_and_wide),
        cmocka_unit_test(blur_with_inf_and_nan),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
