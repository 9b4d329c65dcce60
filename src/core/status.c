/* Status names and the thread-local error message. */
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"

static _Thread_local char tls_msg[VFX__ERROR_MAX];

const char *
vfx_status_name(vfx_status s)
{
    switch (s) {
    case VFX_OK: return "VFX_OK";
    case VFX_ERR_NOMEM: return "VFX_ERR_NOMEM";
    case VFX_ERR_ARG: return "VFX_ERR_ARG";
    case VFX_ERR_UNSUPPORTED: return "VFX_ERR_UNSUPPORTED";
    case VFX_ERR_STATE: return "VFX_ERR_STATE";
    case VFX_ERR_NOT_FOUND: return "VFX_ERR_NOT_FOUND";
    case VFX_ERR_IO: return "VFX_ERR_IO";
    case VFX_ERR_CORRUPT: return "VFX_ERR_CORRUPT";
    case VFX_ERR_LIMIT: return "VFX_ERR_LIMIT";
    case VFX_ERR_CANCELLED: return "VFX_ERR_CANCELLED";
    case VFX_ERR_INTERNAL: return "VFX_ERR_INTERNAL";
    default: return "VFX_ERR_UNKNOWN";
    }
}

const char *
vfx_error_message(void)
{
    return tls_msg;
}

void
vfx_error_clear(void)
{
    tls_msg[0] = 0;
}

vfx_status
vfx__failv(vfx_status code, const char *fmt, va_list ap)
{
    vsnprintf(tls_msg, sizeof tls_msg, fmt, ap);
    return code;
}

vfx_status
vfx__fail(vfx_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfx__failv(code, fmt, ap);
    va_end(ap);
    return code;
}

void
vfx__error_prefix(const char *fmt, ...)
{
    char    prefix[VFX__ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    size_t plen = VFX__MIN((size_t) n, sizeof prefix - 1);
    size_t mlen = strlen(tls_msg);
    if (plen + mlen >= sizeof tls_msg)
        mlen = sizeof tls_msg - 1 - plen;
    memmove(tls_msg + plen, tls_msg, mlen);
    memcpy(tls_msg, prefix, plen);
    tls_msg[plen + mlen] = 0;
}

void
vfx__error_set(const char *msg)
{
    snprintf(tls_msg, sizeof tls_msg, "%s", msg ? msg : "");
}
