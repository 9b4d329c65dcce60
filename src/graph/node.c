/* Nodes: creation (RoD at build time, as libvips build()), reference counting, accessors. */
#include <string.h>

#include "graph/graph_int.h"

vfx_status
vfx__check_gen_spec(const vfx_spec *spec, int32_t *n_channels_out)
{
    if (!spec || !spec->channels)
        return vfx__fail(VFX_ERR_ARG, "generator: spec without channels");
    int32_t nc = vfx_channels_count(spec->channels);
    if (nc < 1)
        return vfx__fail(VFX_ERR_ARG, "generator: spec has no channels");
    if (vfx_rect_is_empty(spec->data))
        return vfx__fail(VFX_ERR_ARG, "generator: empty data window");
    *n_channels_out = nc;
    return VFX_OK;
}

/* Free one node whose count reached zero; returns its inputs for the caller to release. */
static void
node_destroy(vfx_node *n)
{
    vfx__cache_drop_node(n);
    if (n->params && n->op->free_params)
        n->op->free_params(n->params);
    vfx__free(n->params);
    vfx_spec_clear(&n->spec);
    pthread_mutex_destroy(&n->seq_lock);
}

vfx_status
vfx__node_new(const vfx_op_class *op, const void *params, size_t params_bytes,
              vfx_node *const *inputs, int32_t n_inputs, const vfx_spec *spec, vfx_node **out)
{
    *out = NULL;
    vfx_status s = VFX_OK;
    vfx_node  *n = NULL;
    if (n_inputs < 0 || n_inputs > VFX__MAX_INPUTS)
        s = vfx__fail(VFX_ERR_INTERNAL, "%s: %d inputs", op->name, (int) n_inputs);
    for (int32_t k = 0; s == VFX_OK && k < n_inputs; k++)
        if (!inputs[k])
            s = vfx__fail(VFX_ERR_ARG, "%s: input %d is NULL", op->name, (int) k);
    if (s == VFX_OK && !spec && n_inputs == 0)
        s = vfx__fail(VFX_ERR_INTERNAL, "%s: no spec and no input", op->name);
    if (s == VFX_OK)
        s = vfx__ensure_init();
    if (s == VFX_OK && !(n = vfx__calloc(1, sizeof *n)))
        s = vfx__nomem();
    if (s != VFX_OK) {
        /* the node takes ownership of what the params own, even when it fails */
        if (params && op->free_params)
            op->free_params((void *) params);
        return s;
    }
    vfx_spec blank = VFX_SPEC_INIT;
    n->spec = blank;
    n->op = op;
    if (pthread_mutex_init(&n->seq_lock, NULL) != 0) {
        vfx__free(n);
        if (params && op->free_params)
            op->free_params((void *) params);
        return vfx__fail(VFX_ERR_INTERNAL, "%s: mutex init failed", op->name);
    }
    atomic_init(&n->refs, 1);
    atomic_init(&n->computed, 0);
    atomic_init(&n->users, 0);
    if (params_bytes) {
        n->params = vfx__alloc(params_bytes);
        if (!n->params) {
            /* the node takes ownership of what the params own, even when it fails */
            if (op->free_params)
                op->free_params((void *) params);
            s = vfx__nomem();
            goto fail;
        }
        memcpy(n->params, params, params_bytes);
    }
    s = vfx_spec_copy(&n->spec, spec ? spec : &inputs[0]->spec);
    if (s != VFX_OK)
        goto fail;
    n->n_channels = n->spec.channels ? vfx_channels_count(n->spec.channels) : 0;
    if (n->n_channels < 1) {
        s = vfx__fail(VFX_ERR_ARG, "%s: no channels", op->name);
        goto fail;
    }
    for (int32_t k = 0; k < n_inputs; k++)
        n->inputs[k] = vfx_image_ref(inputs[k]);
    n->n_inputs = n_inputs;
    n->gen_data = n->spec.data;

    if (op->rod) {
        s = op->rod(n, &n->rod);
        if (s != VFX_OK)
            goto fail;
    } else {
        n->rod = n_inputs ? inputs[0]->rod : n->gen_data;
    }
    if ((op->flags & VFX_OP_POINTWISE) && n_inputs == 1 &&
        !vfx_rect_contains(inputs[0]->rod, n->rod)) {
        s = vfx__fail(VFX_ERR_INTERNAL, "%s: pointwise RoD outside its input's", op->name);
        goto fail;
    }
    if ((op->flags & VFX_OP_POINTWISE) && (n_inputs > 1 || !op->row)) {
        s = vfx__fail(VFX_ERR_INTERNAL, "%s: pointwise ops take <= 1 input and give row()",
                      op->name);
        goto fail;
    }
    n->spec.data = n->rod;

    n->tiling = (vfx__tiling){ VFX__TILE_DEFAULT, VFX__TILE_DEFAULT, 0, 0 };
    if (op->tiling)
        op->tiling(n, &n->tiling);
    if (n->tiling.w < 1 || n->tiling.h < 1) {
        s = vfx__fail(VFX_ERR_INTERNAL, "%s: bad tiling", op->name);
        goto fail;
    }
    for (int32_t k = 0; k < n_inputs; k++)
        atomic_fetch_add_explicit(&inputs[k]->users, 1, memory_order_relaxed);
    *out = n;
    return VFX_OK;
fail:
    node_destroy(n);
    for (int32_t k = 0; k < n->n_inputs; k++)
        vfx_image_unref(n->inputs[k]);
    vfx__free(n);
    return s;
}

vfx_image *
vfx_image_ref(vfx_image *im)
{
    if (im)
        atomic_fetch_add_explicit(&im->refs, 1, memory_order_relaxed);
    return im;
}

void
vfx_image_unref(vfx_image *im)
{
    /* Iterative along input 0 so long chains do not use deep recursion. */
    while (im) {
        if (atomic_fetch_sub_explicit(&im->refs, 1, memory_order_acq_rel) != 1)
            return;
        node_destroy(im);
        for (int32_t k = 0; k < im->n_inputs; k++)
            atomic_fetch_sub_explicit(&im->inputs[k]->users, 1, memory_order_relaxed);
        vfx_image *next = im->n_inputs > 0 ? im->inputs[0] : NULL;
        for (int32_t k = 1; k < im->n_inputs; k++)
            vfx_image_unref(im->inputs[k]);
        vfx__free(im);
        im = next;
    }
}

const vfx_spec *
vfx_image_spec(const vfx_image *im)
{
    return &im->spec;
}

vfx_rect
vfx_image_rod(const vfx_image *im)
{
    return im->rod;
}

int32_t
vfx_image_n_channels(const vfx_image *im)
{
    return im->n_channels;
}

const char *
vfx_image_op_name(const vfx_image *im)
{
    return im->op->name;
}

int32_t
vfx_image_n_inputs(const vfx_image *im)
{
    return im->n_inputs;
}

vfx_image *
vfx_image_input(const vfx_image *im, int32_t k)
{
    return (k >= 0 && k < im->n_inputs) ? im->inputs[k] : NULL;
}

const void *
vfx__node_params(const vfx_node *n)
{
    return n->params;
}

const vfx_node *
vfx__node_input(const vfx_node *n, int32_t k)
{
    return n->inputs[k];
}

vfx_rect
vfx__node_rod(const vfx_node *n)
{
    return n->rod;
}

int32_t
vfx__node_channels(const vfx_node *n)
{
    return n->n_channels;
}

const vfx_spec *
vfx__node_spec(const vfx_node *n)
{
    return &n->spec;
}

int64_t
vfx__node_tiles_computed(const vfx_node *n)
{
    return atomic_load(&n->computed);
}
