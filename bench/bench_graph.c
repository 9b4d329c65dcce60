/* Graph engine benchmarks (not a test; figures go in the issue note).
 *
 *  1 stream   W x W RGBA f32 noise -> box blur -> 3 mads -> statistics, cache budget 256 MiB.
 *             Peak RSS must stay far below the image size (W = 32768: 16 GiB of pixels).
 *  2 fused    constant -> 10 mads -> f32 caller buffer, vs memcpy of the same bytes with the
 *             same number of threads, in the same run.
 *
 * usage: vfx_bench_graph [1|2|all] [W for case 1, default 32768] [side for case 2, default 4096]
 * Run under /usr/bin/time -f '%e s %M KiB' for the process's peak RSS. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vfx/vfx.h"
#include "graph/graph_int.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static long
peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int
fail(const char *what, vfx_status s)
{
    fprintf(stderr, "%s: %s: %s\n", what, vfx_status_name(s), vfx_error_message());
    return 1;
}

static vfx_image *
mad4(vfx_image *in, float a, float b)
{
    float av[4] = { a, a, a, a }, bv[4] = { b, b, b, b };
    vfx_image *out = NULL;
    if (vfx_image_mad(in, av, bv, &out) != VFX_OK)
        return NULL;
    return out;
}

static int
bench_stream(int32_t side)
{
    vfx_spec s = VFX_SPEC_INIT;
    vfx_status st = vfx_spec_init_simple(&s, side, side, "R,G,B,A", VFX_PIXEL_F32);
    if (st)
        return fail("spec", st);
    vfx_image *n = NULL, *b = NULL, *m1, *m2, *m3;
    if ((st = vfx_image_noise(&s, 1234, 0.0f, 1.0f, &n)) ||
        (st = vfx_image_box_blur(n, 2, 2, VFX_EDGE_CLAMP, &b)))
        return fail("build", st);
    m1 = mad4(b, 2.0f, -0.5f);
    m2 = mad4(m1, 0.5f, 0.25f);
    m3 = mad4(m2, 1.0f, 0.125f);
    vfx_cache_reset_stats();
    vfx_channel_stats cs[4];
    int64_t allocs = vfx__alloc_count();
    double t0 = now();
    st = vfx_image_stats(m3, NULL, cs, 4);
    double t = now() - t0;
    allocs = vfx__alloc_count() - allocs;
    if (st)
        return fail("stats", st);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    vfx_cache_stats(&ci);
    double mpix = (double) side * side / 1e6;
    printf("1 stream_%dx%d_blur_3mad_stats %.3f s %.1f MPix/s peak_rss %ld KiB "
           "cache_peak %.1f MiB budget %.0f MiB tiles %lld allocs %lld mean %.6f sd %.6f "
           "threads %d\n",
           side, side, t, mpix / t, peak_rss_kib(), (double) ci.peak_bytes / 1048576.0,
           (double) ci.budget / 1048576.0, (long long) ci.tiles_computed, (long long) allocs,
           cs[0].mean, cs[0].stddev, vfx_threads());
    vfx_image_unref(m3);
    vfx_image_unref(m2);
    vfx_image_unref(m1);
    vfx_image_unref(b);
    vfx_image_unref(n);
    vfx_spec_clear(&s);
    return 0;
}

typedef struct copy_job {
    uint8_t       *dst;
    const uint8_t *src;
    size_t         chunk, total;
} copy_job;

static vfx_status
copy_chunk(void *arg, int64_t i, int worker)
{
    copy_job *j = arg;
    (void) worker;
    size_t off = (size_t) i * j->chunk;
    size_t n = off + j->chunk > j->total ? j->total - off : j->chunk;
    memcpy(j->dst + off, j->src + off, n);
    return VFX_OK;
}

static int
bench_fused(int32_t side)
{
    vfx_spec s = VFX_SPEC_INIT;
    vfx_status st = vfx_spec_init_simple(&s, side, side, "R,G,B,A", VFX_PIXEL_F32);
    if (st)
        return fail("spec", st);
    float v[4] = { 0.5f, 0.25f, 1.0f, 1.0f };
    vfx_image *chain = NULL;
    if ((st = vfx_image_new_constant(v, &s, &chain)))
        return fail("constant", st);
    for (int i = 0; i < 10; i++) {
        vfx_image *m = mad4(chain, i % 2 ? 2.0f : 0.5f, i % 2 ? -0.25f : 0.125f);
        vfx_image_unref(chain);
        chain = m;
    }
    size_t bytes = (size_t) side * (size_t) side * 16;
    uint8_t *buf = aligned_alloc(64, bytes), *src = aligned_alloc(64, bytes);
    if (!buf || !src)
        return fail("malloc", VFX_ERR_NOMEM);
    memset(buf, 1, bytes); /* fault the pages in outside the timings */
    memset(src, 2, bytes);
    vfx_rect r = { 0, 0, side, side };
    double best = 1e30, best_cp = 1e30;
    copy_job cj = { buf, src, 1 << 20, bytes };
    int64_t n_chunks = (int64_t) ((bytes + cj.chunk - 1) / cj.chunk);
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        st = vfx_image_render(chain, r, buf, VFX_PIXEL_F32, 16, (ptrdiff_t) side * 16, 4, NULL);
        double t = now() - t0;
        if (st)
            return fail("render", st);
        best = t < best ? t : best;
        t0 = now();
        st = vfx__parallel_for(vfx__pool_global(), n_chunks, copy_chunk, &cj);
        t = now() - t0;
        if (st)
            return fail("memcpy", st);
        best_cp = t < best_cp ? t : best_cp;
    }
    /* check one value */
    float got[4], want = 0.5f;
    vfx_image_render(chain, (vfx_rect){ 7, 7, 8, 8 }, got, VFX_PIXEL_F32, 16, 16, 4, NULL);
    for (int i = 0; i < 10; i++)
        want = (i % 2 ? 2.0f : 0.5f) * want + (i % 2 ? -0.25f : 0.125f);
    double gbs = (double) bytes / best / 1e9, cps = (double) bytes / best_cp / 1e9;
    printf("2 fused_10mad_%dx%d %.4f s %.1f MPix/s %.2f GB/s written | memcpy %.4f s %.2f GB/s "
           "copied | ratio %.0f%% threads %d value %s\n",
           side, side, best, (double) side * side / 1e6 / best, gbs, best_cp, cps, 100 * gbs / cps,
           vfx_threads(), got[0] == want ? "ok" : "WRONG");
    free(buf);
    free(src);
    vfx_image_unref(chain);
    vfx_spec_clear(&s);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    int32_t w1 = argc > 2 ? atoi(argv[2]) : 32768, w2 = argc > 3 ? atoi(argv[3]) : 4096;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.cache_bytes = 256 << 20;
    vfx_status st = vfx_init(&o);
    if (st)
        return fail("init", st);
    int rc = 0;
    if (!strcmp(which, "1") || !strcmp(which, "all"))
        rc |= bench_stream(w1);
    if (!strcmp(which, "2") || !strcmp(which, "all"))
        rc |= bench_fused(w2);
    vfx_shutdown();
    return rc;
}
