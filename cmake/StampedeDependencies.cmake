# Every dependency comes from a Debian 12 package (scripts/setup installs them).
find_package(TBB REQUIRED)                       # libtbb-dev
find_package(xsimd REQUIRED)                     # libxsimd-dev
find_package(Eigen3 REQUIRED NO_MODULE)          # libeigen3-dev
find_package(PkgConfig REQUIRED)                 # pkg-config (finds HDF5, below)
find_package(OpenSSL REQUIRED COMPONENTS Crypto) # libssl-dev (SHA-256 of configs)
find_package(nlohmann_json 3.9 REQUIRED)         # nlohmann-json3-dev (--json output)
find_package(yaml-cpp REQUIRED)                  # libyaml-cpp-dev
find_package(fmt REQUIRED)                       # libfmt-dev
find_package(CLI11 CONFIG REQUIRED)              # libcli11-dev
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)                      # zlib1g-dev (CRC-32 of checkpoints)
if(STAMPEDE_BUILD_TESTS)
  find_package(doctest REQUIRED)                 # doctest-dev
endif()
if(STAMPEDE_BUILD_BENCH)
  find_package(benchmark)                        # libbenchmark-dev
endif()
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)   # librandom123-dev (reference Philox)

# HDF5 (libhdf5-dev) through pkg-config's hdf5-serial.pc (hdf5.pc where a distribution ships
# only that), not CMake's FindHDF5: FindHDF5 asks the h5cc wrapper and test-compiles a C file, so
# it needs the C language enabled, and the installed package's config (stampedeConfig.cmake.in)
# finds HDF5 the same way so that a C++-only consumer (`project(app CXX)`) can find_package it.
# Debian 12's HDF5 ships no CMake package config of its own. The .pc's include directory and
# libhdf5 are all the C API needs (libhdf5.so brings its own dependencies).
pkg_search_module(STAMPEDE_HDF5 REQUIRED IMPORTED_TARGET hdf5-serial hdf5)
add_library(stampede_hdf5 INTERFACE)
target_link_libraries(stampede_hdf5 INTERFACE PkgConfig::STAMPEDE_HDF5)

add_library(stampede_random123 INTERFACE)
target_include_directories(stampede_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

# Debian's xsimd CMake target lists `xtl` as a link library although both are header-only and
# libxtl-dev is not a dependency; use the include directory only.
get_target_property(STAMPEDE_XSIMD_INCLUDE xsimd INTERFACE_INCLUDE_DIRECTORIES)
add_library(stampede_xsimd INTERFACE)
target_include_directories(stampede_xsimd SYSTEM INTERFACE ${STAMPEDE_XSIMD_INCLUDE})

# GCC 12 reports its own AVX-512 intrinsics (_mm512_extractf64x4_pd, inlined from Eigen's
# reductions) as using an uninitialised value: GCC bug 105593, fixed in GCC 13. Targets that use
# Eigen add these options privately; other compilers keep the warnings.
set(STAMPEDE_EIGEN_WARNING_WORKAROUND
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-uninitialized;-Wno-maybe-uninitialized>)
