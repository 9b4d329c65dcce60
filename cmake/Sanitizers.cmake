# VFX_SANITIZE=address,undefined | thread : applied to everything built in this tree.
if(VFX_SANITIZE)
    set(_san "-fsanitize=${VFX_SANITIZE}")
    add_compile_options(${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(${_san})
    message(STATUS "vfx: sanitizers ${VFX_SANITIZE}")
endif()
