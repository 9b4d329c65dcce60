/* Streaming a sequential-row format into a tiled one through the reader/writer layer (no
 * graph yet): the "16384 x 16384 PNG -> tiled TIFF under 256 MiB peak RSS".
 *
 *   vfx_bench_png_tiff_stream make N OUT.png          NxN RGB u8 PNG, written row by row
 *   vfx_bench_png_tiff_stream convert IN OUT.tif T     IN (any format) -> TxT-tiled TIFF (zip)
 *
 * convert pulls bands of T rows from the reader top to bottom (a sequential reader decodes
 * each row once) and hands the band's tiles to the writer, so at most one band is held.
 * Each command prints "time_s peak_rss_mib" plus its own figures. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

static int
make(int32_t n, const char *out)
{
    double t0 = now_s();
    vfx_spec spec = VFX_SPEC_INIT;
    if (vfx_spec_init_simple(&spec, n, n, "R,G,B", VFX_PIXEL_U8) != VFX_OK)
        return die("spec");
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.level = 1;
    vfx_writer *w = NULL;
    if (vfx_writer_open(out, &spec, &o, &w) != VFX_OK)
        return die("open");
    const int32_t band = 64;
    uint8_t *p = malloc((size_t) n * 3 * (size_t) band);
    for (int32_t y0 = 0; y0 < n; y0 += band) {
        int32_t rows = n - y0 < band ? n - y0 : band;
        for (int32_t y = 0; y < rows; y++)
            for (int32_t x = 0; x < n; x++) {
                uint8_t *q = p + ((size_t) y * (size_t) n + (size_t) x) * 3;
                uint32_t h = (uint32_t) x * 0x9E3779B1u ^ (uint32_t) (y0 + y) * 0x85EBCA77u;
                h ^= h >> 15;
                q[0] = (uint8_t) (x >> 6);
                q[1] = (uint8_t) ((y0 + y) >> 6);
                q[2] = (uint8_t) ((x ^ (y0 + y)) + (h & 7));
            }
        if (vfx_writer_write_rect(w, (vfx_rect){ 0, y0, n, y0 + rows }, VFX_PIXEL_U8, p, 3,
                                  3 * (ptrdiff_t) n) != VFX_OK)
            return die("write");
    }
    if (vfx_writer_close(w, 0) != VFX_OK)
        return die("close");
    free(p);
    vfx_spec_clear(&spec);
    printf("%.2f %.1f make %dx%d\n", now_s() - t0, peak_rss_mib(), n, n);
    return 0;
}

static int
convert(const char *in, const char *out, int32_t tile)
{
    double t0 = now_s();
    vfx_reader *r = NULL;
    if (vfx_reader_open(in, NULL, &r) != VFX_OK)
        return die("open input");
    const vfx_spec *sp = NULL;
    vfx_reader_spec(r, 0, &sp);
    vfx_rect d = sp->data;
    int32_t w = (int32_t) vfx_rect_width(d), nc = vfx_channels_count(sp->channels);
    vfx_channel_info ci;
    vfx_channels_get(sp->channels, 0, &ci);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.tile_w = o.tile_h = tile;
    o.compression = "zip";
    o.level = 1;
    vfx_writer *wr = NULL;
    if (vfx_writer_open(out, sp, &o, &wr) != VFX_OK)
        return die("open output");
    size_t ts = vfx_pixel_type_size(ci.type);
    ptrdiff_t xs = (ptrdiff_t) (ts * (size_t) nc), ys = xs * w;
    uint8_t *band = malloc((size_t) ys * (size_t) tile);
    for (int32_t y0 = d.y0; y0 < d.y1; y0 += tile) {
        int32_t y1 = d.y1 - y0 < tile ? d.y1 : y0 + tile;
        if (vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ d.x0, y0, d.x1, y1 }, NULL, 0, ci.type,
                                 band, xs, ys) != VFX_OK)
            return die("read");
        for (int32_t x0 = d.x0; x0 < d.x1; x0 += tile) {
            int32_t x1 = d.x1 - x0 < tile ? d.x1 : x0 + tile;
            if (vfx_writer_write_rect(wr, (vfx_rect){ x0, y0, x1, y1 }, ci.type,
                                      band + (ptrdiff_t) (x0 - d.x0) * xs, xs, ys) != VFX_OK)
                return die("write");
        }
    }
    if (vfx_writer_close(wr, 0) != VFX_OK)
        return die("close");
    vfx_reader_stats st;
    vfx_reader_get_stats(r, &st);
    vfx_reader_close(r);
    free(band);
    printf("%.2f %.1f convert %dx%d band %d MiB, %lld chunks, %lld bytes read\n", now_s() - t0,
           peak_rss_mib(), w, (int) vfx_rect_height(d),
           (int) ((size_t) ys * (size_t) tile >> 20), (long long) st.chunks_read,
           (long long) st.bytes_read);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "make"))
        return make(atoi(argv[2]), argv[3]);
    if (argc == 5 && !strcmp(argv[1], "convert"))
        return convert(argv[2], argv[3], atoi(argv[4]));
    fprintf(stderr, "usage: %s make N OUT.png | convert IN OUT.tif TILE\n", argv[0]);
    return 2;
}
