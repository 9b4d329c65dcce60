/* OpenDRT throughput on f32 RGB scene-linear P3: the op alone (SDR, display-linear Rec.709),
 * the SDR sRGB view and the HDR 1000-nit Rec.2100 PQ view, on one thread and on all cores
 * (plain pthreads over row bands).
 *
 * Usage: vfx_bench_opendrt [size=8192] [repeats=3] [threads=all]
 * Prints: id name wall_ms(min) wall_ms(median) MPix/s(wall, min) cpu_ms(min) MPix/s per core
 * (CPU time, robust when other jobs share the cores) peak_RSS_MB hash */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vfx/vfx.h"

typedef struct band {
    const vfx_color_processor *p;
    float  *px;
    int32_t w, y0, y1;
    vfx_status s;
} band;

static void *
run_band(void *arg)
{
    band *b = arg;
    b->s = vfx_color_processor_apply_f32(b->p, b->px + (size_t) b->y0 * (size_t) b->w * 3, 3, 0, 0,
                                         b->w, b->y1 - b->y0);
    return NULL;
}

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static double
cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void
fill(float *px, size_t n)
{
    uint64_t st = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < n; i++) {
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        /* log-uniform over 2^-12 .. 2^8, 3% negatives: a realistic scene mix */
        double u = (double) (st >> 11) / 9007199254740992.0;
        double v = exp2(-12.0 + 20.0 * u);
        px[i] = (float) ((st & 31u) == 0 ? -0.02 * v : v);
    }
}

static uint64_t
hash(const float *px, size_t n)
{
    uint64_t h = 1469598103934665603u;
    const unsigned char *b = (const unsigned char *) px;
    for (size_t i = 0; i < n * sizeof(float); i += 64) /* sample every 16th float */
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static int
bench(int id, const char *name, const vfx_color_processor *p, const float *src, float *dst,
      int32_t size, int reps, int threads)
{
    size_t n = (size_t) size * (size_t) size * 3;
    double t[16], cpu[16];
    if (reps > 16)
        reps = 16;
    for (int r = 0; r < reps; r++) {
        memcpy(dst, src, n * sizeof(float));
        pthread_t th[256];
        band bd[256];
        double t0 = now(), c0 = cpu_now();
        for (int k = 0; k < threads; k++) {
            bd[k] = (band) { p, dst, size, (int32_t) ((int64_t) size * k / threads),
                             (int32_t) ((int64_t) size * (k + 1) / threads), VFX_OK };
            if (threads == 1)
                run_band(&bd[k]);
            else if (pthread_create(&th[k], NULL, run_band, &bd[k]) != 0)
                return fprintf(stderr, "pthread_create failed\n"), 1;
        }
        if (threads > 1)
            for (int k = 0; k < threads; k++)
                pthread_join(th[k], NULL);
        t[r] = now() - t0;
        cpu[r] = cpu_now() - c0;
        for (int k = 0; k < threads; k++)
            if (bd[k].s != VFX_OK)
                return fprintf(stderr, "%s: %s\n", name, vfx_error_message()), 1;
    }
    qsort(t, (size_t) reps, sizeof *t, cmp_d);
    qsort(cpu, (size_t) reps, sizeof *cpu, cmp_d);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double mpix = (double) size * size / 1e6;
    printf("%d %s/%dt %.1f %.1f %.2f %.1f %.2f %ld %016llx\n", id, name, threads, t[0] * 1e3,
           t[reps / 2] * 1e3, mpix / t[0], cpu[0] * 1e3, mpix / cpu[0] * threads,
           ru.ru_maxrss / 1024, (unsigned long long) hash(dst, n));
    return 0;
}

int
main(int argc, char **argv)
{
    int32_t size = argc > 1 ? (int32_t) atoi(argv[1]) : 8192;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    int all = argc > 3 ? atoi(argv[3]) : (int) (nc > 0 ? nc : 1);
    if (size < 1 || reps < 1 || all < 1 || all > 256)
        return fprintf(stderr, "usage: %s [size] [repeats] [threads]\n", argv[0]), 2;
    size_t n = (size_t) size * (size_t) size * 3;
    float *src = malloc(n * sizeof(float)), *dst = malloc(n * sizeof(float));
    if (!src || !dst)
        return fprintf(stderr, "out of memory\n"), 1;
    fill(src, n);

    vfx_color_processor *sdr = NULL, *hdr = NULL, *lin = NULL;
    vfx_opendrt_params o = VFX_OPENDRT_PARAMS_INIT;
    if (vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, &o, VFX_TRANSFER_LINEAR, &lin) !=
        VFX_OK)
        return fprintf(stderr, "%s\n", vfx_error_message()), 1;
    if (vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, &o, VFX_TRANSFER_SRGB, &sdr) != VFX_OK)
        return fprintf(stderr, "%s\n", vfx_error_message()), 1;
    o.peak_nits = 1000.0;
    o.display_gamut = VFX_OPENDRT_GAMUT_REC2020;
    if (vfx_opendrt_processor_new(VFX_PRIMARIES_DISPLAY_P3, &o, VFX_TRANSFER_PQ, &hdr) != VFX_OK)
        return fprintf(stderr, "%s\n", vfx_error_message()), 1;
    printf("# %dx%d f32 RGB, %d repeats, %d cores\n", size, size, reps, all);
    printf("# id name wall_ms_min wall_ms_median MPix/s cpu_ms_min MPix/s_at_full_cores "
           "peak_RSS_MB hash\n");
    int rc = 0;
    rc |= bench(1, "opendrt_op_sdr_linear", lin, src, dst, size, reps, 1);
    rc |= bench(2, "opendrt_op_sdr_linear", lin, src, dst, size, reps, all);
    rc |= bench(3, "opendrt_sdr_srgb", sdr, src, dst, size, reps, 1);
    rc |= bench(4, "opendrt_sdr_srgb", sdr, src, dst, size, reps, all);
    rc |= bench(5, "opendrt_hdr1000_pq", hdr, src, dst, size, reps, 1);
    rc |= bench(6, "opendrt_hdr1000_pq", hdr, src, dst, size, reps, all);
    vfx_color_processor_free(lin);
    vfx_color_processor_free(sdr);
    vfx_color_processor_free(hdr);
    free(src);
    free(dst);
    return rc;
}
