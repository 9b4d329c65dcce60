/* FFT benchmark: FFTW (what op_fft.c uses, FFTW_ESTIMATE plans, one thread) against a simple
 * hand-written 2-D FFT (iterative radix-2, rows then columns, twiddles from one table) on the
 * same N x N complex data, in the same run. The two results are compared (max |difference|)
 * so the timing is of two correct transforms. The hand-written one handles powers of two only;
 * FFTW does any size (images rarely are powers of two), which alone decides the choice.
 *
 * usage: vfx_bench_fft [N ...]   (default 512 1024 2048); prints N, ms of each, ratio. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* In-place radix-2 FFT of n complex values (re, im interleaved) with stride s (in complex
 * values), forward sign; tw holds exp(-2 pi i k / n) for k < n / 2. */
static void
fft1(float *a, int n, int s, const float *tw)
{
    for (int i = 1, j = 0; i < n; i++) { /* bit reversal */
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            float *p = a + 2 * (size_t) i * s, *q = a + 2 * (size_t) j * s, t0 = p[0], t1 = p[1];
            p[0] = q[0];
            p[1] = q[1];
            q[0] = t0;
            q[1] = t1;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        int step = n / len;
        for (int i = 0; i < n; i += len) {
            for (int k = 0; k < len / 2; k++) {
                float  wr = tw[2 * k * step], wi = tw[2 * k * step + 1];
                float *u = a + 2 * (size_t) (i + k) * s, *v = a + 2 * (size_t) (i + k + len / 2) * s;
                float  vr = v[0] * wr - v[1] * wi, vi = v[0] * wi + v[1] * wr;
                v[0] = u[0] - vr;
                v[1] = u[1] - vi;
                u[0] += vr;
                u[1] += vi;
            }
        }
    }
}

static void
fft2(float *a, int n, const float *tw)
{
    for (int y = 0; y < n; y++)
        fft1(a + 2 * (size_t) y * n, n, 1, tw);
    for (int x = 0; x < n; x++)
        fft1(a + 2 * (size_t) x, n, n, tw);
}

int
main(int argc, char **argv)
{
    int sizes[16] = { 512, 1024, 2048 }, n_sizes = 3;
    if (argc > 1) {
        n_sizes = 0;
        for (int i = 1; i < argc && n_sizes < 16; i++)
            sizes[n_sizes++] = atoi(argv[i]);
    }
    printf("%6s %12s %12s %8s %12s\n", "N", "hand ms", "fftw ms", "ratio", "max |diff|");
    for (int k = 0; k < n_sizes; k++) {
        int n = sizes[k];
        if (n < 2 || (n & (n - 1))) {
            fprintf(stderr, "N = %d: powers of two only (the hand-written FFT)\n", n);
            return 2;
        }
        size_t         nn = (size_t) n * (size_t) n;
        float         *a = malloc(nn * 2 * sizeof *a), *tw = malloc((size_t) n * sizeof *tw);
        fftwf_complex *b = fftwf_malloc(nn * sizeof *b);
        if (!a || !tw || !b)
            return 1;
        for (int i = 0; i < n / 2; i++) {
            tw[2 * i] = (float) cos(-2 * 3.14159265358979323846 * i / n);
            tw[2 * i + 1] = (float) sin(-2 * 3.14159265358979323846 * i / n);
        }
        double best_h = 1e30, best_f = 1e30;
        fftwf_plan plan = fftwf_plan_dft_2d(n, n, b, b, FFTW_FORWARD, FFTW_ESTIMATE);
        for (int rep = 0; rep < 3; rep++) {
            for (size_t i = 0; i < nn; i++) { /* the same deterministic data for both */
                float v = (float) ((i * 2654435761u) % 1000u) / 1000.0f;
                a[2 * i] = b[i][0] = v;
                a[2 * i + 1] = b[i][1] = 0.0f;
            }
            double t0 = now();
            fft2(a, n, tw);
            double t1 = now();
            fftwf_execute(plan);
            double t2 = now();
            best_h = fmin(best_h, t1 - t0);
            best_f = fmin(best_f, t2 - t1);
        }
        double md = 0, scale = 0;
        for (size_t i = 0; i < nn; i++) {
            md = fmax(md, fabs((double) a[2 * i] - b[i][0]) + fabs((double) a[2 * i + 1] - b[i][1]));
            scale = fmax(scale, fabs((double) b[i][0]));
        }
        printf("%6d %12.2f %12.2f %8.2f %12.3g (of %.3g)\n", n, best_h * 1e3, best_f * 1e3,
               best_h / best_f, md, scale);
        fftwf_destroy_plan(plan);
        fftwf_free(b);
        free(a);
        free(tw);
    }
    return 0;
}
