/* Image specs: windows plus an owned channel list and attribute set. */
#include "core/core_int.h"

vfx_status
vfx_spec_init_simple(vfx_spec *spec, int32_t width, int32_t height, const char *channel_names,
                     vfx_pixel_type type)
{
    if (!spec)
        return vfx__fail(VFX_ERR_ARG, "spec: NULL spec");
    *spec = (vfx_spec) VFX_SPEC_INIT;
    if (width < 0 || height < 0)
        return vfx__fail(VFX_ERR_ARG, "spec: negative size %d x %d", (int) width, (int) height);
    vfx_channels *c;
    VFX_TRY(vfx_channels_from_names(channel_names, type, &c));
    vfx_attrs *a;
    vfx_status st = vfx_attrs_new(&a);
    if (st != VFX_OK) {
        vfx_channels_free(c);
        return st;
    }
    spec->data = spec->display = vfx_rect_make(0, 0, width, height);
    spec->channels = c;
    spec->attrs = a;
    return VFX_OK;
}

vfx_status
vfx_spec_copy(vfx_spec *dst, const vfx_spec *src)
{
    if (!dst || !src)
        return vfx__fail(VFX_ERR_ARG, "spec: NULL spec");
    if (dst == src)
        return VFX_OK;
    vfx_spec s = VFX_SPEC_INIT;
    s.data = src->data;
    s.display = src->display;
    vfx_status st = VFX_OK;
    if (src->channels)
        st = vfx_channels_copy(src->channels, &s.channels);
    if (st == VFX_OK && src->attrs)
        st = vfx_attrs_copy(src->attrs, &s.attrs);
    if (st != VFX_OK) {
        vfx_spec_clear(&s);
        *dst = (vfx_spec) VFX_SPEC_INIT;
        return st;
    }
    *dst = s;
    return VFX_OK;
}

void
vfx_spec_clear(vfx_spec *spec)
{
    if (!spec)
        return;
    vfx_channels_free(spec->channels);
    vfx_attrs_free(spec->attrs);
    *spec = (vfx_spec) VFX_SPEC_INIT;
}
