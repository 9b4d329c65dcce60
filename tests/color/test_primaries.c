#include <math.h>
#include <stdio.h>

#include "test_util.h"

static void
expect_matrix(const double *got, const double *want, double tol, const char *what)
{
    for (int i = 0; i < 9; i++) {
        if (!(fabs(got[i] - want[i]) <= tol)) {
            print_error("%s[%d] = %.10f, expected %.10f (tol %g)\n", what, i, got[i], want[i], tol);
            fail();
        }
    }
}

/* IEC 61966-2-1:1999 equation (F.7): linear sRGB -> XYZ, published to 4 decimals. */
static void
srgb_to_xyz_matches_iec(void **state)
{
    (void) state;
    static const double iec[9] = { 0.4124, 0.3576, 0.1805, 0.2126, 0.7152, 0.0722,
                                   0.0193, 0.1192, 0.9505 };
    vfx_chromaticities c;
    double m[9];
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_REC709, &c), VFX_OK);
    assert_int_equal(vfx_rgb_to_xyz_matrix(&c, m), VFX_OK);
    expect_matrix(m, iec, 1e-4, "srgb_to_xyz");
}

/* ACES: AP0 -> XYZ (SMPTE ST 2065-1) and AP0 -> AP1 as published by the Academy
 * (aces-dev transforms/ctl/lib/ACESlib.Transform_Common.ctl, 10 decimals). */
static void
aces_matrices_match_published(void **state)
{
    (void) state;
    static const double ap0_xyz[9] = { 0.9525523959, 0.0, 0.0000936786, 0.3439664498, 0.7281660966,
                                       -0.0721325464, 0.0, 0.0, 1.0088251844 };
    static const double ap0_ap1[9] = { 1.4514393161, -0.2365107469, -0.2149285693,
                                       -0.0765537734, 1.1762296998, -0.0996759264,
                                       0.0083161484, -0.0060324498, 0.9977163014 };
    vfx_chromaticities ap0, ap1;
    double m[9];
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_ACES_AP0, &ap0), VFX_OK);
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_ACES_AP1, &ap1), VFX_OK);
    assert_int_equal(vfx_rgb_to_xyz_matrix(&ap0, m), VFX_OK);
    expect_matrix(m, ap0_xyz, 1e-9, "ap0_to_xyz");
    assert_int_equal(vfx_rgb_to_rgb_matrix(&ap0, &ap1, VFX_CAT_BRADFORD, m), VFX_OK);
    expect_matrix(m, ap0_ap1, 1e-6, "ap0_to_ap1");
}

/* ITU-R BT.2087-0 equation (4): linear BT.709 -> BT.2020 (4 decimals). */
static void
rec709_to_rec2020_matches_bt2087(void **state)
{
    (void) state;
    static const double bt2087[9] = { 0.6274, 0.3293, 0.0433, 0.0691, 0.9195, 0.0114,
                                      0.0164, 0.0880, 0.8956 };
    vfx_chromaticities a, b;
    double m[9];
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_REC709, &a), VFX_OK);
    assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_REC2020, &b), VFX_OK);
    assert_int_equal(vfx_rgb_to_rgb_matrix(&a, &b, VFX_CAT_NONE, m), VFX_OK);
    expect_matrix(m, bt2087, 1e-4, "709_to_2020");
}

/* Bradford D65 -> D50 as tabulated by B. Lindbloom (whites from xy differ in the 5th decimal). */
static void
bradford_d65_to_d50(void **state)
{
    (void) state;
    static const double lindbloom[9] = { 1.0478112, 0.0228866, -0.0501270, 0.0295424, 0.9904844,
                                         -0.0170491, -0.0092345, 0.0150436, 0.7521316 };
    double d65[2], d50[2], m[9];
    assert_int_equal(vfx_white_get(VFX_WHITE_D65, d65), VFX_OK);
    assert_int_equal(vfx_white_get(VFX_WHITE_D50, d50), VFX_OK);
    assert_int_equal(vfx_adaptation_matrix(VFX_CAT_BRADFORD, d65, d50, m), VFX_OK);
    expect_matrix(m, lindbloom, 3e-4, "bradford");
}

/* Every CAT maps the source white exactly to the destination white; every space's white is
 * RGB (1,1,1); RGB->RGB round trips. */
static void
adaptation_properties(void **state)
{
    (void) state;
    double d65[2], d60[2], ws[3], wd[3], m[9];
    assert_int_equal(vfx_white_get(VFX_WHITE_D65, d65), VFX_OK);
    assert_int_equal(vfx_white_get(VFX_WHITE_D60, d60), VFX_OK);
    assert_int_equal(vfx_xy_to_xyz(d65, ws), VFX_OK);
    assert_int_equal(vfx_xy_to_xyz(d60, wd), VFX_OK);
    for (int c = 1; c < VFX_CAT_COUNT; c++) {
        assert_int_equal(vfx_adaptation_matrix((vfx_cat) c, d65, d60, m), VFX_OK);
        for (int r = 0; r < 3; r++) {
            double v = m[3 * r] * ws[0] + m[3 * r + 1] * ws[1] + m[3 * r + 2] * ws[2];
            assert_true(fabs(v - wd[r]) < 1e-12);
        }
        assert_non_null(vfx_cat_name((vfx_cat) c));
    }
    for (int p = 0; p < VFX_PRIMARIES_COUNT; p++) {
        vfx_chromaticities c, x;
        assert_int_equal(vfx_primaries_get((vfx_primaries) p, &c), VFX_OK);
        assert_int_equal(vfx_primaries_get(VFX_PRIMARIES_ACES_AP0, &x), VFX_OK);
        double to[9], back[9], prod[9];
        assert_int_equal(vfx_rgb_to_rgb_matrix(&c, &x, VFX_CAT_CAT16, to), VFX_OK);
        assert_int_equal(vfx_rgb_to_rgb_matrix(&x, &c, VFX_CAT_CAT16, back), VFX_OK);
        vfx_mat3_mul(back, to, prod);
        for (int i = 0; i < 9; i++)
            assert_true(fabs(prod[i] - (i % 4 == 0 ? 1.0 : 0.0)) < 1e-10);
        /* white maps to white */
        for (int r = 0; r < 3; r++)
            assert_true(fabs(to[3 * r] + to[3 * r + 1] + to[3 * r + 2] - 1.0) < 1e-10);
        vfx_primaries q;
        assert_int_equal(vfx_primaries_from_name(vfx_primaries_name((vfx_primaries) p), &q), VFX_OK);
        assert_int_equal(q, p);
    }
    vfx_chromaticities bad = { { 0.3, 0.3 }, { 0.3, 0.3 }, { 0.3, 0.3 }, { 0.3, 0.3 } };
    assert_int_equal(vfx_rgb_to_xyz_matrix(&bad, m), VFX_ERR_ARG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(srgb_to_xyz_matches_iec),
        cmocka_unit_test(aces_matrices_match_published),
        cmocka_unit_test(rec709_to_rec2020_matches_bt2087),
        cmocka_unit_test(bradford_d65_to_d50),
        cmocka_unit_test(adaptation_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
