/* Sequence jobs for the CLI: `vfx convert` and chain mode run once per frame (or UDIM tile)
 * when their file arguments are patterns (see vfx/sequence.h). Each frame is a complete,
 * streamed job with its own atomic output; the first failure stops the run and names the
 * frame. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"

/* One file argument: its pattern with any implicit range taken out. */
typedef struct seq_arg {
    char            *pattern; /* vfx_seq_free */
    char            *range;   /* implicit range or NULL */
    vfx_seq_pattern *p;
} seq_arg;

static void
seq_arg_clear(seq_arg *a)
{
    vfx_seq_free(a->pattern);
    vfx_seq_free(a->range);
    vfx_seq_pattern_free(a->p);
    memset(a, 0, sizeof *a);
}

static int
seq_arg_parse(const char *s, seq_arg *a)
{
    memset(a, 0, sizeof *a);
    vfx_status st = vfx_seq_split_implicit(s, &a->pattern, &a->range);
    if (st == VFX_OK)
        st = vfx_seq_pattern_parse(a->pattern, &a->p);
    if (st != VFX_OK) {
        seq_arg_clear(a);
        return cli_fail(s, st);
    }
    return 0;
}

/* The frames (or tiles) to run: @p frames, else an implicit range, else the existing files
 * of the first input pattern. */
static int
plan(const char *cmd, const char *frames, seq_arg *args, int n, int first_in,
     vfx_seq_item **items_out, int32_t *n_out)
{
    *items_out = NULL;
    *n_out = 0;
    vfx_seq_kind kind = vfx_seq_pattern_kind(args[first_in].p);
    const char  *range = frames;
    for (int i = 0; i < n && !range; i++)
        range = args[i].range;
    vfx_status s;
    if (kind == VFX_SEQ_TILE) {
        if (range)
            return cli_usage_error(cmd, "frame ranges do not apply to UDIM patterns ('%s')",
                                   args[first_in].pattern);
        s = vfx_seq_scan(args[first_in].p, items_out, n_out);
    } else if (range) {
        s = vfx_seq_expand(args[first_in].p, range, items_out, n_out);
    } else {
        s = vfx_seq_scan(args[first_in].p, items_out, n_out);
    }
    if (s != VFX_OK)
        return cli_fail(args[first_in].pattern, s);
    if (*n_out == 0)
        return cli_usage_error(cmd, "no files match '%s' (give a range with --frames)",
                               args[first_in].pattern);
    return 0;
}

static int
item_path(const seq_arg *a, const vfx_seq_item *it, char *buf, size_t cap)
{
    vfx_status s = vfx_seq_pattern_kind(a->p) == VFX_SEQ_TILE
                       ? vfx_seq_tile_path(a->p, it->u, it->v, buf, cap)
                       : vfx_seq_frame_path(a->p, it->frame, buf, cap);
    return s == VFX_OK ? 0 : cli_fail(a->pattern, s);
}

static void
report_stop(const char *cmd, const vfx_seq_item *it, int tile, int32_t done, int32_t n)
{
    if (tile)
        fprintf(stderr, "vfx %s: stopped at UDIM tile u=%d v=%d (%d of %d done)\n", cmd, it->u,
                it->v, done, n);
    else
        fprintf(stderr, "vfx %s: stopped at frame %d (%d of %d done)\n", cmd, it->frame, done, n);
}

int
cli_seq_run(const char *cmd, const char *in, const char *out, const char *frames,
            int (*fn)(void *user, const char *in, const char *out), void *user)
{
    seq_arg a[2];
    int     rc = seq_arg_parse(in, &a[0]);
    if (rc)
        return rc;
    if ((rc = seq_arg_parse(out, &a[1])) != 0) {
        seq_arg_clear(&a[0]);
        return rc;
    }
    vfx_seq_kind ki = vfx_seq_pattern_kind(a[0].p), ko = vfx_seq_pattern_kind(a[1].p);
    vfx_seq_item *items = NULL;
    int32_t       n = 0;
    char          pin[8192], pout[8192];
    if (ki == VFX_SEQ_NONE && ko == VFX_SEQ_NONE) {
        rc = frames ? cli_usage_error(cmd, "--frames needs IN and OUT with frame tokens "
                                           "(img.####.exr)")
                    : fn(user, in, out);
        goto done;
    }
    if (ki != ko) {
        rc = cli_usage_error(cmd, "IN and OUT must both be frame patterns or both UDIM "
                                  "patterns ('%s', '%s')",
                             in, out);
        goto done;
    }
    if ((rc = plan(cmd, frames, a, 2, 0, &items, &n)) != 0)
        goto done;
    for (int32_t i = 0; i < n && rc == 0; i++) {
        if ((rc = item_path(&a[0], &items[i], pin, sizeof pin)) != 0 ||
            (rc = item_path(&a[1], &items[i], pout, sizeof pout)) != 0 ||
            (rc = fn(user, pin, pout)) != 0)
            report_stop(cmd, &items[i], ki == VFX_SEQ_TILE, i, n);
    }
done:
    vfx_seq_items_free(items, n);
    seq_arg_clear(&a[0]);
    seq_arg_clear(&a[1]);
    return rc;
}

int
cli_seq_chain(int argc, char **argv, const int *is_file, const char *frames,
              int (*run)(int argc, char **argv))
{
    seq_arg *a = calloc((size_t) argc, sizeof *a);
    char   **fargv = calloc((size_t) argc + 1, sizeof *fargv);
    char   **bufs = calloc((size_t) argc, sizeof *bufs);
    int      rc = 0, first_in = -1, n_seq = 0;
    vfx_seq_item *items = NULL;
    int32_t       n = 0;
    vfx_seq_kind  kind = VFX_SEQ_NONE;
    if (!a || !fargv || !bufs) {
        rc = cli_fail("chain", VFX_ERR_NOMEM);
        goto done;
    }
    for (int i = 1; i < argc && rc == 0; i++) {
        if (!is_file[i])
            continue;
        if ((rc = seq_arg_parse(argv[i], &a[i])) != 0)
            break;
        vfx_seq_kind k = vfx_seq_pattern_kind(a[i].p);
        if (k == VFX_SEQ_NONE)
            continue;
        if (kind != VFX_SEQ_NONE && k != kind) {
            rc = cli_usage_error("chain", "frame and UDIM patterns mixed ('%s')", argv[i]);
            break;
        }
        kind = k;
        n_seq++;
        if (first_in < 0 && is_file[i] == 1)
            first_in = i;
        if (!(bufs[i] = malloc(8192))) {
            rc = cli_fail("chain", VFX_ERR_NOMEM);
            break;
        }
    }
    if (rc)
        goto done;
    if (n_seq == 0) {
        rc = frames ? cli_usage_error("chain", "--frames needs file names with frame tokens "
                                               "(img.####.exr)")
                    : run(argc, argv);
        goto done;
    }
    if (first_in < 0) {
        /* only outputs are patterns (e.g. a generated image): a range is needed */
        for (int i = 1; i < argc; i++)
            if (a[i].p && vfx_seq_pattern_kind(a[i].p) != VFX_SEQ_NONE) {
                first_in = i;
                break;
            }
        const char *range = frames;
        for (int i = 1; i < argc && !range; i++)
            range = a[i].range;
        if (!range || kind == VFX_SEQ_TILE) {
            rc = cli_usage_error("chain", "no input pattern to list frames from: give --frames");
            goto done;
        }
    }
    /* plan() looks at args[first_in] and the ranges of all args */
    if ((rc = plan("chain", frames, a + 1, argc - 1, first_in - 1, &items, &n)) != 0)
        goto done;
    for (int32_t k = 0; k < n && rc == 0; k++) {
        for (int i = 0; i < argc; i++) {
            fargv[i] = argv[i];
            if (bufs[i]) {
                if ((rc = item_path(&a[i], &items[k], bufs[i], 8192)) != 0)
                    break;
                fargv[i] = bufs[i];
            }
        }
        if (rc == 0)
            rc = run(argc, fargv);
        if (rc != 0)
            report_stop("chain", &items[k], kind == VFX_SEQ_TILE, k, n);
    }
done:
    vfx_seq_items_free(items, n);
    if (a)
        for (int i = 0; i < argc; i++)
            seq_arg_clear(&a[i]);
    if (bufs)
        for (int i = 0; i < argc; i++)
            free(bufs[i]);
    free(bufs);
    free(fargv);
    free(a);
    return rc;
}
