/* Transfer functions: encode (linear -> signal) and decode (signal -> linear).
 *
 * Constants come from the published specifications cited at each function; the formulas are
 * written out here from those documents. Every function is defined on all reals (see the
 * contract in include/vfx/color.h); NaN in gives NaN out. */
#include <float.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "color/color_int.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static double
mirror_pow(double x, double g)
{
    return x < 0.0 ? -pow(-x, g) : pow(x, g);
}

/* ---- sRGB: IEC 61966-2-1:1999, mirrored for negatives ------------------------------------- */

static double
srgb_encode(double x)
{
    double a = fabs(x);
    double y = a <= 0.0031308 ? 12.92 * a : 1.055 * pow(a, 1.0 / 2.4) - 0.055;
    return x < 0.0 ? -y : y;
}

static double
srgb_decode(double v)
{
    double a = fabs(v);
    double y = a <= 0.04045 ? a / 12.92 : pow((a + 0.055) / 1.055, 2.4);
    return v < 0.0 ? -y : y;
}

/* ---- BT.709 OETF: ITU-R BT.709-6 item 1.2 (1.099 L^0.45 - 0.099 above 0.018), mirrored -- */

static double
bt709_encode(double x)
{
    double a = fabs(x);
    double y = a < 0.018 ? 4.5 * a : 1.099 * pow(a, 0.45) - 0.099;
    return x < 0.0 ? -y : y;
}

static double
bt709_decode(double v)
{
    double a = fabs(v);
    double y = a < 0.081 ? a / 4.5 : pow((a + 0.099) / 1.099, 1.0 / 0.45);
    return v < 0.0 ? -y : y;
}

/* ---- PQ: SMPTE ST 2084:2014 eq. 4/5. Linear 1.0 = 100 cd/m^2 (OCIO's convention), so
 *      linear 100 = 10000 cd/m^2 = signal 1.0. Mirrored for negatives. ---------------------- */

#define PQ_M1 (2610.0 / 16384.0)
#define PQ_M2 (2523.0 / 4096.0 * 128.0)
#define PQ_C1 (3424.0 / 4096.0)
#define PQ_C2 (2413.0 / 4096.0 * 32.0)
#define PQ_C3 (2392.0 / 4096.0 * 32.0)

static double
pq_encode(double x)
{
    double y = fabs(x) / 100.0; /* relative to 10000 cd/m^2 */
    double p = pow(y, PQ_M1);
    double v = pow((PQ_C1 + PQ_C2 * p) / (1.0 + PQ_C3 * p), PQ_M2);
    return x < 0.0 ? -v : v;
}

static double
pq_decode(double v)
{
    double p = pow(fabs(v), 1.0 / PQ_M2);
    double num = p - PQ_C1;
    if (num < 0.0)
        num = 0.0;
    double y = 100.0 * pow(num / (PQ_C2 - PQ_C3 * p), 1.0 / PQ_M1);
    return v < 0.0 ? -y : y;
}

/* ---- HLG: ITU-R BT.2100-2 table 5 (OETF, scene light E in [0, 1]), mirrored -------------- */

#define HLG_A 0.17883277
#define HLG_B (1.0 - 4.0 * HLG_A)
#define HLG_C (0.5 - HLG_A * log(4.0 * HLG_A))

static double
hlg_encode(double x)
{
    double a = fabs(x);
    double y = a <= 1.0 / 12.0 ? sqrt(3.0 * a) : HLG_A * log(12.0 * a - HLG_B) + HLG_C;
    return x < 0.0 ? -y : y;
}

static double
hlg_decode(double v)
{
    double a = fabs(v);
    double y = a <= 0.5 ? a * a / 3.0 : (exp((a - HLG_C) / HLG_A) + HLG_B) / 12.0;
    return v < 0.0 ? -y : y;
}

/* ---- ACEScc: Academy S-2014-003 section 4.4 ----------------------------------------------- */

static double
acescc_encode(double x)
{
    if (x <= 0.0)
        return (-16.0 + 9.72) / 17.52; /* log2(2^-16) */
    if (x < 0x1p-15)
        return (log2(0x1p-16 + x * 0.5) + 9.72) / 17.52;
    return (log2(x) + 9.72) / 17.52;
}

static double
acescc_decode(double v)
{
    if (v < (9.72 - 15.0) / 17.52)
        return (exp2(v * 17.52 - 9.72) - 0x1p-16) * 2.0;
    if (v < (log2(65504.0) + 9.72) / 17.52)
        return exp2(v * 17.52 - 9.72);
    return 65504.0;
}

/* ---- ACEScct: Academy S-2016-001 section 4.4 ---------------------------------------------- */

#define CCT_X_BRK 0.0078125
#define CCT_Y_BRK 0.155251141552511
#define CCT_A 10.5402377416545
#define CCT_B 0.0729055341958355

static double
acescct_encode(double x)
{
    return x <= CCT_X_BRK ? CCT_A * x + CCT_B : (log2(x) + 9.72) / 17.52;
}

static double
acescct_decode(double v)
{
    return v <= CCT_Y_BRK ? (v - CCT_B) / CCT_A : exp2(v * 17.52 - 9.72);
}

/* ---- ACESproxy 10-bit: Academy S-2013-001 section 4.3, without the integer rounding ------- */

static double
acesproxy10_encode(double x)
{
    double cv;
    if (x <= exp2(-9.72))
        cv = 64.0;
    else
        cv = (log2(x) + 2.5) * 50.0 + 425.0;
    cv = cv < 64.0 ? 64.0 : cv > 940.0 ? 940.0 : cv;
    return cv / 1023.0;
}

static double
acesproxy10_decode(double v)
{
    double cv = v * 1023.0;
    cv = cv < 64.0 ? 64.0 : cv > 940.0 ? 940.0 : cv;
    return exp2((cv - 425.0) / 50.0 - 2.5);
}

/* ---- ARRI LogC3, SUP 3.x "linear scene exposure factor" parameters for each EI, from ARRI's
 *      "ALEXA Log C Curve - Usage in VFX" (2012), table of cut, a, b, c, d, e, f. ------------ */

typedef struct logc3_params {
    int32_t ei;
    double  cut, a, b, c, d, e, f;
} logc3_params;

static const logc3_params LOGC3[] = {
    { 160, 0.005561, 5.555556, 0.080216, 0.269036, 0.381991, 5.842037, 0.092778 },
    { 200, 0.006208, 5.555556, 0.076621, 0.266007, 0.382478, 5.776265, 0.092782 },
    { 250, 0.006871, 5.555556, 0.072941, 0.262978, 0.382966, 5.710494, 0.092786 },
    { 320, 0.007622, 5.555556, 0.068768, 0.259627, 0.383508, 5.637732, 0.092791 },
    { 400, 0.008318, 5.555556, 0.064901, 0.256598, 0.383999, 5.571960, 0.092795 },
    { 500, 0.009031, 5.555556, 0.060939, 0.253569, 0.384493, 5.506188, 0.092800 },
    { 640, 0.009840, 5.555556, 0.056443, 0.250219, 0.385040, 5.433426, 0.092805 },
    { 800, 0.010591, 5.555556, 0.052272, 0.247190, 0.385537, 5.367655, 0.092809 },
    { 1000, 0.011361, 5.555556, 0.047996, 0.244161, 0.386036, 5.301883, 0.092814 },
    { 1280, 0.012235, 5.555556, 0.043137, 0.240810, 0.386590, 5.229121, 0.092819 },
    { 1600, 0.013047, 5.555556, 0.038625, 0.237781, 0.387093, 5.163350, 0.092824 },
};

static const logc3_params *
logc3_of(vfx_transfer tf)
{
    switch (tf) {
    case VFX_TRANSFER_LOGC3_EI160: return &LOGC3[0];
    case VFX_TRANSFER_LOGC3_EI200: return &LOGC3[1];
    case VFX_TRANSFER_LOGC3_EI250: return &LOGC3[2];
    case VFX_TRANSFER_LOGC3_EI320: return &LOGC3[3];
    case VFX_TRANSFER_LOGC3_EI400: return &LOGC3[4];
    case VFX_TRANSFER_LOGC3_EI500: return &LOGC3[5];
    case VFX_TRANSFER_LOGC3_EI640: return &LOGC3[6];
    case VFX_TRANSFER_LOGC3_EI1000: return &LOGC3[8];
    case VFX_TRANSFER_LOGC3_EI1280: return &LOGC3[9];
    case VFX_TRANSFER_LOGC3_EI1600: return &LOGC3[10];
    default: return &LOGC3[7];
    }
}

static double
logc3_encode(const logc3_params *q, double x)
{
    return x > q->cut ? q->c * log10(q->a * x + q->b) + q->d : q->e * x + q->f;
}

static double
logc3_decode(const logc3_params *q, double v)
{
    /* The published constants are rounded to 6 digits, so the two pieces meet only to ~1e-6;
     * splitting at e * cut + f keeps decode an exact inverse of the linear piece. */
    return v > q->e * q->cut + q->f ? (pow(10.0, (v - q->d) / q->c) - q->b) / q->a
                                    : (v - q->f) / q->e;
}

/* ---- ARRI LogC4: "ARRI LogC4 Logarithmic Color Space SPECIFICATION" (2022), section 3 ------ */

#define LC4_A ((262144.0 - 16.0) / 117.45)
#define LC4_B ((1023.0 - 95.0) / 1023.0)
#define LC4_C (95.0 / 1023.0)

static double
logc4_s(void)
{
    return 7.0 * log(2.0) * exp2(7.0 - 14.0 * LC4_C / LC4_B) / (LC4_A * LC4_B);
}

static double
logc4_t(void)
{
    return (exp2(14.0 * (-LC4_C / LC4_B) + 6.0) - 64.0) / LC4_A;
}

static double
logc4_encode(double x)
{
    double t = logc4_t();
    return x >= t ? (log2(LC4_A * x + 64.0) - 6.0) / 14.0 * LC4_B + LC4_C : (x - t) / logc4_s();
}

static double
logc4_decode(double v)
{
    return v >= 0.0 ? (exp2(14.0 * (v - LC4_C) / LC4_B + 6.0) - 64.0) / LC4_A
                    : v * logc4_s() + logc4_t();
}

/* ---- Sony S-Log2: Sony "S-Log2 Technical Summary" (2012). Scene linear x is reflectance
 *      * 0.9 ... the curve takes reflection r = x / 0.9 (so 0.18 -> code 347); output is the
 *      full-range normalisation of the legal-range (64..940) signal. Below 0 the published
 *      linear toe is used. ------------------------------------------------------------------ */

static double
slog2_encode(double x)
{
    double r = x / 0.9 * 155.0 / 219.0;
    double y = r >= 0.0 ? 0.432699 * log10(r + 0.037584) + 0.616596 + 0.03
                        : r * 5.0 + 0.030001222851889303;
    return (y * 876.0 + 64.0) / 1023.0;
}

static double
slog2_decode(double v)
{
    double y = (v * 1023.0 - 64.0) / 876.0;
    double r = y >= 0.030001222851889303 ? pow(10.0, (y - 0.616596 - 0.03) / 0.432699) - 0.037584
                                          : (y - 0.030001222851889303) / 5.0;
    return r * 219.0 / 155.0 * 0.9;
}

/* ---- Sony S-Log3: "Technical Summary for S-Gamut3.Cine/S-Log3 and S-Gamut3/S-Log3" (Sony) - */

static double
slog3_encode(double x)
{
    if (x >= 0.01125)
        return (420.0 + log10((x + 0.01) / (0.18 + 0.01)) * 261.5) / 1023.0;
    return (x * (171.2102946929 - 95.0) / 0.01125 + 95.0) / 1023.0;
}

static double
slog3_decode(double v)
{
    if (v >= 171.2102946929 / 1023.0)
        return pow(10.0, (v * 1023.0 - 420.0) / 261.5) * (0.18 + 0.01) - 0.01;
    return (v * 1023.0 - 95.0) * 0.01125 / (171.2102946929 - 95.0);
}

/* ---- Panasonic V-Log: "V-Log/V-Gamut Reference manual" (Panasonic, 2014) ------------------ */

#define VLOG_B 0.00873
#define VLOG_C 0.241514
#define VLOG_D 0.598206

static double
vlog_encode(double x)
{
    return x < 0.01 ? 5.6 * x + 0.125 : VLOG_C * log10(x + VLOG_B) + VLOG_D;
}

static double
vlog_decode(double v)
{
    return v < 0.181 ? (v - 0.125) / 5.6 : pow(10.0, (v - VLOG_D) / VLOG_C) - VLOG_B;
}

/* ---- RED Log3G10 (IPP2, "White Paper on REDWideGamutRGB and Log3G10", 2017): a = 0.224282,
 *      b = 155.975327, c = 0.01, g = 15.1927 -------------------------------------------------- */

static double
log3g10_encode(double x)
{
    x += 0.01;
    return x < 0.0 ? x * 15.1927 : 0.224282 * log10(x * 155.975327 + 1.0);
}

static double
log3g10_decode(double v)
{
    double x = v < 0.0 ? v / 15.1927 : (pow(10.0, v / 0.224282) - 1.0) / 155.975327;
    return x - 0.01;
}

/* ---- Cineon (Kodak "Conversion of 10-bit log film data to 8-bit linear or video data"):
 *      code = 685 + 300 log10(x (1 - black) + black), black = 10^((95 - 685) / 300).
 *      REDLogFilm is the same curve (RED: black 95, white 685, gamma 0.6). ------------------ */

static double
cineon_black(void)
{
    return pow(10.0, (95.0 - 685.0) / 300.0);
}

static double
cineon_encode(double x)
{
    double k = cineon_black();
    double arg = x * (1.0 - k) + k;
    if (arg < 1e-30)
        arg = 1e-30; /* below the pole: clamp (documented) */
    return (685.0 + 300.0 * log10(arg)) / 1023.0;
}

static double
cineon_decode(double v)
{
    double k = cineon_black();
    return (pow(10.0, (v * 1023.0 - 685.0) / 300.0) - k) / (1.0 - k);
}

/* ---- Blackmagic Film Generation 5: "Blackmagic Generation 5 Color Science" (2021) -------- */

#define BMD_A 0.08692876065
#define BMD_B 0.005494072432
#define BMD_C 0.5300133392
#define BMD_D 8.283605932
#define BMD_E 0.09246575342
#define BMD_LIN_CUT 0.005

static double
bmd_gen5_encode(double x)
{
    return x < BMD_LIN_CUT ? BMD_D * x + BMD_E : BMD_A * log(x + BMD_B) + BMD_C;
}

static double
bmd_gen5_decode(double v)
{
    return v < BMD_D * BMD_LIN_CUT + BMD_E ? (v - BMD_E) / BMD_D : exp((v - BMD_C) / BMD_A) - BMD_B;
}

/* ---- DaVinci Intermediate: "DaVinci Resolve 17 Wide Gamut Intermediate" (Blackmagic 2020) - */

#define DI_A 0.0075
#define DI_B 7.0
#define DI_C 0.07329248
#define DI_M 10.44426855
#define DI_LIN_CUT 0.00262409
#define DI_LOG_CUT 0.02740668

static double
davinci_encode(double x)
{
    return x <= DI_LIN_CUT ? x * DI_M : (log2(x + DI_A) + DI_B) * DI_C;
}

static double
davinci_decode(double v)
{
    return v <= DI_LOG_CUT ? v / DI_M : exp2(v / DI_C - DI_B) - DI_A;
}

/* ---- Canon Log 2 and Canon Log 3: Canon "Canon Log Gamma Curves, Description of the Canon
 *      Log, Canon Log 2 and Canon Log 3" v1.2 (2018). The formulas give a legal-range signal
 *      ("IRE" 0..1 over codes 64..940) from reflection x / 0.9; we output the full-range
 *      normalised code (code / 1023), as OCIO's Canon built-ins expect. --------------------- */

static double
legal_to_full(double y)
{
    return (y * 876.0 + 64.0) / 1023.0;
}

static double
full_to_legal(double v)
{
    return (v * 1023.0 - 64.0) / 876.0;
}

static double
clog2_encode(double x)
{
    double r = x / 0.9;
    double y = r < 0.0 ? -(0.281863093 * log10(-r * 87.09937546 + 1.0)) + 0.035388128
                       : 0.281863093 * log10(r * 87.09937546 + 1.0) + 0.035388128;
    return legal_to_full(y);
}

static double
clog2_decode(double v)
{
    double y = full_to_legal(v);
    double r = y < 0.035388128 ? -(pow(10.0, (0.035388128 - y) / 0.281863093) - 1.0) / 87.09937546
                               : (pow(10.0, (y - 0.035388128) / 0.281863093) - 1.0) / 87.09937546;
    return r * 0.9;
}

/* Canon Log 3: a log section each side of a short linear segment. The reflection breaks are
 * where the segments are specified to meet (-0.014 and 0.014 in reflection, from the decode
 * thresholds 0.04076162 and 0.105357102). */

static double
clog3_encode(double x)
{
    double r = x / 0.9;
    double y;
    if (r < -0.014)
        y = -0.42889912 * log10(-r * 14.98325 + 1.0) + 0.07623209;
    else if (r <= 0.014)
        y = 2.3069815 * r + 0.073059361;
    else
        y = 0.42889912 * log10(r * 14.98325 + 1.0) + 0.069886632;
    return legal_to_full(y);
}

static double
clog3_decode(double v)
{
    double y = full_to_legal(v);
    double r;
    if (y < 0.04076162)
        r = -(pow(10.0, (0.07623209 - y) / 0.42889912) - 1.0) / 14.98325;
    else if (y <= 0.105357102)
        r = (y - 0.073059361) / 2.3069815;
    else
        r = (pow(10.0, (y - 0.069886632) / 0.42889912) - 1.0) / 14.98325;
    return r * 0.9;
}

/* ---- Apple Log: "Apple Log Profile White Paper" (Apple, 2023) ----------------------------- */

#define ALOG_R0 (-0.05641088)
#define ALOG_RT 0.01
#define ALOG_C 47.28711236
#define ALOG_BETA 0.00964052
#define ALOG_GAMMA 0.08550479
#define ALOG_DELTA 0.69336945

static double
apple_log_encode(double x)
{
    if (x >= ALOG_RT)
        return ALOG_GAMMA * log2(x + ALOG_BETA) + ALOG_DELTA;
    if (x >= ALOG_R0)
        return ALOG_C * (x - ALOG_R0) * (x - ALOG_R0);
    return 0.0;
}

static double
apple_log_decode(double v)
{
    double pt = ALOG_C * (ALOG_RT - ALOG_R0) * (ALOG_RT - ALOG_R0);
    if (v >= pt)
        return exp2((v - ALOG_DELTA) / ALOG_GAMMA) - ALOG_BETA;
    if (v >= 0.0)
        return sqrt(v / ALOG_C) + ALOG_R0;
    return ALOG_R0;
}

/* ---- table ------------------------------------------------------------------------------ */

static const struct {
    const char *name;
    int         bijective;
} TF_INFO[VFX_TRANSFER_COUNT] = {
    [VFX_TRANSFER_LINEAR] = { "linear", 1 },
    [VFX_TRANSFER_SRGB] = { "srgb", 1 },
    [VFX_TRANSFER_GAMMA_1_8] = { "gamma1.8", 1 },
    [VFX_TRANSFER_GAMMA_2_2] = { "gamma2.2", 1 },
    [VFX_TRANSFER_GAMMA_2_4] = { "gamma2.4", 1 },
    [VFX_TRANSFER_GAMMA_2_6] = { "gamma2.6", 1 },
    [VFX_TRANSFER_GAMMA_2_0] = { "gamma2.0", 1 },
    [VFX_TRANSFER_BT709] = { "bt709", 1 },
    [VFX_TRANSFER_BT1886] = { "bt1886", 1 },
    [VFX_TRANSFER_PQ] = { "pq", 1 },
    [VFX_TRANSFER_HLG] = { "hlg", 1 },
    [VFX_TRANSFER_ACESCC] = { "acescc", 0 },
    [VFX_TRANSFER_ACESCCT] = { "acescct", 1 },
    [VFX_TRANSFER_ACESPROXY10] = { "acesproxy10", 0 },
    [VFX_TRANSFER_LOGC3] = { "logc3_ei800", 1 },
    [VFX_TRANSFER_LOGC4] = { "logc4", 1 },
    [VFX_TRANSFER_SLOG2] = { "slog2", 1 },
    [VFX_TRANSFER_SLOG3] = { "slog3", 1 },
    [VFX_TRANSFER_VLOG] = { "vlog", 1 },
    [VFX_TRANSFER_LOG3G10] = { "log3g10", 1 },
    [VFX_TRANSFER_REDLOGFILM] = { "redlogfilm", 0 },
    [VFX_TRANSFER_BMD_FILM_GEN5] = { "bmdfilm_gen5", 1 },
    [VFX_TRANSFER_DAVINCI_INTERMEDIATE] = { "davinci_intermediate", 1 },
    [VFX_TRANSFER_CANON_LOG2] = { "canonlog2", 1 },
    [VFX_TRANSFER_CANON_LOG3] = { "canonlog3", 1 },
    [VFX_TRANSFER_CINEON] = { "cineon", 0 },
    [VFX_TRANSFER_APPLE_LOG] = { "applelog", 0 },
    [VFX_TRANSFER_LOGC3_EI160] = { "logc3_ei160", 1 },
    [VFX_TRANSFER_LOGC3_EI200] = { "logc3_ei200", 1 },
    [VFX_TRANSFER_LOGC3_EI250] = { "logc3_ei250", 1 },
    [VFX_TRANSFER_LOGC3_EI320] = { "logc3_ei320", 1 },
    [VFX_TRANSFER_LOGC3_EI400] = { "logc3_ei400", 1 },
    [VFX_TRANSFER_LOGC3_EI500] = { "logc3_ei500", 1 },
    [VFX_TRANSFER_LOGC3_EI640] = { "logc3_ei640", 1 },
    [VFX_TRANSFER_LOGC3_EI1000] = { "logc3_ei1000", 1 },
    [VFX_TRANSFER_LOGC3_EI1280] = { "logc3_ei1280", 1 },
    [VFX_TRANSFER_LOGC3_EI1600] = { "logc3_ei1600", 1 },
};

static int
tf_valid(vfx_transfer tf)
{
    return (int) tf >= 0 && (int) tf < VFX_TRANSFER_COUNT;
}

const char *
vfx_transfer_name(vfx_transfer tf)
{
    return tf_valid(tf) ? TF_INFO[tf].name : NULL;
}

vfx_status
vfx_transfer_from_name(const char *name, vfx_transfer *out)
{
    if (!name || !out)
        return vfx__fail(VFX_ERR_ARG, "transfer: NULL argument");
    if (strcasecmp(name, "logc3") == 0) {
        *out = VFX_TRANSFER_LOGC3;
        return VFX_OK;
    }
    for (int i = 0; i < VFX_TRANSFER_COUNT; i++) {
        if (strcasecmp(name, TF_INFO[i].name) == 0) {
            *out = (vfx_transfer) i;
            return VFX_OK;
        }
    }
    return vfx__fail(VFX_ERR_NOT_FOUND, "transfer: unknown transfer function '%s'", name);
}

int
vfx_transfer_is_bijective(vfx_transfer tf)
{
    return tf_valid(tf) ? TF_INFO[tf].bijective : 0;
}

vfx_status
vfx_transfer_logc3_for_ei(int32_t ei, vfx_transfer *out)
{
    static const vfx_transfer by_index[] = {
        VFX_TRANSFER_LOGC3_EI160, VFX_TRANSFER_LOGC3_EI200,  VFX_TRANSFER_LOGC3_EI250,
        VFX_TRANSFER_LOGC3_EI320, VFX_TRANSFER_LOGC3_EI400,  VFX_TRANSFER_LOGC3_EI500,
        VFX_TRANSFER_LOGC3_EI640, VFX_TRANSFER_LOGC3,        VFX_TRANSFER_LOGC3_EI1000,
        VFX_TRANSFER_LOGC3_EI1280, VFX_TRANSFER_LOGC3_EI1600,
    };
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "transfer: NULL argument");
    for (size_t i = 0; i < VFX__COUNTOF(LOGC3); i++) {
        if (LOGC3[i].ei == ei) {
            *out = by_index[i];
            return VFX_OK;
        }
    }
    return vfx__fail(VFX_ERR_ARG, "transfer: no LogC3 curve for EI %d (160..1600)", (int) ei);
}

static int
is_logc3(vfx_transfer tf)
{
    return tf == VFX_TRANSFER_LOGC3 || (tf >= VFX_TRANSFER_LOGC3_EI160 && tf <= VFX_TRANSFER_LOGC3_EI1600);
}

double
vfx_transfer_encode(vfx_transfer tf, double x)
{
    if (is_logc3(tf))
        return logc3_encode(logc3_of(tf), x);
    switch (tf) {
    case VFX_TRANSFER_LINEAR: return x;
    case VFX_TRANSFER_SRGB: return srgb_encode(x);
    case VFX_TRANSFER_GAMMA_1_8: return mirror_pow(x, 1.0 / 1.8);
    case VFX_TRANSFER_GAMMA_2_2: return mirror_pow(x, 1.0 / 2.2);
    case VFX_TRANSFER_GAMMA_2_4: return mirror_pow(x, 1.0 / 2.4);
    case VFX_TRANSFER_GAMMA_2_6: return mirror_pow(x, 1.0 / 2.6);
    case VFX_TRANSFER_GAMMA_2_0: return x < 0.0 ? -sqrt(-x) : sqrt(x);
    case VFX_TRANSFER_BT709: return bt709_encode(x);
    case VFX_TRANSFER_BT1886: return mirror_pow(x, 1.0 / 2.4);
    case VFX_TRANSFER_PQ: return pq_encode(x);
    case VFX_TRANSFER_HLG: return hlg_encode(x);
    case VFX_TRANSFER_ACESCC: return acescc_encode(x);
    case VFX_TRANSFER_ACESCCT: return acescct_encode(x);
    case VFX_TRANSFER_ACESPROXY10: return acesproxy10_encode(x);
    case VFX_TRANSFER_LOGC4: return logc4_encode(x);
    case VFX_TRANSFER_SLOG2: return slog2_encode(x);
    case VFX_TRANSFER_SLOG3: return slog3_encode(x);
    case VFX_TRANSFER_VLOG: return vlog_encode(x);
    case VFX_TRANSFER_LOG3G10: return log3g10_encode(x);
    case VFX_TRANSFER_REDLOGFILM:
    case VFX_TRANSFER_CINEON: return cineon_encode(x);
    case VFX_TRANSFER_BMD_FILM_GEN5: return bmd_gen5_encode(x);
    case VFX_TRANSFER_DAVINCI_INTERMEDIATE: return davinci_encode(x);
    case VFX_TRANSFER_CANON_LOG2: return clog2_encode(x);
    case VFX_TRANSFER_CANON_LOG3: return clog3_encode(x);
    case VFX_TRANSFER_APPLE_LOG: return apple_log_encode(x);
    default: return NAN;
    }
}

double
vfx_transfer_decode(vfx_transfer tf, double v)
{
    if (is_logc3(tf))
        return logc3_decode(logc3_of(tf), v);
    switch (tf) {
    case VFX_TRANSFER_LINEAR: return v;
    case VFX_TRANSFER_SRGB: return srgb_decode(v);
    case VFX_TRANSFER_GAMMA_1_8: return mirror_pow(v, 1.8);
    case VFX_TRANSFER_GAMMA_2_2: return mirror_pow(v, 2.2);
    case VFX_TRANSFER_GAMMA_2_4: return mirror_pow(v, 2.4);
    case VFX_TRANSFER_GAMMA_2_6: return mirror_pow(v, 2.6);
    case VFX_TRANSFER_GAMMA_2_0: return v < 0.0 ? -v * v : v * v;
    case VFX_TRANSFER_BT709: return bt709_decode(v);
    case VFX_TRANSFER_BT1886: return mirror_pow(v, 2.4);
    case VFX_TRANSFER_PQ: return pq_decode(v);
    case VFX_TRANSFER_HLG: return hlg_decode(v);
    case VFX_TRANSFER_ACESCC: return acescc_decode(v);
    case VFX_TRANSFER_ACESCCT: return acescct_decode(v);
    case VFX_TRANSFER_ACESPROXY10: return acesproxy10_decode(v);
    case VFX_TRANSFER_LOGC4: return logc4_decode(v);
    case VFX_TRANSFER_SLOG2: return slog2_decode(v);
    case VFX_TRANSFER_SLOG3: return slog3_decode(v);
    case VFX_TRANSFER_VLOG: return vlog_decode(v);
    case VFX_TRANSFER_LOG3G10: return log3g10_decode(v);
    case VFX_TRANSFER_REDLOGFILM:
    case VFX_TRANSFER_CINEON: return cineon_decode(v);
    case VFX_TRANSFER_BMD_FILM_GEN5: return bmd_gen5_decode(v);
    case VFX_TRANSFER_DAVINCI_INTERMEDIATE: return davinci_decode(v);
    case VFX_TRANSFER_CANON_LOG2: return clog2_decode(v);
    case VFX_TRANSFER_CANON_LOG3: return clog3_decode(v);
    case VFX_TRANSFER_APPLE_LOG: return apple_log_decode(v);
    default: return NAN;
    }
}

/* ---- f32 spans ------------------------------------------------------------------------------
 * The hot curves get f32 kernels written as plain loops the compiler can vectorise; the rest
 * go through the f64 scalar forms (exact, slower). */

/* GCC keeps FP selects as branches under its default -ftrapping-math (computing both sides
 * could raise a flag), which stops vectorisation. These kernels never rely on FP exception
 * flags, so they are compiled without that assumption. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

/* log2 / exp2 in f32 with ~2 ulp error over the normal range, branch-free so loops vectorise.
 * log2: split mantissa m in [sqrt(1/2), sqrt(2)), then a series in s = (m - 1) / (m + 1).
 * exp2: integer part into the exponent, fractional part by a degree-6 polynomial. */
static inline float
fast_log2f(float x)
{
    union { float f; uint32_t u; } v = { x };
    int32_t e = (int32_t) ((v.u >> 23) & 0xff) - 127;
    v.u = (v.u & 0x007fffffu) | 0x3f800000u; /* m in [1, 2) */
    float m = v.f;
    int32_t big = m > 1.41421356f; /* fold to [sqrt(1/2), sqrt(2)) */
    m *= big ? 0.5f : 1.0f;        /* selects of constants only: stays branch-free */
    e += big;
    float s = (m - 1.0f) / (m + 1.0f);
    float s2 = s * s;
    /* 2 atanh(s) / ln 2 = (2 / ln2) (s + s^3/3 + s^5/5 + s^7/7 + s^9/9) */
    float p = 0.1111111111f;
    p = p * s2 + 0.1428571429f;
    p = p * s2 + 0.2f;
    p = p * s2 + 0.3333333333f;
    p = p * s2 + 1.0f;
    return (float) e + s * p * 2.8853900818f;
}

static inline float
fast_exp2f(float x)
{
    x = x > -126.0f ? x : -126.0f; /* not fminf/fmaxf: those become calls */
    x = x < 127.0f ? x : 127.0f;
    /* nearest integer by the 1.5 * 2^23 trick (exact for |x| < 2^22; no float -> int -> float
     * round trip, which GCC's AVX2 if-conversion dislikes) */
    float fl = (x + 12582912.0f) - 12582912.0f;
    float f = x - fl; /* [-0.5, 0.5] */
    /* Taylor series of e^(f ln2) to degree 7: relative error < 1e-8 on [-0.5, 0.5] */
    float t = f * 0.6931471806f;
    float p = 1.0f / 5040.0f;
    p = p * t + 1.0f / 720.0f;
    p = p * t + 1.0f / 120.0f;
    p = p * t + 1.0f / 24.0f;
    p = p * t + 1.0f / 6.0f;
    p = p * t + 0.5f;
    p = p * t + 1.0f;
    p = p * t + 1.0f;
    union { float f; uint32_t u; } v;
    v.u = (uint32_t) ((int32_t) fl + 127) << 23;
    return p * v.f;
}

/* The span kernels compute every branch of a piecewise curve and select the result, so
 * loops contain no control flow and vectorise. */
VFX__MULTIVERSION static void
srgb_encode_span(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = fabsf(x);
        float lo = 12.92f * a;
        float hi = 1.055f * fast_exp2f(fast_log2f((a > 1e-30f ? a : 1e-30f)) * (1.0f / 2.4f)) - 0.055f;
        v[i] = copysignf(a <= 0.0031308f ? lo : hi, x);
    }
}

VFX__MULTIVERSION static void
srgb_decode_span(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = fabsf(x);
        float lo = a * (1.0f / 12.92f);
        float hi = fast_exp2f(fast_log2f((a + 0.055f) * (1.0f / 1.055f)) * 2.4f);
        v[i] = copysignf(a <= 0.04045f ? lo : hi, x);
    }
}

VFX__MULTIVERSION static void
mirror_pow_span(float *v, size_t n, float g)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = fabsf(x);
        float y = fast_exp2f(fast_log2f((a > 1e-30f ? a : 1e-30f)) * g);
        v[i] = copysignf(a > 0.0f ? y : 0.0f, x);
    }
}

VFX__MULTIVERSION static void
acescct_encode_span(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float lo = (float) CCT_A * x + (float) CCT_B;
        float hi = (fast_log2f((x > 1e-30f ? x : 1e-30f)) + 9.72f) * (1.0f / 17.52f);
        v[i] = x <= (float) CCT_X_BRK ? lo : hi;
    }
}

VFX__MULTIVERSION static void
acescct_decode_span(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float lo = (x - (float) CCT_B) * (float) (1.0 / CCT_A);
        float hi = fast_exp2f(x * 17.52f - 9.72f);
        v[i] = x <= (float) CCT_Y_BRK ? lo : hi;
    }
}

/* CLF monCurve on one channel (see k_moncurve in processor.c for the formulas); s is the
 * slope of the linear segment, xb / yb its end on the linear / curved side. */
VFX__MULTIVERSION static void
moncurve_fwd_span(float *v, size_t n, float g, float o, float s, float xb, int mirror)
{
    const float inv1o = 1.0f / (1.0f + o);
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = mirror ? fabsf(x) : x;
        float t = (a + o) * inv1o;
        float hi = fast_exp2f(fast_log2f(t > 1e-30f ? t : 1e-30f) * g);
        float y = a >= xb ? hi : a * s;
        v[i] = mirror ? copysignf(y, x) : y;
    }
}

VFX__MULTIVERSION static void
moncurve_rev_span(float *v, size_t n, float g, float o, float s, float yb, int mirror)
{
    const float inv_g = 1.0f / g, inv_s = 1.0f / s;
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = mirror ? fabsf(x) : x;
        float hi = (1.0f + o) * fast_exp2f(fast_log2f(a > 1e-30f ? a : 1e-30f) * inv_g) - o;
        float y = a >= yb ? hi : a * inv_s;
        v[i] = mirror ? copysignf(y, x) : y;
    }
}

/* LogAffine / LogCamera on one channel: y = ls log2(ms x + mo) / log2(base) + lo, with the
 * linear segment k x + ko at and below brk when camera is set (see k_log in processor.c). */
VFX__MULTIVERSION static void
log_fwd_span(float *v, size_t n, float ls_l2, float lo, float ms, float mo, int camera, float brk,
             float k, float ko)
{
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float arg = ms * x + mo;
        float y = ls_l2 * fast_log2f(arg > FLT_MIN ? arg : FLT_MIN) + lo;
        float lin = k * x + ko;
        v[i] = camera && x <= brk ? lin : y;
    }
}

VFX__MULTIVERSION static void
log_inv_span(float *v, size_t n, float inv_ls_l2, float lo, float inv_ms, float mo, int camera,
             float ybrk, float inv_k, float ko)
{
    for (size_t i = 0; i < n; i++) {
        float y = v[i];
        float x = (fast_exp2f((y - lo) * inv_ls_l2) - mo) * inv_ms;
        float lin = (y - ko) * inv_k;
        v[i] = camera && y <= ybrk ? lin : x;
    }
}

void
vfx__log_span(float *v, size_t n, double base, double ls, double lo, double ms, double mo,
              double brk, double k, int forward)
{
    int camera = isfinite(brk);
    double l2b = log2(base);
    double ko = camera ? ls * log2(ms * brk + mo) / l2b + lo - k * brk : 0.0;
    if (forward)
        log_fwd_span(v, n, (float) (ls / l2b), (float) lo, (float) ms, (float) mo, camera,
                     (float) (camera ? brk : 0.0), (float) (camera ? k : 0.0), (float) ko);
    else
        log_inv_span(v, n, (float) (l2b / ls), (float) lo, (float) (1.0 / ms), (float) mo, camera,
                     (float) (camera ? k * brk + ko : 0.0), (float) (camera ? 1.0 / k : 0.0),
                     (float) ko);
}

void
vfx__moncurve_span(float *v, size_t n, double gamma, double offset, int mirror, int forward)
{
    double s = (gamma - 1.0) / offset * pow(offset * gamma / ((gamma - 1.0) * (1.0 + offset)), gamma);
    double xb = offset / (gamma - 1.0);
    if (forward)
        moncurve_fwd_span(v, n, (float) gamma, (float) offset, (float) s, (float) xb, mirror);
    else
        moncurve_rev_span(v, n, (float) gamma, (float) offset, (float) s, (float) (xb * s), mirror);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

void
vfx__transfer_encode_span(vfx_transfer tf, float *v, size_t n)
{
    switch (tf) {
    case VFX_TRANSFER_LINEAR: return;
    case VFX_TRANSFER_SRGB: srgb_encode_span(v, n); return;
    case VFX_TRANSFER_GAMMA_1_8: mirror_pow_span(v, n, 1.0f / 1.8f); return;
    case VFX_TRANSFER_GAMMA_2_2: mirror_pow_span(v, n, 1.0f / 2.2f); return;
    case VFX_TRANSFER_GAMMA_2_4:
    case VFX_TRANSFER_BT1886: mirror_pow_span(v, n, 1.0f / 2.4f); return;
    case VFX_TRANSFER_GAMMA_2_6: mirror_pow_span(v, n, 1.0f / 2.6f); return;
    case VFX_TRANSFER_ACESCCT: acescct_encode_span(v, n); return;
    default:
        for (size_t i = 0; i < n; i++)
            v[i] = (float) vfx_transfer_encode(tf, (double) v[i]);
        return;
    }
}

void
vfx__transfer_decode_span(vfx_transfer tf, float *v, size_t n)
{
    switch (tf) {
    case VFX_TRANSFER_LINEAR: return;
    case VFX_TRANSFER_SRGB: srgb_decode_span(v, n); return;
    case VFX_TRANSFER_GAMMA_1_8: mirror_pow_span(v, n, 1.8f); return;
    case VFX_TRANSFER_GAMMA_2_2: mirror_pow_span(v, n, 2.2f); return;
    case VFX_TRANSFER_GAMMA_2_4:
    case VFX_TRANSFER_BT1886: mirror_pow_span(v, n, 2.4f); return;
    case VFX_TRANSFER_GAMMA_2_6: mirror_pow_span(v, n, 2.6f); return;
    case VFX_TRANSFER_ACESCCT: acescct_decode_span(v, n); return;
    default:
        for (size_t i = 0; i < n; i++)
            v[i] = (float) vfx_transfer_decode(tf, (double) v[i]);
        return;
    }
}

static vfx_status
span(vfx_transfer tf, const float *src, float *dst, size_t n, int encode)
{
    if (!tf_valid(tf))
        return vfx__fail(VFX_ERR_ARG, "transfer: unknown transfer function %d", (int) tf);
    if (n == 0)
        return VFX_OK;
    if (!src || !dst)
        return vfx__fail(VFX_ERR_ARG, "transfer: NULL buffer");
    if (src != dst)
        memmove(dst, src, n * sizeof(float));
    if (encode)
        vfx__transfer_encode_span(tf, dst, n);
    else
        vfx__transfer_decode_span(tf, dst, n);
    return VFX_OK;
}

vfx_status
vfx_transfer_encode_f32(vfx_transfer tf, const float *src, float *dst, size_t n)
{
    return span(tf, src, dst, n, 1);
}

vfx_status
vfx_transfer_decode_f32(vfx_transfer tf, const float *src, float *dst, size_t n)
{
    return span(tf, src, dst, n, 0);
}
