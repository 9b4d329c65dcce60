/* vfx command-line tool: subcommand dispatch and global help. */
#include <stdarg.h>
#include <string.h>

#include "cli/cli_int.h"

/* The subcommands, one line each (cmd_<name>.c defines cli_cmd_<name>). */
#define VFX_CLI_COMMANDS(X) X(info) X(convert) X(maketx) X(stats) X(diff) X(colors) X(config) X(bakelut) X(formats) X(demo)

#define X(name) extern const cli_command cli_cmd_##name;
VFX_CLI_COMMANDS(X)
#undef X

static const cli_command *const commands[] = {
#define X(name) &cli_cmd_##name,
    VFX_CLI_COMMANDS(X)
#undef X
    NULL
};

int
cli_fail(const char *what, vfx_status s)
{
    const char *msg = vfx_error_message();
    size_t      n = strlen(what);
    /* The library's message usually names the file already (by its base name, e.g. "exr:
     * a.exr: chunk 3: ..."): say it once, with the path as the user gave it. */
    if (strncmp(msg, what, n) == 0 && msg[n] == ':') {
        fprintf(stderr, "vfx: %s (%s)\n", msg, vfx_status_name(s));
        return 1;
    }
    const char *base = strrchr(what, '/');
    base = base ? base + 1 : what;
    size_t bn = strlen(base);
    for (const char *m = bn ? strstr(msg, base) : NULL; m; m = strstr(m + 1, base))
        if ((m == msg || m[-1] == ' ') && m[bn] == ':') {
            fprintf(stderr, "vfx: %.*s%s%s (%s)\n", (int) (m - msg), msg, what, m + bn,
                    vfx_status_name(s));
            return 1;
        }
    fprintf(stderr, "vfx: %s: %s (%s)\n", what, msg, vfx_status_name(s));
    return 1;
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "vfx %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry 'vfx %s --help'\n", cmd);
    return 2;
}

int
cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static void
usage(FILE *out)
{
    fprintf(out, "usage: vfx COMMAND [ARGS...]\n"
                 "       vfx IN --op ARGS ... -o OUT      (chain mode)\n"
                 "       vfx --version | --help | COMMAND --help\n\n"
                 "Streaming image I/O, colour management and image processing.\n\n"
                 "commands:\n");
    for (int i = 0; commands[i]; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n");
    cli_chain_help(out);
    fprintf(out, "\nenvironment: VFX_THREADS (worker threads), VFX_MEMORY (tile cache budget, "
                 "e.g. 512M or 25%%),\n  VFX_DROP_BEHIND=0 (keep the tiles a run has gone past "
                 "until the budget evicts them)\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vfx %s\n", vfx_version_string());
        return 0;
    }
    for (int i = 0; commands[i]; i++) {
        if (strcmp(argv[1], commands[i]->name) != 0)
            continue;
        if (argc > 2 && cli_is_help(argv[2])) {
            commands[i]->help(stdout);
            return 0;
        }
        int rc = commands[i]->run(argc - 1, argv + 1);
        vfx_shutdown();
        return rc;
    }
    /* anything else is a chain: vfx IN --op ... -o OUT */
    int rc = cli_chain_main(argc, argv);
    vfx_shutdown();
    return rc;
}
