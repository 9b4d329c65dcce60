/* vfx formats: the built-in image formats, what they read and write. */
#include <string.h>

#include "cli/cli_int.h"

static void
formats_help(FILE *out)
{
    fprintf(out, "usage: vfx formats [-v] [--json]\n\n"
                 "The image formats built into this vfx: name, file extensions, whether it reads\n"
                 "and writes, and through which library. -v adds what each writer takes (pixel\n"
                 "types, channels, compressions, options of `vfx convert` and -o). The format of a\n"
                 "file is detected from its first bytes; the extension only breaks ties, and picks\n"
                 "the format of an output file.\n");
}

static int
formats_run(int argc, char **argv)
{
    int json = 0, verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            verbose = 1;
        else
            return cli_usage_error("formats", "unknown argument '%s'", argv[i]);
    }
    int32_t n = vfx_format_count();
    if (json)
        printf("[");
    for (int32_t i = 0; i < n; i++) {
        vfx_format_info f;
        vfx_status      s = vfx_format_info_at(i, &f);
        if (s != VFX_OK)
            return cli_fail("formats", s);
        if (json) {
            printf("%s\n  {\"name\": ", i ? "," : "");
            cli_json_string(stdout, f.name);
            printf(", \"extensions\": [");
            const char *e = f.extensions;
            for (int k = 0; *e; k++) {
                size_t len = strcspn(e, ",");
                char   ext[32];
                snprintf(ext, sizeof ext, "%.*s", (int) (len < 31 ? len : 31), e);
                printf("%s", k ? ", " : "");
                cli_json_string(stdout, ext);
                e += len + (e[len] == ',');
            }
            printf("], \"read\": %s, \"write\": %s, \"description\": ", f.can_read ? "true" : "false",
                   f.can_write ? "true" : "false");
            cli_json_string(stdout, f.description);
            printf(", \"write_notes\": ");
            cli_json_string(stdout, f.write_notes);
            printf("}");
        } else {
            printf("%-9s %-2s%-2s %-18s %s\n", f.name, f.can_read ? "r" : "-",
                   f.can_write ? "w" : "-", f.extensions, f.description);
            if (verbose && f.can_write && f.write_notes[0])
                printf("%-33s writes: %s\n", "", f.write_notes);
        }
    }
    if (json)
        printf("\n]\n");
    return 0;
}

const cli_command cli_cmd_formats = { "formats", "the built-in image formats and what they do",
                                      formats_run, formats_help };
