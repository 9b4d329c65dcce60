/* vfx convert: read one image, write it in another format, type, compression or layout.
 * Everything streams: the input is decoded chunk by chunk as the writer asks for pixels. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static void
convert_help(FILE *out)
{
    fprintf(out,
            "usage: vfx convert IN OUT [options]\n\n"
            "Convert an image; the output format comes from OUT's extension. The job streams:\n"
            "memory stays bounded (VFX_MEMORY) whatever the image size, and OUT appears only\n"
            "when everything succeeded.\n\n"
            "  --ch R,G,B              keep these channels, in this order\n"
            "  --part N                read part (subimage) N only; without it every part of a\n"
            "                          multi-part file goes into an EXR OUT (other formats: part 0)\n"
            "  -d, --bits TYPE         store as u8, u16, u32, half or float (default: as read)\n"
            "  --compression NAME[:L]  e.g. zip, piz, none, zips, rle, pxr24, b44, b44a;\n"
            "                          JPEG 2000: lossless (default) or lossy:RATIO;\n"
            "                          L = level or quality where the format has one\n"
            "                          WebP: webp|lossless[,method=0-6][,exact], L = quality\n"
            "                          AVIF: avif|aom|rav1e|svt[,speed=0-10][,sub=444|422|420]\n"
            "                                [,bits=8|10|12][,lossless], L = quality\n"
            "                          HEIC: heic[,sub=420|422|444][,bits=8|10][,lossless]\n"
            "                          PNG: zip[,filter=none|sub|up|avg|paeth|adaptive]\n"
            "                                (adaptive), L = zlib level 0-9 (4)\n"
            "  --tile WxH              write tiles of W x H\n"
            "  --flatten               deep input: write it flat (samples composited front to\n"
            "                          back); without it a deep EXR stays deep in an EXR OUT\n"
            "                          (compression none, rle, zips or zip) and is flattened\n"
            "                          for any other format\n"
            "  --colorconvert FROM TO  convert between colour spaces of the colour config\n"
            "  --config FILE           the OCIO config (default: $OCIO, else the built-in one)\n"
            "  --resize WxH|N%%         resize (WxH, W or H 0 keeps the aspect ratio, or N%%),\n"
            "                          after the colour conversion\n"
            "  --filter NAME           resize filter (lanczos3, mitchell, box, ...; default as\n"
            "                          oiiotool: lanczos3 down, blackman-harris up)\n"
            "  --scanline              write scanlines / strips (the default)\n"
            "  --aces                  write an ACES container file (SMPTE ST 2065-4): RGB\n"
            "                          converted from IN's chromaticities to ACES2065-1 (AP0,\n"
            "                          Bradford, as exr2aces), half R,G,B(,A), piz (or none,\n"
            "                          b44a), acesImageContainerFlag = 1\n"
            "  --frames RANGE          convert a sequence: IN and OUT are patterns, each frame\n"
            "                          streams in turn and OUT gets the same frame number\n"
            "  -q                      no progress line\n"
            "  --stats                 print time, peak memory, cache and reader counters\n\n"
            "Sequences: IN and OUT may hold frame tokens (#### or # = 4 digits, @ = 1 digit,\n"
            "%%04d) or UDIM tokens (<UDIM>, <u>, <v>, <U>, <V>, <uvtile>, <UVTILE>). RANGE is\n"
            "1-100, 1-100x2 (every 2nd), 1,3,5-9 or -10--1; 'img.1-10#.exr' carries its own\n"
            "range (oiiotool style). Without a range, every existing frame (or UDIM tile) of IN\n"
            "is converted. Example: vfx convert 'plate.####.dpx' 'plate.####.exr' --frames 1-48\n");
}

typedef struct convert_job {
    const char        *ch;
    int32_t            part;
    int                part_given, quiet, stats, aces, flatten;
    vfx_write_options *wo;
    const char        *cc_from, *cc_to, *config, *resize, *filter;
} convert_job;

/* *im := *im converted from colour space @p from to @p to of @p config ($OCIO / built in). */
static vfx_status
convert_color(vfx_image **im, const char *config, const char *from, const char *to)
{
    vfx_ocio_config     *cfg = NULL;
    vfx_color_processor *proc = NULL;
    vfx_image           *out = NULL;
    vfx_status s = config ? vfx_ocio_config_new_from_file(config, &cfg)
                          : vfx_ocio_config_new_from_env(&cfg);
    if (s == VFX_OK)
        s = vfx_ocio_processor_new(cfg, from, to, &proc);
    if (s == VFX_OK)
        s = vfx_image_color(*im, proc, 0, to, &out);
    if (s == VFX_OK) {
        vfx_image_unref(*im);
        *im = out;
    }
    vfx_color_processor_free(proc);
    vfx_ocio_config_free(cfg);
    return s;
}

/* Part @p part of IN, opened and put through the job's colour conversion, resize and ACES
 * conversion. Returns the exit code (0: *out holds the image). */
static int
open_part(const convert_job *job, const char *in, int32_t part, vfx_write_options *wo,
          vfx_image **out)
{
    vfx_open_options oo = VFX_OPEN_OPTIONS_INIT;
    oo.part = part;
    oo.channels = job->ch;
    vfx_image *im = NULL;
    vfx_status s = vfx_image_open(in, &oo, &im);
    if (s != VFX_OK)
        return cli_fail(in, s);
    if (job->cc_from && (s = convert_color(&im, job->config, job->cc_from, job->cc_to)) != VFX_OK) {
        vfx_image_unref(im);
        return cli_fail("--colorconvert", s);
    }
    if (job->resize) {
        vfx_rect   r;
        vfx_image *sized = NULL;
        if (cli_parse_resize_geom(job->resize, vfx_image_spec(im)->display, &r) != 0) {
            vfx_image_unref(im);
            return cli_usage_error("convert", "bad size '%s' (WxH, WxH+X+Y or N%%)", job->resize);
        }
        s = vfx_image_resize(im, r, job->filter, 0.0f, &sized);
        vfx_image_unref(im);
        if (s != VFX_OK)
            return cli_fail("--resize", s);
        im = sized;
    }
    if (job->aces) {
        vfx_image *a = NULL;
        s = vfx_image_to_aces(im, &a);
        vfx_image_unref(im);
        if (s != VFX_OK)
            return cli_fail(in, s);
        im = a;
        wo->flags |= VFX_WRITE_ACES;
    }
    *out = im;
    return 0;
}

/* The number of parts of IN to write: all of a multi-part file into an EXR OUT when no --part
 * was asked for (as iconvert / oiiotool -a), else 1. Deep files keep their own path. */
static int32_t
parts_to_write(const convert_job *job, const char *in, const char *out)
{
    if (job->part_given || job->flatten || !cli_is_exr_path(out) || vfx_deep_file_is_deep(in, 0))
        return 1;
    vfx_reader *r = NULL;
    if (vfx_reader_open(in, NULL, &r) != VFX_OK)
        return 1; /* the open below reports why */
    int32_t n = vfx_reader_part_count(r);
    vfx_reader_close(r);
    return n > 1 ? n : 1;
}

/* One image: IN to OUT, streamed. Returns the exit code. */
static int
convert_one(void *user, const char *in, const char *out)
{
    convert_job *job = user;
    int          quiet = job->quiet, stats = job->stats;
    vfx_write_options wo = *job->wo;
    double           t0 = cli_now();
    vfx_image       *im = NULL;
    vfx_status       s = VFX_OK;
    int32_t          n_parts = parts_to_write(job, in, out);
    if (n_parts > 1) {
        vfx_image               **ims = calloc((size_t) n_parts, sizeof *ims);
        const vfx_write_options **wos = calloc((size_t) n_parts, sizeof *wos);
        int                       rc = ims && wos ? 0 : cli_fail(in, VFX_ERR_NOMEM);
        for (int32_t p = 0; p < n_parts && rc == 0; p++) {
            rc = open_part(job, in, p, &wo, &ims[p]);
            wos[p] = &wo;
        }
        if (rc == 0) {
            cli_progress pr;
            cli_progress_init(&pr, out, vfx_rect_area(vfx_image_rod(ims[0])), quiet);
            vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
            so.progress = cli_progress_fn;
            so.progress_user = &pr;
            s = vfx_image_write_parts(ims, n_parts, out, wos, &so);
            cli_progress_end(&pr);
            if (s != VFX_OK)
                rc = cli_fail(out, s);
        }
        for (int32_t p = 0; ims && p < n_parts; p++)
            vfx_image_unref(ims[p]);
        free(ims);
        free(wos);
        return rc;
    }
    int rc = open_part(job, in, job->part, &wo, &im);
    if (rc != 0)
        return rc;
    cli_progress pr;
    vfx_rect     rod = vfx_image_rod(im);
    cli_progress_init(&pr, out, vfx_rect_area(rod), quiet);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.progress = cli_progress_fn;
    so.progress_user = &pr;
    int deep_done = 0;
    if (job->flatten && vfx_image_deep(im)) {
        vfx_image *flat = NULL;
        s = vfx_deep_flatten(vfx_image_deep(im), &flat);
        vfx_image_unref(im);
        im = flat;
    } else {
        s = cli_write_deep(im, out, &wo, &deep_done); /* deep EXR stays deep */
    }
    if (s == VFX_OK && !deep_done)
        s = vfx_image_write(im, out, &wo, &so);
    cli_progress_end(&pr);
    if (stats) {
        vfx_reader_stats rs = { 0, 0 };
        vfx_image_read_stats(im, &rs);
        vfx_cache_info ci = VFX_CACHE_INFO_INIT;
        vfx_cache_stats(&ci);
        fprintf(stderr,
                "vfx convert: %.3f s, peak RSS %.1f MiB, %lld chunks / %.1f MiB read, cache: "
                "%lld tiles computed, %lld hits, %lld released behind, %lld evicted, "
                "peak %.1f MiB of %.0f MiB\n",
                cli_now() - t0, (double) cli_peak_rss() / 1048576.0, (long long) rs.chunks_read,
                (double) rs.bytes_read / 1048576.0, (long long) ci.tiles_computed,
                (long long) ci.hits, (long long) ci.released, (long long) ci.evictions,
                (double) ci.peak_bytes / 1048576.0, (double) ci.budget / 1048576.0);
    }
    vfx_image_unref(im);
    if (s != VFX_OK)
        return cli_fail(out, s);
    return 0;
}

static int
convert_run(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *ch = NULL, *frames = NULL;
    const char *cc_from = NULL, *cc_to = NULL, *config = NULL, *resize = NULL, *filter = NULL;
    int32_t     part = 0;
    int         part_given = 0, quiet = 0, stats = 0, aces = 0, flatten = 0;
    char        comp[64];
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int         more = i + 1 < argc;
        if (strcmp(a, "--ch") == 0 && more) {
            ch = argv[++i];
        } else if (strcmp(a, "--part") == 0 && more) {
            part = (int32_t) atoi(argv[++i]);
            part_given = 1;
        } else if ((strcmp(a, "-d") == 0 || strcmp(a, "--bits") == 0) && more) {
            wo.pixel_type = vfx_pixel_type_from_name(argv[++i]);
            if (wo.pixel_type == VFX_PIXEL_UNKNOWN)
                return cli_usage_error("convert", "unknown type '%s'", argv[i]);
        } else if (strcmp(a, "--compression") == 0 && more) {
            if (cli_parse_compression(argv[++i], comp, sizeof comp, &wo.level) != 0)
                return cli_usage_error("convert", "bad compression '%s'", argv[i]);
            wo.compression = comp;
        } else if (strcmp(a, "--tile") == 0 && more) {
            if (cli_parse_size(argv[++i], &wo.tile_w, &wo.tile_h) != 0)
                return cli_usage_error("convert", "bad tile size '%s' (want WxH)", argv[i]);
        } else if (strcmp(a, "--colorconvert") == 0 && i + 2 < argc) {
            cc_from = argv[++i];
            cc_to = argv[++i];
        } else if (strcmp(a, "--config") == 0 && more) {
            config = argv[++i];
        } else if (strcmp(a, "--resize") == 0 && more) {
            resize = argv[++i];
        } else if (strcmp(a, "--filter") == 0 && more) {
            filter = argv[++i];
        } else if (strcmp(a, "--aces") == 0) {
            aces = 1;
        } else if (strcmp(a, "--flatten") == 0) {
            flatten = 1;
        } else if (strcmp(a, "--scanline") == 0) {
            wo.tile_w = wo.tile_h = 0;
        } else if (strcmp(a, "--frames") == 0 && more) {
            frames = argv[++i];
        } else if (strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--stats") == 0) {
            stats = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("convert", "unknown option '%s'", a);
        } else if (!in) {
            in = a;
        } else if (!out) {
            out = a;
        } else {
            return cli_usage_error("convert", "too many files ('%s')", a);
        }
    }
    if (!in || !out)
        return cli_usage_error("convert", "need IN and OUT");
    convert_job job = { ch,      part,  part_given, quiet,  stats, aces,
                         flatten, &wo,   cc_from,    cc_to,  config, resize, filter };
    return cli_seq_run("convert", in, out, frames, convert_one, &job);
}

const cli_command cli_cmd_convert = { "convert", "convert an image to another format, type or layout",
                                      convert_run, convert_help };
