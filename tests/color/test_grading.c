/* Grading ops (OCIO GradingPrimary, GradingRGBCurve, GradingTone) read from CTF files and evaluated by vfx and by
 * OpenColorIO 2.1's ociochecklut on the same sample colours, forward and inverse, within
 * 1e-5 relative / 1e-6 absolute. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.0f, 0.0f, 0.0f },      { 1.0f, 1.0f, 1.0f },        { 0.18f, 0.18f, 0.18f },
    { 0.5f, 0.5f, 0.5f },      { 1.0f, 0.0f, 0.0f },        { 0.0f, 1.0f, 0.0f },
    { 0.0f, 0.0f, 1.0f },      { 0.25f, 0.5f, 0.75f },      { 0.9f, 0.1f, 0.5f },
    { -0.1f, -0.05f, -0.2f },  { -1.0f, 0.5f, 2.0f },       { 1.5f, 1.2f, 1.1f },
    { 2.0f, 3.0f, 4.0f },      { 0.001f, 0.002f, 0.003f },  { 0.33f, 0.66f, 0.99f },
    { 0.4f, -0.3f, 1.3f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static int
oracle(const char *path, int inverse, const float in[3], float out[3])
{
    char cmd[2048], buf[512];
    snprintf(cmd, sizeof cmd, "ociochecklut %s '%s' %.9g %.9g %.9g 2>/dev/null", inverse ? "--inv" : "",
             path, in[0], in[1], in[2]);
    if (test_run(cmd, buf, sizeof buf) != 0)
        return -1;
    char *line = buf, *nl;
    while ((nl = strchr(line, '\n')) && nl[1])
        line = nl + 1;
    return sscanf(line, "%f %f %f", &out[0], &out[1], &out[2]) == 3 ? 0 : -1;
}

/* vfx vs OCIO on one file, one direction; the number of mismatches */
static int
compare(const char *path, int inverse)
{
    vfx_color_processor *p = NULL, *q = NULL;
    vfx_status s = vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p);
    if (s != VFX_OK) {
        print_error("%s: %s: %s\n", path, vfx_status_name(s), vfx_error_message());
        return 1000;
    }
    if (inverse) {
        s = vfx_color_processor_inverse(p, &q);
        vfx_color_processor_free(p);
        if (s != VFX_OK)
            return 1000;
        p = q;
    }
    int bad = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        float want[3], got[3];
        memcpy(got, SAMPLES[i], sizeof got);
        vfx_color_processor_apply_rgb(p, got);
        if (oracle(path, inverse, SAMPLES[i], want) != 0) {
            print_error("%s: ociochecklut failed\n", path);
            bad++;
            continue;
        }
        for (int c = 0; c < 3; c++) {
            if (!(fabsf(got[c] - want[c]) <= 1e-6f + 1e-5f * fabsf(want[c]))) {
                print_error("%s%s: (%g %g %g) ch %d: vfx %.7g, OCIO %.7g\n", inverse ? "inverse " : "",
                            path, SAMPLES[i][0], SAMPLES[i][1], SAMPLES[i][2], c, got[c], want[c]);
                bad++;
            }
        }
    }
    vfx_color_processor_free(p);
    return bad;
}

static const char *
write_ctf(const char *name, const char *body)
{
    const char *path = test_tmp(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList version=\"2\" id=\"t\">\n%s"
               "</ProcessList>\n", body);
    fclose(f);
    return path;
}

static const char FULL[] =
    "        <Brightness rgb=\"-10 5 20\" master=\"3\"/>\n"
    "        <Contrast rgb=\"1.2 0.9 1.1\" master=\"1.05\"/>\n"
    "        <Gamma rgb=\"0.9 1.1 1.05\" master=\"1.02\"/>\n"
    "        <Offset rgb=\"0.01 -0.02 0.03\" master=\"0.005\"/>\n"
    "        <Exposure rgb=\"0.5 -0.3 0.2\" master=\"0.1\"/>\n"
    "        <Lift rgb=\"0.02 -0.01 0.0\" master=\"0.01\"/>\n"
    "        <Gain rgb=\"1.1 0.95 1.2\" master=\"1.05\"/>\n"
    "        <Pivot contrast=\"0.1\" black=\"0.05\" white=\"0.95\"/>\n"
    "        <Saturation master=\"1.2\"/>\n";

static void
grading_primary_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    static const char *const styles[] = { "log", "linear", "video", "logRev", "linearRev", "videoRev" };
    int bad = 0;
    char body[4096], name[64];
    for (int k = 0; k < 6; k++) {
        for (int clamp = 0; clamp < 2; clamp++) {
            snprintf(body, sizeof body,
                     "    <GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"%s\">\n%s%s"
                     "    </GradingPrimary>\n",
                     styles[k], FULL, clamp ? "        <Clamp black=\"-0.5\" white=\"3\"/>\n" : "");
            snprintf(name, sizeof name, "gp_%s_%d.ctf", styles[k], clamp);
            const char *path = write_ctf(name, body);
            bad += compare(path, 0);
            bad += compare(path, 1);
        }
    }
    /* only some controls, the rest at their defaults. (OCIO 2.1.2 skips a GradingPrimary whose
     * only change is saturation, with no clamp: a bug later versions fixed; vfx applies the
     * saturation, so that case is left out here.) */
    const char *path = write_ctf("gp_partial.ctf",
                                 "    <GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"linear\">\n"
                                 "        <Contrast rgb=\"1 1 1\" master=\"1.3\"/>\n"
                                 "    </GradingPrimary>\n"
                                 "    <GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"log\">\n"
                                 "        <Brightness rgb=\"0 0 0\" master=\"4\"/>\n"
                                 "        <Saturation master=\"0.7\"/>\n"
                                 "    </GradingPrimary>\n");
    bad += compare(path, 0);
    bad += compare(path, 1);
    assert_int_equal(bad, 0);
}

/* inverse after forward is the identity inside the clamp range */
static void
grading_primary_round_trips(void **state)
{
    (void) state;
    for (int st = 0; st < 3; st++) {
        vfx_grading_primary g;
        vfx_grading_primary_default((vfx_grading_style) st, &g);
        g.brightness = (vfx_grading_rgbm) { -10, 5, 20, 3 };
        g.contrast = (vfx_grading_rgbm) { 1.2, 0.9, 1.1, 1.05 };
        g.gamma = (vfx_grading_rgbm) { 0.9, 1.1, 1.05, 1.02 };
        g.offset = (vfx_grading_rgbm) { 0.01, -0.02, 0.03, 0.005 };
        g.exposure = (vfx_grading_rgbm) { 0.5, -0.3, 0.2, 0.1 };
        g.lift = (vfx_grading_rgbm) { 0.02, -0.01, 0, 0.01 };
        g.gain = (vfx_grading_rgbm) { 1.1, 0.95, 1.2, 1.05 };
        g.saturation = 1.2;
        vfx_color_processor *p = NULL, *q = NULL;
        assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
        assert_int_equal(vfx_color_processor_append_grading_primary(p, (vfx_grading_style) st, &g,
                                                                    VFX_DIR_FORWARD), VFX_OK);
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        assert_int_equal(vfx_color_processor_append_processor(p, q), VFX_OK);
        for (int i = 0; i < N_SAMPLES; i++) {
            float v[3];
            memcpy(v, SAMPLES[i], sizeof v);
            vfx_color_processor_apply_rgb(p, v);
            for (int c = 0; c < 3; c++)
                if (!(fabsf(v[c] - SAMPLES[i][c]) <= 2e-5f + 2e-5f * fabsf(SAMPLES[i][c])))
                    fail_msg("style %d sample %d ch %d: %.7g back as %.7g", st, i, c, SAMPLES[i][c], v[c]);
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
}

static void
grading_primary_bad_values(void **state)
{
    (void) state;
    static const struct {
        const char *body, *what;
    } cases[] = {
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"log\">\n<Gamma rgb=\"1 1 1\" master=\"0.001\"/>\n</GradingPrimary>\n",
          "gamma below 0.01" },
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"linear\">\n<Contrast rgb=\"1 0 1\" master=\"1\"/>\n</GradingPrimary>\n",
          "contrast below 0.01" },
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"log\">\n<Clamp black=\"1\" white=\"0\"/>\n</GradingPrimary>\n",
          "black clamp above" },
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"lin\">\n</GradingPrimary>\n", "unknown grading style" },
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"video\">\n<Lift rgb=\"1 1\" master=\"0\"/>\n</GradingPrimary>\n",
          "<Lift> rgb must be 3 numbers" },
        { "<GradingPrimary inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"video\">\n<Gain rgb=\"1 1 1\"/>\n</GradingPrimary>\n",
          "needs both rgb and master" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc, "<ProcessList version=\"2\" id=\"t\">\n%s</ProcessList>\n", cases[i].body);
        vfx_color_processor *p = NULL;
        vfx_status s = vfx_color_processor_new_from_memory(doc, strlen(doc), "ctf", "g.ctf", NULL,
                                                           VFX_INTERP_DEFAULT, &p);
        if (s != VFX_ERR_CORRUPT || !strstr(vfx_error_message(), cases[i].what) ||
            !strstr(vfx_error_message(), "g.ctf:")) {
            print_error("case %zu: %s '%s'\n", i, vfx_status_name(s), vfx_error_message());
            fail();
        }
        assert_null(p);
    }
}

static void
grading_rgb_curve_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    static const char LOG_CURVES[] =
        "        <Red><ControlPoints>0 0.05  0.3 0.25  0.6 0.7  1 0.95</ControlPoints></Red>\n"
        "        <Green><ControlPoints>0 0  0.5 0.6  1 1</ControlPoints></Green>\n"
        "        <Blue><ControlPoints>-0.1 0  0.2 0.1  0.4 0.5  0.8 0.75  1.1 1.2</ControlPoints></Blue>\n"
        "        <Master><ControlPoints>0 0  0.4 0.35  1 1.1</ControlPoints></Master>\n";
    /* a curve whose fit needs its slopes scaled down (a steep rise after a flat run), given
     * slopes, and a two-point straight line */
    static const char MIXED_CURVES[] =
        "        <Red><ControlPoints>0 0  0.2 0.01  0.3 0.9  1 1</ControlPoints></Red>\n"
        "        <Green><ControlPoints>0 0.1  0.5 0.4  1 0.9</ControlPoints>"
        "<Slopes>0.5 1.5 0.2</Slopes></Green>\n"
        "        <Blue><ControlPoints>0 0.2  1 0.8</ControlPoints></Blue>\n";
    static const char LIN_CURVES[] =
        "        <Red><ControlPoints>-5 -5.5  -1 -1.5  2 2.5  6 6.2</ControlPoints></Red>\n"
        "        <Green><ControlPoints>-7 -7  0 0.3  7 7</ControlPoints></Green>\n"
        "        <Blue><ControlPoints>-6 -6.2  -2 -1.8  1 1.4  5 5</ControlPoints></Blue>\n";
    static const struct {
        const char *style, *extra, *curves;
    } cases[] = {
        { "log", "", LOG_CURVES },          { "video", "", LOG_CURVES },
        { "log", "", MIXED_CURVES },        { "logRev", "", LOG_CURVES },
        { "linear", "", LIN_CURVES },       { "linearRev", "", LIN_CURVES },
        { "linear", " bypassLinToLog=\"true\"", LOG_CURVES },
    };
    int bad = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char body[4096], name[64];
        snprintf(body, sizeof body,
                 "    <GradingRGBCurve inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"%s\"%s>\n%s"
                 "    </GradingRGBCurve>\n",
                 cases[k].style, cases[k].extra, cases[k].curves);
        snprintf(name, sizeof name, "rc_%zu.ctf", k);
        const char *path = write_ctf(name, body);
        bad += compare(path, 0);
        bad += compare(path, 1);
    }
    assert_int_equal(bad, 0);
}

static void
grading_rgb_curve_bad_values(void **state)
{
    (void) state;
    static const struct {
        const char *body, *what;
    } cases[] = {
        { "<Red><ControlPoints>0 0 0.5</ControlPoints></Red>", "2 to 64 x y pairs" },
        { "<Red><ControlPoints>0 0 0.5 0.5 0.4 1</ControlPoints></Red>", "smaller x" },
        { "<Red><ControlPoints>0 0 1 1</ControlPoints><Slopes>1</Slopes></Red>", "one number per control point" },
        { "<Red></Red>", "without <ControlPoints>" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "<ProcessList version=\"2\" id=\"t\">\n<GradingRGBCurve inBitDepth=\"32f\" "
                 "outBitDepth=\"32f\" style=\"log\">\n%s\n</GradingRGBCurve>\n</ProcessList>\n",
                 cases[i].body);
        vfx_color_processor *p = NULL;
        vfx_status s = vfx_color_processor_new_from_memory(doc, strlen(doc), "ctf", "c.ctf", NULL,
                                                           VFX_INTERP_DEFAULT, &p);
        if (s != VFX_ERR_CORRUPT || !strstr(vfx_error_message(), cases[i].what) ||
            !strstr(vfx_error_message(), "c.ctf:")) {
            print_error("case %zu: %s '%s'\n", i, vfx_status_name(s), vfx_error_message());
            fail();
        }
        assert_null(p);
    }
}

/* every zone changed, per channel and master, both sides of 1 (the slope-increasing and
 * -decreasing cases of each curve), in every style, forward and inverse */
static void
grading_tone_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    static const char LOG_UP[] =
        "        <Blacks rgb=\"1.2 0.9 1.05\" master=\"1.1\" start=\"0.4\" width=\"0.4\"/>\n"
        "        <Shadows rgb=\"0.8 1.3 1.1\" master=\"1.2\" start=\"0.5\" pivot=\"0.05\"/>\n"
        "        <Midtones rgb=\"1.3 0.7 1.1\" master=\"0.9\" center=\"0.45\" width=\"0.6\"/>\n"
        "        <Highlights rgb=\"1.2 0.85 1.4\" master=\"1.1\" start=\"0.3\" pivot=\"0.95\"/>\n"
        "        <Whites rgb=\"0.9 1.2 1.3\" master=\"1.15\" start=\"0.4\" width=\"0.5\"/>\n"
        "        <SContrast master=\"1.3\"/>\n";
    static const char LOG_DOWN[] =
        "        <Blacks rgb=\"0.7 1.4 1\" master=\"0.8\" start=\"0.35\" width=\"0.3\"/>\n"
        "        <Shadows rgb=\"1.5 0.6 1\" master=\"0.7\" start=\"0.55\" pivot=\"0\"/>\n"
        "        <Midtones rgb=\"1 1 1.6\" master=\"1.2\" center=\"0.7\" width=\"0.5\"/>\n"
        "        <Highlights rgb=\"0.6 1.5 1\" master=\"0.75\" start=\"0.35\" pivot=\"1\"/>\n"
        "        <Whites rgb=\"1.4 0.6 1\" master=\"0.8\" start=\"0.45\" width=\"0.45\"/>\n"
        "        <SContrast master=\"0.6\"/>\n";
    static const char LIN[] =
        "        <Blacks rgb=\"1.2 0.8 1\" master=\"1.1\" start=\"0\" width=\"4\"/>\n"
        "        <Shadows rgb=\"0.8 1.3 1\" master=\"1.2\" start=\"2\" pivot=\"-7\"/>\n"
        "        <Midtones rgb=\"1.3 0.7 1\" master=\"0.9\" center=\"0\" width=\"8\"/>\n"
        "        <Highlights rgb=\"1.2 0.8 1\" master=\"0.9\" start=\"-2\" pivot=\"9\"/>\n"
        "        <Whites rgb=\"0.9 1.2 1\" master=\"1.1\" start=\"0\" width=\"8\"/>\n"
        "        <SContrast master=\"1.2\"/>\n";
    static const char ONLY_MIDS[] = "        <Midtones rgb=\"1 1 1\" master=\"1.4\" center=\"0.3\" width=\"0.7\"/>\n";
    static const struct {
        const char *style, *zones;
    } cases[] = {
        { "log", LOG_UP },     { "log", LOG_DOWN },   { "video", LOG_UP }, { "videoRev", LOG_DOWN },
        { "logRev", LOG_UP },  { "linear", LIN },     { "linearRev", LIN }, { "video", ONLY_MIDS },
    };
    int bad = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char body[4096], name[64];
        snprintf(body, sizeof body,
                 "    <GradingTone inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"%s\">\n%s"
                 "    </GradingTone>\n",
                 cases[k].style, cases[k].zones);
        snprintf(name, sizeof name, "gt_%zu.ctf", k);
        const char *path = write_ctf(name, body);
        bad += compare(path, 0);
        bad += compare(path, 1);
    }
    assert_int_equal(bad, 0);
}

/* inverse after forward is the identity */
static void
grading_tone_round_trips(void **state)
{
    (void) state;
    for (int st = 0; st < 3; st++) {
        vfx_grading_tone g;
        vfx_grading_tone_default((vfx_grading_style) st, &g);
        g.blacks.r = 1.2, g.blacks.master = 0.9;
        g.shadows.g = 1.3, g.shadows.master = 0.8;
        g.midtones.b = 1.4, g.midtones.master = 0.85;
        g.highlights.r = 0.7, g.highlights.master = 1.2;
        g.whites.g = 0.8, g.whites.master = 1.3;
        g.s_contrast = 1.25;
        vfx_color_processor *p = NULL, *q = NULL;
        assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
        assert_int_equal(vfx_color_processor_append_grading_tone(p, (vfx_grading_style) st, &g,
                                                                 VFX_DIR_FORWARD), VFX_OK);
        assert_int_equal(vfx_color_processor_inverse(p, &q), VFX_OK);
        assert_int_equal(vfx_color_processor_append_processor(p, q), VFX_OK);
        for (int i = 0; i < N_SAMPLES; i++) {
            float v[3];
            memcpy(v, SAMPLES[i], sizeof v);
            vfx_color_processor_apply_rgb(p, v);
            for (int c = 0; c < 3; c++)
                if (!(fabsf(v[c] - SAMPLES[i][c]) <= 2e-5f + 5e-5f * fabsf(SAMPLES[i][c])))
                    fail_msg("style %d sample %d ch %d: %.7g back as %.7g", st, i, c, SAMPLES[i][c], v[c]);
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
}

static void
grading_tone_bad_values(void **state)
{
    (void) state;
    static const struct {
        const char *body, *what;
    } cases[] = {
        { "<Blacks rgb=\"1 1 1\" master=\"2.5\" start=\"0.4\" width=\"0.4\"/>", "must be in [0.1, 1.9]" },
        { "<Shadows rgb=\"0.1 1 1\" master=\"1\" start=\"0.5\" pivot=\"0\"/>", "must be in [0.2, 1.8]" },
        { "<Blacks rgb=\"1.2 1 1\" master=\"1\"/>", "needs rgb, master, start and width" },
        { "<Whites rgb=\"1 1 1\" master=\"1\" start=\"0.4\" width=\"0\"/>", "at least 0.01" },
        { "<Shadows rgb=\"1 1 1\" master=\"1\" start=\"0.1\" pivot=\"0.5\"/>", "above its pivot" },
        { "<Highlights rgb=\"1 1 1\" master=\"1\" start=\"0.9\" pivot=\"0.5\"/>", "below its pivot" },
        { "<SContrast master=\"2\"/>", "s-contrast" },
        { "<SContrast/>", "needs a master" },
        { "<Midtones rgb=\"1 1\" master=\"1\" center=\"0.4\" width=\"0.6\"/>", "rgb must be 3 numbers" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "<ProcessList version=\"2\" id=\"t\">\n<GradingTone inBitDepth=\"32f\" "
                 "outBitDepth=\"32f\" style=\"log\">\n%s\n</GradingTone>\n</ProcessList>\n",
                 cases[i].body);
        vfx_color_processor *p = NULL;
        vfx_status s = vfx_color_processor_new_from_memory(doc, strlen(doc), "ctf", "t.ctf", NULL,
                                                           VFX_INTERP_DEFAULT, &p);
        if (s != VFX_ERR_CORRUPT || !strstr(vfx_error_message(), cases[i].what) ||
            !strstr(vfx_error_message(), "t.ctf:")) {
            print_error("case %zu: %s '%s'\n", i, vfx_status_name(s), vfx_error_message());
            fail();
        }
        assert_null(p);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grading_primary_bad_values),
        cmocka_unit_test(grading_primary_round_trips),
        cmocka_unit_test(grading_primary_matches_ociochecklut),
        cmocka_unit_test(grading_rgb_curve_bad_values),
        cmocka_unit_test(grading_rgb_curve_matches_ociochecklut),
        cmocka_unit_test(grading_tone_bad_values),
        cmocka_unit_test(grading_tone_round_trips),
        cmocka_unit_test(grading_tone_matches_ociochecklut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
