/* Reference decodes for the image-format tests: OpenImageIO's own reading of a file, taken
 * from `oiiotool --dumpdata`, which prints every pixel's native values as text. Integer
 * files print exact integers; float files print floats (compared with a tolerance). Going
 * through text keeps the oracle independent of every vfx reader (an EXR or TIFF dump would be
 * read back by our own code). */
#ifndef VFX_IMG_REF_H
#define VFX_IMG_REF_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_test_util.h"
#include "vfx/io.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MIN_OF(a, b) ((a) < (b) ? (a) : (b))

/** Path of a file under testdata/images (rotating static buffers). */
static inline const char *
img(const char *rel)
{
    static char buf[8][1024];
    static int k;
    char *b = buf[k++ % 8];
    char r[512];
    snprintf(r, sizeof r, "images/%s", rel);
    snprintf(b, sizeof buf[0], "%s", test_data(r));
    return b;
}

typedef struct img_ref {
    int32_t w, h, nc;
    double  max;  /* integer maximum of the native type (255, 65535...), 0 for float */
    double *v;    /* w * h * nc native values */
    char    type[32];
} img_ref;

static inline void
img_ref_free(img_ref *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

/** Run oiiotool on @p path (subimage @p sub, with extra input options @p pre, e.g.
 *  "--iconfig oiio:UnassociatedAlpha 1") and parse the dump. Returns 0 on success. */
static inline int
img_ref_load(img_ref *r, const char *path, int sub, const char *pre)
{
    memset(r, 0, sizeof *r);
    char cmd[12288];
    if (sub == 0) {
        snprintf(cmd, sizeof cmd, "oiiotool %s --dumpdata '%s' 2>&1", pre ? pre : "", path);
    } else { /* --dumpdata prints what is read: extract the subimage losslessly first */
        const char *tmp = test_tmp("img_ref_sub.tif");
        snprintf(cmd, sizeof cmd,
                 "oiiotool %s '%s' --subimage %d --compression none -o '%s' >/dev/null 2>&1 && "
                 "oiiotool --dumpdata '%s' 2>&1",
                 pre ? pre : "", path, sub, tmp, tmp);
    }
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    char line[65536];
    size_t n = 0, cap = 0;
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        int w, h, nc;
        char type[32];
        const char *p = strstr(line, " : ");
        if (!ok && p && sscanf(p, " : %d x %d, %d channel, %31s", &w, &h, &nc, type) == 4) {
            r->w = w;
            r->h = h;
            r->nc = nc;
            snprintf(r->type, sizeof r->type, "%s", type);
            char *comma = strchr(r->type, ',');
            if (comma)
                *comma = 0;
            /* OIIO keeps uint1/2/4 expanded to uint8 codes, uint10/12 in uint16 codes */
            int bits = strcmp(type, "uint") == 0 ? 32 : strncmp(type, "uint", 4) == 0 ? atoi(type + 4) : 0;
            r->max = bits <= 0 ? 0.0 : bits <= 8 ? 255.0 : bits <= 16 ? 65535.0 : 4294967295.0;
            cap = (size_t) w * (size_t) h * (size_t) nc;
            r->v = calloc(cap ? cap : 1, sizeof(double));
            ok = 1;
            continue;
        }
        const char *q = strstr(line, "Pixel (");
        if (!ok || !q)
            continue;
        q = strchr(q, ':');
        if (!q)
            continue;
        q++;
        for (int32_t c = 0; c < r->nc && n < cap; c++) {
            char *end;
            double d = strtod(q, &end);
            if (end == q) {
                if (strncmp(q + strspn(q, " "), "nan", 3) == 0 ||
                    strncmp(q + strspn(q, " "), "-nan", 4) == 0) {
                    d = NAN;
                    end = (char *) q + strspn(q, " ") + (q[strspn(q, " ")] == '-' ? 4 : 3);
                } else {
                    break;
                }
            }
            r->v[n++] = d;
            q = end;
        }
    }
    int rc = pclose(f);
    if (!ok || rc != 0 || n != cap) {
        fprintf(stderr, "img_ref: %s: parsed %zu of %zu values (rc %d)\n", path, n, cap, rc);
        img_ref_free(r);
        return -1;
    }
    return 0;
}

/** Read part @p part level 0 of @p path with vfx as doubles. Caller frees. */
static inline vfx_status
vfx_load_f64(vfx_reader *rd, int32_t part, double **out, int32_t *w, int32_t *h, int32_t *nc)
{
    const vfx_spec *sp = NULL;
    vfx_status s = vfx_reader_spec(rd, part, &sp);
    if (s != VFX_OK)
        return s;
    vfx_rect rc = sp->data;
    *w = (int32_t) vfx_rect_width(rc);
    *h = (int32_t) vfx_rect_height(rc);
    *nc = vfx_channels_count(sp->channels);
    size_t n = (size_t) *w * (size_t) *h * (size_t) *nc;
    double *buf = malloc(n * sizeof(double) + 1);
    ptrdiff_t xs = (ptrdiff_t) (sizeof(double) * (size_t) *nc);
    s = vfx_reader_read_rect(rd, part, 0, 0, rc, NULL, 0, VFX_PIXEL_F64, buf, xs, xs * *w);
    if (s != VFX_OK) {
        free(buf);
        return s;
    }
    *out = buf;
    return VFX_OK;
}

/** Compare vfx's decode of @p path (part @p part) with the oiiotool dump. @p tol is in units
 *  of the integer type (0 = exact, 1 = one code value) or, for float files, relative.
 *  Returns the number of differing values (printing the first few); -1 when a side failed. */
static inline long
img_ref_compare(const char *path, int32_t part, const char *pre, double tol)
{
    img_ref ref;
    if (img_ref_load(&ref, path, part, pre) != 0)
        return -1;
    vfx_reader *rd = NULL;
    vfx_status s = vfx_reader_open(path, NULL, &rd);
    if (s != VFX_OK) {
        fprintf(stderr, "%s: %s\n", path, vfx_error_message());
        img_ref_free(&ref);
        return -1;
    }
    double *a = NULL;
    int32_t w = 0, h = 0, nc = 0;
    s = vfx_load_f64(rd, part, &a, &w, &h, &nc);
    if (s != VFX_OK) {
        fprintf(stderr, "%s: %s\n", path, vfx_error_message());
        vfx_reader_close(rd);
        img_ref_free(&ref);
        return -1;
    }
    long bad = 0;
    if (w != ref.w || h != ref.h || nc != ref.nc) {
        fprintf(stderr, "%s: vfx %d x %d x %d, oiiotool %d x %d x %d\n", path, w, h, nc, ref.w,
                ref.h, ref.nc);
        bad = -1;
    } else {
        size_t n = (size_t) w * (size_t) h * (size_t) nc;
        for (size_t i = 0; i < n; i++) {
            double x = a[i], y = ref.v[i];
            int same;
            if (ref.max > 0)
                same = fabs(x * ref.max - y) <= tol + 1e-3;
            else if (isnan(x) || isnan(y))
                same = isnan(x) && isnan(y);
            else
                same = fabs(x - y) <= (tol > 0 ? tol : 1e-6) * fmax(1.0, fabs(y));
            if (!same && bad++ < 5)
                fprintf(stderr, "  %s: pixel (%zu, %zu) ch %zu: vfx %.9g, oiiotool %.9g%s\n", path,
                        (i / (size_t) nc) % (size_t) w, i / (size_t) nc / (size_t) w,
                        i % (size_t) nc, ref.max > 0 ? x * ref.max : x, y,
                        ref.max > 0 ? " (code values)" : "");
        }
    }
    free(a);
    vfx_reader_close(rd);
    img_ref_free(&ref);
    return bad;
}

/** The error message must name the format and file: "<fmt>: <base>: ...". */
static inline int
message_names(const char *fmt, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char want[512];
    snprintf(want, sizeof want, "%s: %s: ", fmt, base);
    return strstr(vfx_error_message(), want) != NULL;
}

/** Open and read everything; returns the first failure status (VFX_OK if all went well). */
static inline vfx_status
open_and_read_all(const char *path)
{
    vfx_reader *rd = NULL;
    vfx_status s = vfx_reader_open(path, NULL, &rd);
    if (s != VFX_OK)
        return s;
    for (int32_t p = 0; p < vfx_reader_part_count(rd) && s == VFX_OK; p++) {
        double *a = NULL;
        int32_t w = 0, h = 0, nc = 0;
        s = vfx_load_f64(rd, p, &a, &w, &h, &nc);
        free(a);
    }
    vfx_reader_close(rd);
    return s;
}

#endif

#include "core/core_int.h"

/** SQLite-style OOM sweep: open @p data (format by @p name's extension) and read everything
 *  with allocation 1, 2, 3, ... failing, until a run completes without reaching the fault.
 *  Every run must succeed or fail with VFX_ERR_NOMEM, and leak nothing. Returns the number
 *  of allocations swept. */
static inline int64_t
oom_sweep(const uint8_t *data, size_t size, const char *name)
{
    /* one thread: the fault counter is global, so pool workers starting up or running
     * their own allocations must not take the armed failure or move the live count */
    vfx_shutdown();
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    io.threads = 1;
    assert_int_equal(VFX_OK, vfx_init(&io));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open_memory(data, size, name, NULL, &r)); /* warm up */
    vfx_reader_close(r);
    int64_t live0 = vfx__alloc_live();
    for (int64_t k = 1; k < 100000; k++) {
        vfx__alloc_fail_nth(k);
        int64_t before = vfx__alloc_count();
        r = NULL;
        vfx_status s = vfx_reader_open_memory(data, size, name, NULL, &r);
        if (s == VFX_OK) {
            const vfx_spec *sp = NULL;
            vfx_reader_spec(r, 0, &sp);
            vfx_rect rc = sp->data;
            int32_t nc = vfx_channels_count(sp->channels);
            size_t n = (size_t) vfx_rect_area(rc) * (size_t) nc;
            float *buf = malloc(n * sizeof(float) + 1);
            ptrdiff_t xs = (ptrdiff_t) sizeof(float) * nc;
            s = vfx_reader_read_rect(r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_F32, buf, xs,
                                     xs * (ptrdiff_t) vfx_rect_width(rc));
            free(buf);
            vfx_reader_close(r);
        }
        int64_t used = vfx__alloc_count() - before;
        vfx__alloc_fail_nth(0);
        if (vfx__alloc_live() != live0)
            fail_msg("%s: failing allocation %lld: %lld blocks leaked", name, (long long) k,
                     (long long) (vfx__alloc_live() - live0));
        if (s == VFX_OK && used < k)
            return k - 1;
        if (s != VFX_OK && s != VFX_ERR_NOMEM)
            fail_msg("%s: failing allocation %lld: %s (%s)", name, (long long) k,
                     vfx_status_name(s), vfx_error_message());
    }
    fail_msg("%s: OOM sweep did not finish", name);
    return -1;
}
