/* vfx colors: what the active colour configuration offers. */
#include <string.h>

#include "cli/cli_int.h"

static void
colors_help(FILE *out)
{
    fprintf(out, "usage: vfx colors [--config FILE] [--json] [--dump]\n\n"
                 "Colour spaces, roles, displays with their views, looks and named transforms of\n"
                 "the active OCIO config: FILE, else $OCIO, else the built-in config.\n\n"
                 "  --json   one JSON object on stdout\n"
                 "  --dump   print the built-in config's text (a valid OCIO v2 config)\n");
}

static void
list_json(vfx_ocio_config *cfg)
{
    printf("{\"name\": ");
    cli_json_string(stdout, vfx_ocio_config_name(cfg));
    printf(", \"version\": \"%d.%d\",\n \"colorspaces\": [", (int) vfx_ocio_config_version_major(cfg),
           (int) vfx_ocio_config_version_minor(cfg));
    for (int32_t i = 0; i < vfx_ocio_config_colorspace_count(cfg); i++) {
        printf("%s", i ? ", " : "");
        cli_json_string(stdout, vfx_ocio_config_colorspace_name(cfg, i));
    }
    printf("],\n \"roles\": {");
    for (int32_t i = 0; i < vfx_ocio_config_role_count(cfg); i++) {
        const char *r = vfx_ocio_config_role_name(cfg, i);
        printf("%s", i ? ", " : "");
        cli_json_string(stdout, r);
        printf(": ");
        cli_json_string(stdout, vfx_ocio_config_role_colorspace(cfg, r));
    }
    printf("},\n \"displays\": {");
    for (int32_t i = 0; i < vfx_ocio_config_display_count(cfg); i++) {
        const char *d = vfx_ocio_config_display_name(cfg, i);
        printf("%s", i ? ", " : "");
        cli_json_string(stdout, d);
        printf(": [");
        for (int32_t k = 0; k < vfx_ocio_config_view_count(cfg, d); k++) {
            printf("%s", k ? ", " : "");
            cli_json_string(stdout, vfx_ocio_config_view_name(cfg, d, k));
        }
        printf("]");
    }
    printf("},\n \"looks\": [");
    for (int32_t i = 0; i < vfx_ocio_config_look_count(cfg); i++) {
        printf("%s", i ? ", " : "");
        cli_json_string(stdout, vfx_ocio_config_look_name(cfg, i));
    }
    printf("],\n \"named_transforms\": [");
    for (int32_t i = 0; i < vfx_ocio_config_named_transform_count(cfg); i++) {
        printf("%s", i ? ", " : "");
        cli_json_string(stdout, vfx_ocio_config_named_transform_name(cfg, i));
    }
    printf("]}\n");
}

static void
list_text(vfx_ocio_config *cfg)
{
    printf("config: %s (OCIO v%d.%d)\n", vfx_ocio_config_name(cfg) ? vfx_ocio_config_name(cfg) : "",
           (int) vfx_ocio_config_version_major(cfg), (int) vfx_ocio_config_version_minor(cfg));
    printf("colour spaces:\n");
    for (int32_t i = 0; i < vfx_ocio_config_colorspace_count(cfg); i++)
        printf("  %s\n", vfx_ocio_config_colorspace_name(cfg, i));
    printf("roles:\n");
    for (int32_t i = 0; i < vfx_ocio_config_role_count(cfg); i++) {
        const char *r = vfx_ocio_config_role_name(cfg, i);
        printf("  %-20s %s\n", r, vfx_ocio_config_role_colorspace(cfg, r));
    }
    printf("displays (views):\n");
    for (int32_t i = 0; i < vfx_ocio_config_display_count(cfg); i++) {
        const char *d = vfx_ocio_config_display_name(cfg, i);
        printf("  %s:", d);
        for (int32_t k = 0; k < vfx_ocio_config_view_count(cfg, d); k++)
            printf("%s %s", k ? "," : "", vfx_ocio_config_view_name(cfg, d, k));
        printf("\n");
    }
    if (vfx_ocio_config_look_count(cfg) > 0) {
        printf("looks:\n");
        for (int32_t i = 0; i < vfx_ocio_config_look_count(cfg); i++)
            printf("  %s\n", vfx_ocio_config_look_name(cfg, i));
    }
    if (vfx_ocio_config_named_transform_count(cfg) > 0) {
        printf("named transforms (usable as the source or destination of a conversion):\n");
        for (int32_t i = 0; i < vfx_ocio_config_named_transform_count(cfg); i++)
            printf("  %s\n", vfx_ocio_config_named_transform_name(cfg, i));
    }
}

static int
colors_run(int argc, char **argv)
{
    const char *path = NULL;
    int         json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--dump") == 0) {
            fputs(vfx_ocio_builtin_config_text(), stdout);
            return 0;
        } else
            return cli_usage_error("colors", "unknown argument '%s'", argv[i]);
    }
    vfx_ocio_config *cfg = NULL;
    vfx_status s = path ? vfx_ocio_config_new_from_file(path, &cfg) : vfx_ocio_config_new_from_env(&cfg);
    if (s != VFX_OK)
        return cli_fail(path ? path : "colour config", s);
    if (json)
        list_json(cfg);
    else
        list_text(cfg);
    vfx_ocio_config_free(cfg);
    return 0;
}

const cli_command cli_cmd_colors = { "colors", "colour spaces, displays, views and looks of the config",
                                     colors_run, colors_help };
