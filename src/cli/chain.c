/* Chain mode: oiiotool-style left-to-right commands over a stack of lazy images.
 *
 *   vfx IN --op args ... -o OUT
 *
 * Every input and every op pushes a lazy image; ops pop their inputs. Nothing is computed
 * until an output (-o) or a statistics command pulls the top image, so a chain streams.
 * Commands take oiiotool's ":key=value" modifiers, e.g. -o:compression=piz:tile=64x64.
 * The same option names and meanings as oiiotool wherever oiiotool has them. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

#define STACK_MAX 64
#define MOD_MAX 8

typedef struct mod {
    char key[32];
    char value[256];
} mod;

typedef struct chain {
    vfx_image *stack[STACK_MAX];
    int        n;
    /* output settings that apply to the next -o (oiiotool: -d, --compression, --tile) */
    vfx_pixel_type out_type;
    char           compression[64];
    int32_t        level;
    int32_t        tile_w, tile_h;
    int            quiet, runstats;
    double         t0;
    vfx_ocio_config *cfg;         /* loaded on first use: --colorconfig, $OCIO or built-in */
    const char      *cfg_path;
} chain;

typedef struct chain_cmd chain_cmd;
typedef int (*cmd_fn)(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods);

struct chain_cmd {
    const char *name;
    int         n_args;
    cmd_fn      fn;
    const char *help;
};

static const chain_cmd *find_cmd(const char *name);

/* ---- helpers ---------------------------------------------------------------------------- */

static int
fail(const char *what, vfx_status s)
{
    return cli_fail(what, s);
}

static int
usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "vfx: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry 'vfx --help'\n");
    return 2;
}

static int
push(chain *c, vfx_image *im)
{
    if (c->n >= STACK_MAX) {
        vfx_image_unref(im);
        fprintf(stderr, "vfx: image stack full (%d images)\n", STACK_MAX);
        return 2;
    }
    c->stack[c->n++] = im;
    return 0;
}

/* Pop into *out (caller owns the reference). */
static int
pop(chain *c, const char *cmd, vfx_image **out)
{
    if (c->n == 0) {
        fprintf(stderr, "vfx: %s: no image to work on (give an input first)\n", cmd);
        return 2;
    }
    *out = c->stack[--c->n];
    return 0;
}

static const char *
mod_get(const mod *mods, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(mods[i].key, key) == 0)
            return mods[i].value;
    return NULL;
}

/* "1,0.5,0.25" -> values; a single value is repeated over n channels. Returns count or -1. */
static int
parse_floats(const char *s, float *v, int n)
{
    int k = 0;
    while (*s && k < n) {
        char *end;
        double x = strtod(s, &end);
        if (end == s)
            return -1;
        v[k++] = (float) x;
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    if (*s)
        return -1;
    if (k == 1)
        for (int i = 1; i < n; i++)
            v[i] = v[0];
    return k == 1 ? n : k;
}

/* "WxH+X+Y" or "WxH" (origin 0) or "X0,Y0,X1,Y1" (inclusive, as oiiotool) -> rect */
static int
parse_geom(const char *s, vfx_rect *r)
{
    int x0, y0, x1, y1, w, h, x = 0, y = 0;
    if (sscanf(s, "%d,%d,%d,%d", &x0, &y0, &x1, &y1) == 4 && x1 >= x0 && y1 >= y0) {
        *r = (vfx_rect){ x0, y0, x1 + 1, y1 + 1 };
        return 0;
    }
    int n = sscanf(s, "%dx%d%d%d", &w, &h, &x, &y);
    if ((n == 2 || n == 4) && w > 0 && h > 0) {
        *r = vfx_rect_make(x, y, w, h);
        return 0;
    }
    return -1;
}

/* ---- inputs and outputs ----------------------------------------------------------------- */

static int
cmd_input(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd;
    vfx_open_options o = VFX_OPEN_OPTIONS_INIT;
    o.channels = mod_get(mods, n_mods, "ch");
    const char *sub = mod_get(mods, n_mods, "subimage");
    if (sub)
        o.part = (int32_t) atoi(sub);
    const char *mip = mod_get(mods, n_mods, "miplevel"); /* MIP level l = (l, l) */
    if (mip)
        o.level_x = o.level_y = (int32_t) atoi(mip);
    const char *lev = mod_get(mods, n_mods, "level"); /* "LX,LY" of a RIP map */
    if (lev && sscanf(lev, "%d,%d", &o.level_x, &o.level_y) != 2)
        return usage("bad level '%s' (want LX,LY)", lev);
    vfx_image *im;
    vfx_status s = vfx_image_open(args[0], &o, &im);
    if (s != VFX_OK)
        return fail(args[0], s);
    return push(c, im);
}

static int
cmd_output(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *im;
    if (c->n == 0)
        return pop(c, cmd->name, &im);
    im = c->stack[c->n - 1]; /* -o leaves the image on the stack, as oiiotool does */
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    char              comp[64];
    wo.pixel_type = c->out_type;
    wo.compression = c->compression[0] ? c->compression : NULL;
    wo.level = c->level;
    wo.tile_w = c->tile_w;
    wo.tile_h = c->tile_h;
    const char *v;
    if ((v = mod_get(mods, n_mods, "compression"))) {
        if (cli_parse_compression(v, comp, sizeof comp, &wo.level) != 0)
            return usage("bad compression '%s'", v);
        wo.compression = comp;
    }
    if ((v = mod_get(mods, n_mods, "type")) || (v = mod_get(mods, n_mods, "datatype")) ||
        (v = mod_get(mods, n_mods, "bits"))) {
        wo.pixel_type = vfx_pixel_type_from_name(v);
        if (wo.pixel_type == VFX_PIXEL_UNKNOWN)
            return usage("unknown data type '%s'", v);
    }
    if ((v = mod_get(mods, n_mods, "tile")) && cli_parse_size(v, &wo.tile_w, &wo.tile_h) != 0)
        return usage("bad tile size '%s'", v);
    if ((v = mod_get(mods, n_mods, "scanline")) && atoi(v))
        wo.tile_w = wo.tile_h = 0;

    cli_progress pr;
    cli_progress_init(&pr, args[0], vfx_rect_area(vfx_image_rod(im)), c->quiet);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.progress = cli_progress_fn;
    so.progress_user = &pr;
    vfx_status s = vfx_image_write(im, args[0], &wo, &so);
    cli_progress_end(&pr);
    if (s != VFX_OK)
        return fail(args[0], s);
    return 0;
}

static int
cmd_type(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) mods, (void) n_mods;
    c->out_type = vfx_pixel_type_from_name(args[0]);
    if (c->out_type == VFX_PIXEL_UNKNOWN)
        return usage("unknown data type '%s' (u8, u16, u32, half, float)", args[0]);
    return 0;
}

static int
cmd_compression(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) mods, (void) n_mods;
    if (cli_parse_compression(args[0], c->compression, sizeof c->compression, &c->level) != 0)
        return usage("bad compression '%s' (NAME or NAME:LEVEL)", args[0]);
    return 0;
}

static int
cmd_tile(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) mods, (void) n_mods;
    if (cli_parse_size(args[0], &c->tile_w, &c->tile_h) != 0)
        return usage("bad tile size '%s' (WxH)", args[0]);
    return 0;
}

static int
cmd_scanline(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) args, (void) mods, (void) n_mods;
    c->tile_w = c->tile_h = 0;
    return 0;
}

/* ---- image generators ------------------------------------------------------------------- */

static int
make_spec(const char *size, const char *nch, vfx_spec *spec)
{
    int32_t w, h;
    int     n = atoi(nch);
    if (cli_parse_size(size, &w, &h) != 0 || n < 1 || n > 64)
        return usage("bad size or channel count '%s' (WxH N)", size);
    const char *names[] = { "", "Y", "Y,A", "R,G,B", "R,G,B,A" };
    char        buf[512] = "";
    if (n <= 4) {
        snprintf(buf, sizeof buf, "%s", names[n]);
    } else {
        strcpy(buf, "R,G,B,A");
        for (int i = 4; i < n; i++) {
            size_t l = strlen(buf);
            snprintf(buf + l, sizeof buf - l, ",channel%d", i);
        }
    }
    vfx_status s = vfx_spec_init_simple(spec, w, h, buf, VFX_PIXEL_F32);
    return s == VFX_OK ? 0 : fail("create", s);
}

static int
cmd_create(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) mods, (void) n_mods;
    vfx_spec spec = VFX_SPEC_INIT;
    int      rc = make_spec(args[0], args[1], &spec);
    if (rc)
        return rc;
    float      zero[64] = { 0 };
    vfx_image *im;
    vfx_status s = vfx_image_new_constant(zero, &spec, &im);
    vfx_spec_clear(&spec);
    return s == VFX_OK ? push(c, im) : fail("create", s);
}

/* --pattern NAME[:k=v...] WxH N: constant:color=, checker:width=:color1=:color2=, fill:top=:bottom=
 * / left=:right=, noise:min=:max=:seed= */
static int split_mods_any(const char *arg, int any, char *name, size_t cap, mod *mods,
                          int *n_mods);

static int
cmd_pattern(chain *c, const chain_cmd *cmd, char **args, const mod *cmd_mods, int n_cmd_mods)
{
    (void) cmd, (void) cmd_mods, (void) n_cmd_mods;
    char kind[64];
    mod  mods[MOD_MAX];
    int  n_mods;
    if (split_mods_any(args[0], 1, kind, sizeof kind, mods, &n_mods) != 0)
        return usage("bad pattern '%s'", args[0]);
    vfx_spec spec = VFX_SPEC_INIT;
    int      rc = make_spec(args[1], args[2], &spec);
    if (rc)
        return rc;
    int32_t     nc = vfx_channels_count(spec.channels);
    float       a[64] = { 0 }, b[64];
    const char *v;
    vfx_image  *im = NULL;
    vfx_status  s = VFX_OK;
    for (int i = 0; i < 64; i++)
        b[i] = 1.0f;
    if (strcmp(kind, "constant") == 0) {
        if ((v = mod_get(mods, n_mods, "color")) && parse_floats(v, a, nc) < 0)
            rc = usage("bad color '%s'", v);
        if (!rc)
            s = vfx_image_new_constant(a, &spec, &im);
    } else if (strcmp(kind, "checker") == 0) {
        /* oiiotool: color1 (default black) at (0, 0), color2 (default white) next to it */
        int size = (v = mod_get(mods, n_mods, "width")) ? atoi(v) : 8;
        float c1[64], c2[64];
        for (int i = 0; i < 64; i++) {
            c1[i] = 0.0f;
            c2[i] = 1.0f;
        }
        if ((v = mod_get(mods, n_mods, "color1")) && parse_floats(v, c1, nc) < 0)
            rc = usage("bad color1 '%s'", v);
        if ((v = mod_get(mods, n_mods, "color2")) && parse_floats(v, c2, nc) < 0)
            rc = usage("bad color2 '%s'", v);
        if (!rc)
            s = vfx_image_checker(&spec, size, c1, c2, &im);
    } else if (strcmp(kind, "fill") == 0) {
        int vertical = 1;
        if ((v = mod_get(mods, n_mods, "top")))
            rc = parse_floats(v, a, nc) < 0;
        if ((v = mod_get(mods, n_mods, "bottom")))
            rc |= parse_floats(v, b, nc) < 0;
        if ((v = mod_get(mods, n_mods, "left"))) {
            vertical = 0;
            rc |= parse_floats(v, a, nc) < 0;
        }
        if ((v = mod_get(mods, n_mods, "right")))
            rc |= parse_floats(v, b, nc) < 0;
        if ((v = mod_get(mods, n_mods, "color")))
            rc |= parse_floats(v, a, nc) < 0 || parse_floats(v, b, nc) < 0;
        if (rc) {
            rc = usage("bad fill colours in '%s'", kind);
        } else {
            /* oiiotool puts the end colours on the first and last pixel centres; the engine's
             * ramp spans the outer edges: move the ends out by half a pixel */
            int64_t len = vertical ? vfx_rect_height(spec.display) : vfx_rect_width(spec.display);
            if (len > 1) {
                for (int32_t k = 0; k < nc; k++) {
                    double d = (double) b[k] - a[k];
                    double s0 = a[k] - 0.5 * d / (double) (len - 1);
                    b[k] = (float) (s0 + d * (double) len / (double) (len - 1));
                    a[k] = (float) s0;
                }
            }
            s = vfx_image_ramp(&spec, vertical, a, b, &im);
        }
    } else if (strcmp(kind, "noise") == 0) {
        float    lo = (v = mod_get(mods, n_mods, "min")) ? (float) atof(v) : 0.0f;
        float    hi = (v = mod_get(mods, n_mods, "max")) ? (float) atof(v) : 1.0f;
        uint64_t seed = (v = mod_get(mods, n_mods, "seed")) ? strtoull(v, NULL, 10) : 0;
        s = vfx_image_noise(&spec, seed, lo, hi, &im);
    } else {
        rc = usage("unknown pattern '%s' (constant, checker, fill, noise)", kind);
    }
    vfx_spec_clear(&spec);
    if (rc)
        return rc;
    return s == VFX_OK ? push(c, im) : fail("pattern", s);
}

/* ---- ops ----------------------------------------------------------------------------------- */

static int
cmd_binary(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    static const struct { const char *name; vfx_arith op; } ops[] = {
        { "--add", VFX_ARITH_ADD }, { "--sub", VFX_ARITH_SUB }, { "--mul", VFX_ARITH_MUL },
        { "--div", VFX_ARITH_DIV }, { "--min", VFX_ARITH_MIN }, { "--max", VFX_ARITH_MAX },
        { "--absdiff", VFX_ARITH_ABSDIFF },
    };
    vfx_image *b, *a, *im = NULL;
    int        rc = pop(c, cmd->name, &b);
    if (rc)
        return rc;
    if ((rc = pop(c, cmd->name, &a))) {
        vfx_image_unref(b);
        return rc;
    }
    vfx_arith op = VFX_ARITH_ADD;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].name, cmd->name) == 0)
            op = ops[i].op;
    vfx_status s = vfx_image_arith(a, b, op, &im);
    vfx_image_unref(a);
    vfx_image_unref(b);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

/* --addc --subc --mulc --divc --mad-like constant forms, one value or one per channel */
static int
cmd_constop(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    int32_t nc = vfx_image_n_channels(in);
    float   v[64], a[64], b[64];
    if (nc > 64 || parse_floats(args[0], v, nc) != nc) {
        vfx_image_unref(in);
        return usage("bad values '%s' (one, or one per channel)", args[0]);
    }
    for (int32_t i = 0; i < nc; i++) {
        a[i] = 1.0f;
        b[i] = 0.0f;
        if (strcmp(cmd->name, "--addc") == 0)
            b[i] = v[i];
        else if (strcmp(cmd->name, "--subc") == 0)
            b[i] = -v[i];
        else if (strcmp(cmd->name, "--mulc") == 0)
            a[i] = v[i];
        else /* --divc; 0 gives 0, as --div */
            a[i] = v[i] == 0.0f ? 0.0f : 1.0f / v[i];
    }
    vfx_status s = vfx_image_mad(in, a, b, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_ch(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_channels(in, args[0], &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_crop(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    vfx_rect r;
    if (parse_geom(args[0], &r) != 0)
        return usage("bad geometry '%s' (WxH+X+Y or xmin,ymin,xmax,ymax)", args[0]);
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_crop(in, r, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_lut(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const char          *interp = mod_get(mods, n_mods, "interp");
    vfx_interp           mode = interp && strcmp(interp, "linear") == 0 ? VFX_INTERP_LINEAR
                                                                          : VFX_INTERP_TETRAHEDRAL;
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_color_processor_new_from_file(args[0], mod_get(mods, n_mods, "cccid"), mode, &p);
    if (s == VFX_OK && mod_get(mods, n_mods, "inverse") && atoi(mod_get(mods, n_mods, "inverse"))) {
        vfx_color_processor *inv = NULL;
        s = vfx_color_processor_inverse(p, &inv);
        vfx_color_processor_free(p);
        p = inv;
    }
    const char *up = mod_get(mods, n_mods, "unpremult");
    if (s == VFX_OK)
        s = vfx_image_color(in, p, up && atoi(up), NULL, &im);
    vfx_color_processor_free(p);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(args[0], s);
}

/* ---- colour management (OCIO config) --------------------------------------------------- */

static int
need_config(chain *c)
{
    if (c->cfg)
        return 0;
    vfx_status s = c->cfg_path ? vfx_ocio_config_new_from_file(c->cfg_path, &c->cfg)
                               : vfx_ocio_config_new_from_env(&c->cfg);
    return s == VFX_OK ? 0 : fail(c->cfg_path ? c->cfg_path : "colour config", s);
}

/* The colour space an image is in: its "colorspace" attribute, else the scene_linear role. */
static const char *
image_space(chain *c, vfx_image *im)
{
    const char *cs = NULL;
    const vfx_spec *spec = vfx_image_spec(im);
    if (spec->attrs && vfx_attrs_get_string(spec->attrs, "colorspace", &cs) == VFX_OK && cs &&
        vfx_ocio_config_colorspace_index(c->cfg, cs) >= 0)
        return cs;
    cs = vfx_ocio_config_role_colorspace(c->cfg, "scene_linear");
    return cs ? cs : "scene_linear";
}

static int
apply_proc(chain *c, const char *what, vfx_image *in, vfx_color_processor *p, vfx_status s,
           const mod *mods, int n_mods, const char *new_space)
{
    const char *up = mod_get(mods, n_mods, "unpremult");
    vfx_image  *im = NULL;
    if (s == VFX_OK)
        s = vfx_image_color(in, p, up && atoi(up), new_space, &im);
    vfx_color_processor_free(p);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(what, s);
}

static int
cmd_colorconfig(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) mods, (void) n_mods;
    vfx_ocio_config_free(c->cfg);
    c->cfg = NULL;
    c->cfg_path = args[0];
    return need_config(c);
}

static int
cmd_colorconvert(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    int rc = need_config(c);
    vfx_image *in;
    if (rc || (rc = pop(c, cmd->name, &in)))
        return rc;
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_ocio_processor_new(c->cfg, args[0], args[1], &p);
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, args[1]);
}

static int
cmd_tocolorspace(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    int rc = need_config(c);
    vfx_image *in;
    if (rc || (rc = pop(c, cmd->name, &in)))
        return rc;
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_ocio_processor_new(c->cfg, image_space(c, in), args[0], &p);
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, args[0]);
}

static int
cmd_ociodisplay(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    int rc = need_config(c);
    vfx_image *in;
    if (rc || (rc = pop(c, cmd->name, &in)))
        return rc;
    const char *from = mod_get(mods, n_mods, "from");
    const char *display = args[0][0] ? args[0] : vfx_ocio_config_default_display(c->cfg);
    const char *view = args[1][0] ? args[1] : vfx_ocio_config_default_view(c->cfg, display);
    const char *inv = mod_get(mods, n_mods, "inverse");
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_ocio_display_processor_new(c->cfg, from ? from : image_space(c, in), display,
                                                  view, mod_get(mods, n_mods, "looks"),
                                                  inv && atoi(inv) ? VFX_DIR_INVERSE : VFX_DIR_FORWARD,
                                                  &p);
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, NULL);
}

static int
cmd_ociolook(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    int rc = need_config(c);
    vfx_image *in;
    if (rc || (rc = pop(c, cmd->name, &in)))
        return rc;
    const char *from = mod_get(mods, n_mods, "from");
    const char *to = mod_get(mods, n_mods, "to");
    if (!from)
        from = image_space(c, in);
    if (!to)
        to = from;
    vfx_color_processor *p = NULL;
    vfx_status s = vfx_ocio_look_processor_new(c->cfg, from, to, args[0], &p);
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, to);
}

/* --opendrt: OpenDRT (Base look) from scene-linear to a display, as one op */
static int
cmd_opendrt(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    vfx_image *in;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const char   *v;
    double        peak = (v = mod_get(mods, n_mods, "peak")) ? atof(v) : 100.0;
    const char   *gamut = (v = mod_get(mods, n_mods, "gamut")) ? v : "rec709";
    const char   *enc = (v = mod_get(mods, n_mods, "encoding")) ? v : peak > 100.0 ? "pq" : "srgb";
    const char   *clamp = mod_get(mods, n_mods, "clamp");
    vfx_primaries input = VFX_PRIMARIES_REC709;
    vfx_status    s = VFX_OK;
    if ((v = mod_get(mods, n_mods, "input")))
        s = vfx_primaries_from_name(v, &input);
    char name[1024];
    snprintf(name, sizeof name, "vfx:opendrt:%g:%s:%s%s%s", peak, gamut, enc, clamp ? ":" : "",
             clamp ? clamp : "");
    vfx_color_processor *p = NULL;
    if (s == VFX_OK)
        s = vfx_opendrt_view_new(name, input, &p);
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, NULL);
}

static int
cmd_stats(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    vfx_image         *im = c->stack[c->n - 1];
    int32_t            nc = vfx_image_n_channels(im);
    vfx_channel_stats *st = calloc((size_t) nc, sizeof *st);
    vfx_sink_options   so = VFX_SINK_OPTIONS_INIT;
    so.flags = VFX_SINK_DATA_WINDOW;
    vfx_status s = st ? vfx_image_stats(im, &so, st, nc) : VFX_ERR_NOMEM;
    if (s != VFX_OK) {
        free(st);
        return fail("stats", s);
    }
    const vfx_spec *spec = vfx_image_spec(im);
    printf("Stats:\n");
    for (int32_t k = 0; k < nc; k++) {
        vfx_channel_info ci;
        vfx_channels_get(spec->channels, k, &ci);
        printf("  %-8s min %-12.6g max %-12.6g mean %-12.6g stddev %-12.6g nan %lld inf %lld\n",
               ci.name, st[k].min, st[k].max, st[k].mean, st[k].stddev,
               (long long) st[k].nan_count, (long long) st[k].inf_count);
    }
    free(st);
    return 0;
}

static int
cmd_flag(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (strcmp(cmd->name, "-q") == 0)
        c->quiet = 1;
    else if (strcmp(cmd->name, "--runstats") == 0)
        c->runstats = 1;
    return 0;
}

/* --threads and --memory are applied before anything runs (see chain_main) */
static int
cmd_skip(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) c, (void) cmd, (void) args, (void) mods, (void) n_mods;
    return 0;
}

/* ---- resampling and filtering -------------------------------------------------------------- */

/* oiiotool's resize geometry against the display window @p d: "WxH", "WxH+X+Y", "S%",
 * "Sx%Sy%", a 0 in either size keeps the aspect ratio. */
static int
parse_resize_geom(const char *s, vfx_rect d, vfx_rect *r)
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

static int
cmd_resize(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_rect r;
    if (parse_resize_geom(args[0], vfx_image_spec(in)->display, &r) != 0) {
        vfx_image_unref(in);
        return usage("bad size '%s' (WxH, WxH+X+Y or N%%)", args[0]);
    }
    vfx_status s;
    if (strcmp(cmd->name, "--fit") == 0) {
        const char *pad = mod_get(mods, n_mods, "pad");
        s = vfx_image_fit(in, r, mod_get(mods, n_mods, "filter"),
                          mod_get(mods, n_mods, "fillmode"), pad ? atoi(pad) : 0, &im);
    } else if (strcmp(cmd->name, "--resample") == 0) {
        const char *ip = mod_get(mods, n_mods, "interp");
        s = vfx_image_resample(in, r, ip ? atoi(ip) : 1, &im);
    } else {
        const char *fw = mod_get(mods, n_mods, "filterwidth");
        s = vfx_image_resize(in, r, mod_get(mods, n_mods, "filter"),
                             fw ? (float) atof(fw) : 0.0f, &im);
    }
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_blur(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    float w, h;
    if (sscanf(args[0], "%fx%f", &w, &h) != 2)
        return usage("bad size '%s' (WxH)", args[0]);
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_blur(in, mod_get(mods, n_mods, "kernel"), w, h, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_unsharp(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    const char *k = mod_get(mods, n_mods, "kernel"), *w = mod_get(mods, n_mods, "width");
    const char *ct = mod_get(mods, n_mods, "contrast"), *th = mod_get(mods, n_mods, "threshold");
    vfx_image  *in, *im = NULL;
    int         rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_unsharp(in, k ? k : "gaussian", w ? (float) atof(w) : 3.0f,
                                     ct ? (float) atof(ct) : 1.0f, th ? (float) atof(th) : 0.0f,
                                     &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_laplacian(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_laplacian(in, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_kernel(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    float w, h;
    if (sscanf(args[1], "%fx%f", &w, &h) != 2)
        return usage("bad size '%s' (WxH)", args[1]);
    vfx_image *im = NULL;
    vfx_status s = vfx_image_make_kernel(args[0], w, h, 1, &im);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_convolve(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *k, *in, *im = NULL;
    int        rc = pop(c, cmd->name, &k);
    if (rc)
        return rc;
    if ((rc = pop(c, cmd->name, &in))) {
        vfx_image_unref(k);
        return rc;
    }
    vfx_status s = vfx_image_convolve(in, k, 1, &im);
    vfx_image_unref(in);
    vfx_image_unref(k);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_over(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    vfx_image *b, *a, *im = NULL;
    int        rc = pop(c, cmd->name, &b);
    if (rc)
        return rc;
    if ((rc = pop(c, cmd->name, &a))) {
        vfx_image_unref(b);
        return rc;
    }
    /* oiiotool: the image below is A (foreground), the top one B */
    vfx_status s;
    if (strcmp(cmd->name, "--zover") == 0) {
        const char *zi = mod_get(mods, n_mods, "zeroisinf");
        s = vfx_image_zover(a, b, zi ? atoi(zi) : 0, &im);
    } else {
        s = vfx_image_over(a, b, &im);
    }
    vfx_image_unref(a);
    vfx_image_unref(b);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_premult(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = strcmp(cmd->name, "--premult") == 0 ? vfx_image_premult(in, &im)
                                                      : vfx_image_unpremult(in, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_reorient(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    static const struct {
        const char *name;
        vfx_status (*fn)(vfx_image *, vfx_image **);
    } ops[] = {
        { "--flip", vfx_image_flip }, { "--flop", vfx_image_flop },
        { "--rotate90", vfx_image_rotate90 }, { "--rotate180", vfx_image_rotate180 },
        { "--rotate270", vfx_image_rotate270 }, { "--transpose", vfx_image_transpose },
    };
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = VFX_ERR_ARG;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].name, cmd->name) == 0)
            s = ops[i].fn(in, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

/* --cut GEOM, --origin +X+Y, --fullsize GEOM */
static int
cmd_window(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    vfx_rect   r = { 0, 0, 0, 0 };
    int        x, y;
    int        origin = strcmp(cmd->name, "--origin") == 0;
    if (origin ? sscanf(args[0], "%d%d", &x, &y) != 2 : parse_geom(args[0], &r) != 0)
        return usage("bad geometry '%s'", args[0]);
    int rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const vfx_spec *sp = vfx_image_spec(in);
    vfx_status      s;
    if (strcmp(cmd->name, "--cut") == 0)
        s = vfx_image_cut(in, r, &im);
    else if (origin) /* moves the data window's origin to (x, y) */
        s = vfx_image_translate(in, x - sp->data.x0, y - sp->data.y0, sp->display, &im);
    else
        s = vfx_image_translate(in, 0, 0, r, &im);
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

/* --abs --invert --powc --clamp */
static int
cmd_unary(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    int32_t    nc = vfx_image_n_channels(in);
    float      lo[64], hi[64];
    vfx_status s = VFX_ERR_ARG;
    if (nc > 64) {
        vfx_image_unref(in);
        return usage("%s: more than 64 channels", cmd->name);
    }
    if (strcmp(cmd->name, "--abs") == 0) {
        s = vfx_image_abs(in, &im);
    } else if (strcmp(cmd->name, "--invert") == 0) {
        const char *b = mod_get(mods, n_mods, "chbegin"), *e = mod_get(mods, n_mods, "chend");
        s = vfx_image_invert(in, b ? atoi(b) : 0, e ? atoi(e) : 3, &im);
    } else if (strcmp(cmd->name, "--powc") == 0) {
        if (parse_floats(args[0], lo, nc) != nc) {
            vfx_image_unref(in);
            return usage("bad values '%s' (one, or one per channel)", args[0]);
        }
        s = vfx_image_pow(in, lo, &im);
    } else { /* --clamp:min=:max=:clampalpha= */
        const char *mn = mod_get(mods, n_mods, "min"), *mx = mod_get(mods, n_mods, "max");
        const char *ca = mod_get(mods, n_mods, "clampalpha");
        if ((mn && parse_floats(mn, lo, nc) != nc) || (mx && parse_floats(mx, hi, nc) != nc)) {
            vfx_image_unref(in);
            return usage("bad clamp bounds '%s'", mn ? mn : mx);
        }
        s = vfx_image_clamp(in, mn ? lo : NULL, mx ? hi : NULL, ca ? atoi(ca) : 0, &im);
    }
    vfx_image_unref(in);
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_mad3(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *v[3] = { NULL, NULL, NULL }, *im = NULL;
    int        rc = 0;
    for (int i = 2; i >= 0 && !rc; i--)
        rc = pop(c, cmd->name, &v[i]);
    vfx_status s = rc ? VFX_ERR_ARG : vfx_image_mad3(v[0], v[1], v[2], &im);
    for (int i = 0; i < 3; i++)
        vfx_image_unref(v[i]);
    if (rc)
        return rc;
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static const chain_cmd commands[] = {
    { "-i", 1, cmd_input, "FILE: read an image (:ch=R,G,B :subimage=N :miplevel=N :level=LX,LY)" },
    { "-o", 1, cmd_output, "FILE: write the top image (:compression= :tile=WxH :type= :scanline=1)" },
    { "-d", 1, cmd_type, "TYPE: data type of later outputs (u8 u16 u32 half float)" },
    { "--compression", 1, cmd_compression, "NAME[:LEVEL]: compression of later outputs" },
    { "--tile", 1, cmd_tile, "WxH: later outputs are tiled" },
    { "--scanline", 0, cmd_scanline, "later outputs are scanline / strips" },
    { "--create", 2, cmd_create, "WxH N: a black image of N channels" },
    { "--pattern", 3, cmd_pattern, "NAME WxH N: constant:color=, checker:width=:color1=:color2=, "
                                   "fill:top=:bottom= (or left=:right=), noise:min=:max=:seed=" },
    { "--ch", 1, cmd_ch, "LIST: select / reorder / rename / fill channels (R,G,B,A=1.0)" },
    { "--crop", 1, cmd_crop, "GEOM: crop to WxH+X+Y or xmin,ymin,xmax,ymax (data window)" },
    { "--add", 0, cmd_binary, "add the two top images" },
    { "--sub", 0, cmd_binary, "subtract the top image from the one below" },
    { "--mul", 0, cmd_binary, "multiply the two top images" },
    { "--div", 0, cmd_binary, "divide (x / 0 = 0)" },
    { "--min", 0, cmd_binary, "per-channel minimum of the two top images" },
    { "--max", 0, cmd_binary, "per-channel maximum" },
    { "--absdiff", 0, cmd_binary, "absolute difference" },
    { "--addc", 1, cmd_constop, "V[,V...]: add constants" },
    { "--subc", 1, cmd_constop, "V[,V...]: subtract constants" },
    { "--mulc", 1, cmd_constop, "V[,V...]: multiply by constants" },
    { "--divc", 1, cmd_constop, "V[,V...]: divide by constants" },
    { "--ociofiletransform", 1, cmd_lut,
      "FILE: apply a LUT / CDL file (:inverse=1 :interp=linear :cccid= :unpremult=1)" },
    { "--colorconfig", 1, cmd_colorconfig, "FILE: the OCIO config (default: $OCIO, else built in)" },
    { "--colorconvert", 2, cmd_colorconvert, "FROM TO: convert between colour spaces (:unpremult=1)" },
    { "--tocolorspace", 1, cmd_tocolorspace, "TO: convert from the image's colour space" },
    { "--ociodisplay", 2, cmd_ociodisplay,
      "DISPLAY VIEW: to a display and view (\"\" = default; :from= :looks= :inverse=1)" },
    { "--opendrt", 0, cmd_opendrt,
      "OpenDRT (Base) to a display (:peak=100 :gamut=rec709|p3d65|rec2020 :encoding=srgb|bt1886|"
      "gamma2.2|gamma2.6|pq|hlg|linear :input=rec709|acesap1|... :clamp=peak|pqrange|none)" },
    { "--ociolook", 1, cmd_ociolook, "LOOKS: apply looks (:from= :to=)" },
    { "--resize", 1, cmd_resize, "WxH|N%: resize (:filter=NAME :filterwidth=W)" },
    { "--fit", 1, cmd_resize, "WxH: resize to fit, keeping the aspect (:filter= :fillmode= :pad=1)" },
    { "--resample", 1, cmd_resize, "WxH|N%: resample, bilinear (:interp=0 nearest)" },
    { "--blur", 1, cmd_blur, "WxH: blur with a WxH kernel (:kernel=gaussian)" },
    { "--unsharp", 0, cmd_unsharp, "unsharp mask (:kernel=gaussian :width=3 :contrast=1 :threshold=0)" },
    { "--laplacian", 0, cmd_laplacian, "Laplacian (5-point stencil)" },
    { "--kernel", 2, cmd_kernel, "NAME WxH: push a convolution kernel image" },
    { "--convolve", 0, cmd_convolve, "convolve the image below with the kernel on top" },
    { "--over", 0, cmd_over, "composite the image below over the top one (premultiplied)" },
    { "--zover", 0, cmd_over, "depth composite of the two top images (:zeroisinf=1)" },
    { "--premult", 0, cmd_premult, "multiply colour channels by alpha" },
    { "--unpremult", 0, cmd_premult, "divide colour channels by alpha (alpha 0 left alone)" },
    { "--flip", 0, cmd_reorient, "mirror top to bottom" },
    { "--flop", 0, cmd_reorient, "mirror left to right" },
    { "--rotate90", 0, cmd_reorient, "rotate 90 degrees clockwise" },
    { "--rotate180", 0, cmd_reorient, "rotate 180 degrees" },
    { "--rotate270", 0, cmd_reorient, "rotate 270 degrees clockwise" },
    { "--transpose", 0, cmd_reorient, "swap x and y" },
    { "--cut", 1, cmd_window, "GEOM: crop, move to the origin, display window = data window" },
    { "--origin", 1, cmd_window, "+X+Y: move the data window's origin" },
    { "--fullsize", 1, cmd_window, "GEOM: set the display window" },
    { "--abs", 0, cmd_unary, "absolute value" },
    { "--invert", 0, cmd_unary, "1 - x on channels 0..2 (:chbegin= :chend=)" },
    { "--powc", 1, cmd_unary, "V[,V...]: raise to a power per channel" },
    { "--clamp", 0, cmd_unary, "clamp (:min=V[,V...] :max=V[,V...] :clampalpha=1)" },
    { "--mad", 0, cmd_mad3, "multiply the two images below the top one, add the top one" },
    { "--stats", 0, cmd_stats, "print per-channel statistics of the top image" },
    { "-q", 0, cmd_flag, "quiet: no progress line" },
    { "--runstats", 0, cmd_flag, "print time and peak memory at the end" },
    { "--threads", 1, cmd_skip, "N: worker threads" },
    { "--memory", 1, cmd_skip, "SIZE: tile cache budget (512M, 4G, 25%)" },
};

static const chain_cmd *
find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void
cli_chain_help(FILE *out)
{
    fprintf(out, "chain mode (oiiotool style): vfx IN --op ARGS ... -o OUT\n"
                 "  every input and op pushes a lazy image; -o writes the top one (streaming).\n"
                 "  ops take :key=value modifiers, e.g. -o:compression=piz:tile=64x64\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-22s %s\n", commands[i].name, commands[i].help);
}

/* Split "--op:k=v:k2=v2" into the name and modifiers. */
static int
split_mods_any(const char *arg, int any, char *name, size_t cap, mod *mods, int *n_mods)
{
    *n_mods = 0;
    const char *colon = any || arg[0] == '-' ? strchr(arg, ':') : NULL;
    size_t      n = colon ? (size_t) (colon - arg) : strlen(arg);
    if (n >= cap)
        return -1;
    memcpy(name, arg, n);
    name[n] = 0;
    while (colon) {
        const char *item = colon + 1;
        colon = strchr(item, ':');
        size_t len = colon ? (size_t) (colon - item) : strlen(item);
        const char *eq = memchr(item, '=', len);
        if (!eq || *n_mods >= MOD_MAX)
            return -1;
        size_t kl = (size_t) (eq - item), vl = len - kl - 1;
        if (kl >= sizeof mods[0].key || vl >= sizeof mods[0].value)
            return -1;
        mod *m = &mods[(*n_mods)++];
        memcpy(m->key, item, kl);
        m->key[kl] = 0;
        memcpy(m->value, eq + 1, vl);
        m->value[vl] = 0;
    }
    return 0;
}

/* Commands' modifiers: "--op:k=v"; file names (no dash) keep their colons. */
static int
split_mods(const char *arg, char *name, size_t cap, mod *mods, int *n_mods)
{
    return split_mods_any(arg, 0, name, cap, mods, n_mods);
}

int
cli_chain_main(int argc, char **argv)
{
    /* First pass: settings that must be in force before the library starts. */
    vfx_init_options io = VFX_INIT_OPTIONS_INIT;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0)
            io.threads = (int32_t) atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--memory") == 0) {
            char  *end;
            double v = strtod(argv[i + 1], &end);
            double mul = *end == 'G' || *end == 'g' ? 1073741824.0
                         : *end == 'M' || *end == 'm' ? 1048576.0
                         : *end == 'K' || *end == 'k' ? 1024.0
                                                      : 1.0;
            io.cache_bytes = (int64_t) (v * mul);
        }
    }
    if (io.threads < 0 || io.cache_bytes < 0)
        return usage("%s", "bad --threads or --memory");
    vfx_status s = vfx_init(&io);
    if (s != VFX_OK)
        return fail("init", s);

    chain c;
    memset(&c, 0, sizeof c);
    c.level = -1;
    c.t0 = cli_now();
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        char name[64];
        mod  mods[MOD_MAX];
        int  n_mods;
        if (argv[i][0] != '-' || !argv[i][1]) { /* a bare file name is an input */
            char *args[1] = { argv[i] };
            rc = cmd_input(&c, &commands[0], args, mods, 0);
            continue;
        }
        if (split_mods(argv[i], name, sizeof name, mods, &n_mods) != 0) {
            rc = usage("bad modifiers in '%s'", argv[i]);
            break;
        }
        const chain_cmd *cmd = name[0] == '-' && name[1] ? find_cmd(name) : NULL;
        if (name[0] == '-' && name[1] && !cmd) {
            rc = usage("unknown command '%s'", name);
            break;
        }
        if (!cmd) { /* a bare file name is an input */
            char *args[1] = { argv[i] };
            rc = cmd_input(&c, &commands[0], args, mods, 0);
            continue;
        }
        if (i + cmd->n_args > argc - 1) {
            rc = usage("%s needs more arguments", cmd->name);
            break;
        }
        rc = cmd->fn(&c, cmd, argv + i + 1, mods, n_mods);
        i += cmd->n_args;
    }
    if (rc == 0 && c.runstats) {
        vfx_cache_info ci = VFX_CACHE_INFO_INIT;
        vfx_cache_stats(&ci);
        fprintf(stderr, "vfx: %.3f s, peak RSS %.1f MiB, cache: %lld tiles computed, %lld hits, "
                        "peak %.1f MiB of %.0f MiB\n",
                cli_now() - c.t0, (double) cli_peak_rss() / 1048576.0,
                (long long) ci.tiles_computed, (long long) ci.hits,
                (double) ci.peak_bytes / 1048576.0, (double) ci.budget / 1048576.0);
    }
    while (c.n > 0)
        vfx_image_unref(c.stack[--c.n]);
    vfx_ocio_config_free(c.cfg);
    return rc;
}
