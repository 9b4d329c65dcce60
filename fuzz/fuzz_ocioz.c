/* Fuzz the .ocioz (zip archive) config path: the bytes become a temporary .ocioz file (the
 * loader takes archives by path), which is loaded through minizip and our entry handling, then
 * every colour space is compiled to the first one. A clean rejection is a pass. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vfx/vfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/vfx-fuzz-%ld.ocioz", (long) getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    size_t wrote = fwrite(data, 1, size, f);
    fclose(f);
    vfx_ocio_config *c = NULL;
    if (wrote == size && vfx_ocio_config_new_from_file(path, &c) == VFX_OK) {
        int32_t n = vfx_ocio_config_colorspace_count(c);
        for (int32_t i = 0; i < n && i < 32; i++) {
            vfx_color_processor *p = NULL;
            if (vfx_ocio_processor_new(c, vfx_ocio_config_colorspace_name(c, i),
                                       vfx_ocio_config_colorspace_name(c, 0), &p) == VFX_OK) {
                float px[4] = { 0.18f, -0.5f, 2.0f, 1.0f };
                (void) vfx_color_processor_apply_f32(p, px, 4, 0, 0, 1, 1);
                vfx_color_processor_free(p);
            }
        }
        vfx_ocio_config_free(c);
    }
    remove(path);
    return 0;
}
