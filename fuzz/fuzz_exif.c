/* Fuzz the hand-written EXIF reader shared by the PNG and JPEG plugins (fmt_util.c). */
#include <stdint.h>
#include <stdlib.h>

#include "io/fmt_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    return vfx_init(NULL) == VFX_OK ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfx_attrs *a = NULL;
    if (vfx_attrs_new(&a) != VFX_OK)
        return 0;
    /* as stored in JPEG (with the "Exif\0\0" prefix) and in PNG eXIf (without) */
    if (vfx__exif_parse(data, size, a) == VFX_OK) {
        /* every attribute must be readable */
        for (int32_t i = 0; i < vfx_attrs_count(a); i++) {
            const char *name;
            const vfx_attr_value *v;
            char buf[64];
            if (vfx_attrs_at(a, i, &name, &v) == VFX_OK)
                (void) vfx_attr_value_format(v, buf, sizeof buf);
        }
    }
    vfx_attrs_free(a);
    return 0;
}
