/* LUT and transform files -> processor ops: .cube (Iridas / Resolve), .spi1d, .spi3d, .spimtx,
 * .3dl (Lustre / Flame), .cc / .ccc / .cdl (ASC CDL XML).
 *
 * Every parser works on an in-memory buffer (so the fuzzers drive exactly the code files go
 * through), checks every count before allocating from it, and reports malformed input as
 * VFX_ERR_CORRUPT with "name:line: what". Input domains (.cube DOMAIN_MIN/MAX and
 * *_INPUT_RANGE, .spi1d From) become a matrix op in front of the LUT, as OCIO does, so LUT
 * ops always cover [0, 1]. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"

#define MAX_LINE 4096
#define MAX_1D (1 << 20)
#define MAX_3D 129
#define MAX_FILE ((size_t) 1 << 30)

/* ---- line reader ------------------------------------------------------------------------------ */

typedef struct reader {
    const char *p, *end;
    const char *name;
    int         line;          /* number of the line last returned */
    char        buf[MAX_LINE]; /* the current line, NUL-terminated, trimmed */
} reader;

static vfx_status
corrupt(const reader *r, const char *what)
{
    return vfx__fail(VFX_ERR_CORRUPT, "%s:%d: %s", r->name, r->line, what);
}

/* Next line into r->buf with leading/trailing blanks removed. Returns 1, 0 at the end, or -1
 * (message set) for a line too long or a NUL byte. */
static int
next_line(reader *r)
{
    if (r->p >= r->end)
        return 0;
    const char *s = r->p;
    const char *e = s;
    while (e < r->end && *e != '\n' && *e != '\r')
        e++;
    r->p = e;
    if (r->p < r->end && *r->p == '\r')
        r->p++;
    if (r->p < r->end && *r->p == '\n')
        r->p++;
    r->line++;
    while (s < e && isspace((unsigned char) *s))
        s++;
    while (e > s && isspace((unsigned char) e[-1]))
        e--;
    size_t n = (size_t) (e - s);
    if (n >= MAX_LINE) {
        corrupt(r, "line too long");
        return -1;
    }
    if (memchr(s, '\0', n)) {
        corrupt(r, "NUL byte in a text file");
        return -1;
    }
    memcpy(r->buf, s, n);
    r->buf[n] = '\0';
    return 1;
}

/* Parse up to max numbers from s; returns how many, or -1 when something that is not a number
 * is in the way (or a number is not finite). */
static int
parse_numbers(const char *s, double *out, int max)
{
    int n = 0;
    for (;;) {
        while (isspace((unsigned char) *s))
            s++;
        if (!*s)
            return n;
        if (n == max)
            return -1;
        char *e;
        errno = 0;
        double v = strtod(s, &e);
        if (e == s || !isfinite(v) || (*e && !isspace((unsigned char) *e)))
            return -1;
        out[n++] = v;
        s = e;
    }
}

static int
starts_with_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    return strncmp(line, word, n) == 0 && (line[n] == '\0' || isspace((unsigned char) line[n]));
}

/* A matrix op mapping [lo, hi] per channel onto [0, 1]; nothing when already [0, 1]. */
static vfx_status
append_domain(vfx_color_processor *p, const double lo[3], const double hi[3], const reader *r)
{
    double m[9] = { 0 }, o[3];
    int identity = 1;
    for (int c = 0; c < 3; c++) {
        if (!(hi[c] > lo[c]))
            return corrupt(r, "input domain maximum must be larger than the minimum");
        m[4 * c] = 1.0 / (hi[c] - lo[c]);
        o[c] = -lo[c] * m[4 * c];
        identity &= lo[c] == 0.0 && hi[c] == 1.0;
    }
    return identity ? VFX_OK : vfx_color_processor_append_matrix(p, m, o);
}

/* ---- .cube --------------------------------------------------------------------------------- */

static vfx_status
parse_cube(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    long size1 = 0, size3 = 0;
    double dmin[3] = { 0, 0, 0 }, dmax[3] = { 1, 1, 1 };
    double r1[2] = { 0, 1 }, r3[2] = { 0, 1 };
    int have_domain = 0, have_r1 = 0, have_r3 = 0;
    float *t1 = NULL, *t3 = NULL;
    size_t n1 = 0, n3 = 0, got = 0; /* entries expected / read */
    vfx_status s = VFX_OK;
    int k;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf;
        if (!*l || *l == '#')
            continue;
        if (isalpha((unsigned char) *l)) {
            if (got > 0) {
                s = corrupt(r, "keyword after the table data");
                goto done;
            }
            double v[3];
            int nv;
            const char *arg = l;
            while (*arg && !isspace((unsigned char) *arg))
                arg++;
            if (starts_with_word(l, "TITLE"))
                continue;
            if (starts_with_word(l, "LUT_1D_SIZE") || starts_with_word(l, "LUT_3D_SIZE")) {
                int is1 = l[4] == '1';
                if (parse_numbers(arg, v, 1) != 1 || v[0] != floor(v[0]) || v[0] < 2 ||
                    v[0] > (is1 ? MAX_1D : MAX_3D)) {
                    s = corrupt(r, is1 ? "bad LUT_1D_SIZE (2..1048576)" : "bad LUT_3D_SIZE (2..129)");
                    goto done;
                }
                if ((is1 ? size1 : size3) != 0) {
                    s = corrupt(r, "LUT size given twice");
                    goto done;
                }
                if (is1)
                    size1 = (long) v[0];
                else
                    size3 = (long) v[0];
            } else if (starts_with_word(l, "DOMAIN_MIN") || starts_with_word(l, "DOMAIN_MAX")) {
                nv = parse_numbers(arg, v, 3);
                if (nv != 3) {
                    s = corrupt(r, "DOMAIN_MIN / DOMAIN_MAX need 3 numbers");
                    goto done;
                }
                memcpy(l[8] == 'I' ? dmin : dmax, v, sizeof v);
                have_domain = 1;
            } else if (starts_with_word(l, "LUT_1D_INPUT_RANGE") ||
                       starts_with_word(l, "LUT_3D_INPUT_RANGE")) {
                nv = parse_numbers(arg, v, 2);
                if (nv != 2) {
                    s = corrupt(r, "LUT_nD_INPUT_RANGE needs 2 numbers");
                    goto done;
                }
                if (l[4] == '1') {
                    memcpy(r1, v, sizeof r1);
                    have_r1 = 1;
                } else {
                    memcpy(r3, v, sizeof r3);
                    have_r3 = 1;
                }
            } else {
                s = corrupt(r, "unknown keyword");
                goto done;
            }
            continue;
        }
        /* a data line */
        if (!t1 && !t3) {
            if (size1 == 0 && size3 == 0) {
                s = corrupt(r, "table data before LUT_1D_SIZE / LUT_3D_SIZE");
                goto done;
            }
            n1 = (size_t) size1;
            n3 = (size_t) size3 * (size_t) size3 * (size_t) size3;
            if ((n1 && !(t1 = vfx__alloc(n1 * 3 * sizeof(float)))) ||
                (n3 && !(t3 = vfx__alloc(n3 * 3 * sizeof(float))))) {
                s = vfx__nomem();
                goto done;
            }
        }
        double v[3];
        if (parse_numbers(l, v, 3) != 3) {
            s = corrupt(r, "expected 3 numbers");
            goto done;
        }
        if (got >= n1 + n3) {
            s = corrupt(r, "more table entries than the LUT size says");
            goto done;
        }
        float *dst = got < n1 ? t1 + 3 * got : t3 + 3 * (got - n1);
        for (int c = 0; c < 3; c++)
            dst[c] = (float) v[c];
        got++;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (size1 == 0 && size3 == 0) {
        s = corrupt(r, "no LUT_1D_SIZE or LUT_3D_SIZE");
        goto done;
    }
    if (got != n1 + n3) {
        char msg[128];
        snprintf(msg, sizeof msg, "expected %zu table entries, found %zu", n1 + n3, got);
        s = corrupt(r, msg);
        goto done;
    }
    if (t1) {
        double lo[3], hi[3];
        for (int c = 0; c < 3; c++) {
            lo[c] = have_r1 ? r1[0] : have_domain && !t3 ? dmin[c] : 0.0;
            hi[c] = have_r1 ? r1[1] : have_domain && !t3 ? dmax[c] : 1.0;
        }
        if ((s = append_domain(p, lo, hi, r)) != VFX_OK ||
            (s = vfx_color_processor_append_lut1d(p, t1, (int32_t) size1, 3, VFX_DIR_FORWARD)) != VFX_OK)
            goto done;
    }
    if (t3) {
        double lo[3], hi[3];
        for (int c = 0; c < 3; c++) {
            lo[c] = have_r3 ? r3[0] : have_domain ? dmin[c] : 0.0;
            hi[c] = have_r3 ? r3[1] : have_domain ? dmax[c] : 1.0;
        }
        if ((s = append_domain(p, lo, hi, r)) != VFX_OK ||
            (s = vfx_color_processor_append_lut3d(p, t3, (int32_t) size3, interp, VFX_DIR_FORWARD)) != VFX_OK)
            goto done;
    }
done:
    vfx__free(t1);
    vfx__free(t3);
    return s;
}

/* ---- .spi1d -------------------------------------------------------------------------------- */

static vfx_status
parse_spi1d(reader *r, vfx_color_processor *p)
{
    double from[2] = { 0, 1 };
    long length = -1, comps = 1;
    int k, in_table = 0, closed = 0;
    float *t = NULL;
    size_t got = 0;
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf;
        if (!*l || *l == '#')
            continue;
        double v[3];
        if (closed) {
            s = corrupt(r, "text after the closing '}'");
            goto done;
        }
        if (!in_table) {
            const char *arg = l;
            while (*arg && !isspace((unsigned char) *arg))
                arg++;
            if (starts_with_word(l, "Version")) {
                if (parse_numbers(arg, v, 1) != 1 || v[0] != 1.0) {
                    s = corrupt(r, "only 'Version 1' is known");
                    goto done;
                }
            } else if (starts_with_word(l, "From")) {
                if (parse_numbers(arg, v, 2) != 2) {
                    s = corrupt(r, "'From' needs 2 numbers");
                    goto done;
                }
                from[0] = v[0];
                from[1] = v[1];
            } else if (starts_with_word(l, "Length")) {
                if (parse_numbers(arg, v, 1) != 1 || v[0] != floor(v[0]) || v[0] < 2 || v[0] > MAX_1D) {
                    s = corrupt(r, "bad 'Length' (2..1048576)");
                    goto done;
                }
                length = (long) v[0];
            } else if (starts_with_word(l, "Components")) {
                if (parse_numbers(arg, v, 1) != 1 || (v[0] != 1.0 && v[0] != 3.0)) {
                    s = corrupt(r, "'Components' must be 1 or 3");
                    goto done;
                }
                comps = (long) v[0];
            } else if (strcmp(l, "{") == 0) {
                if (length < 0) {
                    s = corrupt(r, "'{' before 'Length'");
                    goto done;
                }
                t = vfx__alloc((size_t) length * (size_t) comps * sizeof(float));
                if (!t) {
                    s = vfx__nomem();
                    goto done;
                }
                in_table = 1;
            } else {
                s = corrupt(r, "unknown keyword");
                goto done;
            }
            continue;
        }
        if (strcmp(l, "}") == 0) {
            closed = 1;
            continue;
        }
        if (parse_numbers(l, v, 3) != comps) {
            s = corrupt(r, comps == 1 ? "expected 1 number" : "expected 3 numbers");
            goto done;
        }
        if (got >= (size_t) length) {
            s = corrupt(r, "more entries than 'Length'");
            goto done;
        }
        for (long c = 0; c < comps; c++)
            t[got * (size_t) comps + (size_t) c] = (float) v[c];
        got++;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (!in_table || !closed) {
        s = corrupt(r, in_table ? "missing '}'" : "no table ('{' ... '}')");
        goto done;
    }
    if (got != (size_t) length) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %ld entries, found %zu", length, got);
        s = corrupt(r, msg);
        goto done;
    }
    {
        double lo[3] = { from[0], from[0], from[0] }, hi[3] = { from[1], from[1], from[1] };
        if ((s = append_domain(p, lo, hi, r)) == VFX_OK)
            s = vfx_color_processor_append_lut1d(p, t, (int32_t) length, (int32_t) comps, VFX_DIR_FORWARD);
    }
done:
    vfx__free(t);
    return s;
}

/* ---- .spi3d -------------------------------------------------------------------------------- */

static vfx_status
parse_spi3d(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    int k, stage = 0;
    long n = 0;
    size_t total = 0, got = 0;
    float *t = NULL;
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf;
        if (!*l || *l == '#')
            continue;
        double v[6];
        int nv;
        if (stage == 0) {
            if (strncmp(l, "SPILUT", 6) != 0) {
                s = corrupt(r, "not an SPILUT file (first line must be 'SPILUT 1.0')");
                goto done;
            }
            stage = 1;
        } else if (stage == 1) {
            if (parse_numbers(l, v, 2) != 2 || v[0] != 3.0 || v[1] != 3.0) {
                s = corrupt(r, "expected '3 3'");
                goto done;
            }
            stage = 2;
        } else if (stage == 2) {
            if (parse_numbers(l, v, 3) != 3 || v[0] != v[1] || v[1] != v[2] || v[0] != floor(v[0]) ||
                v[0] < 2 || v[0] > MAX_3D) {
                s = corrupt(r, "expected three equal LUT sizes (2..129)");
                goto done;
            }
            n = (long) v[0];
            total = (size_t) n * (size_t) n * (size_t) n;
            t = vfx__calloc(total * 3, sizeof(float));
            if (!t) {
                s = vfx__nomem();
                goto done;
            }
            stage = 3;
        } else {
            nv = parse_numbers(l, v, 6);
            if (nv != 6) {
                s = corrupt(r, "expected 'i j k r g b'");
                goto done;
            }
            for (int c = 0; c < 3; c++) {
                if (v[c] != floor(v[c]) || v[c] < 0 || v[c] >= (double) n) {
                    s = corrupt(r, "lattice index out of range");
                    goto done;
                }
            }
            size_t idx = (size_t) v[0] + (size_t) n * ((size_t) v[1] + (size_t) n * (size_t) v[2]);
            for (int c = 0; c < 3; c++)
                t[3 * idx + (size_t) c] = (float) v[3 + c];
            got++;
        }
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (stage < 3) {
        s = corrupt(r, "truncated header");
        goto done;
    }
    if (got != total) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %zu lattice entries, found %zu", total, got);
        s = corrupt(r, msg);
        goto done;
    }
    s = vfx_color_processor_append_lut3d(p, t, (int32_t) n, interp, VFX_DIR_FORWARD);
done:
    vfx__free(t);
    return s;
}

/* ---- .spimtx: 3 rows of "m0 m1 m2 offset", offsets in 16-bit code values ------------------ */

static vfx_status
parse_spimtx(reader *r, vfx_color_processor *p)
{
    double v[12];
    int n = 0, k;
    while ((k = next_line(r)) > 0) {
        if (!r->buf[0] || r->buf[0] == '#')
            continue;
        int got = parse_numbers(r->buf, v + n, 12 - n);
        if (got < 0)
            return corrupt(r, n + 4 > 12 ? "more than 12 numbers" : "expected numbers");
        n += got;
    }
    if (k < 0)
        return VFX_ERR_CORRUPT;
    if (n != 12)
        return corrupt(r, "expected 12 numbers (3 rows of 3 coefficients and an offset)");
    double m[9], o[3];
    for (int row = 0; row < 3; row++) {
        for (int c = 0; c < 3; c++)
            m[3 * row + c] = v[4 * row + c];
        o[row] = v[4 * row + 3] / 65535.0;
    }
    return vfx_color_processor_append_matrix(p, m, o);
}

/* ---- .3dl: optional shaper line, then n^3 integer triplets, blue varying fastest ----------- */

static vfx_status
parse_3dl(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    size_t cap = 0, got = 0;
    float *t = NULL;
    double vmax = 0.0;
    int k, seen_shaper = 0;
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf;
        if (!*l || *l == '#' || strpbrk(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdfghijklmnopqrstuvwxyz"))
            continue; /* comments and keywords: 3DMESH, Mesh, LUT8, gamma ... (no 'e': 1e3) */
        double v[3];
        int nv = parse_numbers(l, v, 3);
        if (nv != 3) {
            double tmp[MAX_3D + 1];
            int ns = parse_numbers(l, tmp, MAX_3D + 1);
            if (!seen_shaper && got == 0 && ns >= 2 && ns <= MAX_3D) {
                seen_shaper = 1; /* the input shaper: uniform by convention, ignored */
                continue;
            }
            s = corrupt(r, "expected 3 integers");
            goto done;
        }
        if (got == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            if (nc > (size_t) MAX_3D * MAX_3D * MAX_3D)
                nc = (size_t) MAX_3D * MAX_3D * MAX_3D;
            if (got == nc) {
                s = corrupt(r, "too many lattice entries");
                goto done;
            }
            float *q = vfx__realloc(t, nc * 3 * sizeof(float));
            if (!q) {
                s = vfx__nomem();
                goto done;
            }
            t = q;
            cap = nc;
        }
        for (int c = 0; c < 3; c++) {
            if (v[c] < 0.0) {
                s = corrupt(r, "negative code value");
                goto done;
            }
            vmax = fmax(vmax, v[c]);
            t[3 * got + (size_t) c] = (float) v[c];
        }
        got++;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    long n = (long) floor(cbrt((double) got) + 0.5);
    if (!seen_shaper && got > 1 && (size_t) n * (size_t) n * (size_t) n != got) {
        /* a 3-entry shaper line ("0 512 1023") looks like a triplet: drop it when the rest is
         * a cube */
        long m = (long) floor(cbrt((double) (got - 1)) + 0.5);
        if ((size_t) m * (size_t) m * (size_t) m == got - 1) {
            memmove(t, t + 3, (got - 1) * 3 * sizeof(float));
            got--;
            n = m;
            vmax = 0.0;
            for (size_t i = 0; i < got * 3; i++)
                vmax = fmax(vmax, (double) t[i]);
        }
    }
    if (got == 0 || (size_t) n * (size_t) n * (size_t) n != got || n < 2) {
        char msg[128];
        snprintf(msg, sizeof msg, "%zu lattice entries is not a cube of an edge length >= 2", got);
        s = corrupt(r, msg);
        goto done;
    }
    {
        /* output depth: the smallest of 8..16 bits (even) that holds the largest value */
        double scale = 65535.0;
        for (int bits = 8; bits <= 16; bits += 2) {
            double m = ldexp(1.0, bits) - 1.0;
            if (vmax <= m) {
                scale = m;
                break;
            }
        }
        float *u = vfx__alloc(got * 3 * sizeof(float));
        if (!u) {
            s = vfx__nomem();
            goto done;
        }
        /* file order: red slowest, blue fastest -> ours: red fastest */
        size_t e = (size_t) n;
        for (size_t ri = 0; ri < e; ri++)
            for (size_t gi = 0; gi < e; gi++)
                for (size_t bi = 0; bi < e; bi++) {
                    size_t src = bi + e * (gi + e * ri), dst = ri + e * (gi + e * bi);
                    for (int c = 0; c < 3; c++)
                        u[3 * dst + (size_t) c] = (float) (t[3 * src + (size_t) c] / scale);
                }
        s = vfx_color_processor_append_lut3d(p, u, (int32_t) n, interp, VFX_DIR_FORWARD);
        vfx__free(u);
    }
done:
    vfx__free(t);
    return s;
}

/* ---- ASC CDL XML (.cc, .ccc, .cdl) ----------------------------------------------------------
 * A small scanner, not a general XML parser: comments are blanked out, then ColorCorrection
 * elements are found by name and their SOPNode / SatNode children read. Unknown elements are
 * ignored, as OCIO does (so ASC_SAT, which OCIO 2.1 does not know, is ignored too). */

static int
line_of(const char *base, const char *at)
{
    int line = 1;
    for (const char *q = base; q < at; q++)
        line += *q == '\n';
    return line;
}

static vfx_status
xml_fail(const reader *r, const char *base, const char *at, const char *what)
{
    return vfx__fail(VFX_ERR_CORRUPT, "%s:%d: %s", r->name, line_of(base, at), what);
}

/* Find "<name" followed by '>' , '/' or a blank, in [p, end). */
static const char *
find_tag(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    while (p < end) {
        const char *q = memchr(p, '<', (size_t) (end - p));
        if (!q)
            return NULL;
        if ((size_t) (end - q) > n + 1 && memcmp(q + 1, name, n) == 0) {
            char c = q[1 + n];
            if (c == '>' || c == '/' || isspace((unsigned char) c))
                return q;
        }
        p = q + 1;
    }
    return NULL;
}

/* The text between <name ...> and </name> inside [p, end): *text and *len. 0 when absent. */
static int
element_text(const char *p, const char *end, const char *name, const char **text, size_t *len,
             const char **at)
{
    const char *open = find_tag(p, end, name);
    if (!open)
        return 0;
    *at = open;
    const char *gt = memchr(open, '>', (size_t) (end - open));
    if (!gt)
        return -1;
    if (gt[-1] == '/') { /* <name/> */
        *text = gt;
        *len = 0;
        return 1;
    }
    char close[64];
    snprintf(close, sizeof close, "/%s", name);
    const char *c = find_tag(gt, end, close);
    if (!c)
        return -1;
    *text = gt + 1;
    *len = (size_t) (c - gt - 1);
    return 1;
}

static vfx_status
read_triple(const reader *r, const char *base, const char *p, const char *end, const char *name,
            double *out, int count)
{
    const char *text, *at = p;
    size_t len;
    int k = element_text(p, end, name, &text, &len, &at);
    if (k == 0)
        return VFX_OK; /* keep the default */
    char msg[96];
    if (k < 0 || len >= 512) {
        snprintf(msg, sizeof msg, "malformed <%s> element", name);
        return xml_fail(r, base, at, msg);
    }
    char buf[512];
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (parse_numbers(buf, out, count) != count) {
        snprintf(msg, sizeof msg, "<%s> needs %d number%s", name, count, count > 1 ? "s" : "");
        return xml_fail(r, base, at, msg);
    }
    return VFX_OK;
}

static vfx_status
parse_cdl_xml(reader *r, const char *cccid, vfx_color_processor *p)
{
    size_t n = (size_t) (r->end - r->p);
    char *doc = vfx__alloc(n + 1);
    if (!doc)
        return vfx__nomem();
    memcpy(doc, r->p, n);
    doc[n] = '\0';
    const char *end = doc + n;
    vfx_status s = VFX_OK;
    /* blank comments (keep newlines for line numbers) */
    for (char *c = strstr(doc, "<!--"); c; c = strstr(c, "<!--")) {
        char *e = strstr(c + 4, "-->");
        if (!e) {
            s = xml_fail(r, doc, c, "unterminated comment");
            goto done;
        }
        for (char *q = c; q < e + 3; q++)
            if (*q != '\n')
                *q = ' ';
        c = e + 3;
    }
    if (memchr(doc, '\0', n)) {
        s = vfx__fail(VFX_ERR_CORRUPT, "%s:1: NUL byte in an XML file", r->name);
        goto done;
    }
    {
        /* walk the ColorCorrection elements */
        const char *q = doc, *chosen = NULL, *chosen_end = NULL;
        int count = 0, want_index = -1, by_id = 0;
        if (cccid && *cccid) {
            char *e;
            long v = strtol(cccid, &e, 10);
            if (!*e && v >= 0 && v < 1000000)
                want_index = (int) v;
        }
        for (;;) {
            const char *cc = find_tag(q, end, "ColorCorrection");
            if (!cc)
                break;
            const char *gt = memchr(cc, '>', (size_t) (end - cc));
            if (!gt) {
                s = xml_fail(r, doc, cc, "unterminated <ColorCorrection> tag");
                goto done;
            }
            const char *ce = find_tag(gt, end, "/ColorCorrection");
            if (!ce) {
                s = xml_fail(r, doc, cc, "<ColorCorrection> without </ColorCorrection>");
                goto done;
            }
            /* the id attribute */
            char id[256] = "";
            const char *a = cc + 16;
            while (a < gt) {
                const char *idp = strstr(a, "id=");
                if (!idp || idp >= gt)
                    break;
                if (idp > cc && !isspace((unsigned char) idp[-1])) {
                    a = idp + 3;
                    continue;
                }
                char quote = idp[3];
                const char *v0 = idp + 4, *v1 = v0;
                if (quote != '"' && quote != '\'') {
                    s = xml_fail(r, doc, idp, "unquoted id attribute");
                    goto done;
                }
                while (v1 < gt && *v1 != quote)
                    v1++;
                size_t len = (size_t) (v1 - v0);
                if (v1 >= gt || len >= sizeof id) {
                    s = xml_fail(r, doc, idp, "malformed id attribute");
                    goto done;
                }
                memcpy(id, v0, len);
                id[len] = '\0';
                break;
            }
            if (!cccid || !*cccid) {
                if (!chosen) {
                    chosen = gt;
                    chosen_end = ce;
                }
            } else if (strcmp(id, cccid) == 0) {
                if (!by_id) { /* an id match wins over an index match */
                    chosen = gt;
                    chosen_end = ce;
                    by_id = 1;
                }
            } else if (count == want_index && !by_id) {
                chosen = gt;
                chosen_end = ce;
            }
            count++;
            q = ce + 1;
        }
        if (count == 0) {
            s = vfx__fail(VFX_ERR_CORRUPT, "%s:1: no <ColorCorrection> element", r->name);
            goto done;
        }
        if ((!cccid || !*cccid) && count > 1) {
            s = vfx__fail(VFX_ERR_ARG, "%s: holds %d corrections: pass a cccid (id or 0-based index)",
                          r->name, count);
            goto done;
        }
        if (!chosen) {
            s = vfx__fail(VFX_ERR_NOT_FOUND, "%s: no correction with id or index '%s'", r->name, cccid);
            goto done;
        }
        vfx_cdl cdl = { { 1, 1, 1 }, { 0, 0, 0 }, { 1, 1, 1 }, 1.0 };
        const char *text, *at;
        size_t len;
        int k = element_text(chosen, chosen_end, "SOPNode", &text, &len, &at);
        if (k < 0) {
            s = xml_fail(r, doc, at, "malformed <SOPNode>");
            goto done;
        }
        if (k > 0) {
            if ((s = read_triple(r, doc, text, text + len, "Slope", cdl.slope, 3)) != VFX_OK ||
                (s = read_triple(r, doc, text, text + len, "Offset", cdl.offset, 3)) != VFX_OK ||
                (s = read_triple(r, doc, text, text + len, "Power", cdl.power, 3)) != VFX_OK)
                goto done;
        }
        k = element_text(chosen, chosen_end, "SatNode", &text, &len, &at);
        if (k == 0)
            k = element_text(chosen, chosen_end, "SATNode", &text, &len, &at);
        if (k < 0) {
            s = xml_fail(r, doc, at, "malformed <SatNode>");
            goto done;
        }
        if (k > 0 && (s = read_triple(r, doc, text, text + len, "Saturation", &cdl.saturation, 1)) != VFX_OK)
            goto done;
        s = vfx_color_processor_append_cdl(p, &cdl, VFX_CDL_NO_CLAMP, VFX_DIR_FORWARD);
        if (s != VFX_OK && s != VFX_ERR_NOMEM) { /* values the CDL op refuses */
            vfx__error_prefix("%s: ", r->name);
            s = VFX_ERR_CORRUPT;
        }
    }
done:
    vfx__free(doc);
    return s;
}

/* ---- front ends -------------------------------------------------------------------------------- */

vfx_status
vfx_color_processor_new_from_memory(const void *data, size_t size, const char *format,
                                    const char *name, const char *cccid, vfx_interp interp,
                                    vfx_color_processor **out)
{
    if (!out || (!data && size) || !format)
        return vfx__fail(VFX_ERR_ARG, "lut: NULL argument");
    *out = NULL;
    reader *r = vfx__alloc(sizeof *r);
    if (!r)
        return vfx__nomem();
    r->p = data;
    r->end = (const char *) data + size;
    r->name = name ? name : "<memory>";
    r->line = 0;
    /* skip a UTF-8 byte order mark */
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new(&p);
    if (s == VFX_OK) {
        if (strcasecmp(format, "cube") == 0)
            s = parse_cube(r, interp, p);
        else if (strcasecmp(format, "spi1d") == 0)
            s = parse_spi1d(r, p);
        else if (strcasecmp(format, "spi3d") == 0)
            s = parse_spi3d(r, interp, p);
        else if (strcasecmp(format, "spimtx") == 0)
            s = parse_spimtx(r, p);
        else if (strcasecmp(format, "3dl") == 0)
            s = parse_3dl(r, interp, p);
        else if (strcasecmp(format, "clf") == 0 || strcasecmp(format, "ctf") == 0)
            s = vfx__parse_clf(r->p, (size_t) (r->end - r->p), r->name, interp, p);
        else if (strcasecmp(format, "cc") == 0 || strcasecmp(format, "ccc") == 0 ||
                 strcasecmp(format, "cdl") == 0)
            s = parse_cdl_xml(r, cccid, p);
        else
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: unknown LUT format '%s'", r->name, format);
    }
    vfx__free(r);
    if (s != VFX_OK) {
        vfx_color_processor_free(p);
        return s;
    }
    *out = p;
    return VFX_OK;
}

vfx_status
vfx_color_processor_new_from_file(const char *path, const char *cccid, vfx_interp interp,
                                  vfx_color_processor **out)
{
    if (!path || !out)
        return vfx__fail(VFX_ERR_ARG, "lut: NULL argument");
    *out = NULL;
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: no file extension to tell the format", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vfx__fail(VFX_ERR_IO, "lut: %s: cannot open: %s", path, strerror(errno));
    vfx_status s = VFX_OK;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
        s = vfx__fail(VFX_ERR_IO, "lut: %s: cannot seek", path);
    } else if ((size_t) n > MAX_FILE) {
        s = vfx__fail(VFX_ERR_LIMIT, "lut: %s: larger than 1 GiB", path);
    } else if (!(buf = vfx__alloc((size_t) n + 1))) {
        s = vfx__nomem();
    } else if (fread(buf, 1, (size_t) n, f) != (size_t) n) {
        s = vfx__fail(VFX_ERR_IO, "lut: %s: read error", path);
    }
    fclose(f);
    if (s == VFX_OK)
        s = vfx_color_processor_new_from_memory(buf, (size_t) n, dot + 1, path, cccid, interp, out);
    vfx__free(buf);
    return s;
}
