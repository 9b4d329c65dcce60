/* vfx demo: a small real job end to end. A generated HDR test pattern in ACEScg goes through
 * the colour pipeline and is written as a scene-linear EXR and a display-referred image,
 * streaming, with what happened printed along the way. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_int.h"

static void
demo_help(FILE *out)
{
    fprintf(out, "usage: vfx demo [OUTDIR]   (default OUTDIR: out)\n\n"
                 "Generates a 1920x1080 HDR test pattern (colour ramp x soft checker, values up to 4)\n"
                 "in ACEScg, converts it to linear Rec.709 with the colour config ($OCIO, else\n"
                 "the built-in one) and writes OUTDIR/pattern_lin709.exr (half, ZIP), then\n"
                 "renders it for the sRGB display (view OpenDRT, else Standard) and writes\n"
                 "OUTDIR/pattern_srgb.png when PNG support is built in (else .tif / .exr).\n");
}

/* The pattern: a horizontal HDR colour ramp times a soft checker (a box blur of a checker,
 * which grows the RoI, so tiles really overlap). */
static vfx_status
make_pattern(int32_t w, int32_t h, vfx_image **out)
{
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_init_simple(&spec, w, h, "R,G,B,A", VFX_PIXEL_HALF);
    if (s == VFX_OK)
        s = vfx_attrs_set_string(spec.attrs, "colorspace", "ACEScg");
    const float start[4] = { 0.01f, 0.02f, 0.08f, 1.0f }, end[4] = { 4.0f, 1.6f, 0.4f, 1.0f };
    const float a[4] = { 0.25f, 0.25f, 0.25f, 1.0f }, b[4] = { 1.0f, 1.0f, 1.0f, 1.0f };
    vfx_image  *ramp = NULL, *chk = NULL, *soft = NULL;
    if (s == VFX_OK)
        s = vfx_image_ramp(&spec, 0, start, end, &ramp);
    if (s == VFX_OK)
        s = vfx_image_checker(&spec, 120, a, b, &chk);
    if (s == VFX_OK)
        s = vfx_image_box_blur(chk, 3, 3, VFX_EDGE_CLAMP, &soft);
    if (s == VFX_OK)
        s = vfx_image_arith(ramp, soft, VFX_ARITH_MUL, out);
    vfx_spec_clear(&spec);
    vfx_image_unref(ramp);
    vfx_image_unref(chk);
    vfx_image_unref(soft);
    return s;
}

static int
demo_run(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "out";
    mkdir(dir, 0777);
    char exr[4096], disp[4096];
    snprintf(exr, sizeof exr, "%s/pattern_lin709.exr", dir);
    const char *ext = vfx_format_from_extension("x.png") ? "png"
                      : vfx_format_from_extension("x.tif") ? "tif"
                                                            : "exr";
    snprintf(disp, sizeof disp, "%s/pattern_srgb.%s", dir, ext);

    double     t0 = cli_now();
    vfx_image *pat = NULL, *lin709 = NULL, *srgb = NULL;
    vfx_status s = make_pattern(1920, 1080, &pat);
    if (s != VFX_OK)
        return cli_fail("demo: pattern", s);
    printf("demo: generated a 1920x1080 RGBA test pattern in ACEScg (lazy: nothing computed yet)\n");

    /* the colour pipeline from the active config ($OCIO, else the built-in one) */
    vfx_ocio_config     *cfg = NULL;
    vfx_color_processor *to709 = NULL, *todisp = NULL;
    const char          *lin = "Linear Rec.709 (sRGB)";
    s = vfx_ocio_config_new_from_env(&cfg);
    if (s == VFX_OK && vfx_ocio_config_colorspace_index(cfg, "ACEScg") < 0) {
        vfx_ocio_config_free(cfg); /* $OCIO names other spaces: use the built-in config */
        cfg = NULL;
        s = vfx_ocio_config_new_builtin(&cfg);
    }
    if (s == VFX_OK)
        s = vfx_ocio_processor_new(cfg, "ACEScg", lin, &to709);
    if (s == VFX_OK)
        s = vfx_image_color(pat, to709, 0, lin, &lin709);
    /* the OpenDRT view (tone-mapped) when the config has it, else Standard */
    const char *view = "Standard";
    for (int32_t k = 0; s == VFX_OK && k < vfx_ocio_config_view_count(cfg, "sRGB"); k++)
        if (strcmp(vfx_ocio_config_view_name(cfg, "sRGB", k), "OpenDRT") == 0)
            view = "OpenDRT";
    if (s == VFX_OK)
        s = vfx_ocio_display_processor_new(cfg, lin, "sRGB", view, NULL, VFX_DIR_FORWARD, &todisp);
    if (s == VFX_OK)
        s = vfx_image_color(lin709, todisp, 0, "sRGB Encoded Rec.709 (sRGB)", &srgb);
    if (s == VFX_OK)
        printf("demo: colour config '%s': ACEScg -> %s -> display sRGB, view %s\n",
               vfx_ocio_config_name(cfg), lin, view);
    vfx_color_processor_free(to709);
    vfx_color_processor_free(todisp);
    vfx_ocio_config_free(cfg);
    vfx_image_unref(pat);
    if (s != VFX_OK) {
        vfx_image_unref(lin709);
        return cli_fail("demo: colour pipeline", s);
    }

    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.compression = "zip";
    wo.pixel_type = VFX_PIXEL_HALF;
    s = vfx_image_write(lin709, exr, &wo, NULL);
    if (s == VFX_OK) {
        printf("demo: wrote %s (scene-linear Rec.709, half, ZIP)\n", exr);
        vfx_write_options wd = VFX_WRITE_OPTIONS_INIT;
        wd.pixel_type = strcmp(ext, "exr") == 0 ? VFX_PIXEL_HALF : VFX_PIXEL_U8;
        s = vfx_image_write(srgb, disp, &wd, NULL);
        if (s == VFX_OK)
            printf("demo: wrote %s (sRGB display-referred, %s)\n", disp,
                   vfx_pixel_type_name(wd.pixel_type));
    }
    vfx_channel_stats st[4];
    if (s == VFX_OK)
        s = vfx_image_stats(srgb, NULL, st, 4);
    if (s == VFX_OK)
        printf("demo: display image R mean %.4f, G mean %.4f, B mean %.4f; %.2f s, peak RSS %.1f "
               "MiB, %d threads\n",
               st[0].mean, st[1].mean, st[2].mean, cli_now() - t0,
               (double) cli_peak_rss() / 1048576.0, (int) vfx_threads());
    vfx_image_unref(lin709);
    vfx_image_unref(srgb);
    if (s != VFX_OK)
        return cli_fail("demo", s);
    return 0;
}

const cli_command cli_cmd_demo = { "demo", "run a small end-to-end demo job into a folder",
                                   demo_run, demo_help };
