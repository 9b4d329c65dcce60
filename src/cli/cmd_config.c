/* vfx config --check: OpenColorIO's ociocheck for a config file, $OCIO or the built-in one. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static void
config_help(FILE *out)
{
    fprintf(out, "usage: vfx config --check [--as-ocio21] [CONFIG]\n\n"
                 "Check an OCIO config (.ocio or .ocioz; default $OCIO, else the built-in config)\n"
                 "as ociocheck does: YAML errors with file:line:column, undefined roles, colour\n"
                 "spaces, view transforms and looks, missing or unreadable LUT files, and every\n"
                 "colour space, look, display/view and named transform actually built.\n"
                 "Prints one line per problem (ERROR or WARNING) and a verdict; exit status 0\n"
                 "when there is no error, 1 otherwise.\n\n"
                 "  --as-ocio21  what OpenColorIO 2.1 cannot load (.ocioz, profile 2.2+) is an\n"
                 "               error, not a warning: the verdict of Debian's ociocheck\n");
}

static void
print_problem(void *ud, int is_error, const char *msg)
{
    (void) ud;
    printf("%s: %s\n", is_error ? "ERROR" : "WARNING", msg);
}

static int
config_run(int argc, char **argv)
{
    const char *path = NULL;
    int check = 0;
    uint32_t flags = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (strcmp(argv[i], "--as-ocio21") == 0)
            flags |= VFX_OCIO_CHECK_AS_OCIO21;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("config", "unknown option '%s'", argv[i]);
        else if (!path)
            path = argv[i];
        else
            return cli_usage_error("config", "more than one config given");
    }
    if (!check)
        return cli_usage_error("config", "nothing to do (use --check)");
    vfx_ocio_config *cfg = NULL;
    vfx_status s = path ? vfx_ocio_config_new_from_file(path, &cfg) : vfx_ocio_config_new_from_env(&cfg);
    const char *name = path ? path : getenv("OCIO") && getenv("OCIO")[0] ? getenv("OCIO") : "<vfx built-in config>";
    printf("config: %s\n", name);
    if (s == VFX_ERR_NOMEM)
        return cli_fail(name, s);
    if (s != VFX_OK) {
        printf("ERROR: %s\nverdict: FAILED (the config does not load)\n", vfx_error_message());
        return 1;
    }
    int32_t errors = 0, warnings = 0;
    s = vfx_ocio_config_check(cfg, flags, print_problem, NULL, &errors, &warnings);
    vfx_ocio_config_free(cfg);
    if (s != VFX_OK)
        return cli_fail(name, s);
    printf("verdict: %s (%d error%s, %d warning%s)\n", errors ? "FAILED" : "passed", (int) errors,
           errors == 1 ? "" : "s", (int) warnings, warnings == 1 ? "" : "s");
    return errors ? 1 : 0;
}

const cli_command cli_cmd_config = { "config", "check an OCIO config as ociocheck does (--check)", config_run,
                                     config_help };
