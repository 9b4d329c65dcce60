/* OCIO config loading (libyaml document API) and queries.
 *
 * The YAML document stays alive inside the config: colour spaces, views and looks point at
 * its nodes and strings, and transforms are compiled from the nodes when a processor is made.
 * Loading checks every transform once (known types, sane parameters, references to colour
 * spaces, looks and view transforms), so bad configs fail at load with file:line:column. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ocio/ocio_int.h"

/* ============================================================================================
 * Small helpers
 * ========================================================================================== */

const yaml_node_t *
vfx__ocio_node(const vfx_ocio_config *cfg, int idx)
{
    return yaml_document_get_node((yaml_document_t *) &cfg->doc, idx);
}

const char *
vfx__ocio_scalar(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return "";
    return (const char *) n->data.scalar.value;
}

const yaml_node_t *
vfx__ocio_map_get(const vfx_ocio_config *cfg, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (const yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const yaml_node_t *k = vfx__ocio_node(cfg, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *) k->data.scalar.value, key) == 0)
            return vfx__ocio_node(cfg, pr->value);
    }
    return NULL;
}

vfx_status
vfx__ocio_fail_at(const vfx_ocio_config *cfg, const yaml_node_t *n, vfx_status code,
                  const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (!n)
        return vfx__fail(code, "%s: %s", cfg->src_name, what);
    return vfx__fail(code, "%s:%lu:%lu: %s", cfg->src_name, (unsigned long) n->start_mark.line + 1,
                     (unsigned long) n->start_mark.column + 1, what);
}

static int
is_null_scalar(const yaml_node_t *n)
{
    if (!n)
        return 1;
    if (n->type != YAML_SCALAR_NODE)
        return 0;
    const char *s = (const char *) n->data.scalar.value;
    return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (s[0] == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

/* Keep a string alive as long as the config. */
static vfx_status
own(vfx_ocio_config *cfg, const char *s, size_t len, const char **out)
{
    if (cfg->n_owned == cfg->cap_owned) {
        int32_t cap = cfg->cap_owned ? cfg->cap_owned * 2 : 16;
        char **o = vfx__realloc(cfg->owned, (size_t) cap * sizeof *o);
        if (!o)
            return vfx__nomem();
        cfg->owned = o;
        cfg->cap_owned = cap;
    }
    char *c = vfx__alloc(len + 1);
    if (!c)
        return vfx__nomem();
    memcpy(c, s, len);
    c[len] = 0;
    cfg->owned[cfg->n_owned++] = c;
    *out = c;
    return VFX_OK;
}

/* Grow an array of @p elem-sized items so that one more fits. */
static vfx_status
grow(void **arr, int32_t n, int32_t *cap, size_t elem)
{
    if (n < *cap)
        return VFX_OK;
    int32_t c = *cap ? *cap * 2 : 8;
    void *a = vfx__realloc(*arr, (size_t) c * elem);
    if (!a)
        return vfx__nomem();
    *arr = a;
    *cap = c;
    return VFX_OK;
}

static const char *
trim_copy(char *buf, size_t cap, const char *s, size_t len)
{
    while (len && isspace((unsigned char) *s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char) s[len - 1]))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return buf;
}

/* Call @p fn for each item of a list given as a YAML sequence of scalars or as one scalar
 * separated by commas (and colons when @p colons). */
typedef vfx_status (*item_fn)(vfx_ocio_config *cfg, const char *item, const yaml_node_t *at, void *arg);

static vfx_status
for_each_item(vfx_ocio_config *cfg, const yaml_node_t *n, int colons, item_fn fn, void *arg)
{
    char buf[1024];
    if (!n || is_null_scalar(n))
        return VFX_OK;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            const yaml_node_t *c = vfx__ocio_node(cfg, *it);
            if (!c || c->type != YAML_SCALAR_NODE)
                return vfx__ocio_fail_at(cfg, c ? c : n, VFX_ERR_CORRUPT, "expected a name");
            const char *s = vfx__ocio_scalar(c);
            trim_copy(buf, sizeof buf, s, strlen(s));
            if (buf[0])
                VFX_TRY(fn(cfg, buf, c, arg));
        }
        return VFX_OK;
    }
    if (n->type != YAML_SCALAR_NODE)
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "expected a list");
    const char *s = vfx__ocio_scalar(n);
    while (*s) {
        size_t len = strcspn(s, colons ? ",:" : ",");
        trim_copy(buf, sizeof buf, s, len);
        if (buf[0])
            VFX_TRY(fn(cfg, buf, n, arg));
        s += len;
        if (*s)
            s++;
    }
    return VFX_OK;
}

/* ============================================================================================
 * Context: $NAME / ${NAME}
 * ========================================================================================== */

static const char *
context_lookup(const vfx_ocio_config *cfg, const char *key, size_t len)
{
    /* API overrides are appended after the config's defaults: search from the end. An
     * override is marked by a key owned later than the document; the process environment
     * sits between the two, as OCIO lets the environment override the config defaults. */
    for (int32_t i = cfg->n_env - 1; i >= 0; i--) {
        const vfx__ocio_kv *kv = &cfg->env[i];
        if (kv->key[0] == '\x01' && strlen(kv->key + 1) == len && memcmp(kv->key + 1, key, len) == 0)
            return kv->value;
    }
    char name[256];
    if (len < sizeof name) {
        memcpy(name, key, len);
        name[len] = 0;
        const char *e = getenv(name);
        if (e)
            return e;
    }
    for (int32_t i = cfg->n_env - 1; i >= 0; i--) {
        const vfx__ocio_kv *kv = &cfg->env[i];
        if (kv->key[0] != '\x01' && strlen(kv->key) == len && memcmp(kv->key, key, len) == 0)
            return kv->value;
    }
    return NULL;
}

VFX_API vfx_status
vfx_ocio_config_expand(const vfx_ocio_config *cfg, const char *s, char *buf, size_t cap)
{
    if (!cfg || !s || !buf || cap == 0)
        return vfx__fail(VFX_ERR_ARG, "ocio: expand: NULL argument");
    size_t o = 0;
    int rounds = 0;
    char tmp[4096];
    const char *in = s;
    for (;;) {
        int changed = 0;
        o = 0;
        for (const char *p = in; *p;) {
            const char *val = NULL;
            size_t skip = 1, vlen = 0;
            if (p[0] == '$' && p[1] == '{') {
                const char *e = strchr(p + 2, '}');
                if (e) {
                    val = context_lookup(cfg, p + 2, (size_t) (e - p - 2));
                    skip = (size_t) (e - p + 1);
                }
            } else if (p[0] == '$' && (isalnum((unsigned char) p[1]) || p[1] == '_')) {
                size_t n = 1;
                while (isalnum((unsigned char) p[n + 1]) || p[n + 1] == '_')
                    n++;
                val = context_lookup(cfg, p + 1, n);
                skip = n + 1;
            }
            if (val) {
                vlen = strlen(val);
                changed = 1;
            } else {
                val = p;
                vlen = skip;
            }
            if (o + vlen >= cap)
                return vfx__fail(VFX_ERR_LIMIT, "ocio: '%s' expands to more than %zu bytes", s, cap - 1);
            memcpy(buf + o, val, vlen);
            o += vlen;
            p += skip;
        }
        buf[o] = 0;
        /* values may hold variables themselves; a few rounds, no cycles */
        if (!changed || !strchr(buf, '$') || ++rounds >= 4 || o >= sizeof tmp)
            break;
        memcpy(tmp, buf, o + 1);
        in = tmp;
    }
    return VFX_OK;
}

VFX_API vfx_status
vfx_ocio_config_set_context(vfx_ocio_config *cfg, const char *key, const char *value)
{
    if (!cfg || !key || !value || !key[0])
        return vfx__fail(VFX_ERR_ARG, "ocio: set_context: NULL or empty argument");
    size_t kl = strlen(key);
    char *k = vfx__alloc(kl + 2);
    if (!k)
        return vfx__nomem();
    k[0] = '\x01';
    memcpy(k + 1, key, kl + 1);
    const char *kk = NULL, *vv = NULL;
    vfx_status st = own(cfg, k, kl + 1, &kk);
    vfx__free(k);
    VFX_TRY(st);
    VFX_TRY(own(cfg, value, strlen(value), &vv));
    VFX_TRY(grow((void **) &cfg->env, cfg->n_env, &cfg->cap_env, sizeof *cfg->env));
    cfg->env[cfg->n_env].key = kk;
    cfg->env[cfg->n_env].value = vv;
    cfg->n_env++;
    return VFX_OK;
}

static int
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static vfx_status
join_path(char *buf, size_t cap, const char *dir, const char *rel)
{
    int n;
    if (!dir || !dir[0] || rel[0] == '/')
        n = snprintf(buf, cap, "%s", rel);
    else
        n = snprintf(buf, cap, "%s/%s", dir, rel);
    if (n < 0 || (size_t) n >= cap)
        return vfx__fail(VFX_ERR_LIMIT, "ocio: path too long: %s/%s", dir ? dir : "", rel);
    return VFX_OK;
}

/* An archive member path from a search-path entry and a file name: '/' separated, without
 * "." parts, ".." taking off the previous part. 0 when it leaves the archive's root. */
static int
archive_path(char *out, size_t cap, const char *dir, const char *name)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s/%s", dir, name);
    if (n < 0 || (size_t) n >= sizeof tmp)
        return 0;
    size_t o = 0;
    for (char *part = strtok(tmp, "/"); part; part = strtok(NULL, "/")) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            if (o == 0)
                return 0;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        size_t l = strlen(part);
        if (o + l + 2 > cap)
            return 0;
        if (o)
            out[o++] = '/';
        memcpy(out + o, part, l);
        o += l;
    }
    out[o] = 0;
    return o > 0;
}

const vfx__ocio_member *
vfx__ocio_find_member(const vfx_ocio_config *cfg, const char *resolved)
{
    if (!cfg->archive)
        return NULL;
    size_t al = strlen(cfg->archive);
    if (strncmp(resolved, cfg->archive, al) != 0 || resolved[al] != '/')
        return NULL;
    for (int32_t i = 0; i < cfg->n_members; i++)
        if (strcmp(cfg->members[i].name, resolved + al + 1) == 0)
            return &cfg->members[i];
    return NULL;
}

VFX_API vfx_status
vfx_ocio_config_resolve_file(const vfx_ocio_config *cfg, const char *src, char *buf, size_t cap)
{
    if (!cfg || !src || !buf || cap == 0)
        return vfx__fail(VFX_ERR_ARG, "ocio: resolve_file: NULL argument");
    char name[4096], dir[4096], cand[4096];
    VFX_TRY(vfx_ocio_config_expand(cfg, src, name, sizeof name));
    if (!name[0])
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: empty file name");
    if (name[0] == '/') {
        if (!file_exists(name))
            return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: file '%s' not found", name);
        return join_path(buf, cap, NULL, name);
    }
    /* the working directory only when there is no search path, as OCIO 2.1 */
    for (int32_t i = 0; i < (cfg->n_search ? cfg->n_search : 1); i++) {
        const char *entry = cfg->n_search ? cfg->search[i] : ".";
        VFX_TRY(vfx_ocio_config_expand(cfg, entry, dir, sizeof dir));
        if (cfg->archive && dir[0] != '/') { /* .ocioz: relative entries start at its root */
            char member[4096];
            if (!archive_path(member, sizeof member, dir, name))
                continue;
            VFX_TRY(join_path(cand, sizeof cand, cfg->archive, member));
            if (vfx__ocio_find_member(cfg, cand))
                return join_path(buf, cap, NULL, cand);
            continue;
        }
        char full[4096];
        if (dir[0] == '/')
            VFX_TRY(join_path(full, sizeof full, NULL, dir));
        else
            VFX_TRY(join_path(full, sizeof full, cfg->working_dir, dir));
        VFX_TRY(join_path(cand, sizeof cand, full, name));
        if (file_exists(cand))
            return join_path(buf, cap, NULL, cand);
    }
    return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: file '%s' not found in the search path of %s", name,
                     cfg->src_name);
}

/* ============================================================================================
 * Lookup
 * ========================================================================================== */

static int32_t
find_cs_plain(const vfx_ocio_config *cfg, const char *name)
{
    for (int32_t i = 0; i < cfg->n_cs; i++)
        if (strcasecmp(cfg->cs[i].name, name) == 0)
            return i;
    for (int32_t i = 0; i < cfg->n_cs; i++) {
        const yaml_node_t *a = cfg->cs[i].aliases;
        if (!a)
            continue;
        if (a->type == YAML_SCALAR_NODE) {
            if (strcasecmp(vfx__ocio_scalar(a), name) == 0)
                return i;
            continue;
        }
        if (a->type != YAML_SEQUENCE_NODE)
            continue;
        for (const yaml_node_item_t *it = a->data.sequence.items.start; it < a->data.sequence.items.top; it++)
            if (strcasecmp(vfx__ocio_scalar(vfx__ocio_node(cfg, *it)), name) == 0)
                return i;
    }
    return -1;
}

int32_t
vfx__ocio_find_cs(const vfx_ocio_config *cfg, const char *name)
{
    char buf[1024];
    if (strchr(name, '$')) {
        if (vfx_ocio_config_expand(cfg, name, buf, sizeof buf) != VFX_OK)
            return -1;
        name = buf;
    }
    int32_t i = find_cs_plain(cfg, name);
    if (i >= 0)
        return i;
    for (int32_t r = 0; r < cfg->n_roles; r++)
        if (strcasecmp(cfg->roles[r].key, name) == 0)
            return find_cs_plain(cfg, cfg->roles[r].value);
    return -1;
}

const vfx__ocio_look *
vfx__ocio_find_look(const vfx_ocio_config *cfg, const char *name)
{
    for (int32_t i = 0; i < cfg->n_looks; i++)
        if (strcasecmp(cfg->looks[i].name, name) == 0)
            return &cfg->looks[i];
    return NULL;
}

const vfx__ocio_vt *
vfx__ocio_find_vt(const vfx_ocio_config *cfg, const char *name)
{
    for (int32_t i = 0; i < cfg->n_vts; i++)
        if (strcasecmp(cfg->vts[i].name, name) == 0)
            return &cfg->vts[i];
    return NULL;
}

static int
alias_matches(const vfx_ocio_config *cfg, const yaml_node_t *a, const char *name)
{
    if (!a)
        return 0;
    if (a->type == YAML_SCALAR_NODE)
        return strcasecmp(vfx__ocio_scalar(a), name) == 0;
    if (a->type != YAML_SEQUENCE_NODE)
        return 0;
    for (const yaml_node_item_t *it = a->data.sequence.items.start; it < a->data.sequence.items.top; it++)
        if (strcasecmp(vfx__ocio_scalar(vfx__ocio_node(cfg, *it)), name) == 0)
            return 1;
    return 0;
}

int32_t
vfx__ocio_find_nt(const vfx_ocio_config *cfg, const char *name)
{
    char buf[1024];
    if (strchr(name, '$')) {
        if (vfx_ocio_config_expand(cfg, name, buf, sizeof buf) != VFX_OK)
            return -1;
        name = buf;
    }
    for (int32_t i = 0; i < cfg->n_nts; i++)
        if (strcasecmp(cfg->nts[i].name, name) == 0)
            return i;
    for (int32_t i = 0; i < cfg->n_nts; i++)
        if (alias_matches(cfg, cfg->nts[i].aliases, name))
            return i;
    return -1;
}

static const vfx__ocio_display *
find_display(const vfx_ocio_config *cfg, const char *name)
{
    if (!name)
        return NULL;
    for (int32_t i = 0; i < cfg->n_displays; i++)
        if (strcasecmp(cfg->displays[i].name, name) == 0)
            return &cfg->displays[i];
    return NULL;
}

const vfx__ocio_view *
vfx__ocio_find_view(const vfx_ocio_config *cfg, const char *display, const char *view)
{
    const vfx__ocio_display *d = find_display(cfg, display);
    if (!d || !view)
        return NULL;
    for (int32_t i = 0; i < d->n_views; i++)
        if (strcasecmp(d->views[i].name, view) == 0)
            return &d->views[i];
    return NULL;
}

/* ============================================================================================
 * Parsing sections
 * ========================================================================================== */

static vfx_status
expect(const vfx_ocio_config *cfg, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    if (!n || n->type != t) {
        const char *kind = t == YAML_MAPPING_NODE ? "a mapping" : t == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "%s must be %s", what, kind);
    }
    return VFX_OK;
}

static const char *
str_or_empty(const vfx_ocio_config *cfg, const yaml_node_t *map, const char *key)
{
    const yaml_node_t *n = vfx__ocio_map_get(cfg, map, key);
    return n && n->type == YAML_SCALAR_NODE && !is_null_scalar(n) ? vfx__ocio_scalar(n) : "";
}

static int
tag_is(const yaml_node_t *n, const char *tag)
{
    return n && n->tag && strcmp((const char *) n->tag, tag) == 0;
}

static int
parse_bool(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0;
}

static vfx_status
parse_version(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    VFX_TRY(expect(cfg, n, YAML_SCALAR_NODE, "ocio_profile_version"));
    const char *s = vfx__ocio_scalar(n);
    char *end = NULL;
    errno = 0;
    long major = strtol(s, &end, 10), minor = 0;
    if (end == s || errno)
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "bad ocio_profile_version '%s'", s);
    if (*end == '.') {
        const char *m = end + 1;
        minor = strtol(m, &end, 10);
        if (end == m || minor < 0 || minor > 1000)
            return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "bad ocio_profile_version '%s'", s);
    }
    if (*end)
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_CORRUPT, "bad ocio_profile_version '%s'", s);
    if (major != 1 && major != 2)
        return vfx__ocio_fail_at(cfg, n, VFX_ERR_UNSUPPORTED, "ocio_profile_version %s is not supported "
                                 "(vfx reads 1 and 2.x)", s);
    cfg->major = (int32_t) major;
    cfg->minor = (int32_t) minor;
    return VFX_OK;
}

static vfx_status
add_search(vfx_ocio_config *cfg, const char *item, const yaml_node_t *at, void *arg)
{
    (void) at;
    int32_t *cap = arg;
    const char *s = NULL;
    VFX_TRY(own(cfg, item, strlen(item), &s));
    VFX_TRY(grow((void **) &cfg->search, cfg->n_search, cap, sizeof *cfg->search));
    cfg->search[cfg->n_search++] = s;
    return VFX_OK;
}

static vfx_status
parse_kv_map(vfx_ocio_config *cfg, const yaml_node_t *n, const char *what, vfx__ocio_kv **arr,
             int32_t *count, int32_t *cap)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_MAPPING_NODE, what));
    for (const yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        const yaml_node_t *k = vfx__ocio_node(cfg, pr->key), *v = vfx__ocio_node(cfg, pr->value);
        VFX_TRY(expect(cfg, k, YAML_SCALAR_NODE, what));
        if (!v || (v->type != YAML_SCALAR_NODE))
            return vfx__ocio_fail_at(cfg, v ? v : k, VFX_ERR_CORRUPT, "%s: '%s' must be a scalar", what,
                                     vfx__ocio_scalar(k));
        VFX_TRY(grow((void **) arr, *count, cap, sizeof **arr));
        (*arr)[*count].key = vfx__ocio_scalar(k);
        (*arr)[*count].value = vfx__ocio_scalar(v);
        (*count)++;
    }
    return VFX_OK;
}

static vfx_status
parse_colorspaces(vfx_ocio_config *cfg, const yaml_node_t *n, int display, int32_t *cap)
{
    const char *what = display ? "display_colorspaces" : "colorspaces";
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_SEQUENCE_NODE, what));
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *c = vfx__ocio_node(cfg, *it);
        VFX_TRY(expect(cfg, c, YAML_MAPPING_NODE, "a colour space"));
        if (!tag_is(c, "ColorSpace"))
            return vfx__ocio_fail_at(cfg, c, VFX_ERR_CORRUPT, "%s entries must be !<ColorSpace>", what);
        vfx__ocio_cs cs;
        memset(&cs, 0, sizeof cs);
        cs.node = c;
        cs.name = str_or_empty(cfg, c, "name");
        if (!cs.name[0])
            return vfx__ocio_fail_at(cfg, c, VFX_ERR_CORRUPT, "colour space without a name");
        if (find_cs_plain(cfg, cs.name) >= 0)
            return vfx__ocio_fail_at(cfg, c, VFX_ERR_CORRUPT, "colour space '%s' defined twice", cs.name);
        cs.family = str_or_empty(cfg, c, "family");
        cs.description = str_or_empty(cfg, c, "description");
        cs.encoding = str_or_empty(cfg, c, "encoding");
        cs.isdata = parse_bool(str_or_empty(cfg, c, "isdata"));
        cs.is_display = display;
        cs.aliases = vfx__ocio_map_get(cfg, c, "aliases");
        if (cs.aliases && is_null_scalar(cs.aliases))
            cs.aliases = NULL;
        for (const yaml_node_pair_t *pr = c->data.mapping.pairs.start; pr < c->data.mapping.pairs.top; pr++) {
            const char *k = vfx__ocio_scalar(vfx__ocio_node(cfg, pr->key));
            const yaml_node_t *v = vfx__ocio_node(cfg, pr->value);
            if (is_null_scalar(v))
                continue;
            int to = strcmp(k, "to_reference") == 0 || strcmp(k, "to_scene_reference") == 0 ||
                     strcmp(k, "to_display_reference") == 0;
            int from = strcmp(k, "from_reference") == 0 || strcmp(k, "from_scene_reference") == 0 ||
                       strcmp(k, "from_display_reference") == 0;
            if (to)
                cs.to_ref = v;
            if (from)
                cs.from_ref = v;
        }
        VFX_TRY(grow((void **) &cfg->cs, cfg->n_cs, cap, sizeof *cfg->cs));
        cfg->cs[cfg->n_cs++] = cs;
    }
    return VFX_OK;
}

static vfx_status
parse_view(vfx_ocio_config *cfg, const yaml_node_t *v, vfx__ocio_view *out)
{
    VFX_TRY(expect(cfg, v, YAML_MAPPING_NODE, "a view"));
    memset(out, 0, sizeof *out);
    out->node = v;
    out->name = str_or_empty(cfg, v, "name");
    out->colorspace = str_or_empty(cfg, v, "colorspace");
    out->view_transform = str_or_empty(cfg, v, "view_transform");
    out->display_colorspace = str_or_empty(cfg, v, "display_colorspace");
    out->looks = str_or_empty(cfg, v, "looks");
    if (!out->looks[0])
        out->looks = str_or_empty(cfg, v, "look");
    out->description = str_or_empty(cfg, v, "description");
    out->rule = str_or_empty(cfg, v, "rule");
    if (!out->name[0])
        return vfx__ocio_fail_at(cfg, v, VFX_ERR_CORRUPT, "view without a name");
    if (!out->colorspace[0] && !out->display_colorspace[0])
        return vfx__ocio_fail_at(cfg, v, VFX_ERR_CORRUPT, "view '%s' names no colorspace", out->name);
    return VFX_OK;
}

static vfx_status
parse_shared_views(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_SEQUENCE_NODE, "shared_views"));
    int32_t cap = 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        VFX_TRY(grow((void **) &cfg->shared, cfg->n_shared, &cap, sizeof *cfg->shared));
        VFX_TRY(parse_view(cfg, vfx__ocio_node(cfg, *it), &cfg->shared[cfg->n_shared]));
        cfg->n_shared++;
    }
    return VFX_OK;
}

static vfx_status
add_view(vfx_ocio_config *cfg, vfx__ocio_display *d, int32_t *cap, const vfx__ocio_view *v,
         const yaml_node_t *at)
{
    for (int32_t i = 0; i < d->n_views; i++)
        if (strcasecmp(d->views[i].name, v->name) == 0)
            return vfx__ocio_fail_at(cfg, at, VFX_ERR_CORRUPT, "display '%s': view '%s' defined twice",
                                     d->name, v->name);
    VFX_TRY(grow((void **) &d->views, d->n_views, cap, sizeof *d->views));
    d->views[d->n_views++] = *v;
    return VFX_OK;
}

typedef struct shared_ctx {
    vfx__ocio_display *d;
    int32_t           *cap;
} shared_ctx;

static vfx_status
add_shared_ref(vfx_ocio_config *cfg, const char *item, const yaml_node_t *at, void *arg)
{
    shared_ctx *sc = arg;
    for (int32_t i = 0; i < cfg->n_shared; i++)
        if (strcasecmp(cfg->shared[i].name, item) == 0) {
            vfx__ocio_view v = cfg->shared[i];
            if (strcmp(v.display_colorspace, "<USE_DISPLAY_NAME>") == 0)
                v.display_colorspace = sc->d->name;
            if (strcmp(v.colorspace, "<USE_DISPLAY_NAME>") == 0)
                v.colorspace = sc->d->name;
            return add_view(cfg, sc->d, sc->cap, &v, at);
        }
    return vfx__ocio_fail_at(cfg, at, VFX_ERR_CORRUPT, "display '%s': shared view '%s' is not defined",
                             sc->d->name, item);
}

static vfx_status
parse_displays(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_MAPPING_NODE, "displays"));
    size_t nd = (size_t) (n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    cfg->displays = vfx__calloc(nd ? nd : 1, sizeof *cfg->displays);
    if (!cfg->displays)
        return vfx__nomem();
    for (const yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        const yaml_node_t *k = vfx__ocio_node(cfg, pr->key), *v = vfx__ocio_node(cfg, pr->value);
        VFX_TRY(expect(cfg, k, YAML_SCALAR_NODE, "a display name"));
        vfx__ocio_display *d = &cfg->displays[cfg->n_displays];
        d->name = vfx__ocio_scalar(k);
        if (find_display(cfg, d->name))
            return vfx__ocio_fail_at(cfg, k, VFX_ERR_CORRUPT, "display '%s' defined twice", d->name);
        cfg->n_displays++;
        if (is_null_scalar(v))
            continue;
        VFX_TRY(expect(cfg, v, YAML_SEQUENCE_NODE, "a display's views"));
        int32_t cap = 0;
        for (const yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            const yaml_node_t *e = vfx__ocio_node(cfg, *it);
            if (tag_is(e, "Views")) {
                shared_ctx sc = { d, &cap };
                VFX_TRY(for_each_item(cfg, e, 0, add_shared_ref, &sc));
                continue;
            }
            if (!tag_is(e, "View"))
                return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "display '%s': entries must be !<View> "
                                         "or !<Views>", d->name);
            vfx__ocio_view view;
            VFX_TRY(parse_view(cfg, e, &view));
            VFX_TRY(add_view(cfg, d, &cap, &view, e));
        }
    }
    return VFX_OK;
}

static vfx_status
parse_view_transforms(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_SEQUENCE_NODE, "view_transforms"));
    int32_t cap = 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *e = vfx__ocio_node(cfg, *it);
        VFX_TRY(expect(cfg, e, YAML_MAPPING_NODE, "a view transform"));
        vfx__ocio_vt vt;
        memset(&vt, 0, sizeof vt);
        vt.node = e;
        vt.name = str_or_empty(cfg, e, "name");
        if (!vt.name[0])
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "view transform without a name");
        if (vfx__ocio_find_vt(cfg, vt.name))
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "view transform '%s' defined twice", vt.name);
        vt.to_scene = vfx__ocio_map_get(cfg, e, "to_scene_reference");
        vt.from_scene = vfx__ocio_map_get(cfg, e, "from_scene_reference");
        vt.to_display = vfx__ocio_map_get(cfg, e, "to_display_reference");
        vt.from_display = vfx__ocio_map_get(cfg, e, "from_display_reference");
        if (is_null_scalar(vt.to_scene)) vt.to_scene = NULL;
        if (is_null_scalar(vt.from_scene)) vt.from_scene = NULL;
        if (is_null_scalar(vt.to_display)) vt.to_display = NULL;
        if (is_null_scalar(vt.from_display)) vt.from_display = NULL;
        VFX_TRY(grow((void **) &cfg->vts, cfg->n_vts, &cap, sizeof *cfg->vts));
        cfg->vts[cfg->n_vts++] = vt;
    }
    return VFX_OK;
}

static vfx_status
parse_looks(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_SEQUENCE_NODE, "looks"));
    int32_t cap = 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *e = vfx__ocio_node(cfg, *it);
        VFX_TRY(expect(cfg, e, YAML_MAPPING_NODE, "a look"));
        vfx__ocio_look lk;
        memset(&lk, 0, sizeof lk);
        lk.node = e;
        lk.name = str_or_empty(cfg, e, "name");
        lk.process_space = str_or_empty(cfg, e, "process_space");
        if (!lk.name[0])
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "look without a name");
        if (vfx__ocio_find_look(cfg, lk.name))
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "look '%s' defined twice", lk.name);
        lk.xf = vfx__ocio_map_get(cfg, e, "transform");
        lk.inv = vfx__ocio_map_get(cfg, e, "inverse_transform");
        if (is_null_scalar(lk.xf)) lk.xf = NULL;
        if (is_null_scalar(lk.inv)) lk.inv = NULL;
        VFX_TRY(grow((void **) &cfg->looks, cfg->n_looks, &cap, sizeof *cfg->looks));
        cfg->looks[cfg->n_looks++] = lk;
    }
    return VFX_OK;
}

/* named_transforms: a name (and aliases) for a transform with no reference space, usable
 * where OCIO accepts a colour space name as the source or destination of a conversion. */
static vfx_status
parse_named_transforms(vfx_ocio_config *cfg, const yaml_node_t *n)
{
    if (is_null_scalar(n))
        return VFX_OK;
    VFX_TRY(expect(cfg, n, YAML_SEQUENCE_NODE, "named_transforms"));
    int32_t cap = 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *e = vfx__ocio_node(cfg, *it);
        VFX_TRY(expect(cfg, e, YAML_MAPPING_NODE, "a named transform"));
        vfx__ocio_nt nt;
        memset(&nt, 0, sizeof nt);
        nt.node = e;
        nt.name = str_or_empty(cfg, e, "name");
        nt.family = str_or_empty(cfg, e, "family");
        nt.description = str_or_empty(cfg, e, "description");
        nt.encoding = str_or_empty(cfg, e, "encoding");
        nt.aliases = vfx__ocio_map_get(cfg, e, "aliases");
        nt.fwd = vfx__ocio_map_get(cfg, e, "transform");
        nt.inv = vfx__ocio_map_get(cfg, e, "inverse_transform");
        if (is_null_scalar(nt.fwd)) nt.fwd = NULL;
        if (is_null_scalar(nt.inv)) nt.inv = NULL;
        if (!nt.name[0])
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "named transform without a name");
        if (vfx__ocio_find_nt(cfg, nt.name) >= 0)
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "named transform '%s' defined twice", nt.name);
        if (!nt.fwd && !nt.inv)
            return vfx__ocio_fail_at(cfg, e, VFX_ERR_CORRUPT, "named transform '%s' has neither transform "
                                     "nor inverse_transform", nt.name);
        VFX_TRY(grow((void **) &cfg->nts, cfg->n_nts, &cap, sizeof *cfg->nts));
        cfg->nts[cfg->n_nts++] = nt;
    }
    return VFX_OK;
}

/* ---- active lists and inactive colour spaces ---------------------------------------------- */

typedef struct active_ctx {
    const vfx__ocio_display *d;   /* NULL: displays */
    int32_t                 *idx;
    int32_t                 *n;
} active_ctx;

static vfx_status
add_active(vfx_ocio_config *cfg, const char *item, const yaml_node_t *at, void *arg)
{
    (void) at;
    active_ctx *ac = arg;
    int32_t count = ac->d ? ac->d->n_views : cfg->n_displays;
    for (int32_t i = 0; i < count; i++) {
        const char *nm = ac->d ? ac->d->views[i].name : cfg->displays[i].name;
        if (strcasecmp(nm, item) != 0)
            continue;
        for (int32_t j = 0; j < *ac->n; j++)
            if (ac->idx[j] == i)
                return VFX_OK;
        ac->idx[(*ac->n)++] = i;
        return VFX_OK;
    }
    return VFX_OK; /* OCIO ignores unknown names in active lists */
}

static vfx_status
mark_inactive(vfx_ocio_config *cfg, const char *item, const yaml_node_t *at, void *arg)
{
    (void) at;
    (void) arg;
    int32_t i = find_cs_plain(cfg, item);
    if (i >= 0)
        cfg->cs[i].inactive = 1;
    return VFX_OK;
}

/* An env override list, or the config's list. */
static vfx_status
apply_list(vfx_ocio_config *cfg, const char *env, const yaml_node_t *n, item_fn fn, void *arg)
{
    const char *e = getenv(env);
    if (e && e[0]) {
        yaml_node_t tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.type = YAML_SCALAR_NODE;
        tmp.data.scalar.value = (yaml_char_t *) (uintptr_t) e;
        tmp.data.scalar.length = strlen(e);
        return for_each_item(cfg, &tmp, 1, fn, arg);
    }
    return for_each_item(cfg, n, 0, fn, arg);
}

static vfx_status
build_active(vfx_ocio_config *cfg, const yaml_node_t *ad, const yaml_node_t *av)
{
    cfg->active_displays = vfx__calloc((size_t) cfg->n_displays + 1, sizeof(int32_t));
    if (!cfg->active_displays)
        return vfx__nomem();
    active_ctx ac = { NULL, cfg->active_displays, &cfg->n_active_displays };
    VFX_TRY(apply_list(cfg, "OCIO_ACTIVE_DISPLAYS", ad, add_active, &ac));
    if (cfg->n_active_displays == 0)
        for (int32_t i = 0; i < cfg->n_displays; i++)
            cfg->active_displays[cfg->n_active_displays++] = i;
    for (int32_t i = 0; i < cfg->n_displays; i++) {
        vfx__ocio_display *d = &cfg->displays[i];
        d->active = vfx__calloc((size_t) d->n_views + 1, sizeof(int32_t));
        if (!d->active)
            return vfx__nomem();
        active_ctx vc = { d, d->active, &d->n_active };
        VFX_TRY(apply_list(cfg, "OCIO_ACTIVE_VIEWS", av, add_active, &vc));
        if (d->n_active == 0)
            for (int32_t v = 0; v < d->n_views; v++)
                d->active[d->n_active++] = v;
    }
    return VFX_OK;
}

/* ---- viewing rules --------------------------------------------------------------------------- */

static const yaml_node_t *
find_viewing_rule(const vfx_ocio_config *cfg, const char *name)
{
    if (!cfg->viewing_rules)
        return NULL;
    for (const yaml_node_item_t *it = cfg->viewing_rules->data.sequence.items.start;
         it < cfg->viewing_rules->data.sequence.items.top; it++) {
        const yaml_node_t *r = vfx__ocio_node(cfg, *it);
        if (r && r->type == YAML_MAPPING_NODE && strcasecmp(str_or_empty(cfg, r, "name"), name) == 0)
            return r;
    }
    return NULL;
}

/* 1 when list node @p n (a sequence or one scalar) holds @p s (case-insensitive); with
 * @p as_cs, entries are colour-space names, aliases or roles resolved to index @p cs. */
static int
list_has(const vfx_ocio_config *cfg, const yaml_node_t *n, const char *s, int32_t cs)
{
    if (!n)
        return 0;
    if (n->type == YAML_SCALAR_NODE)
        return cs >= 0 ? vfx__ocio_find_cs(cfg, vfx__ocio_scalar(n)) == cs : strcasecmp(vfx__ocio_scalar(n), s) == 0;
    if (n->type != YAML_SEQUENCE_NODE)
        return 0;
    for (const yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const char *e = vfx__ocio_scalar(vfx__ocio_node(cfg, *it));
        if (cs >= 0 ? vfx__ocio_find_cs(cfg, e) == cs : strcasecmp(e, s) == 0)
            return 1;
    }
    return 0;
}

/* Does the view's viewing rule admit colour space @p cs (OCIO: by name or by encoding)? */
static int
rule_admits(const vfx_ocio_config *cfg, const vfx__ocio_view *v, int32_t cs)
{
    if (!v->rule[0])
        return 1;
    const yaml_node_t *r = find_viewing_rule(cfg, v->rule);
    if (!r)
        return 0;
    return list_has(cfg, vfx__ocio_map_get(cfg, r, "colorspaces"), "", cs) ||
           list_has(cfg, vfx__ocio_map_get(cfg, r, "encodings"), cfg->cs[cs].encoding, -1);
}

static vfx_status
check_viewing_rules(vfx_ocio_config *cfg)
{
    if (cfg->viewing_rules)
        for (const yaml_node_item_t *it = cfg->viewing_rules->data.sequence.items.start;
             it < cfg->viewing_rules->data.sequence.items.top; it++) {
            const yaml_node_t *r = vfx__ocio_node(cfg, *it);
            VFX_TRY(expect(cfg, r, YAML_MAPPING_NODE, "a viewing rule"));
            const char *name = str_or_empty(cfg, r, "name");
            if (!name[0])
                return vfx__ocio_fail_at(cfg, r, VFX_ERR_CORRUPT, "viewing rule without a name");
            if (find_viewing_rule(cfg, name) != r)
                return vfx__ocio_fail_at(cfg, r, VFX_ERR_CORRUPT, "viewing rule '%s' defined twice", name);
            const yaml_node_t *css = vfx__ocio_map_get(cfg, r, "colorspaces");
            const yaml_node_t *enc = vfx__ocio_map_get(cfg, r, "encodings");
            if (!css == !enc)
                return vfx__ocio_fail_at(cfg, r, VFX_ERR_CORRUPT, "viewing rule '%s' needs colorspaces or "
                                         "encodings (one of them)", name);
            if (css && css->type == YAML_SEQUENCE_NODE)
                for (const yaml_node_item_t *c = css->data.sequence.items.start; c < css->data.sequence.items.top; c++) {
                    const char *n = vfx__ocio_scalar(vfx__ocio_node(cfg, *c));
                    if (!strchr(n, '$') && vfx__ocio_find_cs(cfg, n) < 0)
                        return vfx__ocio_fail_at(cfg, vfx__ocio_node(cfg, *c), VFX_ERR_CORRUPT, "viewing rule '%s' "
                                                 "refers to colour space '%s', which is not defined", name, n);
                }
        }
    for (int32_t d = 0; d < cfg->n_displays; d++)
        for (int32_t v = 0; v < cfg->displays[d].n_views; v++) {
            const vfx__ocio_view *vw = &cfg->displays[d].views[v];
            if (vw->rule[0] && !find_viewing_rule(cfg, vw->rule))
                return vfx__ocio_fail_at(cfg, vw->node, VFX_ERR_CORRUPT, "view '%s' refers to viewing rule "
                                         "'%s', which is not defined", vw->name, vw->rule);
        }
    return VFX_OK;
}

/* ---- checking references ------------------------------------------------------------------ */

static vfx_status
check_cs_name(vfx_ocio_config *cfg, const char *name, const yaml_node_t *at, const char *what)
{
    if (!name[0] || strchr(name, '$'))
        return VFX_OK; /* context variables are resolved when processors are built */
    if (vfx__ocio_find_cs(cfg, name) < 0)
        return vfx__ocio_fail_at(cfg, at, VFX_ERR_CORRUPT, "%s refers to colour space '%s', which is "
                                 "not defined", what, name);
    return VFX_OK;
}

static vfx_status
check_xf(vfx_ocio_config *cfg, const yaml_node_t *xf)
{
    if (!xf)
        return VFX_OK;
    vfx__ocio_build b = { cfg, 0, 0, 1, 0, 0 };
    return vfx__ocio_build_xf(&b, xf, 0, NULL);
}

static vfx_status
check_looks_str(vfx_ocio_config *cfg, const char *looks, const yaml_node_t *at)
{
    if (!looks || !looks[0])
        return VFX_OK;
    vfx__ocio_build b = { cfg, 0, 0, 1, 0, 0 };
    int32_t cur = -1;
    vfx_status st = vfx__ocio_build_looks(&b, looks, &cur, NULL);
    if (st == VFX_ERR_NOT_FOUND || st == VFX_ERR_CORRUPT)
        return vfx__ocio_fail_at(cfg, at, VFX_ERR_CORRUPT, "%s", vfx_error_message());
    return st;
}

static vfx_status
check_all(vfx_ocio_config *cfg)
{
    for (int32_t i = 0; i < cfg->n_roles; i++) {
        /* a role naming a missing space: OCIO (and ociocheck) report it; we reject it */
        const char *v = cfg->roles[i].value;
        if (v[0] && find_cs_plain(cfg, v) < 0 && !strchr(v, '$'))
            return vfx__ocio_fail_at(cfg, NULL, VFX_ERR_CORRUPT, "role '%s' refers to colour space "
                                     "'%s', which is not defined", cfg->roles[i].key, v);
    }
    for (int32_t i = 0; i < cfg->n_cs; i++) {
        VFX_TRY(check_xf(cfg, cfg->cs[i].to_ref));
        VFX_TRY(check_xf(cfg, cfg->cs[i].from_ref));
    }
    for (int32_t i = 0; i < cfg->n_vts; i++) {
        VFX_TRY(check_xf(cfg, cfg->vts[i].to_scene));
        VFX_TRY(check_xf(cfg, cfg->vts[i].from_scene));
        VFX_TRY(check_xf(cfg, cfg->vts[i].to_display));
        VFX_TRY(check_xf(cfg, cfg->vts[i].from_display));
    }
    for (int32_t i = 0; i < cfg->n_looks; i++) {
        const vfx__ocio_look *lk = &cfg->looks[i];
        VFX_TRY(check_cs_name(cfg, lk->process_space, lk->node, "look"));
        VFX_TRY(check_xf(cfg, lk->xf));
        VFX_TRY(check_xf(cfg, lk->inv));
    }
    for (int32_t i = 0; i < cfg->n_nts; i++) {
        const vfx__ocio_nt *nt = &cfg->nts[i];
        if (find_cs_plain(cfg, nt->name) >= 0)
            return vfx__ocio_fail_at(cfg, nt->node, VFX_ERR_CORRUPT, "named transform '%s' has the name of "
                                     "a colour space", nt->name);
        VFX_TRY(check_xf(cfg, nt->fwd));
        VFX_TRY(check_xf(cfg, nt->inv));
    }
    VFX_TRY(check_viewing_rules(cfg));
    if (cfg->default_vt[0] && !vfx__ocio_find_vt(cfg, cfg->default_vt))
        return vfx__ocio_fail_at(cfg, NULL, VFX_ERR_CORRUPT, "default_view_transform '%s' is not defined",
                                 cfg->default_vt);
    for (int32_t d = 0; d < cfg->n_displays; d++)
        for (int32_t v = 0; v < cfg->displays[d].n_views; v++) {
            const vfx__ocio_view *vw = &cfg->displays[d].views[v];
            /* OCIO 2.1: a view without a view transform may name a named transform */
            if (vw->view_transform[0] || vfx__ocio_find_nt(cfg, vw->colorspace) < 0)
                VFX_TRY(check_cs_name(cfg, vw->colorspace, vw->node, "view"));
            VFX_TRY(check_cs_name(cfg, vw->display_colorspace, vw->node, "view"));
            if (vw->view_transform[0] && !vfx__ocio_find_vt(cfg, vw->view_transform))
                return vfx__ocio_fail_at(cfg, vw->node, VFX_ERR_CORRUPT, "view '%s' refers to view "
                                         "transform '%s', which is not defined", vw->name,
                                         vw->view_transform);
            VFX_TRY(check_looks_str(cfg, vw->looks, vw->node));
        }
    return VFX_OK;
}

/* ---- the document ------------------------------------------------------------------------- */

static vfx_status
parse_root(vfx_ocio_config *cfg)
{
    const yaml_node_t *root = yaml_document_get_root_node(&cfg->doc);
    if (!root)
        return vfx__ocio_fail_at(cfg, NULL, VFX_ERR_CORRUPT, "empty config");
    VFX_TRY(expect(cfg, root, YAML_MAPPING_NODE, "a config"));
    const yaml_node_t *ver = vfx__ocio_map_get(cfg, root, "ocio_profile_version");
    if (!ver)
        return vfx__ocio_fail_at(cfg, root, VFX_ERR_CORRUPT, "ocio_profile_version is missing");
    VFX_TRY(parse_version(cfg, ver));

    const yaml_node_t *ad = NULL, *av = NULL, *inactive = NULL;
    int32_t cs_cap = 0, search_cap = 0, role_cap = 0;
    cfg->name = cfg->description = cfg->default_vt = "";
    /* shared views before displays, colour spaces before everything that refers to them */
    VFX_TRY(parse_shared_views(cfg, vfx__ocio_map_get(cfg, root, "shared_views")));
    for (const yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        const yaml_node_t *k = vfx__ocio_node(cfg, pr->key), *v = vfx__ocio_node(cfg, pr->value);
        VFX_TRY(expect(cfg, k, YAML_SCALAR_NODE, "a key"));
        const char *key = vfx__ocio_scalar(k);
        if (strcmp(key, "description") == 0 || strcmp(key, "name") == 0 ||
            strcmp(key, "default_view_transform") == 0) {
            const char *s = is_null_scalar(v) ? "" : vfx__ocio_scalar(v);
            if (v && v->type != YAML_SCALAR_NODE)
                return vfx__ocio_fail_at(cfg, v, VFX_ERR_CORRUPT, "%s must be a scalar", key);
            if (key[0] == 'd' && key[1] == 'e' && key[2] == 's')
                cfg->description = s;
            else if (key[0] == 'n')
                cfg->name = s;
            else
                cfg->default_vt = s;
        } else if (strcmp(key, "search_path") == 0 || strcmp(key, "resource_path") == 0) {
            VFX_TRY(for_each_item(cfg, v, 1, add_search, &search_cap));
        } else if (strcmp(key, "environment") == 0) {
            VFX_TRY(parse_kv_map(cfg, v, "environment", &cfg->env, &cfg->n_env, &cfg->cap_env));
        } else if (strcmp(key, "roles") == 0) {
            VFX_TRY(parse_kv_map(cfg, v, "roles", &cfg->roles, &cfg->n_roles, &role_cap));
        } else if (strcmp(key, "colorspaces") == 0) {
            VFX_TRY(parse_colorspaces(cfg, v, 0, &cs_cap));
        } else if (strcmp(key, "display_colorspaces") == 0) {
            VFX_TRY(parse_colorspaces(cfg, v, 1, &cs_cap));
        } else if (strcmp(key, "displays") == 0) {
            if (cfg->displays)
                return vfx__ocio_fail_at(cfg, k, VFX_ERR_CORRUPT, "displays defined twice");
            VFX_TRY(parse_displays(cfg, v));
        } else if (strcmp(key, "view_transforms") == 0) {
            if (cfg->vts)
                return vfx__ocio_fail_at(cfg, k, VFX_ERR_CORRUPT, "view_transforms defined twice");
            VFX_TRY(parse_view_transforms(cfg, v));
        } else if (strcmp(key, "looks") == 0) {
            if (cfg->looks)
                return vfx__ocio_fail_at(cfg, k, VFX_ERR_CORRUPT, "looks defined twice");
            VFX_TRY(parse_looks(cfg, v));
        } else if (strcmp(key, "viewing_rules") == 0 && !is_null_scalar(v)) {
            VFX_TRY(expect(cfg, v, YAML_SEQUENCE_NODE, "viewing_rules"));
            cfg->viewing_rules = v;
        } else if (strcmp(key, "named_transforms") == 0) {
            if (cfg->nts)
                return vfx__ocio_fail_at(cfg, k, VFX_ERR_CORRUPT, "named_transforms defined twice");
            VFX_TRY(parse_named_transforms(cfg, v));
        } else if (strcmp(key, "active_displays") == 0) {
            ad = v;
        } else if (strcmp(key, "active_views") == 0) {
            av = v;
        } else if (strcmp(key, "inactive_colorspaces") == 0) {
            inactive = v;
        } else if (strcmp(key, "file_rules") == 0 && !is_null_scalar(v)) {
            VFX_TRY(expect(cfg, v, YAML_SEQUENCE_NODE, "file_rules"));
            cfg->file_rules = v;
        }
        /* strictparsing, luma, family_separator, shared_views (done above) and unknown keys
         * are accepted as they are */
    }
    /* the display colour space named by "<USE_DISPLAY_NAME>" views must exist */
    VFX_TRY(build_active(cfg, ad, av));
    VFX_TRY(apply_list(cfg, "OCIO_INACTIVE_COLORSPACES", inactive, mark_inactive, NULL));
    return check_all(cfg);
}

/* yaml-cpp (which OCIO uses) accepts lines holding only tabs and spaces; libyaml rejects a
 * tab there. Blank such lines out in place (line numbers do not change). */
static void
blank_whitespace_lines(unsigned char *t, size_t size)
{
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && t[i] != '\n' && t[i] != '\r')
            continue;
        int only_ws = 1, has_tab = 0;
        for (size_t j = start; j < i; j++) {
            if (t[j] == '\t')
                has_tab = 1;
            else if (t[j] != ' ')
                only_ws = 0;
        }
        if (only_ws && has_tab)
            for (size_t j = start; j < i; j++)
                t[j] = ' ';
        start = i + 1;
    }
}

static vfx_status
load_text(vfx_ocio_config *cfg, const unsigned char *src, size_t size)
{
    unsigned char *text = vfx__alloc(size + 1);
    if (!text)
        return vfx__nomem();
    memcpy(text, src, size);
    text[size] = 0;
    blank_whitespace_lines(text, size);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        vfx__free(text);
        return vfx__nomem();
    }
    yaml_parser_set_input_string(&parser, text, size);
    int ok = yaml_parser_load(&parser, &cfg->doc);
    if (!ok) {
        vfx_status st = parser.error == YAML_MEMORY_ERROR ? VFX_ERR_NOMEM : VFX_ERR_CORRUPT;
        if (st == VFX_ERR_NOMEM) {
            yaml_parser_delete(&parser);
            vfx__free(text);
            return vfx__nomem();
        }
        yaml_mark_t m = parser.problem_mark;
        if (parser.error == YAML_READER_ERROR)
            vfx__fail(st, "%s: byte %lu: %s", cfg->src_name, (unsigned long) parser.problem_offset,
                      parser.problem ? parser.problem : "bad text");
        else
            vfx__fail(st, "%s:%lu:%lu: %s%s%s", cfg->src_name, (unsigned long) m.line + 1,
                      (unsigned long) m.column + 1, parser.problem ? parser.problem : "YAML error",
                      parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        vfx__free(text);
        return st;
    }
    cfg->have_doc = 1;
    yaml_parser_delete(&parser);
    vfx__free(text);
    return parse_root(cfg);
}

static vfx_status
config_new(const char *src_name, const char *working_dir, vfx_ocio_config **out)
{
    vfx_ocio_config *cfg = vfx__calloc(1, sizeof *cfg);
    if (!cfg)
        return vfx__nomem();
    cfg->src_name = vfx__strdup(src_name ? src_name : "<config>");
    cfg->working_dir = vfx__strdup(working_dir ? working_dir : ".");
    if (!cfg->src_name || !cfg->working_dir) {
        vfx_ocio_config_free(cfg);
        return vfx__nomem();
    }
    *out = cfg;
    return VFX_OK;
}

VFX_API vfx_status
vfx_ocio_config_new_from_memory(const void *text, size_t size, const char *working_dir,
                                const char *name, vfx_ocio_config **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL out");
    *out = NULL;
    if (!text && size)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL text");
    vfx_ocio_config *cfg = NULL;
    VFX_TRY(config_new(name, working_dir, &cfg));
    vfx_status st = load_text(cfg, text ? text : (const void *) "", size);
    if (st != VFX_OK) {
        vfx_ocio_config_free(cfg);
        return st;
    }
    *out = cfg;
    return VFX_OK;
}

/* An .ocioz archive: its config.ocio, with the archive itself as the working directory so
 * FileTransforms resolve to its members (vfx__ocio_find_member()). */
static vfx_status
load_archive(const char *path, vfx_ocio_config **out)
{
    unsigned char *text = NULL;
    size_t size = 0;
    vfx__ocio_member *m = NULL;
    int32_t n = 0;
    VFX_TRY(vfx__ocioz_read(path, &text, &size, &m, &n));
    char name[4200];
    snprintf(name, sizeof name, "%s/config.ocio", path);
    vfx_ocio_config *cfg = NULL;
    vfx_status st = vfx_ocio_config_new_from_memory(text, size, path, name, &cfg);
    vfx__free(text);
    if (st == VFX_OK && !(cfg->archive = vfx__strdup(path)))
        st = vfx__nomem();
    if (st != VFX_OK) {
        vfx__ocioz_free_members(m, n);
        vfx_ocio_config_free(cfg);
        return st;
    }
    cfg->members = m;
    cfg->n_members = n;
    *out = cfg;
    return VFX_OK;
}

VFX_API vfx_status
vfx_ocio_config_new_from_file(const char *path, vfx_ocio_config **out)
{
    if (!out || !path)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return vfx__fail(VFX_ERR_IO, "ocio: %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = vfx__alloc(cap);
    vfx_status st = VFX_OK;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f))
                st = vfx__fail(VFX_ERR_IO, "ocio: %s: read error", path);
            break;
        }
        if (cap >= (size_t) 64 << 20) {
            st = vfx__fail(VFX_ERR_LIMIT, "ocio: %s: config larger than 64 MiB", path);
            break;
        }
        unsigned char *b = vfx__realloc(buf, cap * 2);
        if (!b) {
            vfx__free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    fclose(f);
    if (!buf)
        return vfx__nomem();
    if (st != VFX_OK) {
        vfx__free(buf);
        return st;
    }
    if (n >= 4 && buf[0] == 'P' && buf[1] == 'K' && ((buf[2] == 3 && buf[3] == 4) || (buf[2] == 5 && buf[3] == 6))) {
        vfx__free(buf);
        return load_archive(path, out);
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t dl = (size_t) (slash - path);
        if (dl >= sizeof dir)
            dl = sizeof dir - 1;
        memcpy(dir, path, dl);
        dir[dl] = 0;
        if (dl == 0)
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    st = vfx_ocio_config_new_from_memory(buf, n, dir, path, out);
    vfx__free(buf);
    return st;
}

VFX_API vfx_status
vfx_ocio_config_new_builtin(vfx_ocio_config **out)
{
    return vfx_ocio_config_new_from_memory(vfx__ocio_default_config, strlen(vfx__ocio_default_config),
                                           NULL, "<vfx built-in config>", out);
}

VFX_API const char *
vfx_ocio_builtin_config_text(void)
{
    return vfx__ocio_default_config;
}

VFX_API vfx_status
vfx_ocio_config_new_from_env(vfx_ocio_config **out)
{
    const char *p = getenv("OCIO");
    if (p && p[0])
        return vfx_ocio_config_new_from_file(p, out);
    return vfx_ocio_config_new_builtin(out);
}

VFX_API void
vfx_ocio_config_free(vfx_ocio_config *cfg)
{
    if (!cfg)
        return;
    if (cfg->have_doc)
        yaml_document_delete(&cfg->doc);
    for (int32_t i = 0; i < cfg->n_displays; i++) {
        vfx__free(cfg->displays[i].views);
        vfx__free(cfg->displays[i].active);
    }
    for (int32_t i = 0; i < cfg->n_owned; i++)
        vfx__free(cfg->owned[i]);
    vfx__free(cfg->owned);
    vfx__free(cfg->displays);
    vfx__free(cfg->active_displays);
    vfx__free(cfg->roles);
    vfx__free(cfg->cs);
    vfx__free(cfg->shared);
    vfx__free(cfg->vts);
    vfx__free(cfg->looks);
    vfx__free(cfg->nts);
    vfx__ocioz_free_members(cfg->members, cfg->n_members);
    vfx__free(cfg->archive);
    vfx__free(cfg->search);
    vfx__free(cfg->env);
    vfx__free(cfg->src_name);
    vfx__free(cfg->working_dir);
    vfx__free(cfg);
}

/* ============================================================================================
 * Queries
 * ========================================================================================== */

VFX_API int32_t
vfx_ocio_config_version_major(const vfx_ocio_config *c)
{
    return c ? c->major : 0;
}

VFX_API int32_t
vfx_ocio_config_version_minor(const vfx_ocio_config *c)
{
    return c ? c->minor : 0;
}

VFX_API const char *
vfx_ocio_config_name(const vfx_ocio_config *c)
{
    return c ? c->name : "";
}

VFX_API const char *
vfx_ocio_config_description(const vfx_ocio_config *c)
{
    return c ? c->description : "";
}

VFX_API const char *
vfx_ocio_config_working_dir(const vfx_ocio_config *c)
{
    return c ? c->working_dir : "";
}

VFX_API int32_t
vfx_ocio_config_colorspace_count(const vfx_ocio_config *c)
{
    return c ? c->n_cs : 0;
}


VFX_API const char *
vfx_ocio_config_colorspace_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_cs ? c->cs[i].name : NULL;
}

VFX_API int32_t
vfx_ocio_config_colorspace_index(const vfx_ocio_config *c, const char *name)
{
    return c && name ? vfx__ocio_find_cs(c, name) : -1;
}

VFX_API int
vfx_ocio_config_colorspace_is_active(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_cs && !c->cs[i].inactive;
}

VFX_API vfx_status
vfx_ocio_config_colorspace_info(const vfx_ocio_config *c, const char *name,
                                vfx_ocio_colorspace_info *out)
{
    if (!c || !name || !out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    int32_t i = vfx__ocio_find_cs(c, name);
    if (i < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no colour space '%s'", c->src_name, name);
    const vfx__ocio_cs *cs = &c->cs[i];
    memset(out, 0, sizeof *out);
    out->name = cs->name;
    out->family = cs->family;
    out->description = cs->description;
    out->encoding = cs->encoding;
    out->isdata = cs->isdata;
    out->is_display = cs->is_display;
    out->has_to_reference = cs->to_ref != NULL;
    out->has_from_reference = cs->from_ref != NULL;
    if (cs->aliases && cs->aliases->type == YAML_SEQUENCE_NODE)
        out->n_aliases = (int32_t) (cs->aliases->data.sequence.items.top - cs->aliases->data.sequence.items.start);
    else if (cs->aliases && cs->aliases->type == YAML_SCALAR_NODE)
        out->n_aliases = 1;
    return VFX_OK;
}

VFX_API const char *
vfx_ocio_config_colorspace_alias(const vfx_ocio_config *c, int32_t i, int32_t k)
{
    if (!c || i < 0 || i >= c->n_cs || k < 0 || !c->cs[i].aliases)
        return NULL;
    const yaml_node_t *a = c->cs[i].aliases;
    if (a->type == YAML_SCALAR_NODE)
        return k == 0 ? vfx__ocio_scalar(a) : NULL;
    if (a->type != YAML_SEQUENCE_NODE || k >= a->data.sequence.items.top - a->data.sequence.items.start)
        return NULL;
    return vfx__ocio_scalar(vfx__ocio_node(c, a->data.sequence.items.start[k]));
}

VFX_API int32_t
vfx_ocio_config_role_count(const vfx_ocio_config *c)
{
    return c ? c->n_roles : 0;
}


VFX_API const char *
vfx_ocio_config_role_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_roles ? c->roles[i].key : NULL;
}

VFX_API const char *
vfx_ocio_config_role_colorspace(const vfx_ocio_config *c, const char *role)
{
    if (!c || !role)
        return NULL;
    for (int32_t r = 0; r < c->n_roles; r++)
        if (strcasecmp(c->roles[r].key, role) == 0) {
            int32_t i = find_cs_plain(c, c->roles[r].value);
            return i >= 0 ? c->cs[i].name : NULL;
        }
    return NULL;
}

VFX_API int32_t
vfx_ocio_config_display_count(const vfx_ocio_config *c)
{
    return c ? c->n_active_displays : 0;
}


VFX_API const char *
vfx_ocio_config_display_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_active_displays ? c->displays[c->active_displays[i]].name : NULL;
}

VFX_API const char *
vfx_ocio_config_default_display(const vfx_ocio_config *c)
{
    return vfx_ocio_config_display_name(c, 0);
}

VFX_API int32_t
vfx_ocio_config_view_count(const vfx_ocio_config *c, const char *display)
{
    const vfx__ocio_display *d = c ? find_display(c, display) : NULL;
    return d ? d->n_active : 0;
}

VFX_API const char *
vfx_ocio_config_view_name(const vfx_ocio_config *c, const char *display, int32_t i)
{
    const vfx__ocio_display *d = c ? find_display(c, display) : NULL;
    return d && i >= 0 && i < d->n_active ? d->views[d->active[i]].name : NULL;
}

/* The i-th active view of @p display that colour space @p cs may use (viewing rules). */
static const vfx__ocio_view *
view_for(const vfx_ocio_config *c, const char *display, const char *colorspace, int32_t i, int32_t *count)
{
    const vfx__ocio_display *d = c && display && colorspace ? find_display(c, display) : NULL;
    int32_t cs = d ? vfx__ocio_find_cs(c, colorspace) : -1, k = 0;
    const vfx__ocio_view *hit = NULL;
    if (cs >= 0)
        for (int32_t a = 0; a < d->n_active; a++)
            if (rule_admits(c, &d->views[d->active[a]], cs) && k++ == i)
                hit = &d->views[d->active[a]];
    if (count)
        *count = k;
    return hit;
}

VFX_API int32_t
vfx_ocio_config_view_count_for(const vfx_ocio_config *c, const char *display, const char *colorspace)
{
    int32_t n = 0;
    view_for(c, display, colorspace, -1, &n);
    return n;
}

VFX_API const char *
vfx_ocio_config_view_name_for(const vfx_ocio_config *c, const char *display, const char *colorspace, int32_t i)
{
    const vfx__ocio_view *v = view_for(c, display, colorspace, i, NULL);
    return v ? v->name : NULL;
}

VFX_API const char *
vfx_ocio_config_default_view(const vfx_ocio_config *c, const char *display)
{
    return vfx_ocio_config_view_name(c, display, 0);
}

VFX_API vfx_status
vfx_ocio_config_view_info(const vfx_ocio_config *c, const char *display, const char *view,
                          vfx_ocio_view_info *out)
{
    if (!c || !display || !view || !out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    const vfx__ocio_view *v = vfx__ocio_find_view(c, display, view);
    if (!v)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no view '%s' in display '%s'", c->src_name, view,
                         display);
    out->name = v->name;
    out->colorspace = v->colorspace;
    out->view_transform = v->view_transform;
    out->display_colorspace = v->display_colorspace;
    out->looks = v->looks;
    out->description = v->description;
    return VFX_OK;
}

VFX_API int32_t
vfx_ocio_config_look_count(const vfx_ocio_config *c)
{
    return c ? c->n_looks : 0;
}


VFX_API const char *
vfx_ocio_config_look_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_looks ? c->looks[i].name : NULL;
}

VFX_API int32_t
vfx_ocio_config_named_transform_count(const vfx_ocio_config *c)
{
    return c ? c->n_nts : 0;
}

VFX_API const char *
vfx_ocio_config_named_transform_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_nts ? c->nts[i].name : NULL;
}

VFX_API vfx_status
vfx_ocio_config_named_transform_info(const vfx_ocio_config *c, const char *name,
                                     vfx_ocio_named_transform_info *out)
{
    if (!c || !name || !out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    int32_t i = vfx__ocio_find_nt(c, name);
    if (i < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no named transform '%s'", c->src_name, name);
    const vfx__ocio_nt *nt = &c->nts[i];
    out->name = nt->name;
    out->family = nt->family;
    out->description = nt->description;
    out->encoding = nt->encoding;
    out->has_transform = nt->fwd != NULL;
    out->has_inverse_transform = nt->inv != NULL;
    return VFX_OK;
}

VFX_API int32_t
vfx_ocio_config_view_transform_count(const vfx_ocio_config *c)
{
    return c ? c->n_vts : 0;
}


VFX_API const char *
vfx_ocio_config_view_transform_name(const vfx_ocio_config *c, int32_t i)
{
    return c && i >= 0 && i < c->n_vts ? c->vts[i].name : NULL;
}

/* ============================================================================================
 * File rules
 * ========================================================================================== */

/* The colour space whose name (or alias) appears rightmost in @p path, longest first. */
static int32_t
path_search(const vfx_ocio_config *c, const char *path)
{
    int32_t best = -1;
    size_t best_end = 0, best_len = 0;
    for (int32_t i = 0; i < c->n_cs; i++) {
        size_t len = strlen(c->cs[i].name);
        if (!len)
            continue;
        for (const char *p = path; (p = strcasestr(p, c->cs[i].name)) != NULL; p++) {
            size_t end = (size_t) (p - path) + len;
            if (best < 0 || end > best_end || (end == best_end && len > best_len)) {
                best = i;
                best_end = end;
                best_len = len;
            }
        }
    }
    return best;
}

static const char *
extension_of(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int
rule_matches(const vfx_ocio_config *c, const yaml_node_t *r, const char *path)
{
    const char *name = str_or_empty(c, r, "name");
    const char *regex = str_or_empty(c, r, "regex");
    if (regex[0]) {
        regex_t re;
        if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0)
            return 0;
        int ok = regexec(&re, path, 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
    }
    const char *pattern = str_or_empty(c, r, "pattern"), *ext = str_or_empty(c, r, "extension");
    if (!pattern[0] && !ext[0])
        return strcasecmp(name, "Default") == 0;
    if (pattern[0] && fnmatch(pattern, path, 0) != 0)
        return 0;
    if (ext[0] && fnmatch(ext, extension_of(path), FNM_CASEFOLD) != 0)
        return 0;
    return 1;
}

VFX_API vfx_status
vfx_ocio_config_colorspace_from_path(const vfx_ocio_config *c, const char *path, const char **name_out)
{
    if (!c || !path || !name_out)
        return vfx__fail(VFX_ERR_ARG, "ocio: NULL argument");
    *name_out = NULL;
    int32_t i = -1;
    if (!c->file_rules) {
        i = path_search(c, path);
        if (i < 0)
            i = vfx__ocio_find_cs(c, "default");
    } else {
        const yaml_node_t *rules = c->file_rules;
        for (const yaml_node_item_t *it = rules->data.sequence.items.start; it < rules->data.sequence.items.top;
             it++) {
            const yaml_node_t *r = vfx__ocio_node(c, *it);
            if (!r || r->type != YAML_MAPPING_NODE)
                continue;
            const char *name = str_or_empty(c, r, "name");
            if (strcasecmp(name, "ColorSpaceNamePathSearch") == 0) {
                i = path_search(c, path);
                if (i >= 0)
                    break;
                continue;
            }
            if (rule_matches(c, r, path)) {
                i = vfx__ocio_find_cs(c, str_or_empty(c, r, "colorspace"));
                break;
            }
        }
    }
    if (i < 0)
        return vfx__fail(VFX_ERR_NOT_FOUND, "ocio: %s: no file rule gives a colour space for '%s'", c->src_name,
                         path);
    *name_out = c->cs[i].name;
    return VFX_OK;
}
