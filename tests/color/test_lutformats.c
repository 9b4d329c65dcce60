/* The less common LUT formats (.lut Houdini and Discreet, .itx, .look, .mga/.m3d, .cub, .vf):
 * real files from shared/testdata and small files written here, evaluated by vfx and by
 * OpenColorIO 2.1's ociochecklut on the same sample colours within 1e-5 relative / 1e-6
 * absolute. ociochecklut asks for INTERP_BEST, so vfx runs with VFX_INTERP_BEST too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.0f, 0.0f, 0.0f },        { 1.0f, 1.0f, 1.0f },       { 0.18f, 0.18f, 0.18f },
    { 0.5f, 0.5f, 0.5f },        { 1.0f, 0.0f, 0.0f },       { 0.0f, 1.0f, 0.0f },
    { 0.0f, 0.0f, 1.0f },        { 0.25f, 0.5f, 0.75f },     { 0.9f, 0.1f, 0.5f },
    { -0.1f, -0.05f, -0.2f },    { -1.0f, 0.5f, 2.0f },      { 1.5f, 1.2f, 1.1f },
    { 2.0f, 3.0f, 4.0f },        { 0.001f, 0.002f, 0.003f }, { 0.999f, 0.001f, 0.5f },
    { 0.33f, 0.66f, 0.99f },     { 0.7f, 0.7f, 0.2f },       { 0.0001f, 0.6f, 0.05f },
    { 0.0625f, 0.125f, 0.875f }, { 0.4f, -0.3f, 1.3f },      { 70000.0f, -70000.0f, 65504.0f },
    { 1e-6f, -3e-8f, 0.5004883f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static int
oracle(const char *path, const float in[3], float out[3])
{
    char cmd[2048], buf[512];
    snprintf(cmd, sizeof cmd, "ociochecklut '%s' %.9g %.9g %.9g 2>/dev/null", path, in[0], in[1], in[2]);
    if (test_run(cmd, buf, sizeof buf) != 0)
        return -1;
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

/* Compare vfx and OCIO on every sample; the number of mismatches. */
static int
compare_file(const char *path)
{
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p);
    if (s != VFX_OK) {
        print_error("%s: %s: %s\n", path, vfx_status_name(s), vfx_error_message());
        return 1000;
    }
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        float want[3], got[3];
        memcpy(got, SAMPLES[i], sizeof got);
        vfx_color_processor_apply_rgb(p, got);
        if (oracle(path, SAMPLES[i], want) != 0) {
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

static void
real_files_match_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    static const char *const files[] = {
        "luts/ocio-tests/houdini.lut",     /* Houdini type C, 1024 entries */
        "luts/ocio-tests/Test_12to16fp.lut", /* Discreet, 12-bit in, half bits out (from the name) */
        "luts/ocio-tests/Test_16fpto12.lut", /* Discreet, half-domain in, 12-bit out */
        "luts/ocio-tests/nuke_3d.vf",      /* Nuke vectorfield with a global_transform */
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        bad += compare_file(test_data(files[i]));
    assert_int_equal(bad, 0);
}

/* ---- small files written here --------------------------------------------------------------- */

/* A smooth, channel-mixing colour function with outputs below 0 and above 1. */
static void
shade(double r, double g, double b, double out[3])
{
    out[0] = 1.2 * r * r - 0.1 * g + 0.05 * b - 0.02;
    out[1] = 0.8 * sqrt(g) + 0.15 * r * b;
    out[2] = 0.3 * r + 0.2 * g + 0.9 * b * b * b + 0.01;
}

static FILE *
open_tmp(const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s", test_tmp(name));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    return f;
}

/* n^3 rows "r g b" of shade(), red fastest (or blue fastest), each scaled by @p scale
 * and printed with @p fmt (3 values). */
static void
write_cube_rows(FILE *f, int n, int blue_fastest, double scale, const char *fmt, int with_index)
{
    int idx = 0;
    for (int s = 0; s < n; s++)
        for (int m = 0; m < n; m++)
            for (int fst = 0; fst < n; fst++) {
                int ri = blue_fastest ? s : fst, bi = blue_fastest ? fst : s, gi = m;
                double o[3];
                shade(ri / (n - 1.0), gi / (n - 1.0), bi / (n - 1.0), o);
                if (with_index)
                    fprintf(f, "%d ", idx++);
                fprintf(f, fmt, o[0] * scale, o[1] * scale, o[2] * scale);
                fputc('\n', f);
            }
}

static void
written_files_match_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    char path[1024];
    int bad = 0;
    FILE *f;

    /* Iridas .itx */
    f = open_tmp("t.itx", path, sizeof path);
    fprintf(f, "# written by test_lutformats\nLUT_3D_SIZE 5\n");
    write_cube_rows(f, 5, 0, 1.0, "%.7f %.7f %.7f", 0);
    fclose(f);
    bad += compare_file(path);

    /* Iridas .look: hex little-endian f32 */
    f = open_tmp("t.look", path, sizeof path);
    fprintf(f, "<?xml version=\"1.0\" ?>\n<look>\n  <shaders>\n    <base><visible>\"1\"</visible></base>\n"
               "  </shaders>\n  <LUT>\n    <size>\"4\"</size>\n    <data>\"");
    for (int bi = 0; bi < 4; bi++)
        for (int gi = 0; gi < 4; gi++)
            for (int ri = 0; ri < 4; ri++) {
                double o[3];
                shade(ri / 3.0, gi / 3.0, bi / 3.0, o);
                if (ri == 0)
                    fprintf(f, "\n      ");
                for (int c = 0; c < 3; c++) {
                    float v = (float) o[c];
                    unsigned char by[4];
                    memcpy(by, &v, 4); /* the test machine is little-endian (x86-64) */
                    fprintf(f, "%02X%02X%02X%02X", by[0], by[1], by[2], by[3]);
                }
            }
    fprintf(f, "\"\n    </data>\n  </LUT>\n</look>\n");
    fclose(f);
    bad += compare_file(path);

    /* Pandora .mga and .m3d: 12-bit codes, blue fastest */
    for (int k = 0; k < 2; k++) {
        f = open_tmp(k ? "t.m3d" : "t.mga", path, sizeof path);
        fprintf(f, "channel 3d\nin 125\nout 4096\nformat lut\nvalues red green blue\n");
        int idx = 0;
        for (int ri = 0; ri < 5; ri++)
            for (int gi = 0; gi < 5; gi++)
                for (int bi = 0; bi < 5; bi++) {
                    double o[3];
                    shade(ri / 4.0, gi / 4.0, bi / 4.0, o);
                    fprintf(f, "%d %d %d %d\n", idx++, (int) lround(o[0] * 4095), (int) lround(o[1] * 4095),
                            (int) lround(o[2] * 4095));
                }
        fclose(f);
        bad += compare_file(path);
    }

    /* Truelight .cub with an input LUT (in lattice units) and a cube */
    f = open_tmp("t.cub", path, sizeof path);
    fprintf(f, "# Truelight Cube v2.0\n# lutLength 11\n# iDims     3\n# oDims     3\n# width     5 5 5\n\n# InputLUT\n");
    for (int i = 0; i < 11; i++) {
        double x = i / 10.0;
        fprintf(f, "%.6f %.6f %.6f\n", 4.0 * pow(x, 0.8), 4.0 * x, 4.0 * pow(x, 1.3));
    }
    fprintf(f, "\n# Cube\n");
    write_cube_rows(f, 5, 0, 1.0, "%.6f %.6f %.6f", 0);
    fprintf(f, "# end\n");
    fclose(f);
    bad += compare_file(path);

    /* Nuke .vf with a scaling global_transform */
    f = open_tmp("t.vf", path, sizeof path);
    fprintf(f, "#Inventor V2.1 ascii\n\ngrid_size 4 4 4\nglobal_transform 0.2 0 0 0  0 0.25 0 0  0 0 0.3 0  0 0 0 1\n"
               "element_size 4 4 4\ndata\n");
    write_cube_rows(f, 4, 1, 1.0, "%.7f %.7f %.7f", 0);
    fclose(f);
    bad += compare_file(path);

    /* Houdini 3D and 3D+1D */
    f = open_tmp("t3d.lut", path, sizeof path);
    fprintf(f, "Version\t\t2\nFormat\t\tany\nType\t\t3D\nFrom\t\t0 1\nTo\t\t0 1\nBlack\t\t0\nWhite\t\t1\n"
               "Length\t\t5\nLUT:\n {\n");
    write_cube_rows(f, 5, 0, 1.0, "\t%.6f %.6f %.6f", 0);
    fprintf(f, " }\n");
    fclose(f);
    bad += compare_file(path);
    f = open_tmp("t3d1d.lut", path, sizeof path);
    fprintf(f, "Version\t\t3\nFormat\t\tany\nType\t\t3D+1D\nFrom\t\t-0.125 1.5\nTo\t\t0 1\nBlack\t\t0\n"
               "White\t\t1\nLength\t\t5 9\nLUT:\nPre {\n");
    for (int i = 0; i < 9; i++)
        fprintf(f, "\t%.6f\n", pow(i / 8.0, 0.6));
    fprintf(f, "}\n3D {\n");
    write_cube_rows(f, 5, 0, 1.0, "\t%.6f %.6f %.6f", 0);
    fprintf(f, " }\n");
    fclose(f);
    bad += compare_file(path);

    /* Discreet: old style (256 numbers), 3 tables with a 10-bit output depth, 1 table whose
     * depth comes from the name */
    f = open_tmp("old_style.lut", path, sizeof path);
    for (int i = 0; i < 256; i++)
        fprintf(f, "%d\n", (int) lround(255.0 * pow(i / 255.0, 1.0 / 2.2)));
    fclose(f);
    bad += compare_file(path);
    f = open_tmp("three.lut", path, sizeof path);
    fprintf(f, "# three tables\nLUT: 3 1024 1024\n");
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < 1024; i++)
            fprintf(f, "%d\n", (int) lround(1023.0 * pow(i / 1023.0, 0.5 + 0.4 * c)));
    fclose(f);
    bad += compare_file(path);
    f = open_tmp("shape_8to16.lut", path, sizeof path);
    fprintf(f, "LUT: 1 256\n");
    for (int i = 0; i < 256; i++)
        fprintf(f, "\t%d\n", (int) lround(65535.0 * sqrt(i / 255.0)));
    fclose(f);
    bad += compare_file(path);
    assert_int_equal(bad, 0);
}

/* ---- errors: file:line ----------------------------------------------------------------------- */

static void
expect_corrupt(const char *text, const char *fmt, const char *name, const char *what)
{
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new_from_memory(text, strlen(text), fmt, name, NULL,
                                                       VFX_INTERP_DEFAULT, &p);
    if (s != VFX_ERR_CORRUPT || !strstr(vfx_error_message(), what)) {
        print_error("%s: got %s '%s', wanted CORRUPT with '%s'\n", fmt, vfx_status_name(s),
                    vfx_error_message(), what);
        fail();
    }
    assert_null(p);
}

static void
bad_files_give_file_and_line(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/legacy_slog_to_log_v3_lustre.lut"),
                                                       NULL, VFX_INTERP_DEFAULT, &p), VFX_ERR_CORRUPT);
    assert_non_null(strstr(vfx_error_message(), "legacy_slog_to_log_v3_lustre.lut:1: expected 'LUT:"));
    assert_null(p);

    expect_corrupt("LUT_3D_SIZE 2\n0 0 0\n1 0 0\n", "itx", "a.itx", "a.itx:3: expected 8 table entries, found 2");
    expect_corrupt("LUT_3D_SIZE 200\n", "itx", "a.itx", "a.itx:1: bad LUT_3D_SIZE");
    expect_corrupt("0 0 0\n", "itx", "a.itx", "a.itx:1: table data before LUT_3D_SIZE");
    expect_corrupt("LUT_3D_SIZE 2\n0 0 x\n", "itx", "a.itx", "a.itx:2: expected 3 numbers");

    expect_corrupt("<look>\n<LUT>\n<size>\"2\"</size>\n<data>\"0000803F\"</data>\n</LUT>\n</look>\n", "look",
                   "b.look", "b.look:4: <data> holds 1 values, expected 24");
    expect_corrupt("<look>\n<LUT>\n<size>\"2\"</size>\n<data>\"0000803Z\"</data>\n</LUT>\n</look>\n", "look",
                   "b.look", "b.look:4: non-hex character");
    expect_corrupt("<look>\n<LUT>\n<size>\"300\"</size>\n</LUT>\n</look>\n", "look", "b.look",
                   "b.look:3: <size> must be");
    expect_corrupt("<look>\n<mask>\n<shape/>\n</mask>\n</look>\n", "look", "b.look", "b.look:3: a .look with a <mask>");
    expect_corrupt("<nolook/>", "look", "b.look", "b.look:1: no <look>");

    expect_corrupt("channel 3d\nin 8\nout 256\nformat lut\nvalues red green blue\n0 0 0 0\n1 0 0 x\n", "mga",
                   "c.mga", "c.mga:7: expected 4 integers");
    expect_corrupt("channel 3d\nin 9\n", "mga", "c.mga", "c.mga:2: 'in' must be the cube");
    expect_corrupt("channel 1d\n", "m3d", "c.m3d", "c.m3d:1: only 3D LUTs");
    expect_corrupt("in 8\nformat lut\nvalues red green blue\n0 0 0 0\n", "mga", "c.mga", "no 'out' line");
    expect_corrupt("in 8\nout 256\nvalues red green blue\n0 0 0 0\n", "mga", "c.mga", "c.mga:4: expected 8 table rows, found 1");

    expect_corrupt("# Truelight Cube v2.0\n# width 2 2 3\n", "cub", "d.cub", "d.cub:2: '# width' needs three equal");
    expect_corrupt("# Truelight Cube v2.0\n# width 2 2 2\n# Cube\n0 0 0\n# end\n", "cub", "d.cub",
                   "the cube has 1 rows, '# width' says 2^3");
    expect_corrupt("LUT_3D_SIZE 2\n", "cub", "d.cub", "d.cub:1: not a Truelight cube");
    expect_corrupt("# Truelight Cube v2.0\n# lutLength 2\n# InputLUT\n0 0\n", "cub", "d.cub", "d.cub:4: expected 3 numbers");

    expect_corrupt("#Inventor V2.1 ascii\ngrid_size 2 2 2\ndata\n0 0 0\n", "vf", "e.vf", "e.vf:4: expected 8 data rows, found 1");
    expect_corrupt("#Inventor V2.1 ascii\nglobal_transform 1 0 0\n", "vf", "e.vf", "e.vf:2: global_transform needs 16");
    expect_corrupt("grid_size 2 2 2\n", "vf", "e.vf", "e.vf:1: not a Nuke .vf file");

    expect_corrupt("Version 1\nFormat any\nType C\nFrom 0 1\nTo 0 1\nBlack 0\nWhite 1\nLength 3\nLUT:\nRGB {\n0\n1\n}\n",
                   "lut", "f.lut", "the 'rgb' block has 2 values, 'Length' says 3");
    expect_corrupt("Version 1\nFormat any\nType C\nFrom 0 1\nTo 0 1\nBlack 0\nLength 2\nLUT:\nRGB {\n0\n1\n}\n",
                   "lut", "f.lut", "f.lut:8: missing header line 'white'");
    expect_corrupt("Version 1\nFormat any\nType 2D\nFrom 0 1\nTo 0 1\nBlack 0\nWhite 1\nLength 2\nLUT:\n", "lut",
                   "f.lut", "f.lut:9: unsupported Type");
    expect_corrupt("Version 1\nFormat any\nType C\nFrom 0 1\nTo 0 1\nBlack 0\nWhite 1\nLength 2\nLUT:\nRGB {\n0\nzz\n}\n",
                   "lut", "f.lut", "f.lut:12: expected a number in a LUT block");
    expect_corrupt("Version 1\nFormat any\nType C\nFrom 0 1\nTo 0 1\nBlack 0\nWhite 1\nLength 2\nLUT:\nRGB {\n0\n1\n",
                   "lut", "f.lut", "missing '}'");
    expect_corrupt("LUT: 3 4 1024\n0\n1\n2\n3\n0\n1\n2\n3\n0\n1\n2\n", "lut", "g.lut", "g.lut:12: unexpected end of file: 11 of 12");
    expect_corrupt("LUT: 1 4 4096\n0\n1\n2\n3\n4\n", "lut", "g.lut", "g.lut:6: more entries than the header says");
    expect_corrupt("LUT: 2 4\n", "lut", "g.lut", "g.lut:1: bad LUT: header");
    expect_corrupt("LUT: 1 4 999\n", "lut", "g.lut", "g.lut:1: bad output depth");
    expect_corrupt("LUT: 1 4 1024\n0\n1\n-2\n3\n", "lut", "g.lut", "g.lut:4: expected an integer 0..65535");
    expect_corrupt("LUT: 1 5\n0\n1\n2\n3\n4\n", "lut", "g.lut", "cannot tell the output depth");
}

/* vfx and OCIO on @p path, inverted (ociochecklut --inv) or as written; the mismatches */
static int
compare_dir(const char *path, int inverse)
{
    vfx_color_processor *p = NULL, *q = NULL;
    if (vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p) != VFX_OK) {
        print_error("%s: %s\n", path, vfx_error_message());
        return 1000;
    }
    if (inverse) {
        if (vfx_color_processor_inverse(p, &q) != VFX_OK) {
            print_error("%s: inverse: %s\n", path, vfx_error_message());
            vfx_color_processor_free(p);
            return 1000;
        }
        vfx_color_processor_free(p);
        p = q;
    }
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        char cmd[2048], buf[512];
        float want[3], got[3];
        memcpy(got, SAMPLES[i], sizeof got);
        vfx_color_processor_apply_rgb(p, got);
        snprintf(cmd, sizeof cmd, "ociochecklut %s '%s' %.9g %.9g %.9g 2>/dev/null", inverse ? "--inv" : "",
                 path, SAMPLES[i][0], SAMPLES[i][1], SAMPLES[i][2]);
        char *line = buf, *nl;
        if (test_run(cmd, buf, sizeof buf) != 0) {
            print_error("%s: ociochecklut failed\n", path);
            bad++;
            continue;
        }
        while ((nl = strchr(line, '\n')) && nl[1])
            line = nl + 1;
        if (sscanf(line, "%f %f %f", &want[0], &want[1], &want[2]) != 3) {
            bad++;
            continue;
        }
        for (int c = 0; c < 3; c++)
            if (!close_enough(got[c], want[c]) && !(isnan(got[c]) && isnan(want[c]))) {
                print_error("%s%s: (%g %g %g) ch %d: vfx %.7g, OCIO %.7g\n", inverse ? "inverse " : "",
                            path, SAMPLES[i][0], SAMPLES[i][1], SAMPLES[i][2], c, got[c], want[c]);
                bad++;
            }
    }
    vfx_color_processor_free(p);
    return bad;
}

/* a half-domain CTF LUT1D (or InverseLUT1D) of 65536 entries, curve @p kind per channel:
 * 0 rising (signed power), 1 falling, 2 rising with a reversal and flat ends */
static const char *
write_half_ctf(const char *name, const char *elem, const int kind[3], const char *extra)
{
    const char *path = test_tmp(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList version=\"2\" id=\"h\">\n"
               "<%s inBitDepth=\"32f\" outBitDepth=\"32f\" halfDomain=\"true\"%s>\n"
               "<Array dim=\"65536 3\">\n", elem, extra);
    for (int i = 0; i < 65536; i++) {
        float x = vfx_half_to_float((uint16_t) i);
        for (int c = 0; c < 3; c++) {
            double y;
            if (isnan(x))
                y = 0.0;
            else if (isinf(x))
                y = x > 0 ? 9000.0 : -9000.0;
            else if (kind[c] == 1)
                y = 0.7 - 0.9 * copysign(pow(fabs(x), 0.8), x);
            else if (kind[c] == 2)
                y = x < -4.0 ? -3.0 : x > 8.0 ? 6.0 : (x > 0.4 && x < 0.5) ? 0.55 - 0.5 * (x - 0.4) : 1.1 * x + 0.05;
            else
                y = 0.02 + 1.2 * copysign(pow(fabs(x), 0.6), x);
            fprintf(f, "%s%.9g", c ? " " : "", y);
        }
        fputc('\n', f);
    }
    fprintf(f, "</Array>\n</%s>\n</ProcessList>\n", elem);
    fclose(f);
    return path;
}

/* Half-domain 1D LUTs inverted as OCIO does by default (its exact inverse sampled at every
 * half value), against ociochecklut on CTF files: InverseLUT1D and LUT1D inverted; rising,
 * falling and non-monotonic curves, mixed per channel; hueAdjust. */
static void
half_domain_lut_inverse_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    int bad = 0;
    /* The Discreet 16fp-to-12-bit LUT is not compared with OCIO inverted: OCIO samples the
     * inverse of a LUT with an integer output depth on a 4096-entry grid over [0, 1] (a
     * 12-bit input), vfx at every half value, and the 12-bit table is flat between codes, so
     * the two differ inside each flat step (up to ~4e-3 near 0). Instead: forward(inverse(y))
     * gives y back to within one 12-bit code. */
    {
        vfx_color_processor *p = NULL, *q = NULL;
        assert_int_equal(vfx_color_processor_new_from_file(test_data("luts/ocio-tests/Test_16fpto12.lut"), NULL,
                                                           VFX_INTERP_DEFAULT, &p), VFX_OK);
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        for (int i = 0; i <= 100; i++) {
            float y = (float) i / 100.0f, v[3] = { y, y, y };
            vfx_color_processor_apply_rgb(q, v);
            vfx_color_processor_apply_rgb(p, v);
            for (int c = 0; c < 3; c++)
                if (!(fabsf(v[c] - y) <= 1.0f / 4095.0f)) {
                    print_error("Test_16fpto12.lut: %g -> inverse -> forward = %.7g (ch %d)\n", y, v[c], c);
                    bad++;
                }
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
    static const int up[3] = { 0, 0, 0 }, mixed[3] = { 0, 1, 2 }, down_r[3] = { 1, 2, 0 };
    const char *f1 = write_half_ctf("h_up.ctf", "LUT1D", up, "");
    bad += compare_dir(f1, 1);
    const char *f2 = write_half_ctf("h_mixed.ctf", "InverseLUT1D", mixed, "");
    bad += compare_dir(f2, 0);
    bad += compare_dir(f2, 1); /* the inverse of an inverse: the forward LUT (monotonic part) */
    const char *f3 = write_half_ctf("h_down_r.ctf", "LUT1D", down_r, "");
    bad += compare_dir(f3, 1);
    const char *f4 = write_half_ctf("h_hue.ctf", "InverseLUT1D", up, " hueAdjust=\"dw3\"");
    bad += compare_dir(f4, 0);
    assert_int_equal(bad, 0);
}

/* a 17^3 3D LUT that is smooth, invertible and whose outputs cover [0, 1]^3 with some margin,
 * as a CTF <LUT3D> / <InverseLUT3D> and as a .cube */
static void
write_lut3d_files(const char *ctf_fwd, const char *ctf_inv, const char *cube)
{
    enum { N = 17 };
    FILE *f = fopen(ctf_fwd, "wb"), *g = fopen(ctf_inv, "wb"), *h = fopen(cube, "wb");
    assert_non_null(f);
    assert_non_null(g);
    assert_non_null(h);
    static const char *const head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList version=\"1.6\" id=\"l\">\n";
    fprintf(f, "%s<LUT3D inBitDepth=\"32f\" outBitDepth=\"32f\" interpolation=\"tetrahedral\">\n<Array dim=\"17 17 17 3\">\n", head);
    fprintf(g, "%s<InverseLUT3D inBitDepth=\"32f\" outBitDepth=\"32f\">\n<Array dim=\"17 17 17 3\">\n", head);
    fprintf(h, "LUT_3D_SIZE 17\n");
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < N; a++)
            for (int b = 0; b < N; b++)
                for (int c = 0; c < N; c++) {
                    /* CTF: blue fastest (a = red); cube: red fastest (c = red) */
                    const int r = pass ? c : a, gg = b, bb = pass ? a : c;
                    const double x[3] = { (double) r / (N - 1), (double) gg / (N - 1), (double) bb / (N - 1) };
                    double y[3];
                    for (int k = 0; k < 3; k++)
                        y[k] = 1.1 * (pow(x[k], 0.85) - 0.5) + 0.5 + 0.03 * (x[(k + 1) % 3] - 0.5);
                    if (pass == 0) {
                        fprintf(f, "%.9g %.9g %.9g\n", y[0], y[1], y[2]);
                        fprintf(g, "%.9g %.9g %.9g\n", y[0], y[1], y[2]);
                    } else {
                        fprintf(h, "%.9g %.9g %.9g\n", y[0], y[1], y[2]);
                    }
                }
    fprintf(f, "</Array>\n</LUT3D>\n</ProcessList>\n");
    fprintf(g, "</Array>\n</InverseLUT3D>\n</ProcessList>\n");
    fclose(f);
    fclose(g);
    fclose(h);
}

/* 3D LUT inverses (CTF InverseLUT3D, a LUT3D inverted, a .cube FileTransform inverted) against
 * ociochecklut, on a LUT whose output hull covers the unit cube. */
static void
lut3d_inverse_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    char fwd[1024], inv[1024], cube[1024];
    snprintf(fwd, sizeof fwd, "%s", test_tmp("l3_fwd.ctf"));
    snprintf(inv, sizeof inv, "%s", test_tmp("l3_inv.ctf"));
    snprintf(cube, sizeof cube, "%s", test_tmp("l3.cube"));
    write_lut3d_files(fwd, inv, cube);
    int bad = compare_dir(inv, 0);
    bad += compare_dir(fwd, 1);
    bad += compare_dir(cube, 1);
    assert_int_equal(bad, 0);
}

/* ---- writers: read back by ociochecklut ----------------------------------------------------- */

/* Compare ociochecklut on @p path with the processor @p want (the one that was written). */
static int
compare_with(const char *path, const vfx_color_processor *want, float abs_tol, float rel_tol,
             int in_range_only)
{
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        const float *in = SAMPLES[i];
        if (in_range_only && (in[0] < 0 || in[0] > 1 || in[1] < 0 || in[1] > 1 || in[2] < 0 || in[2] > 1))
            continue;
        float ocio[3], ours[3];
        memcpy(ours, in, sizeof ours);
        vfx_color_processor_apply_rgb(want, ours);
        if (oracle(path, in, ocio) != 0) {
            print_error("%s: ociochecklut failed\n", path);
            return 1000;
        }
        for (int c = 0; c < 3; c++) {
            if (!(fabsf(ours[c] - ocio[c]) <= abs_tol + rel_tol * fabsf(ocio[c]))) {
                print_error("%s: (%g %g %g) ch %d: written %.7g, OCIO reads %.7g\n", path, in[0], in[1],
                            in[2], c, ours[c], ocio[c]);
                bad++;
            }
        }
    }
    return bad;
}

/* Write @p p to @p name, read it back with vfx (within @p self_tol of @p p) and with OCIO
 * (within @p tol). */
static int
write_and_check(const vfx_color_processor *p, const char *name, int size, float tol, float self_tol,
                int in_range_only)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp(name));
    remove(path);
    vfx_status s = vfx_color_processor_bake(p, path, size);
    if (s != VFX_OK) {
        print_error("%s: %s: %s\n", name, vfx_status_name(s), vfx_error_message());
        return 1000;
    }
    vfx_color_processor *back = NULL;
    s = vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &back);
    if (s != VFX_OK) {
        print_error("%s: read back: %s: %s\n", name, vfx_status_name(s), vfx_error_message());
        return 1000;
    }
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        const float *in = SAMPLES[i];
        if (in_range_only && (in[0] < 0 || in[0] > 1 || in[1] < 0 || in[1] > 1 || in[2] < 0 || in[2] > 1))
            continue;
        float a[3], b[3];
        memcpy(a, in, sizeof a);
        memcpy(b, in, sizeof b);
        vfx_color_processor_apply_rgb(p, a);
        vfx_color_processor_apply_rgb(back, b);
        for (int c = 0; c < 3; c++)
            if (!(fabsf(a[c] - b[c]) <= self_tol + self_tol * fabsf(a[c]))) {
                print_error("%s: (%g %g %g) ch %d: written %.7g, vfx reads back %.7g\n", name, in[0],
                            in[1], in[2], c, a[c], b[c]);
                bad++;
            }
    }
    vfx_color_processor_free(back);
    const char *dot = strrchr(name, '.');
    if (test_have_tool("ociochecklut") && strcmp(dot, ".cdl") != 0) /* .cdl: see the caller */
        bad += compare_with(path, p, tol, tol, in_range_only);
    return bad;
}

static void
writers_read_back_equal(void **state)
{
    (void) state;
    int bad = 0;
    /* every op with a CLF node, written exactly */
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    const double m[9] = { 0.8, 0.15, 0.05, 0.1, 0.85, 0.05, 0.02, 0.08, 0.9 }, off[3] = { 0.01, -0.02, 0.0 };
    assert_int_equal(vfx_color_processor_append_matrix(p, m, off), VFX_OK);
    vfx_log_params lp = { 10.0, { 0.25, 0.25, 0.25 }, { 0.6, 0.6, 0.6 }, { 5.5, 5.5, 5.5 },
                          { 0.05, 0.05, 0.05 }, { 0.01, 0.01, 0.01 }, { NAN, NAN, NAN } };
    assert_int_equal(vfx_color_processor_append_log_params(p, &lp, VFX_DIR_FORWARD), VFX_OK);
    float t1[16];
    for (int i = 0; i < 16; i++)
        t1[i] = (float) pow(i / 15.0, 1.3) * 1.1f - 0.02f;
    assert_int_equal(vfx_color_processor_append_lut1d(p, t1, 16, 1, VFX_DIR_FORWARD), VFX_OK);
    float t3[5 * 5 * 5 * 3];
    for (int b = 0; b < 5; b++)
        for (int g = 0; g < 5; g++)
            for (int r = 0; r < 5; r++) {
                double o[3];
                shade(r / 4.0, g / 4.0, b / 4.0, o);
                for (int c = 0; c < 3; c++)
                    t3[3 * (r + 5 * (g + 5 * b)) + c] = (float) o[c];
            }
    assert_int_equal(vfx_color_processor_append_lut3d(p, t3, 5, VFX_INTERP_TETRAHEDRAL, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_range(p, 0.0, 1.0, 0.05, 0.95, VFX_DIR_FORWARD), VFX_OK);
    const double gm[3] = { 2.2, 2.0, 1.8 }, mo[3] = { 0.055, 0.055, 0.099 };
    assert_int_equal(vfx_color_processor_append_moncurve(p, gm, mo, VFX_NEGATIVE_MIRROR, VFX_DIR_INVERSE), VFX_OK);
    assert_int_equal(vfx_color_processor_append_exponent(p, gm, VFX_NEGATIVE_PASS_THRU, VFX_DIR_FORWARD), VFX_OK);
    vfx_cdl cdl = { { 1.1, 0.9, 1.0 }, { 0.01, 0.0, -0.02 }, { 1.2, 1.0, 0.8 }, 0.85 };
    assert_int_equal(vfx_color_processor_append_cdl(p, &cdl, VFX_CDL_NO_CLAMP, VFX_DIR_FORWARD), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_GAMMA_2_4, VFX_DIR_FORWARD), VFX_OK);
    vfx_log_params cam = { 2.0, { 0.2, 0.2, 0.2 }, { 0.4, 0.4, 0.4 }, { 3.0, 3.0, 3.0 },
                           { 0.1, 0.1, 0.1 }, { 0.02, 0.02, 0.02 }, { NAN, NAN, NAN } };
    assert_int_equal(vfx_color_processor_append_log_params(p, &cam, VFX_DIR_INVERSE), VFX_OK);
    bad += write_and_check(p, "exact.clf", 33, 1e-5f, 1e-6f, 0);
    bad += write_and_check(p, "exact.ctf", 33, 1e-5f, 1e-6f, 0);

    /* .ctf only: fixed functions and inverse 1D LUTs */
    vfx_color_processor *q = NULL;
    assert_int_equal(vfx_color_processor_new(&q), VFX_OK);
    assert_int_equal(vfx_color_processor_append_lut1d(q, t1, 16, 1, VFX_DIR_INVERSE), VFX_OK);
    assert_int_equal(vfx_color_processor_append_fixed(q, VFX_FIXED_RGB_TO_HSV, 0.0, VFX_DIR_FORWARD), VFX_OK);
    bad += write_and_check(q, "fixed.ctf", 33, 1e-5f, 1e-6f, 0);

    /* half-domain LUTs (Discreet 16-bit float input; CTF hueAdjust) are written as they are */
    static const char *const hd_files[] = { "luts/ocio-tests/Test_16fpto12.lut",
                                            "luts/ocio-tests/lut1d_hd_hue_adjust.ctf" };
    for (int k = 0; k < 2; k++) {
        vfx_color_processor *h = NULL;
        assert_int_equal(vfx_color_processor_new_from_file(test_data(hd_files[k]), NULL, VFX_INTERP_BEST, &h), VFX_OK);
        bad += write_and_check(h, k ? "hd_hue.ctf" : "hd.clf", 33, 1e-5f, 1e-6f, 0);
        vfx_color_processor_free(h);
    }

    /* no process node: baked (per channel: LUT1D; mixing: LUT3D), compared inside [0, 1] */
    vfx_color_processor *pq = NULL, *mix = NULL;
    assert_int_equal(vfx_color_processor_new(&pq), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(pq, VFX_TRANSFER_SLOG3, VFX_DIR_INVERSE), VFX_OK);
    bad += write_and_check(pq, "baked1d.clf", 33, 1e-5f, 2e-4f, 1);
    assert_int_equal(vfx_color_processor_copy(pq, &mix), VFX_OK);
    assert_int_equal(vfx_color_processor_append_matrix(mix, m, NULL), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(mix, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    /* vfx and OCIO read the same baked table: they agree to 1e-5; the table itself is within
     * 1e-2 of the processor on a 33^3 grid (sRGB's steep toe) */
    bad += write_and_check(mix, "baked3d.ctf", 33, 1e-2f, 1e-2f, 1);
    {
        char path[1024];
        snprintf(path, sizeof path, "%s", test_tmp("baked3d.ctf"));
        vfx_color_processor *back = NULL;
        assert_int_equal(vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &back), VFX_OK);
        if (test_have_tool("ociochecklut"))
            bad += compare_with(path, back, 1e-5f, 1e-5f, 0);
        vfx_color_processor_free(back);
    }

    /* .3dl: 12-bit codes in [0, 1] (a display-referred processor); vfx and OCIO read the same
     * codes */
    vfx_color_processor *disp = NULL;
    assert_int_equal(vfx_color_processor_new(&disp), VFX_OK);
    assert_int_equal(vfx_color_processor_append_matrix(disp, m, NULL), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(disp, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    bad += write_and_check(disp, "disp.3dl", 33, 2e-2f, 2e-2f, 1);
    {
        char path[1024];
        snprintf(path, sizeof path, "%s", test_tmp("disp.3dl"));
        vfx_color_processor *back = NULL;
        assert_int_equal(vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &back), VFX_OK);
        if (test_have_tool("ociochecklut"))
            bad += compare_with(path, back, 1e-5f, 1e-5f, 0);
        vfx_color_processor_free(back);
    }

    /* .cc / .cdl: one CDL */
    vfx_color_processor *c = NULL;
    assert_int_equal(vfx_color_processor_new(&c), VFX_OK);
    assert_int_equal(vfx_color_processor_append_cdl(c, &cdl, VFX_CDL_NO_CLAMP, VFX_DIR_FORWARD), VFX_OK);
    bad += write_and_check(c, "grade.cc", 0, 1e-5f, 1e-6f, 0);
    bad += write_and_check(c, "grade.cdl", 0, 1e-5f, 1e-6f, 0);
    if (test_have_tool("ociochecklut")) {
        /* OCIO 2.1 wants a cccid for every .cdl and ociochecklut cannot pass one: OCIO reads
         * the correction cut out into a .cc */
        size_t n = 0;
        char *doc = test_read_file(test_tmp("grade.cdl"), &n);
        assert_non_null(doc);
        char *a = strstr(doc, "<ColorCorrection"), *e = strstr(doc, "</ColorCorrection>");
        assert_true(a && e);
        e += strlen("</ColorCorrection>");
        char cc[1024];
        snprintf(cc, sizeof cc, "%s", test_tmp("grade_from_cdl.cc"));
        FILE *g = fopen(cc, "wb");
        assert_non_null(g);
        fwrite(a, 1, (size_t) (e - a), g);
        fclose(g);
        free(doc);
        bad += compare_with(cc, c, 1e-5f, 1e-5f, 0);
    }
    const char *nope = test_tmp("nope.cc");
    remove(nope);
    assert_int_equal(vfx_color_processor_bake(mix, nope, 0), VFX_ERR_UNSUPPORTED);
    assert_non_null(strstr(vfx_error_message(), "single forward ASC CDL"));
    FILE *f = fopen(nope, "rb");
    assert_null(f);

    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    vfx_color_processor_free(pq);
    vfx_color_processor_free(mix);
    vfx_color_processor_free(disp);
    vfx_color_processor_free(c);
    assert_int_equal(bad, 0);
}

int
main(void)
{
    struct stat st;
    test_require(stat(test_data("luts"), &st) == 0, "shared/testdata not found (set VFX_SHARED_DIR)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_files_give_file_and_line),
        cmocka_unit_test(half_domain_lut_inverse_matches_ociochecklut),
        cmocka_unit_test(lut3d_inverse_matches_ociochecklut),
        cmocka_unit_test(real_files_match_ociochecklut),
        cmocka_unit_test(written_files_match_ociochecklut),
        cmocka_unit_test(writers_read_back_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
