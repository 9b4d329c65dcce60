/* Channel lists: an ordered array of named channels with a pixel type, x/y sampling, a role
 * guessed from the name and EXR's pLinear hint. Lists are short (a handful to a few hundred
 * channels), so lookups are linear scans. */
#include <string.h>

#include "core/core_int.h"

typedef struct chan {
    char            *name; /* owned */
    vfx_pixel_type   type;
    int32_t          x_sampling, y_sampling;
    int32_t          linear;
    vfx_channel_role role;
} chan;

struct vfx_channels {
    chan   *v;
    int32_t n, cap;
};

/* ---- roles ------------------------------------------------------------------------------ */

static int
ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality (strcasecmp depends on the locale). */
static int
eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char) *a) != ascii_lower((unsigned char) *b))
            return 0;
    return *a == *b;
}

vfx_channel_role
vfx_channel_role_from_name(const char *name)
{
    if (!name)
        return VFX_ROLE_OTHER;
    const char *dot = strrchr(name, '.');
    const char *s = dot ? dot + 1 : name;
    if (!*s)
        return VFX_ROLE_OTHER;
    /* EXR: A is alpha, AR/AG/AB per-colour alpha; other tools write a/alpha. */
    if (!strcmp(s, "A") || !strcmp(s, "a") || !strcmp(s, "AR") || !strcmp(s, "AG") ||
        !strcmp(s, "AB") || eq_nocase(s, "alpha"))
        return VFX_ROLE_ALPHA;
    if (!strcmp(s, "Z") || !strcmp(s, "z") || eq_nocase(s, "depth"))
        return VFX_ROLE_DEPTH;
    if (eq_nocase(s, "ZBack"))
        return VFX_ROLE_DEPTH_BACK;
    static const char *const colour[] = { "R", "G", "B", "Y", "RY", "BY", "X",
                                          "r", "g", "b", "y" };
    for (size_t i = 0; i < VFX__COUNTOF(colour); i++)
        if (!strcmp(s, colour[i]))
            return VFX_ROLE_COLOR;
    if (eq_nocase(s, "red") || eq_nocase(s, "green") || eq_nocase(s, "blue"))
        return VFX_ROLE_COLOR;
    return VFX_ROLE_OTHER;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static int
type_ok(vfx_pixel_type t)
{
    return t >= VFX_PIXEL_U8 && t <= VFX_PIXEL_F64;
}

static vfx_status
check_index(const vfx_channels *c, int32_t i)
{
    if (!c)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL list");
    if (i < 0 || i >= c->n)
        return vfx__fail(VFX_ERR_ARG, "channels: index %d out of range [0, %d)", (int) i,
                         (int) c->n);
    return VFX_OK;
}

/* Index of @p name ignoring index @p skip, or -1. */
static int32_t
find_other(const vfx_channels *c, const char *name, int32_t skip)
{
    for (int32_t i = 0; i < c->n; i++)
        if (i != skip && !strcmp(c->v[i].name, name))
            return i;
    return -1;
}

/* Make room for one more channel. On failure the list is unchanged. */
static vfx_status
reserve_one(vfx_channels *c)
{
    if (c->n < c->cap)
        return VFX_OK;
    if (c->cap > INT32_MAX / 2)
        return vfx__fail(VFX_ERR_LIMIT, "channels: too many channels");
    int32_t cap = c->cap ? c->cap * 2 : 8;
    chan   *v = vfx__realloc(c->v, (size_t) cap * sizeof *v);
    if (!v)
        return vfx__nomem();
    c->v = v;
    c->cap = cap;
    return VFX_OK;
}

/* ---- public API ------------------------------------------------------------------------- */

vfx_status
vfx_channels_new(vfx_channels **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL out");
    *out = vfx__calloc(1, sizeof **out);
    return *out ? VFX_OK : vfx__nomem();
}

void
vfx_channels_free(vfx_channels *c)
{
    if (!c)
        return;
    for (int32_t i = 0; i < c->n; i++)
        vfx__free(c->v[i].name);
    vfx__free(c->v);
    vfx__free(c);
}

vfx_status
vfx_channels_copy(const vfx_channels *c, vfx_channels **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL out");
    *out = NULL;
    if (!c)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL list");
    vfx_channels *d = vfx__calloc(1, sizeof *d);
    if (!d)
        return vfx__nomem();
    if (c->n > 0) {
        d->v = vfx__calloc((size_t) c->n, sizeof *d->v);
        if (!d->v) {
            vfx__free(d);
            return vfx__nomem();
        }
        d->cap = c->n;
        for (; d->n < c->n; d->n++) {
            d->v[d->n] = c->v[d->n];
            d->v[d->n].name = vfx__strdup(c->v[d->n].name);
            if (!d->v[d->n].name) {
                vfx_channels_free(d);
                return vfx__nomem();
            }
        }
    }
    *out = d;
    return VFX_OK;
}

vfx_status
vfx_channels_add(vfx_channels *c, const char *name, vfx_pixel_type type, int32_t x_sampling,
                 int32_t y_sampling)
{
    if (!c)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL list");
    if (!name || !*name)
        return vfx__fail(VFX_ERR_ARG, "channels: empty channel name");
    if (!type_ok(type))
        return vfx__fail(VFX_ERR_ARG, "channels: %s: unknown pixel type %d", name, (int) type);
    if (x_sampling < 1 || y_sampling < 1)
        return vfx__fail(VFX_ERR_ARG, "channels: %s: sampling %d x %d must be >= 1", name,
                         (int) x_sampling, (int) y_sampling);
    if (find_other(c, name, -1) >= 0)
        return vfx__fail(VFX_ERR_ARG, "channels: duplicate channel name \"%s\"", name);
    VFX_TRY(reserve_one(c));
    char *dup = vfx__strdup(name);
    if (!dup)
        return vfx__nomem();
    chan *ch = &c->v[c->n++];
    ch->name = dup;
    ch->type = type;
    ch->x_sampling = x_sampling;
    ch->y_sampling = y_sampling;
    ch->linear = 0;
    ch->role = vfx_channel_role_from_name(name);
    return VFX_OK;
}

vfx_status
vfx_channels_from_names(const char *names, vfx_pixel_type type, vfx_channels **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL out");
    *out = NULL;
    if (!names)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL channel names");
    vfx_channels *c;
    VFX_TRY(vfx_channels_new(&c));
    char        name[256];
    const char *p = names;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t      len = end ? (size_t) (end - p) : strlen(p);
        /* "R, G, B" is accepted: surrounding blanks are not part of the names. */
        const char *s = p;
        while (len > 0 && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len >= sizeof name) {
            vfx_channels_free(c);
            return vfx__fail(VFX_ERR_ARG, "channels: channel name too long in \"%s\"", names);
        }
        memcpy(name, s, len);
        name[len] = 0;
        vfx_status st = vfx_channels_add(c, name, type, 1, 1);
        if (st != VFX_OK) {
            vfx_channels_free(c);
            return st;
        }
        if (!end)
            break;
        p = end + 1;
    }
    *out = c;
    return VFX_OK;
}

int32_t
vfx_channels_count(const vfx_channels *c)
{
    return c ? c->n : 0;
}

vfx_status
vfx_channels_get(const vfx_channels *c, int32_t i, vfx_channel_info *out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL out");
    VFX_TRY(check_index(c, i));
    const chan *ch = &c->v[i];
    out->name = ch->name;
    out->type = ch->type;
    out->x_sampling = ch->x_sampling;
    out->y_sampling = ch->y_sampling;
    out->role = ch->role;
    out->linear = ch->linear;
    return VFX_OK;
}

int32_t
vfx_channels_find(const vfx_channels *c, const char *name)
{
    if (!c || !name)
        return -1;
    return find_other(c, name, -1);
}

int32_t
vfx_channels_find_role(const vfx_channels *c, vfx_channel_role role)
{
    if (!c)
        return -1;
    for (int32_t i = 0; i < c->n; i++)
        if (c->v[i].role == role)
            return i;
    return -1;
}

vfx_status
vfx_channels_set_type(vfx_channels *c, int32_t i, vfx_pixel_type type)
{
    VFX_TRY(check_index(c, i));
    if (!type_ok(type))
        return vfx__fail(VFX_ERR_ARG, "channels: %s: unknown pixel type %d", c->v[i].name,
                         (int) type);
    c->v[i].type = type;
    return VFX_OK;
}

vfx_status
vfx_channels_rename(vfx_channels *c, int32_t i, const char *name)
{
    VFX_TRY(check_index(c, i));
    if (!name || !*name)
        return vfx__fail(VFX_ERR_ARG, "channels: empty channel name");
    if (find_other(c, name, i) >= 0)
        return vfx__fail(VFX_ERR_ARG, "channels: duplicate channel name \"%s\"", name);
    char *dup = vfx__strdup(name);
    if (!dup)
        return vfx__nomem();
    vfx__free(c->v[i].name);
    c->v[i].name = dup;
    c->v[i].role = vfx_channel_role_from_name(dup);
    return VFX_OK;
}

vfx_status
vfx_channels_remove(vfx_channels *c, int32_t i)
{
    VFX_TRY(check_index(c, i));
    vfx__free(c->v[i].name);
    memmove(&c->v[i], &c->v[i + 1], (size_t) (c->n - i - 1) * sizeof *c->v);
    c->n--;
    return VFX_OK;
}

int
vfx_channels_equal(const vfx_channels *a, const vfx_channels *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->n != b->n)
        return 0;
    for (int32_t i = 0; i < a->n; i++) {
        const chan *x = &a->v[i], *y = &b->v[i];
        if (strcmp(x->name, y->name) || x->type != y->type || x->x_sampling != y->x_sampling ||
            x->y_sampling != y->y_sampling)
            return 0;
    }
    return 1;
}

vfx_status
vfx__channels_set_linear(vfx_channels *c, int32_t i, int32_t linear)
{
    VFX_TRY(check_index(c, i));
    c->v[i].linear = linear ? 1 : 0;
    return VFX_OK;
}
