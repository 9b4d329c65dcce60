/* vfx's encoders from memory: the vfx side of bench/compare/codec_floor.c. The input is read
 * whole through the vfx reader in its own pixel type (untimed), then written by the vfx writer
 * with each ENCODE spec, timed, at the library's thread count (-t, default one per core).
 *
 *   vfx_bench_encode [-r REPS] [-l LONG_S] [-t THREADS] [-o OUTDIR] INPUT ENCODE[@K]...
 *
 *   png:LEVEL | png:default   jpeg:Q   tiff:COMP[:tileN]   exr:COMP
 *
 * @K, -r, -l and the output lines are those of codec_floor.c (CODEC is FORMAT/vfx-VERSION,
 * THREADS the worker count), so bench/compare/run puts vfx's encode time next to the codec
 * library's for the same pixels and settings. */
#define _POSIX_C_SOURCE 200809L
#include <vfx/vfx.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

#define MAXREPS 16


static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
median(const double *v, int n)
{
    double s[MAXREPS];
    memcpy(s, v, sizeof *v * (size_t) n);
    qsort(s, (size_t) n, sizeof *s, cmp_d);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

typedef struct {
    const char       *spec;
    char              ext[8], settings[96], path[4096], err[512];
    vfx_write_options o;
    char              comp[32];
    int               k;
    double            wall[MAXREPS], cpu[MAXREPS];
    int               n, done;
    long              out;
} enc;

/* png:LEVEL|default, jpeg:Q, tiff:COMP[:tileN], exr:COMP, each with an optional @K */
static int
parse(enc *e, const char *outdir, int idx)
{
    char body[96], kind[16] = "", a[32] = "", b[32] = "";
    snprintf(body, sizeof body, "%s", e->spec);
    char *at = strchr(body, '@');
    e->k = 1;
    if (at) {
        *at = '\0';
        e->k = atoi(at + 1);
    }
    sscanf(body, "%15[^:]:%31[^:]:%31s", kind, a, b);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    e->o = o;
    if (e->k < 1 || e->k > 64)
        return snprintf(e->err, sizeof e->err, "spec@K needs K in 1-64"), -1;
    if (strcmp(kind, "png") == 0) {
        snprintf(e->ext, sizeof e->ext, "png");
        if (strcmp(a, "default") == 0) {
            snprintf(e->settings, sizeof e->settings, "vfx-default-level-4,adaptive-filters");
        } else {
            e->o.level = atoi(a);
            snprintf(e->settings, sizeof e->settings, "zlib-level-%d,adaptive-filters", e->o.level);
        }
    } else if (strcmp(kind, "jpeg") == 0) {
        snprintf(e->ext, sizeof e->ext, "jpg");
        e->o.level = atoi(a);
        snprintf(e->settings, sizeof e->settings, "q%d,4:2:0,islow", e->o.level);
    } else if (strcmp(kind, "tiff") == 0) {
        snprintf(e->ext, sizeof e->ext, "tif");
        snprintf(e->comp, sizeof e->comp, "%s", a);
        e->o.compression = e->comp;
        if (strncmp(b, "tile", 4) == 0)
            e->o.tile_w = e->o.tile_h = atoi(b + 4);
        if (e->o.tile_w > 0)
            snprintf(e->settings, sizeof e->settings, "%s,tiles-%dx%d", a, e->o.tile_w, e->o.tile_w);
        else
            snprintf(e->settings, sizeof e->settings, "%s,strips", a);
    } else if (strcmp(kind, "exr") == 0) {
        snprintf(e->ext, sizeof e->ext, "exr");
        snprintf(e->comp, sizeof e->comp, "%s", a);
        e->o.compression = e->comp;
        snprintf(e->settings, sizeof e->settings, "%s%s,scanlines", a,
                 strcmp(a, "zip") == 0 || strcmp(a, "zips") == 0 ? ",level-4" : "");
    } else {
        return snprintf(e->err, sizeof e->err, "unknown encode spec %s", e->spec), -1;
    }
    snprintf(e->path, sizeof e->path, "%s/vfx_bench_encode.%d.%ld.%s", outdir, idx, (long) getpid(),
             e->ext);
    return 0;
}

int
main(int argc, char **argv)
{
    int reps = 3, threads = 0, opt;
    double long_s = 2.0;
    const char *outdir = "/tmp";
    while ((opt = getopt(argc, argv, "r:l:t:o:h")) != -1) {
        switch (opt) {
        case 'r': reps = atoi(optarg); break;
        case 'l': long_s = atof(optarg); break;
        case 't': threads = atoi(optarg); break;
        case 'o': outdir = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-r REPS] [-l LONG_S] [-t THREADS] [-o OUTDIR] INPUT ENCODE[@K]...\n",
                    argv[0]);
            return 2;
        }
    }
    if (optind + 1 >= argc || reps < 1)
        return fprintf(stderr, "%s: an input and at least one ENCODE spec\n", argv[0]), 2;
    reps = reps > MAXREPS ? MAXREPS : reps;
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    io.threads = threads;
    if (vfx_init(&io) != VFX_OK)
        return fprintf(stderr, "%s\n", vfx_error_message()), 2;
    const char *input = argv[optind];
    const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;

    /* the input, whole, in its own pixel type (untimed) */
    vfx_reader *r = NULL;
    const vfx_spec *sp = NULL;
    vfx_channel_info ci;
    if (vfx_reader_open(input, NULL, &r) != VFX_OK || vfx_reader_spec(r, 0, &sp) != VFX_OK ||
        vfx_channels_get(sp->channels, 0, &ci) != VFX_OK) {
        printf("floor\tencode\tvfx\t-\tna\t\t\t\t0\t\t\t\t%s\t%s\n", base, vfx_error_message());
        vfx_reader_close(r);
        vfx_shutdown();
        return 1;
    }
    vfx_pixel_type t = ci.type;
    vfx_rect rc = sp->data;
    int32_t w = (int32_t) vfx_rect_width(rc), h = (int32_t) vfx_rect_height(rc);
    int32_t nc = vfx_channels_count(sp->channels);
    ptrdiff_t xs = (ptrdiff_t) vfx_pixel_type_size(t) * nc, ys = xs * w;
    unsigned char *px = malloc((size_t) ys * (size_t) h);
    if (!px || vfx_reader_read_rect(r, 0, 0, 0, rc, NULL, 0, t, px, xs, ys) != VFX_OK) {
        printf("floor\tencode\tvfx\t-\tna\t\t\t\t0\t\t\t\t%s\t%s\n", base,
               px ? vfx_error_message() : "out of memory");
        free(px);
        vfx_reader_close(r);
        vfx_shutdown();
        return 1;
    }
    char geom[96];
    snprintf(geom, sizeof geom, "%dx%dx%d %s", w, h, nc,
             t == VFX_PIXEL_U8 ? "u8" : t == VFX_PIXEL_U16 ? "u16" : t == VFX_PIXEL_HALF ? "half" : "other");
    double raw = (double) ys * (double) h;

    int nenc = argc - optind - 1;
    enc *es = calloc((size_t) nenc, sizeof *es);
    unsigned char **part = calloc((size_t) nenc, sizeof *part);
    if (!es || !part)
        return fprintf(stderr, "out of memory\n"), 1;
    for (int i = 0; i < nenc; i++) {
        es[i].spec = argv[optind + 1 + i];
        if (parse(&es[i], outdir, i) != 0)
            es[i].done = 1;
    }
    for (int rep = 0; rep < reps; rep++) {
        int more = 0;
        for (int i = 0; i < nenc; i++) {
            enc *e = &es[i];
            if (e->done)
                continue;
            /* the spec of the (sampled) image: 1 band of 64 rows in k, from the top */
            int32_t hh = 0;
            for (int32_t y = 0; y < h; y++)
                hh += (y / 64) % e->k == 0;
            const unsigned char *src = px;
            if (e->k > 1) {
                if (!part[i]) {
                    part[i] = malloc((size_t) ys * (size_t) hh);
                    if (!part[i]) {
                        snprintf(e->err, sizeof e->err, "out of memory");
                        e->done = 1;
                        continue;
                    }
                    for (int32_t y = 0, o = 0; y < h; y++)
                        if ((y / 64) % e->k == 0)
                            memcpy(part[i] + (size_t) o++ * (size_t) ys, px + (size_t) y * (size_t) ys,
                                   (size_t) ys);
                }
                src = part[i];
            }
            vfx_spec s2 = VFX_SPEC_INIT;
            if (vfx_spec_copy(&s2, sp) != VFX_OK) {
                snprintf(e->err, sizeof e->err, "%s", vfx_error_message());
                e->done = 1;
                continue;
            }
            s2.data = (vfx_rect) {0, 0, w, hh};
            s2.display = s2.data;
            vfx_rect wr = s2.data;
            double t0 = now_s(), c0 = cpu_s();
            vfx_writer *wt = NULL;
            vfx_status st = vfx_writer_open(e->path, &s2, &e->o, &wt);
            if (st == VFX_OK)
                st = vfx_writer_write_rect(wt, wr, t, src, xs, ys);
            if (st == VFX_OK)
                st = vfx_writer_close(wt, 0);
            else
                vfx_writer_close(wt, 1);
            double t1 = now_s(), c1 = cpu_s();
            vfx_spec_clear(&s2);
            if (st != VFX_OK) {
                snprintf(e->err, sizeof e->err, "%s", vfx_error_message());
                e->n = 0;
                e->done = 1;
                continue;
            }
            e->wall[e->n] = t1 - t0;
            e->cpu[e->n++] = c1 - c0;
            FILE *f = fopen(e->path, "rb");
            if (f) {
                fseek(f, 0, SEEK_END);
                e->out = ftell(f);
                fclose(f);
            }
            unlink(e->path);
            e->done = t1 - t0 > long_s;
            more |= !e->done;
        }
        if (!more)
            break;
    }
    for (int i = 0; i < nenc; i++) {
        enc *e = &es[i];
        char codec[64];
        const char *fmt = e->ext[0] == 'j' ? "jpeg" : e->ext[0] == 't' ? "tiff" : e->ext;
        snprintf(codec, sizeof codec, "%s/vfx-%s", fmt, vfx_version_string());
        if (e->n == 0) {
            printf("floor\tencode\t%s\t%s\tna\t\t\t\t0\t\t\t\t%s\t%s\n", codec, e->settings, base, e->err);
            continue;
        }
        double mn = e->wall[0], med = median(e->wall, e->n) * e->k;
        for (int j = 1; j < e->n; j++)
            mn = e->wall[j] < mn ? e->wall[j] : mn;
        printf("floor\tencode\t%s\t%s\t%d\t%.4f\t%.4f\t%.4f\t%d\t1/%d\t%.1f\t%ld\t%s\t%s\n", codec,
               e->settings, vfx_threads(), med, mn * e->k, median(e->cpu, e->n) * e->k, e->n, e->k,
               raw / 1048576.0 / med, e->out * e->k, base, geom);
        free(part[i]);
    }
    free(es);
    free(part);
    free(px);
    vfx_reader_close(r);
    vfx_shutdown();
    return 0;
}
