/* ramp: a linear ramp across the display window (pointwise generator). */
#include <string.h>

#include "ops/op_int.h"

typedef struct ramp_params {
    int32_t vertical, n_channels;
    double  origin, inv_len;
    float   se[]; /* start[n_channels] then end[n_channels] */
} ramp_params;

static void
ramp_row(const vfx_node *n, const float *in, float *out, int32_t x, int32_t y, int32_t n_px)
{
    const ramp_params *p = vfx__node_params(n);
    (void) in;
    int32_t nc = p->n_channels;
    const float *s = p->se, *e = p->se + nc;
    for (int32_t i = 0; i < n_px; i++) {
        double v = p->vertical ? (double) y : (double) x + i;
        float t = (float) ((v + 0.5 - p->origin) * p->inv_len);
        for (int32_t c = 0; c < nc; c++)
            out[(ptrdiff_t) i * nc + c] = s[c] + (e[c] - s[c]) * t;
    }
}

const vfx_op_class vfx__op_ramp = {
    sizeof(vfx_op_class), "ramp", VFX_OP_POINTWISE, sizeof(ramp_params),
    NULL, NULL, NULL, NULL, ramp_row, NULL, NULL, NULL
};

vfx_status
vfx_image_ramp(const vfx_spec *spec, int vertical, const float *start, const float *end,
               vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "ramp: out is NULL");
    *out = NULL;
    int32_t nc;
    VFX_TRY(vfx__check_gen_spec(spec, &nc));
    if (!start || !end)
        return vfx__fail(VFX_ERR_ARG, "ramp: NULL start or end");
    int64_t len = vertical ? vfx_rect_height(spec->display) : vfx_rect_width(spec->display);
    if (len < 1 || vfx_rect_is_infinite(spec->display))
        return vfx__fail(VFX_ERR_ARG, "ramp: the display window must be finite and not empty");
    size_t bytes = sizeof(ramp_params) + 2 * (size_t) nc * sizeof(float);
    ramp_params *p = vfx__alloc(bytes);
    if (!p)
        return vfx__nomem();
    p->vertical = vertical != 0;
    p->n_channels = nc;
    p->origin = vertical ? spec->display.y0 : spec->display.x0;
    p->inv_len = 1.0 / (double) len;
    memcpy(p->se, start, (size_t) nc * sizeof(float));
    memcpy(p->se + nc, end, (size_t) nc * sizeof(float));
    vfx_status s = vfx__node_new(&vfx__op_ramp, p, bytes, NULL, 0, spec, out);
    vfx__free(p);
    return s;
}
