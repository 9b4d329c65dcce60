/* Out-of-memory sweeps (every allocation of each path fails once, SQLite faultsim style) and
 * concurrent use of one processor from several threads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "core/core_int.h"

typedef vfx_status (*build_fn)(vfx_color_processor **out);

static const char CUBE[] = "LUT_1D_SIZE 3\nLUT_1D_INPUT_RANGE -1 3\nLUT_3D_SIZE 2\n"
                           "0 0 0\n0.5 0.5 0.5\n1 1 1\n"
                           "0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n";
static const char CCC[] = "<ColorCorrectionCollection><!-- c -->\n"
                          "<ColorCorrection id=\"a\"><SOPNode><Slope>1 1 1</Slope></SOPNode></ColorCorrection>\n"
                          "<ColorCorrection id=\"b\"><SOPNode><Slope>2 2 2</Slope><Offset>0 0 0</Offset>"
                          "<Power>1 1 1</Power></SOPNode><SatNode><Saturation>0.5</Saturation></SatNode>"
                          "</ColorCorrection></ColorCorrectionCollection>\n";
static const char SPI1D[] = "Version 1\nFrom -0.5 2\nLength 3\nComponents 3\n{\n0 0 0\n1 1 1\n2 2 2\n}\n";
static const char L3DL[] = "0 512 1023\n0 0 0\n0 0 1023\n0 1023 0\n0 1023 1023\n1023 0 0\n1023 0 1023\n"
                           "1023 1023 0\n1023 1023 1023\n";

static vfx_status
build_cube(vfx_color_processor **out)
{
    return vfx_color_processor_new_from_memory(CUBE, sizeof CUBE - 1, "cube", "m", NULL, VFX_INTERP_BEST, out);
}

static vfx_status
build_ccc(vfx_color_processor **out)
{
    return vfx_color_processor_new_from_memory(CCC, sizeof CCC - 1, "ccc", "m", "b", VFX_INTERP_BEST, out);
}

static vfx_status
build_spi1d(vfx_color_processor **out)
{
    return vfx_color_processor_new_from_memory(SPI1D, sizeof SPI1D - 1, "spi1d", "m", NULL, VFX_INTERP_BEST, out);
}

static vfx_status
build_3dl(vfx_color_processor **out)
{
    return vfx_color_processor_new_from_memory(L3DL, sizeof L3DL - 1, "3dl", "m", NULL, VFX_INTERP_BEST, out);
}

/* A chain, its inverse, a copy and the optimised copy. */
static vfx_status
build_chain(vfx_color_processor **out)
{
    vfx_color_processor *p = NULL, *q = NULL, *c = NULL;
    const double m[9] = { 1, 0.1, 0, 0, 1, 0, 0.2, 0, 1 };
    const float t[4] = { 0, 0.2f, 0.7f, 1 };
    vfx_status s = vfx_color_processor_new(&p);
    if (s == VFX_OK)
        s = vfx_color_processor_append_matrix(p, m, NULL);
    if (s == VFX_OK)
        s = vfx_color_processor_append_lut1d(p, t, 4, 1, VFX_DIR_FORWARD);
    if (s == VFX_OK)
        s = vfx_color_processor_append_transfer(p, VFX_TRANSFER_PQ, VFX_DIR_INVERSE);
    if (s == VFX_OK)
        s = vfx_color_processor_append_matrix(p, m, NULL);
    if (s == VFX_OK)
        s = vfx_color_processor_inverse(p, &q);
    if (s == VFX_OK)
        s = vfx_color_processor_append_processor(p, q);
    if (s == VFX_OK)
        s = vfx_color_processor_copy(p, &c);
    if (s == VFX_OK)
        s = vfx_color_processor_optimize(c);
    vfx_color_processor_free(p);
    vfx_color_processor_free(q);
    if (s != VFX_OK) {
        vfx_color_processor_free(c);
        return s;
    }
    *out = c;
    return VFX_OK;
}

static void
sweep(build_fn fn, const char *what)
{
    int64_t live0 = vfx__alloc_live();
    for (int64_t nth = 1; nth < 1000; nth++) {
        vfx_color_processor *p = NULL;
        vfx__alloc_fail_nth(nth);
        vfx_status s = fn(&p);
        vfx__alloc_fail_nth(0);
        if (s == VFX_OK) {
            assert_non_null(p);
            vfx_color_processor_free(p);
            assert_int_equal(vfx__alloc_live(), live0);
            return;
        }
        if (s != VFX_ERR_NOMEM) {
            print_error("%s: allocation %lld failing gave %s (%s)\n", what, (long long) nth,
                        vfx_status_name(s), vfx_error_message());
            fail();
        }
        assert_null(p);
        if (vfx__alloc_live() != live0) {
            print_error("%s: leak after failing allocation %lld\n", what, (long long) nth);
            fail();
        }
    }
    fail_msg("%s: never succeeded", what);
}

static void
oom_sweeps(void **state)
{
    (void) state;
    sweep(build_cube, "cube");
    sweep(build_ccc, "ccc");
    sweep(build_spi1d, "spi1d");
    sweep(build_3dl, "3dl");
    sweep(build_chain, "chain");
}

enum { W = 1000, H = 64 };

typedef struct job {
    const vfx_color_processor *p;
    float *px;
    vfx_status s;
} job;

static void *
worker(void *arg)
{
    job *j = arg;
    for (int rep = 0; rep < 4; rep++)
        j->s |= vfx_color_processor_apply_f32(j->p, j->px + (size_t) rep * W * H / 4 * 4, 4, 0, 0, W, H / 4);
    return NULL;
}

static void
threads_share_one_processor(void **state)
{
    (void) state;
    vfx_color_processor *p = NULL;
    assert_int_equal(build_cube(&p), VFX_OK);
    assert_int_equal(vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_FORWARD), VFX_OK);
    size_t n = (size_t) W * H * 4;
    float *ref = malloc(n * sizeof(float));
    assert_non_null(ref);
    for (size_t i = 0; i < n; i++)
        ref[i] = (float) ((i * 7919) % 1000) / 500.0f - 0.5f;
    enum { T = 4 };
    float *bufs[T];
    for (int t = 0; t < T; t++) {
        bufs[t] = malloc(n * sizeof(float));
        assert_non_null(bufs[t]);
        memcpy(bufs[t], ref, n * sizeof(float));
    }
    assert_int_equal(vfx_color_processor_apply_f32(p, ref, 4, 0, 0, W, H), VFX_OK);
    pthread_t th[T];
    job jobs[T];
    for (int t = 0; t < T; t++) {
        jobs[t] = (job){ p, bufs[t], VFX_OK };
        assert_int_equal(pthread_create(&th[t], NULL, worker, &jobs[t]), 0);
    }
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(jobs[t].s, VFX_OK);
        assert_memory_equal(bufs[t], ref, n * sizeof(float));
        free(bufs[t]);
    }
    free(ref);
    vfx_color_processor_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_sweeps),
        cmocka_unit_test(threads_share_one_processor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
