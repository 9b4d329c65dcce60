/* The ACES fixed functions and the ACES BuiltinTransform styles against OpenColorIO 2.1 from
 * Debian, driven live:
 *  - each FixedFunction style (red modifier, glow, dark-to-dim, gamut compression; forward and
 *    reverse) as a CTF written here, evaluated by `ociochecklut` and by vfx's CTF reader;
 *  - each ACES-based BuiltinTransform style of OCIO 2.1 as the to_scene_reference of a colour
 *    space in a config written here, converted both ways by `ocioconvert` (samples in a PFM
 *    image, results in an EXR) and by vfx's OCIO layer.
 * Samples include greys, saturated reds (the red modifier's window), dark saturated colours
 * (the glow's range), negatives and HDR values. Tolerance: 1e-5 relative (absolute below 1),
 * for every style in both directions (the worst seen is 4.3e-6, an inverse HDR output). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.18f, 0.18f, 0.18f }, { 0.0f, 0.0f, 0.0f },    { 1.0f, 1.0f, 1.0f },     { 0.5f, 0.2f, 0.1f },
    { 0.01f, 0.02f, 0.03f }, { -0.05f, 0.3f, 2.5f },  { 10.0f, 4.0f, 0.001f },  { 0.9f, 0.05f, 0.6f },
    { 0.08f, 0.01f, 0.005f }, { 0.3f, 0.02f, 0.04f }, { 0.05f, 0.04f, 0.2f },   { 0.6f, 0.1f, 0.05f },
    { 2.0f, 0.3f, 0.25f },   { 0.002f, 0.001f, 0.0005f }, { -0.01f, -0.02f, 0.1f }, { 40.0f, 20.0f, 8.0f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static int
close_enough(float got, float want, double tol)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    return fabs((double) got - want) <= tol * fmax(1.0, fabs(want));
}

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- FixedFunction styles through CTF ------------------------------------------------------ */

static const char *const FF_STYLES[] = {
    "RedMod03Fwd", "RedMod03Rev", "RedMod10Fwd", "RedMod10Rev", "Glow03Fwd", "Glow03Rev",
    "Glow10Fwd",   "Glow10Rev",   "DarkToDim10", "DimToDark10", "GamutComp13Fwd", "GamutComp13Rev",
};

static void
fixed_functions_match_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    int failed = 0, checked = 0;
    for (size_t k = 0; k < sizeof FF_STYLES / sizeof FF_STYLES[0]; k++) {
        const char *st = FF_STYLES[k];
        int gc = strncmp(st, "GamutComp", 9) == 0;
        char name[64], ctf[1024];
        snprintf(name, sizeof name, "%s.ctf", st);
        const char *path = test_tmp(name);
        /* non-default gamut compression parameters, so the parameters are really read */
        snprintf(ctf, sizeof ctf,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList id=\"t\" version=\"2\">\n"
                 "  <FixedFunction inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"%s\"%s/>\n</ProcessList>\n",
                 st, gc ? " params=\"1.2 1.3 1.25 0.8 0.75 0.85 1.4\"" : "");
        write_text(path, ctf);
        vfx_color_processor *p = NULL;
        if (vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_LINEAR, &p) != VFX_OK)
            fail_msg("%s: %s", st, vfx_error_message());
        double worst = 0;
        for (int i = 0; i < N_SAMPLES; i++) {
            char cmd[1400], out[512];
            snprintf(cmd, sizeof cmd, "ociochecklut '%s' %.9g %.9g %.9g 2>/dev/null", path, SAMPLES[i][0],
                     SAMPLES[i][1], SAMPLES[i][2]);
            float want[3], got[3] = { SAMPLES[i][0], SAMPLES[i][1], SAMPLES[i][2] };
            assert_int_equal(test_run(cmd, out, sizeof out), 0);
            char *line = out, *nl;
            while ((nl = strchr(line, '\n')) && nl[1])
                line = nl + 1;
            assert_int_equal(sscanf(line, "%f %f %f", &want[0], &want[1], &want[2]), 3);
            vfx_color_processor_apply_rgb(p, got);
            checked++;
            for (int c = 0; c < 3; c++) {
                double e = fabs((double) got[c] - want[c]) / fmax(1.0, fabs(want[c]));
                worst = fmax(worst, e);
            }
            if (!close_enough(got[0], want[0], 1e-5) || !close_enough(got[1], want[1], 1e-5) ||
                !close_enough(got[2], want[2], 1e-5)) {
                failed++;
                print_message("%s (%g %g %g): vfx %.7g %.7g %.7g, OCIO %.7g %.7g %.7g\n", st, SAMPLES[i][0],
                              SAMPLES[i][1], SAMPLES[i][2], got[0], got[1], got[2], want[0], want[1], want[2]);
            }
        }
        print_message("%-16s max error %.2g\n", st, worst);
        vfx_color_processor_free(p);
    }
    print_message("fixed functions: %d samples, %d differ\n", checked, failed);
    assert_int_equal(failed, 0);
}

/* ---- BuiltinTransform styles through a config and ocioconvert ------------------------------ */

static const char *const BUILTINS[] = {
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-CINEMA_1.0",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-VIDEO_1.0",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-CINEMA-REC709lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-VIDEO-REC709lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-VIDEO-P3lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-CINEMA-D60sim-D65_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-VIDEO-D60sim-D65_1.0",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-CINEMA-D60sim-DCI_1.0",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - SDR-CINEMA-D65sim-DCI_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-1000nit-15nit-REC2020lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-1000nit-15nit-P3lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-2000nit-15nit-REC2020lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-2000nit-15nit-P3lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-4000nit-15nit-REC2020lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-VIDEO-4000nit-15nit-P3lim_1.1",
    "ACES-OUTPUT - ACES2065-1_to_CIE-XYZ-D65 - HDR-CINEMA-108nit-7.2nit-P3lim_1.1",
    "ACES-LMT - ACES 1.3 Reference Gamut Compression",
    "ACES-LMT - BLUE_LIGHT_ARTIFACT_FIX",
    "ADX10_to_ACES2065-1",
    "ADX16_to_ACES2065-1",
    "ACESproxy10i_to_ACES2065-1",
    "SONY_SLOG3-SGAMUT3-VENICE_to_ACES2065-1",
    "SONY_SLOG3-SGAMUT3.CINE-VENICE_to_ACES2065-1",
};
/* FixedFunctionTransforms in a config (the same functions as the CTF test, through the YAML
 * reader, with OCIO's names and direction key). */
static const char *const FIXED_XF[] = {
    "!<FixedFunctionTransform> {style: ACES_RedMod03}",
    "!<FixedFunctionTransform> {style: ACES_RedMod10, direction: inverse}",
    "!<FixedFunctionTransform> {style: ACES_Glow03, direction: inverse}",
    "!<FixedFunctionTransform> {style: ACES_Glow10}",
    "!<FixedFunctionTransform> {style: ACES_DarkToDim10}",
    "!<FixedFunctionTransform> {style: ACES_GamutComp13, params: [1.147, 1.264, 1.312, 0.815, 0.803, 0.880, 1.2]}",
    "!<FixedFunctionTransform> {style: REC2100_Surround, params: [0.78]}",
    "!<FixedFunctionTransform> {style: RGB_TO_HSV, direction: inverse}",
};
#define N_BUILTINS ((int) (sizeof BUILTINS / sizeof BUILTINS[0]))
#define N_FIXED_XF ((int) (sizeof FIXED_XF / sizeof FIXED_XF[0]))
#define N_SPACES (N_BUILTINS + N_FIXED_XF)

static const char *
space_label(int i)
{
    return i < N_BUILTINS ? BUILTINS[i] : FIXED_XF[i - N_BUILTINS];
}

static void
write_pfm(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "PF\n%d 1\n-1.0\n", N_SAMPLES);
    for (int i = 0; i < N_SAMPLES; i++)
        fwrite(SAMPLES[i], sizeof(float), 3, f);
    fclose(f);
}

/* The R, G, B of the 1-row float image ocioconvert wrote (EXR, read with vfx's reader). */
static int
read_result(const char *path, float out[][3])
{
    vfx_reader *r = NULL;
    const vfx_spec *spec = NULL;
    if (vfx_reader_open(path, NULL, &r) != VFX_OK)
        return -1;
    int32_t ch[3];
    int rc = -1;
    if (vfx_reader_spec(r, 0, &spec) == VFX_OK) {
        ch[0] = vfx_channels_find(spec->channels, "R");
        ch[1] = vfx_channels_find(spec->channels, "G");
        ch[2] = vfx_channels_find(spec->channels, "B");
        vfx_rect rect = { 0, 0, N_SAMPLES, 1 };
        if (ch[0] >= 0 && ch[1] >= 0 && ch[2] >= 0 &&
            vfx_reader_read_rect(r, 0, 0, 0, rect, ch, 3, VFX_PIXEL_F32, out, 12, 12 * N_SAMPLES) == VFX_OK)
            rc = 0;
    }
    vfx_reader_close(r);
    return rc;
}

static void
aces_builtins_match_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char *cfg_text = malloc(64 * 1024);
    assert_non_null(cfg_text);
    int n = snprintf(cfg_text, 64 * 1024,
                     "ocio_profile_version: 2.1\n"
                     "roles: {default: ref, scene_linear: ref}\n"
                     "file_rules:\n  - !<Rule> {name: Default, colorspace: ref}\n"
                     "displays:\n  d:\n    - !<View> {name: v, colorspace: ref}\n"
                     "colorspaces:\n  - !<ColorSpace> {name: ref}\n");
    for (int i = 0; i < N_BUILTINS; i++)
        n += snprintf(cfg_text + n, (size_t) (64 * 1024 - n),
                      "  - !<ColorSpace>\n    name: b%d\n    to_scene_reference: !<BuiltinTransform> {style: \"%s\"}\n",
                      i, BUILTINS[i]);
    for (int i = 0; i < N_FIXED_XF; i++)
        n += snprintf(cfg_text + n, (size_t) (64 * 1024 - n),
                      "  - !<ColorSpace>\n    name: b%d\n    to_scene_reference: %s\n", N_BUILTINS + i, FIXED_XF[i]);
    char cfg_path[1024];
    snprintf(cfg_path, sizeof cfg_path, "%s", test_tmp("aces_builtins.ocio"));
    write_text(cfg_path, cfg_text);
    free(cfg_text);
    char in_path[1024];
    snprintf(in_path, sizeof in_path, "%s", test_tmp("samples.pfm"));
    write_pfm(in_path);

    vfx_ocio_config *cfg = NULL;
    if (vfx_ocio_config_new_from_file(cfg_path, &cfg) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    int failed = 0, checked = 0;
    for (int i = 0; i < N_SPACES; i++) {
        for (int inverse = 0; inverse < 2; inverse++) {
            char cs[16], out_path[1024], cmd[4096];
            snprintf(cs, sizeof cs, "b%d", i);
            const char *src = inverse ? "ref" : cs, *dst = inverse ? cs : "ref";
            snprintf(out_path, sizeof out_path, "%s", test_tmp("out.exr"));
            remove(out_path);
            snprintf(cmd, sizeof cmd, "OCIO='%s' ocioconvert '%s' %s '%s' %s >/dev/null 2>&1", cfg_path, in_path, src,
                     out_path, dst);
            assert_int_equal(test_run(cmd, NULL, 0), 0);
            float want[N_SAMPLES][3];
            assert_int_equal(read_result(out_path, want), 0);
            vfx_color_processor *p = NULL;
            if (vfx_ocio_processor_new(cfg, src, dst, &p) != VFX_OK)
                fail_msg("%s (%s): %s", space_label(i), inverse ? "inverse" : "forward", vfx_error_message());
            double worst = 0;
            for (int s = 0; s < N_SAMPLES; s++) {
                float got[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] };
                vfx_color_processor_apply_rgb(p, got);
                checked++;
                int bad = 0;
                for (int c = 0; c < 3; c++) {
                    if (isnan(want[s][c]) || isinf(want[s][c]))
                        continue; /* OCIO's NaN / inf from an impossible inverse: not compared */
                    worst = fmax(worst, fabs((double) got[c] - want[s][c]) / fmax(1.0, fabs(want[s][c])));
                    bad |= !close_enough(got[c], want[s][c], 1e-5);
                }
                if (bad) {
                    failed++;
                    print_message("%s %s (%g %g %g): vfx %.7g %.7g %.7g, OCIO %.7g %.7g %.7g\n", space_label(i),
                                  inverse ? "inverse" : "forward", SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2],
                                  got[0], got[1], got[2], want[s][0], want[s][1], want[s][2]);
                }
            }
            print_message("%s %s: max error %.2g\n", space_label(i), inverse ? "inverse" : "forward", worst);
            vfx_color_processor_free(p);
        }
    }
    vfx_ocio_config_free(cfg);
    print_message("ACES built-ins: %d samples, %d differ\n", checked, failed);
    assert_int_equal(failed, 0);
}

/* Parameters out of OCIO's bounds are refused with a message naming the parameter. */
static void
gamut_comp_params_checked(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_color_processor_new(&p), VFX_OK);
    const double bad[7] = { 1.147, 1.264, 1.312, 0.815, 1.5, 0.880, 1.2 };
    assert_int_equal(vfx_color_processor_append_fixed_params(p, VFX_FIXED_ACES_GAMUT_COMP_13, bad, 7,
                                                             VFX_DIR_FORWARD),
                     VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "magenta threshold"));
    assert_int_equal(vfx_color_processor_append_fixed_params(p, VFX_FIXED_ACES_GAMUT_COMP_13, bad, 3,
                                                             VFX_DIR_FORWARD),
                     VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_append_fixed_params(p, VFX_FIXED_ACES_GLOW_03, bad, 1, VFX_DIR_FORWARD),
                     VFX_ERR_ARG);
    assert_int_equal(vfx_color_processor_op_count(p), 0);
    /* the reference parameters compress an out-of-gamut AP1 colour, and the inverse undoes it */
    assert_int_equal(vfx_color_processor_append_fixed(p, VFX_FIXED_ACES_GAMUT_COMP_13, 0, VFX_DIR_FORWARD), VFX_OK);
    float rgb[3] = { 0.5f, -0.05f, 0.2f };
    vfx_color_processor_apply_rgb(p, rgb);
    assert_true(rgb[1] > -0.05f);
    vfx_color_processor *inv = NULL;
    assert_int_equal(vfx_color_processor_inverse(p, &inv), VFX_OK);
    vfx_color_processor_apply_rgb(inv, rgb);
    assert_true(fabsf(rgb[1] + 0.05f) < 1e-5f);
    vfx_color_processor_free(inv);
    vfx_color_processor_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gamut_comp_params_checked),
        cmocka_unit_test(fixed_functions_match_ociochecklut),
        cmocka_unit_test(aces_builtins_match_ocioconvert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
