/* vfx: streaming image I/O, colour management and image processing.
 * The umbrella header: includes every public header in dependency order. */
#ifndef VFX_VFX_H
#define VFX_VFX_H

#include "vfx/version.h"
#include "vfx/status.h"
#include "vfx/core.h"
#include "vfx/image.h"
#include "vfx/sink.h"
#include "vfx/color.h"
#include "vfx/opendrt.h"
#include "vfx/spectral.h"
#include "vfx/ocio.h"
#include "vfx/io.h"
#include "vfx/sequence.h"
#include "vfx/ops.h"
#include "vfx/deep.h"

#endif
