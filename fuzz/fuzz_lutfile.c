/* Fuzz the LUT file readers (src/color/lutfile.c, clf.c) from memory. The first byte picks the
 * format (low 3 bits; bit 5: clf, or ctf with bit 0 too; bit 6: csp; bit 7: the formats of
 * the second table, .itx .look .mga .m3d .cub .vf .lut), whether a cccid "0"
 * is passed (bit 3) and the 3D interpolation (bit 4); the rest is the file. A file that
 * parses is also applied to a few colours, inverted when it can be, and optimised. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "vfx/vfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[8] = { "cube", "spi1d", "spi3d", "spimtx",
                                            "3dl",  "cc",    "ccc",   "cdl" };
    static const char *const formats2[8] = { "itx", "look", "mga", "m3d",
                                             "cub", "vf",   "lut", "lut" };
    if (size < 1)
        return 0;
    const char *fmt = (data[0] & 128)  ? formats2[data[0] & 7]
                      : (data[0] & 64) ? "csp"
                      : (data[0] & 32) ? ((data[0] & 1) ? "ctf" : "clf")
                                       : formats[data[0] & 7];
    const char *cccid = (data[0] & 8) ? "0" : NULL;
    vfx_color_processor *p = NULL;
    if (vfx_color_processor_new_from_memory(data + 1, size - 1, fmt, "fuzz", cccid,
                                            (data[0] & 16) ? VFX_INTERP_TETRAHEDRAL : VFX_INTERP_LINEAR,
                                            &p) != VFX_OK)
        return 0;
    float px[4 * 4] = { 0, 0, 0, 1, 1, 1, 1, 1, -1, 0.5f, 2, 1, NAN, INFINITY, -INFINITY, 1 };
    vfx_color_processor_apply_f32(p, px, 4, 0, 0, 4, 1);
    vfx_color_processor *q = NULL;
    if (vfx_color_processor_inverse(p, &q) == VFX_OK) {
        vfx_color_processor_apply_f32(q, px, 4, 0, 0, 4, 1);
        vfx_color_processor_free(q);
    }
    vfx_color_processor_optimize(p);
    vfx_color_processor_apply_f32(p, px, 4, 0, 0, 4, 1);
    vfx_color_processor_free(p);
    return 0;
}
