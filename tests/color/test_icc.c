/* ICC profiles through lcms2: vfx's processor against lcms2's own float transform (what
 * tificc computes) on a grid of in-range RGB samples. */
#include <lcms2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* samples: a 9^3 grid over [0, 1] plus near-black values */
#define GRID 9
#define N_EXTRA 6
#define N_SAMPLES (GRID * GRID * GRID + N_EXTRA)

static void
samples(float *rgb)
{
    int k = 0;
    for (int b = 0; b < GRID; b++)
        for (int g = 0; g < GRID; g++)
            for (int r = 0; r < GRID; r++) {
                rgb[3 * k] = (float) r / (GRID - 1);
                rgb[3 * k + 1] = (float) g / (GRID - 1);
                rgb[3 * k + 2] = (float) b / (GRID - 1);
                k++;
            }
    static const float extra[N_EXTRA][3] = { { 0.001f, 0.002f, 0.003f }, { 0.01f, 0.02f, 0.03f },
                                             { 0.18f, 0.18f, 0.18f }, { 0.5f, 0.2f, 0.1f },
                                             { 0.9f, 0.05f, 0.6f }, { 0.04f, 0.5f, 0.96f } };
    memcpy(rgb + 3 * k, extra, sizeof extra);
}

/* Max |vfx - lcms2| for @p in -> @p out (NULL = sRGB). */
static double
max_error(const char *in, const char *out, vfx_icc_intent intent)
{
    static float src[3 * N_SAMPLES], want[3 * N_SAMPLES], got[3 * N_SAMPLES];
    samples(src);
    cmsHPROFILE hi = cmsOpenProfileFromFile(in, "r");
    cmsHPROFILE ho = out ? cmsOpenProfileFromFile(out, "r") : cmsCreate_sRGBProfile();
    assert_non_null(hi);
    assert_non_null(ho);
    cmsHTRANSFORM xf = cmsCreateTransform(hi, TYPE_RGB_FLT, ho, TYPE_RGB_FLT, (cmsUInt32Number) intent, 0);
    assert_non_null(xf);
    cmsDoTransform(xf, src, want, N_SAMPLES);
    cmsDeleteTransform(xf);
    cmsCloseProfile(hi);
    cmsCloseProfile(ho);

    vfx_color_processor *p = NULL;
    if (vfx_color_processor_new_from_icc(in, out, intent, &p) != VFX_OK)
        fail_msg("%s: %s", in, vfx_error_message());
    memcpy(got, src, sizeof got);
    for (int i = 0; i < N_SAMPLES; i++)
        vfx_color_processor_apply_rgb(p, got + 3 * i);
    vfx_color_processor_free(p);
    /* an output profile with table curves gives [0, 1] in vfx (1D LUTs); lcms2 extrapolates
     * parametric curves: compare in-gamut samples only, unless the output is sRGB (the
     * moncurve op extends as lcms2 does; its linear toe, derived from gamma and offset, has
     * slope 12.923 where IEC 61966-2-1 rounds to 12.92, so out-of-gamut values are compared
     * relatively, at 5e-4) */
    double worst = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        int in_gamut = 1;
        for (int c = 0; c < 3; c++)
            if (want[3 * i + c] < 0.0f || want[3 * i + c] > 1.0f)
                in_gamut = 0;
        if (!in_gamut && out)
            continue;
        for (int c = 0; c < 3; c++) {
            double e = fabs((double) got[3 * i + c] - (double) want[3 * i + c]);
            if (!in_gamut)
                e = e / fmax(1.0, fabs((double) want[3 * i + c])) * (2e-4 / 5e-4);
            if (e > worst && getenv("VFX_ICC_VERBOSE"))
                print_message("  (%g %g %g): got %.7g want %.7g\n", src[3 * i], src[3 * i + 1], src[3 * i + 2],
                              got[3 * i + c], want[3 * i + c]);
            worst = fmax(worst, e);
        }
    }
    return worst;
}

static void
matrix_shaper_profiles_match_lcms2(void **state)
{
    (void) state;
    const char *files[] = { "luts/ocio-tests/icc-test-1.icc", "luts/ocio-tests/icc-test-2.pf",
                            "luts/ocio-tests/icc-test-3.icm", "luts/ocio-tests/icc-test-pc2.icc",
                            "luts/ocio-tests/icc-test-pc4.icc" };
    test_require(access(test_data(files[0]), R_OK) == 0, "shared/testdata not found");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", test_data(files[i]));
        /* relative: exact ops; perceptual and saturation: lcms2 adds black point
         * compensation because the sRGB profile is v4, so vfx bakes a 3D LUT */
        for (int intent = 0; intent < 3; intent++) {
            double e = max_error(path, NULL, (vfx_icc_intent) intent);
            print_message("%s -> sRGB, intent %d: max error %.3g\n", files[i], intent, e);
            assert_true(e < (intent == VFX_ICC_RELATIVE_COLORIMETRIC ? 2e-4 : 1e-3));
        }
    }
    /* profile to profile */
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", test_data(files[0]));
    snprintf(b, sizeof b, "%s", test_data(files[2]));
    double e = max_error(a, b, VFX_ICC_RELATIVE_COLORIMETRIC);
    print_message("icc-test-1 -> icc-test-3: max error %.3g\n", e);
    assert_true(e < 2e-4);
}

static void
lut_profile_is_baked(void **state)
{
    (void) state;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_data("luts/icc/test3.icc"));
    test_require(access(path, R_OK) == 0, "shared/testdata not found");
    for (int intent = 0; intent < 4; intent++) {
        double e = max_error(path, NULL, (vfx_icc_intent) intent);
        print_message("test3.icc -> sRGB, intent %d (baked 3D LUT): max error %.3g\n", intent, e);
        assert_true(e < 1e-3);
    }
    /* the absolute intent of a matrix/TRC pair is baked too */
    snprintf(path, sizeof path, "%s", test_data("luts/ocio-tests/icc-test-1.icc"));
    double e = max_error(path, NULL, VFX_ICC_ABSOLUTE_COLORIMETRIC);
    print_message("icc-test-1 -> sRGB, absolute (baked 3D LUT): max error %.3g\n", e);
    assert_true(e < 1e-3);
}

static void
bad_profiles(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new_from_icc("/nonexistent.icc", NULL, VFX_ICC_PERCEPTUAL, &p),
                     VFX_ERR_IO);
    assert_null(p);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_data("luts/ocio-tests/icc-test-1.icc"));
    assert_int_equal(vfx_color_processor_new_from_icc(path, NULL, (vfx_icc_intent) 7, &p), VFX_ERR_ARG);
    snprintf(path, sizeof path, "%s/src/ocio/data/default.ocio", VFX_SOURCE_DIR);
    assert_int_equal(vfx_color_processor_new_from_icc(path, NULL, VFX_ICC_PERCEPTUAL, &p), VFX_ERR_CORRUPT);
    assert_null(p);
    assert_non_null(strstr(vfx_error_message(), "not a valid ICC profile"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matrix_shaper_profiles_match_lcms2),
        cmocka_unit_test(lut_profile_is_baked),
        cmocka_unit_test(bad_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
