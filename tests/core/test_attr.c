#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "core/core_int.h"

/* ---- one value of every type, with how it prints --------------------------------------- */

static const char *const sl_items[] = { "left", "right", "" };
static const int32_t     iv_items[] = { 1, -2, 3 };
static const float       fv_items[] = { 0.25f, 1.5f };
static const uint8_t     blob_bytes[] = { 0, 1, 2, 0xfe, 0xff };

typedef struct sample {
    const char    *name;
    vfx_attr_value v;
    const char    *text; /* vfx_attr_value_format() */
} sample;

static sample samples[] = {
    { "i", { .type = VFX_ATTR_INT, .u.i = -42 }, "-42" },
    { "f", { .type = VFX_ATTR_FLOAT, .u.f = 0.1f }, "0.1" },
    { "d", { .type = VFX_ATTR_DOUBLE, .u.d = 1.0 / 3.0 }, "0.3333333333333333" },
    { "s",
      { .type = VFX_ATTR_STRING, .u.s = "ACES \"cg\"\\1\n" },
      "\"ACES \\\"cg\\\"\\\\1\\x0a\"" },
    { "sl",
      { .type = VFX_ATTR_STRING_LIST, .u.sl = { sl_items, 3 } },
      "\"left\", \"right\", \"\"" },
    { "iv", { .type = VFX_ATTR_INT_VEC, .u.iv = { iv_items, 3 } }, "(1 -2 3)" },
    { "fv", { .type = VFX_ATTR_FLOAT_VEC, .u.fv = { fv_items, 2 } }, "(0.25 1.5)" },
    { "v2i", { .type = VFX_ATTR_V2I, .u.v2i = { 1920, 1080 } }, "(1920 1080)" },
    { "v2f", { .type = VFX_ATTR_V2F, .u.v2f = { 0.5f, -2.0f } }, "(0.5 -2)" },
    { "v3i", { .type = VFX_ATTR_V3I, .u.v3i = { 1, 2, 3 } }, "(1 2 3)" },
    { "v3f", { .type = VFX_ATTR_V3F, .u.v3f = { 0.1f, 0.2f, 0.3f } }, "(0.1 0.2 0.3)" },
    { "v2d", { .type = VFX_ATTR_V2D, .u.v2d = { 1e-10, 2.5 } }, "(1e-10 2.5)" },
    { "v3d", { .type = VFX_ATTR_V3D, .u.v3d = { 1, 0.1, 3.25 } }, "(1 0.1 3.25)" },
    { "box2i", { .type = VFX_ATTR_BOX2I, .u.box2i = { 0, -1, 1919, 1079 } },
      "(0 -1) - (1919 1079)" },
    { "box2f", { .type = VFX_ATTR_BOX2F, .u.box2f = { -0.5f, 0, 1.5f, 2 } },
      "(-0.5 0) - (1.5 2)" },
    { "m33f", { .type = VFX_ATTR_M33F, .u.m33f = { 1, 0, 0, 0, 1, 0, 0.5f, 0, 1 } },
      "((1 0 0) (0 1 0) (0.5 0 1))" },
    { "m44f",
      { .type = VFX_ATTR_M44F,
        .u.m44f = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } },
      "((1 2 3 4) (5 6 7 8) (9 10 11 12) (13 14 15 16))" },
    { "m33d", { .type = VFX_ATTR_M33D, .u.m33d = { 0.1, 0, 0, 0, 0.2, 0, 0, 0, -1 } },
      "((0.1 0 0) (0 0.2 0) (0 0 -1))" },
    { "m44d",
      { .type = VFX_ATTR_M44D, .u.m44d = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 10, 20, 30, 1 } },
      "((1 0 0 0) (0 1 0 0) (0 0 1 0) (10 20 30 1))" },
    { "rational", { .type = VFX_ATTR_RATIONAL, .u.rational = { 24000, 1001 } }, "24000/1001" },
    /* 01:02:03:04 with the drop-frame bit (6) */
    { "timecode", { .type = VFX_ATTR_TIMECODE, .u.timecode = { 0x01020344u, 0 } },
      "01:02:03:04 drop_frame" },
    { "keycode", { .type = VFX_ATTR_KEYCODE, .u.keycode = { 1, 2, 3, 4, 5, 6, 7 } },
      "film mfc code 1, film type 2, prefix 3, count 4, perf offset 5, perfs per frame 6, "
      "perfs per count 7" },
    { "chromaticities",
      { .type = VFX_ATTR_CHROMATICITIES,
        .u.chroma = { 0.64f, 0.33f, 0.3f, 0.6f, 0.15f, 0.06f, 0.3127f, 0.329f } },
      "red (0.64 0.33), green (0.3 0.6), blue (0.15 0.06), white (0.3127 0.329)" },
    { "blob",
      { .type = VFX_ATTR_BLOB, .u.blob = { "iccProfile", blob_bytes, sizeof blob_bytes } },
      "<\"iccProfile\", 5 bytes>" },
};
#define N_SAMPLES ((int32_t) (sizeof samples / sizeof samples[0]))

static vfx_attrs *
make_all(void)
{
    vfx_attrs *a = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    for (int32_t i = 0; i < N_SAMPLES; i++)
        assert_int_equal(vfx_attrs_set(a, samples[i].name, &samples[i].v), VFX_OK);
    return a;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
type_names(void **state)
{
    (void) state;
    static const char *const want[] = {
        "none", "int", "float", "double", "string", "string_list", "int_vec", "float_vec", "v2i",
        "v2f", "v3i", "v3f", "v2d", "v3d", "box2i", "box2f", "m33f", "m44f", "m33d", "m44d",
        "rational", "timecode", "keycode", "chromaticities", "blob",
    };
    for (int i = 0; i <= VFX_ATTR_BLOB; i++)
        assert_string_equal(vfx_attr_type_name((vfx_attr_type) i), want[i]);
    assert_string_equal(vfx_attr_type_name((vfx_attr_type) 25), "unknown");
    assert_string_equal(vfx_attr_type_name((vfx_attr_type) -1), "unknown");
    /* the samples cover every type but NONE, once each, in enum order */
    assert_int_equal(N_SAMPLES, VFX_ATTR_BLOB);
    for (int32_t i = 0; i < N_SAMPLES; i++)
        assert_int_equal(samples[i].v.type, i + 1);
}

static void
set_get_every_type(void **state)
{
    (void) state;
    vfx_attrs *a = make_all();
    assert_int_equal(vfx_attrs_count(a), N_SAMPLES);
    for (int32_t i = 0; i < N_SAMPLES; i++) {
        const vfx_attr_value *v = vfx_attrs_get(a, samples[i].name);
        assert_non_null(v);
        assert_int_equal(v->type, samples[i].v.type);
        assert_true(vfx_attr_value_equal(v, &samples[i].v));
        /* iteration is in insertion order */
        const char           *name;
        const vfx_attr_value *w;
        assert_int_equal(vfx_attrs_at(a, i, &name, &w), VFX_OK);
        assert_string_equal(name, samples[i].name);
        assert_ptr_equal(w, v);
    }
    /* stored copies own their memory: values equal, pointers different */
    const vfx_attr_value *v = vfx_attrs_get(a, "s");
    assert_ptr_not_equal(v->u.s, samples[3].v.u.s);
    assert_string_equal(v->u.s, samples[3].v.u.s);
    v = vfx_attrs_get(a, "sl");
    assert_int_equal(v->u.sl.n, 3);
    assert_ptr_not_equal(v->u.sl.items, sl_items);
    assert_ptr_not_equal(v->u.sl.items[0], sl_items[0]);
    assert_string_equal(v->u.sl.items[0], "left");
    assert_string_equal(v->u.sl.items[1], "right");
    assert_string_equal(v->u.sl.items[2], "");
    v = vfx_attrs_get(a, "iv");
    assert_ptr_not_equal(v->u.iv.p, iv_items);
    assert_int_equal(v->u.iv.n, 3);
    assert_int_equal(v->u.iv.p[1], -2);
    v = vfx_attrs_get(a, "fv");
    assert_ptr_not_equal(v->u.fv.p, fv_items);
    assert_true(v->u.fv.p[1] == 1.5f);
    v = vfx_attrs_get(a, "blob");
    assert_ptr_not_equal(v->u.blob.data, blob_bytes);
    assert_ptr_not_equal(v->u.blob.type_name, samples[N_SAMPLES - 1].v.u.blob.type_name);
    assert_string_equal(v->u.blob.type_name, "iccProfile");
    assert_int_equal(v->u.blob.size, 5);
    assert_memory_equal(v->u.blob.data, blob_bytes, 5);
    v = vfx_attrs_get(a, "rational");
    assert_int_equal(v->u.rational.num, 24000);
    assert_int_equal(v->u.rational.den, 1001u);
    v = vfx_attrs_get(a, "m44d");
    assert_true(v->u.m44d[12] == 10.0 && v->u.m44d[15] == 1.0);
    v = vfx_attrs_get(a, "keycode");
    assert_int_equal(v->u.keycode.perfs_per_count, 7);

    assert_null(vfx_attrs_get(a, "nope"));
    assert_null(vfx_attrs_get(a, "I")); /* case-sensitive */
    assert_null(vfx_attrs_get(NULL, "i"));
    assert_null(vfx_attrs_get(a, NULL));
    assert_int_equal(vfx_attrs_at(a, N_SAMPLES, NULL, NULL), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_at(a, -1, NULL, NULL), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_count(NULL), 0);
    vfx_attrs_free(a);
    vfx_attrs_free(NULL);
}

static void
set_copies_caller_memory(void **state)
{
    (void) state;
    vfx_attrs *a = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    char        s[] = "hello";
    char        item0[] = "x", item1[] = "yz";
    const char *items[] = { item0, item1 };
    int32_t     iv[] = { 5, 6 };
    float       fv[] = { 1, 2, 3 };
    uint8_t     blob[] = { 9, 8, 7 };
    char        tn[] = "raw";
    char        name[] = "key";
    assert_int_equal(vfx_attrs_set_string(a, name, s), VFX_OK);
    vfx_attr_value v = { .type = VFX_ATTR_STRING_LIST, .u.sl = { items, 2 } };
    assert_int_equal(vfx_attrs_set(a, "sl", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_INT_VEC, .u.iv = { iv, 2 } };
    assert_int_equal(vfx_attrs_set(a, "iv", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_FLOAT_VEC, .u.fv = { fv, 3 } };
    assert_int_equal(vfx_attrs_set(a, "fv", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { tn, blob, 3 } };
    assert_int_equal(vfx_attrs_set(a, "blob", &v), VFX_OK);
    /* scribble over everything the caller owned */
    memset(s, 'Z', 5);
    item0[0] = 'Q';
    item1[1] = 'Q';
    iv[0] = fv[0] = 0;
    blob[0] = tn[0] = 0;
    name[0] = 'X';

    const char *str;
    assert_int_equal(vfx_attrs_get_string(a, "key", &str), VFX_OK);
    assert_string_equal(str, "hello");
    const vfx_attr_value *w = vfx_attrs_get(a, "sl");
    assert_string_equal(w->u.sl.items[0], "x");
    assert_string_equal(w->u.sl.items[1], "yz");
    w = vfx_attrs_get(a, "iv");
    assert_int_equal(w->u.iv.p[0], 5);
    assert_int_equal(w->u.iv.p[1], 6);
    w = vfx_attrs_get(a, "fv");
    assert_true(w->u.fv.p[0] == 1.0f && w->u.fv.p[2] == 3.0f);
    w = vfx_attrs_get(a, "blob");
    assert_string_equal(w->u.blob.type_name, "raw");
    assert_int_equal(w->u.blob.data ? ((const uint8_t *) w->u.blob.data)[0] : -1, 9);
    vfx_attrs_free(a);
}

static void
empty_vectors_and_blobs(void **state)
{
    (void) state;
    vfx_attrs *a = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    vfx_attr_value v = { .type = VFX_ATTR_STRING_LIST, .u.sl = { NULL, 0 } };
    assert_int_equal(vfx_attrs_set(a, "sl", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_INT_VEC, .u.iv = { NULL, 0 } };
    assert_int_equal(vfx_attrs_set(a, "iv", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_FLOAT_VEC, .u.fv = { NULL, 0 } };
    assert_int_equal(vfx_attrs_set(a, "fv", &v), VFX_OK);
    v = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { NULL, NULL, 0 } };
    assert_int_equal(vfx_attrs_set(a, "blob", &v), VFX_OK);

    char buf[64];
    const vfx_attr_value *w = vfx_attrs_get(a, "sl");
    assert_int_equal(w->u.sl.n, 0);
    assert_int_equal(vfx_attr_value_format(w, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    w = vfx_attrs_get(a, "iv");
    assert_int_equal(w->u.iv.n, 0);
    vfx_attr_value_format(w, buf, sizeof buf);
    assert_string_equal(buf, "()");
    w = vfx_attrs_get(a, "fv");
    assert_int_equal(w->u.fv.n, 0);
    vfx_attr_value_format(w, buf, sizeof buf);
    assert_string_equal(buf, "()");
    w = vfx_attrs_get(a, "blob");
    assert_int_equal(w->u.blob.size, 0);
    assert_string_equal(w->u.blob.type_name, ""); /* NULL type name is stored as "" */
    vfx_attr_value_format(w, buf, sizeof buf);
    assert_string_equal(buf, "<\"\", 0 bytes>");

    vfx_attrs *b = NULL;
    assert_int_equal(vfx_attrs_copy(a, &b), VFX_OK);
    assert_true(vfx_attrs_equal(a, b));
    vfx_attrs_free(b);
    vfx_attrs_free(a);
}

static void
set_rejects_bad_input(void **state)
{
    (void) state;
    vfx_attrs *a = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(a, "keep", 1), VFX_OK);
    const char *with_null[] = { "a", NULL };

    assert_int_equal(vfx_attrs_set_int(a, "", 1), VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "attrs: "));
    assert_int_equal(vfx_attrs_set_int(a, NULL, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_set_int(NULL, "x", 1), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_set(a, "x", NULL), VFX_ERR_ARG);
    vfx_attr_value v = { .type = VFX_ATTR_NONE };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v.type = (vfx_attr_type) 99;
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_set_string(a, "x", NULL), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { with_null, 2 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { with_null, -1 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { NULL, 1 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_INT_VEC, .u.iv = { NULL, 2 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_FLOAT_VEC, .u.fv = { fv_items, -1 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    v = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { "t", NULL, 4 } };
    assert_int_equal(vfx_attrs_set(a, "x", &v), VFX_ERR_ARG);
    /* a rejected replacement keeps the old value */
    assert_int_equal(vfx_attrs_set_string(a, "keep", NULL), VFX_ERR_ARG);
    int32_t i = 0;
    assert_int_equal(vfx_attrs_get_int(a, "keep", &i), VFX_OK);
    assert_int_equal(i, 1);
    assert_int_equal(vfx_attrs_count(a), 1);
    assert_int_equal(vfx_attrs_new(NULL), VFX_ERR_ARG);
    vfx_attrs_free(a);
}

static void
typed_getters(void **state)
{
    (void) state;
    vfx_attrs *a = make_all();
    int32_t    i = 0;
    float      f = 0;
    const char *s = NULL;
    assert_int_equal(vfx_attrs_get_int(a, "i", &i), VFX_OK);
    assert_int_equal(i, -42);
    assert_int_equal(vfx_attrs_get_float(a, "f", &f), VFX_OK);
    assert_true(f == 0.1f);
    assert_int_equal(vfx_attrs_get_float(a, "i", &f), VFX_OK); /* int widens */
    assert_true(f == -42.0f);
    assert_int_equal(vfx_attrs_get_string(a, "s", &s), VFX_OK);
    assert_string_equal(s, "ACES \"cg\"\\1\n");
    assert_ptr_equal(s, vfx_attrs_get(a, "s")->u.s); /* borrowed */

    i = 7;
    assert_int_equal(vfx_attrs_get_int(a, "f", &i), VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "float"));
    assert_int_equal(i, 7); /* untouched */
    assert_int_equal(vfx_attrs_get_float(a, "d", &f), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_get_float(a, "s", &f), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_get_string(a, "sl", &s), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_get_int(a, "missing", &i), VFX_ERR_NOT_FOUND);
    assert_non_null(strstr(vfx_error_message(), "missing"));
    assert_int_equal(vfx_attrs_get_float(a, "missing", &f), VFX_ERR_NOT_FOUND);
    assert_int_equal(vfx_attrs_get_string(a, "missing", &s), VFX_ERR_NOT_FOUND);
    assert_int_equal(vfx_attrs_get_int(a, "i", NULL), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_get_int(NULL, "i", &i), VFX_ERR_ARG);

    double d = 0;
    assert_int_equal(vfx_attrs_set_double(a, "dd", 2.5), VFX_OK);
    d = vfx_attrs_get(a, "dd")->u.d;
    assert_true(d == 2.5);
    assert_int_equal(vfx_attrs_set_float(a, "ff", -0.75f), VFX_OK);
    assert_int_equal(vfx_attrs_get_float(a, "ff", &f), VFX_OK);
    assert_true(f == -0.75f);
    vfx_attrs_free(a);
}

static void
replace_keeps_position(void **state)
{
    (void) state;
    vfx_attrs *a = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(a, "one", 1), VFX_OK);
    assert_int_equal(vfx_attrs_set_string(a, "two", "2"), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(a, "three", 3), VFX_OK);
    /* same type, then a different type; position and count stay */
    assert_int_equal(vfx_attrs_set_string(a, "two", "deux"), VFX_OK);
    assert_int_equal(vfx_attrs_count(a), 3);
    assert_int_equal(vfx_attrs_set(a, "two", &samples[4].v), VFX_OK); /* string list */
    assert_int_equal(vfx_attrs_set_int(a, "one", 11), VFX_OK);
    assert_int_equal(vfx_attrs_count(a), 3);
    const char           *name;
    const vfx_attr_value *v;
    assert_int_equal(vfx_attrs_at(a, 0, &name, &v), VFX_OK);
    assert_string_equal(name, "one");
    assert_int_equal(v->u.i, 11);
    assert_int_equal(vfx_attrs_at(a, 1, &name, &v), VFX_OK);
    assert_string_equal(name, "two");
    assert_int_equal(v->type, VFX_ATTR_STRING_LIST);
    assert_true(vfx_attr_value_equal(v, &samples[4].v));
    assert_int_equal(vfx_attrs_at(a, 2, &name, NULL), VFX_OK);
    assert_string_equal(name, "three");
    /* replace with a value taken from the set itself (aliases the old storage) */
    assert_int_equal(vfx_attrs_set(a, "two", vfx_attrs_get(a, "two")), VFX_OK);
    assert_true(vfx_attr_value_equal(vfx_attrs_get(a, "two"), &samples[4].v));
    assert_int_equal(vfx_attrs_set_string(a, "s", "abc"), VFX_OK);
    assert_int_equal(vfx_attrs_set_string(a, "s", vfx_attrs_get(a, "s")->u.s), VFX_OK);
    assert_string_equal(vfx_attrs_get(a, "s")->u.s, "abc");
    /* insert new names from values inside the set, enough to move the array on growth */
    char key[16];
    for (int k = 0; k < 40; k++) {
        snprintf(key, sizeof key, "dup%d", k);
        assert_int_equal(vfx_attrs_set(a, key, vfx_attrs_get(a, "two")), VFX_OK);
    }
    assert_int_equal(vfx_attrs_count(a), 44);
    assert_true(vfx_attr_value_equal(vfx_attrs_get(a, "dup39"), &samples[4].v));
    vfx_attrs_free(a);
}

static void
remove_keeps_order(void **state)
{
    (void) state;
    vfx_attrs *a = make_all();
    assert_int_equal(vfx_attrs_remove(a, "i"), VFX_OK);          /* first */
    assert_int_equal(vfx_attrs_remove(a, "m33f"), VFX_OK);       /* middle */
    assert_int_equal(vfx_attrs_remove(a, "blob"), VFX_OK);       /* last */
    assert_int_equal(vfx_attrs_remove(a, "blob"), VFX_ERR_NOT_FOUND);
    assert_int_equal(vfx_attrs_remove(a, NULL), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_count(a), N_SAMPLES - 3);
    assert_null(vfx_attrs_get(a, "m33f"));
    int32_t k = 0;
    for (int32_t i = 0; i < N_SAMPLES; i++) {
        if (!strcmp(samples[i].name, "i") || !strcmp(samples[i].name, "m33f") ||
            !strcmp(samples[i].name, "blob"))
            continue;
        const char *name;
        assert_int_equal(vfx_attrs_at(a, k++, &name, NULL), VFX_OK);
        assert_string_equal(name, samples[i].name);
    }
    /* a removed name comes back at the end */
    assert_int_equal(vfx_attrs_set_int(a, "i", 5), VFX_OK);
    const char *name;
    assert_int_equal(vfx_attrs_at(a, vfx_attrs_count(a) - 1, &name, NULL), VFX_OK);
    assert_string_equal(name, "i");
    vfx_attrs_free(a);
}

static void
many_attrs_grow(void **state)
{
    (void) state;
    vfx_attrs *a = NULL;
    char       name[32];
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "k%d", i);
        assert_int_equal(vfx_attrs_set_int(a, name, i * 3), VFX_OK);
    }
    assert_int_equal(vfx_attrs_count(a), 200);
    for (int i = 0; i < 200; i++) {
        int32_t     v = -1;
        const char *n;
        snprintf(name, sizeof name, "k%d", i);
        assert_int_equal(vfx_attrs_get_int(a, name, &v), VFX_OK);
        assert_int_equal(v, i * 3);
        assert_int_equal(vfx_attrs_at(a, i, &n, NULL), VFX_OK);
        assert_string_equal(n, name);
    }
    vfx_attrs_free(a);
}

static void
copy_is_deep(void **state)
{
    (void) state;
    vfx_attrs *a = make_all(), *b = NULL;
    assert_int_equal(vfx_attrs_copy(a, &b), VFX_OK);
    assert_true(vfx_attrs_equal(a, b));
    assert_int_equal(vfx_attrs_count(b), N_SAMPLES);
    for (int32_t i = 0; i < N_SAMPLES; i++) {
        const char *na, *nb;
        const vfx_attr_value *va, *vb;
        assert_int_equal(vfx_attrs_at(a, i, &na, &va), VFX_OK);
        assert_int_equal(vfx_attrs_at(b, i, &nb, &vb), VFX_OK);
        assert_string_equal(na, nb);
        assert_ptr_not_equal(na, nb);
        assert_true(vfx_attr_value_equal(va, vb));
    }
    /* the copy survives the original */
    vfx_attrs_free(a);
    for (int32_t i = 0; i < N_SAMPLES; i++)
        assert_true(vfx_attr_value_equal(vfx_attrs_get(b, samples[i].name), &samples[i].v));
    vfx_attrs *c = (vfx_attrs *) 1;
    assert_int_equal(vfx_attrs_copy(NULL, &c), VFX_ERR_ARG);
    assert_null(c);
    assert_int_equal(vfx_attrs_copy(b, NULL), VFX_ERR_ARG);
    vfx_attrs_free(b);
}

static void
value_equality(void **state)
{
    (void) state;
    /* every sample equals itself and no other sample */
    for (int32_t i = 0; i < N_SAMPLES; i++)
        for (int32_t j = 0; j < N_SAMPLES; j++)
            assert_int_equal(vfx_attr_value_equal(&samples[i].v, &samples[j].v), i == j);

    vfx_attr_value x = { .type = VFX_ATTR_FLOAT, .u.f = NAN };
    vfx_attr_value y = x;
    assert_true(vfx_attr_value_equal(&x, &y)); /* bitwise: NaN == NaN */
    x.u.f = 0.0f;
    y.u.f = -0.0f;
    assert_false(vfx_attr_value_equal(&x, &y)); /* bitwise: 0 != -0 */
    x = (vfx_attr_value){ .type = VFX_ATTR_DOUBLE, .u.d = NAN };
    y = x;
    assert_true(vfx_attr_value_equal(&x, &y));
    x = (vfx_attr_value){ .type = VFX_ATTR_INT, .u.i = 1 };
    y = (vfx_attr_value){ .type = VFX_ATTR_FLOAT, .u.f = 1.0f };
    assert_false(vfx_attr_value_equal(&x, &y)); /* types differ */

    float nan3a[] = { 1, NAN, 3 }, nan3b[] = { 1, NAN, 3 }, other[] = { 1, NAN, 4 };
    x = (vfx_attr_value){ .type = VFX_ATTR_FLOAT_VEC, .u.fv = { nan3a, 3 } };
    y = (vfx_attr_value){ .type = VFX_ATTR_FLOAT_VEC, .u.fv = { nan3b, 3 } };
    assert_true(vfx_attr_value_equal(&x, &y));
    y.u.fv.p = other;
    assert_false(vfx_attr_value_equal(&x, &y));
    y.u.fv.p = nan3b;
    y.u.fv.n = 2;
    assert_false(vfx_attr_value_equal(&x, &y));

    const char *l1[] = { "a", "b" }, *l2[] = { "a", "c" };
    x = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { l1, 2 } };
    y = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { l2, 2 } };
    assert_false(vfx_attr_value_equal(&x, &y));
    y.u.sl.n = 1;
    x.u.sl.n = 1;
    assert_true(vfx_attr_value_equal(&x, &y));

    x = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { "a", blob_bytes, 5 } };
    y = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { "b", blob_bytes, 5 } };
    assert_false(vfx_attr_value_equal(&x, &y)); /* type names differ */
    y.u.blob.type_name = "a";
    assert_true(vfx_attr_value_equal(&x, &y));
    y.u.blob.size = 4;
    assert_false(vfx_attr_value_equal(&x, &y));

    x = (vfx_attr_value){ .type = VFX_ATTR_RATIONAL, .u.rational = { 24, 1 } };
    y = (vfx_attr_value){ .type = VFX_ATTR_RATIONAL, .u.rational = { 24, 2 } };
    assert_false(vfx_attr_value_equal(&x, &y));
    x = (vfx_attr_value){ .type = VFX_ATTR_NONE };
    y = (vfx_attr_value){ .type = VFX_ATTR_NONE };
    assert_true(vfx_attr_value_equal(&x, &y));
    assert_false(vfx_attr_value_equal(&x, NULL));
}

static void
set_equality(void **state)
{
    (void) state;
    vfx_attrs *a = NULL, *b = NULL;
    assert_int_equal(vfx_attrs_new(&a), VFX_OK);
    assert_int_equal(vfx_attrs_new(&b), VFX_OK);
    assert_true(vfx_attrs_equal(a, b));
    assert_int_equal(vfx_attrs_set_int(a, "x", 1), VFX_OK);
    assert_int_equal(vfx_attrs_set_string(a, "y", "why"), VFX_OK);
    assert_false(vfx_attrs_equal(a, b));
    /* the same contents in another order are equal */
    assert_int_equal(vfx_attrs_set_string(b, "y", "why"), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(b, "x", 1), VFX_OK);
    assert_true(vfx_attrs_equal(a, b));
    assert_true(vfx_attrs_equal(b, a));
    assert_int_equal(vfx_attrs_set_int(b, "x", 2), VFX_OK);
    assert_false(vfx_attrs_equal(a, b));
    assert_int_equal(vfx_attrs_set_int(b, "x", 1), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(b, "z", 1), VFX_OK);
    assert_false(vfx_attrs_equal(a, b));
    assert_false(vfx_attrs_equal(b, a));
    assert_int_equal(vfx_attrs_remove(b, "x"), VFX_OK);
    assert_false(vfx_attrs_equal(a, b)); /* same count, different names */
    assert_false(vfx_attrs_equal(a, NULL));
    vfx_attrs_free(a);
    vfx_attrs_free(b);
}

static void
merge(void **state)
{
    (void) state;
    vfx_attrs *dst = NULL, *src = NULL;
    assert_int_equal(vfx_attrs_new(&dst), VFX_OK);
    assert_int_equal(vfx_attrs_new(&src), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(dst, "a", 1), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(dst, "b", 2), VFX_OK);
    assert_int_equal(vfx_attrs_set_string(src, "c", "see"), VFX_OK);
    assert_int_equal(vfx_attrs_set_string(src, "b", "bee"), VFX_OK);
    assert_int_equal(vfx_attrs_merge(dst, src), VFX_OK);
    assert_int_equal(vfx_attrs_count(dst), 3);
    const char *want_names[] = { "a", "b", "c" };
    for (int32_t i = 0; i < 3; i++) {
        const char *n;
        assert_int_equal(vfx_attrs_at(dst, i, &n, NULL), VFX_OK);
        assert_string_equal(n, want_names[i]);
    }
    const char *s;
    assert_int_equal(vfx_attrs_get_string(dst, "b", &s), VFX_OK);
    assert_string_equal(s, "bee");
    assert_ptr_not_equal(s, vfx_attrs_get(src, "b")->u.s);
    assert_int_equal(vfx_attrs_get_string(dst, "c", &s), VFX_OK);
    assert_string_equal(s, "see");
    assert_int_equal(vfx_attrs_count(src), 2); /* src untouched */
    /* merging into itself or from an empty set changes nothing */
    assert_int_equal(vfx_attrs_merge(dst, dst), VFX_OK);
    assert_int_equal(vfx_attrs_count(dst), 3);
    vfx_attrs *empty = NULL;
    assert_int_equal(vfx_attrs_new(&empty), VFX_OK);
    assert_int_equal(vfx_attrs_merge(dst, empty), VFX_OK);
    assert_int_equal(vfx_attrs_count(dst), 3);
    /* every type merges into an empty set */
    vfx_attrs *all = make_all();
    assert_int_equal(vfx_attrs_merge(empty, all), VFX_OK);
    assert_true(vfx_attrs_equal(empty, all));
    assert_int_equal(vfx_attrs_merge(NULL, all), VFX_ERR_ARG);
    assert_int_equal(vfx_attrs_merge(all, NULL), VFX_ERR_ARG);
    vfx_attrs_free(all);
    vfx_attrs_free(empty);
    vfx_attrs_free(dst);
    vfx_attrs_free(src);
}

static void
format_every_type(void **state)
{
    (void) state;
    char buf[256];
    for (int32_t i = 0; i < N_SAMPLES; i++) {
        size_t n = vfx_attr_value_format(&samples[i].v, buf, sizeof buf);
        if (strcmp(buf, samples[i].text))
            fail_msg("%s: got [%s] want [%s]", samples[i].name, buf, samples[i].text);
        assert_int_equal(n, strlen(samples[i].text));
    }
    vfx_attr_value v = { .type = VFX_ATTR_NONE };
    vfx_attr_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "none");
    v.type = (vfx_attr_type) 77;
    vfx_attr_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "<unknown type 77>");
}

static void
format_numbers(void **state)
{
    (void) state;
    static const struct {
        vfx_attr_value v;
        const char    *text;
    } cases[] = {
        { { .type = VFX_ATTR_FLOAT, .u.f = 1.0f }, "1" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 1.0f / 3.0f }, "0.33333334" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 1e20f }, "1e+20" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 10.0f }, "10" },
        { { .type = VFX_ATTR_FLOAT, .u.f = -250.0f }, "-250" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 123456789.0f }, "123456792" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 1e9f }, "1e+09" },
        { { .type = VFX_ATTR_FLOAT, .u.f = 1e-5f }, "1e-05" },
        { { .type = VFX_ATTR_DOUBLE, .u.d = 1e16 }, "10000000000000000" },
        { { .type = VFX_ATTR_DOUBLE, .u.d = 1e17 }, "1e+17" },
        { { .type = VFX_ATTR_DOUBLE, .u.d = 100.5 }, "100.5" },
        { { .type = VFX_ATTR_FLOAT, .u.f = -0.0f }, "-0" },
        { { .type = VFX_ATTR_FLOAT, .u.f = INFINITY }, "inf" },
        { { .type = VFX_ATTR_FLOAT, .u.f = -INFINITY }, "-inf" },
        { { .type = VFX_ATTR_DOUBLE, .u.d = 0.1 }, "0.1" },
        { { .type = VFX_ATTR_DOUBLE, .u.d = 24000.0 / 1001.0 }, "23.976023976023978" },
        { { .type = VFX_ATTR_INT, .u.i = INT32_MIN }, "-2147483648" },
        { { .type = VFX_ATTR_RATIONAL, .u.rational = { -1, UINT32_MAX } }, "-1/4294967295" },
        /* 23:59:59:29, no flags; then every flag and user data */
        { { .type = VFX_ATTR_TIMECODE, .u.timecode = { 0x23595929u, 0 } }, "23:59:59:29" },
        { { .type = VFX_ATTR_TIMECODE, .u.timecode = { 0xC0808080u | 0x40u, 0x12345678u } },
          "00:00:00:00 drop_frame color_frame field_phase bgf0 bgf1 bgf2 user 0x12345678" },
        { { .type = VFX_ATTR_STRING, .u.s = "" }, "\"\"" },
    };
    char buf[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfx_attr_value_format(&cases[i].v, buf, sizeof buf);
        if (strcmp(buf, cases[i].text))
            fail_msg("case %zu: got [%s] want [%s]", i, buf, cases[i].text);
    }
    /* NaN prints as nan (sign may vary by libc) */
    vfx_attr_value v = { .type = VFX_ATTR_FLOAT, .u.f = NAN };
    vfx_attr_value_format(&v, buf, sizeof buf);
    assert_non_null(strstr(buf, "nan"));
}

static void
format_truncates(void **state)
{
    (void) state;
    const vfx_attr_value *chroma = &samples[N_SAMPLES - 2].v;
    const char           *full = samples[N_SAMPLES - 2].text;
    size_t                want = strlen(full);
    char                  buf[16];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(vfx_attr_value_format(chroma, buf, sizeof buf), want);
    assert_int_equal(strlen(buf), sizeof buf - 1);
    assert_memory_equal(buf, full, sizeof buf - 1);
    assert_int_equal(vfx_attr_value_format(chroma, NULL, 0), want);
    buf[0] = 'x';
    assert_int_equal(vfx_attr_value_format(chroma, buf, 1), want);
    assert_int_equal(buf[0], 0);
    /* truncation inside a long string list */
    assert_int_equal(vfx_attr_value_format(&samples[4].v, buf, 5), strlen(samples[4].text));
    assert_string_equal(buf, "\"lef");
    assert_int_equal(vfx_attr_value_format(NULL, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

/* ---- fault-injection sweep (SQLite faultsim) --------------------------------------------
 * A fixed scenario runs once per k with the k-th allocation failing. The failing step must
 * return VFX_ERR_NOMEM at exactly that allocation and leave every object as it was (compared
 * through a text dump that itself allocates nothing). The scenario then resumes from the
 * failed step without faults and must reach the same end state as an undisturbed run; after
 * everything is freed no allocation may be left. */

typedef struct world {
    vfx_attrs    *a, *b, *m;
    vfx_channels *c, *c2, *c3;
    vfx_spec      s1, s2, s3;
} world;

typedef struct dump {
    char   buf[1 << 15];
    size_t len;
} dump;

static void
dprint(dump *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->buf + d->len, sizeof d->buf - d->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t) n < sizeof d->buf - d->len);
    d->len += (size_t) n;
}

static void
dump_attrs(dump *d, const vfx_attrs *a)
{
    if (!a) {
        dprint(d, "attrs null\n");
        return;
    }
    dprint(d, "attrs %d\n", (int) vfx_attrs_count(a));
    for (int32_t i = 0; i < vfx_attrs_count(a); i++) {
        const char           *name;
        const vfx_attr_value *v;
        char                  text[512];
        assert_int_equal(vfx_attrs_at(a, i, &name, &v), VFX_OK);
        vfx_attr_value_format(v, text, sizeof text);
        dprint(d, "  %s %s = %s", name, vfx_attr_type_name(v->type), text);
        if (v->type == VFX_ATTR_BLOB)
            for (size_t k = 0; k < v->u.blob.size; k++)
                dprint(d, " %02x", ((const uint8_t *) v->u.blob.data)[k]);
        dprint(d, "\n");
    }
}

static void
dump_channels(dump *d, const vfx_channels *c)
{
    if (!c) {
        dprint(d, "channels null\n");
        return;
    }
    dprint(d, "channels %d:", (int) vfx_channels_count(c));
    for (int32_t i = 0; i < vfx_channels_count(c); i++) {
        vfx_channel_info ci;
        assert_int_equal(vfx_channels_get(c, i, &ci), VFX_OK);
        dprint(d, " %s/%d/%dx%d/r%d/l%d", ci.name, (int) ci.type, (int) ci.x_sampling,
               (int) ci.y_sampling, (int) ci.role, (int) ci.linear);
    }
    dprint(d, "\n");
}

static void
dump_spec(dump *d, const vfx_spec *s)
{
    dprint(d, "spec %d %d %d %d / %d %d %d %d\n", s->data.x0, s->data.y0, s->data.x1, s->data.y1,
           s->display.x0, s->display.y0, s->display.x1, s->display.y1);
    dump_channels(d, s->channels);
    dump_attrs(d, s->attrs);
}

static void
dump_world(dump *d, const world *w)
{
    d->len = 0;
    d->buf[0] = 0;
    dump_attrs(d, w->a);
    dump_attrs(d, w->b);
    dump_attrs(d, w->m);
    dump_channels(d, w->c);
    dump_channels(d, w->c2);
    dump_channels(d, w->c3);
    dump_spec(d, &w->s1);
    dump_spec(d, &w->s2);
    dump_spec(d, &w->s3);
}

static void
free_world(world *w)
{
    vfx_attrs_free(w->a);
    vfx_attrs_free(w->b);
    vfx_attrs_free(w->m);
    vfx_channels_free(w->c);
    vfx_channels_free(w->c2);
    vfx_channels_free(w->c3);
    vfx_spec_clear(&w->s1);
    vfx_spec_clear(&w->s2);
    vfx_spec_clear(&w->s3);
    memset(w, 0, sizeof *w);
}

/* One step of the scenario; steps >= n_steps return -1. */
static vfx_status
step(world *w, int i)
{
    static const char *const long_list[] = { "a much longer item than before", "b", "c", "d" };
    static const uint8_t     blob2[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    char                     name[16];
    vfx_attr_value           v;
    /* 0: a new set; 1..24: one of each type (grows the array twice) */
    if (i == 0)
        return vfx_attrs_new(&w->a);
    if (i >= 1 && i <= N_SAMPLES)
        return vfx_attrs_set(w->a, samples[i - 1].name, &samples[i - 1].v);
    switch (i - N_SAMPLES - 1) {
    case 0: return vfx_attrs_set_string(w->a, "s", "a longer replacement string");
    case 1:
        v = (vfx_attr_value){ .type = VFX_ATTR_STRING_LIST, .u.sl = { long_list, 4 } };
        return vfx_attrs_set(w->a, "i", &v); /* replace with another type */
    case 2:
        v = (vfx_attr_value){ .type = VFX_ATTR_BLOB, .u.blob = { "exif", blob2, sizeof blob2 } };
        return vfx_attrs_set(w->a, "blob", &v);
    case 3: return vfx_attrs_set_float(w->a, "fv", 2.0f);
    case 4: return vfx_attrs_set_double(w->a, "extra.d", 0.5);
    case 5: return vfx_attrs_set_int(w->a, "extra.i", 9);
    case 6: return vfx_attrs_copy(w->a, &w->b);
    case 7: return vfx_attrs_remove(w->b, "m44d");
    case 8: return vfx_attrs_set_string(w->b, "only.in.b", "bee");
    case 9: return vfx_attrs_set(w->b, "v2i", &samples[N_SAMPLES - 1].v);
    case 10: return vfx_attrs_merge(w->a, w->b);
    case 11: return vfx_attrs_new(&w->m);
    case 12: return vfx_attrs_merge(w->m, w->a); /* into an empty set */
    case 13: return vfx_channels_new(&w->c);
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23: /* 10 channels: grows the array */
        snprintf(name, sizeof name, "layer%d.%c", i - N_SAMPLES - 15, "RGBA"[i % 4]);
        return vfx_channels_add(w->c, name, VFX_PIXEL_HALF, 1 + i % 2, 1);
    case 24: return vfx_channels_rename(w->c, 2, "renamed.Z");
    case 25: return vfx__channels_set_linear(w->c, 1, 1);
    case 26: return vfx_channels_copy(w->c, &w->c2);
    case 27: return vfx_channels_from_names("R,G,B,A,Z,ZBack", VFX_PIXEL_F32, &w->c3);
    case 28: return vfx_channels_remove(w->c2, 0);
    case 29: return vfx_spec_init_simple(&w->s1, 1920, 1080, "R,G,B,A", VFX_PIXEL_HALF);
    case 30: return vfx_attrs_set_string(w->s1.attrs, "colorspace", "ACEScg");
    case 31: return vfx_attrs_merge(w->s1.attrs, w->b);
    case 32: return vfx_channels_add(w->s1.channels, "Z", VFX_PIXEL_F32, 1, 1);
    case 33: return vfx_spec_copy(&w->s2, &w->s1);
    case 34:
        /* a spec without attributes copies too */
        return vfx_spec_copy(&w->s3, &(vfx_spec){ { 1, 2, 3, 4 }, { 0, 0, 9, 9 }, w->c3, NULL });
    default: return -1;
    }
}

static void
oom_sweep(void **state)
{
    (void) state;
    int64_t live0 = vfx__alloc_live();
    dump   *ref = calloc(1, sizeof *ref), *before = calloc(1, sizeof *before),
         *after = calloc(1, sizeof *after);
    assert_non_null(ref);
    assert_non_null(before);
    assert_non_null(after);

    /* the undisturbed run */
    world w;
    memset(&w, 0, sizeof w);
    int64_t n_allocs = vfx__alloc_count();
    int n_steps = 0;
    for (vfx_status st; (st = step(&w, n_steps)) != -1; n_steps++)
        assert_int_equal(st, VFX_OK);
    dump_world(ref, &w);
    /* spot-check the end state so the sweep compares against something meaningful */
    assert_int_equal(vfx_attrs_count(w.a), N_SAMPLES + 3);
    assert_true(vfx_attrs_equal(w.a, w.m));
    assert_int_equal(vfx_channels_count(w.c), 10);
    assert_int_equal(vfx_channels_count(w.c2), 9);
    assert_int_equal(vfx_channels_count(w.s2.channels), 5);
    assert_int_equal(vfx_attrs_count(w.s2.attrs), vfx_attrs_count(w.b) + 1);
    assert_int_equal(w.s3.data.x0, 1);
    assert_null(w.s3.attrs);
    assert_true(vfx_channels_equal(w.s3.channels, w.c3));
    n_allocs = vfx__alloc_count() - n_allocs;
    free_world(&w);
    assert_int_equal(vfx__alloc_live(), live0);

    int64_t k;
    for (k = 1;; k++) {
        memset(&w, 0, sizeof w);
        int64_t armed_at = vfx__alloc_count() + k;
        vfx__alloc_fail_nth(k);
        int failed_at = -1;
        for (int i = 0; i < n_steps; i++) {
            if (failed_at < 0)
                dump_world(before, &w);
            vfx_status st = step(&w, i);
            if (st == VFX_OK)
                continue;
            if (failed_at >= 0 || st != VFX_ERR_NOMEM)
                fail_msg("k=%lld step %d: %s (%s)", (long long) k, i, vfx_status_name(st),
                         vfx_error_message());
            /* exactly the injected allocation failed, and nothing changed */
            assert_int_equal(vfx__alloc_count(), armed_at);
            dump_world(after, &w);
            if (strcmp(before->buf, after->buf))
                fail_msg("k=%lld step %d changed state on NOMEM:\n%s\n---\n%s", (long long) k, i,
                         before->buf, after->buf);
            failed_at = i;
            i--; /* retry the step; no more faults are armed */
        }
        vfx__alloc_fail_nth(0);
        dump_world(after, &w);
        if (strcmp(ref->buf, after->buf))
            fail_msg("k=%lld: end state differs after recovery", (long long) k);
        free_world(&w);
        if (vfx__alloc_live() != live0)
            fail_msg("k=%lld: %lld allocations leaked", (long long) k,
                     (long long) (vfx__alloc_live() - live0));
        if (failed_at < 0) {
            assert_true(vfx__alloc_count() < armed_at); /* nothing left to fail */
            break;
        }
    }
    /* every allocation of the scenario was made to fail once */
    assert_int_equal(k, n_allocs + 1);
    assert_true(n_allocs > 100);
    print_message("oom sweep: %lld allocations, each failed once\n", (long long) n_allocs);
    free(ref);
    free(before);
    free(after);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_names),
        cmocka_unit_test(set_get_every_type),
        cmocka_unit_test(set_copies_caller_memory),
        cmocka_unit_test(empty_vectors_and_blobs),
        cmocka_unit_test(set_rejects_bad_input),
        cmocka_unit_test(typed_getters),
        cmocka_unit_test(replace_keeps_position),
        cmocka_unit_test(remove_keeps_order),
        cmocka_unit_test(many_attrs_grow),
        cmocka_unit_test(copy_is_deep),
        cmocka_unit_test(value_equality),
        cmocka_unit_test(set_equality),
        cmocka_unit_test(merge),
        cmocka_unit_test(format_every_type),
        cmocka_unit_test(format_numbers),
        cmocka_unit_test(format_truncates),
        cmocka_unit_test(oom_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
