/* Library state: settings (options, then environment, then defaults) and the global pool.
 * vfx_init() is optional; vfx__ensure_init() initialises with defaults on first use. */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

#define DEFAULT_MAX_PIXELS ((int64_t) 1 << 36)
#define DEFAULT_CACHE_CAP ((int64_t) 4 << 30)

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int      initialised;
static int32_t         g_threads;
static int64_t         g_cache_bytes;
static int64_t         g_max_pixels;
static vfx__pool      *g_pool;
static void (*shutdown_fns[16])(void);
static int             n_shutdown_fns;

void
vfx__on_shutdown(void (*fn)(void))
{
    pthread_mutex_lock(&init_lock);
    for (int i = 0; i < n_shutdown_fns; i++)
        if (shutdown_fns[i] == fn)
            goto out;
    if (n_shutdown_fns < (int) VFX__COUNTOF(shutdown_fns))
        shutdown_fns[n_shutdown_fns++] = fn;
out:
    pthread_mutex_unlock(&init_lock);
}

/* "512M", "4G", "1073741824", "25%" (of RAM) -> bytes; -1 when unparsable. */
static int64_t
parse_bytes(const char *s)
{
    char  *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    while (isspace((unsigned char) *end))
        end++;
    double mul = 1;
    switch (toupper((unsigned char) *end)) {
    case 0: break;
    case 'K': mul = 1024.0; break;
    case 'M': mul = 1024.0 * 1024; break;
    case 'G': mul = 1024.0 * 1024 * 1024; break;
    case 'T': mul = 1024.0 * 1024 * 1024 * 1024; break;
    case '%': mul = (double) vfx__ram_bytes() / 100.0; break;
    default: return -1;
    }
    double b = v * mul;
    return b > 9.0e18 ? INT64_MAX : (int64_t) b;
}

static vfx_status
init_locked(const vfx_init_options *opt)
{
    int32_t threads = 0;
    int64_t cache = 0, maxpix = 0;
    if (opt) {
        if (opt->size < offsetof(vfx_init_options, malloc_fn))
            return vfx__fail(VFX_ERR_ARG, "vfx_init: options struct too small (size %zu)", opt->size);
        threads = opt->threads;
        cache = opt->cache_bytes;
        maxpix = opt->max_pixels;
        if (threads < 0 || cache < 0 || maxpix < 0)
            return vfx__fail(VFX_ERR_ARG, "vfx_init: negative threads, cache_bytes or max_pixels");
        if (VFX__HAS(opt, vfx_init_options, alloc_ctx)) {
            int n = !!opt->malloc_fn + !!opt->realloc_fn + !!opt->free_fn;
            if (n != 0 && n != 3)
                return vfx__fail(VFX_ERR_ARG, "vfx_init: give all three allocator hooks or none");
            vfx__alloc_set_hooks(opt->malloc_fn, opt->realloc_fn, opt->free_fn, opt->alloc_ctx);
        }
    }
    const char *env;
    if (threads == 0 && (env = getenv("VFX_THREADS")) && *env) {
        long t = strtol(env, NULL, 10);
        threads = t > 0 && t <= 1024 ? (int32_t) t : 0;
    }
    if (threads == 0)
        threads = vfx__cpu_count();
    if (cache == 0 && (env = getenv("VFX_MEMORY")) && *env) {
        int64_t b = parse_bytes(env);
        cache = b > 0 ? b : 0;
    }
    if (cache == 0) {
        int64_t ram = vfx__ram_bytes();
        cache = ram > 0 ? VFX__MIN(ram / 4, DEFAULT_CACHE_CAP) : DEFAULT_CACHE_CAP / 4;
    }
    if (maxpix == 0)
        maxpix = DEFAULT_MAX_PIXELS;
    vfx__pool *pool;
    VFX_TRY(vfx__pool_new(threads, &pool));
    g_threads = threads;
    g_cache_bytes = cache;
    g_max_pixels = maxpix;
    g_pool = pool;
    atomic_store_explicit(&initialised, 1, memory_order_release);
    return VFX_OK;
}

vfx_status
vfx_init(const vfx_init_options *opt)
{
    pthread_mutex_lock(&init_lock);
    vfx_status s = atomic_load(&initialised)
                       ? vfx__fail(VFX_ERR_STATE, "vfx_init: already initialised")
                       : init_locked(opt);
    pthread_mutex_unlock(&init_lock);
    return s;
}

vfx_status
vfx__ensure_init(void)
{
    if (VFX__LIKELY(atomic_load_explicit(&initialised, memory_order_acquire)))
        return VFX_OK;
    pthread_mutex_lock(&init_lock);
    vfx_status s = atomic_load(&initialised) ? VFX_OK : init_locked(NULL);
    pthread_mutex_unlock(&init_lock);
    return s;
}

void
vfx_shutdown(void)
{
    pthread_mutex_lock(&init_lock);
    if (atomic_load(&initialised)) {
        /* Layers above core free their global state first (caches before the pool). */
        for (int i = n_shutdown_fns - 1; i >= 0; i--)
            shutdown_fns[i]();
        vfx__pool_free(g_pool);
        g_pool = NULL;
        vfx__alloc_set_hooks(NULL, NULL, NULL, NULL);
        atomic_store(&initialised, 0);
    }
    pthread_mutex_unlock(&init_lock);
}

int32_t
vfx_threads(void)
{
    return vfx__ensure_init() == VFX_OK ? g_threads : 1;
}

int64_t
vfx_cache_bytes(void)
{
    return vfx__ensure_init() == VFX_OK ? g_cache_bytes : 0;
}

int64_t
vfx_max_pixels(void)
{
    return vfx__ensure_init() == VFX_OK ? g_max_pixels : DEFAULT_MAX_PIXELS;
}

vfx__pool *
vfx__pool_global(void)
{
    return vfx__ensure_init() == VFX_OK ? g_pool : NULL;
}
