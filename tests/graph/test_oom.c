/* Out-of-memory sweep (SQLite faultsim): build a graph and run every sink with allocation N
 * failing, for N = 1, 2, ... until a run no longer reaches N. Each run must either succeed or
 * return VFX_ERR_NOMEM, and free everything either way. */
#include <string.h>

#include "test_util.h"
#include "graph/graph_int.h"

static vfx_status
run_once(uint64_t *hash_out)
{
    vfx_spec s = VFX_SPEC_INIT;
    vfx_image *n = NULL, *c = NULL, *b = NULL, *m = NULL;
    float a[4] = { 2, 2, 2, 2 }, z[4] = { 0, 0, 0, 0 };
    vfx_channel_stats cs[4];
    float px[8 * 4];
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.threads = 1;
    o.tile_width = 40;
    o.tile_height = 30;
    vfx_status st = vfx_spec_init_simple(&s, 300, 200, "R,G,B,A", VFX_PIXEL_HALF);
    if (!st)
        st = vfx_image_noise(&s, 5, 0, 1, &n);
    if (!st)
        st = vfx_image_crop(n, (vfx_rect){ 10, 10, 290, 190 }, &c);
    if (!st)
        st = vfx_image_box_blur(c, 2, 300, VFX_EDGE_MIRROR, &b); /* wide: cached input path */
    if (!st)
        st = vfx_image_mad(b, a, z, &m);
    if (!st)
        st = vfx_image_stats(m, &o, cs, 4);
    if (!st)
        st = vfx_image_render(m, (vfx_rect){ -4, 0, 4, 1 }, px, VFX_PIXEL_HALF, 8, 64, 4, &o);
    if (!st)
        st = vfx_image_hash(m, &o, hash_out);
    vfx_image_unref(m);
    vfx_image_unref(b);
    vfx_image_unref(c);
    vfx_image_unref(n);
    vfx_spec_clear(&s);
    return st;
}

static void
oom_sweep(void **state)
{
    (void) state;
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    io.threads = 1;
    assert_int_equal(vfx_init(&io), VFX_OK);
    uint64_t ref = 0, h = 0;
    assert_int_equal(run_once(&ref), VFX_OK);
    int64_t live = vfx__alloc_live();
    int failures = 0;
    for (int64_t nth = 1; nth < 100000; nth++) {
        int64_t before = vfx__alloc_count();
        vfx__alloc_fail_nth(nth);
        vfx_status st = run_once(&h);
        vfx__alloc_fail_nth(0);
        int64_t made = vfx__alloc_count() - before;
        if (st != VFX_OK) {
            if (st != VFX_ERR_NOMEM)
                print_error("allocation %lld: %s: %s\n", (long long) nth, vfx_status_name(st),
                            vfx_error_message());
            assert_int_equal(st, VFX_ERR_NOMEM);
            failures++;
        } else {
            assert_true(h == ref); /* a failure that was absorbed must not change pixels */
        }
        assert_int_equal(vfx__alloc_live(), live);
        if (made < nth)
            break; /* allocation nth never happened: every path has been tried */
    }
    print_message("%d allocation failures tried\n", failures);
    assert_true(failures > 10);
    vfx_shutdown();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
