/* named_transforms: loading, listing, processors, and conversions that name one, compared with
 * Debian's OpenColorIO 2.1 (`ocioconvert` on a config written here; samples in a PFM image,
 * results read back from EXR), within 1e-5 relative (absolute below 1). Bad definitions fail
 * with the config's file:line:column. Also viewing_rules (the views meant for a colour space),
 * which no Debian OCIO tool exposes: checked against OCIO's documented rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.18f, 0.18f, 0.18f }, { 0.0f, 0.0f, 0.0f }, { 1.0f, 1.0f, 1.0f }, { 0.5f, 0.2f, 0.1f },
    { 0.01f, 0.02f, 0.03f }, { -0.05f, 0.3f, 2.5f }, { 10.0f, 4.0f, 0.001f }, { 0.9f, 0.05f, 0.6f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static const char CONFIG[] =
    "ocio_profile_version: 2.1\n"
    "roles: {default: lin, scene_linear: lin}\n"
    "file_rules:\n  - !<Rule> {name: Default, colorspace: lin}\n"
    "displays:\n  d:\n    - !<View> {name: v, colorspace: lin}\n"
    "colorspaces:\n"
    "  - !<ColorSpace> {name: lin}\n"
    "  - !<ColorSpace>\n    name: log\n"
    "    to_scene_reference: !<LogTransform> {base: 2, direction: inverse}\n"
    "named_transforms:\n"
    "  - !<NamedTransform>\n    name: srgb_curve\n    aliases: [srgb_eotf]\n    family: curves\n"
    "    description: the sRGB curve\n    encoding: sdr-video\n"
    "    transform: !<ExponentWithLinearTransform> {gamma: 2.4, offset: 0.055}\n"
    "  - !<NamedTransform>\n    name: only_inverse\n"
    "    inverse_transform: !<MatrixTransform> {matrix: [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1]}\n"
    "  - !<NamedTransform>\n    name: lmt\n"
    "    transform: !<BuiltinTransform> {style: ACES-LMT - ACES 1.3 Reference Gamut Compression}\n"
    "    inverse_transform: !<CDLTransform> {slope: [1.1, 1, 0.9], power: [1, 1.2, 1]}\n";

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

static void
listing_and_info(void **state)
{
    (void) state;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("named.ocio"));
    write_text(path, CONFIG);
    vfx_ocio_config *cfg = load(path);
    assert_int_equal(vfx_ocio_config_named_transform_count(cfg), 3);
    assert_string_equal(vfx_ocio_config_named_transform_name(cfg, 1), "only_inverse");
    assert_null(vfx_ocio_config_named_transform_name(cfg, 3));
    vfx_ocio_named_transform_info info;
    assert_int_equal(vfx_ocio_config_named_transform_info(cfg, "SRGB_EOTF", &info), VFX_OK); /* alias */
    assert_string_equal(info.name, "srgb_curve");
    assert_string_equal(info.family, "curves");
    assert_string_equal(info.encoding, "sdr-video");
    assert_int_equal(info.has_transform, 1);
    assert_int_equal(info.has_inverse_transform, 0);
    assert_int_equal(vfx_ocio_config_named_transform_info(cfg, "nope", &info), VFX_ERR_NOT_FOUND);
    /* a named transform is not a colour space */
    assert_int_equal(vfx_ocio_config_colorspace_index(cfg, "srgb_curve"), -1);
    /* forward of an inverse-only transform inverts it; inverse uses it as it is */
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_ocio_named_transform_processor_new(cfg, "only_inverse", VFX_DIR_FORWARD, &p), VFX_OK);
    float rgb[3] = { 1, 1, 1 };
    vfx_color_processor_apply_rgb(p, rgb);
    assert_true(fabsf(rgb[0] - 0.5f) < 1e-6f && fabsf(rgb[1] - 1.0f / 3) < 1e-6f && fabsf(rgb[2] - 0.25f) < 1e-6f);
    vfx_color_processor_free(p);
    assert_int_equal(vfx_ocio_named_transform_processor_new(cfg, "only_inverse", VFX_DIR_INVERSE, &p), VFX_OK);
    rgb[0] = rgb[1] = rgb[2] = 1;
    vfx_color_processor_apply_rgb(p, rgb);
    assert_true(rgb[0] == 2 && rgb[1] == 3 && rgb[2] == 4);
    vfx_color_processor_free(p);
    assert_int_equal(vfx_ocio_named_transform_processor_new(cfg, "lin", VFX_DIR_FORWARD, &p), VFX_ERR_NOT_FOUND);
    assert_null(p);
    vfx_ocio_config_free(cfg);
}

static void
conversions_match_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char path[1024], in_path[1024], out_path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("named.ocio"));
    snprintf(in_path, sizeof in_path, "%s", test_tmp("samples.pfm"));
    snprintf(out_path, sizeof out_path, "%s", test_tmp("out.exr"));
    write_text(path, CONFIG);
    write_pfm(in_path);
    vfx_ocio_config *cfg = load(path);
    static const char *const PAIRS[][2] = {
        { "srgb_curve", "lin" }, { "lin", "srgb_eotf" }, { "only_inverse", "log" }, { "log", "only_inverse" },
        { "lmt", "lin" },        { "lin", "lmt" },       { "srgb_curve", "lmt" },
    };
    int failed = 0;
    for (size_t k = 0; k < sizeof PAIRS / sizeof PAIRS[0]; k++) {
        char cmd[4096];
        remove(out_path);
        snprintf(cmd, sizeof cmd, "OCIO='%s' ocioconvert '%s' '%s' '%s' '%s' >/dev/null 2>&1", path, in_path,
                 PAIRS[k][0], out_path, PAIRS[k][1]);
        assert_int_equal(test_run(cmd, NULL, 0), 0);
        float want[N_SAMPLES][3];
        assert_int_equal(read_result(out_path, want), 0);
        vfx_color_processor *p = NULL;
        if (vfx_ocio_processor_new(cfg, PAIRS[k][0], PAIRS[k][1], &p) != VFX_OK)
            fail_msg("%s -> %s: %s", PAIRS[k][0], PAIRS[k][1], vfx_error_message());
        double worst = 0;
        for (int s = 0; s < N_SAMPLES; s++) {
            float got[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] };
            vfx_color_processor_apply_rgb(p, got);
            for (int c = 0; c < 3; c++) {
                double e = fabs((double) got[c] - want[s][c]) / fmax(1.0, fabs(want[s][c]));
                worst = fmax(worst, e);
                if (!(e <= 1e-5)) {
                    failed++;
                    print_message("%s -> %s (%g %g %g) ch %d: vfx %.7g OCIO %.7g\n", PAIRS[k][0], PAIRS[k][1],
                                  SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2], c, got[c], want[s][c]);
                }
            }
        }
        print_message("%s -> %s: max error %.2g\n", PAIRS[k][0], PAIRS[k][1], worst);
        vfx_color_processor_free(p);
    }
    vfx_ocio_config_free(cfg);
    assert_int_equal(failed, 0);
}

/* Each bad definition is refused at load with the place and the reason. */
static void
bad_named_transforms(void **state)
{
    (void) state;
    static const struct {
        const char *yaml, *expect;
    } CASES[] = {
        { "  - !<NamedTransform> {name: a, transform: !<MatrixTransform> {}}\n"
          "  - !<NamedTransform> {name: A, transform: !<MatrixTransform> {}}\n",
          "named transform 'A' defined twice" },
        { "  - !<NamedTransform> {name: a}\n", "has neither transform nor inverse_transform" },
        { "  - !<NamedTransform> {name: lin, transform: !<MatrixTransform> {}}\n", "has the name of a colour space" },
        { "  - !<NamedTransform> {transform: !<MatrixTransform> {}}\n", "named transform without a name" },
        { "  - !<NamedTransform> {name: a, transform: !<FileTransform> {src: missing.cube}}\n", "missing.cube" },
        { "  - !<NamedTransform> {name: a, transform: !<ColorSpaceTransform> {src: lin, dst: nope}}\n",
          "'nope'" },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "ocio_profile_version: 2.1\nroles: {default: lin}\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n"
                 "named_transforms:\n%s",
                 CASES[i].yaml);
        vfx_ocio_config *cfg = NULL;
        vfx_status st = vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "bad.ocio", &cfg);
        if (st == VFX_OK) {
            /* a missing LUT is reported when a processor needs it, as OCIO does */
            vfx_color_processor *p = NULL;
            st = vfx_ocio_named_transform_processor_new(cfg, "a", VFX_DIR_FORWARD, &p);
            vfx_color_processor_free(p);
            vfx_ocio_config_free(cfg);
        }
        assert_int_not_equal(st, VFX_OK);
        if (!strstr(vfx_error_message(), CASES[i].expect) || !strstr(vfx_error_message(), "bad.ocio"))
            fail_msg("case %d: '%s' does not say '%s'", (int) i, vfx_error_message(), CASES[i].expect);
    }
    /* OCIO 2.1's validation refuses a ColorSpaceTransform naming a named transform; so does vfx */
    const char *cst = "ocio_profile_version: 2.1\nroles: {default: lin}\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n"
                      "  - !<ColorSpace>\n    name: b\n    to_scene_reference: !<ColorSpaceTransform> {src: nt, dst: lin}\n"
                      "named_transforms:\n  - !<NamedTransform> {name: nt, transform: !<MatrixTransform> {}}\n";
    vfx_ocio_config *cfg = NULL;
    assert_int_equal(vfx_ocio_config_new_from_memory(cst, strlen(cst), NULL, "cst.ocio", &cfg), VFX_ERR_CORRUPT);
    assert_non_null(strstr(vfx_error_message(), "cst.ocio:7:"));
}

static void
viewing_rules(void **state)
{
    (void) state;
    static const char TEXT[] =
        "ocio_profile_version: 2.1\n"
        "roles: {default: lin, scene_linear: lin, compositing_log: lg}\n"
        "colorspaces:\n"
        "  - !<ColorSpace> {name: lin, encoding: scene-linear}\n"
        "  - !<ColorSpace> {name: lg, aliases: [logc], encoding: log}\n"
        "  - !<ColorSpace> {name: vid, encoding: sdr-video}\n"
        "viewing_rules:\n"
        "  - !<Rule> {name: linear, encodings: scene-linear}\n"
        "  - !<Rule> {name: logs, colorspaces: [compositing_log, vid]}\n"
        "displays:\n"
        "  d:\n"
        "    - !<View> {name: any, colorspace: vid}\n"
        "    - !<View> {name: for_linear, colorspace: vid, rule: linear}\n"
        "    - !<View> {name: for_logs, colorspace: vid, rule: logs}\n";
    vfx_ocio_config *cfg = NULL;
    if (vfx_ocio_config_new_from_memory(TEXT, strlen(TEXT), NULL, "rules.ocio", &cfg) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    assert_int_equal(vfx_ocio_config_view_count(cfg, "d"), 3); /* all views, without a colour space */
    assert_int_equal(vfx_ocio_config_view_count_for(cfg, "d", "lin"), 2);
    assert_string_equal(vfx_ocio_config_view_name_for(cfg, "d", "lin", 0), "any");
    assert_string_equal(vfx_ocio_config_view_name_for(cfg, "d", "lin", 1), "for_linear");
    assert_int_equal(vfx_ocio_config_view_count_for(cfg, "d", "LOGC"), 2); /* alias; listed by role */
    assert_string_equal(vfx_ocio_config_view_name_for(cfg, "d", "logc", 1), "for_logs");
    assert_int_equal(vfx_ocio_config_view_count_for(cfg, "d", "vid"), 2);
    assert_null(vfx_ocio_config_view_name_for(cfg, "d", "vid", 2));
    assert_int_equal(vfx_ocio_config_view_count_for(cfg, "d", "nope"), 0);
    assert_int_equal(vfx_ocio_config_view_count_for(cfg, "nope", "lin"), 0);
    vfx_ocio_config_free(cfg);
    /* bad rules are refused at load */
    static const struct {
        const char *rules, *view_rule, *expect;
    } BAD[] = {
        { "  - !<Rule> {name: r, colorspaces: [missing]}\n", "r", "refers to colour space 'missing'" },
        { "  - !<Rule> {name: r}\n", "r", "needs colorspaces or encodings" },
        { "  - !<Rule> {name: r, encodings: log}\n", "other", "viewing rule 'other', which is not defined" },
        { "  - !<Rule> {name: r, encodings: log}\n  - !<Rule> {name: R, encodings: log}\n", "r", "defined twice" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "ocio_profile_version: 2.1\nroles: {default: lin}\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n"
                 "viewing_rules:\n%sdisplays:\n  d:\n    - !<View> {name: v, colorspace: lin, rule: %s}\n",
                 BAD[i].rules, BAD[i].view_rule);
        assert_int_equal(vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "badrule.ocio", &cfg),
                         VFX_ERR_CORRUPT);
        if (!strstr(vfx_error_message(), BAD[i].expect) || !strstr(vfx_error_message(), "badrule.ocio:"))
            fail_msg("case %d: '%s'", (int) i, vfx_error_message());
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listing_and_info),
        cmocka_unit_test(conversions_match_ocioconvert),
        cmocka_unit_test(bad_named_transforms),
        cmocka_unit_test(viewing_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
