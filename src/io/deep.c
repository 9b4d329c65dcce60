/* vfx_deep: the container (allocation, reference counting, accessors). The EXR reader and
 * writer are in exr_deep.c, the deep ops in src/ops/op_deep.c. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "io/deep_int.h"

vfx_status
vfx__deep_new(const vfx_spec *spec, vfx_deep **out)
{
    *out = NULL;
    if (!spec || !spec->channels || vfx_rect_is_empty(spec->data) ||
        vfx_rect_is_infinite(spec->data))
        return vfx__fail(VFX_ERR_ARG, "deep: no channels or empty data window");
    int64_t w = vfx_rect_width(spec->data), h = vfx_rect_height(spec->data);
    int32_t nc = vfx_channels_count(spec->channels);
    if (nc < 1 || w > INT32_MAX || h > INT32_MAX || w * h > vfx_max_pixels())
        return vfx__fail(VFX_ERR_LIMIT, "deep: %" PRId64 " x %" PRId64 " pixels, %d channels",
                         w, h, (int) nc);
    vfx_deep *d = vfx__calloc(1, sizeof *d);
    if (!d)
        return vfx__nomem();
    atomic_init(&d->refs, 1);
    d->w = (int32_t) w;
    d->h = (int32_t) h;
    d->n_channels = nc;
    vfx_status s = vfx_spec_copy(&d->spec, spec);
    if (s == VFX_OK) {
        d->types = vfx__calloc((size_t) nc, sizeof *d->types);
        d->data = vfx__calloc((size_t) nc, sizeof *d->data);
        d->counts = vfx__calloc((size_t) (w * h), sizeof *d->counts);
        if (!d->types || !d->data || !d->counts)
            s = vfx__nomem();
    }
    for (int32_t c = 0; s == VFX_OK && c < nc; c++) {
        vfx_channel_info ci;
        s = vfx_channels_get(spec->channels, c, &ci);
        if (s == VFX_OK)
            d->types[c] = ci.type == VFX_PIXEL_HALF || ci.type == VFX_PIXEL_U32 ? ci.type
                                                                             : VFX_PIXEL_F32;
    }
    if (s != VFX_OK) {
        vfx_deep_unref(d);
        return s;
    }
    *out = d;
    return VFX_OK;
}

vfx_status
vfx__deep_alloc_samples(vfx_deep *d, int64_t max_values)
{
    int64_t n = (int64_t) d->w * d->h;
    if (max_values <= 0)
        max_values = VFX_DEEP_DEFAULT_MAX_VALUES;
    vfx__free(d->offsets);
    d->offsets = vfx__alloc((size_t) (n + 1) * sizeof *d->offsets);
    if (!d->offsets)
        return vfx__nomem();
    int64_t t = 0;
    uint32_t mx = 0;
    for (int64_t i = 0; i < n; i++) {
        d->offsets[i] = t;
        t += d->counts[i];
        if (d->counts[i] > mx)
            mx = d->counts[i];
        if (t > max_values / d->n_channels)
            return vfx__fail(VFX_ERR_LIMIT,
                             "deep: more than %" PRId64 " samples x %d channels (the limit "
                             "is %" PRId64 " values)",
                             t, (int) d->n_channels, max_values);
    }
    d->offsets[n] = t;
    d->total = t;
    d->max_count = mx;
    for (int32_t c = 0; c < d->n_channels; c++) {
        vfx__free(d->data[c]);
        d->data[c] = vfx__calloc((size_t) VFX__MAX(t, 1), sizeof(uint32_t));
        if (!d->data[c])
            return vfx__nomem();
    }
    return VFX_OK;
}

vfx_deep *
vfx_deep_ref(vfx_deep *d)
{
    if (d)
        atomic_fetch_add(&d->refs, 1);
    return d;
}

void
vfx_deep_unref(vfx_deep *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    if (d->data)
        for (int32_t c = 0; c < d->n_channels; c++)
            vfx__free(d->data[c]);
    vfx__free(d->data);
    vfx__free(d->types);
    vfx__free(d->counts);
    vfx__free(d->offsets);
    vfx_spec_clear(&d->spec);
    vfx__free(d);
}

const vfx_spec *
vfx_deep_spec(const vfx_deep *d)
{
    return d ? &d->spec : NULL;
}

uint32_t
vfx_deep_samples(const vfx_deep *d, int32_t x, int32_t y)
{
    if (!d || !vfx_rect_contains_point(d->spec.data, x, y))
        return 0;
    return d->counts[(int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0)];
}

int64_t
vfx_deep_total_samples(const vfx_deep *d)
{
    return d ? d->total : 0;
}

uint32_t
vfx_deep_value_u32(const vfx_deep *d, int32_t x, int32_t y, int32_t c, uint32_t s)
{
    if (!d || c < 0 || c >= d->n_channels || s >= vfx_deep_samples(d, x, y))
        return 0;
    int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
    return d->data[c][d->offsets[i] + s];
}

float
vfx_deep_value(const vfx_deep *d, int32_t x, int32_t y, int32_t c, uint32_t s)
{
    if (!d || c < 0 || c >= d->n_channels || s >= vfx_deep_samples(d, x, y))
        return 0.0f;
    int64_t i = (int64_t) (y - d->spec.data.y0) * d->w + (x - d->spec.data.x0);
    return vfx__deep_get(d, i, c, s);
}
