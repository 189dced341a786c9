# Compiler flags shared by every target, via the stampede_warnings interface target.
add_library(stampede_warnings INTERFACE)
target_compile_options(stampede_warnings INTERFACE -Wall -Wextra -Wshadow -Wfloat-conversion)
if(STAMPEDE_WERROR)
  target_compile_options(stampede_warnings INTERFACE -Werror)
endif()

# Bitwise agreement between a SIMD kernel and its scalar reference (and between runs on
# machines whose compilers contract differently) needs a*b+c to stay two roundings.
add_compile_options(-ffp-contract=off)

include(CheckCXXCompilerFlag)
set(STAMPEDE_SIMD_TARGET "portable (x86-64 baseline)" CACHE INTERNAL "")
if(STAMPEDE_NATIVE)
  check_cxx_compiler_flag("-march=native" STAMPEDE_HAS_MARCH_NATIVE)
  if(STAMPEDE_HAS_MARCH_NATIVE)
    add_compile_options(-march=native)
    set(STAMPEDE_SIMD_TARGET "native" CACHE INTERNAL "")
  endif()
endif()
message(STATUS "stampede SIMD target: ${STAMPEDE_SIMD_TARGET}")

if(STAMPEDE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
