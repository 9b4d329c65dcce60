/* Build-time generator: turns the spectral CSV tables in data/spectral/ into a C file of
 * double arrays (src/color/spectral.c reads them through src/color/spectral_int.h).
 *
 * Usage: vfx_gen_spectral OUT.c NAME=FILE.csv [NAME=FILE.csv ...]
 * Each CSV has one header line, then "wavelength,v1[,v2...]" rows at a constant step.
 * Values are printed as the shortest decimal that reads back to the same double, so the
 * compiled doubles equal strtod() of the CSV text.
 * Fails (exit 1, message on stderr) on a ragged row, a non-uniform step or a parse error. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 4096
#define MAX_COLS 8

static double rows[MAX_ROWS][MAX_COLS + 1];

/* Shortest %.Ng (N = 15..17) that round-trips through strtod. */
static void
put_double(FILE *out, double v)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fprintf(out, " %s,", buf);
}

static int
emit(FILE *out, const char *name, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gen_spectral: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[1024];
    int n = 0, n_cols = -1, lineno = 1;
    if (!fgets(line, sizeof line, f)) {
        fprintf(stderr, "gen_spectral: %s: empty\n", path);
        fclose(f);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\n' || *s == '\r' || *s == 0)
            continue;
        if (n == MAX_ROWS) {
            fprintf(stderr, "gen_spectral: %s: more than %d rows\n", path, MAX_ROWS);
            fclose(f);
            return 1;
        }
        int c = 0;
        for (;;) {
            char *end;
            errno = 0;
            double v = strtod(s, &end);
            if (end == s || errno || !isfinite(v) || c > MAX_COLS) {
                fprintf(stderr, "gen_spectral: %s:%d: bad number\n", path, lineno);
                fclose(f);
                return 1;
            }
            rows[n][c++] = v;
            s = end;
            if (*s != ',')
                break;
            s++;
        }
        if (n_cols < 0)
            n_cols = c - 1;
        if (c - 1 != n_cols || n_cols < 1) {
            fprintf(stderr, "gen_spectral: %s:%d: %d columns, expected %d\n", path, lineno, c - 1,
                    n_cols);
            fclose(f);
            return 1;
        }
        n++;
    }
    fclose(f);
    if (n < 2) {
        fprintf(stderr, "gen_spectral: %s: fewer than 2 rows\n", path);
        return 1;
    }
    double step = rows[1][0] - rows[0][0];
    for (int i = 1; i < n; i++)
        if (step <= 0.0 || fabs(rows[i][0] - rows[0][0] - step * i) > 1e-9) {
            fprintf(stderr, "gen_spectral: %s: wavelength %.17g breaks the step %g\n", path,
                    rows[i][0], step);
            return 1;
        }
    const char *base = strrchr(path, '/');
    fprintf(out, "\n/* %s: %d rows x %d columns, %g..%g nm step %g */\n", base ? base + 1 : path, n,
            n_cols, rows[0][0], rows[n - 1][0], step);
    fprintf(out, "static const double %s_v[%d] = {\n", name, n * n_cols);
    for (int i = 0; i < n; i++) {
        fputs("   ", out);
        for (int c = 1; c <= n_cols; c++)
            put_double(out, rows[i][c]);
        fputc('\n', out);
    }
    fprintf(out, "};\nconst vfx__spectral_table vfx__spectral_%s = { %.17g, %.17g, %d, %d, %s_v };"
                 "\n",
            name, rows[0][0], step, n, n_cols, name);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s OUT.c NAME=FILE.csv...\n", argv[0]);
        return 2;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, "gen_spectral: %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    fputs("/* Generated at build time by tools/gen_spectral.c from the CSV files in\n"
          " * data/spectral.\n"
          " * Do not edit: change the CSV files instead. */\n"
          "#include \"color/spectral_int.h\"\n", out);
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        char name[64];
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i] || (size_t) (eq - argv[i]) >= sizeof name) {
            fprintf(stderr, "gen_spectral: bad argument '%s' (want NAME=FILE)\n", argv[i]);
            rc = 1;
            break;
        }
        memcpy(name, argv[i], (size_t) (eq - argv[i]));
        name[eq - argv[i]] = 0;
        rc = emit(out, name, eq + 1);
    }
    if (fclose(out) != 0)
        rc = 1;
    if (rc || rename(tmp, argv[1]) != 0) {
        remove(tmp);
        return 1;
    }
    return 0;
}
