/* The tile engine: RoD/RoI, infinite generators, fusion, determinism, cancellation, errors,
 * the cache budget, and leaks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "test_util.h"
#include "graph/graph_int.h"

#define THREADS 4

static int64_t live_before_init, live_at_start;

static int
setup(void **state)
{
    (void) state;
    live_before_init = vfx__alloc_live();
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = THREADS;
    o.cache_bytes = 64 << 20;
    if (vfx_init(&o) != VFX_OK)
        return -1;
    /* Warm the pool up (it keeps its task records for reuse) before taking the baseline. */
    vfx_spec s = VFX_SPEC_INIT;
    float v[1] = { 1 };
    vfx_image *k = NULL;
    uint64_t h;
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.tile_width = so.tile_height = 4;
    if (vfx_spec_init_simple(&s, 64, 64, "Y", VFX_PIXEL_F32) != VFX_OK ||
        vfx_image_new_constant(v, &s, &k) != VFX_OK || vfx_image_hash(k, &so, &h) != VFX_OK)
        return -1;
    vfx_image_unref(k);
    vfx_spec_clear(&s);
    /* Pool threads free their start-up record when they start: wait until the count settles. */
    int64_t prev = -1;
    for (int i = 0; i < 100 && vfx__alloc_live() != prev; i++) {
        prev = vfx__alloc_live();
        usleep(20000);
    }
    live_at_start = vfx__alloc_live();
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    vfx_shutdown();
    /* Everything the library allocated is gone: nodes, tiles, arenas, the pool. */
    return vfx__alloc_live() == live_before_init ? 0 : -1;
}

/* Every test ends with everything freed: nodes, cache tiles, arenas. The pool keeps task
 * records for reuse, up to the most ever queued at once (a few per concurrent sink); they are
 * freed at shutdown, where the group teardown checks the count exactly. */
static void
check_no_leak(void)
{
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    assert_int_equal(ci.entries, 0);
    assert_int_equal(ci.bytes, 0);
    int64_t live = vfx__alloc_live();
    assert_true(live >= live_at_start - THREADS && live <= live_at_start + 4 * THREADS);
}

static vfx_spec
spec_rgba(int32_t w, int32_t h)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, w, h, "R,G,B,A", VFX_PIXEL_HALF), VFX_OK);
    return s;
}

static vfx_image *
noise(vfx_rect data, vfx_rect display, uint64_t seed)
{
    vfx_spec s = spec_rgba(1, 1);
    s.data = data;
    s.display = display;
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, seed, -1.0f, 2.0f, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

static vfx_image *
mad(vfx_image *in, float a, float b)
{
    float av[4] = { a, a, a, a }, bv[4] = { b, b, b, b };
    vfx_image *out = NULL;
    assert_int_equal(vfx_image_mad(in, av, bv, &out), VFX_OK);
    return out;
}

/* ---- RoD / RoI ---------------------------------------------------------------------------- */

static void
rod_roi_algebra(void **state)
{
    (void) state;
    vfx_rect data = { -10, 5, 90, 60 }, disp = { 0, 0, 100, 50 };
    vfx_image *n = noise(data, disp, 1);
    assert_true(vfx_rect_equal(vfx_image_rod(n), data));
    assert_true(vfx_rect_equal(vfx_image_spec(n)->data, data));
    assert_true(vfx_rect_equal(vfx_image_spec(n)->display, disp));

    vfx_image *b = NULL, *c = NULL, *cr = NULL, *m = NULL;
    assert_int_equal(vfx_image_box_blur(n, 3, 2, VFX_EDGE_BLACK, &b), VFX_OK);
    assert_true(vfx_rect_equal(vfx_image_rod(b), ((vfx_rect){ -13, 3, 93, 62 })));
    assert_int_equal(vfx_image_box_blur(n, 3, 2, VFX_EDGE_CLAMP, &c), VFX_OK);
    assert_true(vfx_rect_equal(vfx_image_rod(c), data));
    assert_int_equal(vfx_image_crop(b, (vfx_rect){ 0, 0, 20, 1000 }, &cr), VFX_OK);
    assert_true(vfx_rect_equal(vfx_image_rod(cr), ((vfx_rect){ 0, 3, 20, 62 })));
    m = mad(cr, 2, 1);
    assert_true(vfx_rect_equal(vfx_image_rod(m), vfx_image_rod(cr)));
    assert_string_equal(vfx_image_op_name(m), "mad");
    assert_int_equal(vfx_image_n_inputs(m), 1);
    assert_ptr_equal(vfx_image_input(m, 0), cr);
    assert_null(vfx_image_input(m, 1));

    /* RoI: a blur widens it by its radius; the engine clips it to the input's RoD. */
    vfx_rect want = { 0, 0, 16, 16 }, need;
    vfx__op_box_blur.roi(b, 0, &want, &need);
    assert_true(vfx_rect_equal(need, ((vfx_rect){ -3, -2, 19, 18 })));
    assert_true(vfx_rect_equal(vfx_rect_clip(need, vfx_image_rod(n)), ((vfx_rect){ -3, 5, 19, 18 })));

    /* Infinite RoDs stay infinite through blur; crop makes them finite. */
    vfx_image *inf = noise(VFX_RECT_INFINITE, disp, 2), *ib = NULL, *ic = NULL;
    assert_int_equal(vfx_image_box_blur(inf, 5, 5, VFX_EDGE_BLACK, &ib), VFX_OK);
    assert_true(vfx_rect_is_infinite(vfx_image_rod(ib)));
    assert_int_equal(vfx_image_crop(ib, disp, &ic), VFX_OK);
    assert_true(vfx_rect_equal(vfx_image_rod(ic), disp));

    /* Bad arguments. */
    vfx_image *bad = (vfx_image *) 1;
    assert_int_equal(vfx_image_box_blur(n, -1, 0, VFX_EDGE_BLACK, &bad), VFX_ERR_ARG);
    assert_null(bad);
    assert_int_equal(vfx_image_box_blur(n, 1, 1, (vfx_edge) 9, &bad), VFX_ERR_ARG);
    assert_int_equal(vfx_image_mad(NULL, NULL, NULL, &bad), VFX_ERR_ARG);
    vfx_spec empty = VFX_SPEC_INIT;
    assert_int_equal(vfx_image_noise(&empty, 1, 0, 1, &bad), VFX_ERR_ARG);

    vfx_image_unref(ic);
    vfx_image_unref(ib);
    vfx_image_unref(inf);
    vfx_image_unref(m);
    vfx_image_unref(cr);
    vfx_image_unref(c);
    vfx_image_unref(b);
    vfx_image_unref(n);
    check_no_leak();
}

/* ---- infinite generators ---------------------------------------------------------------- */

static void
infinite_generators_clipped_by_sinks(void **state)
{
    (void) state;
    vfx_spec s = spec_rgba(64, 32);
    s.data = VFX_RECT_INFINITE;
    float v[4] = { 0.25f, -1.0f, 3.0f, 1.0f };
    vfx_image *k = NULL;
    assert_int_equal(vfx_image_new_constant(v, &s, &k), VFX_OK);
    assert_true(vfx_rect_is_infinite(vfx_image_rod(k)));

    /* The statistics sink clips to the display window. */
    vfx_channel_stats st[4];
    assert_int_equal(vfx_image_stats(k, NULL, st, 4), VFX_OK);
    for (int c = 0; c < 4; c++) {
        assert_int_equal(st[c].finite_count, 64 * 32);
        assert_float_equal(st[c].mean, v[c], 0);
        assert_float_equal(st[c].min, v[c], 0);
        assert_float_equal(st[c].stddev, 0, 0);
    }
    /* Asking for the data window of an infinite image is an error, not a hang. */
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.flags = VFX_SINK_DATA_WINDOW;
    assert_int_equal(vfx_image_stats(k, &o, st, 4), VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "data window"));

    /* Any rect far away still has the value; a checker is right at negative coordinates. */
    float px[2 * 3 * 4];
    assert_int_equal(vfx_image_render(k, (vfx_rect){ -2000000000, 1999999990, -1999999998, 1999999993 },
                                      px, VFX_PIXEL_F32, 16, 32, 4, NULL), VFX_OK);
    for (int i = 0; i < 6; i++)
        assert_float_equal(px[i * 4 + 2], 3.0f, 0);
    float a[4] = { 1, 1, 1, 1 }, b[4] = { 0, 0, 0, 0 };
    vfx_image *ch = NULL;
    assert_int_equal(vfx_image_checker(&s, 4, a, b, &ch), VFX_OK);
    float row[10 * 4];
    assert_int_equal(vfx_image_render(ch, (vfx_rect){ -5, -1, 5, 0 }, row, VFX_PIXEL_F32, 16, 160, 4,
                                      NULL), VFX_OK);
    /* x = -5 lies in cell -2, -4..-1 in cell -1, 0..3 in cell 0, 4 in cell 1; y = -1 in cell
     * -1; a where the cell sum is even. */
    float expect[10] = { 0, 1, 1, 1, 1, 0, 0, 0, 0, 1 };
    for (int i = 0; i < 10; i++)
        assert_float_equal(row[i * 4], expect[i], 0);
    vfx_image_unref(ch);

    /* A ramp: mean over the display window is the midpoint. */
    float r0[4] = { 0, 0, 0, 0 }, r1[4] = { 1, 2, 3, 4 };
    vfx_image *rp = NULL;
    assert_int_equal(vfx_image_ramp(&s, 0, r0, r1, &rp), VFX_OK);
    assert_int_equal(vfx_image_stats(rp, NULL, st, 4), VFX_OK);
    for (int c = 0; c < 4; c++)
        assert_float_equal(st[c].mean, r1[c] / 2, 1e-6);
    assert_float_equal(st[0].min, 0.5 / 64, 1e-7);
    vfx_image_unref(rp);

    vfx_image_unref(k);
    vfx_spec_clear(&s);
    check_no_leak();
}

/* ---- fusion --------------------------------------------------------------------------------- */

static void
pointwise_chain_has_no_intermediate_tiles(void **state)
{
    (void) state;
    /* A non-pointwise source (the fail op never fires here: it is a cached copy of noise),
     * then 50 mads. Only the source's tiles and the sink's tiles may be computed. */
    vfx_rect r = { 0, 0, 600, 300 };
    vfx_image *n = noise(r, r, 7), *src = NULL;
    assert_int_equal(vfx__image_fail_at(n, -100, -100, VFX_ERR_IO, &src), VFX_OK);
    vfx_image *chain[50];
    vfx_image *prev = src;
    for (int i = 0; i < 50; i++)
        prev = chain[i] = mad(prev, i % 2 ? 2.0f : 0.5f, i % 2 ? -0.25f : 0.125f);

    /* The chain is the source's only reader and reads it tile for tile: the source is
     * rendered straight into the chain's input buffer, never cached. */
    vfx_cache_reset_stats();
    uint64_t h = 0, h_alone = 0;
    assert_int_equal(vfx_image_hash(chain[49], NULL, &h_alone), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    const int64_t T = VFX__TILE_DEFAULT; /* default tiles over 600 x 300 */
    int64_t sink_tiles = ((600 + T - 1) / T) * ((300 + T - 1) / T), src_tiles = sink_tiles;
    assert_int_equal(vfx__node_tiles_computed(src), 0);
    assert_int_equal(vfx__node_tiles_computed(chain[49]), sink_tiles);
    assert_int_equal(ci.tiles_computed, sink_tiles);
    assert_int_equal(ci.misses, 0);
    assert_int_equal(ci.entries, 0);

    /* A second reader of the source: now it is cached, each tile computed once. */
    vfx_image *other = mad(src, 1.0f, 0.0f);
    vfx_cache_reset_stats();
    assert_int_equal(vfx_image_hash(chain[49], NULL, &h), VFX_OK);
    assert_true(h == h_alone);
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    assert_int_equal(vfx__node_tiles_computed(src), src_tiles);
    assert_int_equal(vfx__node_tiles_computed(chain[49]), 2 * sink_tiles); /* both runs */
    for (int i = 0; i < 49; i++)
        assert_int_equal(vfx__node_tiles_computed(chain[i]), 0);
    assert_int_equal(vfx__node_tiles_computed(n), 0); /* fused into the source's reads */
    assert_int_equal(ci.tiles_computed, src_tiles + sink_tiles);
    assert_int_equal(ci.misses, src_tiles);
    assert_int_equal(ci.entries, src_tiles);

    /* The values are right: compare with the chain applied by hand. */
    float *a = malloc(600 * 300 * 16), *b = malloc(600 * 300 * 16);
    assert_int_equal(vfx_image_render(n, r, a, VFX_PIXEL_F32, 16, 600 * 16, 4, NULL), VFX_OK);
    assert_int_equal(vfx_image_render(chain[49], r, b, VFX_PIXEL_F32, 16, 600 * 16, 4, NULL), VFX_OK);
    for (int64_t i = 0; i < 600 * 300 * 4; i++) {
        float v = a[i];
        for (int k = 0; k < 50; k++)
            v = (k % 2 ? 2.0f : 0.5f) * v + (k % 2 ? -0.25f : 0.125f);
        assert_float_equal(b[i], v, 0);
    }
    free(a);
    free(b);
    for (int i = 49; i >= 0; i--)
        vfx_image_unref(chain[i]);
    vfx_image_unref(other);
    vfx_image_unref(src);
    vfx_image_unref(n);
    check_no_leak();
}

/* ---- determinism -------------------------------------------------------------------------- */

static void
hash_same_for_threads_and_tile_sizes(void **state)
{
    (void) state;
    vfx_rect data = { -37, -11, 700, 413 }, disp = { 0, 0, 640, 400 };
    vfx_image *n = noise(data, disp, 42), *b = NULL, *c = NULL;
    assert_int_equal(vfx_image_box_blur(n, 4, 3, VFX_EDGE_CLAMP, &b), VFX_OK);
    c = mad(b, 1.5f, -0.5f);
    struct { int32_t threads, tw, th; uint32_t flags; } cfg[] = {
        { 1, 0, 0, 0 }, { THREADS, 0, 0, 0 }, { THREADS, 64, 48, 0 }, { 1, 333, 17, 0 },
        { THREADS, 640, 16, VFX_SINK_ORDERED }, { 2, 1, 400, 0 },
    };
    uint64_t ref = 0;
    vfx_channel_stats s1[4], sn[4];
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
        o.threads = cfg[i].threads;
        o.tile_width = cfg[i].tw;
        o.tile_height = cfg[i].th;
        o.flags = cfg[i].flags;
        uint64_t h = 0;
        assert_int_equal(vfx_image_hash(c, &o, &h), VFX_OK);
        if (i == 0)
            ref = h;
        assert_true(h == ref);
        /* Statistics are identical across thread counts for one tiling. */
        vfx_cache_reset_stats();
        assert_int_equal(vfx_image_stats(c, &o, i == 0 ? s1 : sn, 4), VFX_OK);
        if (i == 1)
            assert_memory_equal(s1, sn, sizeof s1);
    }
    /* ... and a different image hashes differently. */
    vfx_image *d = mad(b, 1.5f, -0.5001f);
    uint64_t h2 = 0;
    assert_int_equal(vfx_image_hash(d, NULL, &h2), VFX_OK);
    assert_true(h2 != ref);
    vfx_image_unref(d);
    vfx_image_unref(c);
    vfx_image_unref(b);
    vfx_image_unref(n);
    check_no_leak();
}

static void
stats_values(void **state)
{
    (void) state;
    /* Noise in [-1, 2): mean ~0.5, stddev ~3/sqrt(12); plus NaN/Inf counting via mad. */
    vfx_rect r = { 0, 0, 300, 200 };
    vfx_image *n = noise(r, r, 3);
    vfx_channel_stats st[4];
    assert_int_equal(vfx_image_stats(n, NULL, st, 4), VFX_OK);
    for (int c = 0; c < 4; c++) {
        assert_int_equal(st[c].finite_count, 60000);
        assert_true(st[c].min >= -1 && st[c].min < -0.99);
        assert_true(st[c].max < 2 && st[c].max > 1.99);
        assert_float_equal(st[c].mean, 0.5, 0.02);
        assert_float_equal(st[c].stddev, 3 / sqrt(12), 0.02);
    }
    /* Brute force over the rendered pixels. */
    float *px = malloc(300 * 200 * 16);
    assert_int_equal(vfx_image_render(n, r, px, VFX_PIXEL_F32, 16, 300 * 16, 4, NULL), VFX_OK);
    double sum = 0, sq = 0;
    for (int i = 0; i < 60000; i++)
        sum += px[i * 4 + 1];
    double mean = sum / 60000;
    for (int i = 0; i < 60000; i++)
        sq += (px[i * 4 + 1] - mean) * (px[i * 4 + 1] - mean);
    assert_float_equal(st[1].mean, mean, 1e-12);
    assert_float_equal(st[1].stddev, sqrt(sq / 60000), 1e-12);
    free(px);

    float a[4] = { INFINITY, 0, NAN, 1 }, b[4] = { 0, 0, 0, 0 };
    vfx_image *m = NULL;
    assert_int_equal(vfx_image_mad(n, a, b, &m), VFX_OK);
    assert_int_equal(vfx_image_stats(m, NULL, st, 4), VFX_OK);
    assert_int_equal(st[0].inf_count + st[0].nan_count, 60000); /* inf * x, NaN where x == 0 */
    assert_int_equal(st[2].nan_count, 60000);
    assert_int_equal(st[2].finite_count, 0);
    assert_float_equal(st[2].mean, 0, 0);
    assert_int_equal(st[1].finite_count, 60000);
    assert_int_equal(vfx_image_stats(m, NULL, st, 3), VFX_ERR_ARG);
    vfx_image_unref(m);
    vfx_image_unref(n);
    check_no_leak();
}

static void
render_types_and_strides(void **state)
{
    (void) state;
    vfx_spec s = spec_rgba(40, 30);
    float a[4] = { 0.0f, 0.5f, 1.0f, 2.0f }, b[4] = { 1.0f, 0.25f, -1.0f, 0.0f };
    vfx_image *ch = NULL;
    assert_int_equal(vfx_image_checker(&s, 5, a, b, &ch), VFX_OK);
    /* u8, bottom-up (negative y stride), with a padded x stride, rect sticking out of the RoD */
    vfx_rect rect = { -3, 25, 43, 33 };
    int w = 46, h = 8, xs = 5;
    uint8_t *buf = calloc((size_t) w * h * xs, 1);
    uint8_t *last_row = buf + (size_t) (h - 1) * w * xs;
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.tile_width = 7;
    o.tile_height = 3;
    assert_int_equal(vfx_image_render(ch, rect, last_row, VFX_PIXEL_U8, xs, -(ptrdiff_t) w * xs, 4, &o),
                     VFX_OK);
    for (int y = rect.y0; y < rect.y1; y++) {
        for (int x = rect.x0; x < rect.x1; x++) {
            const uint8_t *p = last_row - (ptrdiff_t) (y - rect.y0) * w * xs + (x - rect.x0) * xs;
            int in = x >= 0 && x < 40 && y >= 0 && y < 30;
            const float *v = (((x / 5) + (y / 5)) & 1) ? b : a;
            for (int c = 0; c < 4; c++) {
                float f = in ? v[c] : 0.0f;
                int e = f <= 0 ? 0 : f >= 1 ? 255 : (int) lrintf(f * 255);
                assert_int_equal(p[c], e);
            }
            assert_int_equal(p[4], 0); /* padding untouched */
        }
    }
    free(buf);
    assert_int_equal(vfx_image_render(ch, rect, (void *) 16, VFX_PIXEL_U8, 4, 200, 3, NULL),
                     VFX_ERR_ARG);
    vfx_image_unref(ch);
    vfx_spec_clear(&s);
    check_no_leak();
}

/* ---- cancellation and errors -------------------------------------------------------------- */

typedef struct prog {
    int64_t calls, last_done, total;
    int64_t cancel_at;
} prog;

static int
on_progress(void *user, int64_t done, int64_t total)
{
    prog *p = user;
    assert_true(done >= p->last_done);
    p->calls++;
    p->last_done = done;
    p->total = total;
    return p->cancel_at >= 0 && done >= p->cancel_at;
}

static void
progress_and_cancellation(void **state)
{
    (void) state;
    vfx_rect r = { 0, 0, 2048, 1024 };
    vfx_image *n = noise(r, r, 5), *b = NULL;
    assert_int_equal(vfx_image_box_blur(n, 2, 2, VFX_EDGE_BLACK, &b), VFX_OK);
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.tile_width = o.tile_height = 64;
    prog p = { 0, 0, 0, -1 };
    o.progress = on_progress;
    o.progress_user = &p;
    uint64_t h;
    assert_int_equal(vfx_image_hash(b, &o, &h), VFX_OK);
    assert_int_equal(p.total, 32 * 16);
    assert_int_equal(p.last_done, 32 * 16);
    assert_true(p.calls >= 2);

    /* Cancel from the callback. */
    for (int threads = 1; threads <= THREADS; threads += THREADS - 1) {
        p = (prog){ 0, 0, 0, 3 };
        o.threads = threads;
        assert_int_equal(vfx_image_hash(b, &o, &h), VFX_ERR_CANCELLED);
        assert_true(p.last_done < 32 * 16);
        p = (prog){ 0, 0, 0, 3 };
        assert_int_equal(vfx_image_stats(b, &o, (vfx_channel_stats[4]){ 0 }, 4), VFX_ERR_CANCELLED);
    }
    /* Cancel before anything starts, and with the flag. */
    p = (prog){ 0, 0, 0, 0 };
    assert_int_equal(vfx_image_hash(b, &o, &h), VFX_ERR_CANCELLED);
    assert_int_equal(p.calls, 1);
    int flag = 1;
    vfx_sink_options o2 = VFX_SINK_OPTIONS_INIT;
    o2.cancel = &flag;
    assert_int_equal(vfx_image_hash(b, &o2, &h), VFX_ERR_CANCELLED);
    assert_string_equal(vfx_status_name(VFX_ERR_CANCELLED), "VFX_ERR_CANCELLED");

    vfx_image_unref(b);
    vfx_image_unref(n);
    check_no_leak();
}

static void
first_error_reaches_caller(void **state)
{
    (void) state;
    vfx_rect r = { 0, 0, 1024, 1024 };
    vfx_image *n = noise(r, r, 9), *f = NULL, *b = NULL;
    assert_int_equal(vfx__image_fail_at(n, 700, 300, VFX_ERR_CORRUPT, &f), VFX_OK);
    assert_int_equal(vfx_image_box_blur(f, 1, 1, VFX_EDGE_CLAMP, &b), VFX_OK);
    vfx_image *m = mad(b, 2, 0);
    for (int threads = 1; threads <= THREADS; threads++) {
        vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
        o.threads = threads;
        o.tile_width = o.tile_height = 100;
        vfx_channel_stats st[4];
        vfx_error_clear();
        assert_int_equal(vfx_image_stats(m, &o, st, 4), VFX_ERR_CORRUPT);
        assert_non_null(strstr(vfx_error_message(), "fail op: tile at (700, 300)"));
        /* a failed tile is not left in the cache: a region avoiding it works */
        o.flags = VFX_SINK_REGION;
        o.region = (vfx_rect){ 0, 0, 200, 200 }; /* its cached blur tile avoids (700, 300) */
        vfx_status s = vfx_image_stats(m, &o, st, 4);
        if (s)
            print_message("%s\n", vfx_error_message());
        assert_int_equal(s, VFX_OK);
    }
    vfx_image_unref(m);
    vfx_image_unref(b);
    vfx_image_unref(f);
    vfx_image_unref(n);
    check_no_leak();
}

/* ---- cache budget --------------------------------------------------------------------------- */

static void
cache_budget_respected(void **state)
{
    (void) state;
    /* 2048 x 2048 RGBA f32 = 64 MiB per node, 3 cached nodes (the blurs are wide, so their
     * inputs are cached rather than recomputed per tile); budget 16 MiB (64 tiles of
     * 128 x 128). */
    int64_t budget = 16 << 20, tile = (int64_t) VFX__TILE_DEFAULT * VFX__TILE_DEFAULT * 16;
    vfx__cache_set_budget(budget);
    vfx_rect r = { 0, 0, 2048, 2048 };
    vfx_image *n = noise(r, r, 11), *f = NULL, *b1 = NULL, *b2 = NULL;
    assert_int_equal(vfx__image_fail_at(n, -1, -1, VFX_ERR_IO, &f), VFX_OK);
    assert_int_equal(vfx_image_box_blur(f, 30, 30, VFX_EDGE_BLACK, &b1), VFX_OK);
    assert_int_equal(vfx_image_box_blur(b1, 20, 50, VFX_EDGE_CLAMP, &b2), VFX_OK);
    vfx_image *m = mad(b2, 0.5f, 0.5f);
    vfx_cache_reset_stats();
    uint64_t h1, h2;
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.threads = THREADS;
    assert_int_equal(vfx_image_hash(m, &o, &h1), VFX_OK);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(vfx_cache_stats(&ci), VFX_OK);
    assert_int_equal(ci.budget, budget);
    print_message("peak %lld budget %lld bytes %lld evictions %lld\n", (long long) ci.peak_bytes,
                  (long long) budget, (long long) ci.bytes, (long long) ci.evictions);
    assert_true(ci.peak_bytes <= budget + THREADS * tile);
    assert_true(ci.bytes <= budget);
    assert_true(ci.evictions > 0);
    /* Same pixels with a budget large enough to keep everything. */
    vfx__cache_set_budget(0);
    o.threads = 1;
    assert_int_equal(vfx_image_hash(m, &o, &h2), VFX_OK);
    assert_true(h1 == h2);
    vfx_image_unref(m);
    vfx_image_unref(b2);
    vfx_image_unref(b1);
    vfx_image_unref(f);
    vfx_image_unref(n);
    check_no_leak();
}

/* ---- concurrent sinks ----------------------------------------------------------------------- */

typedef struct sink_thread {
    vfx_image *im;
    int        cancel_at; /* -1 = never */
    vfx_status st;
    uint64_t   hash;
} sink_thread;

static int
cancel_early(void *user, int64_t done, int64_t total)
{
    (void) total;
    return done >= *(int *) user;
}

static void *
run_sink(void *arg)
{
    sink_thread *t = arg;
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.tile_width = o.tile_height = 64;
    if (t->cancel_at >= 0) {
        o.progress = cancel_early;
        o.progress_user = &t->cancel_at;
    }
    t->st = vfx_image_hash(t->im, &o, &t->hash);
    return NULL;
}

static void
concurrent_sinks_share_the_cache(void **state)
{
    (void) state;
    /* Sinks on several threads over one graph: they share cached tiles (and wait for each
     * other's in-flight ones); one of them cancels, the others still finish correctly. */
    vfx_rect r = { 0, 0, 1024, 768 };
    vfx_image *n = noise(r, r, 21), *f = NULL, *b = NULL;
    assert_int_equal(vfx__image_fail_at(n, -1, -1, VFX_ERR_IO, &f), VFX_OK);
    assert_int_equal(vfx_image_box_blur(f, 9, 9, VFX_EDGE_CLAMP, &b), VFX_OK);
    vfx_image *m = mad(b, 3, 1);
    uint64_t ref = 0;
    vfx_sink_options o1 = VFX_SINK_OPTIONS_INIT;
    o1.threads = 1;
    assert_int_equal(vfx_image_hash(m, &o1, &ref), VFX_OK);
    for (int round = 0; round < 4; round++) {
        vfx__cache_set_budget(round % 2 ? 8 << 20 : 0); /* with and without evictions */
        vfx_image *fb = NULL; /* new nodes: nothing of them cached yet */
        assert_int_equal(vfx_image_box_blur(f, 9, 9, VFX_EDGE_CLAMP, &fb), VFX_OK);
        vfx_image *fresh = mad(fb, 3, 1);
        vfx_image_unref(fb);
        sink_thread t[3] = { { fresh, -1, 0, 0 }, { fresh, 2, 0, 0 }, { fresh, -1, 0, 0 } };
        pthread_t th[3];
        for (int i = 0; i < 3; i++)
            assert_int_equal(pthread_create(&th[i], NULL, run_sink, &t[i]), 0);
        for (int i = 0; i < 3; i++)
            pthread_join(th[i], NULL);
        assert_int_equal(t[0].st, VFX_OK);
        assert_int_equal(t[1].st, VFX_ERR_CANCELLED);
        assert_int_equal(t[2].st, VFX_OK);
        assert_true(t[0].hash == ref && t[2].hash == ref);
        vfx_image_unref(fresh);
    }
    vfx__cache_set_budget(0);
    vfx_image_unref(m);
    vfx_image_unref(b);
    vfx_image_unref(f);
    vfx_image_unref(n);
    check_no_leak();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rod_roi_algebra),
        cmocka_unit_test(infinite_generators_clipped_by_sinks),
        cmocka_unit_test(pointwise_chain_has_no_intermediate_tiles),
        cmocka_unit_test(hash_same_for_threads_and_tile_sizes),
        cmocka_unit_test(stats_values),
        cmocka_unit_test(render_types_and_strides),
        cmocka_unit_test(progress_and_cancellation),
        cmocka_unit_test(first_error_reaches_caller),
        cmocka_unit_test(cache_budget_respected),
        cmocka_unit_test(concurrent_sinks_share_the_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
