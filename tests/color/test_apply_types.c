/* vfx_color_processor_apply() / _apply_planar() on u8, u16, u32, half, f32 and f64 buffers with
 * padded strides: every pixel must equal converting it to f32, applying the processor to the
 * triplet and converting back; alpha and padding bytes stay untouched. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static vfx_color_processor *
make_processor(void)
{
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    const double m[9] = { 0.8, 0.15, 0.05, 0.1, 0.85, 0.05, 0.02, 0.08, 0.9 }, o[3] = { 0.01, 0, -0.01 };
    assert_int_equal(vfx_color_processor_append_matrix(p, m, o), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    float lut[3 * 27];
    for (int b = 0; b < 3; b++)
        for (int g = 0; g < 3; g++)
            for (int r = 0; r < 3; r++) {
                float *q = lut + 3 * (r + 3 * (g + 3 * b));
                q[0] = 0.5f * r * 0.9f + 0.05f * b;
                q[1] = 0.5f * g + 0.02f * r;
                q[2] = 0.25f * b * b;
            }
    assert_int_equal(vfx_color_processor_append_lut3d(p, lut, 3, VFX_INTERP_TETRAHEDRAL, VFX_DIR_FORWARD), VFX_OK);
    return p;
}

/* a pseudo-random normalised value, sometimes out of [0, 1] for float types */
static double
val(unsigned *seed, int is_float)
{
    *seed = *seed * 1103515245u + 12345u;
    double u = (double) ((*seed >> 8) & 0xffff) / 65535.0;
    return is_float ? u * 1.4 - 0.2 : u;
}

static void
fill(void *buf, size_t bytes, vfx_pixel_type t, unsigned seed)
{
    size_t vs = vfx_pixel_type_size(t), n = bytes / vs;
    for (size_t i = 0; i < n; i++) {
        double d = val(&seed, vfx_pixel_type_is_float(t));
        assert_int_equal(vfx_convert_values(&d, VFX_PIXEL_F64, 0, (char *) buf + i * vs, t, 0, 1), VFX_OK);
    }
}

static void
interleaved_types_match_f32_path(void **state)
{
    (void) state;
    vfx_color_processor *p = make_processor();
    static const vfx_pixel_type types[] = { VFX_PIXEL_U8, VFX_PIXEL_U16, VFX_PIXEL_U32,
                                            VFX_PIXEL_HALF, VFX_PIXEL_F32, VFX_PIXEL_F64 };
    const int w = 300, h = 5, nch = 4; /* 300 > one internal chunk */
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        vfx_pixel_type t = types[k];
        size_t vs = vfx_pixel_type_size(t);
        ptrdiff_t xs = (ptrdiff_t) ((nch + 1) * vs);  /* one padding value per pixel */
        ptrdiff_t ys = xs * w + 24;                   /* and padding bytes per row */
        size_t bytes = (size_t) ys * (size_t) h;
        unsigned char *a = malloc(bytes), *orig = malloc(bytes);
        assert_non_null(a);
        assert_non_null(orig);
        fill(a, bytes - bytes % vs, t, 7u + (unsigned) k);
        memcpy(orig, a, bytes);
        assert_int_equal(vfx_color_processor_apply(p, a, t, nch, xs, ys, w, h), VFX_OK);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                const unsigned char *src = orig + y * ys + x * xs, *got = a + y * ys + x * xs;
                float rgb[3];
                assert_int_equal(vfx_convert_values(src, t, (ptrdiff_t) vs, rgb, VFX_PIXEL_F32, 4, 3), VFX_OK);
                vfx_color_processor_apply_rgb(p, rgb);
                unsigned char want[3 * 8];
                assert_int_equal(vfx_convert_values(rgb, VFX_PIXEL_F32, 4, want, t, (ptrdiff_t) vs, 3), VFX_OK);
                if (memcmp(want, got, 3 * vs) != 0)
                    fail_msg("%s pixel %d,%d differs from the f32 path", vfx_pixel_type_name(t), x, y);
                /* alpha and the padding value untouched */
                assert_memory_equal(src + 3 * vs, got + 3 * vs, 2 * vs);
            }
            /* row padding untouched */
            assert_memory_equal(orig + y * ys + w * xs, a + y * ys + w * xs, (size_t) (ys - w * xs));
        }
        free(a);
        free(orig);
    }
    vfx_color_processor_free(p);
}

static void
planar_matches_interleaved(void **state)
{
    (void) state;
    vfx_color_processor *p = make_processor();
    const int w = 70, h = 3;
    uint16_t inter[70 * 3 * 3], planes[3][70 * 3];
    fill(inter, sizeof inter, VFX_PIXEL_U16, 99u);
    for (int i = 0; i < w * h; i++)
        for (int c = 0; c < 3; c++)
            planes[c][i] = inter[3 * i + c];
    assert_int_equal(vfx_color_processor_apply(p, inter, VFX_PIXEL_U16, 3, 0, 0, w, h), VFX_OK);
    void *pl[3] = { planes[0], planes[1], planes[2] };
    assert_int_equal(vfx_color_processor_apply_planar(p, pl, VFX_PIXEL_U16, 0, 0, w, h), VFX_OK);
    for (int i = 0; i < w * h; i++)
        for (int c = 0; c < 3; c++)
            assert_int_equal(planes[c][i], inter[3 * i + c]);
    /* bad arguments */
    assert_int_equal(vfx_color_processor_apply(p, inter, VFX_PIXEL_UNKNOWN, 3, 0, 0, w, h), VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_apply(p, inter, VFX_PIXEL_U8, 2, 0, 0, w, h), VFX_ERR_ARG);
    pl[1] = NULL;
    assert_int_equal(vfx_color_processor_apply_planar(p, pl, VFX_PIXEL_U16, 0, 0, w, h), VFX_ERR_ARG);
    vfx_color_processor_free(p);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* vfx_color_processor_bake_lut(): one op after, close to the chain inside the range */
static void
bake_lut_replaces_long_chains(void **state)
{
    (void) state;
    vfx_color_processor *mix = make_processor(), *pc = NULL;
    for (int i = 0; i < 4; i++) { /* make the chain long */
        assert_int_equal(vfx_color_processor_append_transfer(mix, VFX_TRANSFER_SRGB, VFX_DIR_INVERSE), VFX_OK);
        assert_int_equal(vfx_color_processor_append_exponent(mix, (const double[3]) { 1.1, 0.95, 1.0 },
                                                             VFX_NEGATIVE_CLAMP, VFX_DIR_FORWARD), VFX_OK);
        assert_int_equal(vfx_color_processor_append_transfer(mix, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    }
    assert_int_equal(vfx_color_processor_new(&pc), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(pc, VFX_TRANSFER_LOGC3, VFX_DIR_INVERSE), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(pc, VFX_TRANSFER_PQ, VFX_DIR_FORWARD), VFX_OK);
    const struct {
        vfx_color_processor *p;
        double lo, hi;
        float tol;
        int ops;
        vfx_color_op_code code;
    } cases[] = { { mix, 0.0, 1.0, 4e-3f, 1, VFX_COLOR_OP_LUT3D }, { pc, -0.1, 1.1, 2e-5f, 2, VFX_COLOR_OP_LUT1D } };
    for (int k = 0; k < 2; k++) {
        vfx_color_processor *b = NULL;
        assert_int_equal(vfx_color_processor_copy(cases[k].p, &b), VFX_OK);
        assert_int_equal(vfx_color_processor_bake_lut(b, 65, cases[k].lo, cases[k].hi), VFX_OK);
        assert_int_equal(vfx_color_processor_op_count(b), cases[k].ops);
        assert_int_equal(vfx_color_processor_op_code(b, cases[k].ops - 1), cases[k].code);
        float worst = 0.0f;
        for (int i = 0; i <= 20; i++)
            for (int j = 0; j <= 20; j += 4) {
                float x = (float) (cases[k].lo + (cases[k].hi - cases[k].lo) * i / 20.0);
                float y = (float) (cases[k].lo + (cases[k].hi - cases[k].lo) * j / 20.0);
                float a[3] = { x, y, 0.5f * (x + y) }, c[3];
                memcpy(c, a, sizeof c);
                vfx_color_processor_apply_rgb(cases[k].p, a);
                vfx_color_processor_apply_rgb(b, c);
                for (int ch = 0; ch < 3; ch++)
                    worst = fmaxf(worst, fabsf(a[ch] - c[ch]) / fmaxf(1.0f, fabsf(a[ch])));
            }
        if (worst > cases[k].tol)
            fail_msg("case %d: baked LUT differs by %g (allowed %g)", k, worst, cases[k].tol);
        /* throughput on 1 Mpix RGBA, for the record (not asserted: the machine is shared) */
        const int w = 1024, h = 1024;
        float *img = malloc((size_t) w * h * 4 * sizeof(float));
        assert_non_null(img);
        for (size_t i = 0; i < (size_t) w * h * 4; i++)
            img[i] = (float) (i % 1000) / 1000.0f;
        double t0 = now_s();
        assert_int_equal(vfx_color_processor_apply_f32(cases[k].p, img, 4, 0, 0, w, h), VFX_OK);
        double t1 = now_s();
        assert_int_equal(vfx_color_processor_apply_f32(b, img, 4, 0, 0, w, h), VFX_OK);
        double t2 = now_s();
        printf("  bake_lut case %d: chain of %d ops %.1f ms, baked %.1f ms per Mpix; worst diff %.2g\n", k,
               (int) vfx_color_processor_op_count(cases[k].p), 1e3 * (t1 - t0), 1e3 * (t2 - t1), (double) worst);
        free(img);
        vfx_color_processor_free(b);
    }
    assert_int_equal(vfx_color_processor_bake_lut(mix, 1, 0, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_bake_lut(mix, 33, 1, 1), VFX_ERR_ARG);
    vfx_color_processor_free(mix);
    vfx_color_processor_free(pc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interleaved_types_match_f32_path),
        cmocka_unit_test(planar_matches_interleaved),
        cmocka_unit_test(bake_lut_replaces_long_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
