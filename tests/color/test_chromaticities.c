/* An image's chromaticities and its RGB <-> XYZ matrices (vfx_spec_chromaticities,
 * vfx_spec_rgb_xyz_matrices): the attribute or OpenEXR's Rec.709 / D65 default, and the
 * whiteLuminance scaling of OpenEXR's RGBtoXYZ (RGB (1, 1, 1) -> Y = whiteLuminance). Numbers:
 * IEC 61966-2-1 (sRGB -> XYZ, 4 decimals) and SMPTE ST 2065-1 (AP0 -> XYZ, 10 decimals). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static void
expect_near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s = %.10f, expected %.10f (tol %g)\n", what, got, want, tol);
        fail();
    }
}

static void
set_chroma(vfx_spec *sp, const float c[8])
{
    vfx_attr_value v;
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_CHROMATICITIES;
    memcpy(v.u.chroma, c, sizeof v.u.chroma);
    assert_int_equal(VFX_OK, vfx_attrs_set(sp->attrs, "chromaticities", &v));
}

static void
default_is_rec709_and_attribute_wins(void **state)
{
    (void) state;
    vfx_spec sp = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, 4, 4, "R,G,B", VFX_PIXEL_HALF));
    if (!sp.attrs)
        assert_int_equal(VFX_OK, vfx_attrs_new(&sp.attrs));
    vfx_chromaticities c;
    int present = -1;
    assert_int_equal(VFX_OK, vfx_spec_chromaticities(&sp, &c, &present));
    assert_int_equal(0, present);
    expect_near(c.red[0], 0.64, 1e-12, "default red x");
    expect_near(c.white[1], 0.329, 1e-12, "default white y");
    double m[9], inv[9];
    assert_int_equal(VFX_OK, vfx_spec_rgb_xyz_matrices(&sp, 1, m, inv));
    static const double iec[9] = { 0.4124, 0.3576, 0.1805, 0.2126, 0.7152, 0.0722,
                                   0.0193, 0.1192, 0.9505 };
    for (int i = 0; i < 9; i++)
        expect_near(m[i], iec[i], 1e-4, "sRGB -> XYZ");

    /* AP0 from the attribute: ST 2065-1's NPM */
    const float ap0[8] = { 0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f };
    set_chroma(&sp, ap0);
    assert_int_equal(VFX_OK, vfx_spec_chromaticities(&sp, &c, &present));
    assert_int_equal(1, present);
    assert_int_equal(VFX_OK, vfx_spec_rgb_xyz_matrices(&sp, 1, m, NULL));
    static const double npm[9] = { 0.9525523959, 0.0,          0.0000936786,
                                   0.3439664498, 0.7281660966, -0.0721325464,
                                   0.0,          0.0,          1.0088251844 };
    for (int i = 0; i < 9; i++) /* the attribute is float: 1e-6 */
        expect_near(m[i], npm[i], 2e-6, "AP0 -> XYZ");

    /* whiteLuminance: white maps to Y = 100 nits; the inverse undoes it */
    assert_int_equal(VFX_OK, vfx_attrs_set_float(sp.attrs, "openexr:whiteLuminance", 100.0f));
    assert_int_equal(VFX_OK, vfx_spec_rgb_xyz_matrices(&sp, 1, m, inv));
    expect_near(m[3] + m[4] + m[5], 100.0, 1e-9, "Y of white");
    double x[3] = { m[0] + m[1] + m[2], m[3] + m[4] + m[5], m[6] + m[7] + m[8] };
    for (int r = 0; r < 3; r++)
        expect_near(inv[3 * r] * x[0] + inv[3 * r + 1] * x[1] + inv[3 * r + 2] * x[2], 1.0,
                    1e-9, "XYZ -> RGB of white");
    /* ...unless asked not to */
    assert_int_equal(VFX_OK, vfx_spec_rgb_xyz_matrices(&sp, 0, m, NULL));
    expect_near(m[3] + m[4] + m[5], 1.0, 1e-9, "Y of white without whiteLuminance");

    /* bad metadata: clear errors */
    assert_int_equal(VFX_OK, vfx_attrs_set_float(sp.attrs, "openexr:whiteLuminance", 0.0f));
    assert_int_equal(VFX_ERR_ARG, vfx_spec_rgb_xyz_matrices(&sp, 1, m, NULL));
    assert_non_null(strstr(vfx_error_message(), "whiteLuminance"));
    const float flat[8] = { 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3127f, 0.329f };
    set_chroma(&sp, flat); /* degenerate primaries */
    assert_int_equal(VFX_ERR_ARG, vfx_spec_rgb_xyz_matrices(&sp, 0, m, inv));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(sp.attrs, "chromaticities", "rec709"));
    assert_int_equal(VFX_ERR_ARG, vfx_spec_chromaticities(&sp, &c, NULL));
    assert_int_equal(VFX_ERR_ARG, vfx_spec_chromaticities(NULL, &c, NULL));
    vfx_spec_clear(&sp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_is_rec709_and_attribute_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
