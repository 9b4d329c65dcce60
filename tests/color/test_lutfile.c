/* LUT files from shared/testdata evaluated by vfx and by OpenColorIO 2.1's ociochecklut on the
 * same sample colours. ociochecklut evaluates one colour per run and offers no interpolation
 * flag: it asks OCIO for INTERP_BEST (its op listing says "interpolation=best"), which is
 * tetrahedral for 3D LUTs and linear for 1D LUTs, so vfx runs with VFX_INTERP_BEST here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.0f, 0.0f, 0.0f },       { 1.0f, 1.0f, 1.0f },        { 0.18f, 0.18f, 0.18f },
    { 0.5f, 0.5f, 0.5f },       { 1.0f, 0.0f, 0.0f },        { 0.0f, 1.0f, 0.0f },
    { 0.0f, 0.0f, 1.0f },       { 0.25f, 0.5f, 0.75f },      { 0.9f, 0.1f, 0.5f },
    { -0.1f, -0.05f, -0.2f },   { -1.0f, 0.5f, 2.0f },       { 1.5f, 1.2f, 1.1f },
    { 2.0f, 3.0f, 4.0f },       { 0.001f, 0.002f, 0.003f },  { 0.999f, 0.001f, 0.5f },
    { 0.33f, 0.66f, 0.99f },    { 0.7f, 0.7f, 0.2f },        { 0.0001f, 0.6f, 0.05f },
    { 0.0625f, 0.125f, 0.875f }, { 0.4f, -0.3f, 1.3f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static int
have_oracle(void)
{
    return test_have_tool("ociochecklut");
}

/* Run ociochecklut on one colour; 0 on success. */
static int
oracle(const char *path, const float in[3], float out[3])
{
    char cmd[2048], buf[512];
    snprintf(cmd, sizeof cmd, "ociochecklut '%s' %.9g %.9g %.9g 2>/dev/null", path, in[0], in[1], in[2]);
    if (test_run(cmd, buf, sizeof buf) != 0)
        return -1;
    /* the last line holds the three values */
    char *line = buf, *nl;
    while ((nl = strchr(line, '\n')) && nl[1])
        line = nl + 1;
    return sscanf(line, "%f %f %f", &out[0], &out[1], &out[2]) == 3 ? 0 : -1;
}

static int
close_enough(float a, float b)
{
    return fabsf(a - b) <= 1e-6f + 1e-5f * fabsf(b);
}

/* Compare vfx and OCIO on every sample; returns the number of mismatches. */
static int
compare_file(const char *path, const char *cccid, const char *oracle_path, vfx_interp interp)
{
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new_from_file(path, cccid, interp, &p);
    if (s != VFX_OK) {
        print_error("%s: %s: %s\n", path, vfx_status_name(s), vfx_error_message());
        return 1000;
    }
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        float want[3], got[3];
        memcpy(got, SAMPLES[i], sizeof got);
        vfx_color_processor_apply_rgb(p, got);
        if (oracle(oracle_path ? oracle_path : path, SAMPLES[i], want) != 0) {
            print_error("%s: ociochecklut failed\n", path);
            bad++;
            continue;
        }
        for (int c = 0; c < 3; c++) {
            if (!close_enough(got[c], want[c])) {
                print_error("%s: (%g %g %g) ch %d: vfx %.7g, OCIO %.7g\n", path, SAMPLES[i][0],
                            SAMPLES[i][1], SAMPLES[i][2], c, got[c], want[c]);
                bad++;
            }
        }
    }
    vfx_color_processor_free(p);
    return bad;
}

static const char *const ORACLE_FILES[] = {
    "luts/ocio-tests/crosstalk.3dl",
    "luts/ocio-tests/lustre_33x33x33.3dl",
    "luts/ocio-tests/resolve_1d3d.cube",
    "luts/ocio-tests/iridas_1d.cube",
    "luts/ocio-tests/comp2.spi3d",
    "luts/ocio-tests/spi_ocio_srgb_test.spi3d",
    "luts/ocio-tests/lut1d_2.spi1d",
    "luts/ocio-tests/lut1d_5.spi1d",
    "luts/ocio-tests/cpf.spi1d",
    "luts/ocio-tests/camera_to_aces.spimtx",
    "luts/ocio-tests/cdl_test1.cc",
    "luts/ocio-tests/cdl_test_ASC_SAT.cc",
    "luts/ocio-tests/cdl_test_SATNode.cc",
    "luts/colour-science/iridas_cube/ACES_Proxy_10_to_ACES.cube",
    "luts/colour-science/iridas_cube/Demo.cube",
    "luts/colour-science/iridas_cube/Three_Dimensional_Table.cube",
    "luts/colour-science/iridas_cube/eotf_sRGB_3D.cube",
    "luts/colour-science/resolve_cube/ACES_Proxy_10_to_ACES.cube",
    "luts/colour-science/resolve_cube/RGB_1_0.5_0.25.cube",
    "luts/colour-science/sony_spi1d/eotf_sRGB_3x1D.spi1d",
    "luts/colour-science/sony_spi3d/Colour_Correct.spi3d",
    "luts/colour-science/sony_spimtx/Matrix_Offset.spimtx",
    "luts/colour-science/sony_spimtx/p3_to_xyz16.spimtx",
    "luts/misc/T-SONY_Neutral_Tone.cube",
    "luts/colour-science/cinespace/ACES_Proxy_10_to_ACES.csp",
    "luts/colour-science/cinespace/Demo.csp",
    "luts/colour-science/cinespace/RGB_1_0.5_0.25.csp",
    "luts/colour-science/cinespace/Three_Dimensional_Table.csp",
    "luts/colour-science/cinespace/Uncommon_3x1D_With_Pre_Lut.csp",
    "luts/colour-science/cinespace/eotf_sRGB_3D.csp",
    "luts/ocio-tests/lut3d_arbitrary.csp",
    "luts/ocio-tests/lut3d_grn-only.csp",
};

static void
files_match_ociochecklut(void **state)
{
    (void) state;
    test_require(have_oracle(), "ociochecklut (opencolorio-tools) not installed");
    int bad = 0;
    for (size_t i = 0; i < sizeof ORACLE_FILES / sizeof ORACLE_FILES[0]; i++)
        bad += compare_file(test_data(ORACLE_FILES[i]), NULL, NULL, VFX_INTERP_BEST);
    assert_int_equal(bad, 0);
}

/* ociochecklut cannot pass a cccid: cut the chosen correction out into a .cc file and let
 * OCIO evaluate that. */
static void
ccc_and_cdl_with_cccid_match_ociochecklut(void **state)
{
    (void) state;
    test_require(have_oracle(), "ociochecklut (opencolorio-tools) not installed");
    static const struct {
        const char *file, *cccid, *id;
    } cases[] = {
        { "luts/ocio-tests/cdl_test1.ccc", "cc0002", "cc0002" },
        { "luts/ocio-tests/cdl_test1.ccc", "0", "cc0001" },
        { "luts/ocio-tests/cdl_test1.cdl", "cc0003", "cc0003" },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 0;
        char *doc = test_read_file(test_data(cases[i].file), &n);
        assert_non_null(doc);
        char key[64];
        snprintf(key, sizeof key, "<ColorCorrection id=\"%s\"", cases[i].id);
        char *a = strstr(doc, key);
        assert_non_null(a);
        char *e = strstr(a, "</ColorCorrection>");
        assert_non_null(e);
        e += strlen("</ColorCorrection>");
        const char *tmp = test_tmp("cccid_case.cc");
        FILE *f = fopen(tmp, "wb");
        assert_non_null(f);
        fwrite(a, 1, (size_t) (e - a), f);
        fclose(f);
        free(doc);
        bad += compare_file(test_data(cases[i].file), cases[i].cccid, tmp, VFX_INTERP_BEST);
    }
    assert_int_equal(bad, 0);
}

/* Files OCIO 2.1 rejects (its Resolve reader is stricter about comments and keyword order)
 * or that need no oracle: checked against values derived from their tables by hand. */
static void
resolve_files_ocio_rejects(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    /* Demo.cube: a 1D LUT 0 -> 0, 1.5 -> 1.5, 3 -> 3 over LUT_1D_INPUT_RANGE 0 3 */
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/colour-science/resolve_cube/Demo.cube"),
                                                       NULL, VFX_INTERP_DEFAULT, &p), VFX_OK);
    float v[3] = { 0.75f, 2.5f, 4.0f };
    vfx_color_processor_apply_rgb(p, v);
    assert_true(fabsf(v[0] - 0.75f) < 1e-6f && fabsf(v[1] - 2.5f) < 1e-6f && fabsf(v[2] - 3.0f) < 1e-6f);
    vfx_color_processor_free(p);
    /* shaper + 3D: both ops, and the domain matrices in front of each */
    assert_int_equal(vfx_color_processor_new_from_file(
                         test_data("luts/colour-science/resolve_cube/Three_Dimensional_Table_With_Shaper.cube"),
                         NULL, VFX_INTERP_DEFAULT, &p), VFX_OK);
    assert_int_equal(vfx_color_processor_op_count(p), 4);
    assert_int_equal(vfx_color_processor_op_code(p, 1), VFX_COLOR_OP_LUT1D);
    assert_int_equal(vfx_color_processor_op_code(p, 3), VFX_COLOR_OP_LUT3D);
    vfx_color_processor_free(p);
    /* a 3D table over LUT_1D_INPUT_RANGE -1 3 holding the sRGB EOTF: lattice points on the
     * diagonal give the curve (7 printed digits) */
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/colour-science/resolve_cube/eotf_sRGB_3D.cube"),
                                                       NULL, VFX_INTERP_DEFAULT, &p), VFX_OK);
    for (int i = 0; i < 8; i++) {
        double x = -1.0 + 4.0 * i / 7.0;
        float w[3] = { (float) x, (float) x, (float) x };
        vfx_color_processor_apply_rgb(p, w);
        /* colour-science extends the linear toe to negatives (vfx mirrors the curve) */
        double want = x < 0.0 ? x / 12.92 : vfx_transfer_decode(VFX_TRANSFER_SRGB, x);
        if (!(fabs(w[0] - want) <= 1e-6 + 1e-6 * fabs(want)))
            fail_msg("x %.9g: %.9g vs %.9g", x, w[0], want);
    }
    vfx_color_processor_free(p);
}

static void
expect_corrupt(const char *text, const char *fmt, const char *what)
{
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new_from_memory(text, strlen(text), fmt, "t", NULL,
                                                       VFX_INTERP_DEFAULT, &p);
    if (s != VFX_ERR_CORRUPT || !strstr(vfx_error_message(), what)) {
        print_error("%s: got %s '%s', wanted CORRUPT with '%s'\n", fmt, vfx_status_name(s),
                    vfx_error_message(), what);
        fail();
    }
    assert_null(p);
}

static void
bad_files_give_corrupt_with_line(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/colour-science/sony_spi1d/Exception_Raising.spi1d"),
                                                       NULL, VFX_INTERP_DEFAULT, &p), VFX_ERR_CORRUPT);
    assert_non_null(strstr(vfx_error_message(), "Exception_Raising.spi1d:2: 'From'"));
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/error_truncated_file.3dl"),
                                                       NULL, VFX_INTERP_DEFAULT, &p), VFX_ERR_CORRUPT);
    assert_non_null(strstr(vfx_error_message(), "not a cube"));
    assert_null(p);
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/cdl_test1.ccc"), NULL,
                                                       VFX_INTERP_DEFAULT, &p), VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/cdl_test1.ccc"), "nope",
                                                       VFX_INTERP_DEFAULT, &p), VFX_ERR_NOT_FOUND);
    assert_int_equal(vfx_color_processor_new_from_file("/nonexistent/x.cube", NULL, VFX_INTERP_DEFAULT, &p), VFX_ERR_IO);
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/rgb-cmy.jpg"), NULL,
                                                       VFX_INTERP_DEFAULT, &p), VFX_ERR_UNSUPPORTED);

    expect_corrupt("LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n", "cube", "t:4: expected 8 table entries, found 3");
    expect_corrupt("LUT_1D_SIZE 2\n0 0 0\n1 x 0\n", "cube", "t:3: expected 3 numbers");
    expect_corrupt("LUT_1D_SIZE 1\n", "cube", "t:1: bad LUT_1D_SIZE");
    expect_corrupt("LUT_3D_SIZE 1000000\n", "cube", "t:1: bad LUT_3D_SIZE");
    expect_corrupt("0 0 0\n", "cube", "t:1: table data before");
    expect_corrupt("LUT_1D_SIZE 2\nDOMAIN_MIN 1 1 1\nDOMAIN_MAX 1 1 1\n0 0 0\n1 1 1\n", "cube", "domain");
    expect_corrupt("Version 1\nFrom 0 1\nLength 3\nComponents 1\n{\n0\n1\n}\n", "spi1d", "expected 3 entries, found 2");
    expect_corrupt("Version 1\nFrom 0 1\nLength 2\nComponents 1\n{\n0\n1\n", "spi1d", "missing '}'");
    expect_corrupt("SPILUT 1.0\n3 3\n2 2 2\n0 0 0 0 0 0\n0 0 5 1 1 1\n", "spi3d", "t:5: lattice index out of range");
    expect_corrupt("SPILUT 1.0\n3 3\n2 2 2\n0 0 0 0 0 0\n", "spi3d", "expected 8 lattice entries");
    expect_corrupt("1 0 0 0\n0 1 0 0\n0 0 1\n", "spimtx", "expected 12 numbers");
    expect_corrupt("<ColorCorrection id=\"a\"><SOPNode><Slope>1 2</Slope></SOPNode></ColorCorrection>",
                   "cc", "t:1: <Slope> needs 3 numbers");
    expect_corrupt("<ColorCorrection id=\"a\">\n<SOPNode>", "cc", "t:1: <ColorCorrection> without");
    expect_corrupt("<Foo/>", "ccc", "no <ColorCorrection>");
    expect_corrupt("0 0 0\n0 0 1\n0 1 0\n", "3dl", "not a cube");
    expect_corrupt("CSPLUTV100\n3D\n3\n0 0.5 0.4\n0 1 2\n2\n0 1\n0 1\n2\n0 1\n0 1\n2 2 2\n", "csp",
                   "t:5: pre-LUT input points must increase");
    expect_corrupt("CSPLUTV100\n1D\n2\n0 1\n0 1\n2\n0 1\n0 1\n2\n0 1\n0 1\n3\n0 0 0\n1 1 1\n", "csp",
                   "unexpected end of file");
    expect_corrupt("CSPLUTV100\n2D\n", "csp", "t:2: expected 1D or 3D");
}

/* Bake a processor, read the file back (vfx and OCIO), compare. */
static void
bake_and_read_back(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL, *mix = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    const double gain[9] = { 0.9, 0, 0, 0, 1.1, 0, 0, 0, 0.8 }, off[3] = { 0.01, 0, -0.01 };
    assert_int_equal(vfx_color_processor_append_matrix(p, gain, off), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_copy(p, &mix), VFX_OK);
    const double m[9] = { 0.8, 0.1, 0.1, 0.05, 0.9, 0.05, 0, 0.2, 0.8 };
    assert_int_equal(vfx_color_processor_append_matrix(mix, m, NULL), VFX_OK);
    static const struct {
        const char *name;
        int size;
        int mixing;
    } cases[] = { { "bake.cube", 17, 1 }, { "bake.spi3d", 9, 1 }, { "bake.spi1d", 257, 0 } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const vfx_color_processor *src = cases[k].mixing ? mix : p;
        char path[1024];
        snprintf(path, sizeof path, "%s", test_tmp(cases[k].name));
        remove(path);
        assert_int_equal(vfx_color_processor_bake(src, path, cases[k].size), VFX_OK);
        vfx_color_processor *back = NULL;
        assert_int_equal(vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &back), VFX_OK);
        /* grid points come back exactly (up to the 9 printed digits) */
        for (int i = 0; i < cases[k].size; i += 4) {
            float x = (float) i / (float) (cases[k].size - 1);
            float a[3] = { x, 1.0f - x, x * 0.5f }, b[3];
            if (cases[k].size > 100)
                a[1] = a[2] = x; /* 1D: grid points on every channel */
            else
                a[1] = (float) ((cases[k].size - 1) - i) / (float) (cases[k].size - 1), a[2] = 0.0f;
            memcpy(b, a, sizeof b);
            vfx_color_processor_apply_rgb(src, a);
            vfx_color_processor_apply_rgb(back, b);
            for (int c = 0; c < 3; c++)
                assert_true(fabsf(a[c] - b[c]) <= 1e-6f);
        }
        /* and OCIO reads the file the same way */
        if (test_have_tool("ociochecklut"))
            assert_int_equal(compare_file(path, NULL, NULL, VFX_INTERP_BEST), 0);
        vfx_color_processor_free(back);
        remove(path);
    }
    const char *bad = test_tmp("bake_mix.spi1d");
    remove(bad);
    assert_int_equal(vfx_color_processor_bake(mix, bad, 64), VFX_ERR_UNSUPPORTED);
    FILE *f = fopen(bad, "rb");
    assert_null(f); /* nothing left behind */
    assert_int_equal(vfx_color_processor_bake(p, test_tmp("x.png"), 17), VFX_ERR_UNSUPPORTED);
    vfx_color_processor_free(p);
    vfx_color_processor_free(mix);
}

int
main(void)
{
    /* the shared test data lives next to the checkout (-DVFX_SHARED_DIR=...) */
    struct stat st;
    test_require(stat(test_data("luts"), &st) == 0, "shared/testdata not found (set VFX_SHARED_DIR)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolve_files_ocio_rejects),
        cmocka_unit_test(bad_files_give_corrupt_with_line),
        cmocka_unit_test(ccc_and_cdl_with_cccid_match_ociochecklut),
        cmocka_unit_test(files_match_ociochecklut),
        cmocka_unit_test(bake_and_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
