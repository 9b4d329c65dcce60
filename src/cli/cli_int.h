/* The vfx command: shared declarations of the subcommands. */
#ifndef VFX_CLI_INT_H
#define VFX_CLI_INT_H

#include <stdio.h>

#include "vfx/vfx.h"

/** A subcommand: run with argv[0] = its name; returns the process exit code. */
typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for `vfx --help` */
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
} cli_command;

/** Print "vfx: <what>: <vfx_error_message()>" on stderr and return exit code 1. */
int cli_fail(const char *what, vfx_status s);
/** Print "vfx <cmd>: <msg>" + "try 'vfx <cmd> --help'" on stderr and return exit code 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
