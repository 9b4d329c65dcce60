/* DWAA / DWAB, OpenEXR's lossy DCT compression, in C: the chunk decoder and the stage that
 * plugs it into OpenEXRCore's decode pipeline (OpenEXRCore 3.1.5 has no DWA codec).
 *
 * A chunk (32 scanlines for DWAA, 256 for DWAB, or one tile) holds a fixed header of eleven
 * little-endian 64-bit sizes, the channel classification rules (version 2), then up to four
 * compressed streams: UNKNOWN channels (zlib), the AC coefficients of the lossy DCT channels
 * (OpenEXR's static Huffman or zlib), their DC coefficients (zlib after a byte predictor) and
 * the RLE channels (RLE, then zlib). dwa_codec.c describes each step where it is decoded. */
#ifndef VFX_DWA_INT_H
#define VFX_DWA_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openexr.h>

#include "core/core_int.h"

/** EXR pixel type numbers, as stored in files and in the DWA rules. */
enum { VFX__DWA_UINT = 0, VFX__DWA_HALF = 1, VFX__DWA_FLOAT = 2 };

/** One channel of the part, in the part's (sorted) channel order. */
typedef struct vfx__dwa_channel {
    const char *name;       /* borrowed */
    int32_t     type;       /* VFX__DWA_UINT / HALF / FLOAT */
    int32_t     x_sampling; /* >= 1 */
    int32_t     y_sampling; /* >= 1 */
    int32_t     p_linear;   /* EXR pLinear: a lone lossy channel skips the nonlinear curve */
} vfx__dwa_channel;

/** Bytes of the uncompressed layout of a chunk covering @p rect (absolute pixel coordinates,
 *  half-open): for each line y, for each channel sampled on y, its samples of that line.
 *  @return VFX_OK, VFX_ERR_ARG (bad channel) or VFX_ERR_LIMIT (size overflow). */
vfx_status vfx__dwa_unpacked_size(const vfx__dwa_channel *ch, int32_t n_ch, vfx_rect rect,
                                  size_t *size_out);

/** Decode one DWAA/DWAB chunk of @p n_src bytes into @p dst in the layout above (native
 *  little-endian values, as OpenEXRCore's unpacked buffer holds them). @p n_dst must be the
 *  size vfx__dwa_unpacked_size() gives. Thread-safe; allocates its scratch per call.
 *  @return VFX_OK, VFX_ERR_CORRUPT (message set) for any inconsistent or truncated input,
 *  VFX_ERR_NOMEM, VFX_ERR_ARG. Never reads outside src[0, n_src). */
vfx_status vfx__dwa_decode(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch,
                           int32_t n_ch, vfx_rect rect, uint8_t *dst, size_t n_dst);

/** vfx__dwa_decode() writing one plane per channel: sample x of sampled row y of channel i
 *  goes to planes[i] + y * y_stride[i] + x * x_stride[i] (strides in bytes, values at the
 *  channel's type, native little-endian), so interleaved buffers can be filled directly. */
vfx_status vfx__dwa_decode_planes(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch,
                                  int32_t n_ch, vfx_rect rect, uint8_t *const *planes,
                                  const ptrdiff_t *x_stride, const ptrdiff_t *y_stride);

/** A decompress stage that decodes straight into the channels' decode_to_ptr (with their
 *  user_pixel_stride and user_line_stride), with no unpacked buffer and no unpack step: for
 *  chunks stored compressed (packed size != unpacked size) whose channels all have a
 *  decode_to_ptr, user_data_type == data_type and sampling 1 (fmt_exr.c checks this and
 *  sets unpack_and_convert_fn to a no-op). Errors as vfx__exr_dwa_decompress(). */
exr_result_t vfx__exr_dwa_decompress_direct(exr_decode_pipeline_t *decode);

/** The decompress stage for OpenEXRCore: decode->decompress_fn = vfx__exr_dwa_decompress for
 *  DWAA / DWAB parts after exr_decoding_choose_default_routines(). Fills (allocating when
 *  needed) decode->unpacked_buffer. The buffer comes from decode->alloc_fn when set, else
 *  from vfx__alloc, so the context must free with vfx__free (fmt_exr.c's contexts do).
 *  On failure vfx_error_message() says why and the result is EXR_ERR_CORRUPT_CHUNK or
 *  EXR_ERR_OUT_OF_MEMORY. */
exr_result_t vfx__exr_dwa_decompress(exr_decode_pipeline_t *decode);

/** Encode one chunk (layout as above) as a version 2 DWA chunk at @p level (the header's
 *  dwaCompressionLevel; 45 is OpenEXR's default). *out (size *n_out) is new, free with
 *  vfx__free. AC coefficients use the static Huffman code, as OpenEXR writes. Thread-safe. */
vfx_status vfx__dwa_encode(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch,
                           int32_t n_ch, vfx_rect rect, float level, uint8_t **out,
                           size_t *n_out);

/** The compress stage for OpenEXRCore: encode->compress_fn = vfx__exr_dwa_compress after
 *  exr_encoding_choose_default_routines() for DWAA / DWAB parts. Reads the level from the
 *  part's dwaCompressionLevel attribute (45 when absent). */
exr_result_t vfx__exr_dwa_compress(exr_encode_pipeline_t *encode);

/** vfx__dwa_encode() reading one plane per channel: sampled row y of channel i starts at
 *  planes[i] + y * line_stride[i] (values at the channel's type, native little-endian). */
vfx_status vfx__dwa_encode_planes(const uint8_t *const *planes, const size_t *line_stride,
                                  const vfx__dwa_channel *ch, int32_t n_ch, vfx_rect rect,
                                  float level, uint8_t **out, size_t *n_out);

/** The same compress stage without OpenEXRCore's pack step: it encodes straight from the
 *  channels' encode_from_ptr planes (user_line_stride apart) when every channel is full
 *  resolution, at its file type, with user_pixel_stride == bytes_per_element. Otherwise, and
 *  when DWA cannot shrink the chunk (it is then stored raw), it runs convert_and_pack_fn into
 *  encode->packed_buffer, which the caller must have allocated (packed size of the chunk). */
exr_result_t vfx__exr_dwa_compress_planes(exr_encode_pipeline_t *encode);

/** The nonlinear-to-linear table (65536 halves), built on first use; for tests. */
const uint16_t *vfx__dwa_to_linear_table(void);

#endif
