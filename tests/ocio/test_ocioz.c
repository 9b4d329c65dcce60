/* .ocioz archives. Debian's OCIO 2.1 predates them, so the checks are:
 *  - the packaged context_test1 configs (Linux and Windows archives from the OCIO tests) give
 *    the same results as the same config loaded from its folder, for every colour space and
 *    for several $SHOT contexts (the folder config itself is checked against OCIO in
 *    test_conformance.c);
 *  - an archive built here with python3's zipfile (config + LUTs in sub-folders) agrees with
 *    `ocioconvert` run on the same files unpacked, within 1e-5;
 *  - bad archives (empty, truncated, without config.ocio, a missing LUT) fail with a message
 *    naming the archive. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.18f, 0.18f, 0.18f }, { 0.0f, 0.0f, 0.0f }, { 1.0f, 1.0f, 1.0f }, { 0.5f, 0.2f, 0.1f },
    { 0.01f, 0.02f, 0.03f }, { 0.7f, 0.3f, 0.9f }, { 0.25f, 0.75f, 0.05f }, { 0.9f, 0.05f, 0.6f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

static vfx_ocio_config *
load(const char *path)
{
    vfx_ocio_config *cfg = NULL;
    if (vfx_ocio_config_new_from_file(path, &cfg) != VFX_OK)
        fail_msg("%s: %s", path, vfx_error_message());
    return cfg;
}

static void
same_results(vfx_ocio_config *a, vfx_ocio_config *b, const char *what)
{
    assert_int_equal(vfx_ocio_config_colorspace_count(a), vfx_ocio_config_colorspace_count(b));
    int compared = 0;
    for (int32_t i = 0; i < vfx_ocio_config_colorspace_count(a); i++) {
        const char *cs = vfx_ocio_config_colorspace_name(a, i);
        vfx_color_processor *pa = NULL, *pb = NULL;
        vfx_status sa = vfx_ocio_processor_new(a, cs, "reference", &pa);
        vfx_status sb = vfx_ocio_processor_new(b, cs, "reference", &pb);
        if (sa != sb)
            fail_msg("%s %s: folder %s, archive %s (%s)", what, cs, vfx_status_name(sa), vfx_status_name(sb),
                     vfx_error_message());
        if (sa == VFX_OK) {
            for (int s = 0; s < N_SAMPLES; s++) {
                float x[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] }, y[3];
                memcpy(y, x, sizeof y);
                vfx_color_processor_apply_rgb(pa, x);
                vfx_color_processor_apply_rgb(pb, y);
                for (int c = 0; c < 3; c++)
                    if (x[c] != y[c])
                        fail_msg("%s %s: folder %.9g, archive %.9g", what, cs, x[c], y[c]);
            }
            compared++;
        }
        vfx_color_processor_free(pa);
        vfx_color_processor_free(pb);
    }
    assert_true(compared >= 5);
}

static void
packaged_config_matches_its_folder(void **state)
{
    (void) state;
    vfx_ocio_config *dir = load(test_data("ocio/context_test1/config.ocio"));
    static const char *const ARCHIVES[] = { "ocio/context_test1/context_test1_linux.ocioz",
                                            "ocio/context_test1/context_test1_windows.ocioz" };
    static const char *const SHOTS[] = { "shot4", "shot1", "shot2", "shot3" }; /* shot4: the default */
    for (size_t k = 0; k < 2; k++) {
        vfx_ocio_config *z = load(test_data(ARCHIVES[k]));
        /* the archive is the working directory; resolved LUTs are inside it */
        char buf[4096];
        assert_int_equal(vfx_ocio_config_resolve_file(z, "lut1.clf", buf, sizeof buf), VFX_OK);
        assert_non_null(strstr(buf, ".ocioz/"));
        for (size_t s = 0; s < sizeof SHOTS / sizeof SHOTS[0]; s++) {
            assert_int_equal(vfx_ocio_config_set_context(dir, "SHOT", SHOTS[s]), VFX_OK);
            assert_int_equal(vfx_ocio_config_set_context(z, "SHOT", SHOTS[s]), VFX_OK);
            same_results(dir, z, ARCHIVES[k]);
        }
        /* the look reads looks.cdl with a cccid from the environment */
        vfx_color_processor *p = NULL;
        assert_int_equal(vfx_ocio_look_processor_new(z, "reference", "reference", "shot_look", &p), VFX_OK);
        assert_true(vfx_color_processor_op_count(p) > 0);
        vfx_color_processor_free(p);
        vfx_ocio_config_free(z);
    }
    vfx_ocio_config_free(dir);
}

/* ---- an archive made here, against ocioconvert on the unpacked files ----------------------- */

static const char CONFIG[] =
    "ocio_profile_version: 2\n"
    "search_path: [luts, curves/$CURVE, .]\n"
    "environment: {CURVE: a}\n"
    "roles: {default: lin, scene_linear: lin}\n"
    "file_rules:\n  - !<Rule> {name: Default, colorspace: lin}\n"
    "displays:\n  d:\n    - !<View> {name: v, colorspace: lin}\n"
    "colorspaces:\n"
    "  - !<ColorSpace> {name: lin}\n"
    "  - !<ColorSpace>\n    name: graded\n"
    "    to_scene_reference: !<FileTransform> {src: grade.cube, interpolation: linear}\n"
    "  - !<ColorSpace>\n    name: curve\n"
    "    to_scene_reference: !<FileTransform> {src: curve.spi1d}\n"
    "  - !<ColorSpace>\n    name: both\n"
    "    to_scene_reference: !<GroupTransform>\n      children:\n"
    "        - !<FileTransform> {src: curve.spi1d}\n"
    "        - !<FileTransform> {src: luts/grade.cube, direction: forward}\n";

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

/* The folder @p dir with config.ocio, luts/grade.cube (3D, 5^3) and curves/a/curve.spi1d. */
static void
make_folder(const char *dir)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/luts", dir);
    mkdir(dir, 0755);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/curves", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/curves/a", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/config.ocio", dir);
    write_text(p, CONFIG);
    snprintf(p, sizeof p, "%s/luts/grade.cube", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "LUT_3D_SIZE 5\n");
    for (int b = 0; b < 5; b++)
        for (int g = 0; g < 5; g++)
            for (int r = 0; r < 5; r++) {
                double R = r / 4.0, G = g / 4.0, B = b / 4.0;
                fprintf(f, "%.6f %.6f %.6f\n", pow(R, 1.1) * 0.9 + 0.05 * G, G * G * 0.8 + 0.1 * B,
                        sqrt(B) * 0.7 + 0.2 * R);
            }
    fclose(f);
    snprintf(p, sizeof p, "%s/curves/a/curve.spi1d", dir);
    f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "Version 1\nFrom 0 1\nLength 17\nComponents 1\n{\n");
    for (int i = 0; i < 17; i++)
        fprintf(f, "%.6f\n", pow(i / 16.0, 2.2));
    fprintf(f, "}\n");
    fclose(f);
}

static void
built_archive_matches_ocioconvert(void **state)
{
    (void) state;
    test_require(test_have_tool("python3"), "python3 not installed");
    test_require(test_have_tool("ocioconvert"), "ocioconvert (opencolorio-tools) not installed");
    char dir[1024], zip[1024], in[1024], out[1024], cmd[8192];
    snprintf(dir, sizeof dir, "%s", test_tmp("unpacked"));
    snprintf(zip, sizeof zip, "%s", test_tmp("made.ocioz"));
    snprintf(in, sizeof in, "%s", test_tmp("samples.pfm"));
    snprintf(out, sizeof out, "%s", test_tmp("out.exr"));
    make_folder(dir);
    write_pfm(in);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && python3 -c \"import zipfile,os\n"
             "with zipfile.ZipFile('%s','w',zipfile.ZIP_DEFLATED) as z:\n"
             "    for d,_,fs in os.walk('.'):\n"
             "        for f in fs: z.write(os.path.join(d,f), os.path.relpath(os.path.join(d,f),'.'))\"",
             dir, zip);
    assert_int_equal(test_run(cmd, NULL, 0), 0);
    vfx_ocio_config *cfg = load(zip);
    static const char *const SPACES[] = { "graded", "curve", "both" };
    int failed = 0;
    for (size_t k = 0; k < 3; k++) {
        remove(out);
        snprintf(cmd, sizeof cmd, "OCIO='%s/config.ocio' ocioconvert '%s' %s '%s' lin >/dev/null 2>&1", dir, in,
                 SPACES[k], out);
        assert_int_equal(test_run(cmd, NULL, 0), 0);
        float want[N_SAMPLES][3];
        assert_int_equal(read_result(out, want), 0);
        vfx_color_processor *p = NULL;
        if (vfx_ocio_processor_new(cfg, SPACES[k], "lin", &p) != VFX_OK)
            fail_msg("%s: %s", SPACES[k], vfx_error_message());
        double worst = 0;
        for (int s = 0; s < N_SAMPLES; s++) {
            float got[3] = { SAMPLES[s][0], SAMPLES[s][1], SAMPLES[s][2] };
            vfx_color_processor_apply_rgb(p, got);
            for (int c = 0; c < 3; c++) {
                double e = fabs((double) got[c] - want[s][c]) / fmax(1.0, fabs(want[s][c]));
                worst = fmax(worst, e);
                if (!(e <= 1e-5)) {
                    failed++;
                    print_message("%s (%g %g %g) ch %d: vfx %.7g OCIO %.7g\n", SPACES[k], SAMPLES[s][0],
                                  SAMPLES[s][1], SAMPLES[s][2], c, got[c], want[s][c]);
                }
            }
        }
        print_message("archive %s -> lin: max error %.2g\n", SPACES[k], worst);
        vfx_color_processor_free(p);
    }
    vfx_ocio_config_free(cfg);
    assert_int_equal(failed, 0);
}

/* ---- bad archives ---------------------------------------------------------------------------- */

static void
expect_fail(const char *path, const char *words)
{
    vfx_ocio_config *cfg = NULL;
    vfx_status st = vfx_ocio_config_new_from_file(path, &cfg);
    assert_int_not_equal(st, VFX_OK);
    assert_null(cfg);
    if (!strstr(vfx_error_message(), path) || !strstr(vfx_error_message(), words))
        fail_msg("%s: '%s' does not say '%s'", path, vfx_error_message(), words);
}

static void
bad_archives(void **state)
{
    (void) state;
    expect_fail(test_data("ocio/ocioz/empty.ocioz"), "zip");
    /* truncated: the first half of a real archive */
    size_t size = 0;
    unsigned char *raw = test_read_file(test_data("ocio/context_test1/context_test1_linux.ocioz"), &size);
    assert_non_null(raw);
    char cut[1024];
    snprintf(cut, sizeof cut, "%s", test_tmp("cut.ocioz"));
    FILE *f = fopen(cut, "wb");
    assert_non_null(f);
    fwrite(raw, 1, size / 2, f);
    fclose(f);
    expect_fail(cut, "zip");
    /* a damaged member: flip bytes in the middle of the compressed data */
    char bad[1024];
    snprintf(bad, sizeof bad, "%s", test_tmp("flipped.ocioz"));
    for (size_t i = 200; i < 260 && i < size; i++)
        raw[i] ^= 0x5a;
    f = fopen(bad, "wb");
    assert_non_null(f);
    fwrite(raw, 1, size, f);
    fclose(f);
    vfx_ocio_config *cfg = NULL;
    assert_int_not_equal(vfx_ocio_config_new_from_file(bad, &cfg), VFX_OK);
    assert_null(cfg);
    assert_non_null(strstr(vfx_error_message(), bad));
    free(raw);
    if (test_have_tool("python3")) {
        char noconf[1024], missing[1024], cmd[4096];
        snprintf(noconf, sizeof noconf, "%s", test_tmp("noconf.ocioz"));
        snprintf(missing, sizeof missing, "%s", test_tmp("missing_lut.ocioz"));
        snprintf(cmd, sizeof cmd,
                 "python3 -c \"import zipfile\n"
                 "z=zipfile.ZipFile('%s','w'); z.writestr('sub/config.ocio','x: 1'); z.close()\n"
                 "z=zipfile.ZipFile('%s','w'); z.writestr('config.ocio', '''%s'''); z.close()\"",
                 noconf, missing, CONFIG);
        assert_int_equal(test_run(cmd, NULL, 0), 0);
        expect_fail(noconf, "no config.ocio at its root");
        /* the config loads; the LUT it names is missing when a processor needs it */
        cfg = load(missing);
        vfx_color_processor *p = NULL;
        assert_int_equal(vfx_ocio_processor_new(cfg, "graded", "lin", &p), VFX_ERR_NOT_FOUND);
        assert_non_null(strstr(vfx_error_message(), "grade.cube"));
        vfx_ocio_config_free(cfg);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(packaged_config_matches_its_folder),
        cmocka_unit_test(built_archive_matches_ocioconvert),
        cmocka_unit_test(bad_archives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
