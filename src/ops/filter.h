/* Continuous reconstruction filters with oiiotool's names and default widths (OIIO 2.4's
 * filter set), and the separable-resampling node they drive (op_resize.c), shared by resize,
 * resample and the separable convolutions (blur, unsharp). Private to src/ops/. */
#ifndef VFX_OPS_FILTER_H
#define VFX_OPS_FILTER_H

#include "ops/op_int.h"

typedef enum vfx__filter_id {
    VFX__F_BOX, VFX__F_TRIANGLE, VFX__F_GAUSSIAN, VFX__F_SHARP_GAUSSIAN, VFX__F_CATROM,
    VFX__F_BLACKMAN_HARRIS, VFX__F_SINC, VFX__F_LANCZOS3, VFX__F_RADIAL_LANCZOS3,
    VFX__F_MITCHELL, VFX__F_BSPLINE, VFX__F_DISK, VFX__F_CUBIC, VFX__F_KEYS, VFX__F_SIMON,
    VFX__F_RIFMAN, VFX__F_COUNT
} vfx__filter_id;

/** The filter called @p name (aliases: catrom, lanczos, b-spline, radial-lanczos), -1 if none. */
int vfx__filter_find(const char *name);
/** Its default full width in pixels; whether it is a product of two 1-D filters. */
float vfx__filter_width(int id);
int   vfx__filter_separable(int id);
/** The 1-D filter of full width @p width at @p x (separable filters only). */
float vfx__filter_1d(int id, float width, float x);
/** The 2-D filter of full size @p w x @p h at (x, y). */
float vfx__filter_2d(int id, float w, float h, float x, float y);

/* ---- the separable resampling node (op_resize.c) ---------------------------------------
 * Output coordinate o of an axis reads input samples start[o] .. start[o] + taps - 1 with the
 * weights w[o * wstride + t] (wstride 0: every o shares one set). Input outside its RoD reads
 * per @p edge. */
typedef struct vfx__axis_table {
    int32_t  o0, n;    /* the output coordinates o0 .. o0 + n - 1 it covers */
    int32_t  taps;
    int32_t  wstride;  /* taps, or 0 */
    int32_t *start;    /* n entries */
    float   *w;        /* n * wstride entries (taps when wstride is 0) */
} vfx__axis_table;

/** A node resampling @p in through the tables (x then y; copied) into @p rod with display
 *  window @p display. */
vfx_status vfx__sepfilter_new(vfx_image *in, const vfx__axis_table *tx,
                              const vfx__axis_table *ty, vfx_rect rod, vfx_rect display,
                              vfx_edge edge, vfx_image **out);

/** Resize through a non-separable filter (radial-lanczos3, disk): op_resize2d.c. */
vfx_status vfx__resize2d_new(vfx_image *in, vfx_rect display, vfx_rect rod, int id,
                             float fwidth, vfx_image **out);

/** The values of make_kernel(@p name, @p width, @p height): an odd w x h grid centred on 0
 *  (row-major, *v_out from vfx__alloc). "laplacian" 3x3 is the 5-point stencil. */
vfx_status vfx__kernel_values(const char *name, float width, float height, int normalize,
                              float **v_out, int32_t *w_out, int32_t *h_out);
/** 2-D correlation of @p in with the w x h kernel @p k (copied) whose top-left tap is at
 *  offset (kx0, ky0), times @p scale; clamped edges, RoD = the input's (op_convolve.c). */
vfx_status vfx__convolve_new(vfx_image *in, const float *k, int32_t w, int32_t h, int32_t kx0,
                             int32_t ky0, float scale, vfx_rect rod, vfx_image **out);
/** OIIO reads an image clamped to its display window, and black where the display window
 *  has no data: @p in made exactly its display window that way (a new reference; @p in
 *  itself when data == display). Filters then clamp at its RoD (op_resize.c). */
vfx_status vfx__pad_to_display(vfx_image *in, vfx_image **ready);
/* --fit:exact=1: the scale-and-offset warp into @p box (op_warp.c). */
vfx_status vfx__fit_exact(vfx_image *in, vfx_rect box, float scale, float xoff, float yoff,
                          const char *filter, float xr, float yr, vfx_image **out);

#endif
