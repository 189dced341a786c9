# Every dependency comes from a Debian 12 package (scripts/setup installs them).
find_package(TBB REQUIRED)                       # libtbb-dev
find_package(xsimd REQUIRED)                     # libxsimd-dev
find_package(Eigen3 REQUIRED NO_MODULE)          # libeigen3-dev
find_package(HDF5 REQUIRED COMPONENTS C)         # libhdf5-dev
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

add_library(stampede_hdf5 INTERFACE)
target_include_directories(stampede_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(stampede_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
target_compile_definitions(stampede_hdf5 INTERFACE ${HDF5_DEFINITIONS})

add_library(stampede_random123 INTERFACE)
target_include_directories(stampede_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

# Debian's xsimd CMake target lists `xtl` as a link library although both are header-only and
# libxtl-dev is not a dependency; use the include directory only.
get_target_property(STAMPEDE_XSIMD_INCLUDE xsimd INTERFACE_INCLUDE_DIRECTORIES)
add_library(stampede_xsimd INTERFACE)
target_include_directories(stampede_xsimd SYSTEM INTERFACE ${STAMPEDE_XSIMD_INCLUDE})
