/* Deep images in the CLI: writing a still-deep image as deep EXR, and printing deep
 * statistics in oiiotool's --stats layout (so scripts that parse one parse the other). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_int.h"

int
cli_is_exr_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    return !strcasecmp(dot, ".exr") || !strcasecmp(dot, ".sxr") || !strcasecmp(dot, ".mxr");
}

vfx_status
cli_write_deep(vfx_image *im, const char *path, const vfx_write_options *wo, int *handled)
{
    *handled = 0;
    vfx_deep *d = vfx_image_deep(im);
    if (!d || !cli_is_exr_path(path))
        return VFX_OK; /* flat, or a format without deep data: the pixels flatten */
    *handled = 1;
    vfx_deep_write_options o = VFX_DEEP_WRITE_OPTIONS_INIT;
    const char *src_comp = NULL;
    const vfx_spec *sp = vfx_deep_spec(d);
    if (sp->attrs)
        vfx_attrs_get_string(sp->attrs, "compression", &src_comp);
    o.compression = wo->compression ? wo->compression : src_comp;
    if (o.compression && strcmp(o.compression, "none") && strcmp(o.compression, "rle") &&
        strcmp(o.compression, "zips") && !wo->compression)
        o.compression = NULL; /* the source's, when deep data cannot take it: zips */
    o.tile_w = wo->tile_w;
    o.tile_h = wo->tile_h;
    return vfx_deep_write(d, path, &o);
}

static const char *
deep_type_list(const vfx_spec *sp, char *buf, size_t cap)
{
    int32_t n = vfx_channels_count(sp->channels);
    vfx_channel_info ci;
    int same = 1;
    vfx_pixel_type t0 = VFX_PIXEL_UNKNOWN;
    for (int32_t c = 0; c < n; c++) {
        vfx_channels_get(sp->channels, c, &ci);
        if (c == 0)
            t0 = ci.type;
        same &= ci.type == t0;
    }
    buf[0] = 0;
    for (int32_t c = 0; c < (same ? 1 : n); c++) {
        vfx_channels_get(sp->channels, c, &ci);
        const char *nm = ci.type == VFX_PIXEL_HALF ? "half"
                         : ci.type == VFX_PIXEL_U32 ? "uint"
                                                    : "float";
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", c ? "/" : "", nm);
    }
    return buf;
}

void
cli_print_deep_counts(FILE *out, const vfx_deep_stats *st)
{
    fprintf(out, "    Min deep samples in any pixel : %u\n", st->min_samples);
    fprintf(out, "    Max deep samples in any pixel : %u\n", st->max_samples);
    fprintf(out, "    %lld pixel%s had the max of %u samples, including (x=%d, y=%d)\n",
            (long long) st->n_at_max, st->n_at_max == 1 ? "" : "s", st->max_samples,
            (int) st->max_x, (int) st->max_y);
    fprintf(out, "    Average deep samples per pixel: %.2f\n",
            st->pixels ? (double) st->total_samples / (double) st->pixels : 0.0);
    fprintf(out, "    Total deep samples in all pixels: %lld\n", (long long) st->total_samples);
    fprintf(out, "    Pixels with deep samples   : %lld\n", (long long) st->pixels_with_samples);
    fprintf(out, "    Pixels with no deep samples: %lld\n",
            (long long) (st->pixels - st->pixels_with_samples));
    fprintf(out, "    Samples/pixel histogram:\n");
    /* one line per count up to 7, then bins ending at 2^k - 1, and the last count */
    int64_t bin = 0;
    uint32_t start = 0, e = st->max_samples + 1;
    for (uint32_t i = 0; i < e; i++) {
        bin += st->histogram[i];
        if (i < 8 || i == e - 1 || ((i + 1) & i) == 0) {
            if (i == start)
                fprintf(out, "      %3u    ", i);
            else
                fprintf(out, "      %3u-%3u", start, i);
            fprintf(out, " : %8lld (%4.1f%%)\n", (long long) bin,
                    st->pixels ? 100.0 * (double) bin / (double) st->pixels : 0.0);
            start = i + 1;
            bin = 0;
        }
    }
    if (st->has_z) {
        fprintf(out, "    Minimum depth was %g at (%d, %d)\n", (double) st->min_z,
                (int) st->min_z_x, (int) st->min_z_y);
        fprintf(out, "    Maximum depth was %g at (%d, %d)\n", (double) st->max_z,
                (int) st->max_z_x, (int) st->max_z_y);
    }
}

int
cli_print_deep_stats(FILE *out, const char *name, const vfx_deep *d)
{
    vfx_deep_stats st;
    vfx_status s = vfx_deep_compute_stats(d, &st);
    if (s != VFX_OK)
        return cli_fail(name, s);
    const vfx_spec *sp = vfx_deep_spec(d);
    char types[512];
    fprintf(out, "%-20s : %4lld x %4lld, %d channel, deep %s openexr\n", name,
            (long long) vfx_rect_width(sp->data), (long long) vfx_rect_height(sp->data),
            (int) st.n_channels, deep_type_list(sp, types, sizeof types));
    static const char *const rows[] = { "Min", "Max", "Avg", "StdDev" };
    for (int r = 0; r < 4; r++) {
        fprintf(out, "    Stats %s:", rows[r]);
        for (int32_t c = 0; c < st.n_channels; c++) {
            double n = (double) st.finite_count[c], v = 0.0;
            if (n > 0) {
                double mean = st.sum[c] / n;
                v = r == 0 ? st.min[c] : r == 1 ? st.max[c] : r == 2 ? mean
                    : sqrt(fmax(0.0, st.sum2[c] / n - mean * mean));
            }
            fprintf(out, " %f", (double) (float) v); /* OIIO keeps these as float */
        }
        fprintf(out, " (float)\n");
    }
    static const char *const counts[] = { "NanCount", "InfCount", "FiniteCount" };
    for (int r = 0; r < 3; r++) {
        const int64_t *a = r == 0 ? st.nan_count : r == 1 ? st.inf_count : st.finite_count;
        fprintf(out, "    Stats %s:", counts[r]);
        for (int32_t c = 0; c < st.n_channels; c++)
            fprintf(out, " %lld", (long long) a[c]);
        fprintf(out, " \n");
    }
    cli_print_deep_counts(out, &st);
    vfx_deep_stats_clear(&st);
    return 0;
}
