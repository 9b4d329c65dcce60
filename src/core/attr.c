/* Typed metadata attributes: an insertion-ordered array of (name, value) with unique names.
 * Metadata sets are small (tens of entries), so lookups are linear scans.
 *
 * Stored values own their memory: a string is one block, a string list is one block (the
 * pointer array followed by the characters), a vector is one block, and a blob is one block
 * (the bytes followed by the type name). Every setter builds the new value completely before
 * it touches the set, so a failure leaves the set unchanged. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

typedef struct entry {
    char          *name; /* owned */
    vfx_attr_value v;    /* owns what its pointers point to */
} entry;

struct vfx_attrs {
    entry  *v;
    int32_t n, cap;
};

#define MEMBER_SIZE(m) sizeof(((vfx_attr_value *) 0)->u.m)

/* Bytes of the union a fixed-size type uses; 0 for types that own memory or are unknown. */
static size_t
fixed_size(vfx_attr_type t)
{
    switch (t) {
    case VFX_ATTR_INT: return MEMBER_SIZE(i);
    case VFX_ATTR_FLOAT: return MEMBER_SIZE(f);
    case VFX_ATTR_DOUBLE: return MEMBER_SIZE(d);
    case VFX_ATTR_V2I: return MEMBER_SIZE(v2i);
    case VFX_ATTR_V2F: return MEMBER_SIZE(v2f);
    case VFX_ATTR_V3I: return MEMBER_SIZE(v3i);
    case VFX_ATTR_V3F: return MEMBER_SIZE(v3f);
    case VFX_ATTR_V2D: return MEMBER_SIZE(v2d);
    case VFX_ATTR_V3D: return MEMBER_SIZE(v3d);
    case VFX_ATTR_BOX2I: return MEMBER_SIZE(box2i);
    case VFX_ATTR_BOX2F: return MEMBER_SIZE(box2f);
    case VFX_ATTR_M33F: return MEMBER_SIZE(m33f);
    case VFX_ATTR_M44F: return MEMBER_SIZE(m44f);
    case VFX_ATTR_M33D: return MEMBER_SIZE(m33d);
    case VFX_ATTR_M44D: return MEMBER_SIZE(m44d);
    case VFX_ATTR_RATIONAL: return MEMBER_SIZE(rational);
    case VFX_ATTR_TIMECODE: return MEMBER_SIZE(timecode);
    case VFX_ATTR_KEYCODE: return MEMBER_SIZE(keycode);
    case VFX_ATTR_CHROMATICITIES: return MEMBER_SIZE(chroma);
    default: return 0;
    }
}

const char *
vfx_attr_type_name(vfx_attr_type t)
{
    switch (t) {
    case VFX_ATTR_NONE: return "none";
    case VFX_ATTR_INT: return "int";
    case VFX_ATTR_FLOAT: return "float";
    case VFX_ATTR_DOUBLE: return "double";
    case VFX_ATTR_STRING: return "string";
    case VFX_ATTR_STRING_LIST: return "string_list";
    case VFX_ATTR_INT_VEC: return "int_vec";
    case VFX_ATTR_FLOAT_VEC: return "float_vec";
    case VFX_ATTR_V2I: return "v2i";
    case VFX_ATTR_V2F: return "v2f";
    case VFX_ATTR_V3I: return "v3i";
    case VFX_ATTR_V3F: return "v3f";
    case VFX_ATTR_V2D: return "v2d";
    case VFX_ATTR_V3D: return "v3d";
    case VFX_ATTR_BOX2I: return "box2i";
    case VFX_ATTR_BOX2F: return "box2f";
    case VFX_ATTR_M33F: return "m33f";
    case VFX_ATTR_M44F: return "m44f";
    case VFX_ATTR_M33D: return "m33d";
    case VFX_ATTR_M44D: return "m44d";
    case VFX_ATTR_RATIONAL: return "rational";
    case VFX_ATTR_TIMECODE: return "timecode";
    case VFX_ATTR_KEYCODE: return "keycode";
    case VFX_ATTR_CHROMATICITIES: return "chromaticities";
    case VFX_ATTR_BLOB: return "blob";
    default: return "unknown";
    }
}

/* ---- owned values ----------------------------------------------------------------------- */

/* Free what a stored value owns (each owning type is one block). */
static void
value_release(vfx_attr_value *v)
{
    switch (v->type) {
    case VFX_ATTR_STRING: vfx__free((void *) v->u.s); break;
    case VFX_ATTR_STRING_LIST: vfx__free((void *) v->u.sl.items); break;
    case VFX_ATTR_INT_VEC: vfx__free((void *) v->u.iv.p); break;
    case VFX_ATTR_FLOAT_VEC: vfx__free((void *) v->u.fv.p); break;
    case VFX_ATTR_BLOB: vfx__free((void *) v->u.blob.data); break;
    default: break;
    }
    v->type = VFX_ATTR_NONE;
}

/* Check a caller's value before anything is allocated for it. */
static vfx_status
value_check(const char *name, const vfx_attr_value *v)
{
    switch (v->type) {
    case VFX_ATTR_STRING:
        if (!v->u.s)
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: NULL string", name);
        return VFX_OK;
    case VFX_ATTR_STRING_LIST:
        if (v->u.sl.n < 0 || (v->u.sl.n > 0 && !v->u.sl.items))
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: bad string list", name);
        for (int32_t k = 0; k < v->u.sl.n; k++)
            if (!v->u.sl.items[k])
                return vfx__fail(VFX_ERR_ARG, "attrs: %s: NULL string in list", name);
        return VFX_OK;
    case VFX_ATTR_INT_VEC:
        if (v->u.iv.n < 0 || (v->u.iv.n > 0 && !v->u.iv.p))
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: bad int vector", name);
        return VFX_OK;
    case VFX_ATTR_FLOAT_VEC:
        if (v->u.fv.n < 0 || (v->u.fv.n > 0 && !v->u.fv.p))
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: bad float vector", name);
        return VFX_OK;
    case VFX_ATTR_BLOB:
        if (v->u.blob.size > 0 && !v->u.blob.data)
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: NULL blob data", name);
        return VFX_OK;
    default:
        if (fixed_size(v->type) == 0)
            return vfx__fail(VFX_ERR_ARG, "attrs: %s: unknown attribute type %d", name,
                             (int) v->type);
        return VFX_OK;
    }
}

/* Copy of @p n elements of @p elem bytes (NULL, and no allocation, when n == 0). */
static vfx_status
dup_array(const void *src, int32_t n, size_t elem, void **out)
{
    *out = NULL;
    if (n == 0)
        return VFX_OK;
    size_t bytes;
    if (vfx__mul_size((size_t) n, elem, &bytes) != 0)
        return vfx__fail(VFX_ERR_LIMIT, "attrs: vector too large");
    void *p = vfx__alloc(bytes);
    if (!p)
        return vfx__nomem();
    memcpy(p, src, bytes);
    *out = p;
    return VFX_OK;
}

static vfx_status
dup_string_list(const char *const *items, int32_t n, const char *const **out)
{
    *out = NULL;
    if (n == 0)
        return VFX_OK;
    size_t head = (size_t) n * sizeof(char *), total = head;
    for (int32_t k = 0; k < n; k++) {
        size_t len = strlen(items[k]) + 1;
        if (total > SIZE_MAX - len)
            return vfx__fail(VFX_ERR_LIMIT, "attrs: string list too large");
        total += len;
    }
    char **ptrs = vfx__alloc(total);
    if (!ptrs)
        return vfx__nomem();
    char *chars = (char *) ptrs + head;
    for (int32_t k = 0; k < n; k++) {
        size_t len = strlen(items[k]) + 1;
        memcpy(chars, items[k], len);
        ptrs[k] = chars;
        chars += len;
    }
    *out = (const char *const *) ptrs;
    return VFX_OK;
}

static vfx_status
dup_blob(const vfx_attr_value *src, vfx_attr_value *dst)
{
    const char *tn = src->u.blob.type_name ? src->u.blob.type_name : "";
    size_t      tlen = strlen(tn) + 1, size = src->u.blob.size;
    if (size > SIZE_MAX - tlen)
        return vfx__fail(VFX_ERR_LIMIT, "attrs: blob too large");
    /* The bytes come first so they keep the allocator's alignment. */
    char *p = vfx__alloc(size + tlen);
    if (!p)
        return vfx__nomem();
    if (size)
        memcpy(p, src->u.blob.data, size);
    memcpy(p + size, tn, tlen);
    dst->u.blob.data = p;
    dst->u.blob.size = size;
    dst->u.blob.type_name = p + size;
    return VFX_OK;
}

/* Deep copy of a checked value into @p dst (which owns nothing yet). On failure dst owns
 * nothing. */
static vfx_status
value_clone(const vfx_attr_value *src, vfx_attr_value *dst)
{
    vfx_status st = VFX_OK;
    void      *p;
    memset(dst, 0, sizeof *dst);
    switch (src->type) {
    case VFX_ATTR_STRING:
        dst->u.s = vfx__strdup(src->u.s);
        if (!dst->u.s)
            st = vfx__nomem();
        break;
    case VFX_ATTR_STRING_LIST:
        st = dup_string_list(src->u.sl.items, src->u.sl.n, &dst->u.sl.items);
        dst->u.sl.n = src->u.sl.n;
        break;
    case VFX_ATTR_INT_VEC:
        st = dup_array(src->u.iv.p, src->u.iv.n, sizeof(int32_t), &p);
        dst->u.iv.p = p;
        dst->u.iv.n = src->u.iv.n;
        break;
    case VFX_ATTR_FLOAT_VEC:
        st = dup_array(src->u.fv.p, src->u.fv.n, sizeof(float), &p);
        dst->u.fv.p = p;
        dst->u.fv.n = src->u.fv.n;
        break;
    case VFX_ATTR_BLOB: st = dup_blob(src, dst); break;
    default: memcpy(&dst->u, &src->u, fixed_size(src->type)); break;
    }
    if (st != VFX_OK) {
        memset(dst, 0, sizeof *dst);
        return st;
    }
    dst->type = src->type;
    return VFX_OK;
}

int
vfx_attr_value_equal(const vfx_attr_value *a, const vfx_attr_value *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->type != b->type)
        return 0;
    switch (a->type) {
    case VFX_ATTR_NONE: return 1;
    case VFX_ATTR_STRING: return a->u.s && b->u.s ? !strcmp(a->u.s, b->u.s) : a->u.s == b->u.s;
    case VFX_ATTR_STRING_LIST:
        if (a->u.sl.n != b->u.sl.n)
            return 0;
        for (int32_t k = 0; k < a->u.sl.n; k++)
            if (strcmp(a->u.sl.items[k], b->u.sl.items[k]))
                return 0;
        return 1;
    case VFX_ATTR_INT_VEC:
        return a->u.iv.n == b->u.iv.n &&
               (a->u.iv.n == 0 ||
                !memcmp(a->u.iv.p, b->u.iv.p, (size_t) a->u.iv.n * sizeof(int32_t)));
    case VFX_ATTR_FLOAT_VEC:
        return a->u.fv.n == b->u.fv.n &&
               (a->u.fv.n == 0 ||
                !memcmp(a->u.fv.p, b->u.fv.p, (size_t) a->u.fv.n * sizeof(float)));
    case VFX_ATTR_BLOB: {
        const char *ta = a->u.blob.type_name ? a->u.blob.type_name : "";
        const char *tb = b->u.blob.type_name ? b->u.blob.type_name : "";
        return a->u.blob.size == b->u.blob.size && !strcmp(ta, tb) &&
               (a->u.blob.size == 0 || !memcmp(a->u.blob.data, b->u.blob.data, a->u.blob.size));
    }
    default: {
        size_t n = fixed_size(a->type);
        return n > 0 && !memcmp(&a->u, &b->u, n);
    }
    }
}

/* ---- the set ---------------------------------------------------------------------------- */

static int32_t
find(const vfx_attrs *a, const char *name)
{
    for (int32_t i = 0; i < a->n; i++)
        if (!strcmp(a->v[i].name, name))
            return i;
    return -1;
}

/* Make room for one more entry. On failure the set is unchanged. */
static vfx_status
reserve_one(vfx_attrs *a)
{
    if (a->n < a->cap)
        return VFX_OK;
    if (a->cap > INT32_MAX / 2)
        return vfx__fail(VFX_ERR_LIMIT, "attrs: too many attributes");
    int32_t cap = a->cap ? a->cap * 2 : 8;
    entry  *v = vfx__realloc(a->v, (size_t) cap * sizeof *v);
    if (!v)
        return vfx__nomem();
    a->v = v;
    a->cap = cap;
    return VFX_OK;
}

vfx_status
vfx_attrs_new(vfx_attrs **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL out");
    *out = vfx__calloc(1, sizeof **out);
    return *out ? VFX_OK : vfx__nomem();
}

void
vfx_attrs_free(vfx_attrs *a)
{
    if (!a)
        return;
    for (int32_t i = 0; i < a->n; i++) {
        vfx__free(a->v[i].name);
        value_release(&a->v[i].v);
    }
    vfx__free(a->v);
    vfx__free(a);
}

vfx_status
vfx_attrs_copy(const vfx_attrs *a, vfx_attrs **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL out");
    *out = NULL;
    if (!a)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL set");
    vfx_attrs *d = vfx__calloc(1, sizeof *d);
    if (!d)
        return vfx__nomem();
    if (a->n > 0) {
        d->v = vfx__calloc((size_t) a->n, sizeof *d->v);
        if (!d->v) {
            vfx__free(d);
            return vfx__nomem();
        }
        d->cap = a->n;
        for (; d->n < a->n; d->n++) {
            entry *e = &d->v[d->n];
            e->name = vfx__strdup(a->v[d->n].name);
            if (!e->name) {
                vfx_attrs_free(d);
                return vfx__nomem();
            }
            vfx_status st = value_clone(&a->v[d->n].v, &e->v);
            if (st != VFX_OK) {
                vfx__free(e->name);
                vfx_attrs_free(d);
                return st;
            }
        }
    }
    *out = d;
    return VFX_OK;
}

vfx_status
vfx_attrs_set(vfx_attrs *a, const char *name, const vfx_attr_value *v)
{
    if (!a)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL set");
    if (!name || !*name)
        return vfx__fail(VFX_ERR_ARG, "attrs: empty attribute name");
    if (!v)
        return vfx__fail(VFX_ERR_ARG, "attrs: %s: NULL value", name);
    VFX_TRY(value_check(name, v));

    /* Clone first: v may point into this set, and growing the array would move it. */
    vfx_attr_value nv;
    VFX_TRY(value_clone(v, &nv));
    int32_t i = find(a, name);
    if (i >= 0) {
        /* Replace in place: the name keeps its position. */
        value_release(&a->v[i].v);
        a->v[i].v = nv;
        return VFX_OK;
    }
    char      *dup = vfx__strdup(name);
    vfx_status st = dup ? reserve_one(a) : vfx__nomem();
    if (st != VFX_OK) {
        vfx__free(dup);
        value_release(&nv);
        return st;
    }
    a->v[a->n].name = dup;
    a->v[a->n].v = nv;
    a->n++;
    return VFX_OK;
}

vfx_status
vfx_attrs_set_int(vfx_attrs *a, const char *name, int32_t v)
{
    vfx_attr_value x = { .type = VFX_ATTR_INT, .u.i = v };
    return vfx_attrs_set(a, name, &x);
}

vfx_status
vfx_attrs_set_float(vfx_attrs *a, const char *name, float v)
{
    vfx_attr_value x = { .type = VFX_ATTR_FLOAT, .u.f = v };
    return vfx_attrs_set(a, name, &x);
}

vfx_status
vfx_attrs_set_double(vfx_attrs *a, const char *name, double v)
{
    vfx_attr_value x = { .type = VFX_ATTR_DOUBLE, .u.d = v };
    return vfx_attrs_set(a, name, &x);
}

vfx_status
vfx_attrs_set_string(vfx_attrs *a, const char *name, const char *v)
{
    vfx_attr_value x = { .type = VFX_ATTR_STRING, .u.s = v };
    return vfx_attrs_set(a, name, &x);
}

const vfx_attr_value *
vfx_attrs_get(const vfx_attrs *a, const char *name)
{
    if (!a || !name)
        return NULL;
    int32_t i = find(a, name);
    return i >= 0 ? &a->v[i].v : NULL;
}

/* The value of @p name for a typed getter, or an error. */
static vfx_status
lookup(const vfx_attrs *a, const char *name, const void *out, const vfx_attr_value **v)
{
    if (!a || !name || !out)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL argument");
    *v = vfx_attrs_get(a, name);
    if (!*v)
        return vfx__fail(VFX_ERR_NOT_FOUND, "attrs: no attribute \"%s\"", name);
    return VFX_OK;
}

static vfx_status
wrong_type(const char *name, const vfx_attr_value *v, const char *want)
{
    return vfx__fail(VFX_ERR_ARG, "attrs: %s is a %s, not a %s", name, vfx_attr_type_name(v->type),
                     want);
}

vfx_status
vfx_attrs_get_int(const vfx_attrs *a, const char *name, int32_t *out)
{
    const vfx_attr_value *v;
    VFX_TRY(lookup(a, name, out, &v));
    if (v->type != VFX_ATTR_INT)
        return wrong_type(name, v, "int");
    *out = v->u.i;
    return VFX_OK;
}

vfx_status
vfx_attrs_get_float(const vfx_attrs *a, const char *name, float *out)
{
    const vfx_attr_value *v;
    VFX_TRY(lookup(a, name, out, &v));
    if (v->type == VFX_ATTR_FLOAT)
        *out = v->u.f;
    else if (v->type == VFX_ATTR_INT)
        *out = (float) v->u.i;
    else
        return wrong_type(name, v, "float");
    return VFX_OK;
}

vfx_status
vfx_attrs_get_string(const vfx_attrs *a, const char *name, const char **out)
{
    const vfx_attr_value *v;
    VFX_TRY(lookup(a, name, out, &v));
    if (v->type != VFX_ATTR_STRING)
        return wrong_type(name, v, "string");
    *out = v->u.s;
    return VFX_OK;
}

vfx_status
vfx_attrs_remove(vfx_attrs *a, const char *name)
{
    if (!a || !name)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL argument");
    int32_t i = find(a, name);
    if (i < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "attrs: no attribute \"%s\"", name);
    vfx__free(a->v[i].name);
    value_release(&a->v[i].v);
    memmove(&a->v[i], &a->v[i + 1], (size_t) (a->n - i - 1) * sizeof *a->v);
    a->n--;
    return VFX_OK;
}

int32_t
vfx_attrs_count(const vfx_attrs *a)
{
    return a ? a->n : 0;
}

vfx_status
vfx_attrs_at(const vfx_attrs *a, int32_t i, const char **name_out,
             const vfx_attr_value **value_out)
{
    if (!a)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL set");
    if (i < 0 || i >= a->n)
        return vfx__fail(VFX_ERR_ARG, "attrs: index %d out of range [0, %d)", (int) i,
                         (int) a->n);
    if (name_out)
        *name_out = a->v[i].name;
    if (value_out)
        *value_out = &a->v[i].v;
    return VFX_OK;
}

vfx_status
vfx_attrs_merge(vfx_attrs *dst, const vfx_attrs *src)
{
    if (!dst || !src)
        return vfx__fail(VFX_ERR_ARG, "attrs: NULL set");
    if (dst == src || src->n == 0)
        return VFX_OK;
    /* Merge into a copy and swap it in, so a failure halfway leaves dst unchanged. Sets are
     * small; the copy costs less than undoing a partial merge would in code. */
    vfx_attrs *tmp;
    VFX_TRY(vfx_attrs_copy(dst, &tmp));
    for (int32_t i = 0; i < src->n; i++) {
        vfx_status st = vfx_attrs_set(tmp, src->v[i].name, &src->v[i].v);
        if (st != VFX_OK) {
            vfx_attrs_free(tmp);
            return st;
        }
    }
    vfx_attrs old = *dst;
    *dst = *tmp;
    *tmp = old;
    vfx_attrs_free(tmp);
    return VFX_OK;
}

int
vfx_attrs_equal(const vfx_attrs *a, const vfx_attrs *b)
{
    if (a == b)
        return 1;
    if (vfx_attrs_count(a) != vfx_attrs_count(b))
        return 0;
    for (int32_t i = 0; i < vfx_attrs_count(a); i++)
        if (!vfx_attr_value_equal(&a->v[i].v, vfx_attrs_get(b, a->v[i].name)))
            return 0;
    return 1;
}

/* ---- formatting -------------------------------------------------------------------------
 * Roughly exrheader, on one line: 42  0.1 (shortest text that reads back)  "quoted \"esc\""
 * "a", "b"  (1 2 3)  (0 -1) - (1919 1079)  ((1 0 0) (0 1 0) (0 0 1))  24000/1001
 * 01:02:03:04 drop_frame user 0x12345678  film mfc code 1, film type 2, ...
 * red (0.64 0.33), green (0.3 0.6), blue (0.15 0.06), white (0.3127 0.329)
 * <"iccProfile", 5 bytes> */

/* snprintf-style appender: writes what fits, counts everything. */
typedef struct out {
    char  *buf;
    size_t size, len;
} out;

static void put(out *o, const char *fmt, ...) VFX__PRINTF(2, 3);

static void
put(out *o, const char *fmt, ...)
{
    char   *dst = o->len < o->size ? o->buf + o->len : NULL;
    size_t  room = o->len < o->size ? o->size - o->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t) n;
}

/* Shortest "%g" text that reads back as the same value (so 0.64f prints as 0.64). */
static void
put_double(out *o, double d, int max_digits, int is_float)
{
    char s[40];
    if (!isfinite(d)) {
        put(o, "%g", d);
        return;
    }
    /* %g switches to an exponent when the precision is below the integer digits (10 would
     * print as 1e+01), so start at the integer digit count while it fits. */
    int    digits = 1;
    double m = fabs(d);
    for (double lim = 10.0; m >= lim && digits <= max_digits; lim *= 10.0)
        digits++;
    int p0 = digits <= max_digits ? digits : 1;
    for (int p = p0; p <= max_digits; p++) {
        snprintf(s, sizeof s, "%.*g", p, d);
        if (is_float ? strtof(s, NULL) == (float) d : strtod(s, NULL) == d)
            break;
    }
    put(o, "%s", s);
}

static void
put_f(out *o, float f)
{
    put_double(o, (double) f, 9, 1);
}

static void
put_d(out *o, double d)
{
    put_double(o, d, 17, 0);
}

/* A quoted string with ", \ and control characters escaped. */
static void
put_quoted(out *o, const char *s)
{
    put(o, "\"");
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(o, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            put(o, "\\x%02x", (unsigned) *p);
        else
            put(o, "%c", *p);
    }
    put(o, "\"");
}

/* "(a b c)" for ints or floats/doubles. */
static void
put_ivec(out *o, const int32_t *p, int32_t n)
{
    put(o, "(");
    for (int32_t k = 0; k < n; k++)
        put(o, k ? " %d" : "%d", (int) p[k]);
    put(o, ")");
}

static void
put_fvec(out *o, const float *p, int32_t n)
{
    put(o, "(");
    for (int32_t k = 0; k < n; k++) {
        if (k)
            put(o, " ");
        put_f(o, p[k]);
    }
    put(o, ")");
}

static void
put_dvec(out *o, const double *p, int32_t n)
{
    put(o, "(");
    for (int32_t k = 0; k < n; k++) {
        if (k)
            put(o, " ");
        put_d(o, p[k]);
    }
    put(o, ")");
}

/* SMPTE 12M time and flags as OpenEXR packs them (TV60 packing, BCD digits). */
static void
put_timecode(out *o, uint32_t t, uint32_t user)
{
    unsigned ff = ((t >> 4) & 0x3u) * 10 + (t & 0xfu);
    unsigned ss = ((t >> 12) & 0x7u) * 10 + ((t >> 8) & 0xfu);
    unsigned mm = ((t >> 20) & 0x7u) * 10 + ((t >> 16) & 0xfu);
    unsigned hh = ((t >> 28) & 0x3u) * 10 + ((t >> 24) & 0xfu);
    put(o, "%02u:%02u:%02u:%02u", hh, mm, ss, ff);
    static const struct {
        unsigned    bit;
        const char *name;
    } flags[] = { { 6, "drop_frame" }, { 7, "color_frame" }, { 15, "field_phase" },
                  { 23, "bgf0" },      { 30, "bgf1" },        { 31, "bgf2" } };
    for (size_t k = 0; k < VFX__COUNTOF(flags); k++)
        if (t & (1u << flags[k].bit))
            put(o, " %s", flags[k].name);
    if (user)
        put(o, " user 0x%08x", (unsigned) user);
}

size_t
vfx_attr_value_format(const vfx_attr_value *v, char *buf, size_t size)
{
    out o = { buf, size, 0 };
    if (buf && size)
        buf[0] = 0;
    if (!v)
        return 0;
    const char *names[4] = { "red", "green", "blue", "white" };
    switch (v->type) {
    case VFX_ATTR_NONE: put(&o, "none"); break;
    case VFX_ATTR_INT: put(&o, "%d", (int) v->u.i); break;
    case VFX_ATTR_FLOAT: put_f(&o, v->u.f); break;
    case VFX_ATTR_DOUBLE: put_d(&o, v->u.d); break;
    case VFX_ATTR_STRING: put_quoted(&o, v->u.s ? v->u.s : ""); break;
    case VFX_ATTR_STRING_LIST:
        for (int32_t k = 0; k < v->u.sl.n; k++) {
            if (k)
                put(&o, ", ");
            put_quoted(&o, v->u.sl.items[k]);
        }
        break;
    case VFX_ATTR_INT_VEC: put_ivec(&o, v->u.iv.p, v->u.iv.n); break;
    case VFX_ATTR_FLOAT_VEC: put_fvec(&o, v->u.fv.p, v->u.fv.n); break;
    case VFX_ATTR_V2I: put_ivec(&o, v->u.v2i, 2); break;
    case VFX_ATTR_V2F: put_fvec(&o, v->u.v2f, 2); break;
    case VFX_ATTR_V3I: put_ivec(&o, v->u.v3i, 3); break;
    case VFX_ATTR_V3F: put_fvec(&o, v->u.v3f, 3); break;
    case VFX_ATTR_V2D: put_dvec(&o, v->u.v2d, 2); break;
    case VFX_ATTR_V3D: put_dvec(&o, v->u.v3d, 3); break;
    case VFX_ATTR_BOX2I:
        put_ivec(&o, v->u.box2i, 2);
        put(&o, " - ");
        put_ivec(&o, v->u.box2i + 2, 2);
        break;
    case VFX_ATTR_BOX2F:
        put_fvec(&o, v->u.box2f, 2);
        put(&o, " - ");
        put_fvec(&o, v->u.box2f + 2, 2);
        break;
    case VFX_ATTR_M33F:
    case VFX_ATTR_M44F:
    case VFX_ATTR_M33D:
    case VFX_ATTR_M44D: {
        int dim = v->type == VFX_ATTR_M33F || v->type == VFX_ATTR_M33D ? 3 : 4;
        put(&o, "(");
        for (int r = 0; r < dim; r++) {
            if (r)
                put(&o, " ");
            if (v->type == VFX_ATTR_M33F)
                put_fvec(&o, v->u.m33f + 3 * r, 3);
            else if (v->type == VFX_ATTR_M44F)
                put_fvec(&o, v->u.m44f + 4 * r, 4);
            else if (v->type == VFX_ATTR_M33D)
                put_dvec(&o, v->u.m33d + 3 * r, 3);
            else
                put_dvec(&o, v->u.m44d + 4 * r, 4);
        }
        put(&o, ")");
        break;
    }
    case VFX_ATTR_RATIONAL:
        put(&o, "%d/%u", (int) v->u.rational.num, (unsigned) v->u.rational.den);
        break;
    case VFX_ATTR_TIMECODE:
        put_timecode(&o, v->u.timecode.time_and_flags, v->u.timecode.user_data);
        break;
    case VFX_ATTR_KEYCODE:
        put(&o,
            "film mfc code %d, film type %d, prefix %d, count %d, perf offset %d, "
            "perfs per frame %d, perfs per count %d",
            (int) v->u.keycode.film_mfc_code, (int) v->u.keycode.film_type,
            (int) v->u.keycode.prefix, (int) v->u.keycode.count, (int) v->u.keycode.perf_offset,
            (int) v->u.keycode.perfs_per_frame, (int) v->u.keycode.perfs_per_count);
        break;
    case VFX_ATTR_CHROMATICITIES:
        for (int k = 0; k < 4; k++) {
            put(&o, k ? ", %s " : "%s ", names[k]);
            put_fvec(&o, v->u.chroma + 2 * k, 2);
        }
        break;
    case VFX_ATTR_BLOB:
        put(&o, "<");
        put_quoted(&o, v->u.blob.type_name ? v->u.blob.type_name : "");
        put(&o, ", %zu bytes>", v->u.blob.size);
        break;
    default: put(&o, "<unknown type %d>", (int) v->type); break;
    }
    return o.len;
}
