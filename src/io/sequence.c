/* Image sequences and UDIM sets (see vfx/sequence.h). Written here: the grammar is small and
 * oiiotool's conventions are the reference. A pattern is parsed once into segments (literal
 * text or a numeric token); formatting prints the segments, scanning matches folder entries
 * against them with backtracking over the digit count of each token. */
#include "vfx/sequence.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

#define SEQ_MAX_FRAMES 10000000

typedef enum seg_type {
    SEG_LIT = 0,
    SEG_FRAME,
    SEG_UDIM,
    SEG_U0,
    SEG_V0,
    SEG_U1,
    SEG_V1
} seg_type;

typedef struct seg {
    seg_type type;
    int32_t  width; /* zero padding (frames) */
    size_t   off, len; /* SEG_LIT: text in p->text */
} seg;

struct vfx_seq_pattern {
    vfx_seq_kind kind;
    seg         *segs;
    int32_t      n_segs, cap_segs;
    char        *text;   /* literal characters of all SEG_LIT segments */
    size_t       n_text;
    char        *source; /* the pattern as given */
    size_t       dir_len; /* bytes of the folder part incl. the last '/', 0 = none */
};

/* ---- parsing ------------------------------------------------------------------------------ */

static vfx_status
add_seg(vfx_seq_pattern *p, seg_type t, int32_t width)
{
    if (p->n_segs == p->cap_segs) {
        int32_t nc = p->cap_segs ? p->cap_segs * 2 : 8;
        seg *ns = vfx__realloc(p->segs, (size_t) nc * sizeof *ns);
        if (!ns)
            return vfx__nomem();
        p->segs = ns;
        p->cap_segs = nc;
    }
    seg *s = &p->segs[p->n_segs++];
    memset(s, 0, sizeof *s);
    s->type = t;
    s->width = width;
    s->off = p->n_text;
    return VFX_OK;
}

static vfx_status
add_lit(vfx_seq_pattern *p, const char *s, size_t n)
{
    if (n == 0)
        return VFX_OK;
    if (p->n_segs == 0 || p->segs[p->n_segs - 1].type != SEG_LIT)
        VFX_TRY(add_seg(p, SEG_LIT, 0));
    memcpy(p->text + p->n_text, s, n);
    p->n_text += n;
    p->segs[p->n_segs - 1].len += n;
    return VFX_OK;
}

static vfx_status
set_kind(vfx_seq_pattern *p, vfx_seq_kind k)
{
    if (p->kind != VFX_SEQ_NONE && p->kind != k)
        return vfx__fail(VFX_ERR_ARG, "pattern \"%s\" mixes frame and tile tokens", p->source);
    p->kind = k;
    return VFX_OK;
}

static const struct {
    const char *name;
    seg_type    a, b; /* b != SEG_LIT: "u<a>_v<b>" */
} tile_tokens[] = {
    { "<UDIM>", SEG_UDIM, SEG_LIT }, { "<u>", SEG_U0, SEG_LIT }, { "<v>", SEG_V0, SEG_LIT },
    { "<U>", SEG_U1, SEG_LIT },      { "<V>", SEG_V1, SEG_LIT }, { "<uvtile>", SEG_U0, SEG_V0 },
    { "<UVTILE>", SEG_U1, SEG_V1 },
};

vfx_status
vfx_seq_pattern_parse(const char *pattern, vfx_seq_pattern **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_pattern_parse: out is NULL");
    *out = NULL;
    if (!pattern)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_pattern_parse: pattern is NULL");
    vfx_seq_pattern *p = vfx__calloc(1, sizeof *p);
    size_t n = strlen(pattern);
    if (!p || !(p->source = vfx__strdup(pattern)) || !(p->text = vfx__alloc(n * 2 + 8))) {
        vfx_seq_pattern_free(p);
        return vfx__nomem();
    }
    vfx_status s = VFX_OK;
    size_t i = 0;
    const char *slash = strrchr(pattern, '/');
    p->dir_len = slash ? (size_t) (slash - pattern) + 1 : 0;
    size_t first_tok = SIZE_MAX;
    while (i < n && s == VFX_OK) {
        char c = pattern[i];
        size_t start = i;
        if (c == '#' || c == '@') {
            size_t k = i;
            while (k < n && pattern[k] == c)
                k++;
            int32_t run = (int32_t) (k - i);
            int32_t width = c == '#' && run == 1 ? 4 : run;
            if ((s = set_kind(p, VFX_SEQ_FRAME)) == VFX_OK)
                s = add_seg(p, SEG_FRAME, width);
            i = k;
        } else if (c == '%' && i + 1 < n && pattern[i + 1] == '%') {
            s = add_lit(p, "%", 1);
            i += 2;
            continue;
        } else if (c == '%') {
            size_t k = i + 1;
            int32_t width = 0;
            int zero = k < n && pattern[k] == '0';
            while (k < n && pattern[k] >= '0' && pattern[k] <= '9' && width < 100)
                width = width * 10 + (pattern[k++] - '0');
            if (k >= n || pattern[k] != 'd' || (width > 0 && !zero)) {
                s = vfx__fail(VFX_ERR_ARG, "pattern \"%s\": unsupported '%%' format at %zu "
                                           "(use %%d or %%0Nd, or %%%% for a '%%')",
                              pattern, i);
                break;
            }
            if ((s = set_kind(p, VFX_SEQ_FRAME)) == VFX_OK)
                s = add_seg(p, SEG_FRAME, width);
            i = k + 1;
        } else if (c == '<') {
            size_t t = 0;
            for (; t < VFX__COUNTOF(tile_tokens); t++)
                if (strncmp(pattern + i, tile_tokens[t].name, strlen(tile_tokens[t].name)) == 0)
                    break;
            if (t == VFX__COUNTOF(tile_tokens)) {
                const char *gt = strchr(pattern + i, '>');
                if (gt && gt - (pattern + i) < 16 && !memchr(pattern + i, '/', (size_t) (gt - pattern - i))) {
                    s = vfx__fail(VFX_ERR_ARG, "pattern \"%s\": unknown token \"%.*s\"", pattern,
                                  (int) (gt - (pattern + i) + 1), pattern + i);
                    break;
                }
                s = add_lit(p, pattern + i, 1); /* a plain '<' */
                i++;
                continue;
            }
            if ((s = set_kind(p, VFX_SEQ_TILE)) != VFX_OK)
                break;
            if (tile_tokens[t].b != SEG_LIT) {
                if ((s = add_lit(p, "u", 1)) == VFX_OK && (s = add_seg(p, tile_tokens[t].a, 0)) == VFX_OK &&
                    (s = add_lit(p, "_v", 2)) == VFX_OK)
                    s = add_seg(p, tile_tokens[t].b, 0);
            } else {
                s = add_seg(p, tile_tokens[t].a, 0);
            }
            i += strlen(tile_tokens[t].name);
        } else {
            s = add_lit(p, pattern + i, 1);
            i++;
            continue;
        }
        if (first_tok == SIZE_MAX)
            first_tok = start;
    }
    if (s == VFX_OK && first_tok != SIZE_MAX && first_tok < p->dir_len)
        p->dir_len = SIZE_MAX; /* tokens in the folder part: scanning is refused */
    if (s != VFX_OK) {
        vfx_seq_pattern_free(p);
        return s;
    }
    *out = p;
    return VFX_OK;
}

void
vfx_seq_pattern_free(vfx_seq_pattern *p)
{
    if (!p)
        return;
    vfx__free(p->segs);
    vfx__free(p->text);
    vfx__free(p->source);
    vfx__free(p);
}

vfx_seq_kind
vfx_seq_pattern_kind(const vfx_seq_pattern *p)
{
    return p ? p->kind : VFX_SEQ_NONE;
}

int
vfx_seq_is_pattern(const char *s)
{
    if (!s)
        return 0;
    vfx_seq_pattern *p = NULL;
    vfx_status st = vfx_seq_pattern_parse(s, &p);
    int r = st == VFX_OK && p->kind != VFX_SEQ_NONE;
    vfx_seq_pattern_free(p);
    if (st != VFX_OK)
        vfx_error_clear();
    return r;
}

/* ---- formatting --------------------------------------------------------------------------- */

static int32_t
seg_value(const seg *s, int32_t frame, int32_t u, int32_t v)
{
    switch (s->type) {
    case SEG_FRAME: return frame;
    case SEG_UDIM: return 1001 + u + 10 * v;
    case SEG_U0: return u;
    case SEG_V0: return v;
    case SEG_U1: return u + 1;
    case SEG_V1: return v + 1;
    default: return 0;
    }
}

static vfx_status
format(const vfx_seq_pattern *p, int32_t frame, int32_t u, int32_t v, char *buf, size_t cap)
{
    size_t o = 0;
    for (int32_t i = 0; i < p->n_segs; i++) {
        const seg *s = &p->segs[i];
        char num[32];
        const char *src;
        size_t len;
        if (s->type == SEG_LIT) {
            src = p->text + s->off;
            len = s->len;
        } else {
            int k = snprintf(num, sizeof num, "%0*d", (int) s->width, seg_value(s, frame, u, v));
            src = num;
            len = k > 0 ? (size_t) k : 0;
        }
        if (o + len >= cap)
            return vfx__fail(VFX_ERR_LIMIT, "path of \"%s\" longer than %zu bytes", p->source,
                             cap);
        memcpy(buf + o, src, len);
        o += len;
    }
    if (cap == 0)
        return vfx__fail(VFX_ERR_LIMIT, "no room for a path");
    buf[o] = 0;
    return VFX_OK;
}

vfx_status
vfx_seq_frame_path(const vfx_seq_pattern *p, int32_t frame, char *buf, size_t cap)
{
    if (!p || !buf)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_frame_path: NULL argument");
    if (p->kind == VFX_SEQ_TILE)
        return vfx__fail(VFX_ERR_ARG, "\"%s\" is a tile pattern, not a frame pattern", p->source);
    return format(p, frame, 0, 0, buf, cap);
}

vfx_status
vfx_seq_tile_path(const vfx_seq_pattern *p, int32_t u, int32_t v, char *buf, size_t cap)
{
    if (!p || !buf)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_tile_path: NULL argument");
    if (p->kind == VFX_SEQ_FRAME)
        return vfx__fail(VFX_ERR_ARG, "\"%s\" is a frame pattern, not a tile pattern", p->source);
    if (u < 0 || v < 0 || u > 100000 || v > 100000)
        return vfx__fail(VFX_ERR_ARG, "tile %d, %d out of range", u, v);
    for (int32_t i = 0; i < p->n_segs; i++)
        if (p->segs[i].type == SEG_UDIM && u > 9)
            return vfx__fail(VFX_ERR_ARG, "UDIM tiles have u in 0..9, not %d", u);
    return format(p, 0, u, v, buf, cap);
}

/* ---- ranges ------------------------------------------------------------------------------- */

/* Read an optionally negative integer; returns the number of characters used, 0 if none. */
static size_t
read_int(const char *s, int32_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (s[i] == '-') {
        neg = 1;
        i++;
    }
    if (s[i] < '0' || s[i] > '9')
        return 0;
    int64_t v = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i++] - '0');
        if (v > INT32_MAX)
            return 0;
    }
    *out = (int32_t) (neg ? -v : v);
    return i;
}

vfx_status
vfx_seq_parse_range(const char *range, int32_t **frames_out, int32_t *n_out)
{
    if (!range || !frames_out || !n_out)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_parse_range: NULL argument");
    *frames_out = NULL;
    *n_out = 0;
    int32_t *f = NULL;
    int64_t n = 0, cap = 0;
    const char *s = range;
    if (!*s)
        return vfx__fail(VFX_ERR_ARG, "empty frame range");
    for (;;) {
        int32_t a, b, step = 1;
        char mode = 'x';
        size_t k = read_int(s, &a);
        if (!k)
            goto bad;
        s += k;
        b = a;
        if (*s == '-') {
            k = read_int(s + 1, &b);
            if (!k)
                goto bad;
            s += 1 + k;
            if (*s == 'x' || *s == 'y') {
                mode = *s;
                k = read_int(s + 1, &step);
                if (!k || step <= 0) {
                    vfx__free(f);
                    return vfx__fail(VFX_ERR_ARG, "frame range \"%s\": step must be > 0", range);
                }
                s += 1 + k;
            }
        }
        int64_t dir = b >= a ? 1 : -1;
        int64_t count = (b >= a ? (int64_t) b - a : (int64_t) a - b) + 1;
        for (int64_t i = 0; i < count; i++) {
            int on = i % step == 0;
            if ((mode == 'x') != on)
                continue;
            if (n >= SEQ_MAX_FRAMES) {
                vfx__free(f);
                return vfx__fail(VFX_ERR_LIMIT, "frame range \"%s\": more than %d frames", range,
                                 SEQ_MAX_FRAMES);
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                int32_t *nf = vfx__realloc(f, (size_t) cap * sizeof *nf);
                if (!nf) {
                    vfx__free(f);
                    return vfx__nomem();
                }
                f = nf;
            }
            f[n++] = (int32_t) (a + dir * i);
        }
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == 0)
            break;
        goto bad;
    }
    *frames_out = f;
    *n_out = (int32_t) n;
    return VFX_OK;
bad:
    vfx__free(f);
    return vfx__fail(VFX_ERR_ARG,
                     "frame range \"%s\": bad syntax at \"%s\" (expected N, A-B, A-BxS or lists)",
                     range, s);
}

void
vfx_seq_free(void *p)
{
    vfx__free(p);
}

void
vfx_seq_items_free(vfx_seq_item *items, int32_t n)
{
    if (!items)
        return;
    for (int32_t i = 0; i < n; i++)
        vfx__free(items[i].path);
    vfx__free(items);
}

vfx_status
vfx_seq_expand(const vfx_seq_pattern *p, const char *range, vfx_seq_item **items_out,
               int32_t *n_out)
{
    if (!p || !items_out || !n_out)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_expand: NULL argument");
    *items_out = NULL;
    *n_out = 0;
    if (p->kind == VFX_SEQ_TILE)
        return vfx__fail(VFX_ERR_ARG, "\"%s\" is a tile pattern: frame ranges do not apply",
                         p->source);
    int32_t *frames = NULL, n = 0;
    VFX_TRY(vfx_seq_parse_range(range, &frames, &n));
    vfx_seq_item *it = vfx__calloc((size_t) n, sizeof *it);
    size_t cap = strlen(p->source) + 64 * (size_t) (p->n_segs + 1);
    char *buf = vfx__alloc(cap);
    vfx_status s = VFX_OK;
    if (!it || !buf)
        s = vfx__nomem();
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        it[i].frame = frames[i];
        if ((s = format(p, frames[i], 0, 0, buf, cap)) == VFX_OK &&
            !(it[i].path = vfx__strdup(buf)))
            s = vfx__nomem();
    }
    vfx__free(frames);
    vfx__free(buf);
    if (s != VFX_OK) {
        vfx_seq_items_free(it, n);
        return s;
    }
    *items_out = it;
    *n_out = n;
    return VFX_OK;
}

/* ---- scanning ----------------------------------------------------------------------------- */

typedef struct bind {
    int     have_frame, have_u, have_v;
    int32_t frame, u, v;
} bind;

/* Match name[pos..] against segments [i..]; backtracks over the digit count of each token. */
static int
match(const vfx_seq_pattern *p, int32_t i, const char *name, bind b, bind *out)
{
    if (i == p->n_segs) {
        if (*name)
            return 0;
        *out = b;
        return 1;
    }
    const seg *s = &p->segs[i];
    if (s->type == SEG_LIT) {
        if (strncmp(name, p->text + s->off, s->len) != 0)
            return 0;
        return match(p, i + 1, name + s->len, b, out);
    }
    size_t maxlen = 0;
    if (s->type == SEG_FRAME && name[0] == '-')
        maxlen = 1;
    while (maxlen < 12 && name[maxlen] >= '0' && name[maxlen] <= '9')
        maxlen++;
    for (size_t len = maxlen; len > 0; len--) {
        int32_t val = 0;
        char tmp[16];
        memcpy(tmp, name, len);
        tmp[len] = 0;
        if (read_int(tmp, &val) != len)
            continue;
        char back[32];
        snprintf(back, sizeof back, "%0*d", (int) s->width, val);
        if (strcmp(back, tmp) != 0)
            continue; /* "img.42" is not what "####" makes */
        bind nb = b;
        int ok = 1;
        switch (s->type) {
        case SEG_FRAME:
            ok = !nb.have_frame || nb.frame == val;
            nb.have_frame = 1;
            nb.frame = val;
            break;
        case SEG_UDIM: {
            int32_t uu = (val - 1001) % 10, vv = (val - 1001) / 10;
            ok = val >= 1001 && (!nb.have_u || nb.u == uu) && (!nb.have_v || nb.v == vv);
            nb.have_u = nb.have_v = 1;
            nb.u = uu;
            nb.v = vv;
            break;
        }
        case SEG_U0:
        case SEG_U1: {
            int32_t uu = val - (s->type == SEG_U1);
            ok = uu >= 0 && (!nb.have_u || nb.u == uu);
            nb.have_u = 1;
            nb.u = uu;
            break;
        }
        default: {
            int32_t vv = val - (s->type == SEG_V1);
            ok = vv >= 0 && (!nb.have_v || nb.v == vv);
            nb.have_v = 1;
            nb.v = vv;
            break;
        }
        }
        if (ok && match(p, i + 1, name + len, nb, out))
            return 1;
    }
    return 0;
}

static int
item_cmp(const void *a, const void *b)
{
    const vfx_seq_item *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return strcmp(x->path, y->path);
}

vfx_status
vfx_seq_scan(const vfx_seq_pattern *p, vfx_seq_item **items_out, int32_t *n_out)
{
    if (!p || !items_out || !n_out)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_scan: NULL argument");
    *items_out = NULL;
    *n_out = 0;
    if (p->dir_len == SIZE_MAX)
        return vfx__fail(VFX_ERR_UNSUPPORTED,
                         "\"%s\": sequence tokens in folder names cannot be scanned", p->source);
    char dir[4096];
    if (p->dir_len >= sizeof dir)
        return vfx__fail(VFX_ERR_LIMIT, "folder name too long");
    if (p->dir_len) {
        memcpy(dir, p->source, p->dir_len);
        dir[p->dir_len] = 0;
    } else {
        strcpy(dir, ".");
    }
    DIR *d = opendir(dir);
    if (!d)
        return vfx__fail(VFX_ERR_IO, "cannot list folder \"%s\": %s", dir, strerror(errno));
    vfx_seq_item *it = NULL;
    int32_t n = 0, cap = 0;
    vfx_status s = VFX_OK;
    char path[4096 + 256];
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        snprintf(path, sizeof path, "%.*s%s", (int) p->dir_len, p->source, e->d_name);
        bind b = { 0, 0, 0, 0, 0, 0 }, got;
        if (!match(p, 0, path, b, &got))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            vfx_seq_item *ni = vfx__realloc(it, (size_t) cap * sizeof *ni);
            if (!ni) {
                s = vfx__nomem();
                break;
            }
            it = ni;
        }
        memset(&it[n], 0, sizeof it[n]);
        it[n].frame = got.frame;
        it[n].u = got.u;
        it[n].v = got.v;
        if (!(it[n].path = vfx__strdup(path))) {
            s = vfx__nomem();
            break;
        }
        n++;
    }
    closedir(d);
    if (s != VFX_OK) {
        vfx_seq_items_free(it, n);
        return s;
    }
    if (n > 1)
        qsort(it, (size_t) n, sizeof *it, item_cmp);
    *items_out = it;
    *n_out = n;
    return VFX_OK;
}

/* ---- implicit ranges ---------------------------------------------------------------------- */

vfx_status
vfx_seq_split_implicit(const char *arg, char **pattern_out, char **range_out)
{
    if (!arg || !pattern_out || !range_out)
        return vfx__fail(VFX_ERR_ARG, "vfx_seq_split_implicit: NULL argument");
    *pattern_out = *range_out = NULL;
    size_t n = strlen(arg);
    size_t tok = strcspn(arg, "#@");
    size_t b = tok;
    if (tok < n) {
        while (b > 0 && strchr("0123456789-xy,", arg[b - 1]))
            b--;
        /* the range starts at a digit, or at a '-' right before one that does not follow
         * a letter or digit ("shot-1-10#" keeps "shot-") */
        while (b < tok && !(arg[b] >= '0' && arg[b] <= '9') &&
               !(arg[b] == '-' && b + 1 < tok && arg[b + 1] >= '0' && arg[b + 1] <= '9' &&
                 (b == 0 || !((arg[b - 1] >= '0' && arg[b - 1] <= '9') ||
                              (arg[b - 1] >= 'a' && arg[b - 1] <= 'z') ||
                              (arg[b - 1] >= 'A' && arg[b - 1] <= 'Z')))))
            b++;
    }
    char *range = NULL;
    if (tok < n && b < tok) {
        range = vfx__alloc(tok - b + 1);
        if (!range)
            return vfx__nomem();
        memcpy(range, arg + b, tok - b);
        range[tok - b] = 0;
        int32_t *frames = NULL, nf = 0;
        if (vfx_seq_parse_range(range, &frames, &nf) != VFX_OK) {
            vfx_error_clear();
            VFX_FREE(range); /* not a range: the digits belong to the name */
        }
        vfx__free(frames);
    }
    size_t cut = range ? tok - b : 0;
    char *pat = vfx__alloc(n - cut + 1);
    if (!pat) {
        vfx__free(range);
        return vfx__nomem();
    }
    if (range) {
        memcpy(pat, arg, b);
        memcpy(pat + b, arg + tok, n - tok + 1);
    } else {
        memcpy(pat, arg, n + 1);
    }
    *pattern_out = pat;
    *range_out = range;
    return VFX_OK;
}
