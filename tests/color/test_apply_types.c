/* vfx_color_processor_apply() / _apply_planar() on u8, u16, u32, half, f32 and f64 buffers with
 * padded strides: every pixel must equal converting it to f32, applying the processor to the
 * triplet and converting back; alpha and padding bytes stay untouched. */
#include <math.h>
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interleaved_types_match_f32_path),
        cmocka_unit_test(planar_matches_interleaved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
