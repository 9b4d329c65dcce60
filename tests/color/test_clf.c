/* Every .clf / .ctf under shared/testdata/luts against OpenColorIO 2.1's ociochecklut:
 * files OCIO reads must either match on the sample colours (1e-5 relative / 1e-6 absolute) or
 * be refused by vfx as VFX_ERR_UNSUPPORTED (a process node or feature vfx lacks yet; listed in
 * the output); files OCIO refuses must be refused by vfx too, except the few listed below
 * where the two readers knowingly differ. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

static const float SAMPLES[][3] = {
    { 0.0f, 0.0f, 0.0f },      { 1.0f, 1.0f, 1.0f },     { 0.18f, 0.18f, 0.18f },
    { 0.5f, 0.25f, 0.125f },   { 1.0f, 0.0f, 0.0f },     { 0.0f, 1.0f, 0.0f },
    { 0.0f, 0.0f, 1.0f },      { 0.9f, 0.1f, 0.5f },     { -0.1f, -0.05f, -0.2f },
    { -1.0f, 0.5f, 2.0f },     { 1.5f, 1.2f, 1.1f },     { 0.001f, 0.002f, 0.003f },
    { 0.33f, 0.66f, 0.99f },   { 0.0625f, 0.125f, 0.875f },
};
#define N_SAMPLES ((int) (sizeof SAMPLES / sizeof SAMPLES[0]))

/* Where vfx and OCIO 2.1 knowingly disagree on accepting a file. */
static const struct {
    const char *file, *why;
} DIFFER[] = {
    { "ocio-tests/clf/illegal/unknown_elements.clf",
      "OCIO 2.1 skips unknown elements; the CLF spec (and vfx) reject them" },
    { "ocio-tests/clf/illegal/indexMap_test2.clf",
      "OCIO 2.1 ignores (with a warning) an IndexMap in a CLF 3 file; the spec forbids it there and "
      "vfx rejects the file" },
};

/* Files both read, where results knowingly differ on some samples. */
static const struct {
    const char *file, *why;
} VALUES_DIFFER[] = {
    { "ocio-tests/cdl_various.ctf",
      "OCIO's optimiser drops a clamping ASC_CDL Fwd followed by the same CDL Rev as an identity "
      "pair; the pair is not an identity on clamped values, so vfx applies both" },
    { "ocio-tests/gamma_comp_test2.ctf",
      "OCIO 2.1's optimiser combines basicPassThruFwd 1.8 + basicPassThruRev 2.2 into x^(2.2/1.8); "
      "each op alone agrees with vfx, and the file's own description expects x^(1.8/2.2)" },
    { "ocio-tests/lut3by1d_nan_infinity_example.clf",
      "between entries of +-FLT_MAX (from inf in the file) the interpolation overflows differently" },
    { "ocio-tests/lut_inv_pairs.ctf",
      "OCIO's optimiser removes an InverseLUT3D followed by the same LUT3D as an identity pair; "
      "vfx applies both, and this 2^3 LUT's outputs do not cover the unit cube, so its inverse "
      "(sampled on 48^3) cannot give back what the LUT never produces" },
    { "ocio-tests/lut1d_inverse_halfdom_slog_fclut.ctf",
      "an InverseLUT1D halfDomain with an integer inBitDepth (16i): OCIO samples its inverse on a "
      "65536-step grid over [0, 1], vfx at every half value; they differ by up to 2e-3 relative "
      "where the curve is steep (the matches elsewhere are within 1e-5)" },
};

static const char *
values_differ(const char *rel)
{
    for (size_t i = 0; i < sizeof VALUES_DIFFER / sizeof VALUES_DIFFER[0]; i++)
        if (strcmp(rel, VALUES_DIFFER[i].file) == 0)
            return VALUES_DIFFER[i].why;
    return NULL;
}

static const char *
differs(const char *rel)
{
    for (size_t i = 0; i < sizeof DIFFER / sizeof DIFFER[0]; i++)
        if (strcmp(rel, DIFFER[i].file) == 0)
            return DIFFER[i].why;
    return NULL;
}

static int
oracle(const char *path, const float in[3], float out[3])
{
    char cmd[2048], buf[1024];
    snprintf(cmd, sizeof cmd, "cd \"$(dirname '%s')\" && ociochecklut '%s' %.9g %.9g %.9g 2>/dev/null",
             path, path, in[0], in[1], in[2]);
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
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(b))
        return a == b;
    return fabsf(a - b) <= 1e-6f + 1e-5f * fabsf(b);
}

static void
clf_files_match_ociochecklut(void **state)
{
    (void) state;
    test_require(test_have_tool("ociochecklut"), "ociochecklut (opencolorio-tools) not installed");
    char list[65536];
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && find . \\( -name '*.clf' -o -name '*.ctf' \\) | sort",
             test_data("luts"));
    assert_int_equal(test_run(cmd, list, sizeof list), 0);
    int n_files = 0, n_match = 0, n_unsupported = 0, n_rejected = 0, bad = 0;
    for (char *rel = strtok(list, "\n"); rel; rel = strtok(NULL, "\n")) {
        if (rel[0] == '.' && rel[1] == '/')
            rel += 2;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", test_data("luts"), rel);
        n_files++;
        vfx_color_processor *p = NULL;
        vfx_status s = vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p);
        float want[3];
        int ocio_ok = oracle(path, SAMPLES[0], want) == 0;
        const char *why = differs(rel);
        if (!ocio_ok) {
            if (s == VFX_OK && !why) {
                print_error("%s: OCIO rejects it, vfx accepts it\n", rel);
                bad++;
            }
            n_rejected++;
        } else if (s == VFX_ERR_UNSUPPORTED) {
            printf("  not yet supported: %s: %s\n", rel, vfx_error_message());
            n_unsupported++;
        } else if (s != VFX_OK) {
            if (!why) {
                print_error("%s: OCIO reads it, vfx says %s: %s\n", rel, vfx_status_name(s), vfx_error_message());
                bad++;
            }
        } else {
            int mism = 0;
            for (int i = 0; i < N_SAMPLES; i++) {
                float got[3];
                memcpy(got, SAMPLES[i], sizeof got);
                vfx_color_processor_apply_rgb(p, got);
                if (oracle(path, SAMPLES[i], want) != 0) {
                    mism++;
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    if (!close_enough(got[c], want[c])) {
                        if (mism < 4 && !values_differ(rel))
                            print_error("%s: (%g %g %g) ch %d: vfx %.7g, OCIO %.7g\n", rel, SAMPLES[i][0],
                                        SAMPLES[i][1], SAMPLES[i][2], c, got[c], want[c]);
                        mism++;
                    }
                }
            }
            if (mism && values_differ(rel))
                printf("  known difference (%d values): %s: %s\n", mism, rel, values_differ(rel));
            else if (mism)
                bad++;
            else
                n_match++;
        }
        vfx_color_processor_free(p);
    }
    printf("  %d files: %d match OCIO, %d unsupported by vfx, %d rejected by OCIO, %d bad\n",
           n_files, n_match, n_unsupported, n_rejected, bad);
    assert_int_equal(bad, 0);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* <Reference path=... inverted=...>: relative to the referencing file, nested, inverted; the
 * result against ociochecklut (run in the files' folder, where OCIO looks); errors for a
 * missing file, a cycle and an alias. */
static void
references_resolve_like_ocio(void **state)
{
    (void) state;
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s", test_tmp("refs"));
    mkdir(dir, 0755);
    static const char *const head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProcessList version=\"2\" id=\"r\">\n";
    char text[4096];
    snprintf(path, sizeof path, "%s/curve.ctf", dir);
    snprintf(text, sizeof text,
             "%s<Matrix inBitDepth=\"32f\" outBitDepth=\"32f\"><Array dim=\"3 3 3\">1.2 0.1 0 0 0.9 0.05 0.02 0 1.1"
             "</Array></Matrix>\n<Exponent inBitDepth=\"32f\" outBitDepth=\"32f\" style=\"monCurveFwd\">"
             "<ExponentParams exponent=\"2.2\" offset=\"0.05\"/></Exponent>\n</ProcessList>\n", head);
    write_file(path, text);
    snprintf(path, sizeof path, "%s/top.ctf", dir);
    snprintf(text, sizeof text,
             "%s<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" path=\"curve.ctf\"/>\n"
             "<Range inBitDepth=\"32f\" outBitDepth=\"32f\"><minInValue>0</minInValue><maxInValue>2</maxInValue>"
             "<minOutValue>0</minOutValue><maxOutValue>1</maxOutValue></Range>\n"
             "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" path=\"curve.ctf\" inverted=\"true\" basePath=\"x\"/>\n"
             "</ProcessList>\n", head);
    write_file(path, text);
    snprintf(path, sizeof path, "%s/nested.ctf", dir);
    snprintf(text, sizeof text, "%s<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" path=\"top.ctf\" inverted=\"true\"/>\n</ProcessList>\n", head);
    write_file(path, text);
    int bad = 0;
    if (test_have_tool("ociochecklut")) {
        static const char *const files[] = { "top.ctf", "nested.ctf" };
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[k]);
            vfx_color_processor *p = NULL;
            if (vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p) != VFX_OK) {
                print_error("%s: %s\n", path, vfx_error_message());
                bad++;
                continue;
            }
            for (int i = 0; i < N_SAMPLES; i++) {
                float want[3], got[3];
                memcpy(got, SAMPLES[i], sizeof got);
                vfx_color_processor_apply_rgb(p, got);
                if (oracle(path, SAMPLES[i], want) != 0) {
                    print_error("%s: ociochecklut failed\n", path);
                    bad++;
                    continue;
                }
                for (int c = 0; c < 3; c++)
                    if (!close_enough(got[c], want[c])) {
                        print_error("%s: (%g %g %g) ch %d: vfx %.7g, OCIO %.7g\n", files[k], SAMPLES[i][0],
                                    SAMPLES[i][1], SAMPLES[i][2], c, got[c], want[c]);
                        bad++;
                    }
            }
            vfx_color_processor_free(p);
        }
    }
    assert_int_equal(bad, 0);

    static const struct {
        const char *file, *body, *what;
        vfx_status status;
    } errs[] = {
        { "missing.ctf", "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" path=\"nope.ctf\"/>", "nope.ctf", VFX_ERR_IO },
        { "cycle.ctf", "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" path=\"cycle.ctf\"/>", "16 deep", VFX_ERR_CORRUPT },
        { "alias.ctf", "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" alias=\"look\"/>", "alias", VFX_ERR_UNSUPPORTED },
        { "both.ctf", "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\" alias=\"a\" path=\"b.ctf\"/>", "both alias and path", VFX_ERR_CORRUPT },
        { "nopath.ctf", "<Reference inBitDepth=\"32f\" outBitDepth=\"32f\"/>", "needs a path", VFX_ERR_CORRUPT },
    };
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, errs[i].file);
        snprintf(text, sizeof text, "%s%s\n</ProcessList>\n", head, errs[i].body);
        write_file(path, text);
        vfx_color_processor *p = NULL;
        vfx_status st = vfx_color_processor_new_from_file(path, NULL, VFX_INTERP_BEST, &p);
        if (st != errs[i].status || !strstr(vfx_error_message(), errs[i].what) ||
            !strstr(vfx_error_message(), errs[i].file)) {
            print_error("%s: %s '%s'\n", errs[i].file, vfx_status_name(st), vfx_error_message());
            fail();
        }
        assert_null(p);
    }
}

int
main(void)
{
    /* the shared test data lives next to the checkout (-DVFX_SHARED_DIR=...) */
    struct stat st;
    test_require(stat(test_data("luts"), &st) == 0, "shared/testdata not found (set VFX_SHARED_DIR)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clf_files_match_ociochecklut),
        cmocka_unit_test(references_resolve_like_ocio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
