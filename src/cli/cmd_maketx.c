/* vfx maketx: write a tiled MIP (or RIP) mapped EXR texture, as OpenImageIO's maketx does.
 * Level 0 streams from the input; each further level is resized from the one before it. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static void
maketx_help(FILE *out)
{
    fprintf(out,
            "usage: vfx maketx IN OUT [options]\n\n"
            "Write OUT as a tiled OpenEXR texture with a MIP map (or a RIP map): level 0 is IN,\n"
            "each further level halves the one before it (rounding down, or up with --round\n"
            "up) down to 1x1, resized with the chosen filter. Everything streams level by level:\n"
            "memory stays bounded (VFX_MEMORY); OUT appears only when every level is written.\n\n"
            "  --filter NAME           resize filter making the levels (default box, as maketx;\n"
            "                          e.g. lanczos3, gaussian, mitchell, catmull-rom, triangle)\n"
            "  --tile WxH              tile size (default 64x64)\n"
            "  --compression NAME[:L]  zip (default), piz, none, zips, rle, pxr24, b44, b44a\n"
            "  --ripmap                a RIP map (levels halved in x and y independently)\n"
            "  --round down|up         level sizes: floor (default) or ceil of size / 2^level\n"
            "  -d, --bits TYPE         store as half, float or u32 (default: as read)\n"
            "  --ch R,G,B              keep these channels, in this order\n"
            "  --part N                read part (subimage) N, default 0\n"
            "  -q                      no progress line\n"
            "  --stats                 print time, peak memory and cache counters\n");
}

static int
maketx_run(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *ch = NULL;
    int32_t     part = 0;
    int         quiet = 0, stats = 0;
    char        comp[64];
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.tile_w = wo.tile_h = 64;
    wo.compression = "zip";
    wo.levels = VFX_LEVELS_MIPMAP;
    wo.level_filter = "box";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int         more = i + 1 < argc;
        if (strcmp(a, "--filter") == 0 && more) {
            wo.level_filter = argv[++i];
        } else if (strcmp(a, "--tile") == 0 && more) {
            if (cli_parse_size(argv[++i], &wo.tile_w, &wo.tile_h) != 0)
                return cli_usage_error("maketx", "bad tile size '%s' (want WxH)", argv[i]);
        } else if (strcmp(a, "--compression") == 0 && more) {
            if (cli_parse_compression(argv[++i], comp, sizeof comp, &wo.level) != 0)
                return cli_usage_error("maketx", "bad compression '%s'", argv[i]);
            wo.compression = comp;
        } else if (strcmp(a, "--ripmap") == 0) {
            wo.levels = VFX_LEVELS_RIPMAP;
        } else if (strcmp(a, "--round") == 0 && more) {
            const char *r = argv[++i];
            if (strcmp(r, "down") == 0)
                wo.level_round = VFX_LEVEL_ROUND_DOWN;
            else if (strcmp(r, "up") == 0)
                wo.level_round = VFX_LEVEL_ROUND_UP;
            else
                return cli_usage_error("maketx", "bad rounding '%s' (down or up)", r);
        } else if ((strcmp(a, "-d") == 0 || strcmp(a, "--bits") == 0) && more) {
            wo.pixel_type = vfx_pixel_type_from_name(argv[++i]);
            if (wo.pixel_type == VFX_PIXEL_UNKNOWN)
                return cli_usage_error("maketx", "unknown type '%s'", argv[i]);
        } else if (strcmp(a, "--ch") == 0 && more) {
            ch = argv[++i];
        } else if (strcmp(a, "--part") == 0 && more) {
            part = (int32_t) atoi(argv[++i]);
        } else if (strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--stats") == 0) {
            stats = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("maketx", "unknown option '%s'", a);
        } else if (!in) {
            in = a;
        } else if (!out) {
            out = a;
        } else {
            return cli_usage_error("maketx", "too many files ('%s')", a);
        }
    }
    if (!in || !out)
        return cli_usage_error("maketx", "need IN and OUT");
    const char *fmt = vfx_format_from_extension(out);
    if (!fmt || strcmp(fmt, "openexr") != 0)
        return cli_usage_error("maketx", "OUT must be an OpenEXR file (.exr), not '%s'", out);

    double           t0 = cli_now();
    vfx_open_options oo = VFX_OPEN_OPTIONS_INIT;
    oo.part = part;
    oo.channels = ch;
    vfx_image *im = NULL;
    vfx_status s = vfx_image_open(in, &oo, &im);
    if (s != VFX_OK)
        return cli_fail(in, s);
    cli_progress pr;
    cli_progress_init(&pr, out, vfx_rect_area(vfx_image_rod(im)), quiet);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.progress = cli_progress_fn; /* per level: each level restarts the count */
    so.progress_user = &pr;
    s = vfx_image_write_levels(im, out, &wo, &so);
    cli_progress_end(&pr);
    if (stats) {
        vfx_cache_info ci = VFX_CACHE_INFO_INIT;
        vfx_cache_stats(&ci);
        fprintf(stderr,
                "vfx maketx: %.3f s, peak RSS %.1f MiB, cache: %lld tiles computed, %lld hits, "
                "peak %.1f MiB of %.0f MiB\n",
                cli_now() - t0, (double) cli_peak_rss() / 1048576.0,
                (long long) ci.tiles_computed, (long long) ci.hits,
                (double) ci.peak_bytes / 1048576.0, (double) ci.budget / 1048576.0);
    }
    vfx_image_unref(im);
    if (s != VFX_OK)
        return cli_fail(out, s);
    return 0;
}

const cli_command cli_cmd_maketx = { "maketx", "write a tiled MIP / RIP mapped EXR texture",
                                     maketx_run, maketx_help };
