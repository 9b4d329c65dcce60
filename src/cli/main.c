/* vfx command-line tool: entry point. */
#include <stdio.h>
#include <string.h>

#include "vfx/vfx.h"

int
main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--version") == 0)) {
        printf("vfx %s\n", vfx_version_string());
        return 0;
    }
    fprintf(stderr, "usage: vfx --version\n");
    return 2;
}
