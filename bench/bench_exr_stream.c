/* Streaming EXR I/O through the reader/writer layer (no graph): the two proofs.
 *
 *   vfx_bench_exr_stream make N DIR            NxN RGBA half inputs: scan_zip.exr, tile64_zip.exr
 *   vfx_bench_exr_stream crop IN X Y W H       read a W x H rect; prints chunks/bytes read
 *   vfx_bench_exr_stream transcode IN OUT COMP strips of IN -> OUT with compression COMP
 *   vfx_bench_exr_stream gcrop IN X Y W H      the same crop through the graph (file image)
 *   vfx_bench_exr_stream gtranscode IN OUT COMP  the same transcode through the graph's file sink
 *
 * Each command prints "time_s peak_rss_mib" plus its own figures. Transcode decodes bands of
 * chunks in parallel on the global pool and writes them in order. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/core_int.h"
#include "vfx/vfx.h"

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static double
peak_rss_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double) u.ru_maxrss / 1024.0;
}

static int
die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, vfx_error_message());
    return 1;
}

/* ---- make ------------------------------------------------------------------------------------ */

static void
fill_rows(uint16_t *p, int32_t n, int32_t y0, int32_t rows)
{
    for (int32_t y = 0; y < rows; y++)
        for (int32_t x = 0; x < n; x++) {
            float fx = (float) x / (float) n, fy = (float) (y0 + y) / (float) n;
            uint32_t h = (uint32_t) x * 0x9E3779B1u ^ (uint32_t) (y0 + y) * 0x85EBCA77u;
            h ^= h >> 15;
            h *= 0x2C1B3C6Du;
            h ^= h >> 12;
            float noise = (float) (h & 0xffff) / 65536.0f * 0.1f; /* film-grain-like */
            uint16_t *q = p + ((size_t) y * (size_t) n + (size_t) x) * 4;
            q[0] = vfx_float_to_half(fx + noise);
            q[1] = vfx_float_to_half(fy + noise * 0.5f);
            q[2] = vfx_float_to_half(0.5f * (fx + fy) + (float) ((x ^ (y0 + y)) & 7) * 0.01f + noise);
            q[3] = vfx_float_to_half(1.0f);
        }
}

static int
make_one(const char *path, int32_t n, int tiled)
{
    vfx_spec sp = VFX_SPEC_INIT;
    if (vfx_spec_init_simple(&sp, n, n, "R,G,B,A", VFX_PIXEL_HALF) != VFX_OK)
        return die("spec");
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = "zip";
    if (tiled)
        o.tile_w = o.tile_h = 64;
    vfx_writer *w = NULL;
    if (vfx_writer_open(path, &sp, &o, &w) != VFX_OK)
        return die(path);
    int32_t band = 64;
    uint16_t *buf = malloc((size_t) n * (size_t) band * 8);
    for (int32_t y = 0; y < n; y += band) {
        int32_t rows = y + band <= n ? band : n - y;
        fill_rows(buf, n, y, rows);
        if (tiled) {
            for (int32_t x = 0; x < n; x += 64) {
                vfx_rect r = { x, y, x + 64 < n ? x + 64 : n, y + rows };
                if (vfx_writer_write_rect(w, r, VFX_PIXEL_HALF, buf + (size_t) x * 4, 8,
                                          (ptrdiff_t) n * 8) != VFX_OK)
                    return die(path);
            }
        } else if (vfx_writer_write_rect(w, (vfx_rect){ 0, y, n, y + rows }, VFX_PIXEL_HALF, buf,
                                         8, (ptrdiff_t) n * 8) != VFX_OK) {
            return die(path);
        }
    }
    free(buf);
    vfx_spec_clear(&sp);
    return vfx_writer_close(w, 0) == VFX_OK ? 0 : die(path);
}

/* ---- transcode ------------------------------------------------------------------------------ */

typedef struct band_job {
    vfx_reader *r;
    vfx_rect    data;
    int32_t     band_h, first, nc;
    uint16_t  **bufs;
} band_job;

static vfx_status
decode_band(void *arg, int64_t i, int worker)
{
    band_job *j = arg;
    (void) worker;
    int32_t y0 = j->data.y0 + (j->first + (int32_t) i) * j->band_h;
    vfx_rect r = { j->data.x0, y0, j->data.x1, y0 + j->band_h };
    r = vfx_rect_intersect(r, j->data);
    ptrdiff_t xs = 2 * j->nc;
    return vfx_reader_read_rect(j->r, 0, 0, 0, r, NULL, 0, VFX_PIXEL_HALF, j->bufs[i], xs,
                                xs * (ptrdiff_t) vfx_rect_width(r));
}

static int
transcode(const char *in, const char *out, const char *comp)
{
    vfx_reader *r = NULL;
    if (vfx_reader_open(in, NULL, &r) != VFX_OK)
        return die(in);
    const vfx_spec *sp;
    vfx_reader_spec(r, 0, &sp);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = comp;
    vfx_writer *w = NULL;
    if (vfx_writer_open(out, sp, &o, &w) != VFX_OK)
        return die(out);
    vfx_chunking rc, wc;
    vfx_reader_chunking(r, 0, 0, 0, &rc);
    vfx_writer_chunking(w, &wc);
    /* a band = a whole number of both chunk heights */
    int32_t band_h = rc.chunk_h > wc.chunk_h ? rc.chunk_h : wc.chunk_h;
    int32_t nc = vfx_channels_count(sp->channels);
    int32_t n_bands = (int32_t) ((vfx_rect_height(sp->data) + band_h - 1) / band_h);
    int32_t batch = 2 * vfx_threads();
    size_t band_bytes = (size_t) vfx_rect_width(sp->data) * (size_t) band_h * 2 * (size_t) nc;
    /* one contiguous buffer: the batch's bands are consecutive rows, written in one call so
     * the writer compresses its chunks in parallel */
    uint16_t *all = malloc(band_bytes * (size_t) batch);
    uint16_t **bufs = calloc((size_t) batch, sizeof *bufs);
    for (int32_t i = 0; i < batch; i++)
        bufs[i] = all + band_bytes / 2 * (size_t) i;
    band_job j = { r, sp->data, band_h, 0, nc, bufs };
    for (int32_t b = 0; b < n_bands; b += batch) {
        int32_t k = n_bands - b < batch ? n_bands - b : batch;
        j.first = b;
        if (vfx__parallel_for(vfx__pool_global(), k, decode_band, &j) != VFX_OK)
            return die("decode");
        int32_t y0 = sp->data.y0 + b * band_h;
        vfx_rect rr = vfx_rect_intersect(
            (vfx_rect){ sp->data.x0, y0, sp->data.x1, y0 + k * band_h }, sp->data);
        if (vfx_writer_write_rect(w, rr, VFX_PIXEL_HALF, all, 2 * nc,
                                  2 * nc * (ptrdiff_t) vfx_rect_width(rr)) != VFX_OK)
            return die("write");
    }
    free(all);
    free(bufs);
    if (vfx_writer_close(w, 0) != VFX_OK)
        return die(out);
    vfx_reader_stats st;
    vfx_reader_get_stats(r, &st);
    printf("chunks_read %lld bytes_read %lld\n", (long long) st.chunks_read,
           (long long) st.bytes_read);
    vfx_reader_close(r);
    return 0;
}

int
main(int argc, char **argv)
{
    if (vfx_init(NULL) != VFX_OK)
        return die("init");
    double t0 = now_s();
    int rc = 2;
    if (argc == 4 && strcmp(argv[1], "make") == 0) {
        char a[4096], b[4096];
        int32_t n = atoi(argv[2]);
        snprintf(a, sizeof a, "%s/scan_zip.exr", argv[3]);
        snprintf(b, sizeof b, "%s/tile64_zip.exr", argv[3]);
        rc = make_one(a, n, 0) || make_one(b, n, 1);
    } else if (argc == 7 && strcmp(argv[1], "crop") == 0) {
        vfx_reader *r = NULL;
        if (vfx_reader_open(argv[2], NULL, &r) != VFX_OK)
            return die(argv[2]);
        vfx_rect want = vfx_rect_make(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
        const vfx_spec *sp;
        vfx_reader_spec(r, 0, &sp);
        int32_t nc = vfx_channels_count(sp->channels);
        float *buf = malloc((size_t) vfx_rect_area(want) * (size_t) nc * 4);
        if (vfx_reader_read_rect(r, 0, 0, 0, want, NULL, 0, VFX_PIXEL_F32, buf, 4 * nc,
                                 4 * nc * (ptrdiff_t) vfx_rect_width(want)) != VFX_OK)
            return die("crop");
        vfx_reader_stats st;
        vfx_reader_get_stats(r, &st);
        printf("chunks_read %lld bytes_read %lld\n", (long long) st.chunks_read,
               (long long) st.bytes_read);
        free(buf);
        vfx_reader_close(r);
        rc = 0;
    } else if (argc == 5 && strcmp(argv[1], "transcode") == 0) {
        rc = transcode(argv[2], argv[3], argv[4]);
    } else if (argc == 7 && strcmp(argv[1], "gcrop") == 0) {
        vfx_image *im = NULL;
        if (vfx_image_read(argv[2], 0, 0, 0, NULL, &im) != VFX_OK)
            return die(argv[2]);
        vfx_rect want = vfx_rect_make(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
        int32_t nc = vfx_image_n_channels(im);
        float *buf = malloc((size_t) vfx_rect_area(want) * (size_t) nc * 4);
        if (vfx_image_render(im, want, buf, VFX_PIXEL_F32, 4 * nc,
                             4 * nc * (ptrdiff_t) vfx_rect_width(want), nc, NULL) != VFX_OK)
            return die("render");
        vfx_reader_stats st;
        vfx_image_read_stats(im, &st);
        printf("chunks_read %lld bytes_read %lld\n", (long long) st.chunks_read,
               (long long) st.bytes_read);
        free(buf);
        vfx_image_unref(im);
        rc = 0;
    } else if (argc == 5 && strcmp(argv[1], "gtranscode") == 0) {
        vfx_image *im = NULL;
        if (vfx_image_read(argv[2], 0, 0, 0, NULL, &im) != VFX_OK)
            return die(argv[2]);
        vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
        o.compression = argv[4];
        if (vfx_image_write(im, argv[3], &o, NULL) != VFX_OK)
            return die("write");
        vfx_reader_stats st;
        vfx_image_read_stats(im, &st);
        printf("chunks_read %lld bytes_read %lld\n", (long long) st.chunks_read,
               (long long) st.bytes_read);
        vfx_image_unref(im);
        rc = 0;
    } else {
        fprintf(stderr, "usage: see the comment at the top of bench_exr_stream.c\n");
    }
    printf("time_s %.3f peak_rss_mib %.1f\n", now_s() - t0, peak_rss_mib());
    vfx_shutdown();
    return rc;
}
