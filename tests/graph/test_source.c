/* A source op written the way the I/O layer will write file readers: its own cache grid
 * (full-width strips of 16 rows aligned to the data window, like EXR scanline chunks) and the
 * SEQUENTIAL hint (a stream decoder). Defined here, outside src/ops, to show the op interface
 * is all a reader needs: the registry only maps names to classes. */
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "graph/graph_int.h"

#define STRIP 16

typedef struct stream_state {
    atomic_int in_flight, max_in_flight;
    atomic_int renders, rewinds;
    int32_t    next_row; /* the decoder's position; guarded by the engine's per-node lock */
} stream_state;

typedef struct stream_params {
    stream_state *st;
} stream_params;

static void
stream_tiling(const vfx_node *n, vfx__tiling *out)
{
    vfx_rect rod = vfx__node_rod(n);
    *out = (vfx__tiling){ (int32_t) vfx_rect_width(rod), STRIP, rod.x0, rod.y0 };
}

/* Pixel value = row number + channel / 10. */
static vfx_status
stream_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const stream_params *p = vfx__node_params(n);
    stream_state *st = p->st;
    vfx_rect rod = vfx__node_rod(n);
    (void) in;
    (void) scratch;
    int now = atomic_fetch_add(&st->in_flight, 1) + 1;
    int m = atomic_load(&st->max_in_flight);
    while (now > m && !atomic_compare_exchange_weak(&st->max_in_flight, &m, now)) {
    }
    atomic_fetch_add(&st->renders, 1);
    /* The engine asks for whole native chunks: full width, strip-aligned rows. */
    if (out->rect.x0 != rod.x0 || out->rect.x1 != rod.x1 || (out->rect.y0 - rod.y0) % STRIP != 0)
        return vfx__fail(VFX_ERR_INTERNAL, "stream: unaligned request");
    if (out->rect.y0 < st->next_row)
        atomic_fetch_add(&st->rewinds, 1); /* a real decoder would reopen here */
    st->next_row = out->rect.y1;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++)
            for (int32_t c = 0; c < out->n_channels; c++)
                vfx__tile_at(out, x, y)[c] = (float) y + (float) c / 10.0f;
    usleep(200); /* a decoder takes time: gives other workers the chance to collide */
    atomic_fetch_sub(&st->in_flight, 1);
    return VFX_OK;
}

static const vfx_op_class stream_op = {
    sizeof(vfx_op_class), "test_stream", VFX_OP_SEQUENTIAL, sizeof(stream_params),
    NULL, NULL, stream_render, NULL, NULL, NULL, stream_tiling, NULL
};

static void
sequential_source_streams_in_strips(void **state)
{
    (void) state;
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    io.threads = 3;
    assert_int_equal(vfx_init(&io), VFX_OK);
    stream_state st = { 0 };
    stream_params sp = { &st };
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&spec, 600, 500, "R,G,B", VFX_PIXEL_HALF), VFX_OK);
    spec.data = (vfx_rect){ 3, 5, 503, 405 }; /* 400 rows = 25 strips */
    vfx_image *src = NULL, *blur = NULL;
    assert_int_equal(vfx__node_new(&stream_op, &sp, sizeof sp, NULL, 0, &spec, &src), VFX_OK);
    assert_true(vfx_rect_equal(vfx_image_rod(src), spec.data));
    assert_int_equal(vfx_image_box_blur(src, 1, 3, VFX_EDGE_CLAMP, &blur), VFX_OK);
    float a[3] = { 2, 2, 2 }, b[3] = { 0, 0, 0 };
    vfx_image *m = NULL;
    assert_int_equal(vfx_image_mad(blur, a, b, &m), VFX_OK);

    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.flags = VFX_SINK_DATA_WINDOW;
    vfx_channel_stats cs[3];
    assert_int_equal(vfx_image_stats(m, &o, cs, 3), VFX_OK);
    /* Serialised, each strip decoded once, in order (the sink pulled full-width strips). */
    assert_int_equal(atomic_load(&st.max_in_flight), 1);
    assert_int_equal(atomic_load(&st.renders), 25);
    assert_int_equal(vfx__node_tiles_computed(src), 25);
    /* Values: a vertical box of rows y-3..y+3 clamped, times 2; the mean of clamped row
     * averages over rows 5..404 is the mean row (204.5) since clamping is symmetric. */
    assert_int_equal(cs[0].finite_count, 500 * 400);
    assert_float_equal(cs[0].mean, 2 * 204.5, 1e-6);
    assert_float_equal(cs[1].mean, 2 * 204.6, 1e-4);
    assert_float_equal(cs[0].min, 2 * (5 * 4 + 6 + 7 + 8) / 7.0, 1e-5);
    float px[3];
    assert_int_equal(vfx_image_render(m, (vfx_rect){ 100, 200, 101, 201 }, px, VFX_PIXEL_F32, 12, 12,
                                      3, NULL), VFX_OK);
    assert_float_equal(px[2], 2 * 200.2, 1e-4);

    vfx_image_unref(m);
    vfx_image_unref(blur);
    vfx_image_unref(src);
    vfx_spec_clear(&spec);
    vfx_shutdown();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sequential_source_streams_in_strips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
