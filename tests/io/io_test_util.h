/* Helpers shared by the I/O tests (static inline: each test file uses a subset). */
#ifndef VFX_IO_TEST_UTIL_H
#define VFX_IO_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/** Read a whole level of a part as packed float (all channels). Caller frees *out. */
static inline vfx_status
read_level_f32(vfx_reader *r, int32_t part, int32_t lx, int32_t ly, float **out,
               vfx_rect *rect_out, int32_t *n_ch_out)
{
    const vfx_spec *sp = NULL;
    vfx_status s = vfx_reader_spec(r, part, &sp);
    if (s != VFX_OK)
        return s;
    vfx_rect rc;
    s = vfx_reader_level_rect(r, part, lx, ly, &rc);
    if (s != VFX_OK)
        return s;
    int32_t nc = vfx_channels_count(sp->channels);
    size_t n = (size_t) vfx_rect_area(rc) * (size_t) nc;
    float *buf = malloc(n * sizeof(float) + 1);
    if (!buf)
        return VFX_ERR_NOMEM;
    ptrdiff_t xs = (ptrdiff_t) (sizeof(float) * (size_t) nc);
    s = vfx_reader_read_rect(r, part, lx, ly, rc, NULL, 0, VFX_PIXEL_F32, buf, xs,
                             xs * (ptrdiff_t) vfx_rect_width(rc));
    if (s != VFX_OK) {
        free(buf);
        return s;
    }
    *out = buf;
    *rect_out = rc;
    *n_ch_out = nc;
    return VFX_OK;
}

/** Number of float values that differ: bitwise (tol < 0) or by more than tol relative to
 *  max(1, |b|) (NaN == NaN, inf == inf). Prints the first few differences. */
static inline size_t
count_diffs(const float *a, const float *b, size_t n, double tol, const char *what)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int same;
        if (tol < 0) {
            same = memcmp(&a[i], &b[i], sizeof(float)) == 0 || (isnan(a[i]) && isnan(b[i]));
        } else if (isnan(a[i]) || isnan(b[i])) {
            same = isnan(a[i]) && isnan(b[i]);
        } else if (isinf(a[i]) || isinf(b[i])) {
            same = a[i] == b[i];
        } else {
            double d = fabs((double) a[i] - (double) b[i]);
            double m = fabs((double) b[i]);
            same = d <= tol * (m > 1.0 ? m : 1.0);
        }
        if (!same && bad++ < 5)
            fprintf(stderr, "  %s: value %zu: %.9g vs %.9g\n", what, i, (double) a[i],
                    (double) b[i]);
    }
    return bad;
}

/** Shell-quote-free command runner with a printf format. Returns the exit status. */
static inline int
run_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int
run_fmt(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return test_run(cmd, out, cap);
}

#endif
