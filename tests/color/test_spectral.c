/* Spectral spaces and VSF RGB against shared/ref/vsf_matrices.json (1e-9), the spectral
 * tables against the CSV sources, and VSF's integer gamma 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "mini_json.h"
#include "core/core_int.h"

#define TOL 1e-9

static js doc;
static double max_err;

static int
setup(void **state)
{
    (void) state;
    size_t size = 0;
    char *text = test_read_file(test_ref("vsf_matrices.json"), &size);
    if (!text)
        return -1;
    const char *end = js_parse(text, &doc);
    free(text);
    return end ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    printf("largest difference from vsf_matrices.json: %.3g\n", max_err);
    js_free(&doc);
    return 0;
}

static void
expect_json(const char *key, const double *got, int n)
{
    double want[9];
    const js *v = js_get(&doc, key);
    if (!v) {
        const js *w = js_get(&doc, "whites");
        v = js_get(w, key);
    }
    if (!v)
        fail_msg("%s missing from vsf_matrices.json", key);
    assert_int_equal(js_numbers(v, want, 9), n);
    for (int i = 0; i < n; i++) {
        double e = fabs(got[i] - want[i]);
        max_err = fmax(max_err, e);
        if (!(e <= TOL))
            fail_msg("%s[%d] = %.15g, expected %.15g", key, i, got[i], want[i]);
    }
}

static void
whites_match(void **state)
{
    (void) state;
    double w[3], x[3], m[9];
    assert_int_equal(vfx_spectral_white(VFX_OBSERVER_CIE2006_LMS_2DEG, VFX_SPD_E, w), VFX_OK);
    expect_json("LMS_E", w, 3);
    assert_int_equal(vfx_spectral_white(VFX_OBSERVER_CIE2006_LMS_2DEG, VFX_SPD_D65, w), VFX_OK);
    expect_json("LMS_D65", w, 3);
    vfx_lms2006_to_xyz2012_matrix(m);
    expect_json("LMS_to_XYZ2012", m, 9);
    for (int r = 0; r < 3; r++)
        x[r] = m[3 * r] * w[0] + m[3 * r + 1] * w[1] + m[3 * r + 2] * w[2];
    expect_json("XYZ2012_D65", x, 3);
    /* 1931 observer: D65's chromaticity is the textbook (0.31272, 0.32903) */
    assert_int_equal(vfx_spectral_white(VFX_OBSERVER_CIE1931_XYZ_2DEG, VFX_SPD_D65, w), VFX_OK);
    assert_true(fabs(w[1] - 1.0) < 1e-15);
    assert_true(fabs(w[0] / (w[0] + w[1] + w[2]) - 0.312727) < 1e-6);
    assert_true(fabs(w[1] / (w[0] + w[1] + w[2]) - 0.329023) < 1e-6);
}

static void
vsf_matrices_match(void **state)
{
    (void) state;
    const vfx_spectral_space vsf = VFX_VSF_RGB_INIT;
    double m[9], inv[9];
    assert_int_equal(vfx_spectral_rgb_to_observer_matrix(&vsf, m), VFX_OK);
    expect_json("VSF_to_LMS", m, 9);
    assert_int_equal(vfx_mat3_invert(m, inv), VFX_OK);
    expect_json("LMS_to_VSF", inv, 9);
    assert_int_equal(vfx_spectral_rgb_to_xyz_matrix(&vsf, m), VFX_OK);
    expect_json("VSF_to_XYZ2012", m, 9);
    assert_int_equal(vfx_mat3_invert(m, inv), VFX_OK);
    expect_json("XYZ2012_to_VSF", inv, 9);

    vfx_chromaticities c;
    assert_int_equal(vfx_spectral_chromaticities(&vsf, &c), VFX_OK);
    const js *xy = js_get(js_get(&doc, "primaries"), "vsf_xy2012");
    double want[2];
    const char *nm[3] = { "703", "523", "462" };
    const double *got[3] = { c.red, c.green, c.blue };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(js_numbers(js_get(xy, nm[i]), want, 2), 2);
        assert_true(fabs(got[i][0] - want[0]) < TOL && fabs(got[i][1] - want[1]) < TOL);
    }
    assert_true(fabs(c.white[0] - 1.0 / 3.0) < 1e-7); /* E, up to the 170-2 matrix's rounding */
}

static void
rec2020_spectral_matches(void **state)
{
    (void) state;
    const vfx_spectral_space vsf = VFX_VSF_RGB_INIT;
    vfx_spectral_space r20 = VFX_REC2020_SPECTRAL_INIT;
    double m[9];
    assert_int_equal(vfx_spectral_rgb_to_observer_matrix(&r20, m), VFX_OK);
    expect_json("Rec2020spectral_whiteD65_to_LMS", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&r20, &vsf, VFX_SPECTRAL_ADAPT_NONE, m), VFX_OK);
    expect_json("Rec2020spectral_whiteD65_to_VSF_no_adaptation", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&vsf, &r20, VFX_SPECTRAL_ADAPT_NONE, m), VFX_OK);
    expect_json("VSF_to_Rec2020spectral_whiteD65_no_adaptation", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&r20, &vsf, VFX_SPECTRAL_ADAPT_VON_KRIES, m),
                     VFX_OK);
    expect_json("Rec2020spectral_whiteD65_to_VSF_vonKries_LMS_D65_to_E", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&vsf, &r20, VFX_SPECTRAL_ADAPT_VON_KRIES, m),
                     VFX_OK);
    expect_json("VSF_to_Rec2020spectral_whiteD65_vonKries_LMS_E_to_D65", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&r20, &vsf, VFX_SPECTRAL_ADAPT_BRADFORD, m),
                     VFX_OK);
    expect_json("Rec2020spectral_whiteD65_to_VSF_Bradford_XYZ2012_D65_to_E", m, 9);

    r20.white = VFX_SPD_E;
    assert_int_equal(vfx_spectral_rgb_to_observer_matrix(&r20, m), VFX_OK);
    expect_json("Rec2020spectral_whiteE_to_LMS", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&r20, &vsf, VFX_SPECTRAL_ADAPT_VON_KRIES, m),
                     VFX_OK); /* same white: adaptation is the identity */
    expect_json("Rec2020spectral_whiteE_to_VSF", m, 9);
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&vsf, &r20, VFX_SPECTRAL_ADAPT_NONE, m), VFX_OK);
    expect_json("VSF_to_Rec2020spectral_whiteE", m, 9);
}

/* The generated tables hold exactly the CSV numbers: spot-check rows against the files. */
static void
tables_equal_csv(void **state)
{
    (void) state;
    static const struct {
        const char *file;
        vfx_observer o;
    } t[] = { { "data/spectral/cie2006_lms_2deg_1nm.csv", VFX_OBSERVER_CIE2006_LMS_2DEG },
              { "data/spectral/cie1931_xyz_2deg_1nm.csv", VFX_OBSERVER_CIE1931_XYZ_2DEG },
              { "data/spectral/cie2012_xyz_2deg_1nm.csv", VFX_OBSERVER_CIE2012_XYZ_2DEG } };
    char path[4096];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", VFX_SOURCE_DIR, t[i].file);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char line[256];
        assert_non_null(fgets(line, sizeof line, f));
        int rows = 0;
        double nm, a, b, c, v[3];
        while (fscanf(f, "%lf,%lf,%lf,%lf", &nm, &a, &b, &c) == 4) {
            assert_int_equal(vfx_observer_sample(t[i].o, nm, v), VFX_OK);
            assert_true(v[0] == a && v[1] == b && v[2] == c);
            rows++;
        }
        fclose(f);
        double first, last;
        assert_int_equal(vfx_observer_range(t[i].o, &first, &last), VFX_OK);
        assert_int_equal(rows, (int) (last - first) + 1);
        assert_int_equal(vfx_observer_sample(t[i].o, first - 1.0, v), VFX_ERR_ARG);
    }
    double v[3], lo[3], hi[3], e;
    /* between rows: linear */
    assert_int_equal(vfx_observer_sample(VFX_OBSERVER_CIE2006_LMS_2DEG, 550.25, v), VFX_OK);
    assert_int_equal(vfx_observer_sample(VFX_OBSERVER_CIE2006_LMS_2DEG, 550.0, lo), VFX_OK);
    assert_int_equal(vfx_observer_sample(VFX_OBSERVER_CIE2006_LMS_2DEG, 551.0, hi), VFX_OK);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(v[k] - (0.75 * lo[k] + 0.25 * hi[k])) < 1e-15);
    assert_int_equal(vfx_spd_sample(VFX_SPD_D65, 560.0, &e), VFX_OK);
    assert_true(e == 100.0);
    assert_int_equal(vfx_spd_sample(VFX_SPD_D65, 290.0, &e), VFX_ERR_ARG);
}

static void
legacy_and_errors(void **state)
{
    (void) state;
    const vfx_spectral_space vsf = VFX_VSF_RGB_INIT;
    double m[9], back[9], id[9];
    /* white to white with von Kries (default) and Bradford; off-white with NONE */
    static const vfx_spectral_adapt ad[] = { VFX_SPECTRAL_ADAPT_VON_KRIES,
                                             VFX_SPECTRAL_ADAPT_BRADFORD };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(vfx_spectral_to_legacy_matrix(&vsf, VFX_PRIMARIES_REC709, ad[i], m), VFX_OK);
        for (int r = 0; r < 3; r++)
            assert_true(fabs(m[3 * r] + m[3 * r + 1] + m[3 * r + 2] - 1.0) < 1e-12);
        assert_int_equal(vfx_legacy_to_spectral_matrix(VFX_PRIMARIES_REC709, &vsf, ad[i], back),
                         VFX_OK);
        vfx_mat3_mul(back, m, id);
        for (int k = 0; k < 9; k++)
            assert_true(fabs(id[k] - (k % 4 == 0)) < 1e-12);
    }
    assert_int_equal(vfx_spectral_to_legacy_matrix(&vsf, VFX_PRIMARIES_REC709,
                                                   VFX_SPECTRAL_ADAPT_NONE, m), VFX_OK);
    assert_true(fabs(m[0] + m[1] + m[2] - 1.0) > 0.01);
    /* 1931 observer: VSF -> XYZ 1931 sends white to E's 1931 XYZ, Y = 1 */
    vfx_spectral_space v31 = VFX_VSF_RGB_INIT;
    v31.observer = VFX_OBSERVER_CIE1931_XYZ_2DEG;
    assert_int_equal(vfx_spectral_rgb_to_xyz_matrix(&v31, m), VFX_OK);
    assert_true(fabs(m[3] + m[4] + m[5] - 1.0) < 1e-12);
    assert_true(fabs(m[0] + m[1] + m[2] - (m[6] + m[7] + m[8])) < 1e-3); /* E: X ~ Z */
    assert_int_equal(vfx_spectral_rgb_to_rgb_matrix(&vsf, &v31, VFX_SPECTRAL_ADAPT_NONE, m),
                     VFX_ERR_ARG);
    vfx_spectral_space bad = VFX_VSF_RGB_INIT;
    bad.wavelength_nm[1] = 900.0;
    assert_int_equal(vfx_spectral_rgb_to_observer_matrix(&bad, m), VFX_ERR_ARG);
    bad.wavelength_nm[1] = 715.0; /* two primaries where S = 0 and L/M is nearly constant */
    bad.wavelength_nm[2] = 703.0;
    vfx_status s = vfx_spectral_rgb_to_observer_matrix(&bad, m);
    assert_true(s == VFX_ERR_ARG || s == VFX_OK); /* degenerate but maybe not exactly singular */
    bad = (vfx_spectral_space) VFX_VSF_RGB_INIT;
    bad.size = 8;
    assert_int_equal(vfx_spectral_rgb_to_observer_matrix(&bad, m), VFX_ERR_ARG);
}

static void
vsf_gamma2_codes(void **state)
{
    (void) state;
    /* decode then encode gives the code back, for every 8- and 16-bit code */
    for (int v = 0; v < 256; v++)
        assert_int_equal(vfx_vsf_encode_u8(vfx_vsf_decode_u8((uint8_t) v)), v);
    for (int v = 0; v < 65536; v++)
        assert_int_equal(vfx_vsf_encode_u16(vfx_vsf_decode_u16((uint16_t) v)), v);
    /* x256 truncation, not x255 rounding */
    assert_true(vfx_vsf_decode_u8(128) == 0.25);
    assert_true(vfx_vsf_decode_u8(255) == (255.0 / 256.0) * (255.0 / 256.0));
    assert_int_equal(vfx_vsf_encode_u8(1.0), 255);       /* 256 saturates */
    assert_int_equal(vfx_vsf_encode_u8(0.18), 108);      /* floor(0.42426 * 256 = 108.6) */
    assert_int_equal(vfx_vsf_encode_u8(0.249999), 127);  /* just below a code: truncated */
    assert_int_equal(vfx_vsf_encode_u8(-1.0), 0);
    assert_int_equal(vfx_vsf_encode_u8(NAN), 0);
    assert_int_equal(vfx_vsf_encode_u16(0.18), 27804);   /* floor(0.424264 * 65536) */
    assert_int_equal(vfx_vsf_encode_u16(4.0), 65535);
    /* the float form is the colour engine's gamma 2.0 */
    assert_true(fabs(vfx_transfer_encode(VFX_TRANSFER_GAMMA_2_0, 0.25) - 0.5) < 1e-15);
    assert_true(fabs(vfx_transfer_decode(VFX_TRANSFER_GAMMA_2_0, 0.5) - 0.25) < 1e-15);
}


/* Every allocation of the builder fails once in turn: NOMEM, nothing leaked, *out NULL. */
static void
oom_sweep(vfx_status (*fn)(vfx_color_processor **out), const char *what)
{
    int64_t live0 = vfx__alloc_live();
    for (int64_t nth = 1; nth < 1000; nth++) {
        vfx_color_processor *p = NULL;
        vfx__alloc_fail_nth(nth);
        vfx_status s = fn(&p);
        vfx__alloc_fail_nth(0);
        if (s == VFX_OK) {
            assert_true(nth > 1); /* at least one allocation was swept */
            vfx_color_processor_free(p);
            assert_int_equal(vfx__alloc_live(), live0);
            return;
        }
        if (s != VFX_ERR_NOMEM)
            fail_msg("%s: allocation %lld failing gave %s", what, (long long) nth, vfx_status_name(s));
        assert_null(p);
        if (vfx__alloc_live() != live0)
            fail_msg("%s: leak after failing allocation %lld", what, (long long) nth);
    }
    fail_msg("%s: never succeeded", what);
}

static vfx_status
build_vsf(vfx_color_processor **out)
{
    return vfx_vsf_processor_from_name("VSF RGB gamma 2", VFX_PRIMARIES_ACES_AP0, VFX_DIR_INVERSE, out);
}

static void
vsf_processors(void **state)
{
    (void) state;
    vfx_color_processor *fwd = NULL, *inv = NULL;
    assert_int_equal(vfx_vsf_processor_from_name("VSF RGB gamma 2", VFX_PRIMARIES_REC709,
                                                 VFX_DIR_FORWARD, &fwd), VFX_OK);
    assert_int_equal(vfx_vsf_processor_from_name("vsf_rgb_gamma2", VFX_PRIMARIES_REC709,
                                                 VFX_DIR_INVERSE, &inv), VFX_OK);
    float w[3] = { 1.0f, 1.0f, 1.0f }, c[3] = { 0.3f, 0.05f, 0.6f };
    vfx_color_processor_apply_rgb(fwd, w); /* D65 white -> VSF (1,1,1) with von Kries */
    for (int k = 0; k < 3; k++)
        assert_true(fabs(w[k] - 1.0) < 1e-6);
    float c0[3] = { c[0], c[1], c[2] };
    vfx_color_processor_apply_rgb(fwd, c);
    vfx_color_processor_apply_rgb(inv, c);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(c[k] - c0[k]) < 1e-6);
    vfx_color_processor_free(fwd);
    vfx_color_processor_free(inv);
    /* linear form, crate behaviour (no adaptation): Rec.709 white is not VSF white */
    assert_int_equal(vfx_vsf_processor_new(VFX_PRIMARIES_REC709, VFX_SPECTRAL_ADAPT_NONE, 0,
                                           VFX_DIR_FORWARD, &fwd), VFX_OK);
    float g[3] = { 1.0f, 1.0f, 1.0f };
    vfx_color_processor_apply_rgb(fwd, g);
    assert_true(fabs(g[0] - g[2]) > 0.05);
    vfx_color_processor_free(fwd);
    assert_int_equal(vfx_vsf_processor_from_name("VSF", VFX_PRIMARIES_REC709, VFX_DIR_FORWARD,
                                                 &fwd), VFX_ERR_NOT_FOUND);
    assert_null(fwd);
    oom_sweep(build_vsf, "vsf processor");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whites_match),
        cmocka_unit_test(vsf_matrices_match),
        cmocka_unit_test(rec2020_spectral_matches),
        cmocka_unit_test(tables_equal_csv),
        cmocka_unit_test(legacy_and_errors),
        cmocka_unit_test(vsf_gamma2_codes),
        cmocka_unit_test(vsf_processors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
