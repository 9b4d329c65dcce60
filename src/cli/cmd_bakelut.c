/* vfx bakelut: write a colour conversion or a chain of LUT files into one LUT file (what
 * ociobakelut does). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

static void
bakelut_help(FILE *out)
{
    fprintf(out,
            "usage: vfx bakelut [OPTIONS] OUT.{cube,spi3d,spi1d,3dl,clf,ctf,cc,cdl}\n\n"
            "Write a colour conversion from the OCIO config and/or a chain of LUT files and\n"
            "grades into one LUT file. The format follows OUT's extension.\n\n"
            "from the config (applied first):\n"
            "  --config FILE          the OCIO config (default: $OCIO, else the built-in one)\n"
            "  --from SPACE           input colour space or role (alias --inputspace)\n"
            "  --to SPACE             output colour space or role (alias --outputspace)\n"
            "  --display D --view V   output to a display and view instead of --to\n"
            "  --looks LOOKS          looks to apply (\"+a, -b\")\n"
            "then, in the order given:\n"
            "  --lut FILE             a LUT / transform file, forward\n"
            "  --invlut FILE          a LUT / transform file, inverse\n"
            "  --cccid ID             correction id or index for the following .ccc/.cdl files\n"
            "  --slope R G B | --offset R G B | --power R G B | --sat S\n"
            "                         an ASC CDL step (no clamping)\n"
            "output:\n"
            "  --size N               3D LUT edge (default 33; alias --cubesize) or, for .spi1d,\n"
            "                         the 1D LUT length (default 4096)\n"
            "  --no-optimize          keep the op list as built (default: fold matrices, drop\n"
            "                         identities and inverse pairs before writing)\n\n"
            ".cube, .spi3d and .3dl sample the processor on [0, 1]^3 (.3dl as 12-bit codes\n"
            "clamped to [0, 1]); .spi1d needs per-channel ops. .clf and .ctf write every op\n"
            "exactly when each has a CLF/CTF node, else bake the whole processor into a 1D or 3D\n"
            "LUT on [0, 1]. .cc and .cdl hold a single CDL.\n\n"
            "examples:\n"
            "  vfx bakelut --from ACEScct --display sRGB --view Standard look.cube\n"
            "  vfx bakelut --lut grade.cdl --lut film.3dl --size 65 show.clf\n");
}

static int
parse3(char **argv, int *i, int argc, double v[3])
{
    if (*i + 3 >= argc)
        return -1;
    for (int k = 0; k < 3; k++) {
        char *e;
        v[k] = strtod(argv[*i + 1 + k], &e);
        if (*e || e == argv[*i + 1 + k])
            return -1;
    }
    *i += 3;
    return 0;
}

static int
bakelut_run(int argc, char **argv)
{
    const char *cfg_path = NULL, *from = NULL, *to = NULL, *display = NULL, *view = NULL;
    const char *looks = NULL, *out = NULL, *cccid = NULL;
    long size = 0;
    int optimize = 1, rc = 0;
    vfx_color_processor *chain = NULL, *p = NULL;
    vfx_status s = vfx_color_processor_new(&chain);
    if (s != VFX_OK)
        return cli_fail("bakelut", s);
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--config") == 0 && more)
            cfg_path = argv[++i];
        else if ((strcmp(a, "--from") == 0 || strcmp(a, "--inputspace") == 0) && more)
            from = argv[++i];
        else if ((strcmp(a, "--to") == 0 || strcmp(a, "--outputspace") == 0) && more)
            to = argv[++i];
        else if (strcmp(a, "--display") == 0 && more)
            display = argv[++i];
        else if (strcmp(a, "--view") == 0 && more)
            view = argv[++i];
        else if (strcmp(a, "--looks") == 0 && more)
            looks = argv[++i];
        else if (strcmp(a, "--cccid") == 0 && more)
            cccid = argv[++i];
        else if ((strcmp(a, "--size") == 0 || strcmp(a, "--cubesize") == 0) && more) {
            char *e;
            size = strtol(argv[++i], &e, 10);
            if (*e || size < 2)
                rc = cli_usage_error("bakelut", "bad --size '%s'", argv[i]);
        } else if (strcmp(a, "--no-optimize") == 0)
            optimize = 0;
        else if ((strcmp(a, "--lut") == 0 || strcmp(a, "--invlut") == 0) && more) {
            const char *path = argv[++i];
            vfx_color_processor *q = NULL, *inv = NULL;
            s = vfx_color_processor_new_from_file(path, cccid, VFX_INTERP_BEST, &q);
            if (s == VFX_OK && a[2] == 'i') {
                s = vfx_color_processor_inverse(q, &inv);
                vfx_color_processor_free(q);
                q = inv;
            }
            if (s == VFX_OK)
                s = vfx_color_processor_append_processor(chain, q);
            vfx_color_processor_free(q);
            if (s != VFX_OK)
                rc = cli_fail(path, s);
        } else if (strcmp(a, "--slope") == 0 || strcmp(a, "--offset") == 0 ||
                   strcmp(a, "--power") == 0 || strcmp(a, "--sat") == 0) {
            vfx_cdl cdl = { { 1, 1, 1 }, { 0, 0, 0 }, { 1, 1, 1 }, 1.0 };
            double v[3];
            if (a[2] == 's' && a[3] == 'a') {
                char *e = NULL;
                if (more)
                    cdl.saturation = strtod(argv[++i], &e);
                if (!e || *e || e == argv[i]) {
                    rc = cli_usage_error("bakelut", "--sat needs a number");
                    break;
                }
            } else if (parse3(argv, &i, argc, v) != 0) {
                rc = cli_usage_error("bakelut", "%s needs three numbers", a);
                break;
            } else {
                memcpy(a[2] == 's' ? cdl.slope : a[3] == 'f' ? cdl.offset : cdl.power, v, sizeof v);
            }
            s = vfx_color_processor_append_cdl(chain, &cdl, VFX_CDL_NO_CLAMP, VFX_DIR_FORWARD);
            if (s != VFX_OK)
                rc = cli_fail(a, s);
        } else if (a[0] == '-' && a[1])
            rc = cli_usage_error("bakelut", "unknown option '%s'", a);
        else if (!out)
            out = a;
        else
            rc = cli_usage_error("bakelut", "more than one output file ('%s')", a);
    }
    if (rc == 0 && !out)
        rc = cli_usage_error("bakelut", "no output file");
    if (rc == 0 && (display || view) && (!display || !view || to))
        rc = cli_usage_error("bakelut", "--display needs --view (and no --to)");
    if (rc == 0 && (to || display || looks) && !from)
        rc = cli_usage_error("bakelut", "--to / --display / --looks need --from");
    if (rc == 0 && from && !to && !display)
        rc = cli_usage_error("bakelut", "--from needs --to or --display/--view");
    if (rc == 0 && (s = vfx_color_processor_new(&p)) != VFX_OK)
        rc = cli_fail("bakelut", s);
    if (rc == 0 && from) {
        vfx_ocio_config *cfg = NULL;
        s = cfg_path ? vfx_ocio_config_new_from_file(cfg_path, &cfg) : vfx_ocio_config_new_from_env(&cfg);
        if (s != VFX_OK) {
            rc = cli_fail(cfg_path ? cfg_path : "colour config", s);
        } else {
            vfx_color_processor *q = NULL;
            s = display ? vfx_ocio_display_processor_new(cfg, from, display, view, looks, VFX_DIR_FORWARD, &q)
                        : vfx_ocio_look_processor_new(cfg, from, to, looks, &q);
            if (s == VFX_OK)
                s = vfx_color_processor_append_processor(p, q);
            vfx_color_processor_free(q);
            if (s != VFX_OK)
                rc = cli_fail("colour conversion", s);
            vfx_ocio_config_free(cfg);
        }
    }
    if (rc == 0 && (s = vfx_color_processor_append_processor(p, chain)) != VFX_OK)
        rc = cli_fail("bakelut", s);
    if (rc == 0 && optimize && (s = vfx_color_processor_optimize(p)) != VFX_OK)
        rc = cli_fail("bakelut", s);
    if (rc == 0) {
        const char *dot = strrchr(out, '.');
        int is1d = dot && strcmp(dot, ".spi1d") == 0;
        if (size == 0)
            size = is1d ? 4096 : 33;
        if ((s = vfx_color_processor_bake(p, out, (int32_t) size)) != VFX_OK)
            rc = cli_fail(out, s);
    }
    vfx_color_processor_free(chain);
    vfx_color_processor_free(p);
    return rc;
}

const cli_command cli_cmd_bakelut = { "bakelut", "write a colour conversion or LUT chain into one LUT file",
                                      bakelut_run, bakelut_help };
