/* vfx diff A B: compare two images, as idiff does (same options, report and verdict), in one
 * streaming pass. Exit codes: 0 pass, 1 warning, 2 failure, 4 an image could not be read or
 * the arguments are wrong (idiff's ErrFile). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

enum { DIFF_PASS = 0, DIFF_WARN = 1, DIFF_FAIL = 2, DIFF_ERR = 4 };

static void
diff_help(FILE *out)
{
    fprintf(out,
            "usage: vfx diff [options] A B\n\n"
            "Compare two images as idiff does, streaming (neither image is held whole): mean,\n"
            "RMS and largest error (and where), PSNR, and how many pixels have a channel over\n"
            "the warning and failure thresholds. The region is the union of the two data\n"
            "windows (pixels outside one read 0); NaN equals NaN, Inf equals Inf.\n\n"
            "  --fail T          failure threshold, absolute (default 1e-06)\n"
            "  --failrelative R  ...and relative to mean(|a|,|b|) too (default 0 = off)\n"
            "  --failpercent P   allow this percentage of failing pixels (default 0)\n"
            "  --hardfail T      fail if any one error exceeds T (default inf)\n"
            "  --allowfailures N pass if at most N pixels fail, by any amount (default 0)\n"
            "  --warn T, --warnrelative R, --warnpercent P, --hardwarn T   the same for warnings\n"
            "  -o FILE           write the difference image A - B (same channel counts)\n"
            "  --od              ...only when the images differ\n"
            "  --abs             ...as |A - B|\n"
            "  --scale S         ...multiplied by S\n"
            "  --part N          compare part / subimage N of both files (default 0)\n"
            "  --json            print the result as JSON\n"
            "  -v                print the report even when the images pass\n"
            "  -q                print nothing (exit code only)\n\n"
            "One or two leading dashes are accepted (idiff spells them -fail, -warn, ...).\n"
            "The verdict is idiff's: PASS when at most --allowfailures pixels fail; else FAILURE\n"
            "when more than --failpercent %% of A's pixels fail or an error exceeds --hardfail;\n"
            "else WARNING when more than --warnpercent %% warn or an error exceeds --hardwarn.\n"
            "Exit code: 0 pass, 1 warning, 2 failure, 4 unreadable image or bad arguments.\n");
}

/* The shortest %g that reads back as the same float (as idiff prints with {fmt}). */
static void
print_float(FILE *out, double v)
{
    if (isnan(v)) {
        fputs("nan", out);
        return;
    }
    if (isinf(v)) {
        fputs(v > 0 ? "inf" : "-inf", out);
        return;
    }
    char buf[48];
    float f = (float) v;
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double) f);
        if (strtof(buf, NULL) == f)
            break;
    }
    fputs(buf, out);
}

static void
print_double(FILE *out, double v)
{
    if (isnan(v))
        fputs("nan", out);
    else if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", out);
    else
        fprintf(out, "%g", v);
}

static void
json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.9g", v);
    else
        fputs(isnan(v) ? "null" : (v > 0 ? "\"inf\"" : "\"-inf\""), out);
}

/* The values of every channel of @p im at (x, y) (0 outside its data window). */
static void
print_pixel(FILE *out, vfx_image *im, int32_t x, int32_t y, void (*pf)(FILE *, double))
{
    int32_t nc = vfx_image_n_channels(im);
    float  *v = calloc((size_t) nc, sizeof *v);
    if (!v)
        return;
    vfx_rect r = { x, y, x + 1, y + 1 };
    if (vfx_image_render(im, r, v, VFX_PIXEL_F32, (ptrdiff_t) nc * 4, (ptrdiff_t) nc * 4, nc,
                         NULL) == VFX_OK) {
        for (int32_t c = 0; c < nc; c++) {
            fputs(c ? ", " : "", out);
            pf(out, v[c]);
        }
    }
    free(v);
}

static const char *
channel_name(vfx_image *a, vfx_image *b, int32_t c, char *buf, size_t cap)
{
    vfx_channel_info ci;
    if (vfx_channels_get(vfx_image_spec(a)->channels, c, &ci) == VFX_OK)
        return ci.name;
    if (vfx_channels_get(vfx_image_spec(b)->channels, c, &ci) == VFX_OK)
        return ci.name;
    snprintf(buf, cap, "channel %d", (int) c);
    return buf;
}

static int
write_diff(vfx_image *a, vfx_image *b, const char *path, int absolute, float scale)
{
    if (vfx_image_n_channels(a) != vfx_image_n_channels(b)) {
        fprintf(stderr, "vfx diff: -o %s: the images have %d and %d channels\n", path,
                (int) vfx_image_n_channels(a), (int) vfx_image_n_channels(b));
        return DIFF_ERR;
    }
    vfx_image *d = NULL, *m = NULL;
    vfx_status s = vfx_image_arith(a, b, absolute ? VFX_ARITH_ABSDIFF : VFX_ARITH_SUB, &d);
    if (s == VFX_OK && scale != 1.0f) {
        float k[64], z[64] = { 0 };
        int32_t nc = vfx_image_n_channels(d);
        if (nc > 64) {
            s = VFX_ERR_ARG;
            fprintf(stderr, "vfx diff: --scale: more than 64 channels\n");
        } else {
            for (int32_t c = 0; c < nc; c++)
                k[c] = scale;
            s = vfx_image_mad(d, k, z, &m);
        }
    }
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.pixel_type = VFX_PIXEL_F32;
    if (s == VFX_OK)
        s = vfx_image_write(m ? m : d, path, &wo, NULL);
    vfx_image_unref(m);
    vfx_image_unref(d);
    if (s != VFX_OK) {
        cli_fail(path, s);
        return DIFF_ERR;
    }
    return 0;
}

/* Strip one leading dash of a "--opt" so idiff's "-opt" spelling is the same option. */
static const char *
opt_name(const char *a)
{
    return (a[0] == '-' && a[1] == '-') ? a + 1 : a;
}

void
cli_diff_opts_init(cli_diff_opts *o)
{
    vfx_compare_options co = VFX_COMPARE_OPTIONS_INIT;
    o->co = co;
    o->failpercent = o->warnpercent = 0;
    o->hardfail = o->hardwarn = INFINITY;
    o->allowfailures = 0;
}

int
cli_diff_print(vfx_image *a, vfx_image *b, const char *name_a, const char *name_b,
               const cli_diff_opts *o, int mode)
{
    int json = mode == CLI_DIFF_JSON, verbose = mode == CLI_DIFF_VERBOSE,
        quiet = mode == CLI_DIFF_QUIET, chain = mode == CLI_DIFF_CHAIN;
    /* oiiotool --diff prints values with %g, idiff with the shortest exact form */
    void (*pf)(FILE *, double) = chain ? print_double : print_float;
    if (!quiet && !json) {
        if (chain)
            printf("Computing diff of \"%s\" vs \"%s\"\n", name_a, name_b);
        else
            printf("Comparing \"%s\" and \"%s\"\n", name_a, name_b);
        fflush(stdout);
    }
    vfx_compare_result r;
    vfx_status         s = vfx_image_compare(a, b, &o->co, NULL, &r);
    if (s != VFX_OK) {
        cli_fail("diff", s);
        return -1;
    }
    /* idiff counts percentages over A's data window */
    double npels = (double) vfx_rect_area(vfx_image_rod(a));
    if (npels <= 0)
        npels = 1;
    int ret = DIFF_PASS;
    if (!chain && r.n_fail <= o->allowfailures) {
        /* pass: within the allowed number of failures (idiff then skips the warning test
         * too; oiiotool --diff has no such rule and does warn) */
    } else if ((double) r.n_fail > o->failpercent / 100.0 * npels || r.max_error > o->hardfail) {
        ret = DIFF_FAIL;
    } else if ((double) r.n_warn > o->warnpercent / 100.0 * npels || r.max_error > o->hardwarn) {
        ret = DIFF_WARN;
    }
    static const char *const verdict[] = { "PASS", "WARNING", "FAILURE" };
    char chbuf[32];
    if (json) {
        printf("{\"a\": ");
        cli_json_string(stdout, name_a);
        printf(", \"b\": ");
        cli_json_string(stdout, name_b);
        printf(", \"mean_error\": ");
        json_number(stdout, r.mean_error);
        printf(", \"rms_error\": ");
        json_number(stdout, r.rms_error);
        printf(", \"psnr\": ");
        json_number(stdout, r.psnr);
        printf(", \"max_error\": ");
        json_number(stdout, r.max_error);
        printf(", \"max_x\": %d, \"max_y\": %d, \"max_channel\": ", (int) r.max_x, (int) r.max_y);
        cli_json_string(stdout, channel_name(a, b, r.max_c, chbuf, sizeof chbuf));
        printf(", \"pixels\": %lld, \"warn\": %lld, \"warn_percent\": %.9g, \"fail\": %lld, "
               "\"fail_percent\": %.9g, \"verdict\": \"%s\"}\n",
               (long long) r.n_pixels, (long long) r.n_warn, 100.0 * (double) r.n_warn / npels,
               (long long) r.n_fail, 100.0 * (double) r.n_fail / npels, verdict[ret]);
    } else if (verbose || (ret != DIFF_PASS && !quiet)) {
        printf("  Mean error = ");
        print_double(stdout, r.mean_error);
        printf("\n  RMS error = ");
        print_double(stdout, r.rms_error);
        printf("\n  Peak SNR = ");
        print_double(stdout, r.psnr);
        printf("\n  Max error  = ");
        print_double(stdout, r.max_error);
        if (r.max_error != 0) {
            printf(" @ (%d, %d, %s)  values are ", (int) r.max_x, (int) r.max_y,
                   channel_name(a, b, r.max_c, chbuf, sizeof chbuf));
            print_pixel(stdout, a, r.max_x, r.max_y, pf);
            printf(" vs ");
            print_pixel(stdout, b, r.max_x, r.max_y, pf);
        }
        printf("\n  %lld pixels (%.3g%%) over ", (long long) r.n_warn,
               100.0 * (double) r.n_warn / npels);
        pf(stdout, o->co.warn_thresh);
        printf("\n  %lld pixels (%.3g%%) over ", (long long) r.n_fail,
               100.0 * (double) r.n_fail / npels);
        pf(stdout, o->co.fail_thresh);
        printf("\n");
    }
    if (!json) {
        if (!quiet)
            printf("%s\n", verdict[ret]);
        else if (ret == DIFF_FAIL)
            fprintf(stderr, "FAILURE\n");
    }
    fflush(stdout);
    return ret;
}

static int
diff_run(int argc, char **argv)
{
    cli_diff_opts d;
    cli_diff_opts_init(&d);
    const char *files[2] = { NULL, NULL }, *diffimage = NULL;
    int n_files = 0, json = 0, verbose = 0, quiet = 0, od = 0, absolute = 0;
    float scale = 1.0f;
    int32_t part = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = opt_name(argv[i]);
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
#define NUM(dst)                                                                          \
    do {                                                                                  \
        if (!v)                                                                           \
            return ((void) cli_usage_error("diff", "%s needs a value", argv[i]), DIFF_ERR); \
        double x_ = strtod(v, &end);                                                      \
        if (end == v || *end)                                                             \
            return ((void) cli_usage_error("diff", "%s: bad number '%s'", argv[i], v),     \
                    DIFF_ERR);                                                            \
        dst = x_;                                                                         \
        i++;                                                                              \
    } while (0)
        double x;
        if (strcmp(o, "-fail") == 0) {
            NUM(x);
            d.co.fail_thresh = (float) x;
        } else if (strcmp(o, "-warn") == 0) {
            NUM(x);
            d.co.warn_thresh = (float) x;
        } else if (strcmp(o, "-failrelative") == 0) {
            NUM(x);
            d.co.fail_relative = (float) x;
        } else if (strcmp(o, "-warnrelative") == 0) {
            NUM(x);
            d.co.warn_relative = (float) x;
        } else if (strcmp(o, "-failpercent") == 0) {
            NUM(d.failpercent);
        } else if (strcmp(o, "-warnpercent") == 0) {
            NUM(d.warnpercent);
        } else if (strcmp(o, "-hardfail") == 0) {
            NUM(d.hardfail);
        } else if (strcmp(o, "-hardwarn") == 0) {
            NUM(d.hardwarn);
        } else if (strcmp(o, "-allowfailures") == 0) {
            NUM(x);
            d.allowfailures = (long long) x;
        } else if (strcmp(o, "-scale") == 0) {
            NUM(x);
            scale = (float) x;
        } else if (strcmp(o, "-part") == 0) {
            NUM(x);
            part = (int32_t) x;
        } else if (strcmp(o, "-o") == 0) {
            if (!v)
                return ((void) cli_usage_error("diff", "-o needs a file name"), DIFF_ERR);
            diffimage = v;
            i++;
        } else if (strcmp(o, "-od") == 0) {
            od = 1;
        } else if (strcmp(o, "-abs") == 0) {
            absolute = 1;
        } else if (strcmp(o, "-json") == 0) {
            json = 1;
        } else if (strcmp(o, "-v") == 0) {
            verbose = 1;
        } else if (strcmp(o, "-q") == 0) {
            quiet = 1;
        } else if (o[0] == '-' && o[1]) {
            return ((void) cli_usage_error("diff", "unknown option '%s'", argv[i]), DIFF_ERR);
        } else if (n_files < 2) {
            files[n_files++] = argv[i];
        } else {
            return ((void) cli_usage_error("diff", "more than two images"), DIFF_ERR);
        }
#undef NUM
    }
    if (n_files != 2)
        return ((void) cli_usage_error("diff", "give two images"), DIFF_ERR);

    vfx_open_options oo = VFX_OPEN_OPTIONS_INIT;
    oo.part = part;
    vfx_image *a = NULL, *b = NULL;
    vfx_status s = vfx_image_open(files[0], &oo, &a);
    if (s != VFX_OK) {
        cli_fail(files[0], s);
        return DIFF_ERR;
    }
    if ((s = vfx_image_open(files[1], &oo, &b)) != VFX_OK) {
        vfx_image_unref(a);
        cli_fail(files[1], s);
        return DIFF_ERR;
    }
    int mode = json ? CLI_DIFF_JSON : quiet ? CLI_DIFF_QUIET : verbose ? CLI_DIFF_VERBOSE
                                                                       : CLI_DIFF_IDIFF;
    int ret = cli_diff_print(a, b, files[0], files[1], &d, mode);
    if (ret < 0) {
        ret = DIFF_ERR;
    } else if (diffimage && (ret != DIFF_PASS || !od)) {
        int rc = write_diff(a, b, diffimage, absolute, scale);
        if (rc)
            ret = rc;
    }
    vfx_image_unref(a);
    vfx_image_unref(b);
    return ret;
}

const cli_command cli_cmd_diff = { "diff", "compare two images as idiff (exit 0 pass, 1 warn, 2 fail)",
                                   diff_run, diff_help };
