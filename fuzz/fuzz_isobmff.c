/* Fuzz the hand-written ISO-BMFF helpers of the AVIF / HEIF plugins (fmt_whole.c): the
 * clli / mdcv box walk, the ftyp brand checks and the EXIF payload locator. */
#include <stdint.h>
#include <stdlib.h>

#include "io/fmt_whole.h"

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
    vfx__hdr_boxes b;
    vfx__isobmff_hdr_boxes(data, size, &b);
    if (b.has_clli && (b.clli[0] < 0 || b.clli[0] > 65535))
        abort(); /* a u16 field */
    (void) vfx__ftyp_has_brand(data, size, "avif");
    (void) vfx__ftyp_major(data, size, "heic");
    size_t n = 0;
    const uint8_t *t = vfx__exif_tiff_start(data, size, &n);
    if (t && (t < data || n > size || (size_t) (t - data) + n > size))
        abort(); /* the block must lie inside the input */
    vfx_attrs *a = NULL;
    if (vfx_attrs_new(&a) == VFX_OK) {
        (void) vfx__hdr_boxes_attrs(&b, a);
        if (t)
            (void) vfx__exif_parse(t, n, a);
        vfx_attrs_free(a);
    }
    return 0;
}
