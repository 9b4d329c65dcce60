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



/** Sequence jobs (seq.c). Run fn once for IN -> OUT, or, when they are frame or UDIM
 *  patterns (see vfx/sequence.h), once per frame of @p frames (a range; NULL = an implicit
 *  range in IN / OUT, else every existing frame of IN) or per existing UDIM tile of IN. The
 *  first failure stops the run and names the frame. Returns the exit code. */
int cli_seq_run(const char *cmd, const char *in, const char *out, const char *frames,
                int (*fn)(void *user, const char *in, const char *out), void *user);
/** The same for a whole chain: is_file[i] is 1 for input file arguments, 2 for outputs, 0
 *  otherwise; @p run runs the chain once on an argv whose patterns were replaced. */
int cli_seq_chain(int argc, char **argv, const int *is_file, const char *frames,
                  int (*run)(int argc, char **argv));
/** Compare thresholds and verdict rules of vfx diff and chain --diff (cmd_diff.c; idiff's). */
typedef struct cli_diff_opts {
    vfx_compare_options co;
    double              failpercent, warnpercent, hardfail, hardwarn;
    long long           allowfailures;
} cli_diff_opts;
void cli_diff_opts_init(cli_diff_opts *o);
enum { CLI_DIFF_IDIFF, CLI_DIFF_VERBOSE, CLI_DIFF_QUIET, CLI_DIFF_JSON, CLI_DIFF_CHAIN };
/** Compare @p a and @p b and print the report (idiff's, or oiiotool --diff's for
 *  CLI_DIFF_CHAIN). Returns 0 pass, 1 warning, 2 failure, -1 error (message printed). */
int cli_diff_print(vfx_image *a, vfx_image *b, const char *name_a, const char *name_b,
                   const cli_diff_opts *o, int mode);

/** Chain mode (chain.c): oiiotool-style commands; argv[0] is the program. */
int  cli_chain_main(int argc, char **argv);
void cli_chain_help(FILE *out);

/* ---- shared helpers (util.c) ------------------------------------------------------------- */

/** Print @p s as a JSON string literal (quotes included). */
void cli_json_string(FILE *out, const char *s);
/** Parse "WxH" into two positive ints; 0 on success. */
int cli_parse_size(const char *s, int32_t *w, int32_t *h);
/** oiiotool's resize geometry against the display window @p d: "WxH", "WxH+X+Y", "S%",
 *  "Sx%Sy%"; a 0 in either size keeps the aspect ratio. 0 on success. */
int cli_parse_resize_geom(const char *s, vfx_rect d, vfx_rect *r);
/** Parse a "NAME[:LEVEL]" compression argument into the write options (name copied into
 *  @p name_buf). 0 on success. */
int cli_parse_compression(const char *arg, char *name_buf, size_t cap, int32_t *level_out);
/** A progress callback for sinks: a line on stderr with tiles, MPix/s and ETA, only when
 *  stderr is a terminal and the job has run for more than a second. user = cli_progress. */
typedef struct cli_progress {
    const char *label;
    double      t0;
    int64_t     pixels; /* output pixels of the whole job, for MPix/s */
    int         shown;
    int         quiet;
} cli_progress;
void cli_progress_init(cli_progress *p, const char *label, int64_t pixels, int quiet);
int  cli_progress_fn(void *user, int64_t done, int64_t total);
void cli_progress_end(cli_progress *p);
/** Wall-clock seconds (monotonic). */
double cli_now(void);
/** Peak resident set size of this process in bytes (0 if unknown). */
int64_t cli_peak_rss(void);
/* cmd_deep.c: deep images. cli_write_deep() writes @p im as deep EXR when it is still deep
 * and @p path is an EXR file (*handled = 1), else leaves it to the flat writer. */
int        cli_is_exr_path(const char *path);
vfx_status cli_write_deep(vfx_image *im, const char *path, const vfx_write_options *wo,
                          int *handled);
/* oiiotool --stats layout for a deep image; returns the exit code. */
int  cli_print_deep_stats(FILE *out, const char *name, const vfx_deep *d);
void cli_print_deep_counts(FILE *out, const vfx_deep_stats *st);

#endif
