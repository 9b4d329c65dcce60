/* Academy CLF (v2, v3) and Autodesk CTF transform files -> processor ops.
 *
 * A small non-validating XML reader builds an index of elements (names, attributes and text as
 * spans of one NUL-terminated copy of the file, comments blanked out), then each process node
 * of the ProcessList becomes ops. Arrays are given in the node's bit depths (8i = 255 ... 32f =
 * 1); ops work on normalised values, so Matrix, LUT and Range values are rescaled here as OCIO
 * does. Process nodes not implemented yet give VFX_ERR_UNSUPPORTED naming the node; malformed
 * files give VFX_ERR_CORRUPT with "file:line: what". */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"

#define MAX_DEPTH 64
#define MAX_NODES (1 << 20)

typedef struct span {
    const char *p;
    size_t      n;
} span;

typedef struct xattr {
    span name, value;
} xattr;

typedef struct xnode {
    span    name, text;
    int32_t first_attr, n_attr;
    int32_t first_child, next; /* -1 = none */
    size_t  offset;            /* of the '<', for line numbers */
} xnode;

typedef struct xdoc {
    char    *buf; /* the file, NUL-terminated, comments blanked */
    size_t   n;
    xnode   *nodes;
    int32_t  n_nodes, cap_nodes;
    xattr   *attrs;
    int32_t  n_attrs, cap_attrs;
    const char *name;
} xdoc;

static void
xdoc_free(xdoc *d)
{
    vfx__free(d->buf);
    vfx__free(d->nodes);
    vfx__free(d->attrs);
}

static int
line_at(const xdoc *d, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off && i < d->n; i++)
        line += d->buf[i] == '\n';
    return line;
}

static vfx_status
xfail(const xdoc *d, size_t off, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    return vfx__fail(VFX_ERR_CORRUPT, "%s:%d: %s", d->name, line_at(d, off), msg);
}

static int
span_eq(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int
is_name_char(char c)
{
    return isalnum((unsigned char) c) || c == '_' || c == '-' || c == '.' || c == ':';
}

static vfx_status
push_node(xdoc *d, xnode **out)
{
    if (d->n_nodes == d->cap_nodes) {
        int32_t cap = d->cap_nodes ? d->cap_nodes * 2 : 64;
        if (cap > MAX_NODES)
            return vfx__fail(VFX_ERR_LIMIT, "%s: too many XML elements", d->name);
        xnode *q = vfx__realloc(d->nodes, (size_t) cap * sizeof *q);
        if (!q)
            return vfx__nomem();
        d->nodes = q;
        d->cap_nodes = cap;
    }
    *out = &d->nodes[d->n_nodes++];
    memset(*out, 0, sizeof **out);
    (*out)->first_child = (*out)->next = -1;
    return VFX_OK;
}

static vfx_status
push_attr(xdoc *d, span name, span value)
{
    if (d->n_attrs == d->cap_attrs) {
        int32_t cap = d->cap_attrs ? d->cap_attrs * 2 : 64;
        if (cap > MAX_NODES)
            return vfx__fail(VFX_ERR_LIMIT, "%s: too many XML attributes", d->name);
        xattr *q = vfx__realloc(d->attrs, (size_t) cap * sizeof *q);
        if (!q)
            return vfx__nomem();
        d->attrs = q;
        d->cap_attrs = cap;
    }
    d->attrs[d->n_attrs].name = name;
    d->attrs[d->n_attrs].value = value;
    d->n_attrs++;
    return VFX_OK;
}

static int
blank(span s)
{
    for (size_t i = 0; i < s.n; i++)
        if (!isspace((unsigned char) s.p[i]))
            return 0;
    return 1;
}

static vfx_status
xml_parse(xdoc *d, const char *data, size_t n)
{
    d->buf = vfx__alloc(n + 1);
    if (!d->buf)
        return vfx__nomem();
    memcpy(d->buf, data, n);
    d->buf[n] = '\0';
    d->n = n;
    if (memchr(d->buf, '\0', n))
        return xfail(d, 0, "NUL byte in an XML file", NULL);
    for (char *c = strstr(d->buf, "<!--"); c; c = strstr(c, "<!--")) {
        char *e = strstr(c + 4, "-->");
        if (!e)
            return xfail(d, (size_t) (c - d->buf), "unterminated comment", NULL);
        for (char *q = c; q < e + 3; q++)
            if (*q != '\n')
                *q = ' ';
        c = e + 3;
    }
    int32_t stack[MAX_DEPTH], depth = 0, last_child[MAX_DEPTH];
    int32_t root_last = -1;
    const char *p = d->buf, *end = d->buf + n;
    while (p < end) {
        if (*p != '<') {
            const char *t = p;
            while (p < end && *p != '<')
                p++;
            span s = { t, (size_t) (p - t) };
            if (!blank(s)) {
                if (depth == 0)
                    return xfail(d, (size_t) (t - d->buf), "text outside the root element", NULL);
                xnode *top = &d->nodes[stack[depth - 1]];
                if (!top->text.p)
                    top->text = s;
            }
            continue;
        }
        size_t off = (size_t) (p - d->buf);
        if (p[1] == '?' || p[1] == '!') {
            if (strncmp(p, "<![CDATA[", 9) == 0)
                return xfail(d, off, "CDATA sections are not supported", NULL);
            const char *e = strchr(p, '>');
            if (!e)
                return xfail(d, off, "unterminated markup", NULL);
            p = e + 1;
            continue;
        }
        if (p[1] == '/') {
            const char *q = p + 2, *nm = q;
            while (q < end && is_name_char(*q))
                q++;
            span name = { nm, (size_t) (q - nm) };
            while (q < end && isspace((unsigned char) *q))
                q++;
            if (*q != '>')
                return xfail(d, off, "malformed end tag", NULL);
            if (depth == 0)
                return xfail(d, off, "end tag without a start tag", NULL);
            xnode *top = &d->nodes[stack[depth - 1]];
            if (top->name.n != name.n || memcmp(top->name.p, name.p, name.n) != 0) {
                char want[64];
                snprintf(want, sizeof want, "%.*s", (int) VFX__MIN(top->name.n, (size_t) 60), top->name.p);
                return xfail(d, off, "end tag does not match <%s>", want);
            }
            depth--;
            p = q + 1;
            continue;
        }
        /* a start tag */
        const char *q = p + 1, *nm = q;
        while (q < end && is_name_char(*q))
            q++;
        if (q == nm)
            return xfail(d, off, "malformed tag", NULL);
        xnode *node = NULL;
        VFX_TRY(push_node(d, &node));
        int32_t idx = d->n_nodes - 1;
        node->name = (span){ nm, (size_t) (q - nm) };
        node->offset = off;
        node->first_attr = d->n_attrs;
        int self_close = 0;
        for (;;) {
            while (q < end && isspace((unsigned char) *q))
                q++;
            if (q >= end)
                return xfail(d, off, "unterminated tag", NULL);
            if (*q == '>') {
                q++;
                break;
            }
            if (*q == '/' && q[1] == '>') {
                self_close = 1;
                q += 2;
                break;
            }
            const char *an = q;
            while (q < end && is_name_char(*q))
                q++;
            span aname = { an, (size_t) (q - an) };
            while (q < end && isspace((unsigned char) *q))
                q++;
            if (aname.n == 0 || *q != '=')
                return xfail(d, off, "malformed attribute", NULL);
            q++;
            while (q < end && isspace((unsigned char) *q))
                q++;
            char quote = *q;
            if (quote != '"' && quote != '\'')
                return xfail(d, off, "unquoted attribute value", NULL);
            const char *v = ++q;
            while (q < end && *q != quote)
                q++;
            if (q >= end)
                return xfail(d, off, "unterminated attribute value", NULL);
            VFX_TRY(push_attr(d, aname, (span){ v, (size_t) (q - v) }));
            node = &d->nodes[idx]; /* (push_attr does not move nodes, but stay safe) */
            node->n_attr++;
            q++;
        }
        /* link into the tree */
        if (depth == 0) {
            if (root_last >= 0)
                return xfail(d, off, "more than one root element", NULL);
            root_last = idx;
        } else {
            int32_t parent = stack[depth - 1];
            if (d->nodes[parent].first_child < 0)
                d->nodes[parent].first_child = idx;
            else
                d->nodes[last_child[depth - 1]].next = idx;
            last_child[depth - 1] = idx;
        }
        if (!self_close) {
            if (depth == MAX_DEPTH)
                return xfail(d, off, "elements nested too deeply", NULL);
            stack[depth] = idx;
            last_child[depth] = -1;
            depth++;
        }
        p = q;
    }
    if (depth > 0)
        return xfail(d, d->nodes[stack[depth - 1]].offset, "element is not closed", NULL);
    if (root_last < 0)
        return xfail(d, 0, "no XML element", NULL);
    return VFX_OK;
}

static const span *
attr(const xdoc *d, const xnode *x, const char *name)
{
    for (int32_t i = 0; i < x->n_attr; i++)
        if (span_eq(d->attrs[x->first_attr + i].name, name))
            return &d->attrs[x->first_attr + i].value;
    return NULL;
}

static const xnode *
child(const xdoc *d, const xnode *x, const char *name)
{
    for (int32_t c = x->first_child; c >= 0; c = d->nodes[c].next)
        if (span_eq(d->nodes[c].name, name))
            return &d->nodes[c];
    return NULL;
}

/* Parse up to max numbers from a span (which lies inside the NUL-terminated buffer). */
static int
span_numbers(span s, double *out, size_t max, size_t *count)
{
    if (!s.p) { /* an element without text */
        *count = 0;
        return 0;
    }
    const char *p = s.p, *end = s.p + s.n;
    size_t n = 0;
    for (;;) {
        while (p < end && (isspace((unsigned char) *p) || *p == ','))
            p++;
        if (p >= end)
            break;
        if (n == max)
            return -1;
        char *e;
        double v = strtod(p, &e);
        if (e == p || e > end)
            return -1;
        /* CLF allows nan / inf in LUT arrays (lut3by1d_nan_infinity_example.clf) */
        out[n++] = v;
        p = e;
    }
    *count = n;
    return 0;
}

static vfx_status
attr_double(const xdoc *d, const xnode *x, const char *name, double dflt, double *out)
{
    const span *v = attr(d, x, name);
    if (!v) {
        *out = dflt;
        return VFX_OK;
    }
    size_t n;
    if (span_numbers(*v, out, 1, &n) != 0 || n != 1 || !isfinite(*out))
        return xfail(d, x->offset, "attribute %s is not a number", name);
    return VFX_OK;
}

/* "major.minor[.revision]" -> major.minor */
static vfx_status
version_attr(const xdoc *d, const xnode *x, const char *name, double *out)
{
    const span *v = attr(d, x, name);
    char buf[32];
    if (!v || v->n == 0 || v->n >= sizeof buf)
        return xfail(d, x->offset, "bad %s attribute", name);
    memcpy(buf, v->p, v->n);
    buf[v->n] = '\0';
    char *e;
    *out = strtod(buf, &e);
    if (e == buf || (*e && *e != '.') || !isfinite(*out) || *out < 0)
        return xfail(d, x->offset, "bad %s attribute", name);
    return VFX_OK;
}

static vfx_status
bit_depth_scale(const xdoc *d, const xnode *x, const char *which, double *out)
{
    const span *v = attr(d, x, which);
    if (!v)
        return xfail(d, x->offset, "missing %s", which);
    static const struct {
        const char *name;
        double      scale;
    } depths[] = { { "8i", 255.0 },   { "10i", 1023.0 }, { "12i", 4095.0 },
                   { "16i", 65535.0 }, { "16f", 1.0 },    { "32f", 1.0 } };
    for (size_t i = 0; i < VFX__COUNTOF(depths); i++) {
        if (span_eq(*v, depths[i].name)) {
            *out = depths[i].scale;
            return VFX_OK;
        }
    }
    return xfail(d, x->offset, "unknown bit depth in %s", which);
}

/* The <Array> child: its dimensions and values (allocated; caller frees). */
static vfx_status
read_array(const xdoc *d, const xnode *x, long dims[4], int *n_dims, double **values, size_t *count)
{
    const xnode *a = child(d, x, "Array");
    if (!a)
        return xfail(d, x->offset, "missing <Array>", NULL);
    const span *dim = attr(d, a, "dim");
    double dv[4];
    size_t nd;
    if (!dim || span_numbers(*dim, dv, 4, &nd) != 0 || nd < 2)
        return xfail(d, a->offset, "bad or missing dim attribute", NULL);
    size_t total = 1;
    /* a Matrix's third dimension (CLF v2 / CTF "3 3 3", "3 4 3") counts components, not values */
    size_t n_count = span_eq(x->name, "Matrix") && nd == 3 ? 2 : nd;
    for (size_t i = 0; i < nd; i++) {
        if (dv[i] != floor(dv[i]) || dv[i] < 1 || dv[i] > (1 << 24))
            return xfail(d, a->offset, "bad Array dimension", NULL);
        dims[i] = (long) dv[i];
        if (i >= n_count)
            continue;
        if (vfx__mul_size(total, (size_t) dims[i], &total) != 0 || total > ((size_t) 1 << 26))
            return xfail(d, a->offset, "Array too large", NULL);
    }
    *n_dims = (int) nd;
    *count = total;
    *values = vfx__alloc((total + 1) * sizeof(double));
    if (!*values)
        return vfx__nomem();
    size_t got;
    if (span_numbers(a->text, *values, total + 1, &got) != 0 || got != total) {
        VFX_FREE(*values);
        char msg[64];
        snprintf(msg, sizeof msg, "%zu", total);
        return xfail(d, a->offset, "Array must hold %s numbers", msg);
    }
    return VFX_OK;
}

static vfx_status
unsupported(const xdoc *d, const xnode *x, const char *what)
{
    return vfx__fail(VFX_ERR_UNSUPPORTED, "%s:%d: %s is not supported yet", d->name,
                     line_at(d, x->offset), what);
}

/* ---- process nodes ---------------------------------------------------------------------- */

static vfx_status
do_matrix(const xdoc *d, const xnode *x, double in_s, double out_s, vfx_color_processor *p)
{
    long dims[4];
    int nd;
    double *v;
    size_t n;
    VFX_TRY(read_array(d, x, dims, &nd, &v, &n));
    double m[9], o[3] = { 0, 0, 0 };
    int cols = (int) dims[1];
    vfx_status s = VFX_OK;
    int rgba = dims[0] == 4 && (cols == 4 || cols == 5) && (nd == 2 || dims[2] == 4);
    if (rgba) {
        /* CTF RGBA matrices: alpha is not ours to change, so take the RGB part when alpha does
         * not feed RGB */
        for (int r = 0; r < 3 && s == VFX_OK; r++)
            if (v[r * cols + 3] != 0.0)
                s = unsupported(d, x, "a Matrix that mixes alpha into RGB");
        if (s == VFX_OK) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++)
                    m[3 * r + c] = v[r * cols + c] * in_s / out_s;
                if (cols == 5)
                    o[r] = v[r * cols + 4] / out_s;
            }
            s = vfx_color_processor_append_matrix(p, m, o);
        }
    } else if (dims[0] != 3 || (cols != 3 && cols != 4) || (nd == 3 && dims[2] != 3) || nd > 3) {
        s = xfail(d, x->offset, "Matrix dim must be 3 3, 3 4, 4 4 or 4 5", NULL);
    } else {
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                m[3 * r + c] = v[r * cols + c] * in_s / out_s;
            if (cols == 4)
                o[r] = v[r * cols + 3] / out_s;
        }
        s = vfx_color_processor_append_matrix(p, m, o);
    }
    vfx__free(v);
    return s;
}

/* LUT entries: NaN becomes 0 and infinities the largest finite float, as OCIO does. */
static float
lut_value(double v)
{
    if (isnan(v))
        return 0.0f;
    if (v > FLT_MAX)
        return FLT_MAX;
    if (v < -FLT_MAX)
        return -FLT_MAX;
    return (float) v;
}

/* CLF v2 <IndexMap dim="2">a@i b@j</IndexMap>: input code a goes to table index i and b to j.
 * Like OCIO, only two-entry maps are read; they become a range op in front of the LUT. */
static vfx_status
index_map(const xdoc *d, const xnode *x, double in_s, long n_entries, vfx_color_processor *p)
{
    const xnode *im = child(d, x, "IndexMap");
    if (!im)
        return VFX_OK;
    const span *dim = attr(d, im, "dim");
    double dv;
    size_t nd;
    if (!dim || span_numbers(*dim, &dv, 1, &nd) != 0 || nd != 1)
        return xfail(d, im->offset, "IndexMap needs a dim attribute", NULL);
    if (dv != 2.0)
        return unsupported(d, im, "an IndexMap with other than 2 entries");
    /* "a@i b@j": blank out the '@' and read four numbers */
    char buf[256];
    if (!im->text.p || im->text.n >= sizeof buf)
        return xfail(d, im->offset, "IndexMap must hold 'a@i b@j'", NULL);
    memcpy(buf, im->text.p, im->text.n);
    buf[im->text.n] = '\0';
    int ats = 0;
    for (char *q = buf; *q; q++)
        if (*q == '@') {
            *q = ' ';
            ats++;
        }
    double v[5];
    size_t n = 0;
    span sp = { buf, strlen(buf) };
    if (ats != 2 || span_numbers(sp, v, 5, &n) != 0 || n != 4 || !(v[2] > v[0]))
        return xfail(d, im->offset, "IndexMap must hold 'a@i b@j' with a < b", NULL);
    vfx_status s = vfx_color_processor_append_range(p, v[0] / in_s, v[2] / in_s, v[1] / (double) (n_entries - 1),
                                                    v[3] / (double) (n_entries - 1), VFX_DIR_FORWARD);
    if (s == VFX_ERR_ARG) {
        vfx__error_prefix("%s:%d: ", d->name, line_at(d, im->offset));
        s = VFX_ERR_CORRUPT;
    }
    return s;
}

static vfx_status
do_lut1d(const xdoc *d, const xnode *x, double in_s, double out_s, vfx_direction dir, vfx_color_processor *p)
{
    /* the only legal value of these attributes is "true" / "dw3" */
    const span *hd = attr(d, x, "halfDomain");
    if (hd && !span_eq(*hd, "true"))
        return xfail(d, x->offset, "halfDomain must be \"true\" when present", NULL);
    const span *rh = attr(d, x, "rawHalfs");
    if (rh && !span_eq(*rh, "true"))
        return xfail(d, x->offset, "rawHalfs must be \"true\" when present", NULL);
    const span *ha = attr(d, x, "hueAdjust");
    if (ha && !span_eq(*ha, "dw3"))
        return xfail(d, x->offset, "hueAdjust must be \"dw3\" when present", NULL);
    long dims[4];
    int nd;
    double *v;
    size_t n;
    VFX_TRY(read_array(d, x, dims, &nd, &v, &n));
    vfx_status s = VFX_OK;
    /* the table's values are outputs (forward) or inputs (inverse): scale by that depth */
    double scale = dir == VFX_DIR_FORWARD ? out_s : in_s;
    if (nd != 2 || (dims[1] != 1 && dims[1] != 3) || dims[0] < 2) {
        s = xfail(d, x->offset, "LUT1D Array dim must be 'N 1' or 'N 3' with N >= 2", NULL);
    } else if (hd && dims[0] != 65536) {
        s = xfail(d, x->offset, "a half-domain LUT1D needs 65536 entries", NULL);
    } else if (!hd && (s = index_map(d, x, dir == VFX_DIR_FORWARD ? in_s : out_s, dims[0], p)) != VFX_OK) {
    } else {
        float *t = vfx__alloc(n * sizeof(float));
        if (!t) {
            s = vfx__nomem();
        } else {
            for (size_t i = 0; i < n && s == VFX_OK; i++) {
                if (rh) { /* the values are the bits of halfs */
                    if (v[i] != floor(v[i]) || v[i] < 0 || v[i] > 65535)
                        s = xfail(d, x->offset, "rawHalfs values must be integers 0..65535", NULL);
                    else
                        t[i] = lut_value(vfx_half_to_float((uint16_t) v[i]));
                } else {
                    t[i] = lut_value(v[i] / scale);
                }
            }
            if (s == VFX_OK)
                s = hd ? vfx__append_lut1d_half(p, t, (int32_t) dims[1], dir)
                       : vfx_color_processor_append_lut1d(p, t, (int32_t) dims[0], (int32_t) dims[1], dir);
            if (s == VFX_OK && ha)
                p->ops[p->n_ops - 1].u.lut1d.hue_adjust = 1;
            vfx__free(t);
        }
    }
    vfx__free(v);
    return s;
}

static vfx_status
do_lut3d(const xdoc *d, const xnode *x, double in_s, double out_s, vfx_interp interp,
         vfx_direction dir, vfx_color_processor *p)
{
    const span *ip = attr(d, x, "interpolation");
    if (ip && span_eq(*ip, "tetrahedral"))
        interp = VFX_INTERP_TETRAHEDRAL;
    else if (ip && span_eq(*ip, "trilinear"))
        interp = VFX_INTERP_LINEAR;
    long dims[4];
    int nd;
    double *v;
    size_t n;
    VFX_TRY(read_array(d, x, dims, &nd, &v, &n));
    vfx_status s = VFX_OK;
    if (nd != 4 || dims[0] != dims[1] || dims[1] != dims[2] || dims[3] != 3 || dims[0] < 2 ||
        dims[0] > 129) {
        s = xfail(d, x->offset, "LUT3D Array dim must be 'N N N 3' with 2 <= N <= 129", NULL);
    } else if (dir == VFX_DIR_FORWARD && (s = index_map(d, x, in_s, dims[0], p)) != VFX_OK) {
    } else {
        size_t e = (size_t) dims[0];
        /* the table's values are outputs (forward) or inputs (InverseLUT3D): scale by that depth */
        const double scale = dir == VFX_DIR_FORWARD ? out_s : in_s;
        float *t = vfx__alloc(n * sizeof(float));
        if (!t) {
            s = vfx__nomem();
        } else {
            /* file order: blue fastest -> ours: red fastest */
            for (size_t ri = 0; ri < e; ri++)
                for (size_t gi = 0; gi < e; gi++)
                    for (size_t bi = 0; bi < e; bi++) {
                        size_t src = bi + e * (gi + e * ri), dst = ri + e * (gi + e * bi);
                        for (int c = 0; c < 3; c++)
                            t[3 * dst + (size_t) c] = lut_value(v[3 * src + (size_t) c] / scale);
                    }
            s = vfx_color_processor_append_lut3d(p, t, (int32_t) e, interp, dir);
            vfx__free(t);
        }
    }
    vfx__free(v);
    return s;
}

static vfx_status
child_double(const xdoc *d, const xnode *x, const char *name, double *out, int *present)
{
    const xnode *c = child(d, x, name);
    *present = 0;
    if (!c)
        return VFX_OK;
    size_t n;
    if (span_numbers(c->text, out, 1, &n) != 0 || n != 1 || !isfinite(*out))
        return xfail(d, c->offset, "<%s> must hold one number", name);
    *present = 1;
    return VFX_OK;
}

static vfx_status
do_range(const xdoc *d, const xnode *x, double in_s, double out_s, vfx_color_processor *p)
{
    double v[4];
    int has[4];
    static const char *const names[4] = { "minInValue", "maxInValue", "minOutValue", "maxOutValue" };
    for (int i = 0; i < 4; i++)
        VFX_TRY(child_double(d, x, names[i], &v[i], &has[i]));
    v[0] /= in_s;
    v[1] /= in_s;
    v[2] /= out_s;
    v[3] /= out_s;
    const span *st = attr(d, x, "style");
    int clamp = !st || span_eq(*st, "Clamp") || span_eq(*st, "clamp");
    if (st && !clamp && !span_eq(*st, "noClamp"))
        return xfail(d, x->offset, "unknown Range style", NULL);
    if (has[0] != has[2] || has[1] != has[3])
        return xfail(d, x->offset, "Range needs minIn with minOut and maxIn with maxOut", NULL);
    if (!has[0] && !has[1])
        return xfail(d, x->offset, "Range without values", NULL);
    if (!clamp) {
        if (!(has[0] && has[1]))
            return xfail(d, x->offset, "a noClamp Range needs all four values", NULL);
        if (v[1] == v[0])
            return xfail(d, x->offset, "Range with minInValue == maxInValue", NULL);
        double sc = (v[3] - v[2]) / (v[1] - v[0]);
        double m[9] = { sc, 0, 0, 0, sc, 0, 0, 0, sc }, o[3];
        o[0] = o[1] = o[2] = v[2] - v[0] * sc;
        return vfx_color_processor_append_matrix(p, m, o);
    }
    if (has[0] && has[1] && v[1] == v[0])
        return xfail(d, x->offset, "Range with minInValue == maxInValue", NULL);
    return vfx_color_processor_append_range(p, has[0] ? v[0] : NAN, has[1] ? v[1] : NAN,
                                            has[0] ? v[2] : NAN, has[1] ? v[3] : NAN, VFX_DIR_FORWARD);
}

/* Parameters given per channel ("channel" attribute R, G or B) or for all channels. */
static int
param_channels(const xdoc *d, const xnode *c, int out[3])
{
    const span *ch = attr(d, c, "channel");
    if (!ch) {
        out[0] = out[1] = out[2] = 1;
        return 0;
    }
    out[0] = span_eq(*ch, "R");
    out[1] = span_eq(*ch, "G");
    out[2] = span_eq(*ch, "B");
    return out[0] || out[1] || out[2] ? 0 : -1;
}

static vfx_status
do_log(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    const span *st = attr(d, x, "style");
    if (!st)
        return xfail(d, x->offset, "Log without a style", NULL);
    if (span_eq(*st, "log10") || span_eq(*st, "log2") || span_eq(*st, "antiLog10") ||
        span_eq(*st, "antiLog2")) {
        double base = st->p[st->n - 1] == '2' ? 2.0 : 10.0;
        return vfx_color_processor_append_log(p, base, st->p[0] == 'a' ? VFX_DIR_INVERSE : VFX_DIR_FORWARD);
    }
    int camera;
    vfx_direction dir;
    if (span_eq(*st, "linToLog") || span_eq(*st, "logToLin")) {
        camera = 0;
        dir = span_eq(*st, "linToLog") ? VFX_DIR_FORWARD : VFX_DIR_INVERSE;
    } else if (span_eq(*st, "cameraLinToLog") || span_eq(*st, "cameraLogToLin")) {
        camera = 1;
        dir = span_eq(*st, "cameraLinToLog") ? VFX_DIR_FORWARD : VFX_DIR_INVERSE;
    } else {
        return xfail(d, x->offset, "unknown Log style", NULL);
    }
    vfx_log_params lp;
    lp.base = 2.0;
    for (int i = 0; i < 3; i++) {
        lp.log_slope[i] = 1.0;
        lp.log_offset[i] = 0.0;
        lp.lin_slope[i] = 1.0;
        lp.lin_offset[i] = 0.0;
        lp.lin_break[i] = NAN;
        lp.linear_slope[i] = NAN;
    }
    int seen_base = 0;
    for (int32_t ci = x->first_child; ci >= 0; ci = d->nodes[ci].next) {
        const xnode *c = &d->nodes[ci];
        if (!span_eq(c->name, "LogParams"))
            continue;
        if (attr(d, c, "gamma") || attr(d, c, "refWhite") || attr(d, c, "refBlack"))
            return unsupported(d, c, "the CTF Cineon-style Log parameters");
        int chans[3];
        if (param_channels(d, c, chans) != 0)
            return xfail(d, c->offset, "LogParams channel must be R, G or B", NULL);
        double base, ls, lo, ms, mo, brk, lsl;
        VFX_TRY(attr_double(d, c, "base", lp.base, &base));
        if (attr(d, c, "base")) {
            if (seen_base && base != lp.base)
                return unsupported(d, c, "a different Log base per channel");
            seen_base = 1;
            lp.base = base;
        }
        VFX_TRY(attr_double(d, c, "logSideSlope", 1.0, &ls));
        VFX_TRY(attr_double(d, c, "logSideOffset", 0.0, &lo));
        VFX_TRY(attr_double(d, c, "linSideSlope", 1.0, &ms));
        VFX_TRY(attr_double(d, c, "linSideOffset", 0.0, &mo));
        VFX_TRY(attr_double(d, c, "linSideBreak", NAN, &brk));
        VFX_TRY(attr_double(d, c, "linearSlope", NAN, &lsl));
        if (camera && !attr(d, c, "linSideBreak"))
            return xfail(d, c->offset, "a camera Log needs linSideBreak", NULL);
        for (int i = 0; i < 3; i++) {
            if (!chans[i])
                continue;
            lp.log_slope[i] = ls;
            lp.log_offset[i] = lo;
            lp.lin_slope[i] = ms;
            lp.lin_offset[i] = mo;
            lp.lin_break[i] = camera ? brk : NAN;
            lp.linear_slope[i] = camera ? lsl : NAN;
        }
    }
    if (camera && !isfinite(lp.lin_break[0] + lp.lin_break[1] + lp.lin_break[2]))
        return xfail(d, x->offset, "a camera Log needs LogParams with linSideBreak", NULL);
    vfx_status s = vfx_color_processor_append_log_params(p, &lp, dir);
    if (s == VFX_ERR_ARG) {
        vfx__error_prefix("%s:%d: ", d->name, line_at(d, x->offset));
        s = VFX_ERR_CORRUPT;
    }
    return s;
}

static int
span_eq_nocase(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

/* CLF <Exponent> with <ExponentParams exponent=...>, or CTF <Gamma> with <GammaParams gamma=...>
 * (same styles, "moncurve" spelt in lower case). Alpha parameters are ignored: alpha is never
 * changed by vfx processors. */
static vfx_status
do_exponent(const xdoc *d, const xnode *x, int ctf_gamma, vfx_color_processor *p)
{
    const char *params_name = ctf_gamma ? "GammaParams" : "ExponentParams";
    const char *value_name = ctf_gamma ? "gamma" : "exponent";
    const span *st = attr(d, x, "style");
    if (!st)
        return xfail(d, x->offset, "Exponent without a style", NULL);
    static const struct {
        const char        *name;
        int                moncurve;
        vfx_negative_style neg;
        vfx_direction      dir;
    } styles[] = {
        { "basicFwd", 0, VFX_NEGATIVE_CLAMP, VFX_DIR_FORWARD },
        { "basicRev", 0, VFX_NEGATIVE_CLAMP, VFX_DIR_INVERSE },
        { "basicMirrorFwd", 0, VFX_NEGATIVE_MIRROR, VFX_DIR_FORWARD },
        { "basicMirrorRev", 0, VFX_NEGATIVE_MIRROR, VFX_DIR_INVERSE },
        { "basicPassThruFwd", 0, VFX_NEGATIVE_PASS_THRU, VFX_DIR_FORWARD },
        { "basicPassThruRev", 0, VFX_NEGATIVE_PASS_THRU, VFX_DIR_INVERSE },
        { "monCurveFwd", 1, VFX_NEGATIVE_PASS_THRU, VFX_DIR_FORWARD },
        { "monCurveRev", 1, VFX_NEGATIVE_PASS_THRU, VFX_DIR_INVERSE },
        { "monCurveMirrorFwd", 1, VFX_NEGATIVE_MIRROR, VFX_DIR_FORWARD },
        { "monCurveMirrorRev", 1, VFX_NEGATIVE_MIRROR, VFX_DIR_INVERSE },
    };
    int k = -1;
    for (int i = 0; i < (int) VFX__COUNTOF(styles); i++)
        if (span_eq_nocase(*st, styles[i].name))
            k = i;
    if (k < 0)
        return xfail(d, x->offset, "unknown Exponent style", NULL);
    double g[3] = { 1, 1, 1 }, o[3] = { 0, 0, 0 };
    int any = 0;
    for (int32_t ci = x->first_child; ci >= 0; ci = d->nodes[ci].next) {
        const xnode *c = &d->nodes[ci];
        if (!span_eq(c->name, params_name))
            continue;
        int chans[3];
        const span *chn = attr(d, c, "channel");
        if (chn && span_eq(*chn, "A")) { /* validated, then ignored */
            if (!attr(d, c, value_name) || (styles[k].moncurve && !attr(d, c, "offset")))
                return xfail(d, c->offset, "alpha exponent parameters are incomplete", NULL);
            continue;
        }
        if (param_channels(d, c, chans) != 0)
            return xfail(d, c->offset, "exponent parameters: channel must be R, G or B", NULL);
        double e, off;
        if (!attr(d, c, value_name))
            return xfail(d, c->offset, "exponent parameters without the exponent", NULL);
        VFX_TRY(attr_double(d, c, value_name, 1.0, &e));
        VFX_TRY(attr_double(d, c, "offset", 0.0, &off));
        if (styles[k].moncurve && !attr(d, c, "offset"))
            return xfail(d, c->offset, "a monCurve Exponent needs an offset", NULL);
        for (int i = 0; i < 3; i++) {
            if (chans[i]) {
                g[i] = e;
                o[i] = off;
            }
        }
        any = 1;
    }
    if (!any)
        return xfail(d, x->offset, "Exponent without ExponentParams", NULL);
    vfx_status s;
    if (styles[k].moncurve) {
        for (int i = 0; i < 3; i++)
            if (g[i] < 1.0 || g[i] > 10.0 || o[i] < 0.0 || o[i] > 0.9)
                return xfail(d, x->offset, "monCurve exponent must be in [1, 10] and offset in [0, 0.9]", NULL);
        /* exponent 1 with offset 0 is the identity (per channel too); other degenerate mixes
         * are not taken by the moncurve op */
        int identity = 1;
        for (int i = 0; i < 3; i++)
            identity &= g[i] == 1.0 && o[i] == 0.0;
        if (identity)
            return VFX_OK;
        for (int i = 0; i < 3; i++)
            if ((g[i] == 1.0) != (o[i] == 0.0))
                return unsupported(d, x, "a monCurve with exponent 1 or offset 0 (but not both)");
        s = vfx_color_processor_append_moncurve(p, g, o, styles[k].neg, styles[k].dir);
    } else {
        for (int i = 0; i < 3; i++)
            if (!(g[i] >= 0.01 && g[i] <= 100.0))
                return xfail(d, x->offset, "Exponent must be in [0.01, 100]", NULL);
        s = vfx_color_processor_append_exponent(p, g, styles[k].neg, styles[k].dir);
    }
    return s;
}

static vfx_status
read_triple(const xdoc *d, const xnode *sop, const char *name, double out[3])
{
    const xnode *c = child(d, sop, name);
    if (!c)
        return xfail(d, sop->offset, "SOPNode without <%s>", name);
    size_t n;
    if (span_numbers(c->text, out, 3, &n) != 0 || n != 3)
        return xfail(d, c->offset, "<%s> needs 3 numbers", name);
    return VFX_OK;
}

static vfx_status
do_cdl(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    const span *st = attr(d, x, "style");
    vfx_cdl_style style = VFX_CDL_ASC;
    vfx_direction dir = VFX_DIR_FORWARD;
    if (!st || span_eq(*st, "Fwd") || span_eq(*st, "v1.2_Fwd")) {
    } else if (span_eq(*st, "Rev") || span_eq(*st, "v1.2_Rev")) {
        dir = VFX_DIR_INVERSE;
    } else if (span_eq(*st, "FwdNoClamp") || span_eq(*st, "noClampFwd")) {
        style = VFX_CDL_NO_CLAMP;
    } else if (span_eq(*st, "RevNoClamp") || span_eq(*st, "noClampRev")) {
        style = VFX_CDL_NO_CLAMP;
        dir = VFX_DIR_INVERSE;
    } else {
        return xfail(d, x->offset, "unknown ASC_CDL style", NULL);
    }
    vfx_cdl cdl = { { 1, 1, 1 }, { 0, 0, 0 }, { 1, 1, 1 }, 1.0 };
    const xnode *sop = child(d, x, "SOPNode");
    if (sop) {
        VFX_TRY(read_triple(d, sop, "Slope", cdl.slope));
        VFX_TRY(read_triple(d, sop, "Offset", cdl.offset));
        VFX_TRY(read_triple(d, sop, "Power", cdl.power));
    }
    const xnode *sat = child(d, x, "SatNode");
    if (sat) {
        int has;
        VFX_TRY(child_double(d, sat, "Saturation", &cdl.saturation, &has));
        if (!has)
            return xfail(d, sat->offset, "SatNode without <Saturation>", NULL);
    }
    vfx_status s = vfx_color_processor_append_cdl(p, &cdl, style, dir);
    if (s == VFX_ERR_ARG || s == VFX_ERR_UNSUPPORTED) {
        vfx__error_prefix("%s:%d: ", d->name, line_at(d, x->offset));
        s = VFX_ERR_CORRUPT;
    }
    return s;
}

/* CTF <FixedFunction style="..." params="..."/> */
static vfx_status
do_fixed(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    const span *st = attr(d, x, "style");
    static const struct {
        const char        *name;
        vfx_fixed_function f;
        vfx_direction      dir;
    } styles[] = {
        { "Rec2100SurroundFwd", VFX_FIXED_REC2100_SURROUND, VFX_DIR_FORWARD },
        { "Rec2100SurroundInv", VFX_FIXED_REC2100_SURROUND, VFX_DIR_INVERSE },
        { "RGB_TO_HSV", VFX_FIXED_RGB_TO_HSV, VFX_DIR_FORWARD },
        { "HSV_TO_RGB", VFX_FIXED_RGB_TO_HSV, VFX_DIR_INVERSE },
        { "XYZ_TO_xyY", VFX_FIXED_XYZ_TO_XYY, VFX_DIR_FORWARD },
        { "xyY_TO_XYZ", VFX_FIXED_XYZ_TO_XYY, VFX_DIR_INVERSE },
        { "XYZ_TO_uvY", VFX_FIXED_XYZ_TO_UVY, VFX_DIR_FORWARD },
        { "uvY_TO_XYZ", VFX_FIXED_XYZ_TO_UVY, VFX_DIR_INVERSE },
        { "XYZ_TO_LUV", VFX_FIXED_XYZ_TO_LUV, VFX_DIR_FORWARD },
        { "LUV_TO_XYZ", VFX_FIXED_XYZ_TO_LUV, VFX_DIR_INVERSE },
        { "Rec2100SurroundRev", VFX_FIXED_REC2100_SURROUND, VFX_DIR_INVERSE },
        { "Surround", VFX_FIXED_REC2100_SURROUND, VFX_DIR_FORWARD }, /* CTF's older name */
        { "RedMod03Fwd", VFX_FIXED_ACES_RED_MOD_03, VFX_DIR_FORWARD },
        { "RedMod03Rev", VFX_FIXED_ACES_RED_MOD_03, VFX_DIR_INVERSE },
        { "RedMod10Fwd", VFX_FIXED_ACES_RED_MOD_10, VFX_DIR_FORWARD },
        { "RedMod10Rev", VFX_FIXED_ACES_RED_MOD_10, VFX_DIR_INVERSE },
        { "Glow03Fwd", VFX_FIXED_ACES_GLOW_03, VFX_DIR_FORWARD },
        { "Glow03Rev", VFX_FIXED_ACES_GLOW_03, VFX_DIR_INVERSE },
        { "Glow10Fwd", VFX_FIXED_ACES_GLOW_10, VFX_DIR_FORWARD },
        { "Glow10Rev", VFX_FIXED_ACES_GLOW_10, VFX_DIR_INVERSE },
        { "DarkToDim10", VFX_FIXED_ACES_DARK_TO_DIM_10, VFX_DIR_FORWARD },
        { "DimToDark10", VFX_FIXED_ACES_DARK_TO_DIM_10, VFX_DIR_INVERSE },
        { "GamutComp13Fwd", VFX_FIXED_ACES_GAMUT_COMP_13, VFX_DIR_FORWARD },
        { "GamutComp13Rev", VFX_FIXED_ACES_GAMUT_COMP_13, VFX_DIR_INVERSE },
    };
    if (!st)
        return xfail(d, x->offset, "FixedFunction without a style", NULL);
    int k = -1;
    for (int i = 0; i < (int) VFX__COUNTOF(styles); i++)
        if (span_eq_nocase(*st, styles[i].name))
            k = i;
    if (k < 0) {
        char what[96];
        snprintf(what, sizeof what, "FixedFunction style %.*s", (int) VFX__MIN(st->n, (size_t) 60), st->p);
        return unsupported(d, x, what);
    }
    double param = 1.0;
    if (styles[k].f == VFX_FIXED_REC2100_SURROUND) {
        const span *pa = attr(d, x, "params");
        size_t n = 0;
        if (!pa || span_numbers(*pa, &param, 1, &n) != 0 || n != 1 || !(param > 0.0))
            return xfail(d, x->offset, "Rec2100Surround needs one positive parameter", NULL);
    }
    if (styles[k].f == VFX_FIXED_ACES_GAMUT_COMP_13) {
        const span *pa = attr(d, x, "params");
        double gc[8];
        size_t n = 0;
        if (!pa || span_numbers(*pa, gc, 8, &n) != 0 || n != 7)
            return xfail(d, x->offset, "GamutComp13 needs seven parameters", NULL);
        vfx_status s = vfx_color_processor_append_fixed_params(p, styles[k].f, gc, 7, styles[k].dir);
        if (s != VFX_OK) {
            char why[200];
            snprintf(why, sizeof why, "%s", vfx_error_message());
            return xfail(d, x->offset, "%s", why);
        }
        return s;
    }
    return vfx_color_processor_append_fixed(p, styles[k].f, param, styles[k].dir);
}

/* CTF <ExposureContrast style="linear|video|log[Rev]"><ECParams exposure contrast gamma pivot/>.
 * Dynamic parameters are read with their file values (vfx has no dynamic properties). */
static vfx_status
do_exposure_contrast(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    const span *st = attr(d, x, "style");
    static const struct {
        const char   *name;
        vfx_ec_style  style;
        vfx_direction dir;
    } styles[] = { { "linear", VFX_EC_LINEAR, VFX_DIR_FORWARD }, { "linearRev", VFX_EC_LINEAR, VFX_DIR_INVERSE },
                   { "video", VFX_EC_VIDEO, VFX_DIR_FORWARD },   { "videoRev", VFX_EC_VIDEO, VFX_DIR_INVERSE },
                   { "log", VFX_EC_LOG, VFX_DIR_FORWARD },       { "logRev", VFX_EC_LOG, VFX_DIR_INVERSE } };
    int k = -1;
    for (int i = 0; st && i < (int) VFX__COUNTOF(styles); i++)
        if (span_eq(*st, styles[i].name))
            k = i;
    if (k < 0)
        return xfail(d, x->offset, "missing or unknown ExposureContrast style", NULL);
    const xnode *ec = child(d, x, "ECParams");
    if (!ec)
        return xfail(d, x->offset, "ExposureContrast without <ECParams>", NULL);
    double e, c, g, pv, step, mid;
    if (!attr(d, ec, "exposure") || !attr(d, ec, "contrast") || !attr(d, ec, "pivot"))
        return xfail(d, ec->offset, "ECParams needs exposure, contrast and pivot", NULL);
    VFX_TRY(attr_double(d, ec, "exposure", 0.0, &e));
    VFX_TRY(attr_double(d, ec, "contrast", 1.0, &c));
    VFX_TRY(attr_double(d, ec, "gamma", 1.0, &g));
    VFX_TRY(attr_double(d, ec, "pivot", 0.18, &pv));
    VFX_TRY(attr_double(d, ec, "logExposureStep", 0.088, &step));
    VFX_TRY(attr_double(d, ec, "logMidGray", 0.435, &mid));
    if (styles[k].style == VFX_EC_LOG)
        return vfx_color_processor_append_exposure_contrast_log(p, e, c, g, pv, step, mid, styles[k].dir);
    return vfx_color_processor_append_exposure_contrast(p, styles[k].style, e, c, g, pv, styles[k].dir);
}

/* CTF <GradingPrimary style="log|linear|video[Rev]"> with <Brightness rgb="r g b" master="m"/>,
 * Contrast, Gamma, Offset, Exposure, Lift, Gain (rgb and master both required), <Pivot
 * contrast= black= white=/>, <Saturation master=/>, <Clamp black= white=/>. */
static vfx_status
grading_style(const xdoc *d, const xnode *x, vfx_grading_style *style, vfx_direction *dir)
{
    static const struct {
        const char       *name;
        vfx_grading_style style;
        vfx_direction     dir;
    } styles[] = {
        { "log", VFX_GRADING_LOG, VFX_DIR_FORWARD },     { "logRev", VFX_GRADING_LOG, VFX_DIR_INVERSE },
        { "linear", VFX_GRADING_LIN, VFX_DIR_FORWARD },  { "linearRev", VFX_GRADING_LIN, VFX_DIR_INVERSE },
        { "video", VFX_GRADING_VIDEO, VFX_DIR_FORWARD }, { "videoRev", VFX_GRADING_VIDEO, VFX_DIR_INVERSE },
    };
    const span *st = attr(d, x, "style");
    for (int i = 0; st && i < (int) VFX__COUNTOF(styles); i++) {
        if (span_eq_nocase(*st, styles[i].name)) {
            *style = styles[i].style;
            *dir = styles[i].dir;
            return VFX_OK;
        }
    }
    return xfail(d, x->offset, "missing or unknown grading style (log, linear, video, logRev, ...)", NULL);
}

static vfx_status
grading_rgbm(const xdoc *d, const xnode *x, const char *name, vfx_grading_rgbm *out)
{
    const xnode *c = child(d, x, name);
    if (!c)
        return VFX_OK;
    const span *rgb = attr(d, c, "rgb"), *m = attr(d, c, "master");
    double v[3];
    size_t n;
    if (!rgb || !m)
        return xfail(d, c->offset, "<%s> needs both rgb and master attributes", name);
    if (span_numbers(*rgb, v, 3, &n) != 0 || n != 3 || !isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]))
        return xfail(d, c->offset, "<%s> rgb must be 3 numbers", name);
    out->r = v[0];
    out->g = v[1];
    out->b = v[2];
    return attr_double(d, c, "master", 0.0, &out->master);
}

static vfx_status
do_grading_primary(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    vfx_grading_style style = VFX_GRADING_LOG;
    vfx_direction dir = VFX_DIR_FORWARD;
    VFX_TRY(grading_style(d, x, &style, &dir));
    vfx_grading_primary g;
    vfx_grading_primary_default(style, &g);
    VFX_TRY(grading_rgbm(d, x, "Brightness", &g.brightness));
    VFX_TRY(grading_rgbm(d, x, "Contrast", &g.contrast));
    VFX_TRY(grading_rgbm(d, x, "Gamma", &g.gamma));
    VFX_TRY(grading_rgbm(d, x, "Offset", &g.offset));
    VFX_TRY(grading_rgbm(d, x, "Exposure", &g.exposure));
    VFX_TRY(grading_rgbm(d, x, "Lift", &g.lift));
    VFX_TRY(grading_rgbm(d, x, "Gain", &g.gain));
    const xnode *c;
    if ((c = child(d, x, "Pivot")) != NULL) {
        if (!attr(d, c, "contrast") && !attr(d, c, "black") && !attr(d, c, "white"))
            return xfail(d, c->offset, "<Pivot> needs contrast, black or white", NULL);
        VFX_TRY(attr_double(d, c, "contrast", g.pivot, &g.pivot));
        VFX_TRY(attr_double(d, c, "black", g.pivot_black, &g.pivot_black));
        VFX_TRY(attr_double(d, c, "white", g.pivot_white, &g.pivot_white));
    }
    if ((c = child(d, x, "Saturation")) != NULL) {
        if (!attr(d, c, "master"))
            return xfail(d, c->offset, "<Saturation> needs a master attribute", NULL);
        VFX_TRY(attr_double(d, c, "master", 1.0, &g.saturation));
    }
    if ((c = child(d, x, "Clamp")) != NULL) {
        if (!attr(d, c, "black") && !attr(d, c, "white"))
            return xfail(d, c->offset, "<Clamp> needs black or white", NULL);
        VFX_TRY(attr_double(d, c, "black", g.clamp_black, &g.clamp_black));
        VFX_TRY(attr_double(d, c, "white", g.clamp_white, &g.clamp_white));
    }
    vfx_status s = vfx_color_processor_append_grading_primary(p, style, &g, dir);
    if (s == VFX_ERR_ARG) {
        vfx__error_prefix("%s:%d: ", d->name, line_at(d, x->offset));
        s = VFX_ERR_CORRUPT;
    }
    return s;
}

/* CTF <Reference path="file" [inverted="true"]/>: the ops of another transform file (any
 * format vfx reads), inverted when asked. A relative path is looked up next to the file that
 * holds the reference, then as given (relative to the working directory, where OCIO 2.1's
 * ociochecklut looks). basePath is ignored, as OCIO does. alias= names a transform of a
 * colour-management system, which a file alone cannot resolve: an error (OCIO 2.1 silently
 * skips it). References nest up to 16 deep, which also stops cycles. */
static _Thread_local int ref_depth;

static vfx_status
do_reference(const xdoc *d, const xnode *x, vfx_interp interp, vfx_color_processor *p)
{
    const span *ps = attr(d, x, "path"), *al = attr(d, x, "alias"), *inv = attr(d, x, "inverted");
    if (al && ps)
        return xfail(d, x->offset, "a Reference has both alias and path", NULL);
    if (al && attr(d, x, "basePath"))
        return xfail(d, x->offset, "a Reference has both alias and basePath", NULL);
    if (al)
        return unsupported(d, x, "a Reference by alias (it needs a colour-management system)");
    if (!ps || ps->n == 0)
        return xfail(d, x->offset, "a Reference needs a path attribute", NULL);
    if (ps->n > 4000 || memchr(ps->p, 0, ps->n))
        return xfail(d, x->offset, "a Reference path is too long", NULL);
    if (ref_depth >= 16)
        return xfail(d, x->offset, "References nest more than 16 deep (a cycle?)", NULL);
    char rel[4096], path[8192];
    memcpy(rel, ps->p, ps->n);
    rel[ps->n] = 0;
    const char *slash = strrchr(d->name, '/');
    if (rel[0] != '/' && slash)
        snprintf(path, sizeof path, "%.*s/%s", (int) (slash - d->name), d->name, rel);
    else
        snprintf(path, sizeof path, "%s", rel);
    FILE *probe = fopen(path, "rb");
    if (probe)
        fclose(probe);
    else
        snprintf(path, sizeof path, "%s", rel);
    vfx_color_processor *sub = NULL, *sub_inv = NULL;
    ref_depth++;
    vfx_status s = vfx_color_processor_new_from_file(path, NULL, interp, &sub);
    ref_depth--;
    if (s == VFX_OK && inv && span_eq(*inv, "true")) {
        s = vfx_color_processor_inverse(sub, &sub_inv);
        vfx_color_processor_free(sub);
        sub = sub_inv;
    }
    if (s == VFX_OK)
        s = vfx_color_processor_append_processor(p, sub);
    else if (s != VFX_ERR_NOMEM && ref_depth == 0) /* once, at the outermost file */
        vfx__error_prefix("%s:%d: Reference '%s': ", d->name, line_at(d, x->offset), rel);
    vfx_color_processor_free(sub);
    return s;
}

/* CTF <GradingTone style="log|linear|video[Rev]"> with <Blacks rgb= master= start= width=/>,
 * <Shadows ... start= pivot=/>, <Midtones ... center= width=/>, <Highlights ... start= pivot=/>,
 * <Whites ... start= width=/> (all four attributes required, as in OCIO) and
 * <SContrast master=/>; a missing zone keeps the style's neutral values. */
static vfx_status
grading_zone(const xdoc *d, const xnode *x, const char *name, const char *a_start, const char *a_width,
             vfx_grading_rgbmsw *z)
{
    const xnode *c = child(d, x, name);
    if (!c)
        return VFX_OK;
    vfx_grading_rgbm v;
    VFX_TRY(grading_rgbm(d, x, name, &v));
    z->r = v.r;
    z->g = v.g;
    z->b = v.b;
    z->master = v.master;
    if (!attr(d, c, a_start) || !attr(d, c, a_width)) {
        char msg[96];
        snprintf(msg, sizeof msg, "<%s> needs rgb, master, %s and %s", name, a_start, a_width);
        return xfail(d, c->offset, "%s", msg);
    }
    VFX_TRY(attr_double(d, c, a_start, z->start, &z->start));
    return attr_double(d, c, a_width, z->width, &z->width);
}

static vfx_status
do_grading_tone(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    vfx_grading_style style = VFX_GRADING_LOG;
    vfx_direction dir = VFX_DIR_FORWARD;
    VFX_TRY(grading_style(d, x, &style, &dir));
    vfx_grading_tone g;
    vfx_grading_tone_default(style, &g);
    VFX_TRY(grading_zone(d, x, "Blacks", "start", "width", &g.blacks));
    VFX_TRY(grading_zone(d, x, "Shadows", "start", "pivot", &g.shadows));
    VFX_TRY(grading_zone(d, x, "Midtones", "center", "width", &g.midtones));
    VFX_TRY(grading_zone(d, x, "Highlights", "start", "pivot", &g.highlights));
    VFX_TRY(grading_zone(d, x, "Whites", "start", "width", &g.whites));
    const xnode *c;
    if ((c = child(d, x, "SContrast")) != NULL) {
        if (!attr(d, c, "master"))
            return xfail(d, c->offset, "<SContrast> needs a master attribute", NULL);
        VFX_TRY(attr_double(d, c, "master", 1.0, &g.s_contrast));
    }
    vfx_status s = vfx_color_processor_append_grading_tone(p, style, &g, dir);
    if (s == VFX_ERR_ARG) {
        vfx__error_prefix("%s:%d: ", d->name, line_at(d, x->offset));
        s = VFX_ERR_CORRUPT;
    }
    return s;
}

/* CTF <GradingRGBCurve style="log|linear|video[Rev]" [bypassLinToLog="true"]> with <Red>,
 * <Green>, <Blue>, <Master>, each <ControlPoints>x0 y0 x1 y1 ...</ControlPoints> and optional
 * <Slopes>s0 s1 ...</Slopes>; a missing curve is the identity of the style. */
static vfx_status
do_grading_rgb_curve(const xdoc *d, const xnode *x, vfx_color_processor *p)
{
    vfx_grading_style style = VFX_GRADING_LOG;
    vfx_direction dir = VFX_DIR_FORWARD;
    VFX_TRY(grading_style(d, x, &style, &dir));
    int bypass = 0;
    const span *bp = attr(d, x, "bypassLinToLog");
    if (bp) {
        if (!span_eq_nocase(*bp, "true"))
            return xfail(d, x->offset, "bypassLinToLog must be \"true\" when present", NULL);
        bypass = 1;
    }
    vfx_grading_curve *cv = vfx__alloc(4 * sizeof *cv);
    double *v = vfx__alloc(2 * (VFX_GRADING_CURVE_MAX_POINTS + 1) * sizeof(double));
    vfx_status s = VFX_OK;
    if (!cv || !v) {
        s = vfx__nomem();
        goto done;
    }
    vfx_grading_rgb_curve_default(style, cv);
    static const char *const names[4] = { "Red", "Green", "Blue", "Master" };
    for (int c = 0; c < 4 && s == VFX_OK; c++) {
        const xnode *e = child(d, x, names[c]);
        if (!e)
            continue;
        const xnode *cp = child(d, e, "ControlPoints");
        size_t n = 0;
        if (!cp) {
            s = xfail(d, e->offset, "<%s> without <ControlPoints>", names[c]);
            break;
        }
        if (span_numbers(cp->text, v, 2 * (VFX_GRADING_CURVE_MAX_POINTS + 1), &n) != 0 || n % 2 ||
            n < 4 || n > 2 * VFX_GRADING_CURVE_MAX_POINTS) {
            s = xfail(d, cp->offset, "<ControlPoints> must hold 2 to 64 x y pairs", NULL);
            break;
        }
        memset(&cv[c], 0, sizeof cv[c]);
        cv[c].n = (int32_t) (n / 2);
        for (size_t k = 0; k < n / 2; k++) {
            cv[c].x[k] = (float) v[2 * k];
            cv[c].y[k] = (float) v[2 * k + 1];
        }
        const xnode *sl = child(d, e, "Slopes");
        if (sl) {
            size_t m = 0;
            if (span_numbers(sl->text, v, 2 * (VFX_GRADING_CURVE_MAX_POINTS + 1), &m) != 0 ||
                m != (size_t) cv[c].n) {
                s = xfail(d, sl->offset, "<Slopes> must hold one number per control point", NULL);
                break;
            }
            for (size_t k = 0; k < m; k++)
                cv[c].slope[k] = (float) v[k];
        }
    }
    if (s == VFX_OK) {
        s = vfx_color_processor_append_grading_rgb_curve(p, style, cv, bypass, dir);
        if (s == VFX_ERR_ARG) {
            vfx__error_prefix("%s:%d: ", d->name, line_at(d, x->offset));
            s = VFX_ERR_CORRUPT;
        }
    }
done:
    vfx__free(cv);
    vfx__free(v);
    return s;
}

vfx_status
vfx__parse_clf(const char *data, size_t size, const char *name, vfx_interp interp,
               vfx_color_processor *p)
{
    xdoc d;
    memset(&d, 0, sizeof d);
    d.name = name;
    vfx_status s = xml_parse(&d, data, size);
    if (s != VFX_OK)
        goto done;
    const xnode *root = &d.nodes[0];
    if (!span_eq(root->name, "ProcessList")) {
        s = xfail(&d, root->offset, "the root element must be <ProcessList>", NULL);
        goto done;
    }
    if (!attr(&d, root, "id")) {
        s = xfail(&d, root->offset, "ProcessList needs an id attribute", NULL);
        goto done;
    }
    double clf_version = 3.0, ctf_version = 1.0;
    const span *cv = attr(&d, root, "compCLFversion");
    if (cv && (s = version_attr(&d, root, "compCLFversion", &clf_version)) != VFX_OK)
        goto done;
    if (!cv && attr(&d, root, "version") &&
        (s = version_attr(&d, root, "version", &ctf_version)) != VFX_OK)
        goto done;
    if (clf_version > 3.0 || ctf_version > 2.0) {
        s = vfx__fail(VFX_ERR_UNSUPPORTED, "%s:%d: CLF / CTF version %g is newer than vfx knows",
                      d.name, line_at(&d, root->offset), cv ? clf_version : ctf_version);
        goto done;
    }
    int n_ops = 0;
    for (int32_t ci = root->first_child; ci >= 0 && s == VFX_OK; ci = d.nodes[ci].next) {
        const xnode *x = &d.nodes[ci];
        span nm = x->name;
        if (span_eq(nm, "Description") || span_eq(nm, "InputDescriptor") ||
            span_eq(nm, "OutputDescriptor") || span_eq(nm, "Id"))
            continue;
        if (span_eq(nm, "Info")) {
            double iv;
            if (attr(&d, x, "version")) {
                if ((s = version_attr(&d, x, "version", &iv)) != VFX_OK)
                    break;
                if (iv > 2.0) {
                    s = unsupported(&d, x, "an Info version above 2");
                    break;
                }
            }
            continue;
        }
        if (span_eq(nm, "Log") && cv && clf_version < 3.0) {
            s = xfail(&d, x->offset, "Log needs CLF version 3", NULL);
            break;
        }
        int is_op = span_eq(nm, "Matrix") || span_eq(nm, "LUT1D") || span_eq(nm, "InverseLUT1D") ||
                    span_eq(nm, "LUT3D") || span_eq(nm, "Range") || span_eq(nm, "Log") ||
                    span_eq(nm, "Exponent") || span_eq(nm, "Gamma") || span_eq(nm, "ASC_CDL") ||
                    span_eq(nm, "ExposureContrast") || span_eq(nm, "FixedFunction") ||
                    span_eq(nm, "GradingPrimary") || span_eq(nm, "GradingRGBCurve") ||
                    span_eq(nm, "GradingTone") || span_eq(nm, "Reference") || span_eq(nm, "InverseLUT3D");
        int known_unsupported = span_eq(nm, "Lut1D") || span_eq(nm, "Lut3D");
        if (known_unsupported) {
            char what[80];
            snprintf(what, sizeof what, "<%.*s>", (int) VFX__MIN(nm.n, (size_t) 60), nm.p);
            s = unsupported(&d, x, what);
            break;
        }
        if (!is_op) {
            char what[80];
            snprintf(what, sizeof what, "%.*s", (int) VFX__MIN(nm.n, (size_t) 60), nm.p);
            s = xfail(&d, x->offset, "unknown element <%s>", what);
            break;
        }
        if ((span_eq(nm, "LUT1D") || span_eq(nm, "LUT3D")) && child(&d, x, "IndexMap") &&
            (cv ? clf_version >= 3.0 : ctf_version >= 2.0)) {
            const xnode *im = child(&d, x, "IndexMap");
            s = xfail(&d, im->offset, "IndexMap is not allowed since CLF 3 / CTF 2", NULL);
            break;
        }
        double in_s = 1.0, out_s = 1.0;
        if ((s = bit_depth_scale(&d, x, "inBitDepth", &in_s)) != VFX_OK ||
            (s = bit_depth_scale(&d, x, "outBitDepth", &out_s)) != VFX_OK)
            break;
        n_ops++;
        if (span_eq(nm, "Matrix"))
            s = do_matrix(&d, x, in_s, out_s, p);
        else if (span_eq(nm, "LUT1D"))
            s = do_lut1d(&d, x, in_s, out_s, VFX_DIR_FORWARD, p);
        else if (span_eq(nm, "InverseLUT1D"))
            s = do_lut1d(&d, x, in_s, out_s, VFX_DIR_INVERSE, p);
        else if (span_eq(nm, "LUT3D"))
            s = do_lut3d(&d, x, in_s, out_s, interp, VFX_DIR_FORWARD, p);
        else if (span_eq(nm, "InverseLUT3D"))
            s = do_lut3d(&d, x, in_s, out_s, interp, VFX_DIR_INVERSE, p);
        else if (span_eq(nm, "Range"))
            s = do_range(&d, x, in_s, out_s, p);
        else if (span_eq(nm, "Log"))
            s = do_log(&d, x, p);
        else if (span_eq(nm, "FixedFunction"))
            s = do_fixed(&d, x, p);
        else if (span_eq(nm, "ExposureContrast"))
            s = do_exposure_contrast(&d, x, p);
        else if (span_eq(nm, "Exponent") || span_eq(nm, "Gamma"))
            s = do_exponent(&d, x, span_eq(nm, "Gamma"), p);
        else if (span_eq(nm, "GradingPrimary"))
            s = do_grading_primary(&d, x, p);
        else if (span_eq(nm, "GradingRGBCurve"))
            s = do_grading_rgb_curve(&d, x, p);
        else if (span_eq(nm, "GradingTone"))
            s = do_grading_tone(&d, x, p);
        else if (span_eq(nm, "Reference"))
            s = do_reference(&d, x, interp, p);
        else
            s = do_cdl(&d, x, p);
    }
    if (s == VFX_OK && n_ops == 0)
        s = xfail(&d, root->offset, "ProcessList without process nodes", NULL);
done:
    xdoc_free(&d);
    return s;
}
