/* Built against the *installed* vfx only (pkg-config and find_package), by test_install.sh. */
#include <stdio.h>
#include <string.h>
#include <vfx/vfx.h>

int
main(void)
{
    vfx_rect r = vfx_rect_intersect(VFX_RECT_INFINITE, vfx_rect_make(0, 0, 640, 480));
    uint16_t h = vfx_float_to_half(0.18f);
    if (vfx_rect_area(r) != 640 * 480 || vfx_half_to_float(h) < 0.1799f)
        return 1;
    if (strcmp(vfx_version_string(), VFX_VERSION_STRING) != 0)
        return 1;
    printf("vfx %s installed and working\n", vfx_version_string());
    vfx_shutdown();
    return 0;
}
