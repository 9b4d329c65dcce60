/* Fuzz the OCIO config loader from memory, then compile every colour space to the first one and
 * every display/view, and run the processors on a few pixels. Files are never read: the
 * working directory is a path that does not exist, so FileTransforms fail cleanly. */
#include <stddef.h>
#include <stdint.h>

#include "vfx/vfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(vfx_color_processor *p)
{
    float px[4 * 3] = { 0.18f, 0.18f, 0.18f, 1.0f, -0.5f, 2.0f, 100.0f, 1.0f, 0.0f, 1.0f, 0.5f, 0.0f };
    (void) vfx_color_processor_apply_f32(p, px, 4, 0, 0, 3, 1);
    vfx_color_processor_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfx_ocio_config *c = NULL;
    if (size > (1u << 20))
        return 0;
    if (vfx_ocio_config_new_from_memory(data, size, "/nonexistent-vfx-fuzz", "fuzz.ocio", &c) != VFX_OK)
        return 0; /* a clean rejection is a pass */
    int32_t n = vfx_ocio_config_colorspace_count(c);
    for (int32_t i = 0; i < n && i < 64; i++) {
        vfx_color_processor *p = NULL;
        if (vfx_ocio_processor_new(c, vfx_ocio_config_colorspace_name(c, i), vfx_ocio_config_colorspace_name(c, 0),
                                   &p) == VFX_OK)
            run(p);
        if (vfx_ocio_processor_new(c, vfx_ocio_config_colorspace_name(c, 0), vfx_ocio_config_colorspace_name(c, i),
                                   &p) == VFX_OK)
            run(p);
    }
    for (int32_t d = 0; d < vfx_ocio_config_display_count(c) && d < 16; d++) {
        const char *dn = vfx_ocio_config_display_name(c, d);
        for (int32_t v = 0; v < vfx_ocio_config_view_count(c, dn) && v < 16; v++) {
            vfx_color_processor *p = NULL;
            if (n > 0 && vfx_ocio_display_processor_new(c, vfx_ocio_config_colorspace_name(c, 0), dn,
                                                        vfx_ocio_config_view_name(c, dn, v), NULL,
                                                        VFX_DIR_FORWARD, &p) == VFX_OK)
                run(p);
        }
    }
    for (int32_t l = 0; l < vfx_ocio_config_look_count(c) && l < 16 && n > 0; l++) {
        vfx_color_processor *p = NULL;
        if (vfx_ocio_look_processor_new(c, vfx_ocio_config_colorspace_name(c, 0),
                                        vfx_ocio_config_colorspace_name(c, n - 1),
                                        vfx_ocio_config_look_name(c, l), &p) == VFX_OK)
            run(p);
    }
    vfx_ocio_config_free(c);
    return 0;
}
