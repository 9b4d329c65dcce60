/* Deep EXR (src/io/exr_deep.c, src/ops/op_deep.c): reading deep scanline and tiled parts,
 * flattening, statistics and writing, against numbers from OpenImageIO 2.4 (oiiotool --stats /
 * --flatten on the same files) and round trips that must keep every sample bit for bit.
 * Comparisons with the reference tools themselves are in test_deep.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/deep_int.h"
#include "io_test_util.h"
#include "vfx/vfx.h"

static vfx_deep *
read_deep(const char *rel)
{
    vfx_deep *d = NULL;
    vfx_status s = vfx_deep_read(test_data(rel), NULL, &d);
    if (s != VFX_OK)
        fprintf(stderr, "%s: %s\n", rel, vfx_error_message());
    assert_int_equal(VFX_OK, s);
    assert_non_null(d);
    return d;
}

/* Every sample of every channel bit for bit (floats compared as stored: halves widened). */
static void
assert_same_deep(const vfx_deep *a, const vfx_deep *b)
{
    const vfx_spec *sa = vfx_deep_spec(a), *sb = vfx_deep_spec(b);
    assert_true(vfx_rect_equal(sa->data, sb->data));
    assert_true(vfx_channels_equal(sa->channels, sb->channels));
    assert_int_equal(vfx_deep_total_samples(a), vfx_deep_total_samples(b));
    int32_t nc = vfx_channels_count(sa->channels);
    for (int32_t y = sa->data.y0; y < sa->data.y1; y++)
        for (int32_t x = sa->data.x0; x < sa->data.x1; x++) {
            uint32_t n = vfx_deep_samples(a, x, y);
            assert_int_equal(n, vfx_deep_samples(b, x, y));
            for (int32_t c = 0; c < nc; c++)
                for (uint32_t s = 0; s < n; s++)
                    assert_int_equal(vfx_deep_value_u32(a, x, y, c, s),
                                     vfx_deep_value_u32(b, x, y, c, s));
        }
}

static void
tinydeep_samples(void **state)
{
    (void) state;
    /* made by oiiotool: one sample at (2, 2) with A = 1, Z = 10 (its command line is in the
     * file's Software attribute) */
    vfx_deep *d = read_deep("exr/deep/tinydeep.exr");
    const vfx_spec *sp = vfx_deep_spec(d);
    assert_int_equal(4, vfx_rect_width(sp->data));
    assert_int_equal(1, vfx_deep_total_samples(d));
    assert_int_equal(1, vfx_deep_samples(d, 2, 2));
    assert_int_equal(0, vfx_deep_samples(d, 1, 2));
    assert_int_equal(0, vfx_deep_samples(d, 99, 99));
    int32_t a = vfx_channels_find(sp->channels, "A"), z = vfx_channels_find(sp->channels, "Z");
    assert_float_equal(1.0f, vfx_deep_value(d, 2, 2, a, 0), 0.0f);
    assert_float_equal(10.0f, vfx_deep_value(d, 2, 2, z, 0), 0.0f);
    vfx_deep_unref(d);
}

static void
stats_match_oiiotool(void **state)
{
    (void) state;
    /* oiiotool 2.4.7 --stats on the same files */
    static const struct {
        const char *file;
        int64_t total, with, without;
        uint32_t max;
        int64_t n_at_max;
        int32_t mx, my;
        float min_z, max_z;
    } cases[] = {
        { "exr/deep/tinydeep.exr", 1, 1, 15, 1, 1, 2, 2, 10.0f, 10.0f },
        { "exr/deep/11.deep.exr", 6056, 5956, 59580, 2, 100, 63, 101, 171.0f, 2000.0f },
        { "exr/deep/Balls.exr", 162877, 117256, 192928, 2, 45621, 561, 170, 127.873657f,
          738.096985f },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfx_deep *d = read_deep(cases[i].file);
        vfx_deep_stats st;
        assert_int_equal(VFX_OK, vfx_deep_compute_stats(d, &st));
        assert_int_equal(cases[i].total, st.total_samples);
        assert_int_equal(cases[i].with, st.pixels_with_samples);
        assert_int_equal(cases[i].without, st.pixels - st.pixels_with_samples);
        assert_int_equal(cases[i].max, st.max_samples);
        assert_int_equal(cases[i].n_at_max, st.n_at_max);
        assert_int_equal(cases[i].mx, st.max_x);
        assert_int_equal(cases[i].my, st.max_y);
        assert_float_equal(cases[i].min_z, st.min_z, 1e-4f);
        assert_float_equal(cases[i].max_z, st.max_z, 1e-4f);
        vfx_deep_stats_clear(&st);
        vfx_deep_unref(d);
    }
    /* per-channel figures over samples: Balls R, and 11.deep's U32 id channel (normalised) */
    vfx_deep *d = read_deep("exr/deep/Balls.exr");
    vfx_deep_stats st;
    assert_int_equal(VFX_OK, vfx_deep_compute_stats(d, &st));
    assert_float_equal(0.000220, st.min[0], 1e-6);
    assert_float_equal(0.621582, st.max[0], 1e-6);
    assert_float_equal(0.106317, st.sum[0] / (double) st.finite_count[0], 1e-6);
    vfx_deep_stats_clear(&st);
    vfx_deep_unref(d);
    d = read_deep("exr/deep/11.deep.exr");
    int32_t id = vfx_channels_find(vfx_deep_spec(d)->channels, "id");
    assert_int_equal(VFX_OK, vfx_deep_compute_stats(d, &st));
    assert_float_equal(0.121878, st.min[id], 1e-6);
    assert_float_equal(0.870670, st.max[id], 1e-6);
    vfx_deep_stats_clear(&st);
    vfx_deep_unref(d);
}

static void
flatten_tinydeep(void **state)
{
    (void) state;
    vfx_deep *d = read_deep("exr/deep/tinydeep.exr");
    vfx_image *flat = NULL;
    assert_int_equal(VFX_OK, vfx_deep_flatten(d, &flat));
    assert_null(vfx_image_deep(flat)); /* flattened: no longer deep */
    float px[4 * 4 * 2];
    vfx_rect r = { 0, 0, 4, 4 };
    assert_int_equal(VFX_OK, vfx_image_render(flat, r, px, VFX_PIXEL_F32, 8, 32, 2, NULL));
    int32_t a = vfx_channels_find(vfx_image_spec(flat)->channels, "A");
    int32_t z = vfx_channels_find(vfx_image_spec(flat)->channels, "Z");
    for (int i = 0; i < 16; i++) {
        int hit = i == 2 * 4 + 2;
        assert_float_equal(hit ? 1.0f : 0.0f, px[2 * i + a], 0.0f);
        assert_float_equal(hit ? 10.0f : 1e30f, px[2 * i + z], 0.0f); /* empty: 1e30, as OIIO */
    }
    vfx_image_unref(flat);
    /* the image a deep file opens as is still deep, and renders flattened */
    vfx_image *im = NULL;
    assert_int_equal(VFX_OK, vfx_image_open(test_data("exr/deep/tinydeep.exr"), NULL, &im));
    assert_non_null(vfx_image_deep(im));
    float px2[4 * 4 * 2];
    assert_int_equal(VFX_OK, vfx_image_render(im, r, px2, VFX_PIXEL_F32, 8, 32, 2, NULL));
    assert_memory_equal(px, px2, sizeof px);
    vfx_image_unref(im);
    vfx_deep_unref(d);
}

static void
flatten_sorts_and_stops_when_opaque(void **state)
{
    (void) state;
    /* Balls: per-pixel flattening against oiiotool --flatten values at a few pixels with two
     * samples (written by oiiotool as half R,G,B,A and float Z) */
    vfx_deep *d = read_deep("exr/deep/Balls.exr");
    vfx_image *flat = NULL;
    assert_int_equal(VFX_OK, vfx_deep_flatten(d, &flat));
    vfx_channel_info ci;
    assert_int_equal(VFX_OK, vfx_channels_get(vfx_image_spec(flat)->channels, 0, &ci));
    assert_int_equal(VFX_PIXEL_HALF, ci.type); /* types kept (no U32 channel) */
    /* (864, 243): two samples; oiiotool: 0.0176544, 0.0152054, 0.0159607, 0.930664 (half),
     * Z 602.544 */
    float p[5];
    vfx_rect r = { 864, 243, 865, 244 };
    assert_int_equal(2, vfx_deep_samples(d, 864, 243));
    assert_int_equal(VFX_OK, vfx_image_render(flat, r, p, VFX_PIXEL_F32, 20, 20, 5, NULL));
    assert_float_equal(0.0176544f, p[0], 2e-5f);
    assert_float_equal(0.0152054f, p[1], 2e-5f);
    assert_float_equal(0.0159607f, p[2], 2e-5f);
    assert_float_equal(0.930664f, p[3], 5e-4f);
    assert_float_equal(602.544f, p[4], 1e-3f);
    vfx_image_unref(flat);
    vfx_deep_unref(d);
}

static void
write_round_trips_every_layout(void **state)
{
    (void) state;
    static const char *const files[] = { "exr/deep/11.deep.exr", "exr/deep/tinydeep.exr" };
    static const char *const comps[] = { "none", "rle", "zips" };
    static const int32_t tiles[][2] = { { 0, 0 }, { 16, 16 }, { 64, 32 }, { 3, 5 } };
    for (size_t f = 0; f < 2; f++) {
        vfx_deep *src = read_deep(files[f]);
        for (size_t c = 0; c < 3; c++)
            for (size_t t = 0; t < 4; t++) {
                vfx_deep_write_options o = VFX_DEEP_WRITE_OPTIONS_INIT;
                o.compression = comps[c];
                o.tile_w = tiles[t][0];
                o.tile_h = tiles[t][1];
                const char *out = test_tmp("rt.exr");
                vfx_status s = vfx_deep_write(src, out, &o);
                if (s != VFX_OK)
                    fprintf(stderr, "%s %s %dx%d: %s\n", files[f], comps[c], tiles[t][0],
                            tiles[t][1], vfx_error_message());
                assert_int_equal(VFX_OK, s);
                vfx_deep *back = NULL;
                s = vfx_deep_read(out, NULL, &back);
                if (s != VFX_OK)
                    fprintf(stderr, "read back %s %s %dx%d: %s\n", files[f], comps[c],
                            tiles[t][0], tiles[t][1], vfx_error_message());
                assert_int_equal(VFX_OK, s);
                assert_same_deep(src, back);
                vfx_deep_unref(back);
            }
        vfx_deep_unref(src);
    }
}

static void
bad_input_fails_cleanly(void **state)
{
    (void) state;
    vfx_deep *d = NULL;
    /* not deep */
    assert_int_equal(VFX_ERR_UNSUPPORTED,
                     vfx_deep_read(test_data("exr/compression/comp_zips.exr"), NULL, &d));
    assert_null(d);
    assert_non_null(strstr(vfx_error_message(), "not deep"));
    assert_false(vfx_deep_file_is_deep(test_data("exr/compression/comp_zips.exr"), 0));
    assert_true(vfx_deep_file_is_deep(test_data("exr/deep/Balls.exr"), 0));
    /* the limit on stored values, checked before the samples are allocated */
    vfx_deep_read_options o = VFX_DEEP_READ_OPTIONS_INIT;
    o.max_values = 1000;
    assert_int_equal(VFX_ERR_LIMIT, vfx_deep_read(test_data("exr/deep/11.deep.exr"), &o, &d));
    assert_null(d);
    assert_non_null(strstr(vfx_error_message(), "11.deep.exr"));
    /* damaged deep files from OpenEXR's collection, and a truncated one */
    static const char *const damaged[] = {
        "exr/damaged/openexr-images-Damaged/"
        "clusterfuzz-testcase-minimized-openexr_deepscanlines_fuzzer-5706205037854720",
        "exr/damaged/openexr-images-Damaged/"
        "clusterfuzz-testcase-minimized-openexr_deepscanlines_fuzzer-6279893151907840",
        "exr/damaged/openexr-images-Damaged/"
        "clusterfuzz-testcase-minimized-openexr_deeptiles_fuzzer-5663281278353408",
    };
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
        assert_int_not_equal(VFX_OK, vfx_deep_read(test_data(damaged[i]), NULL, &d));
        assert_null(d);
    }
    size_t n = 0;
    uint8_t *bytes = test_read_file(test_data("exr/deep/11.deep.exr"), &n);
    assert_non_null(bytes);
    for (size_t cut = 400; cut < n; cut += n / 7) {
        vfx_status s = vfx_deep_read_memory(bytes, cut, "cut.exr", NULL, &d);
        assert_int_not_equal(VFX_OK, s);
        assert_null(d);
        assert_non_null(strstr(vfx_error_message(), "cut.exr"));
    }
    free(bytes);
    /* deep data takes none, rle or zips only */
    d = read_deep("exr/deep/tinydeep.exr");
    vfx_deep_write_options wo = VFX_DEEP_WRITE_OPTIONS_INIT;
    wo.compression = "piz";
    assert_int_equal(VFX_ERR_ARG, vfx_deep_write(d, test_tmp("piz.exr"), &wo));
    vfx_deep_unref(d);
}

/* One pixel, one volumetric sample: R, A, Z, ZBack (all float). */
static vfx_deep *
one_sample(float r, float a, float z, float zb)
{
    vfx_spec sp = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, 1, 1, "R,A,Z,ZBack", VFX_PIXEL_F32));
    vfx_deep *d = NULL;
    assert_int_equal(VFX_OK, vfx__deep_new(&sp, &d));
    vfx_spec_clear(&sp);
    d->counts[0] = 1;
    assert_int_equal(VFX_OK, vfx__deep_alloc_samples(d, 0));
    float v[4] = { r, a, z, zb };
    for (int c = 0; c < 4; c++)
        memcpy(&d->data[c][0], &v[c], 4);
    return d;
}

static void
merge_splits_and_combines_volumes(void **state)
{
    (void) state;
    /* [10, 20] A 0.5 R 0.5 and [15, 25] A 0.4 R 0.1: split into [10, 15], [15, 20] (both
     * halves combined), [20, 25]. Numbers from OpenEXR's deep-pixel formulas, the same as
     * oiiotool --deepmerge gives for these samples (test_deep.sh compares the two). */
    vfx_deep *a = one_sample(0.5f, 0.5f, 10.0f, 20.0f), *b = one_sample(0.1f, 0.4f, 15.0f, 25.0f);
    vfx_deep *m = NULL;
    assert_int_equal(VFX_OK, vfx_deep_merge(a, b, 1, &m));
    assert_int_equal(3, vfx_deep_samples(m, 0, 0));
    static const float want[3][4] = {
        { 0.292893f, 0.292893f, 10.0f, 15.0f }, /* front half of a: 1 - 0.5^0.5 */
        { 0.308357f, 0.452277f, 15.0f, 20.0f }, /* a's back half with b's front half */
        { 0.056351f, 0.225403f, 20.0f, 25.0f }, /* back half of b: 1 - 0.6^0.5 */
    };
    for (uint32_t s = 0; s < 3; s++)
        for (int32_t c = 0; c < 4; c++)
            assert_float_equal(want[s][c], vfx_deep_value(m, 0, 0, c, s), 2e-6f);
    vfx_deep_unref(m);
    /* an opaque sample culls what is behind it; without culling both stay */
    vfx_deep *o = one_sample(0.2f, 1.0f, 5.0f, 5.0f);
    assert_int_equal(VFX_OK, vfx_deep_merge(a, o, 1, &m));
    assert_int_equal(1, vfx_deep_samples(m, 0, 0));
    assert_float_equal(5.0f, vfx_deep_value(m, 0, 0, 2, 0), 0.0f);
    vfx_deep_unref(m);
    assert_int_equal(VFX_OK, vfx_deep_merge(a, o, 0, &m));
    assert_int_equal(2, vfx_deep_samples(m, 0, 0));
    vfx_deep_unref(m);
    vfx_deep_unref(o);
    vfx_deep_unref(a);
    vfx_deep_unref(b);
    /* channels must match by name */
    vfx_deep *t = read_deep("exr/deep/tinydeep.exr");
    vfx_deep *bl = read_deep("exr/deep/Balls.exr");
    assert_int_equal(VFX_ERR_ARG, vfx_deep_merge(t, bl, 1, &m));
    assert_null(m);
    vfx_deep_unref(t);
    vfx_deep_unref(bl);
}

/* vfx_deep_deepen (oiiotool --deepen): flattening Balls.exr, deepening that and flattening
 * again gives the same pixels bit for bit (one sample per non-empty pixel holds its values;
 * empty pixels, Z = 1e30, get none); without a Z channel one of value z is appended, and
 * pixels where every channel is 0 get no sample. */
static void
deepen_inverts_flatten(void **state)
{
    (void) state;
    vfx_deep  *d = read_deep("exr/deep/Balls.exr");
    vfx_image *f1 = NULL, *f2 = NULL;
    vfx_deep  *e = NULL;
    assert_int_equal(VFX_OK, vfx_deep_flatten(d, &f1));
    assert_int_equal(VFX_OK, vfx_deep_deepen(f1, 1.0f, &e));
    assert_int_equal(VFX_OK, vfx_deep_flatten(e, &f2));
    const vfx_spec *sp = vfx_image_spec(f1);
    assert_true(vfx_channels_equal(sp->channels, vfx_deep_spec(e)->channels));
    vfx_rect r = sp->data;
    int32_t  nc = vfx_image_n_channels(f1);
    size_t   n = (size_t) vfx_rect_area(r) * (size_t) nc;
    float   *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(VFX_OK, vfx_image_render(f1, r, a, VFX_PIXEL_F32, nc * 4,
                                              (ptrdiff_t) vfx_rect_width(r) * nc * 4, nc, NULL));
    assert_int_equal(VFX_OK, vfx_image_render(f2, r, b, VFX_PIXEL_F32, nc * 4,
                                              (ptrdiff_t) vfx_rect_width(r) * nc * 4, nc, NULL));
    /* the flattening is computed in float; its half channels hold halves once stored, as
     * they are in the deep samples */
    for (int32_t ch = 0; ch < nc; ch++) {
        vfx_channel_info ci;
        assert_int_equal(VFX_OK, vfx_channels_get(sp->channels, ch, &ci));
        for (size_t i = (size_t) ch; ci.type == VFX_PIXEL_HALF && i < n; i += (size_t) nc)
            a[i] = vfx_half_to_float(vfx_float_to_half(a[i]));
    }
    assert_memory_equal(a, b, n * sizeof *a);
    /* 117256 pixels of Balls.exr have samples (oiiotool --stats) */
    assert_int_equal(117256, vfx_deep_total_samples(e));
    free(a);
    free(b);
    vfx_image_unref(f1);
    vfx_image_unref(f2);
    vfx_deep_unref(e);
    vfx_deep_unref(d);

    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 4, 2, "R,G,B,A", VFX_PIXEL_HALF));
    const float zero[4] = { 0, 0, 0, 0 }, c[4] = { 0.5f, 0.2f, 0.1f, 0.5f };
    vfx_image  *chk = NULL;
    assert_int_equal(VFX_OK, vfx_image_checker(&spec, 1, zero, c, &chk));
    assert_int_equal(VFX_OK, vfx_deep_deepen(chk, 7.0f, &e));
    const vfx_spec *es = vfx_deep_spec(e);
    int32_t         z = vfx_channels_find(es->channels, "Z");
    assert_int_equal(4, z);
    assert_int_equal(4, vfx_deep_total_samples(e));
    assert_int_equal(0, vfx_deep_samples(e, 0, 0));
    assert_int_equal(1, vfx_deep_samples(e, 1, 0));
    assert_float_equal(7.0f, vfx_deep_value(e, 1, 0, z, 0), 0.0f);
    assert_float_equal(vfx_half_to_float(vfx_float_to_half(0.2f)), vfx_deep_value(e, 1, 0, 1, 0),
                       0.0f);
    vfx_channel_info ci;
    assert_int_equal(VFX_OK, vfx_channels_get(es->channels, 1, &ci));
    assert_int_equal(VFX_PIXEL_HALF, ci.type);
    vfx_deep_unref(e);
    vfx_image_unref(chk);
    vfx_spec_clear(&spec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tinydeep_samples),
        cmocka_unit_test(stats_match_oiiotool),
        cmocka_unit_test(flatten_tinydeep),
        cmocka_unit_test(flatten_sorts_and_stops_when_opaque),
        cmocka_unit_test(write_round_trips_every_layout),
        cmocka_unit_test(bad_input_fails_cleanly),
        cmocka_unit_test(merge_splits_and_combines_volumes),
        cmocka_unit_test(deepen_inverts_flatten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
