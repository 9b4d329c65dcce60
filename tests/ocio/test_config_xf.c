/* Config transforms and view kinds of OCIO 2.1 beyond the basic ones: ExposureContrastTransform
 * (every style, log exposure step and mid grey, missing "dynamic" values, direction inverse and
 * inside inverted groups), GradingPrimaryTransform with keys left out, FileTransform's
 * cdl_style, ColorSpaceTransform's and DisplayViewTransform's data_bypass, views naming a named transform (display and shared views, with looks, data sources), a
 * display-referred default_view_transform, and the CTF log ExposureContrast with its own step
 * and mid grey. Results are compared with Debian's
 * OpenColorIO 2.1 (`ocioconvert` on configs written here, samples in a PFM image read back from
 * EXR; `ociochecklut` for the CTF) on samples incl. negatives and HDR values, within 1e-5
 * relative (absolute below 1). Also what OCIO 2.1 refuses (Lut1DTransform / Lut3DTransform in
 * a config) and bad values, with the config's file:line:column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.18f, 0.18f, 0.18f }, { 0.0f, 0.0f, 0.0f },     { 1.0f, 1.0f, 1.0f },     { 0.5f, 0.2f, 0.1f },
    { 0.01f, 0.02f, 0.03f }, { -0.05f, 0.3f, 2.5f },   { 10.0f, 4.0f, 0.001f }, { 0.9f, 0.05f, 0.6f },
    { -1.5f, -0.2f, 0.4f },  { 120.0f, 35.0f, 7.5f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static const char EC_CONFIG[] =
    "ocio_profile_version: 2.1\n"
    "roles: {default: lin, scene_linear: lin}\n"
    "file_rules:\n  - !<Rule> {name: Default, colorspace: lin}\n"
    "displays:\n  d:\n    - !<View> {name: v, colorspace: lin}\n"
    "colorspaces:\n"
    "  - !<ColorSpace> {name: lin}\n"
    "  - !<ColorSpace>\n    name: ec_lin\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: linear, exposure: 1, contrast: 1.2, "
    "gamma: 1.1, pivot: 0.18}\n"
    "  - !<ColorSpace>\n    name: ec_lin_inv\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: linear, exposure: -0.5, contrast: 0.7, "
    "pivot: 0.4, direction: inverse}\n"
    "  - !<ColorSpace>\n    name: ec_video\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: video, exposure: -0.5, contrast: 0.8, "
    "gamma: 1.05, pivot: 0.5}\n"
    "  - !<ColorSpace>\n    name: ec_log\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: log, exposure: 0.7, contrast: 1.3, "
    "gamma: 0.9, pivot: 0.25, log_exposure_step: 0.12, log_midway_gray: 0.4}\n"
    "  - !<ColorSpace>\n    name: ec_log_default\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: LOG, exposure: 1, contrast: 1.5}\n"
    "  - !<ColorSpace>\n    name: ec_dynamic\n"
    "    to_scene_reference: !<ExposureContrastTransform> {style: video, pivot: 0.3}\n"
    "  - !<ColorSpace>\n    name: ec_nostyle\n"
    "    to_scene_reference: !<ExposureContrastTransform> {contrast: 1.25, pivot: 0.1}\n"
    "  - !<ColorSpace>\n    name: ec_group\n"
    "    to_scene_reference: !<GroupTransform>\n"
    "      direction: inverse\n"
    "      children:\n"
    "        - !<ExposureContrastTransform> {style: log, exposure: -1, contrast: 0.6, pivot: 0.18, "
    "log_midway_gray: 0.5, direction: inverse}\n"
    "        - !<ExposureContrastTransform> {style: linear, exposure: 0.25, contrast: 1.1}\n"
    "  - !<ColorSpace>\n    name: ec_from\n"
    "    from_scene_reference: !<ExposureContrastTransform> {style: video, exposure: 2, contrast: 1.4, "
    "pivot: 0.2}\n"
    /* FileTransform's cdl_style (CDL files only; no clamp by default) */
    "  - !<ColorSpace>\n    name: cdl_noclamp\n"
    "    to_scene_reference: !<FileTransform> {src: grade.cc}\n"
    "  - !<ColorSpace>\n    name: cdl_asc\n"
    "    to_scene_reference: !<FileTransform> {src: grade.cc, cdl_style: ASC}\n"
    /* ColorSpaceTransform's data_bypass: false converts a data space like any other */
    "  - !<ColorSpace>\n    name: raw\n    isdata: true\n"
    "    to_scene_reference: !<MatrixTransform> {matrix: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]}\n"
    "  - !<ColorSpace>\n    name: log\n"
    "    to_scene_reference: !<LogTransform> {base: 2, direction: inverse}\n"
    "  - !<ColorSpace>\n    name: cst_no_bypass\n"
    "    to_scene_reference: !<ColorSpaceTransform> {src: raw, dst: log, data_bypass: false}\n"
    "  - !<ColorSpace>\n    name: cst_bypass\n"
    "    from_scene_reference: !<ColorSpaceTransform> {src: log, dst: raw, data_bypass: true}\n"
    /* GradingPrimaryTransform with keys left out: each keeps its style's neutral value
     * (contrast, gamma, gain 1; brightness, offset, exposure, lift 0; the style's pivots) */
    "  - !<ColorSpace>\n    name: gp_log_gamma\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: log, gamma: {rgb: [1.1, 0.95, 1.05], master: 1.1}}\n"
    "  - !<ColorSpace>\n    name: gp_log_pivot_black\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: log, contrast: {rgb: [1.2, 1, 0.9], master: 1.1}, "
    "gamma: {rgb: [1, 1.05, 1], master: 0.9}, pivot: {black: 0.05}}\n"
    "  - !<ColorSpace>\n    name: gp_video_gain\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: video, gain: {rgb: [1.1, 1, 0.9], master: 1.05}, "
    "clamp: {white: 2}}\n"
    "  - !<ColorSpace>\n    name: gp_video_lift\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: video, lift: {rgb: [0.01, 0, -0.01], master: 0.02}, "
    "gamma: {rgb: [1, 1.1, 1], master: 0.95}, pivot: {white: 0.9}}\n"
    "  - !<ColorSpace>\n    name: gp_lin_exposure\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: linear, exposure: {rgb: [0.2, 0, -0.1], master: 0.5}, "
    "clamp: {black: -0.05}}\n"
    "  - !<ColorSpace>\n    name: gp_lin_contrast\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {style: linear, contrast: {rgb: [1.1, 1, 0.95], master: 1.2}, "
    "pivot: {contrast: -1}}\n"
    "  - !<ColorSpace>\n    name: gp_nostyle\n"
    "    to_scene_reference: !<GradingPrimaryTransform> {brightness: {rgb: [2, 0, -3], master: 5}, "
    "direction: inverse}\n";

/* DisplayViewTransform's data_bypass: with false a data source (or a data display colour
 * space) goes through the view; a look still enters its process space with the usual bypass */
static const char DV_CONFIG[] =
    "ocio_profile_version: 2.1\n"
    "roles: {default: lin, scene_linear: lin}\n"
    "file_rules:\n  - !<Rule> {name: Default, colorspace: lin}\n"
    "displays:\n  d:\n"
    "    - !<View> {name: vt, view_transform: sdr, display_colorspace: dlin}\n"
    "    - !<View> {name: vtlook, view_transform: sdr, display_colorspace: dlin, looks: lk}\n"
    "    - !<View> {name: plain, colorspace: log}\n"
    "    - !<View> {name: plainlook, colorspace: log, looks: lk}\n"
    "    - !<View> {name: rawview, colorspace: raw}\n"
    "    - !<View> {name: rawdisp, view_transform: sdr, display_colorspace: draw}\n"
    "view_transforms:\n  - !<ViewTransform>\n    name: sdr\n"
    "    from_scene_reference: !<ExponentTransform> {value: 0.5, style: mirror}\n"
    "display_colorspaces:\n"
    "  - !<ColorSpace>\n    name: dlin\n    from_display_reference: !<CDLTransform> {slope: [1.5, 1, 0.5]}\n"
    "  - !<ColorSpace>\n    name: draw\n    isdata: true\n"
    "    from_display_reference: !<CDLTransform> {slope: [0.5, 1, 0.25]}\n"
    "looks:\n"
    "  - !<Look> {name: lk, process_space: log, transform: !<CDLTransform> {offset: [0.1, 0, -0.1]}}\n"
    "colorspaces:\n"
    "  - !<ColorSpace> {name: lin}\n"
    "  - !<ColorSpace>\n    name: raw\n    isdata: true\n"
    "    to_scene_reference: !<MatrixTransform> {matrix: [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1]}\n"
    "  - !<ColorSpace>\n    name: log\n"
    "    to_scene_reference: !<LogTransform> {base: 2, direction: inverse}\n"
#define DV(name, src, view, bypass)                                                                \
    "  - !<ColorSpace>\n    name: " name "\n    to_scene_reference: !<DisplayViewTransform> {src: " src \
    ", display: d, view: " view ", data_bypass: " bypass "}\n"
    DV("raw_vt", "raw", "vt", "false") DV("raw_vtlook", "raw", "vtlook", "false")
    DV("raw_plain", "raw", "plain", "false") DV("raw_plainlook", "raw", "plainlook", "false")
    DV("raw_rawdisp", "raw", "rawdisp", "false") DV("lin_rawview", "lin", "rawview", "false")
    DV("lin_rawdisp", "lin", "rawdisp", "false") DV("raw_vt_bypass", "raw", "vt", "true")
    DV("lin_rawdisp_bypass", "lin", "rawdisp", "true") DV("lin_vtlook", "lin", "vtlook", "false");
#undef DV
static const char *const DV_SPACES[] = { "raw_vt",      "raw_vtlook",  "raw_plain",     "raw_plainlook",
                                         "raw_rawdisp", "lin_rawview", "lin_rawdisp",   "raw_vt_bypass",
                                         "lin_rawdisp_bypass", "lin_vtlook" };

static const char GRADE_CC[] =
    "<ColorCorrection id=\"cc1\">\n"
    "  <SOPNode><Slope>1.2 1.0 0.8</Slope><Offset>0.01 0 -0.02</Offset><Power>1.1 1 0.9</Power></SOPNode>\n"
    "  <SatNode><Saturation>1.1</Saturation></SatNode>\n"
    "</ColorCorrection>\n";

static const char *const EC_SPACES[] = { "ec_lin",     "ec_lin_inv", "ec_video", "ec_log", "ec_log_default",
                                         "ec_dynamic", "ec_nostyle", "ec_group", "ec_from",
                                         "cdl_noclamp", "cdl_asc", "cst_no_bypass", "cst_bypass",
                                         "gp_log_gamma", "gp_log_pivot_black", "gp_video_gain",
                                         "gp_video_lift", "gp_lin_exposure", "gp_lin_contrast",
                                         "gp_nostyle" };

/* views naming a named transform; the default view transform is display-referred */
static const char NTV_CONFIG[] =
    "ocio_profile_version: 2.1\n"
    "roles: {default: lin, scene_linear: lin}\n"
    "file_rules:\n  - !<Rule> {name: Default, colorspace: lin}\n"
    "shared_views:\n  - !<View> {name: sv, colorspace: curve}\n"
    "displays:\n"
    "  d:\n"
    "    - !<View> {name: v, view_transform: scn, display_colorspace: dlin}\n"
    "    - !<View> {name: ntv, colorspace: curve}\n"
    "    - !<View> {name: ntv_look, colorspace: curve, looks: lk}\n"
    "    - !<View> {name: ntv_inv, colorspace: only_inverse}\n"
    "    - !<Views> [sv]\n"
    "default_view_transform: dsp\n"
    "view_transforms:\n"
    "  - !<ViewTransform>\n    name: dsp\n"
    "    from_display_reference: !<MatrixTransform> {matrix: [3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]}\n"
    "  - !<ViewTransform>\n    name: scn\n"
    "    from_scene_reference: !<ExposureContrastTransform> {style: linear, exposure: 1, contrast: 1.1}\n"
    "colorspaces:\n"
    "  - !<ColorSpace> {name: lin}\n"
    "  - !<ColorSpace> {name: raw, isdata: true}\n"
    "  - !<ColorSpace>\n    name: log\n"
    "    to_scene_reference: !<LogTransform> {base: 2, direction: inverse}\n"
    "display_colorspaces:\n"
    "  - !<ColorSpace>\n    name: dlin\n"
    "    from_display_reference: !<ExponentTransform> {value: 0.5, style: mirror}\n"
    "looks:\n"
    "  - !<Look> {name: lk, process_space: log, transform: !<CDLTransform> {slope: [1.1, 1, 0.9]}}\n"
    "named_transforms:\n"
    "  - !<NamedTransform>\n    name: curve\n"
    "    transform: !<ExponentWithLinearTransform> {gamma: 2.4, offset: 0.055, style: mirror}\n"
    "  - !<NamedTransform>\n    name: only_inverse\n"
    "    inverse_transform: !<ExposureContrastTransform> {style: log, exposure: 0.5, contrast: 1.2}\n";

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
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

static int
read_result(const char *path, float out[][3])
{
    vfx_reader *r = NULL;
    const vfx_spec *spec = NULL;
    if (vfx_reader_open(path, NULL, &r) != VFX_OK)
        return -1;
    int rc = -1;
    if (vfx_reader_spec(r, 0, &spec) == VFX_OK) {
        int32_t ch[3] = { vfx_channels_find(spec->channels, "R"), vfx_channels_find(spec->channels, "G"),
                          vfx_channels_find(spec->channels, "B") };
        vfx_rect rect = { 0, 0, N_SAMPLES, 1 };
        if (ch[0] >= 0 && ch[1] >= 0 && ch[2] >= 0 &&
            vfx_reader_read_rect(r, 0, 0, 0, rect, ch, 3, VFX_PIXEL_F32, out, 12, 12 * N_SAMPLES) == VFX_OK)
            rc = 0;
    }
    vfx_reader_close(r);
    return rc;
}

static vfx_ocio_config *
load(const char *path)
{
    vfx_ocio_config *cfg = NULL;
    if (vfx_ocio_config_new_from_file(path, &cfg) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    return cfg;
}

/* Run ocioconvert with @p args (after the options) on the samples; compare with @p p. Returns
 * the number of values off by more than 1e-5 relative (absolute below 1). */
static int
compare_ocioconvert(const char *cfg_path, const char *label, const char *mode, const char *a, const char *b,
                    const char *c, vfx_color_processor *p)
{
    char in_path[1024], out_path[1024], cmd[4096];
    snprintf(in_path, sizeof in_path, "%s", test_tmp("samples.pfm"));
    snprintf(out_path, sizeof out_path, "%s", test_tmp("out.exr"));
    write_pfm(in_path);
    remove(out_path);
    if (c)
        snprintf(cmd, sizeof cmd, "OCIO='%s' ocioconvert %s '%s' '%s' '%s' '%s' '%s' >/dev/null 2>&1", cfg_path, mode,
                 in_path, a, out_path, b, c);
    else
        snprintf(cmd, sizeof cmd, "OCIO='%s' ocioconvert %s '%s' '%s' '%s' '%s' >/dev/null 2>&1", cfg_path, mode,
                 in_path, a, out_path, b);
    if (test_run(cmd, NULL, 0) != 0)
        fail_msg("%s: ocioconvert failed", label);
    float want[N_SAMPLES][3];
    assert_int_equal(read_result(out_path, want), 0);
    int failed = 0;
    double worst = 0;
    for (int s = 0; s < N_SAMPLES; s++) {
        float got[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] };
        vfx_color_processor_apply_rgb(p, got);
        for (int k = 0; k < 3; k++) {
            double e = fabs((double) got[k] - want[s][k]) / fmax(1.0, fabs(want[s][k]));
            if (got[k] == want[s][k]) /* incl. both infinite (2^x of an HDR sample) */
                e = 0;
            if (!(e <= worst))
                worst = e;
            if (!(e <= 1e-5)) {
                failed++;
                print_message("%s (%g %g %g) ch %d: vfx %.7g OCIO %.7g\n", label, SAMPLES[s][0], SAMPLES[s][1],
                              SAMPLES[s][2], k, got[k], want[s][k]);
            }
        }
    }
    print_message("%s: max error %.2g\n", label, worst);
    return failed;
}

/* Every space of @p spaces to "lin" and back through the config at @p path, each compared with
 * ocioconvert. Returns the number of failed comparisons. */
static int
both_ways_vs_ocioconvert(const char *path, const char *const *spaces, size_t n)
{
    vfx_ocio_config *cfg = load(path);
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        for (int dir = 0; dir < 2; dir++) {
            const char *src = dir ? "lin" : spaces[i], *dst = dir ? spaces[i] : "lin";
            char label[256];
            snprintf(label, sizeof label, "%s -> %s", src, dst);
            vfx_color_processor *p = NULL;
            if (vfx_ocio_processor_new(cfg, src, dst, &p) != VFX_OK)
                fail_msg("%s: %s", label, vfx_error_message());
            failed += compare_ocioconvert(path, label, "", src, dst, NULL, p);
            vfx_color_processor_free(p);
        }
    vfx_ocio_config_free(cfg);
    return failed;
}

static void
exposure_contrast_matches_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("ec.ocio"));
    write_text(path, EC_CONFIG);
    write_text(test_tmp("grade.cc"), GRADE_CC); /* next to the config */
    assert_int_equal(both_ways_vs_ocioconvert(path, EC_SPACES, sizeof EC_SPACES / sizeof EC_SPACES[0]), 0);
}

static void
display_view_data_bypass_matches_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("dv.ocio"));
    write_text(path, DV_CONFIG);
    assert_int_equal(both_ways_vs_ocioconvert(path, DV_SPACES, sizeof DV_SPACES / sizeof DV_SPACES[0]), 0);
}

/* FileTransform interpolation, as OCIO 2.1 renders it: 1D LUTs are always linear; 3D LUTs are
 * tetrahedral for tetrahedral and best, trilinear for linear, nearest, cubic, default (OCIO 2
 * renders nearest as trilinear, a change from OCIO 1) and for names it does not know */
static void
file_transform_interpolation_matches_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    static const char *const LUTS[] = { "luts/colour-science/iridas_cube/Three_Dimensional_Table.cube",
                                        "luts/colour-science/sony_spi3d/Colour_Correct.spi3d",
                                        "luts/colour-science/sony_spi1d/eotf_sRGB_3x1D.spi1d" };
    static const char *const INTERPS[] = { "nearest", "linear", "tetrahedral", "best", "cubic", "default" };
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("interp.ocio"));
    int failed = 0;
    for (size_t l = 0; l < sizeof LUTS / sizeof LUTS[0]; l++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", test_data(LUTS[l]));
        char *slash = strrchr(dir, '/');
        assert_non_null(slash);
        *slash = 0;
        for (size_t i = 0; i < sizeof INTERPS / sizeof INTERPS[0]; i++) {
            char text[2048];
            snprintf(text, sizeof text,
                     "ocio_profile_version: 2.1\nsearch_path: \"%s\"\nroles: {default: lin, scene_linear: lin}\n"
                     "displays:\n  d:\n    - !<View> {name: v, colorspace: lin}\n"
                     "colorspaces:\n  - !<ColorSpace> {name: lin}\n"
                     "  - !<ColorSpace>\n    name: t\n"
                     "    to_scene_reference: !<FileTransform> {src: %s, interpolation: %s}\n",
                     dir, slash + 1, INTERPS[i]);
            write_text(path, text);
            vfx_ocio_config *cfg = load(path);
            vfx_color_processor *p = NULL;
            if (vfx_ocio_processor_new(cfg, "t", "lin", &p) != VFX_OK)
                fail_msg("%s %s: %s", LUTS[l], INTERPS[i], vfx_error_message());
            char label[256];
            snprintf(label, sizeof label, "%s interpolation: %s", slash + 1, INTERPS[i]);
            failed += compare_ocioconvert(path, label, "", "t", "lin", NULL, p);
            vfx_color_processor_free(p);
            vfx_ocio_config_free(cfg);
        }
    }
    assert_int_equal(failed, 0);
}

static void
named_transform_views_match_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("ntv.ocio"));
    write_text(path, NTV_CONFIG);
    vfx_ocio_config *cfg = load(path);
    static const char *const VIEWS[][2] = {
        { "lin", "ntv" },      { "log", "ntv" }, { "lin", "ntv_look" }, { "log", "ntv_look" }, { "lin", "sv" },
        { "log", "ntv_inv" },  { "raw", "ntv" }, { "lin", "v" },        { "log", "v" },
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof VIEWS / sizeof VIEWS[0]; i++) {
        char label[256];
        snprintf(label, sizeof label, "%s -> d/%s", VIEWS[i][0], VIEWS[i][1]);
        vfx_color_processor *p = NULL;
        if (vfx_ocio_display_processor_new(cfg, VIEWS[i][0], "d", VIEWS[i][1], NULL, VFX_DIR_FORWARD, &p) != VFX_OK)
            fail_msg("%s: %s", label, vfx_error_message());
        failed += compare_ocioconvert(path, label, "--view", VIEWS[i][0], "d", VIEWS[i][1], p);
        vfx_color_processor_free(p);
        /* the inverse undoes it (HDR and negative samples stay out of the curves' trouble) */
        if (strcmp(VIEWS[i][0], "raw") != 0) {
            vfx_color_processor *f = NULL, *inv = NULL;
            assert_int_equal(vfx_ocio_display_processor_new(cfg, VIEWS[i][0], "d", VIEWS[i][1], NULL,
                                                            VFX_DIR_FORWARD, &f), VFX_OK);
            assert_int_equal(vfx_ocio_display_processor_new(cfg, VIEWS[i][0], "d", VIEWS[i][1], NULL,
                                                            VFX_DIR_INVERSE, &inv), VFX_OK);
            float rgb[3] = { 0.5f, 0.25f, 0.75f };
            vfx_color_processor_apply_rgb(f, rgb);
            vfx_color_processor_apply_rgb(inv, rgb);
            assert_float_equal(rgb[0], 0.5f, 1e-5f);
            assert_float_equal(rgb[1], 0.25f, 1e-5f);
            assert_float_equal(rgb[2], 0.75f, 1e-5f);
            vfx_color_processor_free(f);
            vfx_color_processor_free(inv);
        }
    }
    /* a scene space to a display space goes through the first scene-referred view transform
     * when default_view_transform names a display-referred one, as in OCIO 2.1 */
    vfx_color_processor *p = NULL;
    if (vfx_ocio_processor_new(cfg, "log", "dlin", &p) != VFX_OK)
        fail_msg("log -> dlin: %s", vfx_error_message());
    failed += compare_ocioconvert(path, "log -> dlin", "", "log", "dlin", NULL, p);
    vfx_color_processor_free(p);
    vfx_ocio_config_free(cfg);
    assert_int_equal(failed, 0);
}

/* Count the errors the checker reports and remember whether one says @p what. */
typedef struct {
    int         found;
    const char *what;
} seen;

static void
on_check(void *ud, int is_error, const char *msg)
{
    seen *s = ud;
    if (is_error && strstr(msg, s->what))
        s->found = 1;
}

static void
checker_reports_display_referred_default(void **state)
{
    (void) state;
    vfx_ocio_config *cfg = NULL;
    if (vfx_ocio_config_new_from_memory(NTV_CONFIG, strlen(NTV_CONFIG), NULL, "ntv.ocio", &cfg) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    seen s = { 0, "default_view_transform 'dsp' is display-referred" };
    int32_t errors = 0, warnings = 0;
    assert_int_equal(vfx_ocio_config_check(cfg, 0, on_check, &s, &errors, &warnings), VFX_OK);
    assert_int_equal(s.found, 1);
    assert_int_equal(errors, 1); /* only that: every view and named-transform view builds */
    vfx_ocio_config_free(cfg);
    if (test_have_tool("ociocheck")) { /* ociocheck fails the same config */
        char path[1024], cmd[2048], out[8192];
        snprintf(path, sizeof path, "%s", test_tmp("ntv_check.ocio"));
        write_text(path, NTV_CONFIG);
        snprintf(cmd, sizeof cmd, "ociocheck --iconfig '%s' 2>&1", path);
        test_run(cmd, out, sizeof out);
        assert_non_null(strstr(out, "Default view transform is defined as: 'dsp'"));
    }
}

/* The CTF log ExposureContrast with its own exposure step and mid grey, styles log and logRev,
 * against ociochecklut. (ociochecklut --inv of the "log" file is not compared: OCIO's inverse
 * scales the exposure by 0.088 whatever the step, which vfx matches for logRev and a config's
 * direction: inverse, but vfx_color_processor_inverse() undoes the forward op exactly.) */
static void
ctf_log_exposure_contrast_matches_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    int failed = 0;
    for (int rev = 0; rev < 2; rev++) {
        char path[1024], text[1024];
        snprintf(path, sizeof path, "%s", test_tmp(rev ? "ec_logrev.ctf" : "ec_log.ctf"));
        snprintf(text, sizeof text,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<ProcessList id=\"ec\" version=\"2\">\n"
                 "  <ExposureContrast inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"%s\">\n"
                 "    <ECParams exposure=\"0.7\" contrast=\"1.3\" gamma=\"0.9\" pivot=\"0.25\" "
                 "logExposureStep=\"0.12\" logMidGray=\"0.4\"/>\n"
                 "  </ExposureContrast>\n"
                 "</ProcessList>\n",
                 rev ? "logRev" : "log");
        write_text(path, text);
        vfx_color_processor *p = NULL, *inv = NULL;
        if (vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_DEFAULT, &p) != VFX_OK)
            fail_msg("%s", vfx_error_message());
        assert_int_equal(vfx_color_processor_inverse(p, &inv), VFX_OK);
        for (int s = 0; s < N_SAMPLES; s++) {
            char cmd[2048], out[512];
            snprintf(cmd, sizeof cmd, "ociochecklut '%s' %.9g %.9g %.9g 2>&1", path, SAMPLES[s][0], SAMPLES[s][1],
                     SAMPLES[s][2]);
            assert_int_equal(test_run(cmd, out, sizeof out), 0);
            double want[3];
            if (sscanf(out, "%lf %lf %lf", &want[0], &want[1], &want[2]) != 3)
                fail_msg("ociochecklut said '%s'", out);
            float got[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] };
            vfx_color_processor_apply_rgb(p, got);
            for (int k = 0; k < 3; k++) {
                /* ociochecklut prints 7 significant digits */
                double e = fabs(got[k] - want[k]) / fmax(1.0, fabs(want[k]));
                if (!(e <= 1e-5)) {
                    failed++;
                    print_message("%s (%g %g %g) ch %d: vfx %.7g OCIO %.7g\n", rev ? "logRev" : "log", SAMPLES[s][0],
                                  SAMPLES[s][1], SAMPLES[s][2], k, got[k], want[k]);
                }
            }
            vfx_color_processor_apply_rgb(inv, got); /* and back */
            for (int k = 0; k < 3; k++)
                assert_float_equal(got[k], SAMPLES[s][k], 1e-5f * fmaxf(1.0f, fabsf(SAMPLES[s][k])));
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(inv);
    }
    assert_int_equal(failed, 0);
}

/* What OCIO 2.1 refuses, and bad values: refused at load, with the place and the reason. */
static void
bad_transforms(void **state)
{
    (void) state;
    static const struct {
        const char *xf, *expect, *where;
    } CASES[] = {
        { "!<Lut1DTransform> {length: 3, values: [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1]}",
          "!<Lut1DTransform> cannot appear in a config (OpenColorIO 2.1 does not load it either)", "bad.ocio:7:25" },
        { "!<Lut3DTransform> {}", "!<Lut3DTransform> cannot appear in a config", "bad.ocio:7:25" },
        { "!<GroupTransform> {children: [!<Lut1DTransform> {}]}", "Lut1DTransform", "bad.ocio:7:55" },
        { "!<ExposureContrastTransform> {style: logarithmic}", "unknown ExposureContrastTransform style "
          "'logarithmic' (linear, video or log)", "bad.ocio:7:62" },
        { "!<ExposureContrastTransform> {exposure: bright}", "exposure: 'bright' is not a number", "bad.ocio:7:" },
        { "!<ExposureContrastTransform> {contrast: [1, 2]}", "contrast: more than 1 values", "bad.ocio:7:" },
        { "!<FileTransform> {src: a.cc, cdl_style: clamp}", "cdl_style 'clamp' is not asc or noclamp",
          "bad.ocio:7:65" },
        { "!<ColorSpaceTransform> {src: lin, dst: lin, data_bypass: maybe}", "data_bypass must be true or false",
          "bad.ocio:7:" },
        { "!<ExposureContrastTransform> {style: log, log_midway_gray: .nan}", "log_midway_gray: '.nan' is not a "
          "number", "bad.ocio:7:" },
        /* GradingPrimaryTransform: OCIO 2.1 wants both rgb (3 values) and master, and a pivot or
         * clamp map with at least one key */
        { "!<GradingPrimaryTransform> {style: linear, contrast: {master: 1.2}}",
          "contrast: both rgb and master are required", "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {gamma: {rgb: [1.2, 1.1, 1]}}", "gamma: both rgb and master are required",
          "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {gain: {rgb: [1.2, 1.1], master: 1}}", "gain: rgb must be a list of 3 numbers",
          "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {gain: {rgb: 1.2, master: 1}}", "gain: rgb must be a list of 3 numbers",
          "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {lift: 0.1}", "lift must be {rgb: [r, g, b], master: m}", "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {pivot: {}}", "pivot: give at least one of contrast, black, white",
          "bad.ocio:7:" },
        { "!<GradingPrimaryTransform> {clamp: {}}", "clamp: give at least one of black, white", "bad.ocio:7:" },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "ocio_profile_version: 2.1\nroles: {default: lin}\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n"
                 "  - !<ColorSpace>\n    name: b\n    to_scene_reference: %s\n",
                 CASES[i].xf);
        vfx_ocio_config *cfg = NULL;
        vfx_status st = vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "bad.ocio", &cfg);
        vfx_ocio_config_free(cfg);
        assert_int_equal(st, VFX_ERR_CORRUPT);
        if (!strstr(vfx_error_message(), CASES[i].expect) || !strstr(vfx_error_message(), CASES[i].where))
            fail_msg("case %d: '%s' does not say '%s' at %s", (int) i, vfx_error_message(), CASES[i].expect,
                     CASES[i].where);
    }
    /* a named transform is allowed in a view's colorspace, not as the display colour space of a
     * view with a view transform (OCIO 2.1 cannot build that view) */
    const char *vt = "ocio_profile_version: 2.1\nroles: {default: lin}\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n"
                     "view_transforms:\n  - !<ViewTransform> {name: t, from_scene_reference: !<MatrixTransform> {}}\n"
                     "displays:\n  d:\n    - !<View> {name: v, view_transform: t, display_colorspace: nt}\n"
                     "named_transforms:\n  - !<NamedTransform> {name: nt, transform: !<MatrixTransform> {}}\n";
    vfx_ocio_config *cfg = NULL;
    assert_int_equal(vfx_ocio_config_new_from_memory(vt, strlen(vt), NULL, "vt.ocio", &cfg), VFX_ERR_CORRUPT);
    if (!strstr(vfx_error_message(), "vt.ocio:9:") || !strstr(vfx_error_message(), "'nt'"))
        fail_msg("'%s'", vfx_error_message());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exposure_contrast_matches_ocioconvert),
        cmocka_unit_test(display_view_data_bypass_matches_ocioconvert),
        cmocka_unit_test(file_transform_interpolation_matches_ocioconvert),
        cmocka_unit_test(named_transform_views_match_ocioconvert),
        cmocka_unit_test(checker_reports_display_referred_default),
        cmocka_unit_test(ctf_log_exposure_contrast_matches_ociochecklut),
        cmocka_unit_test(bad_transforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
