/* VSF RGB's "gamma 2" integer codes, as the vsf reference crate computes them: scale by
 * 2^bits and truncate (so 1.0 encodes to the top code, which decodes just below 1). */
#include <math.h>

#include "color/color_int.h"
#include "vfx/spectral.h"

static double
encode_scaled(double linear, double scale, double top)
{
    if (!(linear > 0.0)) /* negatives and NaN */
        return 0.0;
    double v = floor(sqrt(linear) * scale);
    return v > top ? top : v;
}

uint8_t
vfx_vsf_encode_u8(double linear)
{
    return (uint8_t) encode_scaled(linear, 256.0, 255.0);
}

double
vfx_vsf_decode_u8(uint8_t v)
{
    double x = v / 256.0;
    return x * x;
}

uint16_t
vfx_vsf_encode_u16(double linear)
{
    return (uint16_t) encode_scaled(linear, 65536.0, 65535.0);
}

double
vfx_vsf_decode_u16(uint16_t v)
{
    double x = v / 65536.0;
    return x * x;
}
