/* The op registry: one line per op (X-macro, like libuv's UV_ERRNO_MAP). Each VFX_OP(x)
 * names a `const vfx_op_class vfx__op_x` defined in src/ops/op_x.c. No include guard: it is
 * included with different definitions of VFX_OP. */
VFX_OP(constant)
VFX_OP(checker)
VFX_OP(ramp)
VFX_OP(noise)
VFX_OP(crop)
VFX_OP(box_blur)
VFX_OP(mad)
VFX_OP(fail)
VFX_OP(read)
