/* OCIO config loading: every config under testdata/ocio, the built-in config, bad configs with
 * precise errors, context variables and search paths, active display/view overrides. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "core/core_int.h"

static vfx_ocio_config *
load_str(const char *text)
{
    vfx_ocio_config *c = NULL;
    vfx_status s = vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "t.ocio", &c);
    if (s != VFX_OK)
        fail_msg("load: %s", vfx_error_message());
    return c;
}

static void
expect_error(const char *text, vfx_status code, const char *msg_part)
{
    vfx_ocio_config *c = NULL;
    vfx_status s = vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "t.ocio", &c);
    assert_null(c);
    if (s != code || !strstr(vfx_error_message(), msg_part))
        fail_msg("got %s '%s', want %s containing '%s'", vfx_status_name(s), vfx_error_message(),
                 vfx_status_name(code), msg_part);
}

/* ---- testdata configs ----------------------------------------------------------------------- */

static void
testdata_configs(void **state)
{
    (void) state;
    static const struct {
        const char *path;
        vfx_status  want;
        int32_t     n_cs;
    } CASES[] = {
        { "ocio/aces/cg-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio", VFX_OK, 20 },
        /* newer than OCIO 2.1 can read; vfx reads them (unknown keys are ignored) */
        { "ocio/aces/cg-config-v4.0.0_aces-v2.0_ocio-v2.5.ocio", VFX_OK, 27 },
        { "ocio/aces/studio-config-v2.1.0_aces-v1.3_ocio-v2.3.ocio", VFX_OK, 52 },
        { "ocio/context_test1/config.ocio", VFX_OK, 13 },
        { "ocio/demo/ocio-v2_demo.ocio", VFX_OK, 14 },
        { "ocio/sharktacos-OCIOv1-VFX/OCIOv1_config_VFX.ocio", VFX_OK, 20 },
        { "ocio/mergeconfigs/merged3/input.ocio", VFX_OK, 5 },
        /* a look whose process space is undefined (ociocheck rejects it too) */
        { "ocio/mergeconfigs/merged3/base.ocio", VFX_ERR_CORRUPT, 0 },
        /* a merge recipe, not a config */
        { "ocio/mergeconfigs/merged3/merged.ociom", VFX_ERR_CORRUPT, 0 },
        /* .ocioz archives (OCIO 2.2; more in test_ocioz.c); an empty zip has no config.ocio */
        { "ocio/context_test1/context_test1_linux.ocioz", VFX_OK, 13 },
        { "ocio/context_test1/context_test1_windows.ocioz", VFX_OK, 13 },
        { "ocio/ocioz/empty.ocioz", VFX_ERR_CORRUPT, 0 },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        vfx_ocio_config *c = NULL;
        vfx_status s = vfx_ocio_config_new_from_file(test_data(CASES[i].path), &c);
        print_message("%s: %s %s\n", CASES[i].path, vfx_status_name(s), s ? vfx_error_message() : "");
        if (s != CASES[i].want)
            fail_msg("%s: %s (%s)", CASES[i].path, vfx_status_name(s), vfx_error_message());
        if (s != VFX_OK) {
            assert_null(c);
            assert_non_null(strstr(vfx_error_message(), CASES[i].path));
            continue;
        }
        assert_int_equal(vfx_ocio_config_colorspace_count(c), CASES[i].n_cs);
        /* every space to every role and back compiles, or fails cleanly */
        for (int32_t k = 0; k < vfx_ocio_config_colorspace_count(c); k++) {
            vfx_color_processor *p = NULL;
            const char *name = vfx_ocio_config_colorspace_name(c, k);
            assert_int_equal(vfx_ocio_config_colorspace_index(c, name), k);
            s = vfx_ocio_processor_new(c, name, vfx_ocio_config_colorspace_name(c, 0), &p);
            assert_true(s == VFX_OK || s == VFX_ERR_UNSUPPORTED || s == VFX_ERR_NOT_FOUND);
            assert_true((s == VFX_OK) == (p != NULL));
            vfx_color_processor_free(p);
        }
        vfx_ocio_config_free(c);
    }
    vfx_ocio_config_free(NULL);
}

static void
aces_cg_queries(void **state)
{
    (void) state;
    vfx_ocio_config *c = NULL;
    assert_int_equal(vfx_ocio_config_new_from_file(
                         test_data("ocio/aces/cg-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio"), &c), VFX_OK);
    assert_int_equal(vfx_ocio_config_version_major(c), 2);
    assert_int_equal(vfx_ocio_config_version_minor(c), 1);
    assert_string_equal(vfx_ocio_config_role_colorspace(c, "scene_linear"), "ACEScg");
    assert_string_equal(vfx_ocio_config_role_colorspace(c, "aces_interchange"), "ACES2065-1");
    /* aliases and roles name spaces too, case-insensitively */
    assert_int_equal(vfx_ocio_config_colorspace_index(c, "acescg"), vfx_ocio_config_colorspace_index(c, "ACEScg"));
    assert_int_equal(vfx_ocio_config_colorspace_index(c, "lin_ap1"), vfx_ocio_config_colorspace_index(c, "ACEScg"));
    assert_int_equal(vfx_ocio_config_colorspace_index(c, "SCENE_LINEAR"), vfx_ocio_config_colorspace_index(c, "ACEScg"));
    assert_int_equal(vfx_ocio_config_colorspace_index(c, "nope"), -1);
    vfx_ocio_colorspace_info ci;
    assert_int_equal(vfx_ocio_config_colorspace_info(c, "ACEScct", &ci), VFX_OK);
    assert_string_equal(ci.encoding, "log");
    assert_string_equal(ci.family, "ACES");
    assert_int_equal(ci.isdata, 0);
    assert_int_equal(ci.is_display, 0);
    assert_true(ci.has_to_reference);
    assert_int_equal(vfx_ocio_config_colorspace_info(c, "sRGB - Display", &ci), VFX_OK);
    assert_int_equal(ci.is_display, 1);
    assert_int_equal(vfx_ocio_config_colorspace_info(c, "Raw", &ci), VFX_OK);
    assert_int_equal(ci.isdata, 1);
    assert_int_equal(vfx_ocio_config_colorspace_info(c, "nope", &ci), VFX_ERR_NOT_FOUND);
    /* displays, shared views, view transforms */
    assert_string_equal(vfx_ocio_config_default_display(c), "sRGB - Display");
    assert_string_equal(vfx_ocio_config_default_view(c, "sRGB - Display"), "ACES 1.0 - SDR Video");
    vfx_ocio_view_info vi;
    assert_int_equal(vfx_ocio_config_view_info(c, "sRGB - Display", "Un-tone-mapped", &vi), VFX_OK);
    assert_string_equal(vi.view_transform, "Un-tone-mapped");
    assert_string_equal(vi.display_colorspace, "sRGB - Display"); /* <USE_DISPLAY_NAME> */
    assert_int_equal(vfx_ocio_config_look_count(c), 1);
    assert_int_equal(vfx_ocio_config_view_transform_count(c), 5);
    /* Raw views and data spaces are identities */
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_ocio_display_processor_new(c, "ACEScg", "sRGB - Display", "Raw", NULL,
                                                    VFX_DIR_FORWARD, &p), VFX_OK);
    assert_int_equal(vfx_color_processor_op_count(p), 0);
    vfx_color_processor_free(p);
    /* the ACES 1.0 output transform views (values: test_conformance.c, test_aces.c) */
    assert_int_equal(vfx_ocio_display_processor_new(c, "ACEScg", "sRGB - Display", "ACES 1.0 - SDR Video",
                                                    NULL, VFX_DIR_FORWARD, &p), VFX_OK);
    assert_true(vfx_color_processor_op_count(p) > 10);
    vfx_color_processor_free(p);
    p = NULL;
    /* round trip ACEScct -> ACEScg -> ACEScct */
    vfx_color_processor *f = NULL, *g = NULL;
    assert_int_equal(vfx_ocio_processor_new(c, "ACEScct", "ACEScg", &f), VFX_OK);
    assert_int_equal(vfx_ocio_processor_new(c, "ACEScg", "ACEScct", &g), VFX_OK);
    float v[3] = { 0.4135884f, 0.2f, 0.6f };
    vfx_color_processor_apply_rgb(f, v);
    assert_float_equal(v[0], 0.18f, 1e-5);
    vfx_color_processor_apply_rgb(g, v);
    assert_float_equal(v[0], 0.4135884f, 1e-5);
    assert_float_equal(v[1], 0.2f, 1e-5);
    vfx_color_processor_free(f);
    vfx_color_processor_free(g);
    vfx_ocio_config_free(c);
}

/* ---- the built-in config ----------------------------------------------------------------- */

static void
builtin_config(void **state)
{
    (void) state;
    vfx_ocio_config *c = NULL;
    assert_int_equal(vfx_ocio_config_new_builtin(&c), VFX_OK);
    assert_string_equal(vfx_ocio_config_name(c), "vfx-default-1");
    const char *need[] = { "Linear Rec.709 (sRGB)", "sRGB Encoded Rec.709 (sRGB)", "Linear Rec.2020",
                           "sRGB Encoded P3-D65", "ACES2065-1", "ACEScg", "ACEScct", "CIE XYZ D65",
                           "ARRI LogC3 (EI800) AWG3", "Sony S-Log3 S-Gamut3", "Panasonic V-Log V-Gamut",
                           "RED Log3G10 REDWideGamutRGB", "Raw", "srgb", "lin_srgb" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        assert_true(vfx_ocio_config_colorspace_index(c, need[i]) >= 0);
    assert_string_equal(vfx_ocio_config_role_colorspace(c, "scene_linear"), "Linear Rec.709 (sRGB)");
    assert_string_equal(vfx_ocio_config_role_colorspace(c, "data"), "Raw");
    assert_string_equal(vfx_ocio_config_role_colorspace(c, "compositing_log"), "ACEScct");
    assert_int_equal(vfx_ocio_config_display_count(c), 5);
    const char *disp[] = { "sRGB", "Rec.1886 / Rec.709", "Display P3", "Rec.2100-PQ", "Rec.2100-HLG" };
    for (int i = 0; i < 5; i++) {
        assert_string_equal(vfx_ocio_config_display_name(c, i), disp[i]);
        assert_string_equal(vfx_ocio_config_default_view(c, disp[i]), "Standard");
        vfx_color_processor *p = NULL;
        assert_int_equal(vfx_ocio_display_processor_new(c, "scene_linear", disp[i], "Standard", NULL,
                                                        VFX_DIR_FORWARD, &p), VFX_OK);
        vfx_color_processor_free(p);
    }
    /* every space from scene_linear compiles, and to it except the OpenDRT renderings (no
     * inverse) */
    for (int32_t k = 0; k < vfx_ocio_config_colorspace_count(c); k++) {
        vfx_color_processor *p = NULL;
        const char *name = vfx_ocio_config_colorspace_name(c, k);
        assert_int_equal(vfx_ocio_processor_new(c, "scene_linear", name, &p), VFX_OK);
        vfx_color_processor_free(p);
        p = NULL;
        vfx_status want = strncmp(name, "OpenDRT", 7) == 0 ? VFX_ERR_UNSUPPORTED : VFX_OK;
        assert_int_equal(vfx_ocio_processor_new(c, name, "scene_linear", &p), want);
        vfx_color_processor_free(p);
    }
    /* linear 0.18 grey -> sRGB display: 0.4613561 */
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_ocio_display_processor_new(c, "lin_srgb", "sRGB", "Standard", NULL, VFX_DIR_FORWARD,
                                                    &p), VFX_OK);
    float v[3] = { 0.18f, 0.18f, 0.18f };
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[1], 0.4613561f, 2e-6);
    vfx_color_processor_free(p);
    vfx_ocio_config_free(c);

    /* $OCIO unset: the built-in config; set: that file */
    unsetenv("OCIO");
    assert_int_equal(vfx_ocio_config_new_from_env(&c), VFX_OK);
    assert_string_equal(vfx_ocio_config_name(c), "vfx-default-1");
    vfx_ocio_config_free(c);
    setenv("OCIO", test_data("ocio/demo/ocio-v2_demo.ocio"), 1);
    assert_int_equal(vfx_ocio_config_new_from_env(&c), VFX_OK);
    assert_string_equal(vfx_ocio_config_name(c), "OCIOv2-demo_2021-02-03");
    vfx_ocio_config_free(c);
    unsetenv("OCIO");
}

/* The vfx extension styles in the built-in config: the OpenDRT view of each display is the
 * OpenDRT view of the colour engine, and VSF RGB the spectral engine's conversion. */
static void
builtin_extensions(void **state)
{
    (void) state;
    vfx_ocio_config *c = NULL;
    assert_int_equal(vfx_ocio_config_new_builtin(&c), VFX_OK);
    static const struct {
        const char *display, *style;
    } drt[] = {
        { "sRGB", "vfx:opendrt:100:rec709:srgb" },
        { "Rec.1886 / Rec.709", "vfx:opendrt:100:rec709:bt1886" },
        { "Display P3", "vfx:opendrt:100:p3d65:srgb" },
        { "Rec.2100-PQ", "vfx:opendrt:1000:rec2020:pq" },
        { "Rec.2100-HLG", "vfx:opendrt:1000:rec2020:hlg" },
    };
    static const float in[4][3] = { { 0.18f, 0.18f, 0.18f }, { 1.5f, 0.2f, 0.05f }, { 0.01f, 0.3f, 4.0f },
                                    { 16.0f, 12.0f, 9.0f } };
    for (size_t i = 0; i < sizeof drt / sizeof drt[0]; i++) {
        vfx_color_processor *p = NULL, *q = NULL;
        assert_int_equal(vfx_ocio_display_processor_new(c, "ACES2065-1", drt[i].display, "OpenDRT", NULL,
                                                        VFX_DIR_FORWARD, &p), VFX_OK);
        assert_int_equal(vfx_opendrt_view_new(drt[i].style, VFX_PRIMARIES_ACES_AP0, &q), VFX_OK);
        for (int k = 0; k < 4; k++) {
            float a[3] = { in[k][0], in[k][1], in[k][2] }, b[3] = { in[k][0], in[k][1], in[k][2] };
            vfx_color_processor_apply_rgb(p, a);
            vfx_color_processor_apply_rgb(q, b);
            for (int ch = 0; ch < 3; ch++)
                assert_float_equal(a[ch], b[ch], 1e-6);
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
        /* from scene-linear Rec.709 too (through ACES2065-1 and back to the D65 white) */
        assert_int_equal(vfx_ocio_display_processor_new(c, "lin_srgb", drt[i].display, "OpenDRT", NULL,
                                                        VFX_DIR_FORWARD, &p), VFX_OK);
        assert_int_equal(vfx_opendrt_view_new(drt[i].style, VFX_PRIMARIES_REC709, &q), VFX_OK);
        for (int k = 0; k < 4; k++) {
            float a[3] = { in[k][0], in[k][1], in[k][2] }, b[3] = { in[k][0], in[k][1], in[k][2] };
            vfx_color_processor_apply_rgb(p, a);
            vfx_color_processor_apply_rgb(q, b);
            for (int ch = 0; ch < 3; ch++)
                assert_float_equal(a[ch], b[ch], 2e-5);
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
    /* VSF RGB (linear and gamma 2) -> ACES2065-1 */
    const char *vsf[2] = { "VSF RGB", "VSF RGB gamma 2" };
    for (int i = 0; i < 2; i++) {
        vfx_color_processor *p = NULL, *q = NULL;
        assert_int_equal(vfx_ocio_processor_new(c, vsf[i], "ACES2065-1", &p), VFX_OK);
        assert_int_equal(vfx_vsf_processor_from_name(vsf[i], VFX_PRIMARIES_ACES_AP0, VFX_DIR_INVERSE, &q), VFX_OK);
        for (int k = 0; k < 4; k++) {
            float a[3] = { in[k][0], in[k][1], in[k][2] }, b[3] = { in[k][0], in[k][1], in[k][2] };
            vfx_color_processor_apply_rgb(p, a);
            vfx_color_processor_apply_rgb(q, b);
            for (int ch = 0; ch < 3; ch++)
                assert_float_equal(a[ch], b[ch], 1e-6 * fmax(1.0, fabs(b[ch])));
        }
        vfx_color_processor_free(p);
        vfx_color_processor_free(q);
    }
    vfx_ocio_config_free(c);
    /* the styles in a user config: as BuiltinTransform, or as a group's vfx_style */
    c = load_str("ocio_profile_version: 2\n"
                 "roles: {reference: lin}\n"
                 "colorspaces:\n"
                 "  - !<ColorSpace> {name: lin}\n"
                 "  - !<ColorSpace>\n    name: drt\n"
                 "    from_scene_reference: !<BuiltinTransform> {style: vfx:opendrt:600:p3d65:pq}\n"
                 "  - !<ColorSpace>\n    name: bad\n"
                 "    from_scene_reference: !<BuiltinTransform> {style: vfx:opendrt:100:rec709:nope}\n"
                 "  - !<ColorSpace>\n    name: v\n"
                 "    to_scene_reference: !<GroupTransform> {vfx_style: vfx:vsf_rgb, children: []}\n");
    vfx_color_processor *p = NULL, *q = NULL;
    assert_int_equal(vfx_ocio_processor_new(c, "lin", "drt", &p), VFX_OK);
    assert_int_equal(vfx_opendrt_view_new("vfx:opendrt:600:p3d65:pq", VFX_PRIMARIES_ACES_AP0, &q), VFX_OK);
    float a[3] = { 0.3f, 0.2f, 0.1f }, b[3] = { 0.3f, 0.2f, 0.1f };
    vfx_color_processor_apply_rgb(p, a);
    vfx_color_processor_apply_rgb(q, b);
    for (int ch = 0; ch < 3; ch++)
        assert_float_equal(a[ch], b[ch], 1e-7);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    p = NULL;
    assert_int_equal(vfx_ocio_processor_new(c, "drt", "lin", &p), VFX_ERR_UNSUPPORTED);
    assert_int_not_equal(vfx_ocio_processor_new(c, "lin", "bad", &p), VFX_OK);
    assert_null(p);
    assert_int_equal(vfx_ocio_processor_new(c, "v", "lin", &p), VFX_OK);
    vfx_color_processor_free(p);
    vfx_ocio_config_free(c);
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<BuiltinTransform> {style: vfx:nothing}\n",
                 VFX_ERR_CORRUPT, "unknown BuiltinTransform style 'vfx:nothing'");
}

/* The built-in config text passes OpenColorIO's own checker. */
static void
builtin_passes_ociocheck(void **state)
{
    (void) state;
    if (!test_have_tool("ociocheck")) {
        print_message("ociocheck not installed: skipped\n");
        return;
    }
    const char *path = test_tmp("vfx_builtin.ocio");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(vfx_ocio_builtin_config_text(), f);
    fclose(f);
    char cmd[2048], out[65536];
    snprintf(cmd, sizeof cmd, "ociocheck --iconfig '%s' 2>&1", path);
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0 || !strstr(out, "passed"))
        fail_msg("ociocheck rc %d:\n%s", rc, out);
}

/* ---- bad configs ---------------------------------------------------------------------------- */

static void
bad_configs(void **state)
{
    (void) state;
    expect_error("ocio_profile_version: 2\nroles: [a\n", VFX_ERR_CORRUPT, "t.ocio:3:1:");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace> {name: a}\n  - !<ColorSpace> {name: a}\n",
                 VFX_ERR_CORRUPT, "t.ocio:4:5: colour space 'a' defined twice");
    expect_error("ocio_profile_version: 2\nroles: {scene_linear: b}\ncolorspaces:\n  - !<ColorSpace> {name: a}\n",
                 VFX_ERR_CORRUPT, "role 'scene_linear' refers to colour space 'b'");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<FooTransform> {}\n",
                 VFX_ERR_CORRUPT, "t.ocio:5:19: unknown transform !<FooTransform>");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<ColorSpaceTransform> {src: a, dst: zz}\n",
                 VFX_ERR_CORRUPT, "t.ocio:5:19: colour space 'zz' is not defined");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<MatrixTransform> {matrix: [1, 2, x]}\n",
                 VFX_ERR_CORRUPT, "t.ocio:5:");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<MatrixTransform> {direction: sideways}\n",
                 VFX_ERR_CORRUPT, "direction must be forward or inverse");
    /* negative styles each exponent type has (as OCIO 2.1) */
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<ExponentWithLinearTransform> {gamma: 2.2, offset: 0.1, style: clamp}\n",
                 VFX_ERR_CORRUPT, "t.ocio:5:83: style 'clamp' is not valid for ExponentWithLinearTransform");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<ExponentTransform> {value: 2.2, style: linear}\n",
                 VFX_ERR_CORRUPT, "style 'linear' is not valid for ExponentTransform");
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: !<ExponentWithLinearTransform> {gamma: 0.5, offset: 0.1}\n",
                 VFX_ERR_CORRUPT, "needs gamma >= 1");
    expect_error("ocio_profile_version: 2\ndisplays:\n  d:\n    - !<View> {name: v, colorspace: nope}\n",
                 VFX_ERR_CORRUPT, "t.ocio:4:7: view refers to colour space 'nope'");
    expect_error("ocio_profile_version: 2\ndisplays:\n  d:\n    - !<Views> [missing]\n",
                 VFX_ERR_CORRUPT, "shared view 'missing' is not defined");
    expect_error("ocio_profile_version: 3\n", VFX_ERR_UNSUPPORTED, "ocio_profile_version 3");
    expect_error("roles: {}\n", VFX_ERR_CORRUPT, "ocio_profile_version is missing");
    expect_error("", VFX_ERR_CORRUPT, "empty config");
    expect_error("- a\n- b\n", VFX_ERR_CORRUPT, "t.ocio:1:1:");
    /* a cycle through aliases and a group that refers to itself */
    expect_error("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace>\n    name: a\n"
                 "    to_reference: &g !<GroupTransform> {children: [*g]}\n",
                 VFX_ERR_CORRUPT, "nested too deeply");
    /* a space converting through itself fails when used, without recursing forever */
    vfx_ocio_config *c = load_str("ocio_profile_version: 2\ncolorspaces:\n  - !<ColorSpace> {name: r}\n"
                                  "  - !<ColorSpace>\n    name: a\n"
                                  "    to_reference: !<ColorSpaceTransform> {src: a, dst: r}\n");
    vfx_color_processor *p = NULL;
    assert_int_equal(vfx_ocio_processor_new(c, "a", "r", &p), VFX_ERR_CORRUPT);
    assert_null(p);
    assert_int_equal(vfx_ocio_processor_new(c, "a", "nope", &p), VFX_ERR_NOT_FOUND);
    vfx_ocio_config_free(c);
    assert_int_equal(vfx_ocio_config_new_from_file("/nonexistent/x.ocio", &c), VFX_ERR_IO);
}

/* ---- transforms ------------------------------------------------------------------------------ */

static void
transforms_and_inverse(void **state)
{
    (void) state;
    vfx_ocio_config *c = load_str(
        "ocio_profile_version: 2\n"
        "roles: {reference: lin}\n"
        "colorspaces:\n"
        "  - !<ColorSpace> {name: lin}\n"
        "  - !<ColorSpace>\n    name: m\n"
        "    from_reference: !<MatrixTransform> {matrix: [2,0,0,0, 0,3,0,0, 0,0,4,0, 0,0,0,1], offset: [0.1,0.2,0.3,0]}\n"
        "  - !<ColorSpace>\n    name: g\n"
        "    to_reference: !<GroupTransform>\n"
        "      children:\n"
        "        - !<ExponentTransform> {value: [2.2, 2.2, 2.2, 1]}\n"
        "        - !<RangeTransform> {min_in_value: 0, max_in_value: 1, min_out_value: 0, max_out_value: 2, style: noClamp}\n"
        "        - !<LogAffineTransform> {base: 10, log_side_slope: 0.5, lin_side_offset: 1, direction: inverse}\n"
        "  - !<ColorSpace>\n    name: cdl\n"
        "    to_reference: !<CDLTransform> {slope: [1.1, 1, 0.9], offset: [0.01, 0, -0.01], power: [1, 1.2, 1], sat: 0.9}\n"
        "  - !<ColorSpace>\n    name: gi\n"
        "    to_reference: !<GroupTransform> {direction: inverse, children: [!<ColorSpaceTransform> {src: lin, dst: g}]}\n");
    vfx_color_processor *p = NULL;
    /* matrix with offset */
    assert_int_equal(vfx_ocio_processor_new(c, "lin", "m", &p), VFX_OK);
    float v[3] = { 1, 1, 1 };
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 2.1f, 1e-6);
    assert_float_equal(v[1], 3.2f, 1e-6);
    assert_float_equal(v[2], 4.3f, 1e-6);
    vfx_color_processor_free(p);
    assert_int_equal(vfx_ocio_processor_new(c, "m", "lin", &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 1.0f, 1e-6);
    assert_float_equal(v[2], 1.0f, 1e-6);
    vfx_color_processor_free(p);
    /* group: x^2.2 * 2, then antilog-affine: (10^(y / 0.5) - 1) */
    assert_int_equal(vfx_ocio_processor_new(c, "g", "lin", &p), VFX_OK);
    float w[3] = { 0.5f, 0.25f, 0.1f };
    vfx_color_processor_apply_rgb(p, w);
    for (int i = 0; i < 3; i++) {
        double x = i == 0 ? 0.5 : i == 1 ? 0.25 : 0.1;
        double want = pow(10.0, 2.0 * pow(x, 2.2) / 0.5) - 1.0;
        assert_float_equal(w[i], want, 1e-5 * fmax(1.0, want));
    }
    vfx_color_processor_free(p);
    /* an inverted group of a colour-space transform is the forward g -> lin */
    vfx_color_processor *q = NULL;
    assert_int_equal(vfx_ocio_processor_new(c, "gi", "lin", &q), VFX_OK);
    float u[3] = { 0.5f, 0.25f, 0.1f };
    vfx_color_processor_apply_rgb(q, u);
    float t[3] = { 0.5f, 0.25f, 0.1f };
    assert_int_equal(vfx_ocio_processor_new(c, "g", "lin", &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, t);
    for (int i = 0; i < 3; i++)
        assert_float_equal(u[i], t[i], 1e-6);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    /* CDL (ASC clamp) round trip inside [0, 1] */
    assert_int_equal(vfx_ocio_processor_new(c, "cdl", "lin", &p), VFX_OK);
    assert_int_equal(vfx_ocio_processor_new(c, "lin", "cdl", &q), VFX_OK);
    float k[3] = { 0.4f, 0.5f, 0.6f };
    vfx_color_processor_apply_rgb(p, k);
    vfx_color_processor_apply_rgb(q, k);
    assert_float_equal(k[0], 0.4f, 1e-5);
    assert_float_equal(k[1], 0.5f, 1e-5);
    assert_float_equal(k[2], 0.6f, 1e-5);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    vfx_ocio_config_free(c);
}

static void
looks_and_views(void **state)
{
    (void) state;
    vfx_ocio_config *c = load_str(
        "ocio_profile_version: 2\n"
        "roles: {reference: lin}\n"
        "shared_views:\n"
        "  - !<View> {name: Lin, colorspace: lin}\n"
        "displays:\n"
        "  d1:\n"
        "    - !<View> {name: Graded, colorspace: lin, looks: +grade}\n"
        "    - !<Views> [Lin]\n"
        "  d2:\n"
        "    - !<View> {name: Graded, colorspace: lin, looks: \"-grade\"}\n"
        "active_displays: [d2, d1]\n"
        "looks:\n"
        "  - !<Look>\n    name: grade\n    process_space: twice\n"
        "    transform: !<MatrixTransform> {offset: [0.1, 0.1, 0.1, 0]}\n"
        "colorspaces:\n"
        "  - !<ColorSpace> {name: lin}\n"
        "  - !<ColorSpace>\n    name: twice\n"
        "    from_reference: !<MatrixTransform> {matrix: [2,0,0,0, 0,2,0,0, 0,0,2,0, 0,0,0,1]}\n");
    assert_int_equal(vfx_ocio_config_display_count(c), 2);
    assert_string_equal(vfx_ocio_config_default_display(c), "d2"); /* active order */
    assert_int_equal(vfx_ocio_config_view_count(c, "d1"), 2);
    assert_string_equal(vfx_ocio_config_view_name(c, "d1", 1), "Lin");
    vfx_color_processor *p = NULL;
    float v[3] = { 1, 1, 1 };
    /* lin -> twice (x2) -> +0.1 -> lin (/2): 1.05 */
    assert_int_equal(vfx_ocio_display_processor_new(c, "lin", "d1", "Graded", NULL, VFX_DIR_FORWARD, &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 1.05f, 1e-6);
    vfx_color_processor_free(p);
    /* the inverse look: 0.95 */
    v[0] = 1;
    assert_int_equal(vfx_ocio_display_processor_new(c, "lin", "d2", "Graded", NULL, VFX_DIR_FORWARD, &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 0.95f, 1e-6);
    vfx_color_processor_free(p);
    /* looks overridden (none), and the inverse direction */
    v[0] = 1;
    assert_int_equal(vfx_ocio_display_processor_new(c, "lin", "d1", "Graded", "", VFX_DIR_FORWARD, &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 1.0f, 1e-6);
    vfx_color_processor_free(p);
    v[0] = 1.05f;
    assert_int_equal(vfx_ocio_display_processor_new(c, "lin", "d1", "Graded", NULL, VFX_DIR_INVERSE, &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 1.0f, 1e-6);
    vfx_color_processor_free(p);
    /* look processor between spaces */
    v[0] = 1;
    assert_int_equal(vfx_ocio_look_processor_new(c, "lin", "twice", "grade", &p), VFX_OK);
    vfx_color_processor_apply_rgb(p, v);
    assert_float_equal(v[0], 2.1f, 1e-6);
    vfx_color_processor_free(p);
    assert_int_equal(vfx_ocio_look_processor_new(c, "lin", "twice", "nolook", &p), VFX_ERR_NOT_FOUND);
    vfx_ocio_config_free(c);

    /* $OCIO_ACTIVE_DISPLAYS / $OCIO_ACTIVE_VIEWS override the config */
    setenv("OCIO_ACTIVE_DISPLAYS", "d1", 1);
    setenv("OCIO_ACTIVE_VIEWS", "Lin:Graded", 1);
    c = load_str("ocio_profile_version: 2\ndisplays:\n  d1:\n    - !<View> {name: Graded, colorspace: lin}\n"
                 "    - !<View> {name: Lin, colorspace: lin}\n  d2:\n    - !<View> {name: Lin, colorspace: lin}\n"
                 "active_displays: [d2]\ncolorspaces:\n  - !<ColorSpace> {name: lin}\n");
    assert_int_equal(vfx_ocio_config_display_count(c), 1);
    assert_string_equal(vfx_ocio_config_display_name(c, 0), "d1");
    assert_string_equal(vfx_ocio_config_default_view(c, "d1"), "Lin");
    vfx_ocio_config_free(c);
    unsetenv("OCIO_ACTIVE_DISPLAYS");
    unsetenv("OCIO_ACTIVE_VIEWS");
}

/* ---- context variables and search paths ----------------------------------------------------- */

static void
context_and_search_path(void **state)
{
    (void) state;
    unsetenv("SHOT");
    vfx_ocio_config *c = NULL;
    assert_int_equal(vfx_ocio_config_new_from_file(test_data("ocio/context_test1/config.ocio"), &c), VFX_OK);
    char buf[4096];
    assert_int_equal(vfx_ocio_config_expand(c, "a/$SHOT/${CCCID}_x/$UNKNOWN", buf, sizeof buf), VFX_OK);
    assert_string_equal(buf, "a/shot4/look-02_x/$UNKNOWN");
    /* the first search path entry is ./$SHOT = shot4 */
    assert_int_equal(vfx_ocio_config_resolve_file(c, "lut1.clf", buf, sizeof buf), VFX_OK);
    assert_non_null(strstr(buf, "shot4/lut1.clf"));
    assert_int_equal(vfx_ocio_config_resolve_file(c, "lut3.clf", buf, sizeof buf), VFX_OK);
    assert_non_null(strstr(buf, "shot3/subdir/lut3.clf"));
    assert_int_equal(vfx_ocio_config_resolve_file(c, "./$LUT_PATH", buf, sizeof buf), VFX_OK);
    assert_non_null(strstr(buf, "shot3/lut1.clf"));
    assert_int_equal(vfx_ocio_config_resolve_file(c, "nope.clf", buf, sizeof buf), VFX_ERR_NOT_FOUND);
    /* the process environment overrides the config's defaults, the API overrides both */
    setenv("SHOT", "shot2", 1);
    assert_int_equal(vfx_ocio_config_resolve_file(c, "lut1.clf", buf, sizeof buf), VFX_OK);
    assert_non_null(strstr(buf, "shot2/lut1.clf"));
    assert_int_equal(vfx_ocio_config_set_context(c, "SHOT", "shot1"), VFX_OK);
    assert_int_equal(vfx_ocio_config_resolve_file(c, "lut1.clf", buf, sizeof buf), VFX_OK);
    assert_non_null(strstr(buf, "shot1/lut1.clf"));
    unsetenv("SHOT");
    /* $CAMERA in a ColorSpaceTransform resolves through the context */
    assert_int_equal(vfx_ocio_config_set_context(c, "CAMERA", "sony"), VFX_OK);
    assert_int_equal(vfx_ocio_config_colorspace_index(c, "$CAMERA"), vfx_ocio_config_colorspace_index(c, "sony"));
    char small[4];
    assert_int_equal(vfx_ocio_config_expand(c, "$SHOT", small, sizeof small), VFX_ERR_LIMIT);
    vfx_ocio_config_free(c);
}

/* ---- file rules ----------------------------------------------------------------------------- */

static void
file_rules(void **state)
{
    (void) state;
    vfx_ocio_config *c = NULL;
    assert_int_equal(vfx_ocio_config_new_from_file(test_data("ocio/demo/ocio-v2_demo.ocio"), &c), VFX_OK);
    const char *cs = NULL;
    assert_int_equal(vfx_ocio_config_colorspace_from_path(c, "/show/tex/wood.tx", &cs), VFX_OK);
    assert_string_equal(cs, "Raw");
    assert_int_equal(vfx_ocio_config_colorspace_from_path(c, "/show/plates/A001_LogC_v2.exr", &cs), VFX_OK);
    assert_string_equal(cs, "ARRI LogC");
    assert_int_equal(vfx_ocio_config_colorspace_from_path(c, "/show/scan.TIF", &cs), VFX_OK);
    assert_string_equal(cs, "sRGB");
    /* ColorSpaceNamePathSearch: the rightmost name in the path */
    assert_int_equal(vfx_ocio_config_colorspace_from_path(c, "/ACEScg/render_ACEScct.exr", &cs), VFX_OK);
    assert_string_equal(cs, "ACEScct");
    /* Default: the default role */
    assert_int_equal(vfx_ocio_config_colorspace_from_path(c, "/show/plain.exr", &cs), VFX_OK);
    assert_string_equal(cs, "sRGB");
    vfx_ocio_config_free(c);
}

/* ---- allocation failures ------------------------------------------------------------------ */

static void
nomem_sweep(void **state)
{
    (void) state;
    const char *text = vfx_ocio_builtin_config_text();
    for (int64_t n = 1; n < 100000; n++) {
        vfx__alloc_fail_nth(n);
        vfx_ocio_config *c = NULL;
        vfx_status s = vfx_ocio_config_new_from_memory(text, strlen(text), NULL, NULL, &c);
        vfx__alloc_fail_nth(0);
        if (s == VFX_OK) {
            vfx_ocio_config_free(c);
            break;
        }
        assert_int_equal(s, VFX_ERR_NOMEM);
        assert_null(c);
    }
}

/* OCIO 2.4's Apple Log built-ins (Debian's OCIO 2.1 has none to compare with): the decode of
 * Apple's white paper, then the Rec.2020 -> ACES AP0 Bradford matrix as published by the ACES
 * project; within 1e-6 (OCIO samples the curve into a half LUT, within a few 1e-6 of this) */
static void
apple_log_builtin(void **state)
{
    (void) state;
    static const char text[] =
        "ocio_profile_version: 2.4\nroles: {default: aces}\ncolorspaces:\n"
        "  - !<ColorSpace> {name: aces}\n"
        "  - !<ColorSpace>\n    name: alog\n"
        "    to_scene_reference: !<BuiltinTransform> {style: APPLE_LOG_to_ACES2065-1}\n"
        "  - !<ColorSpace>\n    name: alog_curve\n"
        "    to_scene_reference: !<BuiltinTransform> {style: CURVE - APPLE_LOG_to_LINEAR}\n";
    static const double M[9] = { 0.6790856, 0.1577009, 0.1632135, 0.0460020, 0.8590546,
                                 0.0949434, -0.0005739, 0.0284677, 0.9721062 };
    static const float CODES[][3] = { { 0.0f, 0.1f, 0.2f }, { 0.4f, 0.5f, 0.6f }, { 0.7f, 0.8f, 0.9f },
                                      { -0.1f, 0.004f, 1.0f } };
    vfx_ocio_config *cfg = NULL;
    assert_int_equal(vfx_ocio_config_new_from_memory(text, strlen(text), NULL, "alog.ocio", &cfg), VFX_OK);
    vfx_color_processor *full = NULL, *curve = NULL;
    assert_int_equal(vfx_ocio_processor_new(cfg, "alog", "aces", &full), VFX_OK);
    assert_int_equal(vfx_ocio_processor_new(cfg, "alog_curve", "aces", &curve), VFX_OK);
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++) {
        double lin[3];
        for (int c = 0; c < 3; c++) { /* Apple Log Profile White Paper (2023) */
            const double v = CODES[i][c], r0 = -0.05641088, rt = 0.01, k = 47.28711236;
            const double pt = k * (rt - r0) * (rt - r0);
            lin[c] = v >= pt ? pow(2.0, (v - 0.69336945) / 0.08550479) - 0.00964052
                     : v >= 0.0 ? sqrt(v / k) + r0 : r0;
        }
        float a[3] = { CODES[i][0], CODES[i][1], CODES[i][2] }, b[3] = { a[0], a[1], a[2] };
        vfx_color_processor_apply_rgb(full, a);
        vfx_color_processor_apply_rgb(curve, b);
        for (int r = 0; r < 3; r++) {
            const double want = M[3 * r] * lin[0] + M[3 * r + 1] * lin[1] + M[3 * r + 2] * lin[2];
            if (fabs(a[r] - want) > 1e-6 + 1e-6 * fabs(want) || fabs(b[r] - lin[r]) > 1e-6 + 1e-6 * fabs(lin[r]))
                fail_msg("codes (%g %g %g) ch %d: full %.7g want %.7g, curve %.7g want %.7g", CODES[i][0],
                         CODES[i][1], CODES[i][2], r, a[r], want, b[r], lin[r]);
        }
    }
    vfx_color_processor_free(full);
    vfx_color_processor_free(curve);
    vfx_ocio_config_free(cfg);
}

/* More OCIO 2.4 built-ins, against the input/output values of OCIO's own unit tests of them
 * (src/OpenColorIO tests, BuiltinTransform "validate"), with the tolerances given there. */
static void
ocio_2_4_builtins(void **state)
{
    (void) state;
    static const struct {
        const char *style;
        double      tol;
        int         n;
        float       in[6], out[6];
    } CASES[] = {
        { "DISPLAY - CIE-XYZ-D65_to_DCDM-D65", 1e-6, 3, { 0.5f, 0.4f, 0.3f },
          { 0.740738422348f, 0.679816639411f, 0.608609083713f } },
        { "DISPLAY - CIE-XYZ-D65_to_ST2084-DCDM-D65", 1e-6, 3, { 0.5f, 0.4f, 0.3f },
          { 0.440281573420f, 0.419284117712f, 0.392876186489f } },
        { "DISPLAY - CIE-XYZ-D65_to_DisplayP3-HDR", 1e-6, 3, { 0.5f, 0.4f, 0.3f },
          { 0.882580907776f, 0.581526360743f, 0.560636705000f } },
        { "CURVE - HLG-OETF-INVERSE", 1e-5, 6, { 0.5f, 0.4f, 0.3f, -0.7f, 1.2f, 0.9f },
          { 0.25f, 0.16f, 0.09f, -0.618367240391f, 9.032932830300f, 1.745512772886f } },
        { "CURVE - HLG-OETF", 1e-5, 6, { 0.5f, 0.4f, 0.3f, -0.1f, 10.0f, 0.2f },
          { 0.656409985167f, 0.608926718364f, 0.544089493962f, -0.316227766017f, 1.218326006877f,
            0.4472135955f } },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "ocio_profile_version: 2.4\nroles: {default: ref}\ncolorspaces:\n"
                 "  - !<ColorSpace> {name: ref}\n"
                 "  - !<ColorSpace>\n    name: b\n    to_scene_reference: !<BuiltinTransform> {style: %s}\n",
                 CASES[i].style);
        vfx_ocio_config *cfg = load_str(text);
        vfx_color_processor *p = NULL;
        if (vfx_ocio_processor_new(cfg, "b", "ref", &p) != VFX_OK)
            fail_msg("%s: %s", CASES[i].style, vfx_error_message());
        for (int k = 0; k < CASES[i].n; k += 3) {
            float v[3] = { CASES[i].in[k], CASES[i].in[k + 1], CASES[i].in[k + 2] };
            vfx_color_processor_apply_rgb(p, v);
            for (int c = 0; c < 3; c++) {
                const double want = CASES[i].out[k + c];
                if (!(fabs(v[c] - want) <= CASES[i].tol * fmax(1.0, fabs(want))))
                    fail_msg("%s: in %g: vfx %.9g, OCIO %.9g", CASES[i].style, CASES[i].in[k + c], v[c], want);
            }
        }
        vfx_color_processor_free(p);
        vfx_ocio_config_free(cfg);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testdata_configs),
        cmocka_unit_test(aces_cg_queries),
        cmocka_unit_test(builtin_config),
        cmocka_unit_test(builtin_extensions),
        cmocka_unit_test(apple_log_builtin),
        cmocka_unit_test(ocio_2_4_builtins),
        cmocka_unit_test(builtin_passes_ociocheck),
        cmocka_unit_test(bad_configs),
        cmocka_unit_test(transforms_and_inverse),
        cmocka_unit_test(looks_and_views),
        cmocka_unit_test(context_and_search_path),
        cmocka_unit_test(file_rules),
        cmocka_unit_test(nomem_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
