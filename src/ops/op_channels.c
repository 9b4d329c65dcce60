/* channels: select, reorder, rename and fill channels (oiiotool --ch semantics). Each output
 * channel is either an input channel (by index) or a constant. Not pointwise in the engine's
 * sense (the channel count changes), but cheap: one pass over the tile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op_int.h"
#include "vfx/ops.h"

typedef struct channels_params {
    int32_t n_out;
    int32_t src[64];   /* input channel index, or -1 for a constant */
    float   value[64]; /* the constant where src is -1 */
} channels_params;

static vfx_status
channels_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const channels_params *p = vfx__node_params(n);
    (void) scratch;
    int32_t nci = in[0]->n_channels, nco = out->n_channels;
    int64_t w = vfx_rect_width(out->rect);
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int64_t x = 0; x < w; x++, a += nci, q += nco)
            for (int32_t c = 0; c < nco; c++)
                q[c] = p->src[c] >= 0 ? a[p->src[c]] : p->value[c];
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_channels = {
    sizeof(vfx_op_class), "channels", 0, sizeof(channels_params),
    NULL, NULL, channels_render, NULL, NULL, NULL, NULL, NULL
};

/* One item of the list: "R", "2" (an index), "=0.5", "newname=R", "A=1.0". */
static vfx_status
parse_item(const vfx_channels *ic, const char *item, int pos, char *name, size_t cap,
           int32_t *src, float *value)
{
    const char *eq = strchr(item, '=');
    const char *rhs = eq ? eq + 1 : item;
    size_t      nlen = eq ? (size_t) (eq - item) : strlen(item);
    if (nlen >= cap)
        return vfx__fail(VFX_ERR_ARG, "channels: name too long in '%s'", item);
    memcpy(name, item, nlen);
    name[nlen] = 0;
    *src = vfx_channels_find(ic, rhs);
    *value = 0;
    if (*src < 0 && *rhs >= '0' && *rhs <= '9' && strspn(rhs, "0123456789") == strlen(rhs) &&
        strlen(rhs) < 6 && atoi(rhs) < vfx_channels_count(ic))
    {
        *src = atoi(rhs); /* a channel index, as oiiotool: "2,0,1" (named as that channel) */
        if (!eq)
            nlen = 0;
    }
    if (*src < 0) {
        char *end;
        double v = strtod(rhs, &end);
        if (end == rhs || *end)
            return vfx__fail(VFX_ERR_NOT_FOUND, "channels: no channel '%s'", rhs);
        *value = (float) v;
    }
    if (nlen == 0) {
        if (*src < 0) /* "=0.5": a constant named by its position, as oiiotool */
            return snprintf(name, cap, "channel%d", pos) > 0 ? VFX_OK : VFX_ERR_ARG;
        vfx_channel_info ci;
        VFX_TRY(vfx_channels_get(ic, *src, &ci));
        snprintf(name, cap, "%s", ci.name);
    }
    return VFX_OK;
}

vfx_status
vfx_image_channels(vfx_image *in, const char *list, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "channels: out is NULL");
    *out = NULL;
    if (!in || !list || !*list)
        return vfx__fail(VFX_ERR_ARG, "channels: NULL input or empty list");
    const vfx_spec *is = vfx_image_spec(in);
    channels_params p;
    memset(&p, 0, sizeof p);
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, is);
    vfx_channels *oc = NULL;
    if (s == VFX_OK)
        s = vfx_channels_new(&oc);
    const char *c = list;
    while (s == VFX_OK && *c) {
        char   item[300], name[256];
        size_t len = strcspn(c, ",");
        if (len >= sizeof item || p.n_out >= 64) {
            s = vfx__fail(VFX_ERR_ARG, "channels: list too long");
            break;
        }
        memcpy(item, c, len);
        item[len] = 0;
        c += len + (c[len] == ',');
        int32_t src = -1;
        float   v = 0;
        s = parse_item(is->channels, item, (int) p.n_out, name, sizeof name, &src, &v);
        if (s != VFX_OK)
            break;
        vfx_pixel_type t = VFX_PIXEL_F32;
        if (src >= 0) {
            vfx_channel_info ci;
            vfx_channels_get(is->channels, src, &ci);
            t = ci.type;
        } else if (vfx_channels_count(is->channels) > 0) {
            vfx_channel_info ci;
            vfx_channels_get(is->channels, 0, &ci);
            t = ci.type;
        }
        s = vfx_channels_add(oc, name, t, 1, 1);
        p.src[p.n_out] = src;
        p.value[p.n_out] = v;
        p.n_out++;
    }
    if (s == VFX_OK) {
        vfx_channels_free(spec.channels);
        spec.channels = oc;
        oc = NULL;
        s = vfx__node_new(&vfx__op_channels, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_channels_free(oc);
    vfx_spec_clear(&spec);
    return s;
}
