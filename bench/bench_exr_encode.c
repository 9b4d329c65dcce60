/* Whole-image EXR encode through the vfx writer from interleaved halves in memory (the source
 * file is decoded first, untimed): the vfx side of bench/compare/exr_encode_openexr.cpp.
 *   vfx_bench_exr_encode SRC OUT COMPRESSION LEVEL REPS [THREADS]
 * THREADS (default: the library's default, one per core) is the worker pool size. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vfx/core.h"
#include "vfx/io.h"

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s SRC OUT COMPRESSION LEVEL REPS\n", argv[0]);
        return 2;
    }
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    io.threads = argc > 6 ? atoi(argv[6]) : 0;
    if (vfx_init(&io) != VFX_OK)
        return 2;
    vfx_reader *r = NULL;
    const vfx_spec *sp;
    if (vfx_reader_open(argv[1], NULL, &r) != VFX_OK || vfx_reader_spec(r, 0, &sp) != VFX_OK) {
        fprintf(stderr, "%s\n", vfx_error_message());
        return 1;
    }
    vfx_rect rc = sp->data;
    int32_t nc = vfx_channels_count(sp->channels);
    double npix = (double) vfx_rect_area(rc);
    ptrdiff_t xs = 2 * nc, ys = xs * (ptrdiff_t) vfx_rect_width(rc);
    uint16_t *px = malloc((size_t) npix * (size_t) xs);
    if (!px ||
        vfx_reader_read_rect(r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_HALF, px, xs, ys) != VFX_OK) {
        fprintf(stderr, "%s\n", vfx_error_message());
        return 1;
    }
    int reps = atoi(argv[5]);
    double best = 1e30;
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
        o.compression = argv[3];
        o.level = atoi(argv[4]);
        vfx_writer *w = NULL;
        if (vfx_writer_open(argv[2], sp, &o, &w) != VFX_OK ||
            vfx_writer_write_rect(w, rc, VFX_PIXEL_HALF, px, xs, ys) != VFX_OK ||
            vfx_writer_close(w, 0) != VFX_OK) {
            fprintf(stderr, "%s\n", vfx_error_message());
            return 1;
        }
        double ms = now_ms() - t0;
        best = ms < best ? ms : best;
    }
    printf("vfx         encode %s:%s threads=%d min %.1f ms  %.1f MPix/s\n", argv[3], argv[4],
           io.threads, best, npix / best / 1000.0);
    vfx_reader_close(r);
    free(px);
    vfx_shutdown();
    return 0;
}
