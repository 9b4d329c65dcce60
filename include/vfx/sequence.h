/* Image sequences and UDIM texture sets: file-name patterns, frame ranges, expanding a
 * pattern to paths and listing the files of a folder that match one.
 *
 * Pattern tokens (oiiotool conventions):
 *   frame numbers   "#"     4 digits, zero padded ("img.#.exr" -> "img.0042.exr")
 *                   "##..." a run of two or more '#': one digit per '#' ("####" -> 0042)
 *                   "@..."  one digit per '@' ("@@@" -> 042)
 *                   "%d", "%0Nd"  printf style (N digits, zero padded)
 *                   Padding follows printf: the width includes a minus sign ("%04d" of -5 is
 *                   "-005"), and wider numbers are never cut.
 *   UDIM tiles      "<UDIM>"   1001 + u + 10 v (u in 0..9)
 *                   "<u>", "<v>"   0-based tile index;  "<U>", "<V>"  1-based
 *                   "<uvtile>"  "u<u>_v<v>" (0-based);  "<UVTILE>"  "u<U>_v<V>" (Mudbox style)
 * A pattern holds frame tokens or tile tokens, not both; several tokens of one kind all take
 * the same value. "%%" is a literal '%'.
 *
 * Frame ranges: comma-separated items, each "N", "A-B", "A-BxS" (every S-th frame from A
 * toward B) or "A-ByS" (the frames "A-BxS" leaves out); A > B counts down. Frames may be
 * negative: "-10--1", "-3-3". Example: "1-100x2", "1,3,5-9", "10-1". */
#ifndef VFX_SEQUENCE_H
#define VFX_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfx_seq_pattern vfx_seq_pattern; /* opaque */

/** What a pattern's tokens number. */
typedef enum vfx_seq_kind {
    VFX_SEQ_NONE  = 0, /**< no token: a plain file name */
    VFX_SEQ_FRAME = 1, /**< frame numbers (#, @, %0Nd) */
    VFX_SEQ_TILE  = 2  /**< UDIM / u-v tiles */
} vfx_seq_kind;

/** Parse @p pattern. @return VFX_ERR_ARG (message says why) for a malformed token, an
 *  unknown <...> token or frame and tile tokens mixed. Release with vfx_seq_pattern_free(). */
VFX_API vfx_status vfx_seq_pattern_parse(const char *pattern, vfx_seq_pattern **out);

/** Release; accepts NULL. Does not fail. */
VFX_API void vfx_seq_pattern_free(vfx_seq_pattern *p);

/** Does not fail. */
VFX_API vfx_seq_kind vfx_seq_pattern_kind(const vfx_seq_pattern *p);

/** 1 when @p s contains a sequence token (a quick test before parsing). Does not fail. */
VFX_API int vfx_seq_is_pattern(const char *s);

/** Path of frame @p frame. @return VFX_ERR_ARG for a tile pattern, VFX_ERR_LIMIT when the
 *  result does not fit in @p cap bytes (NUL included). */
VFX_API vfx_status vfx_seq_frame_path(const vfx_seq_pattern *p, int32_t frame, char *buf,
                                      size_t cap);

/** Path of tile (@p u, @p v), 0-based. @return VFX_ERR_ARG for a frame pattern, for u or v
 *  < 0, or u > 9 with a <UDIM> token; VFX_ERR_LIMIT as above. */
VFX_API vfx_status vfx_seq_tile_path(const vfx_seq_pattern *p, int32_t u, int32_t v, char *buf,
                                     size_t cap);

/** Parse a frame range into a new array of frames, in the order written (duplicates kept).
 *  @return VFX_ERR_ARG for bad syntax or a step <= 0, VFX_ERR_LIMIT beyond 10 million frames.
 *  Free *frames_out with vfx_seq_free(). */
VFX_API vfx_status vfx_seq_parse_range(const char *range, int32_t **frames_out, int32_t *n_out);

/** One file of a sequence or tile set. */
typedef struct vfx_seq_item {
    int32_t frame; /**< frame number (frame patterns), else 0 */
    int32_t u, v;  /**< 0-based tile (tile patterns), else 0 */
    char   *path;  /**< owned by the array */
} vfx_seq_item;

/** Expand a frame pattern over a range string ("1-10x2"): one item per frame, in range
 *  order. @return as vfx_seq_parse_range(), VFX_ERR_ARG for a tile pattern. Free with
 *  vfx_seq_items_free(). */
VFX_API vfx_status vfx_seq_expand(const vfx_seq_pattern *p, const char *range,
                                  vfx_seq_item **items_out, int32_t *n_out);

/** List the existing files that match the pattern (the folder part of the pattern must be
 *  a plain folder). A name matches when a number read at each token formats back to exactly
 *  the same text, so "img.####.exr" finds "img.0042.exr" but not "img.42.exr". Items are
 *  sorted by frame, or by v then u. An empty list is VFX_OK with *n_out = 0.
 *  @return VFX_ERR_IO when the folder cannot be read (message names it). */
VFX_API vfx_status vfx_seq_scan(const vfx_seq_pattern *p, vfx_seq_item **items_out,
                                int32_t *n_out);

/** Release an item array; accepts NULL. Does not fail. */
VFX_API void vfx_seq_items_free(vfx_seq_item *items, int32_t n);

/** Free an array returned by vfx_seq_parse_range(); accepts NULL. Does not fail. */
VFX_API void vfx_seq_free(void *p);

/** Split an oiiotool-style argument with an implicit range, "img.1-10x2#.exr", into a
 *  pattern ("img.#.exr") and a range ("1-10x2"): the range is the text right before the
 *  first '#' / '@' run, made of digits, '-', 'x', 'y' and ','. Without one, *range_out is
 *  NULL and *pattern_out a copy of @p arg. Both are freed with vfx_seq_free(). */
VFX_API vfx_status vfx_seq_split_implicit(const char *arg, char **pattern_out,
                                          char **range_out);

#ifdef __cplusplus
}
#endif
#endif
