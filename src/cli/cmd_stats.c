/* vfx stats: per-channel statistics, streamed (the image is never held whole). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static void
stats_help(FILE *out)
{
    fprintf(out, "usage: vfx stats [--json] [--part N] FILE...\n\n"
                 "Per-channel min, max, mean, standard deviation (population), and counts of\n"
                 "NaN and infinite values over the data window, accumulated in double precision\n"
                 "(the result does not depend on the thread count).\n"
                 "Deep files: per-channel statistics over all samples, then the sample counts\n"
                 "(min / max / average per pixel, empty pixels, histogram, depth range), in\n"
                 "oiiotool --stats' layout (--json gives the flattened image's statistics).\n");
}

static int
stats_one(const char *path, int32_t part, int json, int first)
{
    vfx_open_options oo = VFX_OPEN_OPTIONS_INIT;
    oo.part = part;
    vfx_image *im = NULL;
    vfx_status s = vfx_image_open(path, &oo, &im);
    if (s != VFX_OK)
        return cli_fail(path, s);
    if (vfx_image_deep(im) && !json) { /* deep: sample statistics, oiiotool's layout */
        int rc = cli_print_deep_stats(stdout, path, vfx_image_deep(im));
        vfx_image_unref(im);
        return rc;
    }
    int32_t            nc = vfx_image_n_channels(im);
    vfx_channel_stats *st = calloc((size_t) nc, sizeof *st);
    vfx_sink_options   so = VFX_SINK_OPTIONS_INIT;
    so.flags = VFX_SINK_DATA_WINDOW;
    s = st ? vfx_image_stats(im, &so, st, nc) : VFX_ERR_NOMEM;
    if (s != VFX_OK) {
        free(st);
        vfx_image_unref(im);
        return cli_fail(path, s);
    }
    const vfx_spec *spec = vfx_image_spec(im);
    if (json) {
        printf("%s  {\"file\": ", first ? "" : ",\n");
        cli_json_string(stdout, path);
        printf(", \"channels\": [");
    } else {
        printf("%s : %lld x %lld, %d channels\n", path, (long long) vfx_rect_width(spec->data),
               (long long) vfx_rect_height(spec->data), (int) nc);
    }
    for (int32_t c = 0; c < nc; c++) {
        vfx_channel_info ci;
        vfx_channels_get(spec->channels, c, &ci);
        if (json) {
            printf("%s\n    {\"name\": ", c ? "," : "");
            cli_json_string(stdout, ci.name);
            printf(", \"min\": %.9g, \"max\": %.9g, \"mean\": %.9g, \"stddev\": %.9g, "
                   "\"finite\": %lld, \"nan\": %lld, \"inf\": %lld}",
                   st[c].min, st[c].max, st[c].mean, st[c].stddev, (long long) st[c].finite_count,
                   (long long) st[c].nan_count, (long long) st[c].inf_count);
        } else {
            printf("  %-8s min %-12.6g max %-12.6g mean %-12.6g stddev %-12.6g nan %lld inf %lld\n",
                   ci.name, st[c].min, st[c].max, st[c].mean, st[c].stddev,
                   (long long) st[c].nan_count, (long long) st[c].inf_count);
        }
    }
    if (json)
        printf("]}");
    free(st);
    vfx_image_unref(im);
    return 0;
}

static int
stats_run(int argc, char **argv)
{
    int     json = 0, rc = 0, n = 0;
    int32_t part = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--part") == 0 && i + 1 < argc)
            part = (int32_t) atoi(argv[++i]);
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("stats", "unknown option '%s'", argv[i]);
    }
    if (json)
        printf("[\n");
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            i += strcmp(argv[i], "--part") == 0;
            continue;
        }
        rc |= stats_one(argv[i], part, json, n == 0);
        n++;
    }
    if (json)
        printf("\n]\n");
    if (n == 0)
        return cli_usage_error("stats", "no file given");
    return rc;
}

const cli_command cli_cmd_stats = { "stats", "per-channel statistics (min, max, mean, stddev, NaN/Inf)",
                                    stats_run, stats_help };
