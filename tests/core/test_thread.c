#include "test_util.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

typedef struct {
    atomic_int count;
    atomic_int max_worker;
    int        fail_at;   /* task index that fails, -1 none */
    atomic_int seen[1000];
} ctx;

typedef struct {
    ctx *c;
    int  i;
} item;

static vfx_status
count_task(void *arg, int worker)
{
    item *it = arg;
    atomic_fetch_add(&it->c->count, 1);
    atomic_fetch_add(&it->c->seen[it->i], 1);
    int m = atomic_load(&it->c->max_worker);
    while (worker > m && !atomic_compare_exchange_weak(&it->c->max_worker, &m, worker)) {
    }
    if (it->i == it->c->fail_at)
        return vfx__fail(VFX_ERR_CORRUPT, "task %d failed on purpose", it->i);
    return VFX_OK;
}

static void
run_n(int threads, int n, int fail_at, vfx_status *st, ctx *c)
{
    vfx__pool *pool;
    assert_int_equal(vfx__pool_new(threads, &pool), VFX_OK);
    static item items[1000];
    memset(c, 0, sizeof *c);
    c->fail_at = fail_at;
    vfx__job *job;
    assert_int_equal(vfx__job_new(pool, &job), VFX_OK);
    for (int i = 0; i < n; i++) {
        items[i].c = c;
        items[i].i = i;
        assert_int_equal(vfx__job_submit(job, count_task, &items[i]), VFX_OK);
    }
    *st = vfx__job_wait(job);
    vfx__job_free(job);
    assert_true(atomic_load(&c->max_worker) < vfx__pool_slots(pool));
    vfx__pool_free(pool);
}

static void
pool_runs_every_task_once(void **state)
{
    (void) state;
    for (int threads = 1; threads <= 4; threads++) {
        ctx        c;
        vfx_status s;
        run_n(threads, 1000, -1, &s, &c);
        assert_int_equal(s, VFX_OK);
        assert_int_equal(atomic_load(&c.count), 1000);
        for (int i = 0; i < 1000; i++)
            assert_int_equal(atomic_load(&c.seen[i]), 1);
    }
}

static void
pool_first_error_wins_and_skips_rest(void **state)
{
    (void) state;
    /* single thread: deterministic order, so everything after task 10 is skipped */
    ctx        c;
    vfx_status s;
    run_n(1, 1000, 10, &s, &c);
    assert_int_equal(s, VFX_ERR_CORRUPT);
    assert_string_equal(vfx_error_message(), "task 10 failed on purpose");
    assert_int_equal(atomic_load(&c.count), 11);
    /* threads: the error still reaches the waiter */
    run_n(3, 1000, 500, &s, &c);
    assert_int_equal(s, VFX_ERR_CORRUPT);
    assert_string_equal(vfx_error_message(), "task 500 failed on purpose");
}

typedef struct {
    vfx__pool *pool;
    atomic_int inner_done;
} nest;

static vfx_status
inner_task(void *arg, int worker)
{
    (void) worker;
    atomic_fetch_add(&((nest *) arg)->inner_done, 1);
    return VFX_OK;
}

static vfx_status
outer_task(void *arg, int worker)
{
    (void) worker;
    nest     *n = arg;
    vfx__job *job;
    VFX_TRY(vfx__job_new(n->pool, &job));
    for (int i = 0; i < 8; i++)
        VFX_TRY(vfx__job_submit(job, inner_task, n));
    vfx_status s = vfx__job_wait(job);
    vfx__job_free(job);
    return s;
}

static void
pool_nested_jobs_do_not_deadlock(void **state)
{
    (void) state;
    for (int threads = 1; threads <= 3; threads++) {
        nest n;
        atomic_init(&n.inner_done, 0);
        assert_int_equal(vfx__pool_new(threads, &n.pool), VFX_OK);
        vfx__job *job;
        assert_int_equal(vfx__job_new(n.pool, &job), VFX_OK);
        for (int i = 0; i < 16; i++)
            assert_int_equal(vfx__job_submit(job, outer_task, &n), VFX_OK);
        assert_int_equal(vfx__job_wait(job), VFX_OK);
        vfx__job_free(job);
        assert_int_equal(atomic_load(&n.inner_done), 16 * 8);
        vfx__pool_free(n.pool);
    }
}

static vfx_status
slow_task(void *arg, int worker)
{
    (void) worker;
    atomic_fetch_add((atomic_int *) arg, 1);
    return VFX_OK;
}

static void
pool_cancel_skips_queued(void **state)
{
    (void) state;
    vfx__pool *pool;
    assert_int_equal(vfx__pool_new(1, &pool), VFX_OK); /* no threads: nothing runs before wait */
    vfx__job *job;
    atomic_int ran;
    atomic_init(&ran, 0);
    assert_int_equal(vfx__job_new(pool, &job), VFX_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(vfx__job_submit(job, slow_task, &ran), VFX_OK);
    vfx__job_cancel(job);
    assert_true(vfx__job_cancelled(job));
    assert_int_equal(vfx__job_wait(job), VFX_ERR_CANCELLED);
    assert_int_equal(atomic_load(&ran), 0);
    vfx__job_free(job);
    vfx__pool_free(pool);
}

static vfx_status
sum_body(void *arg, int64_t i, int worker)
{
    (void) worker;
    atomic_llong *sum = arg;
    atomic_fetch_add(sum, i);
    if (i == 77777)
        return vfx__fail(VFX_ERR_IO, "stop at %lld", (long long) i);
    return VFX_OK;
}

static vfx_status
sum_ok(void *arg, int64_t i, int worker)
{
    (void) worker;
    atomic_fetch_add((atomic_llong *) arg, i);
    return VFX_OK;
}

static void
parallel_for_covers_range(void **state)
{
    (void) state;
    for (int threads = 1; threads <= 4; threads++) {
        vfx__pool *pool;
        assert_int_equal(vfx__pool_new(threads, &pool), VFX_OK);
        atomic_llong sum;
        atomic_init(&sum, 0);
        assert_int_equal(vfx__parallel_for(pool, 100000, sum_ok, &sum), VFX_OK);
        assert_int_equal(atomic_load(&sum), (int64_t) 100000 * 99999 / 2);
        atomic_init(&sum, 0);
        assert_int_equal(vfx__parallel_for(pool, 100000, sum_body, &sum), VFX_ERR_IO);
        assert_string_equal(vfx_error_message(), "stop at 77777");
        vfx__pool_free(pool);
    }
}

static void
init_settings_and_reinit(void **state)
{
    (void) state;
    vfx_shutdown();
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 3;
    o.cache_bytes = 64 << 20;
    o.max_pixels = 1000;
    assert_int_equal(vfx_init(&o), VFX_OK);
    assert_int_equal(vfx_threads(), 3);
    assert_int_equal(vfx_cache_bytes(), 64 << 20);
    assert_int_equal(vfx_max_pixels(), 1000);
    assert_int_equal(vfx_init(&o), VFX_ERR_STATE);
    assert_non_null(strstr(vfx_error_message(), "already"));
    vfx_shutdown();
    o.threads = -1;
    assert_int_equal(vfx_init(&o), VFX_ERR_ARG);
    /* environment applies when options leave a field 0 */
    setenv("VFX_THREADS", "2", 1);
    setenv("VFX_MEMORY", "512M", 1);
    assert_int_equal(vfx_init(NULL), VFX_OK);
    assert_int_equal(vfx_threads(), 2);
    assert_int_equal(vfx_cache_bytes(), 512 << 20);
    vfx_shutdown();
    unsetenv("VFX_THREADS");
    unsetenv("VFX_MEMORY");
    /* lazy init with defaults */
    assert_true(vfx_threads() >= 1);
    assert_true(vfx_cache_bytes() > 0 && vfx_cache_bytes() <= ((int64_t) 4 << 30));
    vfx_shutdown();
}

static int      hook_calls;
static void *
my_malloc(void *hctx, size_t n)
{
    (void) hctx;
    hook_calls++;
    return malloc(n);
}
static void *
my_realloc(void *hctx, void *p, size_t n)
{
    (void) hctx;
    hook_calls++;
    return realloc(p, n);
}
static void
my_free(void *hctx, void *p)
{
    (void) hctx;
    free(p);
}

static void
allocator_hooks_and_fault_injection(void **state)
{
    (void) state;
    vfx_shutdown();
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.malloc_fn = my_malloc;
    assert_int_equal(vfx_init(&o), VFX_ERR_ARG); /* all three or none */
    o.realloc_fn = my_realloc;
    o.free_fn = my_free;
    o.threads = 1;
    assert_int_equal(vfx_init(&o), VFX_OK);
    int before = hook_calls;
    void *p = vfx__alloc(10);
    assert_non_null(p);
    assert_int_equal(hook_calls, before + 1);
    vfx__free(p);
    int64_t live = vfx__alloc_live();
    vfx__alloc_fail_nth(2);
    void *a = vfx__alloc(1), *b = vfx__alloc(1), *c = vfx__alloc(1);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    vfx__free(a);
    vfx__free(c);
    assert_int_equal(vfx__alloc_live(), live);
    void *al = vfx__alloc_aligned(100, 64);
    assert_non_null(al);
    assert_int_equal((uintptr_t) al % 64, 0);
    vfx__free_aligned(al);
    assert_null(vfx__calloc(SIZE_MAX / 2, 4)); /* overflow refused */
    vfx_shutdown();
}

static void
status_names_and_prefix(void **state)
{
    (void) state;
    assert_string_equal(vfx_status_name(VFX_ERR_CORRUPT), "VFX_ERR_CORRUPT");
    assert_string_equal(vfx_status_name(12345), "VFX_ERR_UNKNOWN");
    assert_int_equal(VFX_ERR_CORRUPT, 11); /* fixed numbers */
    assert_int_equal(vfx__fail(VFX_ERR_CORRUPT, "chunk %d: invalid offset", 12), VFX_ERR_CORRUPT);
    vfx__error_prefix("exr: %s: ", "beauty.exr");
    assert_string_equal(vfx_error_message(), "exr: beauty.exr: chunk 12: invalid offset");
    vfx_error_clear();
    assert_string_equal(vfx_error_message(), "");
    assert_string_equal(vfx_version_string(), VFX_VERSION_STRING);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_runs_every_task_once),
        cmocka_unit_test(pool_first_error_wins_and_skips_rest),
        cmocka_unit_test(pool_nested_jobs_do_not_deadlock),
        cmocka_unit_test(pool_cancel_skips_queued),
        cmocka_unit_test(parallel_for_covers_range),
        cmocka_unit_test(init_settings_and_reinit),
        cmocka_unit_test(allocator_hooks_and_fault_injection),
        cmocka_unit_test(status_names_and_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
