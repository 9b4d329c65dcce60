/* The worker pool: per-job FIFO queues, workers take from the oldest job with queued work,
 * and a thread waiting for a job runs that job's queued tasks itself instead of sleeping
 * (so tasks may create and wait for jobs of their own without deadlock). One mutex guards
 * the queues; tasks are tile-sized, so that is a handful of lock operations per tile.
 * Task records are recycled through a free list: no allocation per task once warm. */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/core_int.h"

#define MAX_HELPERS 64 /* waiters that may help at once, each with its own worker index */

typedef struct task {
    struct task *next;
    vfx__task_fn fn;
    void        *arg;
} task;

struct vfx__job {
    vfx__pool      *pool;
    task           *head, *tail;   /* queued, not started */
    struct vfx__job *next_active;  /* in pool->active while it has queued tasks */
    int             active;
    int64_t         pending;       /* submitted and not finished */
    int             n_waiters;
    atomic_int      cancelled;
    vfx_status      status;        /* first failure */
    char            msg[VFX__ERROR_MAX];
};

struct vfx__pool {
    pthread_mutex_t lock;
    pthread_cond_t  work;          /* workers: a job became active, or stop */
    pthread_cond_t  done;          /* waiters: a task finished or was queued */
    vfx__job       *active_head, *active_tail;
    task           *free_tasks;
    pthread_t      *threads;
    int32_t         n_threads;     /* started threads (0 = run on the waiter) */
    int32_t         n_config;      /* what was asked for */
    uint64_t        helper_slots;  /* bit k set: slot n_threads + k in use */
    int             stop;
};

/* ---- queue helpers (pool->lock held) ------------------------------------------------------ */

static void
activate(vfx__pool *p, vfx__job *j)
{
    if (j->active)
        return;
    j->active = 1;
    j->next_active = NULL;
    if (p->active_tail)
        p->active_tail->next_active = j;
    else
        p->active_head = j;
    p->active_tail = j;
}

static void
deactivate(vfx__pool *p, vfx__job *j)
{
    vfx__job **pp = &p->active_head, *prev = NULL;
    while (*pp && *pp != j) {
        prev = *pp;
        pp = &(*pp)->next_active;
    }
    if (*pp) {
        *pp = j->next_active;
        if (p->active_tail == j)
            p->active_tail = prev;
    }
    j->active = 0;
    j->next_active = NULL;
}

static task *
pop(vfx__pool *p, vfx__job *j)
{
    task *t = j->head;
    if (!t)
        return NULL;
    j->head = t->next;
    if (!j->head) {
        j->tail = NULL;
        deactivate(p, j);
    }
    return t;
}

/* Run one popped task with the lock released; bookkeeping under the lock again. */
static void
run_task(vfx__pool *p, vfx__job *j, task *t, int worker)
{
    vfx__task_fn fn = t->fn;
    void        *arg = t->arg;
    t->next = p->free_tasks;
    p->free_tasks = t;
    vfx_status s = VFX_OK;
    int        skip = atomic_load(&j->cancelled);
    pthread_mutex_unlock(&p->lock);
    if (!skip)
        s = fn(arg, worker);
    const char *m = s != VFX_OK ? vfx_error_message() : NULL;
    pthread_mutex_lock(&p->lock);
    if (s != VFX_OK && j->status == VFX_OK) {
        j->status = s;
        snprintf(j->msg, sizeof j->msg, "%s", m ? m : "");
        atomic_store(&j->cancelled, 1);
    }
    if (--j->pending == 0 || j->n_waiters)
        pthread_cond_broadcast(&p->done);
}

static void *
worker_main(void *arg)
{
    vfx__pool *p = ((void **) arg)[0];
    int        index = (int) (intptr_t) ((void **) arg)[1];
    vfx__free(arg);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && !p->active_head)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop && !p->active_head)
            break;
        vfx__job *j = p->active_head;
        task     *t = pop(p, j);
        if (t)
            run_task(p, j, t, index);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- pool ------------------------------------------------------------------------------- */

vfx_status
vfx__pool_new(int32_t n_threads, vfx__pool **out)
{
    *out = NULL;
    if (n_threads < 1)
        n_threads = 1;
    vfx__pool *p = vfx__calloc(1, sizeof *p);
    if (!p)
        return vfx__nomem();
    p->n_config = n_threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
#ifdef VFX_WITH_THREADS
    int32_t start = n_threads > 1 ? n_threads : 0;
#else
    int32_t start = 0;
#endif
    if (start > 0) {
        p->threads = vfx__calloc((size_t) start, sizeof *p->threads);
        if (!p->threads) {
            vfx__pool_free(p);
            return vfx__nomem();
        }
    }
    for (int32_t i = 0; i < start; i++) {
        void **arg = vfx__alloc(2 * sizeof(void *));
        if (!arg) {
            vfx__pool_free(p);
            return vfx__nomem();
        }
        arg[0] = p;
        arg[1] = (void *) (intptr_t) i;
        if (pthread_create(&p->threads[i], NULL, worker_main, arg) != 0) {
            vfx__free(arg);
            vfx__pool_free(p);
            return vfx__fail(VFX_ERR_INTERNAL, "thread pool: cannot start thread %d", (int) i);
        }
        p->n_threads++;
    }
    *out = p;
    return VFX_OK;
}

void
vfx__pool_free(vfx__pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int32_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    while (p->free_tasks) {
        task *t = p->free_tasks;
        p->free_tasks = t->next;
        vfx__free(t);
    }
    vfx__free(p->threads);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    vfx__free(p);
}

int32_t
vfx__pool_threads(const vfx__pool *p)
{
    return p->n_config;
}

int32_t
vfx__pool_slots(const vfx__pool *p)
{
    return p->n_threads + MAX_HELPERS;
}

/* ---- jobs ------------------------------------------------------------------------------- */

vfx_status
vfx__job_new(vfx__pool *pool, vfx__job **out)
{
    *out = NULL;
    vfx__job *j = vfx__calloc(1, sizeof *j);
    if (!j)
        return vfx__nomem();
    j->pool = pool;
    atomic_init(&j->cancelled, 0);
    *out = j;
    return VFX_OK;
}

vfx_status
vfx__job_submit(vfx__job *j, vfx__task_fn fn, void *arg)
{
    vfx__pool *p = j->pool;
    pthread_mutex_lock(&p->lock);
    task *t = p->free_tasks;
    if (t)
        p->free_tasks = t->next;
    pthread_mutex_unlock(&p->lock);
    if (!t && !(t = vfx__alloc(sizeof *t)))
        return vfx__nomem();
    t->next = NULL;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&p->lock);
    if (j->tail)
        j->tail->next = t;
    else
        j->head = t;
    j->tail = t;
    j->pending++;
    activate(p, j);
    pthread_cond_signal(&p->work);
    if (j->n_waiters)
        pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
    return VFX_OK;
}

void
vfx__job_cancel(vfx__job *j)
{
    atomic_store(&j->cancelled, 1);
}

int
vfx__job_cancelled(const vfx__job *j)
{
    return atomic_load(&((vfx__job *) j)->cancelled);
}

vfx_status
vfx__job_wait(vfx__job *j)
{
    vfx__pool *p = j->pool;
    pthread_mutex_lock(&p->lock);
    int slot = -1;
    if (~p->helper_slots) {
        slot = __builtin_ctzll(~p->helper_slots);
        p->helper_slots |= 1ull << slot;
    }
    j->n_waiters++;
    while (j->pending > 0) {
        task *t = slot >= 0 ? pop(p, j) : NULL;
        if (t)
            run_task(p, j, t, p->n_threads + slot);
        else
            pthread_cond_wait(&p->done, &p->lock);
    }
    j->n_waiters--;
    if (slot >= 0)
        p->helper_slots &= ~(1ull << slot);
    vfx_status s = j->status;
    int        cancelled = atomic_load(&j->cancelled);
    pthread_mutex_unlock(&p->lock);
    if (s != VFX_OK) {
        vfx__error_set(j->msg);
        return s;
    }
    if (cancelled)
        return vfx__fail(VFX_ERR_CANCELLED, "cancelled");
    return VFX_OK;
}

void
vfx__job_free(vfx__job *j)
{
    vfx__free(j);
}

/* ---- parallel for ----------------------------------------------------------------------- */

typedef struct {
    vfx__for_fn      fn;
    void            *arg;
    int64_t          n;
    atomic_llong     next;
    vfx__job        *job;
} pfor;

static vfx_status
pfor_task(void *arg, int worker)
{
    pfor *f = arg;
    for (;;) {
        if (vfx__job_cancelled(f->job))
            return VFX_OK;
        int64_t i = atomic_fetch_add(&f->next, 1);
        if (i >= f->n)
            return VFX_OK;
        VFX_TRY(f->fn(f->arg, i, worker));
    }
}

vfx_status
vfx__parallel_for(vfx__pool *pool, int64_t n, vfx__for_fn fn, void *arg)
{
    if (n <= 0)
        return VFX_OK;
    pfor f = { fn, arg, n, 0, NULL };
    atomic_init(&f.next, 0);
    VFX_TRY(vfx__job_new(pool, &f.job));
    /* One task per thread plus one the waiter runs itself. */
    int64_t    n_tasks = VFX__MIN(n, (int64_t) pool->n_threads + 1);
    vfx_status s = VFX_OK;
    for (int64_t k = 0; k < n_tasks && s == VFX_OK; k++)
        s = vfx__job_submit(f.job, pfor_task, &f);
    if (s != VFX_OK)
        vfx__job_cancel(f.job);
    vfx_status w = vfx__job_wait(f.job);
    vfx__job_free(f.job);
    return s != VFX_OK ? s : w;
}

/* ---- machine facts ---------------------------------------------------------------------- */

int32_t
vfx__cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int32_t) n;
}

int64_t
vfx__ram_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 0;
    return (int64_t) pages * size;
}
