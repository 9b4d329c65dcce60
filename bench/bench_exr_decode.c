/* Whole-image EXR decode through the vfx reader into interleaved halves, chunks spread over
 * the worker pool: the vfx side of bench/compare/exr_decode_openexr.cpp (DWAA / DWAB, or any
 * compression). Prints min / median time, MPix/s and a hash of the pixels.
 *   vfx_bench_exr_decode FILE THREADS REPS */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core_int.h"
#include "vfx/io.h"

typedef struct job {
    vfx_reader *r;
    vfx_rect    data;
    int32_t     band_h, n_ch;
    uint16_t   *px;
} job;

static vfx_status
band(void *arg, int64_t i, int worker)
{
    (void) worker;
    job *j = arg;
    vfx_rect rc = j->data;
    rc.y0 = j->data.y0 + (int32_t) i * j->band_h;
    rc.y1 = VFX__MIN(rc.y0 + j->band_h, j->data.y1);
    ptrdiff_t xs = 2 * j->n_ch, ys = xs * (ptrdiff_t) (j->data.x1 - j->data.x0);
    return vfx_reader_read_rect(j->r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_HALF,
                                (uint8_t *) j->px + (rc.y0 - j->data.y0) * ys, xs, ys);
}

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE THREADS REPS\n", argv[0]);
        return 2;
    }
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = atoi(argv[2]);
    int reps = atoi(argv[3]);
    if (vfx_init(&o) != VFX_OK || reps < 1 || reps > 100)
        return 2;
    double ms[100], npix = 0;
    uint64_t hash = 0;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = now_ms();
        job j = { NULL, { 0, 0, 0, 0 }, 0, 0, NULL };
        const vfx_spec *sp;
        vfx_chunking ck;
        if (vfx_reader_open(argv[1], NULL, &j.r) != VFX_OK ||
            vfx_reader_spec(j.r, 0, &sp) != VFX_OK ||
            vfx_reader_chunking(j.r, 0, 0, 0, &ck) != VFX_OK) {
            fprintf(stderr, "%s\n", vfx_error_message());
            return 1;
        }
        j.data = sp->data;
        j.n_ch = vfx_channels_count(sp->channels);
        j.band_h = ck.chunk_h;
        npix = (double) vfx_rect_area(j.data);
        j.px = malloc((size_t) npix * 2 * (size_t) j.n_ch);
        int64_t n_bands = ((int64_t) j.data.y1 - j.data.y0 + j.band_h - 1) / j.band_h;
        if (!j.px || vfx__parallel_for(vfx__pool_global(), n_bands, band, &j) != VFX_OK) {
            fprintf(stderr, "%s\n", vfx_error_message());
            return 1;
        }
        ms[rep] = now_ms() - t0;
        /* the same hash as the C++ side: channel planes in file order (EXR sorts channels
         * by name; the spec may list them in another order) */
        int32_t order[64];
        int32_t n_hash = j.n_ch < 64 ? j.n_ch : 64;
        for (int32_t c = 0; c < n_hash; c++) {
            vfx_channel_info ci, cj;
            int32_t at = c;
            vfx_channels_get(sp->channels, c, &ci);
            while (at > 0 && (vfx_channels_get(sp->channels, order[at - 1], &cj),
                              strcmp(cj.name, ci.name) > 0)) {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = c;
        }
        hash = 0;
        for (int32_t c = 0; c < n_hash; c++)
            for (size_t i = 0; i < (size_t) npix; i++)
                hash = hash * 1099511628211ull + j.px[i * (size_t) j.n_ch + (size_t) order[c]];
        vfx_reader_close(j.r);
        free(j.px);
    }
    qsort(ms, (size_t) reps, sizeof ms[0], cmp_d);
    printf("vfx         %s threads=%d min %.1f ms median %.1f ms  %.1f MPix/s  hash %016llx\n",
           argv[1], o.threads, ms[0], ms[reps / 2], npix / ms[0] / 1000.0,
           (unsigned long long) hash);
    vfx_shutdown();
    return 0;
}
