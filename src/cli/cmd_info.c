/* vfx info: what a file is, without decoding pixels. */
#include <string.h>

#include "cli/cli_int.h"

static void
info_help(FILE *out)
{
    fprintf(out, "usage: vfx info [-v] [--json] FILE...\n\n"
                 "Format, resolution, channels and their types, data and display windows, parts,\n"
                 "resolution levels, native chunking and metadata of each file. No pixels are\n"
                 "decoded.\n\n"
                 "  -v        every part, level and attribute\n"
                 "  --json    one JSON document (an array, one object per file) on stdout\n");
}

static const char *
access_name(vfx_access a)
{
    switch (a) {
    case VFX_ACCESS_RANDOM_TILES: return "tiles";
    case VFX_ACCESS_RANDOM_STRIPS: return "strips";
    case VFX_ACCESS_SEQUENTIAL_ROWS: return "sequential rows";
    case VFX_ACCESS_WHOLE_IMAGE: return "whole image";
    }
    return "unknown";
}

static const char *
levels_name(vfx_level_mode m)
{
    return m == VFX_LEVELS_MIPMAP ? "mipmap" : m == VFX_LEVELS_RIPMAP ? "ripmap" : "one";
}

/* The type shared by all channels, or NULL when they differ. */
static const char *
common_type(const vfx_channels *c)
{
    vfx_pixel_type t = VFX_PIXEL_UNKNOWN;
    for (int32_t i = 0; i < vfx_channels_count(c); i++) {
        vfx_channel_info ci;
        vfx_channels_get(c, i, &ci);
        if (i > 0 && ci.type != t)
            return NULL;
        t = ci.type;
    }
    return vfx_pixel_type_name(t);
}

static void
print_rect_json(FILE *out, vfx_rect r)
{
    fprintf(out, "{\"x\": %d, \"y\": %d, \"width\": %lld, \"height\": %lld}", (int) r.x0,
            (int) r.y0, (long long) vfx_rect_width(r), (long long) vfx_rect_height(r));
}

static void
info_json(FILE *out, const char *path, vfx_reader *r)
{
    fprintf(out, "  {\"file\": ");
    cli_json_string(out, path);
    fprintf(out, ", \"format\": ");
    cli_json_string(out, vfx_reader_format_name(r));
    fprintf(out, ", \"parts\": [");
    for (int32_t p = 0; p < vfx_reader_part_count(r); p++) {
        const vfx_spec *s;
        vfx_reader_spec(r, p, &s);
        fprintf(out, "%s\n    {\"name\": ", p ? "," : "");
        if (vfx_reader_part_name(r, p))
            cli_json_string(out, vfx_reader_part_name(r, p));
        else
            fputs("null", out);
        fprintf(out, ", \"view\": ");
        if (vfx_reader_part_view(r, p))
            cli_json_string(out, vfx_reader_part_view(r, p));
        else
            fputs("null", out);
        fprintf(out, ", \"data_window\": ");
        print_rect_json(out, s->data);
        fprintf(out, ", \"display_window\": ");
        print_rect_json(out, s->display);
        fprintf(out, ",\n     \"channels\": [");
        for (int32_t i = 0; i < vfx_channels_count(s->channels); i++) {
            vfx_channel_info ci;
            vfx_channels_get(s->channels, i, &ci);
            fprintf(out, "%s{\"name\": ", i ? ", " : "");
            cli_json_string(out, ci.name);
            fprintf(out, ", \"type\": \"%s\", \"x_sampling\": %d, \"y_sampling\": %d}",
                    vfx_pixel_type_name(ci.type), (int) ci.x_sampling, (int) ci.y_sampling);
        }
        vfx_level_mode mode;
        int32_t        nx, ny;
        vfx_reader_levels(r, p, &mode, &nx, &ny);
        vfx_chunking c;
        vfx_reader_chunking(r, p, 0, 0, &c);
        fprintf(out, "],\n     \"levels\": {\"mode\": \"%s\", \"x\": %d, \"y\": %d}, ",
                levels_name(mode), (int) nx, (int) ny);
        fprintf(out, "\"chunking\": {\"access\": \"%s\", \"width\": %d, \"height\": %d},\n",
                access_name(c.access), (int) c.chunk_w, (int) c.chunk_h);
        fprintf(out, "     \"attributes\": {");
        for (int32_t i = 0; s->attrs && i < vfx_attrs_count(s->attrs); i++) {
            const char           *name;
            const vfx_attr_value *v;
            vfx_attrs_at(s->attrs, i, &name, &v);
            char buf[2048];
            vfx_attr_value_format(v, buf, sizeof buf);
            fprintf(out, "%s\n       ", i ? "," : "");
            cli_json_string(out, name);
            fprintf(out, ": {\"type\": \"%s\", \"value\": ", vfx_attr_type_name(v->type));
            switch (v->type) {
            case VFX_ATTR_INT: fprintf(out, "%d", (int) v->u.i); break;
            case VFX_ATTR_FLOAT: fprintf(out, "%.9g", (double) v->u.f); break;
            case VFX_ATTR_DOUBLE: fprintf(out, "%.17g", v->u.d); break;
            case VFX_ATTR_STRING: cli_json_string(out, v->u.s); break;
            default: cli_json_string(out, buf); break;
            }
            fputc('}', out);
        }
        fprintf(out, "}}");
    }
    fprintf(out, "]}");
}

static void
info_text(FILE *out, const char *path, vfx_reader *r, int verbose)
{
    int32_t n_parts = vfx_reader_part_count(r);
    for (int32_t p = 0; p < (verbose ? n_parts : 1); p++) {
        const vfx_spec *s;
        vfx_reader_spec(r, p, &s);
        const char *t = common_type(s->channels);
        if (p)
            fprintf(out, " part %2d", (int) p);
        else
            fprintf(out, "%s", path);
        int deep = vfx_deep_file_is_deep(path, p);
        fprintf(out, " : %4lld x %4lld, %d channel, %s%s %s", (long long) vfx_rect_width(s->data),
                (long long) vfx_rect_height(s->data), (int) vfx_channels_count(s->channels),
                deep ? "deep " : "", t ? t : deep ? "mixed types" : "mixed", vfx_reader_format_name(r));
        if (!verbose && n_parts > 1)
            fprintf(out, " (+%d parts)", (int) n_parts - 1);
        fputc('\n', out);
        if (!verbose)
            continue;
        if (vfx_reader_part_name(r, p))
            fprintf(out, "    part name: %s\n", vfx_reader_part_name(r, p));
        if (vfx_reader_part_view(r, p))
            fprintf(out, "    view: %s\n", vfx_reader_part_view(r, p));
        fprintf(out, "    channel list:");
        for (int32_t i = 0; i < vfx_channels_count(s->channels); i++) {
            vfx_channel_info ci;
            vfx_channels_get(s->channels, i, &ci);
            fprintf(out, "%s %s (%s", i ? "," : "", ci.name, vfx_pixel_type_name(ci.type));
            if (ci.x_sampling != 1 || ci.y_sampling != 1)
                fprintf(out, ", sampling %d %d", (int) ci.x_sampling, (int) ci.y_sampling);
            fputc(')', out);
        }
        fprintf(out, "\n    data window: (%d %d) - (%d %d)   display window: (%d %d) - (%d %d)\n",
                (int) s->data.x0, (int) s->data.y0, (int) s->data.x1 - 1, (int) s->data.y1 - 1,
                (int) s->display.x0, (int) s->display.y0, (int) s->display.x1 - 1,
                (int) s->display.y1 - 1);
        vfx_level_mode mode;
        int32_t        nx, ny;
        vfx_reader_levels(r, p, &mode, &nx, &ny);
        vfx_chunking c;
        vfx_reader_chunking(r, p, 0, 0, &c);
        fprintf(out, "    levels: %s (%d x %d)   chunks: %s %d x %d\n", levels_name(mode), (int) nx,
                (int) ny, access_name(c.access), (int) c.chunk_w, (int) c.chunk_h);
        if (deep) { /* the sample counts: what a deep file holds beyond its header */
            vfx_deep_read_options dro = VFX_DEEP_READ_OPTIONS_INIT;
            vfx_deep             *d = NULL;
            vfx_deep_stats        st;
            dro.part = p;
            if (vfx_deep_read(path, &dro, &d) == VFX_OK &&
                vfx_deep_compute_stats(d, &st) == VFX_OK) {
                cli_print_deep_counts(out, &st);
                vfx_deep_stats_clear(&st);
            } else {
                fprintf(out, "    deep samples: unreadable (%s)\n", vfx_error_message());
            }
            vfx_deep_unref(d);
        }
        for (int32_t i = 0; s->attrs && i < vfx_attrs_count(s->attrs); i++) {
            const char           *name;
            const vfx_attr_value *v;
            vfx_attrs_at(s->attrs, i, &name, &v);
            if (strcmp(name, "openexr:name") == 0 && vfx_reader_part_name(r, p))
                continue; /* printed as "part name" above */
            char buf[1024];
            vfx_attr_value_format(v, buf, sizeof buf);
            fprintf(out, "    %s (%s): %s\n", name, vfx_attr_type_name(v->type), buf);
        }
    }
}

static int
info_run(int argc, char **argv)
{
    int verbose = 0, json = 0, n_files = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("info", "unknown option '%s'", argv[i]);
        else
            n_files++;
    }
    if (n_files == 0)
        return cli_usage_error("info", "no file given");
    if (json)
        printf("[\n");
    int first = 1;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        vfx_reader *r = NULL;
        vfx_status  s = vfx_reader_open(argv[i], NULL, &r);
        if (s == VFX_ERR_UNSUPPORTED) { /* deep or DWA: the header is still worth showing */
            vfx_read_options ro = VFX_READ_OPTIONS_INIT;
            ro.flags = VFX_READ_HEADER_ONLY;
            s = vfx_reader_open(argv[i], &ro, &r);
        }
        if (s != VFX_OK) {
            rc = cli_fail(argv[i], s);
            continue;
        }
        if (json) {
            if (!first)
                printf(",\n");
            info_json(stdout, argv[i], r);
        } else {
            info_text(stdout, argv[i], r, verbose);
        }
        first = 0;
        vfx_reader_close(r);
    }
    if (json)
        printf("\n]\n");
    return rc;
}

const cli_command cli_cmd_info = { "info", "describe image files (format, size, channels, metadata)",
                                   info_run, info_help };
