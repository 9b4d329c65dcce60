#include "core/core_int.h"

const char *
vfx_version_string(void)
{
    return VFX_VERSION_STRING;
}

int
vfx_version_number(void)
{
    return VFX_VERSION_NUMBER;
}
