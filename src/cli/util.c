/* Small helpers shared by the subcommands: JSON strings, argument parsing, progress. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_int.h"

void
cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

int
cli_parse_size(const char *s, int32_t *w, int32_t *h)
{
    char *end;
    long  a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return -1;
    const char *s2 = end + 1;
    long        b = strtol(s2, &end, 10);
    if (end == s2 || *end || a < 1 || b < 1 || a > (1L << 30) || b > (1L << 30))
        return -1;
    *w = (int32_t) a;
    *h = (int32_t) b;
    return 0;
}

int
cli_parse_compression(const char *arg, char *name_buf, size_t cap, int32_t *level_out)
{
    const char *colon = strchr(arg, ':');
    size_t      n = colon ? (size_t) (colon - arg) : strlen(arg);
    if (n == 0 || n >= cap)
        return -1;
    memcpy(name_buf, arg, n);
    name_buf[n] = 0;
    *level_out = -1;
    if (colon) {
        char *end;
        long  v = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end || v < 0 || v > 100000)
            return -1;
        *level_out = (int32_t) v;
    }
    return 0;
}

double
cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

int64_t
cli_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (int64_t) ru.ru_maxrss * 1024;
}

void
cli_progress_init(cli_progress *p, const char *label, int64_t pixels, int quiet)
{
    p->label = label;
    p->t0 = cli_now();
    p->pixels = pixels;
    p->shown = 0;
    p->quiet = quiet || !isatty(STDERR_FILENO);
}

int
cli_progress_fn(void *user, int64_t done, int64_t total)
{
    cli_progress *p = user;
    if (p->quiet || total <= 0)
        return 0;
    double t = cli_now() - p->t0;
    if (t < 1.0 && !p->shown)
        return 0;
    double frac = (double) done / (double) total;
    double mpix = t > 0 ? (double) p->pixels * frac / t / 1e6 : 0;
    double eta = frac > 0 ? t / frac - t : 0;
    fprintf(stderr, "\r%s: %3d%%  %lld/%lld tiles  %.1f MPix/s  ETA %.0fs   ", p->label,
            (int) (frac * 100), (long long) done, (long long) total, mpix, eta);
    p->shown = 1;
    return 0;
}

void
cli_progress_end(cli_progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
}

/* oiiotool's resize geometry against the display window @p d: "WxH", "WxH+X+Y", "S%",
 * "Sx%Sy%", a 0 in either size keeps the aspect ratio. */
int
cli_parse_resize_geom(const char *s, vfx_rect d, vfx_rect *r)
{
    int64_t dw = vfx_rect_width(d), dh = vfx_rect_height(d);
    double  sx, sy;
    int     w = 0, h = 0, x = d.x0, y = d.y0, n;
    char    pc;
    if (sscanf(s, "%lf%%x%lf%%", &sx, &sy) == 2 ||
        (sscanf(s, "%lf%c", &sx, &pc) == 2 && pc == '%' && (sy = sx, 1))) {
        w = (int) (sx / 100.0 * (double) dw + 0.5);
        h = (int) (sy / 100.0 * (double) dh + 0.5);
    } else if ((n = sscanf(s, "%dx%d%d%d", &w, &h, &x, &y)) != 2 && n != 4) {
        return -1;
    }
    if (w == 0 && h > 0)
        w = (int) ((double) h * (double) dw / (double) dh + 0.5);
    if (h == 0 && w > 0)
        h = (int) ((double) w * (double) dh / (double) dw + 0.5);
    if (w <= 0 || h <= 0)
        return -1;
    *r = vfx_rect_make(x, y, w, h);
    return 0;
}
