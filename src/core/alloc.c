/* The hookable allocator, with SQLite-style fault injection for tests. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

static void *(*hook_malloc)(void *, size_t);
static void *(*hook_realloc)(void *, void *, size_t);
static void (*hook_free)(void *, void *);
static void *hook_ctx;

static _Atomic int64_t n_calls;   /* allocation calls since start */
static _Atomic int64_t n_live;    /* successful allocations not yet freed */
static _Atomic int64_t fail_at;   /* n_calls value that fails; 0 = off */

void
vfx__alloc_set_hooks(void *(*m)(void *, size_t), void *(*r)(void *, void *, size_t),
                     void (*f)(void *, void *), void *ctx)
{
    hook_malloc = m;
    hook_realloc = r;
    hook_free = f;
    hook_ctx = ctx;
}

void
vfx__alloc_fail_nth(int64_t nth)
{
    atomic_store(&fail_at, nth > 0 ? atomic_load(&n_calls) + nth : 0);
}

int64_t
vfx__alloc_count(void)
{
    return atomic_load(&n_calls);
}

int64_t
vfx__alloc_live(void)
{
    return atomic_load(&n_live);
}

/* True when this call is the one armed to fail. */
static int
should_fail(void)
{
    int64_t k = atomic_fetch_add(&n_calls, 1) + 1;
    int64_t f = atomic_load(&fail_at);
    if (VFX__UNLIKELY(f != 0 && k == f)) {
        atomic_store(&fail_at, 0);
        return 1;
    }
    return 0;
}

void *
vfx__alloc(size_t n)
{
    if (should_fail())
        return NULL;
    if (n == 0)
        n = 1;
    void *p = hook_malloc ? hook_malloc(hook_ctx, n) : malloc(n);
    if (p)
        atomic_fetch_add(&n_live, 1);
    return p;
}

void *
vfx__calloc(size_t count, size_t n)
{
    size_t total;
    if (vfx__mul_size(count, n, &total) != 0)
        return NULL;
    void *p = vfx__alloc(total);
    if (p)
        memset(p, 0, total ? total : 1);
    return p;
}

void *
vfx__realloc(void *p, size_t n)
{
    if (!p)
        return vfx__alloc(n);
    if (should_fail())
        return NULL;
    if (n == 0)
        n = 1;
    return hook_realloc ? hook_realloc(hook_ctx, p, n) : realloc(p, n);
}

void
vfx__free(void *p)
{
    if (!p)
        return;
    atomic_fetch_sub(&n_live, 1);
    if (hook_free)
        hook_free(hook_ctx, p);
    else
        free(p);
}

char *
vfx__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char  *p = vfx__alloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Aligned blocks: over-allocate through the hooks and keep the raw pointer just before the
 * aligned one, so the hooks see every byte (a hook cannot be asked for alignment). */
void *
vfx__alloc_aligned(size_t n, size_t alignment)
{
    if (alignment < sizeof(void *))
        alignment = sizeof(void *);
    if (alignment > 4096 || (alignment & (alignment - 1)) != 0)
        return NULL;
    if (n > SIZE_MAX - alignment - sizeof(void *))
        return NULL;
    char *raw = vfx__alloc(n + alignment + sizeof(void *));
    if (!raw)
        return NULL;
    uintptr_t a = ((uintptr_t) raw + sizeof(void *) + alignment - 1) & ~(uintptr_t) (alignment - 1);
    ((void **) a)[-1] = raw;
    return (void *) a;
}

void
vfx__free_aligned(void *p)
{
    if (p)
        vfx__free(((void **) p)[-1]);
}

vfx_status
vfx__nomem(void)
{
    return vfx__fail(VFX_ERR_NOMEM, "out of memory");
}
