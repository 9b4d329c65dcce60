/* The op registry, built from op_list.h. */
#include <string.h>

#include "ops/op_int.h"

static const vfx_op_class *const ops[] = {
#define VFX_OP(name) &vfx__op_##name,
#include "ops/op_list.h"
#undef VFX_OP
};

const vfx_op_class *
vfx__op_find(const char *name)
{
    for (size_t i = 0; i < VFX__COUNTOF(ops); i++)
        if (strcmp(ops[i]->name, name) == 0)
            return ops[i];
    return NULL;
}

int32_t
vfx__op_count(void)
{
    return (int32_t) VFX__COUNTOF(ops);
}

const vfx_op_class *
vfx__op_at(int32_t i)
{
    return (i >= 0 && (size_t) i < VFX__COUNTOF(ops)) ? ops[i] : NULL;
}
