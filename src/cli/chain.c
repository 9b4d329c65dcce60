/* Chain mode: oiiotool-style left-to-right commands over a stack of lazy images.
 *
 *   vfx IN --op args ... -o OUT
 *
 * Every input and every op pushes a lazy image; ops pop their inputs. Nothing is computed
 * until an output (-o) or a statistics command pulls the top image, so a chain streams.
 * Commands take oiiotool's ":key=value" modifiers, e.g. -o:compression=piz:tile=64x64.
 * The same option names and meanings as oiiotool wherever oiiotool has them. */
#include <math.h>
#include <regex.h>
#include <stdint.h>
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
    int            quiet, runstats, verbose;
    vfx_image     *inputs[STACK_MAX]; /* every file read (refs), for --runstats' read counters */
    int            n_inputs;
    double         t0;
    vfx_ocio_config *cfg;         /* loaded on first use: --colorconfig, $OCIO or built-in */
    const char      *cfg_path;
    const char      *names[STACK_MAX]; /* file name of an input still unchanged, else NULL */
    cli_diff_opts    diff;             /* --fail, --warn, ... for --diff */
    int              diff_failed;      /* a --diff failed: exit 1 at the end, as oiiotool */
    /* subimages after the first of each stack entry (-a inputs, --siappend): -o writes them
     * all as the parts of one file; other commands work on the first and drop these */
    vfx_image      **more[STACK_MAX];
    int              n_more[STACK_MAX];
    int              all_subimages;    /* -a: inputs bring every subimage */
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

/* Release the extra subimages of stack entry @p k. */
static void
drop_more(chain *c, int k)
{
    for (int i = 0; i < c->n_more[k]; i++)
        vfx_image_unref(c->more[k][i]);
    free(c->more[k]);
    c->more[k] = NULL;
    c->n_more[k] = 0;
}

static int
push(chain *c, vfx_image *im)
{
    if (c->n >= STACK_MAX) {
        vfx_image_unref(im);
        fprintf(stderr, "vfx: image stack full (%d images)\n", STACK_MAX);
        return 2;
    }
    c->names[c->n] = NULL;
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
    drop_more(c, c->n);
    return 0;
}

/* Pop the top two images: *b the top, *a the one below it; 0 or a usage/exit code. */
static int
pop2(chain *c, const char *name, vfx_image **a, vfx_image **b)
{
    int rc = pop(c, name, b);
    if (rc)
        return rc;
    if ((rc = pop(c, name, a))) {
        vfx_image_unref(*b);
        *b = NULL;
    }
    return rc;
}

/* Push the result of an op, or report its failure. */
static int
done(chain *c, const char *name, vfx_status s, vfx_image *im)
{
    return s == VFX_OK ? push(c, im) : fail(name, s);
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

/* -a: the parts after the first of @p path join the top stack entry as its subimages. */
static int
input_more_parts(chain *c, const char *path, vfx_open_options *o)
{
    vfx_reader *r = NULL;
    vfx_status  s = vfx_reader_open(path, o->read, &r);
    if (s != VFX_OK)
        return fail(path, s);
    int32_t n = vfx_reader_part_count(r);
    vfx_reader_close(r);
    if (n <= 1)
        return 0;
    int k = c->n - 1;
    c->more[k] = calloc((size_t) n - 1, sizeof *c->more[k]);
    if (!c->more[k])
        return fail(path, VFX_ERR_NOMEM);
    for (int32_t p = 1; p < n; p++) {
        vfx_image *im;
        o->part = p;
        if ((s = vfx_image_open(path, o, &im)) != VFX_OK)
            return fail(path, s);
        c->more[k][c->n_more[k]++] = im;
        if (c->n_inputs < STACK_MAX)
            c->inputs[c->n_inputs++] = vfx_image_ref(im);
    }
    return 0;
}

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
    if (c->n_inputs < STACK_MAX)
        c->inputs[c->n_inputs++] = vfx_image_ref(im);
    int rc = push(c, im);
    if (rc == 0)
        c->names[c->n - 1] = args[0];
    const char *all = mod_get(mods, n_mods, "all");
    if (rc == 0 && !sub && !mip && !lev && (all ? atoi(all) : c->all_subimages))
        rc = input_more_parts(c, args[0], &o);
    return rc;
}

/* Write the top image (and its subimages) to @p path with @p wo. */
static vfx_status
output_write(chain *c, vfx_image *im, const char *path, const vfx_write_options *wo)
{
    cli_progress pr;
    cli_progress_init(&pr, path, vfx_rect_area(vfx_image_rod(im)), c->quiet);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.progress = cli_progress_fn;
    so.progress_user = &pr;
    int        k = c->n - 1, n_parts = 1 + c->n_more[k];
    vfx_status s;
    int        deep_done = 0;
    if (n_parts == 1 && (s = cli_write_deep(im, path, wo, &deep_done)) != VFX_OK) {
        /* a deep image written as deep EXR failed: s holds why */
    } else if (deep_done) {
        /* written as deep EXR (oiiotool keeps deep images deep too) */
    } else if (n_parts == 1) {
        s = vfx_image_write(im, path, wo, &so);
    } else { /* subimages: the parts of one file, each with these settings */
        vfx_image               **ims = calloc((size_t) n_parts, sizeof *ims);
        const vfx_write_options **wos = calloc((size_t) n_parts, sizeof *wos);
        s = ims && wos ? VFX_OK : VFX_ERR_NOMEM;
        for (int i = 0; i < n_parts && s == VFX_OK; i++) {
            ims[i] = i == 0 ? im : c->more[k][i - 1];
            wos[i] = wo;
        }
        if (s == VFX_OK)
            s = vfx_image_write_parts(ims, n_parts, path, wos, &so);
        free(ims);
        free(wos);
    }
    cli_progress_end(&pr);
    return s;
}

/* Did the writer refuse compression @p name (its open fails with VFX_ERR_ARG and a message
 * naming the compression: "unknown compression \"piz\" (zip,png,...)")? Writers check their
 * options before any pixel is rendered and leave no file behind, so a retry is safe. */
static int
compression_refused(vfx_status s, const char *name)
{
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", name);
    const char *msg = vfx_error_message();
    return s == VFX_ERR_ARG && msg && strstr(msg, "compression") && strstr(msg, quoted);
}

/* The write options of one -o from the chain's settings and its modifiers. */
typedef struct out_opts {
    vfx_write_options wo;
    char              comp[sizeof(((chain *) 0)->compression)];
    int               sticky; /* compression from --compression, not -o:compression= */
} out_opts;

static int
output_options(const chain *c, const mod *mods, int n_mods, out_opts *oo)
{
    vfx_write_options *wo = &oo->wo;
    *wo = (vfx_write_options) VFX_WRITE_OPTIONS_INIT;
    wo->pixel_type = c->out_type;
    memcpy(oo->comp, c->compression, sizeof oo->comp); /* later settings do not change it */
    wo->compression = oo->comp[0] ? oo->comp : NULL;
    wo->level = c->level;
    wo->tile_w = c->tile_w;
    wo->tile_h = c->tile_h;
    oo->sticky = wo->compression != NULL;
    const char *v;
    if ((v = mod_get(mods, n_mods, "compression"))) {
        if (cli_parse_compression(v, oo->comp, sizeof oo->comp, &wo->level) != 0)
            return usage("bad compression '%s'", v);
        wo->compression = oo->comp;
        oo->sticky = 0;
    }
    if ((v = mod_get(mods, n_mods, "type")) || (v = mod_get(mods, n_mods, "datatype")) ||
        (v = mod_get(mods, n_mods, "bits"))) {
        wo->pixel_type = vfx_pixel_type_from_name(v);
        if (wo->pixel_type == VFX_PIXEL_UNKNOWN)
            return usage("unknown data type '%s'", v);
    }
    if ((v = mod_get(mods, n_mods, "tile")) && cli_parse_size(v, &wo->tile_w, &wo->tile_h) != 0)
        return usage("bad tile size '%s'", v);
    if ((v = mod_get(mods, n_mods, "scanline")) && atoi(v))
        wo->tile_w = wo->tile_h = 0;
    return 0;
}

/* Multi-part EXR output with a deep part is not written yet: refuse it before anything is
 * written rather than flatten that part silently. Nonzero (after the message) when refused. */
static int
deep_parts_refused(const chain *c, const char *path)
{
    int k = c->n - 1;
    if (k < 0 || c->n_more[k] == 0 || !cli_is_exr_path(path))
        return 0;
    for (int i = 0; i <= c->n_more[k]; i++) {
        vfx_image *p = i == 0 ? c->stack[k] : c->more[k][i - 1];
        if (vfx_image_deep(p)) {
            fprintf(stderr, "vfx: %s: part %d is deep: multi-part EXR output with deep parts "
                            "is not supported yet (--flatten it, or write it to a file of "
                            "its own)\n", path, i);
            return 1;
        }
    }
    return 0;
}

/* One -o: write, and when the format refuses a sticky --compression, write again without it. */
static vfx_status
output_one(chain *c, vfx_image *im, const char *path, out_opts *oo)
{
    vfx_status s = output_write(c, im, path, &oo->wo);
    if (s != VFX_OK && oo->sticky && compression_refused(s, oo->wo.compression)) {
        /* oiiotool: a --compression the output's format does not know is ignored (with its
         * level); only an explicit -o:compression= it does not know is an error. */
        if (c->verbose)
            fprintf(stderr, "vfx: %s: format ignores --compression %s (%s)\n", path,
                    oo->wo.compression, vfx_error_message());
        oo->wo.compression = NULL;
        oo->wo.level = -1;
        s = output_write(c, im, path, &oo->wo);
    }
    return s;
}

static int
cmd_output(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *im;
    if (c->n == 0)
        return pop(c, cmd->name, &im);
    im = c->stack[c->n - 1]; /* -o leaves the image on the stack, as oiiotool does */
    out_opts oo;
    int      rc = output_options(c, mods, n_mods, &oo);
    if (rc != 0)
        return rc;
    if (deep_parts_refused(c, args[0]))
        return 1;
    vfx_status s = output_one(c, im, args[0], &oo);
    if (s != VFX_OK)
        return fail(args[0], s);
    return 0;
}

/* Consecutive "-o A -o B ...": the same top image into several files, rendered once (the
 * graph above it, a file decode included, runs once, not once per file). Output settings
 * (-d, --compression, --tile) may come between; they apply to the -o after them. */
#define OUTPUTS_MAX 16

static int split_mods(const char *arg, char *name, size_t cap, mod *mods, int *n_mods);

static int
output_setting(const char *name)
{
    return strcmp(name, "-d") == 0 || strcmp(name, "--compression") == 0 ||
           strcmp(name, "--tile") == 0;
}

/* argv[i] is an -o: the argv index after the last -o of the run that starts there (with
 * settings between), and the number of files in *n_out. */
static int
outputs_end(int argc, char **argv, int i, int *n_out)
{
    int end = i + 2;
    *n_out = 1;
    for (int j = i + 2; j + 1 < argc && *n_out < OUTPUTS_MAX; j += 2) {
        mod  m[MOD_MAX];
        int  n_m;
        char nm[64];
        if (split_mods(argv[j], nm, sizeof nm, m, &n_m) != 0)
            break;
        if (strcmp(nm, "-o") == 0) {
            (*n_out)++;
            end = j + 2;
        } else if (!output_setting(nm) || n_m != 0) {
            break;
        }
    }
    return end;
}

static int
cmd_outputs(chain *c, char **argv, int i, int end)
{
    out_opts                 oo[OUTPUTS_MAX];
    const vfx_write_options *wos[OUTPUTS_MAX];
    const char              *paths[OUTPUTS_MAX];
    vfx_image               *im = c->stack[c->n - 1];
    int                      n = 0;
    for (int j = i; j < end && n < OUTPUTS_MAX; j += 2) {
        mod  m[MOD_MAX];
        int  n_m, rc;
        char nm[64];
        if (split_mods(argv[j], nm, sizeof nm, m, &n_m) != 0)
            return usage("bad modifiers in '%s'", argv[j]);
        if (strcmp(nm, "-o") == 0) {
            if ((rc = output_options(c, m, n_m, &oo[n])) != 0)
                return rc;
            wos[n] = &oo[n].wo;
            paths[n++] = argv[j + 1];
        } else {
            const chain_cmd *cmd = find_cmd(nm);
            if (cmd && (rc = cmd->fn(c, cmd, argv + j + 1, m, n_m)) != 0)
                return rc;
        }
    }
    for (int k = 0; k < n; k++)
        if (deep_parts_refused(c, paths[k]))
            return 1;
    vfx_status s = VFX_OK;
    int        each = vfx_image_deep(im) != NULL; /* deep EXR outputs are written apart */
    if (!each) {
        cli_progress pr;
        cli_progress_init(&pr, paths[0], vfx_rect_area(vfx_image_rod(im)), c->quiet);
        vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
        so.progress = cli_progress_fn;
        so.progress_user = &pr;
        s = vfx_image_write_many(im, n, paths, wos, &so);
        cli_progress_end(&pr);
        /* a sticky --compression that one of the formats does not know (refused before any
         * file is written): each file on its own, where the refusing one drops it */
        for (int k = 0; k < n && s != VFX_OK && !each; k++)
            each = oo[k].sticky && compression_refused(s, oo[k].wo.compression);
        if (!each && s != VFX_OK)
            return fail(paths[0], s);
    }
    for (int k = 0; k < n && each; k++)
        if ((s = output_one(c, im, paths[k], &oo[k])) != VFX_OK)
            return fail(paths[k], s);
    return 0;
}

static int
cmd_allsubimages(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) cmd, (void) args, (void) mods, (void) n_mods;
    c->all_subimages = 1;
    return 0;
}

/* --siappend: the top image's subimages are appended to those of the image below. */
static int
cmd_siappend(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n < 2) {
        fprintf(stderr, "vfx: %s needs two images on the stack\n", cmd->name);
        return 2;
    }
    int a = c->n - 2, b = c->n - 1;
    int n = c->n_more[a] + 1 + c->n_more[b];
    vfx_image **more = realloc(c->more[a], (size_t) n * sizeof *more);
    if (!more)
        return fail(cmd->name, VFX_ERR_NOMEM);
    c->more[a] = more;
    more[c->n_more[a]++] = c->stack[b];
    for (int i = 0; i < c->n_more[b]; i++)
        more[c->n_more[a]++] = c->more[b][i];
    free(c->more[b]);
    c->more[b] = NULL;
    c->n_more[b] = 0;
    c->n--;
    c->names[a] = NULL;
    return 0;
}

/* --subimage N: keep subimage N of the top image (oiiotool); a name picks the part of
 * that "openexr:name". */
static int
cmd_subimage(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    if (c->n == 0) {
        fprintf(stderr, "vfx: %s: no image to work on (give an input first)\n", cmd->name);
        return 2;
    }
    int   k = c->n - 1, n = 1 + c->n_more[k], pick = -1;
    char *end;
    long  v = strtol(args[0], &end, 10);
    if (*end == '\0' && end != args[0])
        pick = v >= 0 && v < n ? (int) v : -2;
    for (int i = 0; i < n && pick == -1; i++) {
        const vfx_spec       *sp = vfx_image_spec(i == 0 ? c->stack[k] : c->more[k][i - 1]);
        const vfx_attr_value *a = sp->attrs ? vfx_attrs_get(sp->attrs, "openexr:name") : NULL;
        if (a && a->type == VFX_ATTR_STRING && a->u.s && strcmp(a->u.s, args[0]) == 0)
            pick = i;
    }
    if (pick < 0) {
        fprintf(stderr, "vfx: %s: no subimage '%s' (the image has %d; read it with -a)\n",
                cmd->name, args[0], n);
        return 2;
    }
    if (pick > 0) {
        vfx_image *t = c->stack[k];
        c->stack[k] = c->more[k][pick - 1];
        c->more[k][pick - 1] = t;
    }
    drop_more(c, k);
    if (pick > 0)
        c->names[k] = NULL;
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
    return done(c, "create", s, im);
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
    return done(c, "pattern", s, im);
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
    int        rc = pop2(c, cmd->name, &a, &b);
    if (rc)
        return rc;
    vfx_arith op = VFX_ARITH_ADD;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].name, cmd->name) == 0)
            op = ops[i].op;
    vfx_status s = vfx_image_arith(a, b, op, &im);
    vfx_image_unref(a);
    vfx_image_unref(b);
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, args[0], s, im);
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
    return done(c, what, s, im);
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

/* --iccread: convert the top image from its embedded ICC profile ("ICCProfile" attribute) to
 * linear Rec.709 (default), sRGB, or another profile file, through lcms2. An image without a
 * profile is taken as sRGB, the convention for untagged 8-bit images. */
static int
cmd_iccread(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    vfx_image *in;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const char *to = mod_get(mods, n_mods, "to"), *it = mod_get(mods, n_mods, "intent");
    if (!to)
        to = "linear";
    static const char *const intents[4] = { "perceptual", "relative", "saturation", "absolute" };
    vfx_icc_intent intent = VFX_ICC_RELATIVE_COLORIMETRIC;
    if (it) {
        int k = 0;
        while (k < 4 && strcmp(it, intents[k]) != 0)
            k++;
        if (k == 4) {
            vfx_image_unref(in);
            return usage("unknown intent '%s' (perceptual, relative, saturation, absolute)", it);
        }
        intent = (vfx_icc_intent) k;
    }
    int linear = strcmp(to, "linear") == 0, srgb = strcmp(to, "srgb") == 0;
    const char *out_profile = linear ? VFX_ICC_LINEAR_REC709 : srgb ? NULL : to;
    const char *space = linear ? "Linear Rec.709 (sRGB)" : srgb ? "sRGB Encoded Rec.709 (sRGB)" : to;
    const vfx_spec *spec = vfx_image_spec(in);
    const vfx_attr_value *icc = spec->attrs ? vfx_attrs_get(spec->attrs, "ICCProfile") : NULL;
    vfx_color_processor *p = NULL;
    vfx_status s;
    if (icc && icc->type == VFX_ATTR_BLOB && icc->u.blob.size > 0) {
        s = vfx_color_processor_new_from_icc_data(icc->u.blob.data, icc->u.blob.size, "embedded ICC profile",
                                                  out_profile, intent, &p);
    } else if (linear || srgb) {
        s = vfx_color_processor_new(&p);
        if (s == VFX_OK && linear)
            s = vfx_color_processor_append_transfer(p, VFX_TRANSFER_SRGB, VFX_DIR_INVERSE);
    } else {
        s = vfx_color_processor_new_from_icc(to, NULL, intent, &p); /* checks the file */
        vfx_color_processor_free(p);
        p = NULL;
        if (s == VFX_OK)
            s = vfx_color_processor_new_from_icc(NULL, to, intent, &p);
    }
    return apply_proc(c, cmd->name, in, p, s, mods, n_mods, space);
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
    if (vfx_image_deep(c->stack[c->n - 1]))
        return cli_print_deep_stats(stdout, c->names[c->n - 1] ? c->names[c->n - 1] : "image",
                                    vfx_image_deep(c->stack[c->n - 1]));
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

/* --diff: compare the two top images (left on the stack), as oiiotool; --fail, --warn, ...
 * set its thresholds. A failure makes the chain exit 1 at the end (oiiotool's behaviour). */
static int
cmd_diff(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n < 2)
        return usage("%s: needs two images", cmd->name);
    int v = cli_diff_print(c->stack[c->n - 2], c->stack[c->n - 1],
                           c->names[c->n - 2] ? c->names[c->n - 2] : "(image)",
                           c->names[c->n - 1] ? c->names[c->n - 1] : "(image)", &c->diff,
                           CLI_DIFF_CHAIN);
    if (v < 0)
        return 1;
    if (v == 2)
        c->diff_failed = 1;
    return 0;
}

/* One --printstats number as oiiotool 2.4 prints it: %f for float data, else scaled to the
 * integer range (min, max rounded; the rest with two decimals). */
static void
stats_num(double v, double maxval, int round_it)
{
    if (isnan(v))
        printf("nan ");
    else if (isinf(v))
        printf("inf ");
    else if (maxval == 0)
        printf("%f ", v);
    else if (round_it)
        printf("%d ", (int) roundf((float) v * (float) maxval));
    else
        printf("%0.2f ", (double) ((float) v * (float) maxval));
}

/* --printstats: the top image's statistics, constancy and monochrome tests in oiiotool 2.4's
 * format (over the data window; integer data shown "of" its maximum). */
static int
cmd_printstats(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    if (vfx_image_deep(c->stack[c->n - 1]))
        return cli_print_deep_stats(stdout, c->names[c->n - 1] ? c->names[c->n - 1] : "image",
                                    vfx_image_deep(c->stack[c->n - 1]));
    vfx_image        *im = c->stack[c->n - 1];
    const vfx_spec   *spec = vfx_image_spec(im);
    int32_t           nc = vfx_image_n_channels(im);
    vfx_sink_options  so = VFX_SINK_OPTIONS_INIT;
    vfx_channel_info  ci;
    vfx_pixel_type    t = VFX_PIXEL_F32;
    so.flags = VFX_SINK_DATA_WINDOW;
    if (nc < 1 || nc > 64)
        return usage("%s: needs 1 to 64 channels", cmd->name);
    if (vfx_channels_get(spec->channels, 0, &ci) == VFX_OK)
        t = ci.type;
    double maxval = t == VFX_PIXEL_U8 ? 255.0 : t == VFX_PIXEL_U16 ? 65535.0
                  : t == VFX_PIXEL_U32 ? 4294967295.0 : 0.0;
    vfx_channel_stats st[64];
    float             col[64];
    int               konst = 0, mono = 0;
    vfx_status        s = vfx_image_stats(im, &so, st, nc);
    if (s == VFX_OK)
        s = vfx_image_is_constant_color(im, 0.0f, &so, col, nc, &konst);
    if (s == VFX_OK)
        s = vfx_image_is_monochrome(im, 0.0f, 0, &so, &mono);
    if (s != VFX_OK)
        return fail(cmd->name, s);
    int32_t bps = 0; /* integer data of fewer bits (10-bit DPX): "of" their maximum */
    if (maxval != 0 && spec->attrs && vfx_attrs_get_int(spec->attrs, "BitsPerSample", &bps) ==
                                          VFX_OK && bps > 0 && bps < 32 &&
        (double) ((1u << bps) - 1) < maxval)
        maxval = (double) ((1u << bps) - 1);
    vfx_rect r = vfx_image_rod(im);
    char     foot[32] = "(float)";
    if (maxval != 0)
        snprintf(foot, sizeof foot, "(of %.0f)", maxval);
    printf("%4lld x %4lld, %d channel, %s\n", (long long) vfx_rect_width(r),
           (long long) vfx_rect_height(r), (int) nc, vfx_pixel_type_name(t));
    static const char *const what[4] = { "Min", "Max", "Avg", "StdDev" };
    for (int w = 0; w < 4; w++) {
        printf("    Stats %s: ", what[w]);
        for (int32_t k = 0; k < nc; k++)
            stats_num(w == 0 ? st[k].min : w == 1 ? st[k].max : w == 2 ? st[k].mean
                                                                      : st[k].stddev,
                      maxval, w < 2);
        printf("%s\n", foot);
    }
    static const char *const cnt[3] = { "NanCount", "InfCount", "FiniteCount" };
    for (int w = 0; w < 3; w++) {
        printf("    Stats %s: ", cnt[w]);
        for (int32_t k = 0; k < nc; k++)
            printf("%lld ", (long long) (w == 0 ? st[k].nan_count : w == 1 ? st[k].inf_count
                                                                           : st[k].finite_count));
        printf("\n");
    }
    if (konst) {
        printf("    Constant: Yes\n    Constant Color: ");
        for (int32_t k = 0; k < nc; k++)
            stats_num(col[k], maxval, 0);
        printf("%s\n", foot);
    } else {
        printf("    Constant: No\n");
    }
    printf("    Monochrome: %s\n", mono ? "Yes" : "No");
    return 0;
}

/* --hash: the top image's pixel SHA-1, printed as oiiotool --hash prints it. */
static int
cmd_hash(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    char       hex[41];
    vfx_status s = vfx_image_hash_sha1(c->stack[c->n - 1], hex);
    if (s != VFX_OK)
        return fail(cmd->name, s);
    printf("%s\n    SHA-1: %s\n", c->names[c->n - 1] ? c->names[c->n - 1] : "(image)", hex);
    return 0;
}

/* --rangecheck LOW HIGH and --colorcount "c;c;...", as oiiotool prints them. */
static int
cmd_count(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    vfx_image *im = c->stack[c->n - 1];
    int32_t    nc = vfx_image_n_channels(im);
    if (nc > 64)
        return usage("%s: more than 64 channels", cmd->name);
    vfx_status s;
    if (strcmp(cmd->name, "--rangecheck") == 0) {
        float   lo[64], hi[64];
        int64_t nl = 0, nh = 0, ni = 0;
        if (parse_floats(args[0], lo, nc) != nc || parse_floats(args[1], hi, nc) != nc)
            return usage("bad range '%s' (one value, or one per channel)", args[0]);
        if ((s = vfx_image_range_check(im, lo, hi, NULL, &nl, &nh, &ni)) != VFX_OK)
            return fail(cmd->name, s);
        printf("%8lld  < %s\n%8lld  > %s\n%8lld  within range\n", (long long) nl, args[0],
               (long long) nh, args[1], (long long) ni);
        return 0;
    }
    float       eps[64], cols[64 * 64];
    int64_t     counts[64];
    const char *tok_at[64];
    int32_t     n_cols = 0;
    const char *v = mod_get(mods, n_mods, "eps");
    for (int32_t k = 0; k < nc; k++)
        eps[k] = 0.001f;
    if (v && parse_floats(v, eps, nc) != nc)
        return usage("bad eps '%s'", v);
    char        buf[1024];
    snprintf(buf, sizeof buf, "%s", args[0]);
    for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        if (n_cols >= 64 || parse_floats(tok, cols + n_cols * nc, nc) != nc)
            return usage("bad colour list '%s' (c,c,c;c,c,c...)", args[0]);
        tok_at[n_cols++] = args[0] + (tok - buf);
    }
    if (n_cols == 0)
        return usage("bad colour list '%s'", args[0]);
    if ((s = vfx_image_color_count(im, n_cols, cols, eps, NULL, counts)) != VFX_OK)
        return fail(cmd->name, s);
    for (int32_t k = 0; k < n_cols; k++) /* each colour as given, as oiiotool prints it */
        printf("%8lld  %.*s\n", (long long) counts[k], (int) strcspn(tok_at[k], ";"), tok_at[k]);
    return 0;
}

/* --trim: crop to the smallest rect holding the non-zero pixels (one streaming pass). */
static int
cmd_trim(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_rect   r;
    vfx_status s = vfx_image_nonzero_region(in, NULL, &r);
    vfx_rect rod = vfx_image_rod(in);
    if (s == VFX_OK && vfx_rect_is_empty(r)) /* all zero: oiiotool keeps the corner pixel */
        r = (vfx_rect){ rod.x0, rod.y0, rod.x0 + 1, rod.y0 + 1 };
    if (s == VFX_OK)
        s = vfx_image_crop(in, r, &im);
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
}

/* Tone and remap: --contrast, --saturate, --colormap, --rangecompress, --rangeexpand,
 * --repremult (oiiotool's names and modifiers). */
static int
cmd_tone(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    int32_t     nc = vfx_image_n_channels(in);
    const char *v, *name = cmd->name + 2;
    vfx_status  s = VFX_OK;
    if (nc > 64) {
        vfx_image_unref(in);
        return usage("%s: more than 64 channels", cmd->name);
    }
    if (strcmp(name, "contrast") == 0) {
        vfx_contrast_params p;
        vfx_contrast_params_init(&p);
        static const char *const keys[] = { "black", "white", "min", "max", "scontrast",
                                            "sthresh" };
        float *dst[] = { p.black, p.white, p.min, p.max, p.scontrast, p.sthresh };
        for (int k = 0; k < 6 && rc == 0; k++)
            if ((v = mod_get(mods, n_mods, keys[k])) && parse_floats(v, dst[k], nc) != nc)
                rc = usage("bad contrast value '%s' (one, or one per channel)", v);
        if (rc == 0)
            s = vfx_image_contrast(in, &p, &im);
        if (rc == 0 && s == VFX_OK && (v = mod_get(mods, n_mods, "clamp")) && atoi(v)) {
            vfx_image *cl = NULL; /* :clamp=1 clamps to [min, max], as oiiotool */
            s = vfx_image_clamp(im, p.min, p.max, 0, &cl);
            vfx_image_unref(im);
            im = cl;
        }
    } else if (strcmp(name, "saturate") == 0) {
        char  *end;
        double k = strtod(args[0], &end);
        v = mod_get(mods, n_mods, "firstchannel");
        if (end == args[0] || *end)
            rc = usage("bad saturation scale '%s'", args[0]);
        else
            s = vfx_image_saturate(in, (float) k, v ? (int32_t) atoi(v) : 0, &im);
    } else if (strcmp(name, "colormap") == 0) {
        /* a map name, or comma-separated RGB triples */
        float   knots[3 * 1024];
        int32_t n = 0;
        if ((args[0][0] >= '0' && args[0][0] <= '9') || args[0][0] == '.' || args[0][0] == '-') {
            const char *q = args[0];
            while (*q && n < 3 * 1024) {
                char *end;
                knots[n++] = strtof(q, &end);
                if (end == q || (*end && *end != ','))
                    break;
                q = *end ? end + 1 : end;
            }
            if (*q || n % 3 || n < 6)
                rc = usage("bad colour map '%s' (a name, or r,g,b,r,g,b,... knots)", args[0]);
            else
                s = vfx_image_color_map(in, -1, NULL, knots, n / 3, &im);
        } else {
            s = vfx_image_color_map(in, -1, args[0], NULL, 0, &im);
        }
    } else if (strcmp(name, "repremult") == 0) {
        s = vfx_image_repremult(in, &im);
    } else {
        int luma = (v = mod_get(mods, n_mods, "luma")) && atoi(v);
        s = name[5] == 'c' ? vfx_image_rangecompress(in, luma, &im)
                           : vfx_image_rangeexpand(in, luma, &im);
    }
    vfx_image_unref(in);
    if (rc)
        return rc;
    return done(c, cmd->name, s, im);
}

/* --blend:mode=NAME: the image below (source) blended onto the top one (backdrop). */
static int
cmd_blend(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    const char    *m = mod_get(mods, n_mods, "mode");
    vfx_blend_mode mode = vfx_blend_mode_from_name(m ? m : "multiply");
    if ((int) mode < 0)
        return usage("unknown blend mode '%s' (multiply screen overlay softlight hardlight "
                     "darken lighten difference exclusion add)", m);
    vfx_image *b, *a, *im = NULL;
    int        rc = pop2(c, cmd->name, &a, &b);
    if (rc)
        return rc;
    vfx_status s = vfx_image_blend(a, b, mode, &im);
    vfx_image_unref(a);
    vfx_image_unref(b);
    return done(c, cmd->name, s, im);
}

/* Drawing: --fill GEOM, --box X1,Y1,X2,Y2, --line X1,Y1,X2,Y2,..., --point X,Y,...; and
 * --noise (:type=gaussian|uniform|salt :mean= :stddev= :min= :max= :value= :portion= :seed=
 * :mono=1). Colours default to 1 on every channel, as oiiotool. */
static int
cmd_draw(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    int32_t     nc = vfx_image_n_channels(in);
    const char *v, *name = cmd->name + 2;
    vfx_status  s = VFX_OK;
    float       col[4][64];
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 64; i++)
            col[k][i] = 1.0f;
    if (nc > 64)
        rc = usage("%s: more than 64 channels", cmd->name);
    if (rc == 0 && (v = mod_get(mods, n_mods, "color")) && parse_floats(v, col[0], nc) != nc)
        rc = usage("bad color '%s' (one value, or one per channel)", v);
    if (rc == 0 && strcmp(name, "noise") == 0) {
        const char    *t = mod_get(mods, n_mods, "type");
        vfx_noise_type type = !t || strcmp(t, "gaussian") == 0 ? VFX_NOISE_GAUSSIAN
                              : strcmp(t, "uniform") == 0      ? VFX_NOISE_UNIFORM
                              : strcmp(t, "salt") == 0         ? VFX_NOISE_SALT
                              : strcmp(t, "blue") == 0         ? VFX_NOISE_BLUE
                                                               : (vfx_noise_type) -1;
        static const char *const ka[] = { "mean", "min", "value", "min" },
                                 *const kb[] = { "stddev", "max", "portion", "max" };
        static const float da[] = { 0.0f, 0.0f, 0.0f, 0.0f }, db[] = { 0.1f, 0.1f, 0.1f, 0.1f };
        if ((int) type < 0) {
            rc = usage("unknown noise type '%s' (gaussian, uniform, salt, blue)", t);
        } else {
            float       a = (v = mod_get(mods, n_mods, ka[type])) ? strtof(v, NULL) : da[type];
            float       b = (v = mod_get(mods, n_mods, kb[type])) ? strtof(v, NULL) : db[type];
            const char *sd = mod_get(mods, n_mods, "seed"), *mo = mod_get(mods, n_mods, "mono");
            s = vfx_image_add_noise(in, type, a, b, mo && atoi(mo), sd ? strtoull(sd, NULL, 10) : 0,
                                    &im);
        }
    } else if (rc == 0 && strcmp(name, "fill") == 0) {
        vfx_rect r;
        static const char *const keys[] = { "top", "bottom", "left", "right", "topleft",
                                             "topright", "bottomleft", "bottomright" };
        int have[8] = { 0 };
        for (int k = 0; k < 8 && rc == 0; k++)
            if ((v = mod_get(mods, n_mods, keys[k]))) {
                have[k] = 1;
                if (parse_floats(v, col[k < 4 ? k % 2 : k - 4], nc) != nc)
                    rc = usage("bad colour '%s'", v);
            }
        if (rc == 0 && parse_geom(args[0], &r) != 0)
            rc = usage("bad geometry '%s' (WxH+X+Y)", args[0]);
        if (rc == 0) {
            const float *cp[4] = { col[0], col[1], col[2], col[3] };
            int n = (have[4] || have[5] || have[6] || have[7]) ? 4 : (have[0] || have[1]) ? 2
                    : (have[2] || have[3])                     ? 2 : 1;
            s = vfx_image_fill(in, r, cp, n, have[0] || have[1], &im);
        }
    } else if (rc == 0) {
        int32_t xy[2 * 1024];
        int     n = 0;
        for (const char *q = args[0]; *q && n < 2 * 1024;) {
            char *end;
            long  x = strtol(q, &end, 10);
            if (end == q)
                break;
            xy[n++] = (int32_t) x;
            q = *end == ',' ? end + 1 : end;
            if (*end && *end != ',')
                break;
        }
        int box = strcmp(name, "box") == 0;
        if (n % 2 || n == 0 || (box && n != 4))
            rc = usage("bad coordinates '%s' (x1,y1,x2,y2,...)", args[0]);
        else if (box)
            s = vfx_image_draw_box(in, xy[0], xy[1], xy[2], xy[3], col[0],
                                   (v = mod_get(mods, n_mods, "fill")) && atoi(v), &im);
        else
            s = vfx_image_draw_lines(in, xy, n / 2, strcmp(name, "line") == 0, col[0], &im);
    }
    vfx_image_unref(in);
    if (rc)
        return rc;
    return done(c, cmd->name, s, im);
}

/* --text:x=:y=:size=:color=:font=:shadow=:xalign=:yalign= STRING (oiiotool's): (x, y) defaults
 * to the middle of the data window, size to 16, colour to 1 on every channel. */
static int
cmd_text(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const vfx_rect  *dw = &vfx_image_spec(in)->data;
    int32_t          nc = vfx_image_n_channels(in);
    const char      *v;
    float            col[64];
    vfx_text_align_x ax = VFX_TEXT_LEFT;
    vfx_text_align_y ay = VFX_TEXT_BASELINE;
    for (int i = 0; i < 64; i++)
        col[i] = 1.0f;
    long x = (long) dw->x0 + ((long) dw->x1 - dw->x0) / 2;
    long y = (long) dw->y0 + ((long) dw->y1 - dw->y0) / 2;
    long size = 16, shadow = 0;
    if (nc > 64 || vfx_rect_is_empty(*dw) || (long) dw->x1 - dw->x0 > INT32_MAX / 2 ||
        (long) dw->y1 - dw->y0 > INT32_MAX / 2)
        rc = usage("%s: needs an image of at most 64 channels with a finite data window", cmd->name);
    if (rc == 0 && (v = mod_get(mods, n_mods, "color")) && parse_floats(v, col, nc) < 1)
        rc = usage("bad color '%s' (one value, or up to one per channel)", v);
    static const char *const keys[] = { "x", "y", "size", "shadow" };
    long *dst[] = { &x, &y, &size, &shadow };
    for (int k = 0; k < 4 && rc == 0; k++)
        if ((v = mod_get(mods, n_mods, keys[k]))) {
            char *end;
            *dst[k] = strtol(v, &end, 10);
            if (end == v || *end || *dst[k] < INT32_MIN / 2 || *dst[k] > INT32_MAX / 2)
                rc = usage(k == 0 ? "bad x '%s' (an integer)" : k == 1 ? "bad y '%s' (an integer)"
                           : k == 2 ? "bad size '%s' (an integer)" : "bad shadow '%s' (an integer)", v);
        }
    if (rc == 0 && (v = mod_get(mods, n_mods, "xalign")) && v[0]) {
        if (strcmp(v, "left") == 0)
            ax = VFX_TEXT_LEFT;
        else if (strcmp(v, "center") == 0)
            ax = VFX_TEXT_XCENTER;
        else if (strcmp(v, "right") == 0)
            ax = VFX_TEXT_RIGHT;
        else
            rc = usage("bad xalign '%s' (left, center, right)", v);
    }
    if (rc == 0 && (v = mod_get(mods, n_mods, "yalign")) && v[0]) {
        if (strcmp(v, "baseline") == 0)
            ay = VFX_TEXT_BASELINE;
        else if (strcmp(v, "top") == 0)
            ay = VFX_TEXT_TOP;
        else if (strcmp(v, "bottom") == 0)
            ay = VFX_TEXT_BOTTOM;
        else if (strcmp(v, "center") == 0)
            ay = VFX_TEXT_CENTER;
        else
            rc = usage("bad yalign '%s' (baseline, top, bottom, center)", v);
    }
    vfx_status s = VFX_OK;
    if (rc == 0)
        s = vfx_image_draw_text(in, (int32_t) x, (int32_t) y, args[0], (int32_t) size,
                                mod_get(mods, n_mods, "font"), col, ax, ay, (int32_t) shadow, &im);
    vfx_image_unref(in);
    if (rc)
        return rc;
    return s == VFX_OK ? push(c, im) : fail(cmd->name, s);
}

static int
cmd_diffopt(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    char  *end;
    double v = strtod(args[0], &end);
    if (end == args[0] || *end)
        return usage("bad threshold '%s'", args[0]);
    const char *n = cmd->name + 2;
    if (strcmp(n, "fail") == 0)
        c->diff.co.fail_thresh = (float) v;
    else if (strcmp(n, "warn") == 0)
        c->diff.co.warn_thresh = (float) v;
    else if (strcmp(n, "failpercent") == 0)
        c->diff.failpercent = v;
    else if (strcmp(n, "warnpercent") == 0)
        c->diff.warnpercent = v;
    else if (strcmp(n, "hardfail") == 0)
        c->diff.hardfail = v;
    else
        c->diff.hardwarn = v;
    return 0;
}

static int
cmd_flag(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (strcmp(cmd->name, "-q") == 0)
        c->quiet = 1;
    else if (strcmp(cmd->name, "-v") == 0)
        c->verbose = 1;
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

static int
cmd_resize(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_rect r;
    if (cli_parse_resize_geom(args[0], vfx_image_spec(in)->display, &r) != 0) {
        vfx_image_unref(in);
        return usage("bad size '%s' (WxH, WxH+X+Y or N%%)", args[0]);
    }
    vfx_status s;
    if (strcmp(cmd->name, "--fit") == 0) {
        const char *pad = mod_get(mods, n_mods, "pad"), *ex = mod_get(mods, n_mods, "exact");
        s = vfx_image_fit_ex(in, r, mod_get(mods, n_mods, "filter"),
                             mod_get(mods, n_mods, "fillmode"), pad ? atoi(pad) : 0,
                             ex ? atoi(ex) : 0, &im);
    } else if (strcmp(cmd->name, "--resample") == 0) {
        const char *ip = mod_get(mods, n_mods, "interp");
        s = vfx_image_resample(in, r, ip ? atoi(ip) : 1, &im);
    } else {
        const char *fw = mod_get(mods, n_mods, "filterwidth");
        s = vfx_image_resize(in, r, mod_get(mods, n_mods, "filter"),
                             fw ? (float) atof(fw) : 0.0f, &im);
    }
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
}

static int
cmd_convolve(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    vfx_image *k, *in, *im = NULL;
    int        rc = pop2(c, cmd->name, &in, &k);
    if (rc)
        return rc;
    vfx_status s = vfx_image_convolve(in, k, 1, &im);
    vfx_image_unref(in);
    vfx_image_unref(k);
    return done(c, cmd->name, s, im);
}

static int
cmd_over(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    vfx_image *b, *a, *im = NULL;
    int        rc = pop2(c, cmd->name, &a, &b);
    if (rc)
        return rc;
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
    return done(c, cmd->name, s, im);
}

/* The commands that take one image, no arguments and no modifiers: one call each. */
static int
cmd_one(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    static const struct {
        const char *name;
        vfx_status (*fn)(vfx_image *, vfx_image **);
    } ops[] = {
        { "--flip", vfx_image_flip }, { "--flop", vfx_image_flop },
        { "--rotate90", vfx_image_rotate90 }, { "--rotate180", vfx_image_rotate180 },
        { "--rotate270", vfx_image_rotate270 }, { "--transpose", vfx_image_transpose },
        { "--premult", vfx_image_premult }, { "--unpremult", vfx_image_unpremult },
        { "--fft", vfx_image_fft }, { "--ifft", vfx_image_ifft },
        { "--polar", vfx_image_polar }, { "--unpolar", vfx_image_unpolar },
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
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
    return done(c, cmd->name, s, im);
}

/* --ccmatrix M (9 or 16 values; :transpose=1 :invert=1 :unpremult=1), as oiiotool */
static int
cmd_ccmatrix(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    float v[16], m[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    int   n = parse_floats(args[0], v, 16);
    if ((n != 9 && n != 16) || !strchr(args[0], ','))
        return usage("bad matrix '%s' (9 or 16 comma-separated values)", args[0]);
    for (int i = 0; i < n; i++)
        m[n == 9 ? (i / 3) * 4 + i % 3 : i] = v[i];
    const char *t = mod_get(mods, n_mods, "transpose"), *inv = mod_get(mods, n_mods, "invert");
    const char *up = mod_get(mods, n_mods, "unpremult");
    vfx_image  *in, *im = NULL;
    int         rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_image_ccmatrix(in, m, t && atoi(t), inv && atoi(inv), up && atoi(up), &im);
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
}

/* ---- metadata --------------------------------------------------------------------------- */

/* The value of --attrib as oiiotool types it: :type= int, float, double, string, matrix (16
 * floats), matrix33 (9), timecode (HH:MM:SS:FF), rational (N/D), int[N] / float[N] (commas);
 * without a type, an integer, then a float, else a string. */
static int
attrib_value(const char *type, const char *text, vfx_attrs *a, const char *name)
{
    char  *end;
    float  fv[16];
    int    n;
    vfx_attr_value v = { .type = VFX_ATTR_NONE };
    if (!type) {
        long l = strtol(text, &end, 10);
        if (*text && !*end && l >= INT32_MIN && l <= INT32_MAX)
            return vfx_attrs_set_int(a, name, (int32_t) l) != VFX_OK;
        double d = strtod(text, &end);
        if (*text && !*end)
            return vfx_attrs_set_float(a, name, (float) d) != VFX_OK;
        return vfx_attrs_set_string(a, name, text) != VFX_OK;
    }
    if (strcmp(type, "string") == 0)
        return vfx_attrs_set_string(a, name, text) != VFX_OK;
    if (strcmp(type, "int") == 0) {
        long l = strtol(text, &end, 10);
        return (!*text || *end) ? -1 : vfx_attrs_set_int(a, name, (int32_t) l) != VFX_OK;
    }
    if (strcmp(type, "float") == 0 || strcmp(type, "double") == 0) {
        double d = strtod(text, &end);
        if (!*text || *end)
            return -1;
        return (type[0] == 'f' ? vfx_attrs_set_float(a, name, (float) d)
                               : vfx_attrs_set_double(a, name, d)) != VFX_OK;
    }
    if (strcmp(type, "matrix") == 0 || strcmp(type, "matrix33") == 0) {
        int want = type[6] ? 9 : 16;
        if (parse_floats(text, fv, want) != want || !strchr(text, ','))
            return -1;
        v.type = want == 9 ? VFX_ATTR_M33F : VFX_ATTR_M44F;
        memcpy(want == 9 ? v.u.m33f : v.u.m44f, fv, (size_t) want * sizeof(float));
        return vfx_attrs_set(a, name, &v) != VFX_OK;
    }
    if (strcmp(type, "rational") == 0) {
        long num;
        unsigned long den;
        if (sscanf(text, "%ld/%lu", &num, &den) != 2)
            return -1;
        v.type = VFX_ATTR_RATIONAL;
        v.u.rational.num = (int32_t) num;
        v.u.rational.den = (uint32_t) den;
        return vfx_attrs_set(a, name, &v) != VFX_OK;
    }
    if (strcmp(type, "timecode") == 0) {
        unsigned h, m, sec, f;
        if (sscanf(text, "%u:%u:%u:%u", &h, &m, &sec, &f) != 4 || h > 23 || m > 59 ||
            sec > 59 || f > 59)
            return -1;
        /* SMPTE 12M: BCD digits, frames in the low byte */
        unsigned bcd[4] = { f, sec, m, h };
        uint32_t w = 0;
        for (int k = 0; k < 4; k++)
            w |= (uint32_t) (((bcd[k] / 10) << 4) | (bcd[k] % 10)) << (8 * k);
        v.type = VFX_ATTR_TIMECODE;
        v.u.timecode.time_and_flags = w;
        return vfx_attrs_set(a, name, &v) != VFX_OK;
    }
    if (sscanf(type, "int[%d]", &n) == 1 || sscanf(type, "float[%d]", &n) == 1) {
        if (n < 1 || n > 16)
            return -1;
        int is_int = type[0] == 'i';
        int32_t iv[16];
        const char *t = text;
        for (int k = 0; k < n; k++) {
            double d = strtod(t, &end);
            if (end == t || (k + 1 < n ? *end != ',' : *end != '\0'))
                return -1;
            fv[k] = (float) d;
            iv[k] = (int32_t) d;
            t = end + (k + 1 < n);
        }
        /* two and three values are vectors (EXR v2i/v3i/v2f/v3f), as oiiotool stores them */
        if (n == 2 || n == 3) {
            v.type = is_int ? (n == 2 ? VFX_ATTR_V2I : VFX_ATTR_V3I)
                            : (n == 2 ? VFX_ATTR_V2F : VFX_ATTR_V3F);
            for (int k = 0; k < n; k++) {
                if (is_int)
                    v.u.v3i[k] = iv[k];
                else
                    v.u.v3f[k] = fv[k];
            }
        } else if (is_int) {
            v.type = VFX_ATTR_INT_VEC;
            v.u.iv.p = iv, v.u.iv.n = n;
        } else {
            v.type = VFX_ATTR_FLOAT_VEC;
            v.u.fv.p = fv, v.u.fv.n = n;
        }
        return vfx_attrs_set(a, name, &v) != VFX_OK;
    }
    return -2;
}

/* Case-insensitive whole-name match of an extended regular expression (oiiotool's
 * --eraseattrib). */
static int
attrib_erase(vfx_attrs *a, const char *pattern)
{
    char    full[600];
    regex_t re;
    snprintf(full, sizeof full, "^(%s)$", pattern);
    if (regcomp(&re, full, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
        return -1;
    for (int32_t i = vfx_attrs_count(a) - 1; i >= 0; i--) {
        const char *name;
        if (vfx_attrs_at(a, i, &name, NULL) == VFX_OK && regexec(&re, name, 0, NULL, 0) == 0)
            vfx_attrs_remove(a, name);
    }
    regfree(&re);
    return 0;
}

/* --attrib[:type=T] NAME VALUE, --sattrib NAME VALUE, --eraseattrib REGEX, --caption TEXT,
 * --orientation N: a new top image whose metadata is edited (pixels untouched) */
static int
cmd_attrib(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    vfx_image *in, *im = NULL;
    vfx_attrs *a = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    const vfx_spec *sp = vfx_image_spec(in);
    vfx_status      s = sp->attrs ? vfx_attrs_copy(sp->attrs, &a) : vfx_attrs_new(&a);
    if (s != VFX_OK) {
        vfx_image_unref(in);
        return fail(cmd->name, s);
    }
    const char *name = cmd->name;
    int         lib = 0; /* 1: the attribute set failed (the library says why) */
    if (strcmp(name, "--eraseattrib") == 0) {
        if (attrib_erase(a, args[0]) != 0)
            rc = usage("bad regular expression '%s'", args[0]);
    } else if (strcmp(name, "--caption") == 0) {
        lib = vfx_attrs_set_string(a, "ImageDescription", args[0]) != VFX_OK;
    } else if (strcmp(name, "--orientation") == 0) {
        char *end;
        long  o = strtol(args[0], &end, 10);
        if (*end || o < 1 || o > 8)
            rc = usage("bad orientation '%s' (1 to 8, as EXIF)", args[0]);
        else
            lib = vfx_attrs_set_int(a, "Orientation", (int32_t) o) != VFX_OK;
    } else {
        const char *type = strcmp(name, "--sattrib") == 0 ? "string"
                                                           : mod_get(mods, n_mods, "type");
        int r = attrib_value(type, args[1], a, args[0]);
        if (r == -2)
            rc = usage("unknown attribute type '%s' (int, float, double, string, matrix, "
                       "matrix33, rational, timecode, int[N], float[N])", type);
        else if (r == -1)
            rc = usage("bad attribute value '%s'", args[1]);
        lib = r == 1;
    }
    if (lib)
        rc = fail(cmd->name, VFX_ERR_ARG);
    if (!rc)
        s = vfx_image_set_attrs(in, a, &im);
    vfx_attrs_free(a);
    vfx_image_unref(in);
    if (rc)
        return rc;
    return done(c, cmd->name, s, im);
}

/* --frames is applied before the chain runs (cli_chain_main -> seq.c): nothing to do here. */
static int
cmd_frames(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) c;
    (void) cmd;
    (void) args;
    (void) mods;
    (void) n_mods;
    return 0;
}

/* ---- geometry, filters and channels (oiiotool names and modifiers) ---------------------- */

/* --rotate DEG, --warp M00,...,M22, --st_warp */
static int
cmd_warp(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    const char *filter = mod_get(mods, n_mods, "filter"), *v;
    float       fw = (v = mod_get(mods, n_mods, "filterwidth")) ? (float) atof(v) : 0.0f;
    int         rr = (v = mod_get(mods, n_mods, "recompute_roi")) ? atoi(v) : 0;
    vfx_image  *in = NULL, *st = NULL, *im = NULL;
    vfx_status  s;
    int         rc;
    if (strcmp(cmd->name, "--st_warp") == 0) {
        if ((rc = pop2(c, cmd->name, &in, &st)))
            return rc;
        int cs = (v = mod_get(mods, n_mods, "chan_s")) ? atoi(v) : 0;
        int ct = (v = mod_get(mods, n_mods, "chan_t")) ? atoi(v) : 1;
        int fs = (v = mod_get(mods, n_mods, "flip_s")) ? atoi(v) : 0;
        int ft = (v = mod_get(mods, n_mods, "flip_t")) ? atoi(v) : 0;
        s = vfx_image_st_warp(in, st, filter, fw, cs, ct, fs, ft, &im);
        vfx_image_unref(st);
    } else if (strcmp(cmd->name, "--rotate") == 0) {
        char *end;
        float deg = strtof(args[0], &end), ctr[2];
        if (end == args[0] || *end)
            return usage("bad angle '%s' (degrees)", args[0]);
        if ((v = mod_get(mods, n_mods, "center")) && parse_floats(v, ctr, 2) != 2)
            return usage("bad centre '%s' (X,Y)", v);
        if ((rc = pop(c, cmd->name, &in)))
            return rc;
        s = vfx_image_rotate(in, deg, v ? ctr : NULL, filter, fw, rr, &im);
    } else {
        float m[9];
        if (parse_floats(args[0], m, 9) != 9 || !strchr(args[0], ','))
            return usage("bad matrix '%s' (9 numbers: M00,M01,M02,M10,...,M22)", args[0]);
        if ((rc = pop(c, cmd->name, &in)))
            return rc;
        s = vfx_image_warp(in, m, filter, fw, rr, &im);
    }
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
}

/* --median WxH, --dilate WxH, --erode WxH, --fixnan MODE, --fillholes */
static int
cmd_filter2(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) mods, (void) n_mods;
    static const char *modes[] = { "none", "black", "box3", "error" };
    int w = 0, h = 0, mode = -1;
    if (strcmp(cmd->name, "--fixnan") == 0) {
        for (int i = 0; i < 4; i++)
            if (strcmp(args[0], modes[i]) == 0)
                mode = i;
        if (mode < 0)
            return usage("bad --fixnan mode '%s' (none, black, box3, error)", args[0]);
    } else if (cmd->n_args && sscanf(args[0], "%dx%d", &w, &h) < 1) {
        return usage("bad window '%s' (WxH)", args[0]);
    }
    vfx_image *in = NULL, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s;
    if (mode >= 0)
        s = vfx_image_fixnan(in, (vfx_fixnan) mode, &im);
    else if (strcmp(cmd->name, "--fillholes") == 0)
        s = vfx_image_fillholes(in, &im);
    else if (strcmp(cmd->name, "--median") == 0)
        s = vfx_image_median(in, w, h, &im);
    else if (strcmp(cmd->name, "--dilate") == 0)
        s = vfx_image_dilate(in, w, h, &im);
    else
        s = vfx_image_erode(in, w, h, &im);
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
}

/* --paste +X+Y, --mosaic WxH, --cshift +X+Y, --croptofull, --reorient, --chappend,
 * --chsum, --maxchan, --minchan */
static int
cmd_assemble(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    const char *nm = cmd->name, *v;
    vfx_image  *a = NULL, *b = NULL, *im = NULL;
    vfx_status  s = VFX_OK;
    int         rc, x = 0, y = 0;
    if (strcmp(nm, "--mosaic") == 0) {
        int nx, ny, pad = (v = mod_get(mods, n_mods, "pad")) ? atoi(v) : 0;
        if (sscanf(args[0], "%dx%d", &nx, &ny) != 2 || nx < 1 || ny < 1 || nx * ny > c->n)
            return usage("bad mosaic '%s' (WxH, at most as many images as are loaded)", args[0]);
        vfx_image *tiles[STACK_MAX];
        int        n = nx * ny;
        for (int i = 0; i < n; i++)
            tiles[i] = c->stack[c->n - n + i];
        s = vfx_image_mosaic(tiles, nx, ny, pad, &im);
        for (int i = 0; i < n; i++) {
            vfx_image_unref(c->stack[--c->n]);
            drop_more(c, c->n);
        }
        return done(c, nm, s, im);
    }
    if (strcmp(nm, "--paste") == 0 || strcmp(nm, "--cshift") == 0) {
        int keep = strcmp(args[0], "-") == 0 || strcmp(args[0], "auto") == 0;
        if (!keep && sscanf(args[0], "%d%d", &x, &y) != 2)
            return usage("bad offset '%s' (+X+Y)", args[0]);
        if (nm[2] == 'p') { /* oiiotool: the image below is pasted onto the top one */
            if ((rc = pop2(c, nm, &a, &b)))
                return rc;
            v = mod_get(mods, n_mods, "mergeroi");
            s = vfx_image_paste_ex(b, a, x, y, keep, v ? atoi(v) : 0, &im);
            vfx_image_unref(a);
            vfx_image_unref(b);
            return done(c, nm, s, im);
        }
    }
    if (strcmp(nm, "--chappend") == 0) {
        if ((rc = pop2(c, nm, &a, &b)))
            return rc;
        s = vfx_image_channel_append(a, b, &im);
        vfx_image_unref(a);
        vfx_image_unref(b);
        return done(c, nm, s, im);
    }
    if ((rc = pop(c, nm, &a)))
        return rc;
    if (strcmp(nm, "--cshift") == 0) {
        s = vfx_image_circular_shift(a, x, y, &im);
    } else if (strcmp(nm, "--croptofull") == 0) {
        s = vfx_image_croptofull(a, &im);
    } else if (strcmp(nm, "--reorient") == 0) {
        s = vfx_image_reorient(a, &im);
    } else if (strcmp(nm, "--chsum") == 0) {
        float   w[64];
        int32_t nc = vfx_image_n_channels(a);
        for (int i = 0; i < 64; i++)
            w[i] = 1.0f;
        if ((v = mod_get(mods, n_mods, "weight")) && (nc > 64 || parse_floats(v, w, nc) < 0)) {
            vfx_image_unref(a);
            return usage("bad weights '%s' (one, or one per channel)", v);
        }
        s = vfx_image_channel_sum(a, w, &im);
    } else if (strcmp(nm, "--maxchan") == 0) {
        s = vfx_image_maxchan(a, &im);
    } else {
        s = vfx_image_minchan(a, &im);
    }
    vfx_image_unref(a);
    return done(c, nm, s, im);
}

/* --flatten: a deep image becomes flat (its samples composited front to back); a flat one
 * is left as it is, as oiiotool does. */
static int
cmd_flatten(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args, (void) mods, (void) n_mods;
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    vfx_deep *d = vfx_image_deep(c->stack[c->n - 1]);
    if (!d)
        return 0;
    vfx_image *in, *im = NULL;
    int        rc = pop(c, cmd->name, &in);
    if (rc)
        return rc;
    vfx_status s = vfx_deep_flatten(d, &im);
    vfx_image_unref(in);
    return done(c, cmd->name, s, im);
}

/* --deepen: a flat image becomes deep (one sample where it is not empty), as oiiotool; a
 * deep one is left as it is. :z=V is the depth given when the image has no Z channel. */
static int
cmd_deepen(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    if (c->n == 0)
        return usage("%s: no image", cmd->name);
    if (vfx_image_deep(c->stack[c->n - 1]))
        return 0;
    const char *zs = mod_get(mods, n_mods, "z");
    vfx_deep   *d = NULL;
    vfx_image  *im = NULL;
    vfx_status  s = vfx_deep_deepen(c->stack[c->n - 1], zs ? (float) atof(zs) : 1.0f, &d);
    if (s == VFX_OK)
        s = vfx_deep_image(d, &im);
    vfx_deep_unref(d);
    if (s != VFX_OK)
        return fail(cmd->name, s);
    vfx_image *in = NULL;
    if (pop(c, cmd->name, &in) == 0)
        vfx_image_unref(in);
    return done(c, cmd->name, VFX_OK, im);
}

/* --deepmerge: merge the two top deep images into one deep image; --deepholdout: hold out
 * the image below by the top one. */
static int
cmd_deepmerge(chain *c, const chain_cmd *cmd, char **args, const mod *mods, int n_mods)
{
    (void) args;
    if (c->n < 2)
        return usage("%s needs two images on the stack", cmd->name);
    const char *oc = mod_get(mods, n_mods, "occlusion_cull");
    vfx_deep *a = vfx_image_deep(c->stack[c->n - 2]), *b = vfx_image_deep(c->stack[c->n - 1]);
    if (!a || !b)
        return usage("%s: both images must be deep (deep EXR inputs, not flattened)", cmd->name);
    vfx_deep  *m = NULL;
    vfx_image *im = NULL;
    vfx_status s = strcmp(cmd->name, "--deepholdout") == 0 ? vfx_deep_holdout(a, b, &m)
                   : vfx_deep_merge(a, b, oc ? atoi(oc) : 1, &m);
    if (s == VFX_OK)
        s = vfx_deep_image(m, &im);
    vfx_deep_unref(m);
    if (s != VFX_OK)
        return fail(cmd->name, s);
    for (int k = 0; k < 2; k++) {
        vfx_image *x = NULL;
        if (pop(c, cmd->name, &x) == 0)
            vfx_image_unref(x);
    }
    return done(c, cmd->name, VFX_OK, im);
}

static const chain_cmd commands[] = {
    { "-i", 1, cmd_input, "FILE: read an image (:ch=R,G,B :subimage=N :miplevel=N :level=LX,LY)" },
    { "--frames", 1, cmd_frames, "RANGE: run the chain per frame (1-100, 1-100x2, 1,3,5-9): "
                                 "files with #### / %04d / @ / <UDIM> tokens get the frame" },
    { "-o", 1, cmd_output, "FILE: write the top image (:compression= :tile=WxH :type= :scanline=1); several -o in a row (-d, --compression, --tile between): one render" },
    { "-a", 0, cmd_allsubimages, "later inputs bring all their subimages / parts (-i:all=1 "
                                 "for one); -o writes them as a multi-part file" },
    { "--siappend", 0, cmd_siappend, "append the top image's subimages to the image below "
                                     "(-o then writes a multi-part EXR)" },
    { "--subimage", 1, cmd_subimage, "N|NAME: keep one subimage of the top image" },
    { "-d", 1, cmd_type, "TYPE: data type of later outputs (u8 u16 u32 half float)" },
    { "--compression", 1, cmd_compression, "NAME[:LEVEL]: compression of later outputs (a format that does not know NAME ignores it)" },
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
    { "--ccmatrix", 1, cmd_ccmatrix, "M: multiply (R,G,B,A) by a 3x3 or 4x4 row-major matrix, as "
                                      "oiiotool (:transpose=1 :invert=1 :unpremult=1)" },
    { "--opendrt", 0, cmd_opendrt,
      "OpenDRT (Base) to a display (:peak=100 :gamut=rec709|p3d65|rec2020 :encoding=srgb|bt1886|"
      "gamma2.2|gamma2.6|pq|hlg|linear :input=rec709|acesap1|... :clamp=peak|pqrange|none)" },
    { "--ociolook", 1, cmd_ociolook, "LOOKS: apply looks (:from= :to=)" },
    { "--iccread", 0, cmd_iccread,
      "convert from the embedded ICC profile (untagged: sRGB) to linear Rec.709 "
      "(:to=linear|srgb|FILE.icc :intent=relative|perceptual|saturation|absolute)" },
    { "--resize", 1, cmd_resize, "WxH|N%: resize (:filter=NAME :filterwidth=W)" },
    { "--fit", 1, cmd_resize, "WxH: resize to fit, keeping the aspect (:filter= :fillmode= :pad=1 :exact=1)" },
    { "--resample", 1, cmd_resize, "WxH|N%: resample, bilinear (:interp=0 nearest)" },
    { "--blur", 1, cmd_blur, "WxH: blur with a WxH kernel (:kernel=gaussian)" },
    { "--unsharp", 0, cmd_unsharp, "unsharp mask (:kernel=gaussian :width=3 :contrast=1 :threshold=0)" },
    { "--laplacian", 0, cmd_laplacian, "Laplacian (5-point stencil)" },
    { "--median", 1, cmd_filter2, "WxH: median filter" },
    { "--dilate", 1, cmd_filter2, "WxH: dilate (maximum over the window)" },
    { "--erode", 1, cmd_filter2, "WxH: erode (minimum over the window)" },
    { "--fixnan", 1, cmd_filter2, "MODE: fix NaN and Inf values (none, black, box3, error)" },
    { "--fillholes", 0, cmd_filter2, "fill holes (alpha < 1) by push-pull" },
    { "--kernel", 2, cmd_kernel, "NAME WxH: push a convolution kernel image" },
    { "--convolve", 0, cmd_convolve, "convolve the image below with the kernel on top" },
    { "--flatten", 0, cmd_flatten, "deep image -> flat: samples sorted by Z, composited front "
                                   "to back (as oiiotool; flat ops and non-EXR outputs do it "
                                   "automatically)" },
    { "--deepen", 0, cmd_deepen, "flat image -> deep: one sample per pixel, none where every "
                                 "channel is 0 (Z of 1e30 too), as oiiotool; :z=1 the depth "
                                 "when there is no Z channel" },
    { "--deepmerge", 0, cmd_deepmerge, "merge the samples of the two top deep images (as "
                                       "oiiotool: volumes split, coincident samples combined, "
                                       "samples behind opaque ones culled; :occlusion_cull=0)" },
    { "--deepholdout", 0, cmd_deepmerge, "keep the samples of the deep image below that are in "
                                         "front of where the top deep image gets opaque" },
    { "--over", 0, cmd_over, "composite the image below over the top one (premultiplied)" },
    { "--zover", 0, cmd_over, "depth composite of the two top images (:zeroisinf=1)" },
    { "--premult", 0, cmd_one, "multiply colour channels by alpha" },
    { "--fft", 0, cmd_one, "2-D Fourier transform of channel 0 -> (real, imag), whole image" },
    { "--ifft", 0, cmd_one, "inverse Fourier transform of a (real, imag) image -> real part" },
    { "--polar", 0, cmd_one, "complex (real, imag) -> (amplitude, phase)" },
    { "--unpolar", 0, cmd_one, "(amplitude, phase) -> complex (real, imag)" },
    { "--noise", 0, cmd_draw, "add noise (:type=gaussian:mean=0:stddev=0.1, uniform:min=0:max=0.1, "
                              "salt:value=0:portion=0.1, blue:min=0:max=0.1, :seed= :mono=1)" },
    { "--fill", 1, cmd_draw, "GEOM: fill a rect (:color= | :top= :bottom= | :left= :right= | "
                             ":topleft= :topright= :bottomleft= :bottomright=)" },
    { "--box", 1, cmd_draw, "X1,Y1,X2,Y2: draw a box (:color= :fill=1)" },
    { "--line", 1, cmd_draw, "X1,Y1,X2,Y2,...: draw a polyline (:color=)" },
    { "--point", 1, cmd_draw, "X1,Y1,...: draw points (:color=)" },
    { "--text", 1, cmd_text, "STRING: render text with FreeType (:x= :y= (baseline start; default the "
                             "middle) :size=16 :color= :font=FILE|NAME (DejaVu Sans) :shadow= "
                             ":xalign=left|center|right :yalign=baseline|top|bottom|center)" },
    { "--blend", 0, cmd_blend, "blend the image below onto the top one (:mode=multiply screen "
                               "overlay softlight hardlight darken lighten difference exclusion add)" },
    { "--repremult", 0, cmd_tone, "premult, leaving alpha-0 pixels as they are" },
    { "--contrast", 0, cmd_tone, "remap (:black= :white= :min= :max= :scontrast= :sthresh= per channel, :clamp=1)" },
    { "--saturate", 1, cmd_tone, "S: scale saturation of channels 0-2 (:firstchannel=)" },
    { "--colormap", 1, cmd_tone, "MAP: false colour from luma (inferno viridis magma plasma turbo "
                                 "blue-red spectrum heat, or r,g,b,r,g,b... knots)" },
    { "--rangecompress", 0, cmd_tone, "log-compress values above 0.18 (:luma=1)" },
    { "--rangeexpand", 0, cmd_tone, "undo --rangecompress (:luma=1)" },
    { "--unpremult", 0, cmd_one, "divide colour channels by alpha (alpha 0 left alone)" },
    { "--flip", 0, cmd_one, "mirror top to bottom" },
    { "--flop", 0, cmd_one, "mirror left to right" },
    { "--rotate90", 0, cmd_one, "rotate 90 degrees clockwise" },
    { "--rotate180", 0, cmd_one, "rotate 180 degrees" },
    { "--rotate270", 0, cmd_one, "rotate 270 degrees clockwise" },
    { "--transpose", 0, cmd_one, "swap x and y" },
    { "--rotate", 1, cmd_warp, "DEG: rotate clockwise about the display centre (:center=X,Y "
                               ":filter=lanczos3 :filterwidth= :recompute_roi=1)" },
    { "--warp", 1, cmd_warp, "M00,...,M22: warp through a 3x3 matrix (:filter= :recompute_roi=1)" },
    { "--st_warp", 0, cmd_warp, "warp the image below by the ST map on top (:filter= :chan_s=0 "
                                ":chan_t=1 :flip_s=1 :flip_t=1)" },
    { "--cut", 1, cmd_window, "GEOM: crop, move to the origin, display window = data window" },
    { "--origin", 1, cmd_window, "+X+Y: move the data window's origin" },
    { "--fullsize", 1, cmd_window, "GEOM: set the display window" },
    { "--croptofull", 0, cmd_assemble, "make the data window the display window" },
    { "--cshift", 1, cmd_assemble, "+X+Y: circular shift within the data window" },
    { "--reorient", 0, cmd_assemble, "undo the EXIF Orientation (rotate / flip to orientation 1)" },
    { "--paste", 1, cmd_assemble, "+X+Y: paste the image below onto the top one at X,Y (- = where it is; :mergeroi=1)" },
    { "--mosaic", 1, cmd_assemble, "WxH: assemble the last W*H images in a grid (:pad=N)" },
    { "--chappend", 0, cmd_assemble, "append the channels of the top image to the one below" },
    { "--chsum", 0, cmd_assemble, "sum the channels into one, Y (:weight=W[,W...])" },
    { "--maxchan", 0, cmd_assemble, "maximum of the channels, into one (Y)" },
    { "--minchan", 0, cmd_assemble, "minimum of the channels, into one (Y)" },
    { "--abs", 0, cmd_unary, "absolute value" },
    { "--invert", 0, cmd_unary, "1 - x on channels 0..2 (:chbegin= :chend=)" },
    { "--powc", 1, cmd_unary, "V[,V...]: raise to a power per channel" },
    { "--clamp", 0, cmd_unary, "clamp (:min=V[,V...] :max=V[,V...] :clampalpha=1)" },
    { "--mad", 0, cmd_mad3, "multiply the two images below the top one, add the top one" },
    { "--attrib", 2, cmd_attrib, "NAME VALUE: set metadata (:type=int|float|double|string|matrix|"
                                  "matrix33|rational|timecode|int[N]|float[N]; else guessed)" },
    { "--sattrib", 2, cmd_attrib, "NAME VALUE: set a string attribute" },
    { "--eraseattrib", 1, cmd_attrib, "REGEX: remove the attributes whose whole name matches "
                                      "(case-insensitive)" },
    { "--caption", 1, cmd_attrib, "TEXT: set ImageDescription" },
    { "--orientation", 1, cmd_attrib, "N: set the EXIF orientation attribute (1-8)" },
    { "--stats", 0, cmd_stats, "print per-channel statistics of the top image" },
    { "--diff", 0, cmd_diff, "compare the two top images (report as idiff; a failure exits 1)" },
    { "--printstats", 0, cmd_printstats, "print the top image's statistics, constancy and monochrome tests (oiiotool's format)" },
    { "--hash", 0, cmd_hash, "print the top image's pixel SHA-1 (its own pixel type, as oiiotool)" },
    { "--rangecheck", 2, cmd_count, "LOW HIGH: count pixels below, above and inside a range" },
    { "--colorcount", 1, cmd_count, "C;C;...: count pixels of each colour (:eps=0.001)" },
    { "--trim", 0, cmd_trim, "crop to the smallest rect holding the non-zero pixels" },
    { "--fail", 1, cmd_diffopt, "T: --diff failure threshold (1e-06)" },
    { "--failpercent", 1, cmd_diffopt, "P: --diff allows P % of pixels to fail (0)" },
    { "--hardfail", 1, cmd_diffopt, "T: --diff fails if any error exceeds T (inf)" },
    { "--warn", 1, cmd_diffopt, "T: --diff warning threshold (1e-06)" },
    { "--warnpercent", 1, cmd_diffopt, "P: --diff allows P % of pixels to warn (0)" },
    { "--hardwarn", 1, cmd_diffopt, "T: --diff warns if any error exceeds T (inf)" },
    { "-q", 0, cmd_flag, "quiet: no progress line" },
    { "-v", 0, cmd_flag, "verbose: notes such as a --compression a later output's format ignores" },
    { "--runstats", 0, cmd_flag, "print time, peak memory, bytes read and cache counters at the end" },
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

static int chain_run(int argc, char **argv);

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

    /* Sequences: find the file arguments (bare inputs, -i FILE, -o FILE) and --frames, then
     * run the whole chain once per frame with the patterns filled in (seq.c). */
    int        *is_file = calloc((size_t) argc, sizeof *is_file);
    const char *frames = NULL;
    if (!is_file)
        return fail("chain", VFX_ERR_NOMEM);
    for (int i = 1; i < argc; i++) {
        char name[64];
        mod  mods[MOD_MAX];
        int  n_mods;
        if (argv[i][0] != '-' || !argv[i][1]) {
            is_file[i] = 1;
            continue;
        }
        if (split_mods(argv[i], name, sizeof name, mods, &n_mods) != 0)
            break; /* reported by chain_run */
        const chain_cmd *cmd = find_cmd(name);
        if (!cmd)
            break;
        if (cmd->n_args >= 1 && i + 1 < argc) {
            if (strcmp(cmd->name, "-i") == 0)
                is_file[i + 1] = 1;
            else if (strcmp(cmd->name, "-o") == 0)
                is_file[i + 1] = 2;
            else if (strcmp(cmd->name, "--frames") == 0)
                frames = argv[i + 1];
        }
        i += cmd->n_args;
    }
    int rc = cli_seq_chain(argc, argv, is_file, frames, chain_run);
    free(is_file);
    return rc;
}

/* One run of the chain over argv (file names already resolved). */
static int
chain_run(int argc, char **argv)
{
    chain c;
    memset(&c, 0, sizeof c);
    c.level = -1;
    c.t0 = cli_now();
    cli_diff_opts_init(&c.diff);
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
        if (cmd->fn == cmd_output && c.n > 0 && c.n_more[c.n - 1] == 0) {
            /* -o followed by more -o: one render for all of them */
            int n_out, end = outputs_end(argc, argv, i, &n_out);
            if (n_out > 1) {
                rc = cmd_outputs(&c, argv, i, end);
                i = end - 1;
                continue;
            }
        }
        rc = cmd->fn(&c, cmd, argv + i + 1, mods, n_mods);
        i += cmd->n_args;
    }
    if (rc == 0 && c.runstats) {
        vfx_cache_info ci = VFX_CACHE_INFO_INIT;
        vfx_cache_stats(&ci);
        int64_t chunks = 0, bytes = 0;
        for (int k = 0; k < c.n_inputs; k++) {
            vfx_reader_stats rs = { 0, 0 };
            if (vfx_image_read_stats(c.inputs[k], &rs) == VFX_OK)
                chunks += rs.chunks_read, bytes += rs.bytes_read;
        }
        fprintf(stderr, "vfx: %.3f s, peak RSS %.1f MiB, %lld chunks / %.1f MiB read, cache: "
                        "%lld tiles computed, %lld hits, %lld released behind, %lld evicted, "
                        "peak %.1f MiB of %.0f MiB\n",
                cli_now() - c.t0, (double) cli_peak_rss() / 1048576.0, (long long) chunks,
                (double) bytes / 1048576.0, (long long) ci.tiles_computed, (long long) ci.hits,
                (long long) ci.released, (long long) ci.evictions,
                (double) ci.peak_bytes / 1048576.0, (double) ci.budget / 1048576.0);
    }
    while (c.n_inputs > 0)
        vfx_image_unref(c.inputs[--c.n_inputs]);
    while (c.n > 0) {
        vfx_image_unref(c.stack[--c.n]);
        drop_more(&c, c.n);
    }
    vfx_ocio_config_free(c.cfg);
    return rc == 0 && c.diff_failed ? 1 : rc;
}
