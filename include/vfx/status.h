/* Status codes and the thread-local error message. */
#ifndef VFX_STATUS_H
#define VFX_STATUS_H

#include <stdint.h>
#include "vfx/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Every fallible function returns one of these. Fixed width, and the numbers never change. */
typedef int32_t vfx_status;

enum {
    VFX_OK              = 0,
    VFX_ERR_NOMEM       = 1,  /**< an allocation failed */
    VFX_ERR_ARG         = 2,  /**< a caller passed a bad argument */
    VFX_ERR_UNSUPPORTED = 3,  /**< valid, but not something vfx does (yet) */
    VFX_ERR_STATE       = 4,  /**< call made in the wrong state (e.g. init twice) */
    VFX_ERR_NOT_FOUND   = 5,  /**< a named thing (attribute, channel, colour space) is absent */
    VFX_ERR_IO          = 10, /**< the operating system said no (open, read, write, rename) */
    VFX_ERR_CORRUPT     = 11, /**< the bytes of a file are not what its format allows */
    VFX_ERR_LIMIT       = 12, /**< a size is over a configured limit */
    VFX_ERR_CANCELLED   = 20, /**< the job was cancelled */
    VFX_ERR_INTERNAL    = 90  /**< a broken invariant inside vfx: a bug, please report */
};

/** "VFX_ERR_CORRUPT" for VFX_ERR_CORRUPT; "VFX_ERR_UNKNOWN" for numbers not listed. Static storage. */
VFX_API const char *vfx_status_name(vfx_status s);

/** This thread's last error message, e.g. "exr: beauty.exr: chunk 12: invalid offset".
 *  Never NULL ("" when nothing failed). Valid until this thread's next failing vfx call. */
VFX_API const char *vfx_error_message(void);

/** Forget this thread's last message. Does not fail. */
VFX_API void vfx_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
