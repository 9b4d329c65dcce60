#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static int
near(double a, double b, double abs_tol, double rel_tol)
{
    return fabs(a - b) <= abs_tol + rel_tol * fabs(b);
}

static const float SAMPLES[][3] = {
    { 0.0f, 0.0f, 0.0f },     { 1.0f, 1.0f, 1.0f },    { 0.18f, 0.18f, 0.18f },
    { 0.5f, 0.25f, 0.125f },  { -0.1f, 0.3f, 0.9f },   { 1.5f, 0.7f, -0.02f },
    { 4.0f, 2.0f, 0.001f },   { 0.01f, 0.02f, 0.03f }, { 0.9f, 0.1f, 0.4f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static vfx_color_processor *
new_proc(void)
{
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    return p;
}

/* matrix + sRGB encode on RGBA with alpha untouched, against the f64 scalar path */
static void
matrix_then_srgb_matches_scalar(void **state)
{
    (void) state;
    vfx_color_processor *p = new_proc();
    vfx_chromaticities a, b;
    double m[9];
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_ACES_AP1, &a), VFX_OK);
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_REC709, &b), VFX_OK);
    assert_int_equal(vfx_rgb_to_rgb_matrix(&a, &b, VFX_CAT_BRADFORD, m), VFX_OK);
    assert_int_equal(vfx_color_processor_append_matrix(p, m, NULL), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    float px[N_SAMPLES * 4];
    for (int i = 0; i < N_SAMPLES; i++) {
        memcpy(px + 4 * i, SAMPLES[i], sizeof SAMPLES[i]);
        px[4 * i + 3] = 0.25f * (float) i;
    }
    assert_int_equal(vfx_color_processor_apply_f32(p, px, 4, 0, 0, N_SAMPLES, 1), VFX_OK);
    for (int i = 0; i < N_SAMPLES; i++) {
        for (int c = 0; c < 3; c++) {
            double lin = m[3 * c] * SAMPLES[i][0] + m[3 * c + 1] * SAMPLES[i][1] + m[3 * c + 2] * SAMPLES[i][2];
            double want = vfx_transfer_encode(VFX_TRANSFER_SRGB, lin);
            if (!near(px[4 * i + c], want, 2e-6, 2e-6)) {
                print_error("sample %d ch %d: %.9g vs %.9g\n", i, c, px[4 * i + c], want);
                fail();
            }
        }
        assert_true(px[4 * i + 3] == 0.25f * (float) i);
    }
    vfx_color_processor_free(p);
}

static vfx_color_processor *
invertible_chain(void)
{
    vfx_color_processor *p = new_proc();
    const double m[9] = { 0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.02, 0.08, 0.9 };
    const double off[3] = { 0.01, -0.02, 0.03 };
    const double gam[3] = { 1.2, 0.9, 2.0 };
    assert_int_equal(vfx_color_processor_append_matrix(p, m, off), VFX_OK);
    assert_int_equal(vfx_color_processor_append_exponent(p, gam, VFX_NEGATIVE_MIRROR, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_LOGC3, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SLOG3, VFX_DIR_INVERSE), VFX_OK);
    vfx_log_params lp = { .base = 10.0 };
    for (int c = 0; c < 3; c++) {
        lp.log_slope[c] = 0.25;
        lp.log_offset[c] = 0.4;
        lp.lin_slope[c] = 5.0;
        lp.lin_offset[c] = 0.05;
        lp.lin_break[c] = 0.01;
        lp.linear_slope[c] = NAN;
    }
    assert_int_equal(vfx_color_processor_append_log_params(p, &lp, VFX_DIR_FORWARD), VFX_OK);
    vfx_cdl cdl = { { 1.1, 0.9, 1.0 }, { 0.01, 0.0, -0.01 }, { 1.1, 1.0, 0.9 }, 0.8 };
    assert_int_equal(vfx_color_processor_append_cdl(p, &cdl, VFX_CDL_NO_CLAMP, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_hlg_ootf(p, 1.2, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_range(p, -10, 10, -5, 15, VFX_DIR_FORWARD), VFX_OK);
    return p;
}

static void
inverse_round_trips(void **state)
{
    (void) state;
    vfx_color_processor *p = invertible_chain(), *q = NULL;
    assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
    assert_int_equal(vfx_color_processor_op_count(q), vfx_color_processor_op_count(p));
    for (int i = 0; i < N_SAMPLES; i++) {
        float v[3];
        memcpy(v, SAMPLES[i], sizeof v);
        vfx_color_processor_apply_rgb(p, v);
        vfx_color_processor_apply_rgb(q, v);
        for (int c = 0; c < 3; c++) {
            /* the CDL power and OOTF make negatives go through different branches; samples
             * with positive values after the matrix must come back */
            if (!near(v[c], SAMPLES[i][c], 2e-5, 2e-4)) {
                print_error("sample %d ch %d: %.9g -> %.9g\n", i, c, SAMPLES[i][c], v[c]);
                fail();
            }
        }
    }
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
}

static void
optimizer_folds_and_cancels(void **state)
{
    (void) state;
    vfx_color_processor *p = new_proc();
    const double a[9] = { 2, 0, 0, 0, 3, 0, 0, 0, 4 }, oa[3] = { 0.1, 0.2, 0.3 };
    const double b[9] = { 0.5, 0.1, 0, 0, 1.0 / 3.0, 0, 0.2, 0, 0.25 };
    const double id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    assert_int_equal(vfx_color_processor_append_matrix(p, a, oa), VFX_OK);
    assert_int_equal(vfx_color_processor_append_matrix(p, b, NULL), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_ACESCCT, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_ACESCCT, VFX_DIR_INVERSE), VFX_OK);
    assert_int_equal(vfx_color_processor_append_matrix(p, id, NULL), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    /* ACEScc is not bijective: its pair must stay */
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_ACESCC, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_ACESCC, VFX_DIR_INVERSE), VFX_OK);
    vfx_color_processor *c = NULL;
    assert_int_equal(vfx_color_processor_copy(p, &c), VFX_OK);
    assert_int_equal(vfx_color_processor_optimize(c), VFX_OK);
    assert_int_equal(vfx_color_processor_op_count(c), 4);
    assert_int_equal(vfx_color_processor_op_code(c, 0), VFX_COLOR_OP_MATRIX);
    assert_int_equal(vfx_color_processor_op_code(c, 1), VFX_COLOR_OP_TRANSFER);
    assert_string_equal(vfx_color_op_name(vfx_color_processor_op_code(c, 0)), "matrix");
    char text[1024];
    size_t want = vfx_color_processor_describe(c, text, sizeof text);
    assert_true(want < sizeof text);
    assert_non_null(strstr(text, "transfer srgb encode\n"));
    assert_non_null(strstr(text, "transfer acescc encode\ntransfer acescc decode\n"));
    char tiny[8];
    assert_int_equal(vfx_color_processor_describe(c, tiny, sizeof tiny), want);
    assert_int_equal(strlen(tiny), 7);
    for (int i = 0; i < N_SAMPLES; i++) {
        float u[3], v[3];
        memcpy(u, SAMPLES[i], sizeof u);
        memcpy(v, SAMPLES[i], sizeof v);
        vfx_color_processor_apply_rgb(p, u);
        vfx_color_processor_apply_rgb(c, v);
        for (int k = 0; k < 3; k++)
            assert_true(near(u[k], v[k], 1e-6, 1e-5));
    }
    vfx_color_processor_free(p);
    vfx_color_processor_free(c);
}

static void
lut3d_identity_and_inverse(void **state)
{
    (void) state;
    enum { N = 5 };
    float t[N * N * N * 3];
    for (int b = 0; b < N; b++)
        for (int g = 0; g < N; g++)
            for (int r = 0; r < N; r++) {
                float *e = t + 3 * (r + N * (g + N * b));
                e[0] = (float) r / (N - 1);
                e[1] = (float) g / (N - 1);
                e[2] = (float) b / (N - 1) * 0.5f;
            }
    for (int interp = VFX_INTERP_LINEAR; interp <= VFX_INTERP_TETRAHEDRAL; interp++) {
        vfx_color_processor *p = new_proc(), *q = NULL;
        assert_int_equal(vfx_color_processor_append_lut3d(p, t, N, (vfx_interp) interp, VFX_DIR_FORWARD), VFX_OK);
        float v[3] = { 0.3f, 0.77f, 0.61f };
        vfx_color_processor_apply_rgb(p, v);
        assert_true(near(v[0], 0.3, 1e-6, 0) && near(v[1], 0.77, 1e-6, 0) && near(v[2], 0.305, 1e-6, 0));
        float w[3] = { -1.0f, 2.0f, 0.5f }; /* clamps to the cube */
        vfx_color_processor_apply_rgb(p, w);
        assert_true(near(w[0], 0.0, 1e-7, 0) && near(w[1], 1.0, 1e-7, 0) && near(w[2], 0.25, 1e-7, 0));
        /* the inverse (OCIO's: the exact inverse sampled on 48^3, applied trilinearly) */
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        float u[3] = { 0.3f, 0.77f, 0.305f };
        vfx_color_processor_apply_rgb(q, u);
        assert_true(near(u[0], 0.3, 1e-5, 0) && near(u[1], 0.77, 1e-5, 0) && near(u[2], 0.61, 1e-5, 0));
        vfx_color_processor_free(q);
        vfx_color_processor_free(p);
    }
}

static void
lut1d_inverse_is_exact(void **state)
{
    (void) state;
    enum { N = 33 };
    float t[N * 3];
    for (int i = 0; i < N; i++) {
        double x = (double) i / (N - 1);
        t[3 * i] = (float) (x * x);
        t[3 * i + 1] = (float) sqrt(x);
        t[3 * i + 2] = (float) (1.0 - x); /* falling */
    }
    vfx_color_processor *p = new_proc(), *q = NULL;
    assert_int_equal(vfx_color_processor_append_lut1d(p, t, N, 3, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
    for (int i = 0; i <= 100; i++) {
        float x = (float) i / 100.0f;
        float v[3] = { x, x, x };
        vfx_color_processor_apply_rgb(p, v);
        vfx_color_processor_apply_rgb(q, v);
        for (int c = 0; c < 3; c++)
            assert_true(near(v[c], x, 2e-6, 0));
    }
    /* out of range clamps to the domain */
    float v[3] = { 2.0f, -1.0f, 5.0f };
    vfx_color_processor_apply_rgb(q, v);
    assert_true(v[0] == 1.0f && v[1] == 0.0f && v[2] == 0.0f);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
}

static void
strides_and_errors(void **state)
{
    (void) state;
    vfx_color_processor *p = new_proc();
    const double gain[9] = { 2, 0, 0, 0, 2, 0, 0, 0, 2 };
    assert_int_equal(vfx_color_processor_append_matrix(p, gain, NULL), VFX_OK);
    /* 3x2 pixels of 5 channels inside rows of 7 pixels */
    float buf[2 * 7 * 5];
    for (int i = 0; i < 2 * 7 * 5; i++)
        buf[i] = 1.0f;
    assert_int_equal(vfx_color_processor_apply_f32(p, buf, 5, 5 * sizeof(float), 7 * 5 * sizeof(float), 3, 2), VFX_OK);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 7; x++)
            for (int c = 0; c < 5; c++)
                assert_true(buf[(y * 7 + x) * 5 + c] == (x < 3 && c < 3 ? 2.0f : 1.0f));
    assert_int_equal(vfx_color_processor_apply_f32(p, buf, 2, 0, 0, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_append_transfer(p, (vfx_transfer) 1000, VFX_DIR_FORWARD), VFX_ERR_ARG);
    const double sing[9] = { 1, 2, 3, 2, 4, 6, 0, 0, 1 };
    assert_int_equal(vfx_color_processor_append_matrix(p, sing, NULL), VFX_OK);
    vfx_color_processor *q = NULL;
    assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_ERR_UNSUPPORTED);
    assert_null(q);
    vfx_color_processor_free(p);
    vfx_color_processor_free(NULL);
}

static void
cdl_asc_clamps(void **state)
{
    (void) state;
    vfx_color_processor *p = new_proc();
    vfx_cdl cdl = { { 1.2, 1.0, 1.0 }, { 0.1, 0.0, 0.0 }, { 2.0, 1.0, 1.0 }, 1.0 };
    assert_int_equal(vfx_color_processor_append_cdl(p, &cdl, VFX_CDL_ASC, VFX_DIR_FORWARD), VFX_OK);
    float v[3] = { 1.0f, -0.5f, 0.5f };
    vfx_color_processor_apply_rgb(p, v);
    assert_true(v[0] == 1.0f && v[1] == 0.0f && near(v[2], 0.5, 1e-7, 0));
    vfx_color_processor_free(p);
}

/* saturation 1 leaves each channel alone (OCIO skips it): a small channel next to a huge HDR one
 * keeps its value in both directions (it used to become luma + (v - luma) = 0) */
static void
cdl_unit_saturation_keeps_small_channels(void **state)
{
    (void) state;
    vfx_cdl cdl = { { 1.5, 1.0, 0.5 }, { 0.0, 0.0, 0.0 }, { 1.0, 1.0, 1.0 }, 1.0 };
    for (int dir = 0; dir < 2; dir++) {
        vfx_color_processor *p = new_proc();
        assert_int_equal(vfx_color_processor_append_cdl(p, &cdl, VFX_CDL_NO_CLAMP,
                                                        dir ? VFX_DIR_INVERSE : VFX_DIR_FORWARD), VFX_OK);
        float v[3] = { 1.0e18f, 185363.8f, 13.0f };
        vfx_color_processor_apply_rgb(p, v);
        double k[3] = { dir ? 1 / 1.5 : 1.5, 1.0, dir ? 2.0 : 0.5 };
        assert_true(near(v[0], 1.0e18 * k[0], 0, 1e-6));
        assert_true(near(v[1], 185363.8 * k[1], 0, 1e-6));
        assert_true(near(v[2], 13.0 * k[2], 0, 1e-6));
        vfx_color_processor_free(p);
    }
}

static void
exposure_contrast_styles(void **state)
{
    (void) state;
    for (int st = VFX_EC_LINEAR; st <= VFX_EC_LOG; st++) {
        vfx_color_processor *p = new_proc(), *q = NULL;
        assert_int_equal(vfx_color_processor_append_exposure_contrast(p, (vfx_ec_style) st, 0.5, 1.3, 0.9, 0.18,
                                                                      VFX_DIR_FORWARD), VFX_OK);
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        float v[3] = { 0.18f, 0.5f, 1.7f }, w[3];
        memcpy(w, v, sizeof w);
        vfx_color_processor_apply_rgb(p, w);
        if (st == VFX_EC_LINEAR) /* pivot * (x * 2^e / pivot)^(c g) */
            assert_true(near(w[0], 0.18 * pow(0.18 * sqrt(2.0) / 0.18, 1.17), 1e-6, 1e-6));
        if (st == VFX_EC_LOG) /* (x + 0.5 * 0.088 - 0.435) * 1.17 + 0.435 */
            assert_true(near(w[1], (0.5 + 0.044 - 0.435) * 1.17 + 0.435, 1e-6, 1e-6));
        vfx_color_processor_apply_rgb(q, w);
        for (int c = 0; c < 3; c++)
            assert_true(near(w[c], v[c], 1e-6, 1e-5));
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
}

static void
fixed_functions_round_trip(void **state)
{
    (void) state;
    static const float in[][3] = { { 0.2f, 0.3f, 0.4f }, { 0.9f, 0.1f, 0.05f }, { 0.05f, 0.6f, 0.3f } };
    for (int f = 0; f < VFX_FIXED_COUNT; f++) {
        /* the ACES red modifiers' inverses are the CTL's approximations (the hue weight is taken
         * from the modified colour) */
        int approx = f == VFX_FIXED_ACES_RED_MOD_03 || f == VFX_FIXED_ACES_RED_MOD_10;
        vfx_color_processor *p = new_proc(), *q = NULL;
        assert_int_equal(vfx_color_processor_append_fixed(p, (vfx_fixed_function) f, 0.9, VFX_DIR_FORWARD), VFX_OK);
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        for (int i = 0; i < 3; i++) {
            float v[3];
            memcpy(v, in[i], sizeof v);
            vfx_color_processor_apply_rgb(p, v);
            vfx_color_processor_apply_rgb(q, v);
            for (int c = 0; c < 3; c++)
                if (!near(v[c], in[i][c], approx ? 2e-3 : 1e-5, approx ? 2e-3 : 1e-5))
                    fail_msg("fixed function %d sample %d channel %d: %.9g != %.9g", f, i, c, v[c], in[i][c]);
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
    /* XYZ of D65 -> xyY gives its chromaticity; L* of Y = 1 is 1 */
    vfx_color_processor *p = new_proc();
    assert_int_equal(vfx_color_processor_append_fixed(p, VFX_FIXED_XYZ_TO_XYY, 0, VFX_DIR_FORWARD), VFX_OK);
    float v[3] = { 0.3127f / 0.3290f, 1.0f, (1.0f - 0.3127f - 0.3290f) / 0.3290f };
    vfx_color_processor_apply_rgb(p, v);
    assert_true(near(v[0], 0.3127, 1e-6, 0) && near(v[1], 0.3290, 1e-6, 0) && v[2] == 1.0f);
    vfx_color_processor_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matrix_then_srgb_matches_scalar),
        cmocka_unit_test(inverse_round_trips),
        cmocka_unit_test(optimizer_folds_and_cancels),
        cmocka_unit_test(lut3d_identity_and_inverse),
        cmocka_unit_test(lut1d_inverse_is_exact),
        cmocka_unit_test(strides_and_errors),
        cmocka_unit_test(cdl_asc_clamps),
        cmocka_unit_test(cdl_unit_saturation_keeps_small_channels),
        cmocka_unit_test(exposure_contrast_styles),
        cmocka_unit_test(fixed_functions_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
