/* LUT and transform files -> processor ops: .cube (Iridas / Resolve), .spi1d, .spi3d, .spimtx,
 * .3dl (Lustre / Flame), .csp, .itx and .look (Iridas), .mga / .m3d (Pandora), .cub (Truelight),
 * .vf (Nuke), .lut (Houdini and Discreet 1D), .cc / .ccc / .cdl (ASC CDL XML). These are
 * small text formats with no library of their own, so they are parsed here by hand.
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
        /* a 3D-only file with LUT_1D_INPUT_RANGE (as colour-science writes them) means that
         * range for the 3D table */
        int r1_for_3d = !have_r3 && !have_domain && have_r1 && !t1;
        for (int c = 0; c < 3; c++) {
            lo[c] = have_r3 ? r3[0] : have_domain ? dmin[c] : r1_for_3d ? r1[0] : 0.0;
            hi[c] = have_r3 ? r3[1] : have_domain ? dmax[c] : r1_for_3d ? r1[1] : 1.0;
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

/* ---- .csp (Rising Sun Research cineSpace) ---------------------------------------------------
 * "CSPLUTV100", "1D" or "3D", an optional BEGIN/END METADATA block, then per channel a pre-LUT
 * (count, input points, output points) and the LUT (1D: n rows of RGB; 3D: "n n n" then n^3 rows,
 * red fastest). The pre-LUT is a smooth curve through its points: quadratic on the first and
 * last segment and cubic Hermite between, with slopes from the neighbouring points (the
 * cineSpace interpolator). Like OCIO, vfx samples it into a 65536-entry 1D LUT over the
 * channel's input range (a matrix op maps that range onto [0, 1]), so results match OCIO. */

#define CSP_PRELUT_SAMPLES 65536

typedef struct csp_prelut {
    double *in, *out;
    long    n;
} csp_prelut;

static double
csp_spline(const csp_prelut *c, double x)
{
    const double *s = c->in, *v = c->out;
    long n = c->n;
    if (x < s[0])
        return v[0];
    if (x > s[n - 1])
        return v[n - 1];
    long lo = 0, hi = n - 1; /* s[lo] <= x <= s[hi] */
    while (hi - lo > 1) {
        long mid = (lo + hi) / 2;
        if (x < s[mid])
            hi = mid;
        else
            lo = mid;
    }
    long i = lo;
    double delta = s[i + 1] - s[i];
    double z = (x - s[i]) / delta, f0 = v[i], f1 = v[i + 1];
    if (n == 2)
        return f0 + z * (f1 - f0);
    if (i == 0) { /* quadratic, slope at the right end from the next point */
        double d1 = (v[2] - f0) / (1.0 + (s[2] - s[1]) / delta);
        return f0 + z * ((2.0 * (f1 - f0) - d1) + z * (f0 - f1 + d1));
    }
    double d0 = (f1 - v[i - 1]) / (1.0 + (s[i] - s[i - 1]) / delta);
    if (i == n - 2) /* quadratic, slope at the left end from the previous point */
        return f0 + z * (d0 + z * (f1 - f0 - d0));
    double d1 = (v[i + 2] - f0) / (1.0 + (s[i + 2] - s[i + 1]) / delta);
    return f0 + z * (d0 + z * (3.0 * (f1 - f0) - 2.0 * d0 - d1 + z * (2.0 * (f0 - f1) + d0 + d1)));
}

/* next non-empty line; -1 at the end */
static int
csp_line(reader *r)
{
    int k;
    while ((k = next_line(r)) > 0)
        if (r->buf[0])
            return 1;
    return k < 0 ? -2 : -1;
}

static vfx_status
parse_csp(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    csp_prelut pre[3] = { { NULL, NULL, 0 }, { NULL, NULL, 0 }, { NULL, NULL, 0 } };
    double *row = NULL;
    float *t = NULL;
    vfx_status s = VFX_OK;
    int k, is3d;
#define CSP_NEXT(what)                                                                          \
    do {                                                                                        \
        k = csp_line(r);                                                                        \
        if (k == -2) {                                                                          \
            s = VFX_ERR_CORRUPT;                                                                \
            goto done;                                                                          \
        }                                                                                       \
        if (k < 0) {                                                                            \
            s = corrupt(r, "unexpected end of file: " what);                                    \
            goto done;                                                                          \
        }                                                                                       \
    } while (0)
    CSP_NEXT("no header");
    if (strncasecmp(r->buf, "CSPLUTV100", 10) != 0) {
        s = corrupt(r, "not a cineSpace LUT (first line must be CSPLUTV100)");
        goto done;
    }
    CSP_NEXT("no 1D / 3D line");
    if (strncasecmp(r->buf, "1D", 2) != 0 && strncasecmp(r->buf, "3D", 2) != 0) {
        s = corrupt(r, "expected 1D or 3D");
        goto done;
    }
    is3d = r->buf[0] == '3';
    CSP_NEXT("no pre-LUT");
    if (strncasecmp(r->buf, "BEGIN METADATA", 14) == 0) {
        do
            CSP_NEXT("METADATA without END METADATA");
        while (strncasecmp(r->buf, "END METADATA", 12) != 0);
        CSP_NEXT("no pre-LUT");
    }
    int use_pre = 0;
    for (int c = 0; c < 3; c++) {
        if (c > 0)
            CSP_NEXT("pre-LUT missing");
        double v;
        if (parse_numbers(r->buf, &v, 1) != 1 || v != floor(v) || v < 0 || v > MAX_1D) {
            s = corrupt(r, "bad pre-LUT point count");
            goto done;
        }
        long n = (long) v;
        pre[c].n = n >= 2 ? n : 2;
        pre[c].in = vfx__alloc((size_t) pre[c].n * sizeof(double));
        pre[c].out = vfx__alloc((size_t) pre[c].n * sizeof(double));
        if (!pre[c].in || !pre[c].out) {
            s = vfx__nomem();
            goto done;
        }
        if (n < 2) { /* identity */
            pre[c].in[0] = pre[c].out[0] = 0.0;
            pre[c].in[1] = pre[c].out[1] = 1.0;
            continue;
        }
        for (int side = 0; side < 2; side++) {
            /* a row of n numbers may exceed the line buffer: read it in place */
            CSP_NEXT("pre-LUT points missing");
            double *dst = side ? pre[c].out : pre[c].in;
            if (parse_numbers(r->buf, dst, (int) n) != (int) n) {
                s = corrupt(r, "pre-LUT line must hold the stated number of points");
                goto done;
            }
        }
        for (long i = 1; i < n; i++) {
            if (!(pre[c].in[i] > pre[c].in[i - 1])) {
                s = corrupt(r, "pre-LUT input points must increase");
                goto done;
            }
        }
        for (long i = 0; i < n; i++)
            if (fabs(pre[c].in[i] - pre[c].out[i]) > 1e-6 * fabs(pre[c].in[i]))
                use_pre = 1;
    }
    if (use_pre) {
        float *pt = vfx__alloc((size_t) CSP_PRELUT_SAMPLES * 3 * sizeof(float));
        if (!pt) {
            s = vfx__nomem();
            goto done;
        }
        double lo[3], hi[3];
        for (int c = 0; c < 3; c++) {
            lo[c] = pre[c].in[0];
            hi[c] = pre[c].in[pre[c].n - 1];
            for (int i = 0; i < CSP_PRELUT_SAMPLES; i++) {
                /* the sample positions in f32, as OCIO computes them */
                float u = (float) i / (float) (CSP_PRELUT_SAMPLES - 1);
                float x = (float) lo[c] + u * ((float) hi[c] - (float) lo[c]);
                pt[3 * i + c] = (float) csp_spline(&pre[c], (double) x);
            }
        }
        s = append_domain(p, lo, hi, r);
        if (s == VFX_OK)
            s = vfx_color_processor_append_lut1d(p, pt, CSP_PRELUT_SAMPLES, 3, VFX_DIR_FORWARD);
        vfx__free(pt);
        if (s != VFX_OK)
            goto done;
    }
    CSP_NEXT("no LUT size");
    double dv[3];
    long n;
    if (is3d) {
        if (parse_numbers(r->buf, dv, 3) != 3 || dv[0] != dv[1] || dv[1] != dv[2] ||
            dv[0] != floor(dv[0]) || dv[0] < 2 || dv[0] > MAX_3D) {
            s = corrupt(r, "expected three equal 3D LUT sizes (2..129)");
            goto done;
        }
        n = (long) dv[0];
    } else {
        if (parse_numbers(r->buf, dv, 1) != 1 || dv[0] != floor(dv[0]) || dv[0] < 2 || dv[0] > MAX_1D) {
            s = corrupt(r, "bad 1D LUT size (2..1048576)");
            goto done;
        }
        n = (long) dv[0];
    }
    size_t count = is3d ? (size_t) n * (size_t) n * (size_t) n : (size_t) n;
    t = vfx__alloc(count * 3 * sizeof(float));
    if (!t) {
        s = vfx__nomem();
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        CSP_NEXT("LUT rows missing");
        if (parse_numbers(r->buf, dv, 3) != 3) {
            s = corrupt(r, "expected 3 numbers");
            goto done;
        }
        for (int c = 0; c < 3; c++)
            t[3 * i + (size_t) c] = (float) dv[c];
    }
    s = is3d ? vfx_color_processor_append_lut3d(p, t, (int32_t) n, interp, VFX_DIR_FORWARD)
             : vfx_color_processor_append_lut1d(p, t, (int32_t) n, 3, VFX_DIR_FORWARD);
#undef CSP_NEXT
done:
    for (int c = 0; c < 3; c++) {
        vfx__free(pre[c].in);
        vfx__free(pre[c].out);
    }
    vfx__free(row);
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

/* ---- shared helpers of the formats below ---------------------------------------------------- */

/* Edge length of a cube of @p count entries, 0 when @p count is not a cube of 2..129. */
static long
cube_edge(size_t count)
{
    for (long e = 2; e <= MAX_3D; e++)
        if ((size_t) e * (size_t) e * (size_t) e == count)
            return e;
    return 0;
}

/* Append a 3D LUT of edge @p e whose entries are in file order, blue fastest (@p blue_fastest)
 * or red fastest, each scaled by @p scale. */
static vfx_status
append_lut3d_order(vfx_color_processor *p, const float *t, long e, int blue_fastest, double scale,
                   vfx_interp interp)
{
    size_t n = (size_t) e;
    float *u = vfx__alloc(n * n * n * 3 * sizeof(float));
    if (!u)
        return vfx__nomem();
    for (size_t ri = 0; ri < n; ri++)
        for (size_t gi = 0; gi < n; gi++)
            for (size_t bi = 0; bi < n; bi++) {
                size_t dst = ri + n * (gi + n * bi);
                size_t src = blue_fastest ? bi + n * (gi + n * ri) : dst;
                for (int c = 0; c < 3; c++)
                    u[3 * dst + (size_t) c] = (float) (t[3 * src + (size_t) c] * scale);
            }
    vfx_status s = vfx_color_processor_append_lut3d(p, u, (int32_t) e, interp, VFX_DIR_FORWARD);
    vfx__free(u);
    return s;
}

/* A growable float array for formats that give no count up front. */
typedef struct fvec {
    float *v;
    size_t n, cap, max; /* max: the most values the format allows */
} fvec;

static vfx_status
fvec_push(fvec *a, const reader *r, const double *v, int count)
{
    if (a->n + (size_t) count > a->max)
        return corrupt(r, "more table values than the format allows");
    if (a->n + (size_t) count > a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 3072;
        while (nc < a->n + (size_t) count)
            nc *= 2;
        if (nc > a->max)
            nc = a->max;
        float *q = vfx__realloc(a->v, nc * sizeof(float));
        if (!q)
            return vfx__nomem();
        a->v = q;
        a->cap = nc;
    }
    for (int i = 0; i < count; i++)
        a->v[a->n++] = (float) v[i];
    return VFX_OK;
}

/* The first word of @p l lower-cased into @p w (at most n - 1 chars); returns the rest. */
static const char *
first_word(const char *l, char *w, size_t n)
{
    size_t k = 0;
    while (*l && !isspace((unsigned char) *l)) {
        if (k + 1 < n)
            w[k++] = (char) tolower((unsigned char) *l);
        l++;
    }
    w[k] = '\0';
    return l;
}

static int
is_int(double v, double lo, double hi)
{
    return v == floor(v) && v >= lo && v <= hi;
}

/* ---- .itx (Iridas): LUT_3D_SIZE n, then n^3 RGB rows, red fastest --------------------------- */

static vfx_status
parse_itx(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    long size = 0;
    fvec a = { NULL, 0, 0, 0 };
    vfx_status s = VFX_OK;
    int k;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf, w[32];
        if (!*l || *l == '#')
            continue;
        const char *arg = first_word(l, w, sizeof w);
        double v[3];
        if (strcmp(w, "lut_3d_size") == 0) {
            if (size) {
                s = corrupt(r, "LUT_3D_SIZE given twice");
                goto done;
            }
            if (parse_numbers(arg, v, 1) != 1 || !is_int(v[0], 2, MAX_3D)) {
                s = corrupt(r, "bad LUT_3D_SIZE (2..129)");
                goto done;
            }
            size = (long) v[0];
            a.max = (size_t) size * (size_t) size * (size_t) size * 3;
            continue;
        }
        if (!size) {
            if (isalpha((unsigned char) *l))
                continue; /* other keywords (TITLE, ...) are ignored, as OCIO does */
            s = corrupt(r, "table data before LUT_3D_SIZE");
            goto done;
        }
        if (parse_numbers(l, v, 3) != 3) {
            s = corrupt(r, "expected 3 numbers");
            goto done;
        }
        if ((s = fvec_push(&a, r, v, 3)) != VFX_OK)
            goto done;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (!size) {
        s = corrupt(r, "no LUT_3D_SIZE");
        goto done;
    }
    if (a.n != a.max) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %zu table entries, found %zu", a.max / 3, a.n / 3);
        s = corrupt(r, msg);
        goto done;
    }
    s = append_lut3d_order(p, a.v, size, 0, 1.0, interp);
done:
    vfx__free(a.v);
    return s;
}

/* ---- .look (Iridas look XML): <look> ... <LUT><size>"n"</size><data>"hex"</data></LUT> ---------
 * The data is n^3 RGB triplets of little-endian f32 written as 8 hex digits each, red fastest.
 * The <shaders> that made the LUT are ignored; a non-empty <mask> cannot be applied. */

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static vfx_status
parse_look(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    const char *doc = r->p, *end = r->end;
    if (memchr(doc, '\0', (size_t) (end - doc)))
        return vfx__fail(VFX_ERR_CORRUPT, "%s:1: NUL byte in an XML file", r->name);
    const char *look = find_tag(doc, end, "look");
    if (!look)
        return vfx__fail(VFX_ERR_CORRUPT, "%s:1: no <look> element", r->name);
    const char *look_end = find_tag(look, end, "/look");
    if (!look_end)
        return xml_fail(r, doc, look, "<look> without </look>");
    const char *from = look;
    const char *sh = find_tag(look, look_end, "shaders"), *sh_end;
    if (sh && (sh_end = find_tag(sh, look_end, "/shaders")) != NULL)
        from = sh_end;
    const char *text, *at = look, *mask;
    size_t len;
    int k = element_text(look, look_end, "mask", &text, &len, &at);
    if (k > 0 && (mask = memchr(text, '<', len)) != NULL)
        return xml_fail(r, doc, mask, "a .look with a <mask> cannot be applied as a LUT");
    const char *lut_text;
    size_t lut_len;
    k = element_text(from, look_end, "LUT", &lut_text, &lut_len, &at);
    if (k <= 0)
        return xml_fail(r, doc, k < 0 ? at : look, k < 0 ? "malformed <LUT>" : "no <LUT> element");
    const char *lut_end = lut_text + lut_len;
    k = element_text(lut_text, lut_end, "size", &text, &len, &at);
    if (k <= 0)
        return xml_fail(r, doc, k < 0 ? at : lut_text, k < 0 ? "malformed <size>" : "no <size> in <LUT>");
    char buf[64];
    size_t bn = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '"' && text[i] != '\'' && bn + 1 < sizeof buf)
            buf[bn++] = text[i];
    buf[bn] = '\0';
    double v;
    if (parse_numbers(buf, &v, 1) != 1 || !is_int(v, 2, MAX_3D))
        return xml_fail(r, doc, at, "<size> must be a (quoted) integer in 2..129");
    long e = (long) v;
    size_t want = (size_t) e * (size_t) e * (size_t) e * 3;
    k = element_text(lut_text, lut_end, "data", &text, &len, &at);
    if (k <= 0)
        return xml_fail(r, doc, k < 0 ? at : lut_text, k < 0 ? "malformed <data>" : "no <data> in <LUT>");
    float *t = vfx__alloc(want * sizeof(float));
    if (!t)
        return vfx__nomem();
    size_t got = 0;
    int nd = 0;
    uint32_t word = 0;
    vfx_status s = VFX_OK;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (isspace((unsigned char) c) || c == '"' || c == '\'')
            continue;
        int d = hex_digit(c);
        if (d < 0) {
            s = xml_fail(r, doc, text + i, "non-hex character in <data>");
            goto done;
        }
        /* two hex digits per byte, bytes in little-endian order */
        int byte = nd / 2, hi = (nd % 2) == 0;
        word |= (uint32_t) d << (8 * byte + (hi ? 4 : 0));
        if (++nd == 8) {
            if (got == want) {
                s = xml_fail(r, doc, text + i, "more <data> values than <size>^3 RGB triplets");
                goto done;
            }
            float f;
            memcpy(&f, &word, sizeof f);
            t[got++] = f;
            nd = 0;
            word = 0;
        }
    }
    if (nd != 0 || got != want) {
        char msg[128];
        snprintf(msg, sizeof msg, "<data> holds %zu values%s, expected %zu", got,
                 nd ? " and a partial one" : "", want);
        s = xml_fail(r, doc, at, msg);
        goto done;
    }
    for (size_t i = 0; i < want; i++)
        if (!isfinite(t[i])) {
            s = xml_fail(r, doc, at, "<data> holds a value that is not finite");
            goto done;
        }
    s = append_lut3d_order(p, t, e, 0, 1.0, interp);
done:
    vfx__free(t);
    return s;
}

/* ---- .mga / .m3d (Pandora): "in N" "out M" "format lut" "values red green blue", then N rows
 * "index r g b" of integers, blue fastest; outputs are codes over 0..M-1. ----------------------- */

static vfx_status
parse_pandora(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    long in = 0, out = 0;
    int in_table = 0, k;
    fvec a = { NULL, 0, 0, 0 };
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf, w[32];
        if (!*l || *l == '#')
            continue;
        const char *arg = first_word(l, w, sizeof w);
        double v[4];
        char w2[32];
        if (strcmp(w, "channel") == 0) {
            first_word(arg + strspn(arg, " \t"), w2, sizeof w2);
            if (strcmp(w2, "3d") != 0) {
                s = corrupt(r, "only 3D LUTs are supported ('channel 3d')");
                goto done;
            }
        } else if (strcmp(w, "in") == 0) {
            if (parse_numbers(arg, v, 1) != 1 || !is_int(v[0], 8, (double) MAX_3D * MAX_3D * MAX_3D) ||
                !cube_edge((size_t) v[0])) {
                s = corrupt(r, "'in' must be the cube of an edge length in 2..129");
                goto done;
            }
            in = (long) v[0];
            a.max = (size_t) in * 3;
        } else if (strcmp(w, "out") == 0) {
            if (parse_numbers(arg, v, 1) != 1 || !is_int(v[0], 2, 1 << 30)) {
                s = corrupt(r, "'out' must be an integer >= 2 (number of output codes)");
                goto done;
            }
            out = (long) v[0];
        } else if (strcmp(w, "format") == 0) {
            first_word(arg + strspn(arg, " \t"), w2, sizeof w2);
            if (strcmp(w2, "lut") != 0) {
                s = corrupt(r, "only 'format lut' is supported");
                goto done;
            }
        } else if (strcmp(w, "values") == 0) {
            char w3[32], w4[32];
            const char *q = first_word(arg + strspn(arg, " \t"), w2, sizeof w2);
            q = first_word(q + strspn(q, " \t"), w3, sizeof w3);
            q = first_word(q + strspn(q, " \t"), w4, sizeof w4);
            if (strcmp(w2, "red") || strcmp(w3, "green") || strcmp(w4, "blue") || *(q + strspn(q, " \t"))) {
                s = corrupt(r, "only 'values red green blue' is supported");
                goto done;
            }
            if (!in) {
                s = corrupt(r, "'values' before 'in'");
                goto done;
            }
            in_table = 1;
        } else if (in_table) {
            if (parse_numbers(l, v, 4) != 4 || !is_int(v[0], 0, 1e9) || !is_int(v[1], -1e9, 1e9) ||
                !is_int(v[2], -1e9, 1e9) || !is_int(v[3], -1e9, 1e9)) {
                s = corrupt(r, "expected 4 integers 'index red green blue'");
                goto done;
            }
            if ((s = fvec_push(&a, r, v + 1, 3)) != VFX_OK)
                goto done;
        } else {
            s = corrupt(r, "unknown keyword");
            goto done;
        }
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (!in_table) {
        s = corrupt(r, "no 'values red green blue' table");
        goto done;
    }
    if (out < 2) {
        s = corrupt(r, "no 'out' line");
        goto done;
    }
    if (a.n != a.max) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %ld table rows, found %zu", in, a.n / 3);
        s = corrupt(r, msg);
        goto done;
    }
    s = append_lut3d_order(p, a.v, cube_edge((size_t) in), 1, 1.0 / (double) (out - 1), interp);
done:
    vfx__free(a.v);
    return s;
}

/* ---- .cub (FilmLight Truelight cube v2.0): "# Truelight Cube", "# width n n n",
 * "# lutLength m", "# InputLUT" m RGB rows (a shaper in 3D-lattice units 0..n-1), "# Cube" n^3
 * RGB rows red fastest, "# end". ----------------------------------------------------------------- */

static vfx_status
parse_cub(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    long n3 = 0, n1 = 0;
    int section = 0, k, first = 1; /* section: 0 header, 1 input LUT, 3 cube */
    fvec a1 = { NULL, 0, 0, 0 }, a3 = { NULL, 0, 0, 0 };
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf;
        if (first) {
            if (strncasecmp(l, "# truelight cube", 16) != 0) {
                s = corrupt(r, "not a Truelight cube (first line must be '# Truelight Cube v2.0')");
                goto done;
            }
            first = 0;
            continue;
        }
        if (!*l)
            continue;
        double v[3];
        if (*l == '#') {
            char w[32];
            const char *arg = first_word(l + 1 + strspn(l + 1, " \t"), w, sizeof w);
            if (strcmp(w, "width") == 0) {
                if (parse_numbers(arg, v, 3) != 3 || v[0] != v[1] || v[1] != v[2] || !is_int(v[0], 2, MAX_3D)) {
                    s = corrupt(r, "'# width' needs three equal sizes in 2..129");
                    goto done;
                }
                n3 = (long) v[0];
                a3.max = (size_t) n3 * (size_t) n3 * (size_t) n3 * 3;
            } else if (strcmp(w, "lutlength") == 0) {
                if (parse_numbers(arg, v, 1) != 1 || !is_int(v[0], 2, MAX_1D)) {
                    s = corrupt(r, "'# lutLength' must be an integer in 2..1048576");
                    goto done;
                }
                n1 = (long) v[0];
                a1.max = (size_t) n1 * 3;
            } else if (strcmp(w, "inputlut") == 0) {
                section = 1;
            } else if (strcmp(w, "cube") == 0) {
                section = 3;
            } else if (strcmp(w, "end") == 0) {
                break;
            }
            continue; /* other comments (iDims, oDims, ...) */
        }
        if (section == 0) {
            s = corrupt(r, "data outside an '# InputLUT' or '# Cube' section");
            goto done;
        }
        if (parse_numbers(l, v, 3) != 3) {
            s = corrupt(r, "expected 3 numbers");
            goto done;
        }
        if (section == 1 && !n1) {
            s = corrupt(r, "'# InputLUT' data before '# lutLength'");
            goto done;
        }
        if (section == 3 && !n3) {
            s = corrupt(r, "'# Cube' data before '# width'");
            goto done;
        }
        if ((s = fvec_push(section == 1 ? &a1 : &a3, r, v, 3)) != VFX_OK)
            goto done;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (first) {
        s = corrupt(r, "empty file");
        goto done;
    }
    if (!n1 && !n3) {
        s = corrupt(r, "neither '# lutLength' nor '# width': no LUT");
        goto done;
    }
    if (a1.n != a1.max || a3.n != a3.max) {
        char msg[128];
        if (a1.n != a1.max)
            snprintf(msg, sizeof msg, "the input LUT has %zu rows, '# lutLength' says %ld", a1.n / 3, n1);
        else
            snprintf(msg, sizeof msg, "the cube has %zu rows, '# width' says %ld^3", a3.n / 3, n3);
        s = corrupt(r, msg);
        goto done;
    }
    if (n1) {
        /* the shaper feeds lattice coordinates 0..n-1: bring it to 0..1 */
        float descale = n3 ? 1.0f / (float) (n3 - 1) : 1.0f;
        for (size_t i = 0; i < a1.n; i++)
            a1.v[i] *= descale;
        if ((s = vfx_color_processor_append_lut1d(p, a1.v, (int32_t) n1, 3, VFX_DIR_FORWARD)) != VFX_OK)
            goto done;
    }
    if (n3)
        s = append_lut3d_order(p, a3.v, n3, 0, 1.0, interp);
done:
    vfx__free(a1.v);
    vfx__free(a3.v);
    return s;
}

/* ---- .vf (Nuke vectorfield): "#Inventor V2.1 ascii", "grid_size n n n", optional
 * "global_transform" (16 numbers, a 4x4 matrix whose first three columns Nuke divides by the
 * grid size), "data", then n^3 RGB rows, blue fastest. ------------------------------------------- */

static vfx_status
parse_vf(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    long n = 0;
    int k, first = 1, in_data = 0, have_m = 0;
    double gm[16];
    fvec a = { NULL, 0, 0, 0 };
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf, w[32];
        if (first) {
            if (strncasecmp(l, "#inventor", 9) != 0) {
                s = corrupt(r, "not a Nuke .vf file (first line must be '#Inventor V2.1 ascii')");
                goto done;
            }
            first = 0;
            continue;
        }
        if (!*l || *l == '#')
            continue;
        double v[3];
        if (in_data) {
            if (parse_numbers(l, v, 3) != 3) {
                s = corrupt(r, "expected 3 numbers");
                goto done;
            }
            if ((s = fvec_push(&a, r, v, 3)) != VFX_OK)
                goto done;
            continue;
        }
        const char *arg = first_word(l, w, sizeof w);
        if (strcmp(w, "grid_size") == 0) {
            if (parse_numbers(arg, v, 3) != 3 || v[0] != v[1] || v[1] != v[2] || !is_int(v[0], 2, MAX_3D)) {
                s = corrupt(r, "grid_size needs three equal sizes in 2..129");
                goto done;
            }
            n = (long) v[0];
            a.max = (size_t) n * (size_t) n * (size_t) n * 3;
        } else if (strcmp(w, "global_transform") == 0) {
            if (parse_numbers(arg, gm, 16) != 16) {
                s = corrupt(r, "global_transform needs 16 numbers");
                goto done;
            }
            have_m = 1;
        } else if (strcmp(w, "data") == 0) {
            if (!n) {
                s = corrupt(r, "'data' before grid_size");
                goto done;
            }
            in_data = 1;
        }
        /* other tags (element_size, world_origin, ...) are ignored, as OCIO does */
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (first || !in_data) {
        s = corrupt(r, first ? "empty file" : "no 'data' section");
        goto done;
    }
    if (a.n != a.max) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %zu data rows, found %zu", a.max / 3, a.n / 3);
        s = corrupt(r, msg);
        goto done;
    }
    if (have_m) {
        /* rows 0..2 of the 4x4 act on RGB; the fourth column multiplies alpha (1) */
        double m[9], o[3];
        for (int row = 0; row < 3; row++) {
            for (int c = 0; c < 3; c++)
                m[3 * row + c] = gm[4 * row + c] * (double) n;
            o[row] = gm[4 * row + 3];
        }
        if ((s = vfx_color_processor_append_matrix(p, m, o)) != VFX_OK)
            goto done;
    }
    s = append_lut3d_order(p, a.v, n, 1, 1.0, interp);
done:
    vfx__free(a.v);
    return s;
}

/* ---- .lut: Houdini (starts with "Version") or Discreet / Autodesk 1D ------------------------ */

/* Houdini: header lines "Key value..." up to "LUT:", then blocks "name { values }" ("{ }" alone
 * is the 3D block). Types C (one curve for R, G, B), RGB (R, G, B blocks), 3D and 3D+1D (a Pre
 * block, then the 3D block, red fastest). From maps the input range onto the 1D LUT. */

typedef struct hdl_block {
    char name[16];
    fvec a;
} hdl_block;

static vfx_status
parse_houdini(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    char type[16] = "";
    double from[2] = { 0, 1 };
    long len[2] = { 0, 0 };
    int nlen = 0, have[8] = { 0 }, k, got_lut = 0;
    static const char *const keys[] = { "version", "format", "type", "from", "to", "black", "white", "length" };
    hdl_block blk[4];
    int nblk = 0;
    memset(blk, 0, sizeof blk);
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0) {
        char *l = r->buf, w[32];
        if (!*l)
            continue;
        const char *arg = first_word(l, w, sizeof w);
        if (strcmp(w, "lut:") == 0) {
            got_lut = 1;
            break;
        }
        int key = -1;
        for (int i = 0; i < 8; i++)
            if (strcmp(w, keys[i]) == 0)
                key = i;
        if (key < 0) {
            s = corrupt(r, "unknown header keyword (expected Version, Format, Type, From, To, Black, "
                           "White, Length or LUT:)");
            goto done;
        }
        have[key] = 1;
        double v[2];
        if (key == 2) {
            first_word(arg + strspn(arg, " \t"), type, sizeof type);
        } else if (key == 3 || key == 4) {
            if (parse_numbers(arg, v, 2) != 2) {
                s = corrupt(r, key == 3 ? "'From' needs 2 numbers" : "'To' needs 2 numbers");
                goto done;
            }
            if (key == 3)
                memcpy(from, v, sizeof from);
        } else if (key == 5 || key == 6 || key == 0) {
            if (parse_numbers(arg, v, 1) != 1) {
                s = corrupt(r, "expected a number");
                goto done;
            }
        } else if (key == 7) {
            nlen = parse_numbers(arg, v, 2);
            if (nlen < 1 || !is_int(v[0], 2, MAX_1D) || (nlen == 2 && !is_int(v[1], 2, MAX_1D))) {
                s = corrupt(r, "'Length' needs 1 or 2 integer sizes");
                goto done;
            }
            len[0] = (long) v[0];
            len[1] = nlen == 2 ? (long) v[1] : 0;
        }
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (!got_lut) {
        s = corrupt(r, "no 'LUT:' line");
        goto done;
    }
    for (int i = 0; i < 8; i++) {
        if (!have[i]) {
            char msg[64];
            snprintf(msg, sizeof msg, "missing header line '%s'", keys[i]);
            s = corrupt(r, msg);
            goto done;
        }
    }
    int is_c = strcmp(type, "c") == 0, is_rgb = strcmp(type, "rgb") == 0;
    int is_3d = strcmp(type, "3d") == 0, is_31 = strcmp(type, "3d+1d") == 0;
    if (!is_c && !is_rgb && !is_3d && !is_31) {
        s = corrupt(r, "unsupported Type (C, RGB, 3D or 3D+1D)");
        goto done;
    }
    if ((is_3d || is_31) && len[0] > MAX_3D) {
        s = corrupt(r, "3D LUT size must be 2..129");
        goto done;
    }
    if (is_31 && nlen != 2) {
        s = corrupt(r, "Type 3D+1D needs 'Length <cube size> <pre-LUT size>'");
        goto done;
    }
    /* the blocks: words separated by blanks, over as many lines as they like */
    hdl_block *cur = NULL;
    int want_brace = 0;
    while ((k = next_line(r)) > 0) {
        char *q = r->buf;
        for (;;) {
            while (isspace((unsigned char) *q))
                q++;
            if (!*q)
                break;
            char *e = q;
            while (*e && !isspace((unsigned char) *e))
                e++;
            char save = *e;
            *e = '\0';
            if (want_brace) {
                if (strcmp(q, "{") != 0) {
                    s = corrupt(r, "expected '{' after a block name");
                    goto done;
                }
                want_brace = 0;
            } else if (!cur) {
                if (nblk == 4) {
                    s = corrupt(r, "too many blocks");
                    goto done;
                }
                cur = &blk[nblk++];
                if (strcmp(q, "{") == 0) {
                    strcpy(cur->name, "3d");
                } else {
                    first_word(q, cur->name, sizeof cur->name);
                    want_brace = 1;
                }
                for (int i = 0; i < nblk - 1; i++)
                    if (strcmp(blk[i].name, cur->name) == 0) {
                        s = corrupt(r, "block given twice");
                        goto done;
                    }
                int n3 = strcmp(cur->name, "3d") == 0;
                cur->a.max = n3 ? (size_t) MAX_3D * MAX_3D * MAX_3D * 3 : (size_t) MAX_1D;
            } else if (strcmp(q, "}") == 0) {
                cur = NULL;
            } else {
                double v;
                if (parse_numbers(q, &v, 1) != 1) {
                    s = corrupt(r, "expected a number in a LUT block");
                    goto done;
                }
                if ((s = fvec_push(&cur->a, r, &v, 1)) != VFX_OK)
                    goto done;
            }
            *e = save;
            q = e;
        }
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (cur || want_brace) {
        s = corrupt(r, "unterminated LUT block (missing '}')");
        goto done;
    }
#define HDL_FIND(nm, out)                                                                       \
    do {                                                                                        \
        out = NULL;                                                                             \
        for (int i_ = 0; i_ < nblk; i_++)                                                       \
            if (strcmp(blk[i_].name, nm) == 0)                                                  \
                out = &blk[i_];                                                                 \
        if (!out) {                                                                             \
            s = corrupt(r, "missing the '" nm "' block");                                       \
            goto done;                                                                          \
        }                                                                                       \
    } while (0)
    hdl_block *b1, *b2, *b3;
    char msg[128];
    if (is_c || is_rgb || is_31) {
        double lo[3] = { from[0], from[0], from[0] }, hi[3] = { from[1], from[1], from[1] };
        if ((s = append_domain(p, lo, hi, r)) != VFX_OK)
            goto done;
    }
    if (is_c || is_31) {
        long want = is_31 ? len[1] : len[0];
        if (is_c)
            HDL_FIND("rgb", b1);
        else
            HDL_FIND("pre", b1);
        if (b1->a.n != (size_t) want) {
            snprintf(msg, sizeof msg, "the '%s' block has %zu values, 'Length' says %ld", b1->name, b1->a.n, want);
            s = corrupt(r, msg);
            goto done;
        }
        if ((s = vfx_color_processor_append_lut1d(p, b1->a.v, (int32_t) want, 1, VFX_DIR_FORWARD)) != VFX_OK)
            goto done;
    }
    if (is_rgb) {
        HDL_FIND("r", b1);
        HDL_FIND("g", b2);
        HDL_FIND("b", b3);
        hdl_block *bb[3] = { b1, b2, b3 };
        float *t = vfx__alloc((size_t) len[0] * 3 * sizeof(float));
        if (!t) {
            s = vfx__nomem();
            goto done;
        }
        for (int c = 0; c < 3 && s == VFX_OK; c++) {
            if (bb[c]->a.n != (size_t) len[0]) {
                snprintf(msg, sizeof msg, "the '%s' block has %zu values, 'Length' says %ld", bb[c]->name,
                         bb[c]->a.n, len[0]);
                s = corrupt(r, msg);
                break;
            }
            for (long i = 0; i < len[0]; i++)
                t[3 * i + c] = bb[c]->a.v[i];
        }
        if (s == VFX_OK)
            s = vfx_color_processor_append_lut1d(p, t, (int32_t) len[0], 3, VFX_DIR_FORWARD);
        vfx__free(t);
        if (s != VFX_OK)
            goto done;
    }
    if (is_3d || is_31) {
        HDL_FIND("3d", b1);
        size_t want = (size_t) len[0] * (size_t) len[0] * (size_t) len[0] * 3;
        if (b1->a.n != want) {
            snprintf(msg, sizeof msg, "the 3D block has %zu values, expected %zu (%ld^3 RGB)", b1->a.n, want, len[0]);
            s = corrupt(r, msg);
            goto done;
        }
        s = append_lut3d_order(p, b1->a.v, len[0], 0, 1.0, interp);
    }
#undef HDL_FIND
done:
    for (int i = 0; i < 4; i++)
        vfx__free(blk[i].a.v);
    return s;
}

/* Discreet / Autodesk 1D LUT (Flame, Smoke, Lustre): "LUT: <tables> <length> [<dst depth>]" then
 * each table's integer entries, one per line (1 table: all channels; 3 or 4: R, G, B [, A
 * ignored]); a file starting with a number is one 256-entry table. A length of 65536 means a
 * 16-bit float input: the table is indexed by the half bits of the input. The output depth is
 * the third header number (256, 1024, 4096, 65536, 65536f = half bits), else a "to<depth>"
 * in the file name (as in "12to10" or "12to16fp"), else the table length. */

static int
discreet_depth(long size, int is_float)
{
    switch (size) {
    case 256: return 8;
    case 1024: return 10;
    case 4096: return 12;
    case 65536: return is_float ? -16 : 16;
    default: return 0;
    }
}

static int
discreet_depth_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char low[256];
    size_t n = 0;
    for (; base[n] && n + 1 < sizeof low; n++)
        low[n] = (char) tolower((unsigned char) base[n]);
    low[n] = '\0';
    char *dot = strrchr(low, '.');
    if (dot)
        *dot = '\0';
    const char *t = strstr(low, "to");
    if (!t)
        return 0;
    t += 2;
    if (t[0] == '8')
        return 8;
    if (t[0] == '1' && t[1] == '0')
        return 10;
    if (t[0] == '1' && t[1] == '2')
        return 12;
    if (t[0] == '1' && t[1] == '6')
        return (t[2] == 'f' || t[2] == 'F') ? -16 : 16;
    if (t[0] == '3' && t[1] == '2' && (t[2] == 'f' || t[2] == 'F'))
        return -32;
    return 0;
}

static vfx_status
parse_discreet(reader *r, vfx_color_processor *p)
{
    int k;
    long ntab = 1, len = 256;
    int depth = 0;
    uint16_t *tab = NULL;
    size_t got = 0;
    vfx_status s = VFX_OK;
    while ((k = next_line(r)) > 0 && (!r->buf[0] || r->buf[0] == '#'))
        ;
    if (k < 0)
        return VFX_ERR_CORRUPT;
    if (k == 0)
        return corrupt(r, "empty file");
    int old = isdigit((unsigned char) r->buf[0]);
    if (!old) {
        double v[3];
        char third[32] = "";
        if (strncasecmp(r->buf, "LUT:", 4) != 0)
            return corrupt(r, "expected 'LUT: <tables> <length> [<output depth>]' or a 256-entry table");
        const char *q = r->buf + 4;
        int nv = 0;
        /* two integers, then an optional depth that may end in 'f' */
        for (; nv < 3; nv++) {
            q += strspn(q, " \t");
            if (!*q)
                break;
            size_t wl = strcspn(q, " \t");
            if (wl >= sizeof third)
                return corrupt(r, "bad LUT: header");
            char word[32];
            memcpy(word, q, wl);
            word[wl] = '\0';
            q += wl;
            if (nv == 2) {
                strcpy(third, word);
                size_t tl = strlen(word);
                if (tl && (word[tl - 1] == 'f' || word[tl - 1] == 'F'))
                    word[tl - 1] = '\0';
            }
            if (parse_numbers(word, &v[nv], 1) != 1)
                return corrupt(r, "bad LUT: header (numbers expected)");
        }
        q += strspn(q, " \t");
        if (nv < 2 || *q || (v[0] != 1 && v[0] != 3 && v[0] != 4) || !is_int(v[1], 2, 65536))
            return corrupt(r, "bad LUT: header (1, 3 or 4 tables of 2..65536 entries)");
        ntab = (long) v[0];
        len = (long) v[1];
        if (nv == 3) {
            size_t tl = strlen(third);
            int is_f = tl && (third[tl - 1] == 'f' || third[tl - 1] == 'F');
            depth = is_int(v[2], 0, 65536) ? discreet_depth((long) v[2], is_f) : 0;
            if (!depth)
                return corrupt(r, "bad output depth (256, 1024, 4096, 65536 or 65536f)");
        }
    }
    if (!depth)
        depth = discreet_depth_from_name(r->name);
    if (!depth)
        depth = discreet_depth(len, 0);
    if (!depth)
        return corrupt(r, "cannot tell the output depth: give it in the header (e.g. 'LUT: 3 2048 4096')");
    tab = vfx__alloc((size_t) ntab * (size_t) len * sizeof(uint16_t));
    if (!tab)
        return vfx__nomem();
    size_t total = (size_t) ntab * (size_t) len;
    if (old) {
        double v;
        if (parse_numbers(r->buf, &v, 1) != 1 || !is_int(v, 0, 65535)) {
            s = corrupt(r, "expected an integer 0..65535");
            goto done;
        }
        tab[got++] = (uint16_t) v;
    }
    while (got < total && (k = next_line(r)) > 0) {
        if (!r->buf[0])
            continue;
        double v;
        if (parse_numbers(r->buf, &v, 1) != 1 || !is_int(v, 0, 65535)) {
            s = corrupt(r, "expected an integer 0..65535");
            goto done;
        }
        tab[got++] = (uint16_t) v;
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    if (got < total) {
        char msg[96];
        snprintf(msg, sizeof msg, "unexpected end of file: %zu of %zu table entries", got, total);
        s = corrupt(r, msg);
        goto done;
    }
    while ((k = next_line(r)) > 0) {
        if (r->buf[0] && r->buf[0] != '#') {
            s = corrupt(r, "more entries than the header says");
            goto done;
        }
    }
    if (k < 0) {
        s = VFX_ERR_CORRUPT;
        goto done;
    }
    {
        float *t = vfx__alloc((size_t) len * 3 * sizeof(float));
        if (!t) {
            s = vfx__nomem();
            goto done;
        }
        double scale = depth == -16 || depth == -32 ? 1.0 : ldexp(1.0, depth) - 1.0;
        for (long i = 0; i < len; i++)
            for (long c = 0; c < 3; c++) {
                uint16_t code = tab[(size_t) (c < ntab ? c : ntab - 1) * (size_t) len + (size_t) i];
                t[3 * i + c] = depth == -16 ? vfx_half_to_float(code) : (float) (code / scale);
            }
        if (len == 65536 && !old)
            s = vfx__append_lut1d_half(p, t, 3, VFX_DIR_FORWARD); /* 16-bit float input */
        else
            s = vfx_color_processor_append_lut1d(p, t, (int32_t) len, 3, VFX_DIR_FORWARD);
        vfx__free(t);
    }
done:
    vfx__free(tab);
    return s;
}

static vfx_status
parse_lut(reader *r, vfx_interp interp, vfx_color_processor *p)
{
    /* look at the first non-blank line without consuming it */
    const char *q = r->p;
    while (q < r->end && isspace((unsigned char) *q))
        q++;
    if ((size_t) (r->end - q) >= 7 && strncasecmp(q, "version", 7) == 0)
        return parse_houdini(r, interp, p);
    return parse_discreet(r, p);
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
        else if (strcasecmp(format, "csp") == 0)
            s = parse_csp(r, interp, p);
        else if (strcasecmp(format, "spimtx") == 0)
            s = parse_spimtx(r, p);
        else if (strcasecmp(format, "3dl") == 0)
            s = parse_3dl(r, interp, p);
        else if (strcasecmp(format, "itx") == 0)
            s = parse_itx(r, interp, p);
        else if (strcasecmp(format, "look") == 0)
            s = parse_look(r, interp, p);
        else if (strcasecmp(format, "mga") == 0 || strcasecmp(format, "m3d") == 0)
            s = parse_pandora(r, interp, p);
        else if (strcasecmp(format, "cub") == 0)
            s = parse_cub(r, interp, p);
        else if (strcasecmp(format, "vf") == 0)
            s = parse_vf(r, interp, p);
        else if (strcasecmp(format, "lut") == 0)
            s = parse_lut(r, interp, p);
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
