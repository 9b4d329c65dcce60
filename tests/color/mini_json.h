/* A small JSON reader for tests that compare against the golden files in shared/ref.
 * Header-only (static functions): include it in one test file. Enough JSON for data files:
 * objects, arrays, numbers (strtod), strings (escapes kept verbatim except \" and \\),
 * true/false/null. Not a validator. */
#ifndef VFX_TEST_MINI_JSON_H
#define VFX_TEST_MINI_JSON_H

#include <stdlib.h>
#include <string.h>

typedef enum { JS_NULL, JS_BOOL, JS_NUM, JS_STR, JS_ARR, JS_OBJ } js_type;

typedef struct js {
    js_type     type;
    double      num;  /* JS_NUM, JS_BOOL (0/1) */
    char       *str;  /* JS_STR */
    int         n;    /* children of JS_ARR / JS_OBJ */
    struct js  *kid;  /* n children */
    char      **key;  /* n keys (JS_OBJ) */
} js;

static const char *js_skip(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    return s;
}

static const char *js_parse(const char *s, js *out);

static const char *js_string(const char *s, char **out)
{
    /* s points after the opening quote */
    size_t cap = 16, len = 0;
    char *b = malloc(cap);
    while (b && *s && *s != '"') {
        char c = *s++;
        if (c == '\\' && (*s == '"' || *s == '\\'))
            c = *s++;
        if (len + 2 > cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
        }
        b[len++] = c;
    }
    if (!b || *s != '"') {
        free(b);
        return NULL;
    }
    b[len] = 0;
    *out = b;
    return s + 1;
}

static const char *js_list(const char *s, js *out, char close, int is_obj)
{
    int cap = 0;
    s = js_skip(s);
    if (*s == close)
        return s + 1;
    for (;;) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            js *k = realloc(out->kid, (size_t) cap * sizeof *k);
            char **kk = is_obj ? realloc(out->key, (size_t) cap * sizeof *kk) : NULL;
            if (k)
                out->kid = k;
            if (kk)
                out->key = kk;
            if (!k || (is_obj && !kk))
                return NULL;
        }
        s = js_skip(s);
        if (is_obj) {
            if (*s != '"' || !(s = js_string(s + 1, &out->key[out->n])))
                return NULL;
            s = js_skip(s);
            if (*s++ != ':') {
                free(out->key[out->n]);
                return NULL;
            }
        }
        memset(&out->kid[out->n], 0, sizeof(js));
        s = js_parse(s, &out->kid[out->n]);
        out->n++;
        if (!s)
            return NULL;
        s = js_skip(s);
        if (*s == ',') {
            s++;
            continue;
        }
        return *s == close ? s + 1 : NULL;
    }
}

static const char *js_parse(const char *s, js *out)
{
    memset(out, 0, sizeof *out);
    s = js_skip(s);
    if (*s == '{') {
        out->type = JS_OBJ;
        return js_list(s + 1, out, '}', 1);
    }
    if (*s == '[') {
        out->type = JS_ARR;
        return js_list(s + 1, out, ']', 0);
    }
    if (*s == '"') {
        out->type = JS_STR;
        return js_string(s + 1, &out->str);
    }
    if (!strncmp(s, "true", 4) || !strncmp(s, "false", 5)) {
        out->type = JS_BOOL;
        out->num = *s == 't';
        return s + (*s == 't' ? 4 : 5);
    }
    if (!strncmp(s, "null", 4))
        return s + 4;
    char *end;
    out->num = strtod(s, &end);
    out->type = JS_NUM;
    return end == s ? NULL : end;
}

static void js_free(js *v)
{
    for (int i = 0; i < v->n; i++) {
        js_free(&v->kid[i]);
        if (v->key)
            free(v->key[i]);
    }
    free(v->kid);
    free(v->key);
    free(v->str);
}

/** Member @p k of object @p v, or NULL. */
static const js *js_get(const js *v, const char *k)
{
    if (!v || v->type != JS_OBJ)
        return NULL;
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->key[i], k))
            return &v->kid[i];
    return NULL;
}

/** Numbers of an array (nested arrays flattened row by row) into @p out; returns the count. */
static int js_numbers(const js *v, double *out, int cap)
{
    if (!v)
        return 0;
    if (v->type == JS_NUM) {
        if (cap > 0)
            out[0] = v->num;
        return 1;
    }
    int n = 0;
    if (v->type == JS_ARR)
        for (int i = 0; i < v->n; i++)
            n += js_numbers(&v->kid[i], out + n, cap - n > 0 ? cap - n : 0);
    return n;
}

#endif
