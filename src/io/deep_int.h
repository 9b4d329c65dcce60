/* Private layout of a vfx_deep (include/vfx/deep.h), shared by the EXR deep reader / writer
 * (src/io/exr_deep.c) and the deep ops (src/ops/op_deep.c). */
#ifndef VFX_DEEP_INT_H
#define VFX_DEEP_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "core/core_int.h"
#include "vfx/deep.h"

struct vfx_deep {
    _Atomic int32_t refs;
    vfx_spec        spec;       /* owned; spec.data = the pixels held */
    int32_t         w, h;       /* of spec.data */
    int32_t         n_channels;
    vfx_pixel_type *types;      /* per channel: HALF, F32 or U32 (what the file stores) */
    uint32_t       *counts;     /* w * h samples per pixel, scanline order */
    int64_t        *offsets;    /* w * h + 1: first sample of each pixel in data[c] */
    int64_t         total;      /* offsets[w * h] */
    uint32_t        max_count;  /* largest counts[] */
    /* Per channel `total` 4-byte values: float bits (HALF and F32 channels, halves widened
     * exactly) or the uint32 itself (U32). */
    uint32_t      **data;
};

/** A zeroed deep image of @p spec's channels over spec->data, no samples yet: counts[] all 0,
 *  offsets / data not allocated. The spec is copied. */
vfx_status vfx__deep_new(const vfx_spec *spec, vfx_deep **out);
/** After counts[] are filled: offsets, total and max_count, then zeroed data arrays of
 *  total values per channel. VFX_ERR_LIMIT when total * n_channels > @p max_values. */
vfx_status vfx__deep_alloc_samples(vfx_deep *d, int64_t max_values);

/** Sample s of pixel index i (y * w + x), channel c, as float (U32 as integer value). */
static inline float
vfx__deep_get(const vfx_deep *d, int64_t i, int32_t c, uint32_t s)
{
    uint32_t v = d->data[c][d->offsets[i] + s];
    if (d->types[c] == VFX_PIXEL_U32)
        return (float) v;
    float f;
    memcpy(&f, &v, sizeof f);
    return f;
}

#endif
