/* Colour processor throughput on one thread: matrix + sRGB encode, and a 3D-LUT style chain
 * (matrix, ACEScct shaper, 33^3 tetrahedral LUT), on W x H RGBA f32 in memory.
 * Usage: vfx_bench_color [--files-only] [width height [repeats [lut-or-clf-file...]]]
 *        (default 4096 4096 5)
 * Each extra file is loaded with vfx_color_processor_new_from_file() and timed the same way, so
 * the same .clf can be given to OCIO's ocioperf for a comparison (bench/compare/color_ocio);
 * --files-only skips the two built-in chains.
 * Prints min and median time per run, MPix/s, and a hash of the output. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vfx/vfx.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* CPU time of this thread: robust when other jobs share the cores (wall time is not) */
static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void
fill(float *px, size_t n)
{
    uint32_t s = 12345;
    for (size_t i = 0; i < n * 4; i++) {
        s = s * 1664525u + 1013904223u;
        px[i] = (float) (s >> 8) / 16777216.0f * 1.2f - 0.05f;
    }
}

static uint64_t
hash(const float *px, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *b = (const unsigned char *) px;
    for (size_t i = 0; i < n * 4 * sizeof(float); i += 64) /* sampled */
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static int
run(const char *name, const vfx_color_processor *p, float *px, float *src, int w, int h, int reps)
{
    size_t n = (size_t) w * (size_t) h;
    double t[64], c[64];
    if (reps > 64)
        reps = 64;
    for (int r = 0; r < reps; r++) {
        memcpy(px, src, n * 4 * sizeof(float));
        double t0 = now(), c0 = cpu_now();
        if (vfx_color_processor_apply_f32(p, px, 4, 0, 0, w, h) != VFX_OK) {
            fprintf(stderr, "%s: %s\n", name, vfx_error_message());
            return 1;
        }
        t[r] = now() - t0;
        c[r] = cpu_now() - c0;
    }
    qsort(t, (size_t) reps, sizeof t[0], cmp_double);
    qsort(c, (size_t) reps, sizeof c[0], cmp_double);
    printf("%-28s %dx%d  wall min %.3f s median %.3f s  cpu min %.3f s  %.1f MPix/s (cpu)  "
           "hash %016llx\n", name, w, h, t[0], t[reps / 2], c[0], (double) n / c[0] / 1e6,
           (unsigned long long) hash(px, n));
    return 0;
}

int
main(int argc, char **argv)
{
    int files_only = argc > 1 && strcmp(argv[1], "--files-only") == 0;
    if (files_only) {
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    int w = argc > 2 ? atoi(argv[1]) : 4096, h = argc > 2 ? atoi(argv[2]) : 4096;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    size_t n = (size_t) w * (size_t) h;
    float *src = malloc(n * 4 * sizeof(float)), *px = malloc(n * 4 * sizeof(float));
    if (!src || !px)
        return 1;
    fill(src, n);

    vfx_chromaticities ap0, rec709;
    double m[9];
    vfx_primaries_get(VFX_PRIMARIES_ACES_AP0, &ap0);
    vfx_primaries_get(VFX_PRIMARIES_REC709, &rec709);
    vfx_rgb_to_rgb_matrix(&ap0, &rec709, VFX_CAT_BRADFORD, m);

    vfx_color_processor *a = NULL, *b = NULL;
    vfx_color_processor_new(&a);
    vfx_color_processor_append_matrix(a, m, NULL);
    vfx_color_processor_append_transfer(a, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD);

    enum { N = 33 };
    float *lut = malloc(N * N * N * 3 * sizeof(float));
    for (int z = 0; z < N; z++)
        for (int y = 0; y < N; y++)
            for (int x = 0; x < N; x++) {
                float *e = lut + 3 * (x + N * (y + N * z));
                e[0] = sqrtf((float) x / (N - 1));
                e[1] = (float) y / (N - 1) * 0.9f + 0.05f;
                e[2] = ((float) z / (N - 1)) * ((float) z / (N - 1));
            }
    vfx_color_processor_new(&b);
    vfx_color_processor_append_matrix(b, m, NULL);
    vfx_color_processor_append_transfer(b, VFX_TRANSFER_ACESCCT, VFX_DIR_FORWARD);
    vfx_color_processor_append_lut3d(b, lut, N, VFX_INTERP_TETRAHEDRAL, VFX_DIR_FORWARD);

    int rc = 0;
    if (!files_only) {
        rc |= run("matrix+srgb", a, px, src, w, h, reps);
        rc |= run("matrix+acescct+lut3d(33,tet)", b, px, src, w, h, reps);
    }
    for (int i = 4; i < argc; i++) {
        vfx_color_processor *f = NULL;
        if (vfx_color_processor_new_from_file(argv[i], NULL, VFX_INTERP_BEST, &f) != VFX_OK) {
            fprintf(stderr, "%s\n", vfx_error_message());
            rc = 1;
            continue;
        }
        const char *base = strrchr(argv[i], '/');
        rc |= run(base ? base + 1 : argv[i], f, px, src, w, h, reps);
        vfx_color_processor_free(f);
    }
    vfx_color_processor_free(a);
    vfx_color_processor_free(b);
    free(lut);
    free(src);
    free(px);
    return rc;
}
