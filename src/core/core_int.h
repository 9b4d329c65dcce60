/* Private core helpers shared by every layer: errors, allocation, threads. */
#ifndef VFX_CORE_INT_H
#define VFX_CORE_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vfx/core.h"

/* ---- compiler helpers ------------------------------------------------------------------- */
#if defined(__GNUC__) || defined(__clang__)
#define VFX__PRINTF(a, b) __attribute__((format(printf, a, b)))
#define VFX__LIKELY(x) __builtin_expect(!!(x), 1)
#define VFX__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define VFX__PRINTF(a, b)
#define VFX__LIKELY(x) (x)
#define VFX__UNLIKELY(x) (x)
#endif

/** A newer field of a growing options struct is read only when the caller's struct covers it. */
#define VFX__HAS(opt, T, field) ((opt)->size >= offsetof(T, field) + sizeof((opt)->field))

#define VFX__MIN(a, b) ((a) < (b) ? (a) : (b))
#define VFX__MAX(a, b) ((a) > (b) ? (a) : (b))
#define VFX__CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))
#define VFX__COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (status.c) ------------------------------------------------------------------ */

/** Set this thread's message and return @p code: `return vfx__fail(VFX_ERR_CORRUPT, "...")`. */
vfx_status vfx__fail(vfx_status code, const char *fmt, ...) VFX__PRINTF(2, 3);
vfx_status vfx__failv(vfx_status code, const char *fmt, va_list ap);
/** Prepend context to this thread's message: "exr: %s: " + old message. Does not fail
 *  (a message too long is cut). */
void vfx__error_prefix(const char *fmt, ...) VFX__PRINTF(1, 2);
/** Replace this thread's message (without changing any status). Does not fail. */
void vfx__error_set(const char *msg);

/** Forward an error: VFX_TRY(vfx__read_exact(...)); */
#define VFX_TRY(expr)                                                                       \
    do {                                                                                    \
        vfx_status vfx__try_s_ = (expr);                                                    \
        if (VFX__UNLIKELY(vfx__try_s_ != VFX_OK))                                           \
            return vfx__try_s_;                                                             \
    } while (0)

/** The maximum length of a message, including the NUL. */
#define VFX__ERROR_MAX 1024

/* ---- allocation (alloc.c) --------------------------------------------------------------- */

/** All library allocation goes through these (hookable at vfx_init()). They return NULL on
 *  failure and do NOT set a message: callers return vfx__fail(VFX_ERR_NOMEM, ...) or the
 *  shorthand vfx__nomem(). vfx__free accepts NULL. */
void *vfx__alloc(size_t n);
void *vfx__calloc(size_t count, size_t n); /* overflow-checked, zeroed */
void *vfx__realloc(void *p, size_t n);
void  vfx__free(void *p);
char *vfx__strdup(const char *s);
/** Aligned allocation (alignment a power of two up to 4096), released with vfx__free_aligned. */
void *vfx__alloc_aligned(size_t n, size_t alignment);
void  vfx__free_aligned(void *p);
/** return vfx__nomem(); sets "out of memory" and returns VFX_ERR_NOMEM. */
vfx_status vfx__nomem(void);

#define VFX_FREE(p)                                                                         \
    do {                                                                                    \
        vfx__free(p);                                                                       \
        (p) = NULL;                                                                         \
    } while (0)

/** Overflow-safe size arithmetic: 0 on success, -1 on overflow. */
static inline int
vfx__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

/** Test hooks (SQLite faultsim): make the @p nth allocation from now fail (1 = the next one),
 *  0 = never. Every allocation after a failure succeeds again until re-armed. */
void    vfx__alloc_fail_nth(int64_t nth);
/** Allocations made since start (successful or not), and those still live. */
int64_t vfx__alloc_count(void);
int64_t vfx__alloc_live(void);
/** Install allocator hooks (NULL = libc); used by vfx_init(). */
void    vfx__alloc_set_hooks(void *(*m)(void *, size_t), void *(*r)(void *, void *, size_t),
                             void (*f)(void *, void *), void *ctx);

/* ---- channel lists (channels.c) -------------------------------------------------------- */

/** Set EXR's pLinear hint of channel @p i (readers keep it so writers can write it back;
 *  there is no public setter yet). @return VFX_ERR_ARG when out of range. */
vfx_status vfx__channels_set_linear(vfx_channels *c, int32_t i, int32_t linear);

/* ---- channel interleave (format.c) ------------------------------------------------------ */

/** Pixels of @p n_ch 16-bit channels between planes and interleaved order: dst[i * n_ch + k] =
 *  planes[k][i] for i < n_pix (and the reverse). Pure moves (no value changes), used where a
 *  codec's planar halves meet the engine's interleaved pixels. n_ch >= 1. Does not fail. */
void vfx__interleave_u16(const uint16_t *const *planes, int32_t n_ch, uint16_t *dst,
                         size_t n_pix);
void vfx__deinterleave_u16(const uint16_t *src, int32_t n_ch, uint16_t *const *planes,
                           size_t n_pix);

/* ---- library state (init.c) ------------------------------------------------------------- */

/** Initialise with defaults if nobody did yet; cheap after the first call. */
vfx_status vfx__ensure_init(void);
/** Register a function vfx_shutdown() calls (latest registered first, before the pool stops):
 *  how layers above core free their global state (tile cache, format registry...). At most
 *  16; registering the same function twice is a no-op. Does not fail. */
void vfx__on_shutdown(void (*fn)(void));

/* ---- threads (thread.c) ----------------------------------------------------------------- */

/** The process-wide worker pool (zstd-small API). Tasks of one job may run on any worker or
 *  on the thread that waits for the job (it helps instead of sleeping, so a task may itself
 *  run and wait for a job without deadlock). With VFX_THREADS=OFF or threads = 1 everything
 *  runs on the calling thread, in submission order. */
typedef struct vfx__pool vfx__pool;
typedef struct vfx__job  vfx__job;

/** A task: returns VFX_OK or an error (with message). @p worker is a small index that is
 *  unique among the tasks running at the same moment: 0 .. vfx__pool_slots(pool) - 1. */
typedef vfx_status (*vfx__task_fn)(void *arg, int worker);

vfx_status vfx__pool_new(int32_t n_threads, vfx__pool **out);
/** Waits for running tasks, stops the threads; accepts NULL. */
void       vfx__pool_free(vfx__pool *pool);
int32_t    vfx__pool_threads(const vfx__pool *pool);
/** Upper bound on the worker indexes handed to tasks (threads + helping waiters). */
int32_t    vfx__pool_slots(const vfx__pool *pool);
/** The library's global pool (created by init). */
vfx__pool *vfx__pool_global(void);

/** A group of tasks that is waited for together. */
vfx_status vfx__job_new(vfx__pool *pool, vfx__job **out);
/** Queue a task. After cancel or a failed task, queued tasks are skipped (never run). */
vfx_status vfx__job_submit(vfx__job *job, vfx__task_fn fn, void *arg);
/** Ask the job to stop: tasks not yet started are skipped; running ones may poll
 *  vfx__job_cancelled(). Thread-safe, does not fail. */
void       vfx__job_cancel(vfx__job *job);
int        vfx__job_cancelled(const vfx__job *job);
/** Wait for every task. Returns the first failure (its message re-raised on this thread),
 *  VFX_ERR_CANCELLED if cancelled without failure, else VFX_OK. */
vfx_status vfx__job_wait(vfx__job *job);
/** Free after wait; accepts NULL. */
void       vfx__job_free(vfx__job *job);

/** Run fn(arg, i, worker) for i in [0, n) on the pool; first error wins and stops the rest. */
typedef vfx_status (*vfx__for_fn)(void *arg, int64_t i, int worker);
vfx_status vfx__parallel_for(vfx__pool *pool, int64_t n, vfx__for_fn fn, void *arg);

/** Number of online CPU cores (>= 1) and physical RAM in bytes (0 if unknown). */
int32_t vfx__cpu_count(void);
int64_t vfx__ram_bytes(void);

#endif
