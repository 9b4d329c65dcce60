/* OpenColorIO configs: load v1 and v2 configs (from a path, a string or $OCIO), list and query
 * their colour spaces, roles, displays, views and looks, and compile conversions into colour
 * processors (vfx/color.h). A built-in default config is used when nothing else is given.
 *
 * Conventions
 * - Names are matched as OpenColorIO does: case-insensitively, and a colour space may be named
 *   by its name, one of its aliases, or a role.
 * - A config is immutable once loaded, except for vfx_ocio_config_set_context(), which must
 *   happen before the config is shared between threads. Every other call is thread-safe.
 * - Strings returned by the query functions are borrowed, valid until the config is freed. */
#ifndef VFX_OCIO_H
#define VFX_OCIO_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/status.h"
#include "vfx/color.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vfx_ocio_config vfx_ocio_config; /* opaque */

/* ---- loading ------------------------------------------------------------------------------- */

/** Load the config file at @p path, or an .ocioz archive (a zip with config.ocio at its root
 *  and the LUTs under it, read into memory). Relative LUT paths resolve against its folder.
 *  @return VFX_OK, VFX_ERR_IO, VFX_ERR_CORRUPT ("path:line:column: what" for YAML errors,
 *  unknown transforms and references to undefined colour spaces), VFX_ERR_UNSUPPORTED (a
 *  profile version other than 1 or 2.x). *out is NULL on error. Release with
 *  vfx_ocio_config_free(). */
VFX_API vfx_status vfx_ocio_config_new_from_file(const char *path, vfx_ocio_config **out);
/** Load a config from @p size bytes of YAML text (copied). @p working_dir (may be NULL: the
 *  current directory) is where relative search paths start; @p name (may be NULL) names the
 *  text in error messages. */
VFX_API vfx_status vfx_ocio_config_new_from_memory(const void *text, size_t size,
                                                   const char *working_dir, const char *name,
                                                   vfx_ocio_config **out);
/** The config of $OCIO when it is set and not empty, else the built-in default config. */
VFX_API vfx_status vfx_ocio_config_new_from_env(vfx_ocio_config **out);
/** The built-in default config (see vfx_ocio_builtin_config_text()). */
VFX_API vfx_status vfx_ocio_config_new_builtin(vfx_ocio_config **out);
/** The YAML text of the built-in default config (static storage). Does not fail. */
VFX_API const char *vfx_ocio_builtin_config_text(void);
/** Release; accepts NULL. */
VFX_API void       vfx_ocio_config_free(vfx_ocio_config *cfg);

/** Set a context variable ($SHOT, ${SEQ}) for this config, overriding the process
 *  environment and the config's `environment` defaults. Not thread-safe (see above). */
VFX_API vfx_status vfx_ocio_config_set_context(vfx_ocio_config *cfg, const char *key,
                                               const char *value);
/** Expand $NAME and ${NAME} in @p s with the context into @p buf (cap bytes, NUL-terminated).
 *  Unknown variables are left as they are. @return VFX_ERR_LIMIT when @p buf is too small. */
VFX_API vfx_status vfx_ocio_config_expand(const vfx_ocio_config *cfg, const char *s, char *buf,
                                          size_t cap);
/** Find the file a FileTransform names: context expanded, then absolute paths as they are, else
 *  each search_path entry in order (relative entries start at the working directory), or the
 *  working directory itself when there is no search path (as OCIO 2.1). For an .ocioz archive
 *  the working directory is the archive (its path), and the result names a file inside it
 *  ("<archive>/<member>"). @return VFX_ERR_NOT_FOUND. */
VFX_API vfx_status vfx_ocio_config_resolve_file(const vfx_ocio_config *cfg, const char *src,
                                                char *buf, size_t cap);

/* ---- queries ------------------------------------------------------------------------------- */

/** ocio_profile_version: major 1 or 2, minor 0.. */
VFX_API int32_t     vfx_ocio_config_version_major(const vfx_ocio_config *cfg);
VFX_API int32_t     vfx_ocio_config_version_minor(const vfx_ocio_config *cfg);
/** "name" and "description" of the config ("" when absent). */
VFX_API const char *vfx_ocio_config_name(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_description(const vfx_ocio_config *cfg);
/** The working directory (the config file's folder). */
VFX_API const char *vfx_ocio_config_working_dir(const vfx_ocio_config *cfg);

/** Every colour space (scene-referred ones first, then display_colorspaces, each in file
 *  order), including inactive ones. Out-of-range @p i gives NULL. */
VFX_API int32_t     vfx_ocio_config_colorspace_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_colorspace_name(const vfx_ocio_config *cfg, int32_t i);
/** Index of the colour space named (or aliased, or role-named) @p name, or -1. */
VFX_API int32_t     vfx_ocio_config_colorspace_index(const vfx_ocio_config *cfg, const char *name);
/** 1 when colour space @p i is listed in inactive_colorspaces / $OCIO_INACTIVE_COLORSPACES. */
VFX_API int         vfx_ocio_config_colorspace_is_active(const vfx_ocio_config *cfg, int32_t i);

/** What the config says about one colour space. Strings are borrowed ("" when absent). */
typedef struct vfx_ocio_colorspace_info {
    const char *name;
    const char *family;
    const char *description;
    const char *encoding;    /**< v2: "scene-linear", "log", "sdr-video", "data"... */
    int32_t     isdata;      /**< data spaces are never converted */
    int32_t     is_display;  /**< 1 for display_colorspaces (display-referred) */
    int32_t     n_aliases;
    int32_t     has_to_reference, has_from_reference;
} vfx_ocio_colorspace_info;
/** @return VFX_ERR_NOT_FOUND for an unknown name. */
VFX_API vfx_status  vfx_ocio_config_colorspace_info(const vfx_ocio_config *cfg, const char *name,
                                                    vfx_ocio_colorspace_info *out);
/** Alias @p k of colour space @p i, or NULL. */
VFX_API const char *vfx_ocio_config_colorspace_alias(const vfx_ocio_config *cfg, int32_t i,
                                                     int32_t k);

/** Roles in file order; role_colorspace() gives the colour space a role names, or NULL when
 *  the role is not defined. */
VFX_API int32_t     vfx_ocio_config_role_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_role_name(const vfx_ocio_config *cfg, int32_t i);
VFX_API const char *vfx_ocio_config_role_colorspace(const vfx_ocio_config *cfg, const char *role);

/** Active displays (active_displays / $OCIO_ACTIVE_DISPLAYS order; all displays in file order
 *  when no list is set) and, per display, its active views. The first is the default. */
VFX_API int32_t     vfx_ocio_config_display_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_display_name(const vfx_ocio_config *cfg, int32_t i);
VFX_API const char *vfx_ocio_config_default_display(const vfx_ocio_config *cfg);
VFX_API int32_t     vfx_ocio_config_view_count(const vfx_ocio_config *cfg, const char *display);
VFX_API const char *vfx_ocio_config_view_name(const vfx_ocio_config *cfg, const char *display,
                                              int32_t i);
VFX_API const char *vfx_ocio_config_default_view(const vfx_ocio_config *cfg, const char *display);
/** viewing_rules: the active views of @p display meant for images in @p colorspace — views
 *  without a `rule`, and views whose rule lists the colour space (by name, alias or role) or
 *  its encoding — as OCIO's getViews(display, colorspace). Unknown names give 0 / NULL. */
VFX_API int32_t     vfx_ocio_config_view_count_for(const vfx_ocio_config *cfg, const char *display,
                                                   const char *colorspace);
VFX_API const char *vfx_ocio_config_view_name_for(const vfx_ocio_config *cfg, const char *display,
                                                  const char *colorspace, int32_t i);

typedef struct vfx_ocio_view_info {
    const char *name;
    const char *colorspace;     /**< v1 views and v2 views without a view transform */
    const char *view_transform; /**< v2, "" when none */
    const char *display_colorspace;
    const char *looks;          /**< "+grade, -shot" style list, "" when none */
    const char *description;
} vfx_ocio_view_info;
/** @return VFX_ERR_NOT_FOUND for an unknown display or view. */
VFX_API vfx_status  vfx_ocio_config_view_info(const vfx_ocio_config *cfg, const char *display,
                                              const char *view, vfx_ocio_view_info *out);

VFX_API int32_t     vfx_ocio_config_look_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_look_name(const vfx_ocio_config *cfg, int32_t i);
VFX_API int32_t     vfx_ocio_config_view_transform_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_view_transform_name(const vfx_ocio_config *cfg, int32_t i);

/** named_transforms (v2): transforms with a name but no reference space. In a conversion
 *  (vfx_ocio_processor_new()) a named transform can stand for the source, which applies it
 *  forward (a colour space destination is then ignored), and / or for the destination, which
 *  applies it inverse — as OpenColorIO 2.1 does; like OCIO's validation, a ColorSpaceTransform inside the
 *  config may not name one. Names and aliases match case-insensitively. */
VFX_API int32_t     vfx_ocio_config_named_transform_count(const vfx_ocio_config *cfg);
VFX_API const char *vfx_ocio_config_named_transform_name(const vfx_ocio_config *cfg, int32_t i);
typedef struct vfx_ocio_named_transform_info {
    const char *name, *family, *description, *encoding; /**< borrowed, "" when absent */
    int32_t     has_transform, has_inverse_transform;
} vfx_ocio_named_transform_info;
/** @return VFX_ERR_NOT_FOUND for an unknown name. */
VFX_API vfx_status  vfx_ocio_config_named_transform_info(const vfx_ocio_config *cfg, const char *name,
                                                         vfx_ocio_named_transform_info *out);

/** The colour space of an image file from its path, by the config's file_rules (glob pattern
 * and extension, regex, ColorSpaceNamePathSearch, Default). Configs without rules search the
 * path for colour-space names (v1 behaviour), then use the "default" role.
 * @return VFX_ERR_NOT_FOUND when no rule applies; *name_out is borrowed. */
VFX_API vfx_status  vfx_ocio_config_colorspace_from_path(const vfx_ocio_config *cfg, const char *path,
                                                         const char **name_out);

/** Check a loaded config as OpenColorIO's ociocheck does: the standard roles (scene_linear is
 *  an error when a v2 config lacks it, the others warnings), and that every colour space
 *  (its transforms and its conversion to scene_linear), look, display / view and named
 *  transform builds — LUT files found and readable, references defined. Each problem goes to
 *  @p fn (may be NULL) as one line, "file:line:column: ..." where the config has a place.
 *  Errors a config has at load (YAML syntax, undefined references) come from the loader
 *  instead. Features newer than OCIO 2.1 (.ocioz, profile versions 2.2+) are warnings.
 *  @return VFX_OK (the counts say the verdict) or VFX_ERR_ARG / VFX_ERR_NOMEM. */
typedef void (*vfx_ocio_check_fn)(void *ud, int is_error, const char *message);
/** vfx_ocio_config_check() flags: VFX_OCIO_CHECK_AS_OCIO21 makes what OpenColorIO 2.1 cannot
 *  load (.ocioz archives, ocio_profile_version 2.2 and later) errors, for ociocheck's verdict. */
#define VFX_OCIO_CHECK_AS_OCIO21 1u
VFX_API vfx_status vfx_ocio_config_check(const vfx_ocio_config *cfg, uint32_t flags, vfx_ocio_check_fn fn,
                                         void *ud, int32_t *n_errors_out, int32_t *n_warnings_out);

/* ---- processors ---------------------------------------------------------------------------- */

/** A processor converting colour space @p src to @p dst (names, aliases or roles) through the
 *  reference space(s). Data spaces give the identity. Either may be a named transform (see
 *  vfx_ocio_config_named_transform_count()). New processor (caller frees).
 *  @return VFX_ERR_NOT_FOUND (unknown space), VFX_ERR_IO / VFX_ERR_CORRUPT / VFX_ERR_UNSUPPORTED
 *  from LUT files and transforms vfx cannot express (message names the transform and its
 *  file:line:column). */
VFX_API vfx_status vfx_ocio_processor_new(const vfx_ocio_config *cfg, const char *src,
                                          const char *dst, vfx_color_processor **out);
/** The named transform @p name (or alias) in direction @p dir (FORWARD: its transform, or its
 *  inverse_transform inverted). @return VFX_ERR_NOT_FOUND for an unknown name. */
VFX_API vfx_status vfx_ocio_named_transform_processor_new(const vfx_ocio_config *cfg, const char *name,
                                                          vfx_direction dir, vfx_color_processor **out);
/** Like vfx_ocio_processor_new(), applying @p looks ("+a, -b"; NULL or "" for none) in their
 *  process spaces on the way. */
VFX_API vfx_status vfx_ocio_look_processor_new(const vfx_ocio_config *cfg, const char *src,
                                               const char *dst, const char *looks,
                                               vfx_color_processor **out);
/** @p src to a display and view. @p looks overrides the view's looks when not NULL ("" = no
 *  looks). VFX_DIR_INVERSE gives the display-to-@p src processor. */
VFX_API vfx_status vfx_ocio_display_processor_new(const vfx_ocio_config *cfg, const char *src,
                                                  const char *display, const char *view,
                                                  const char *looks, vfx_direction dir,
                                                  vfx_color_processor **out);

#ifdef __cplusplus
}
#endif
#endif
