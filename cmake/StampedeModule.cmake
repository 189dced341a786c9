# stampede_module(name DIR folder DEPS ...): a static library from folder/*.cpp (an interface
# library while the folder has headers only). Includes are rooted at the repository top, so
# code says #include "engine/market/amm.hpp" or "kernels/accrue.hpp".
function(stampede_module name)
  cmake_parse_arguments(M "" "DIR" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${M_DIR}/*.cpp)
  set(target stampede_${name})
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_include_directories(${target} PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:include/stampede>)
    target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE stampede_warnings)
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:include/stampede>)
    target_link_libraries(${target} INTERFACE ${M_DEPS})
  endif()
  add_library(stampede::${name} ALIAS ${target})
endfunction()

# stampede_test(module DEPS ...): tests/<module>/*.cpp -> test_<module>, registered with CTest.
function(stampede_test module)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${module}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(test_${module} ${srcs} ${CMAKE_CURRENT_SOURCE_DIR}/doctest_main.cpp)
  target_link_libraries(test_${module} PRIVATE ${T_DEPS} doctest::doctest stampede_warnings)
  target_include_directories(test_${module} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_definitions(test_${module} PRIVATE
    STAMPEDE_SOURCE_DIR="${PROJECT_SOURCE_DIR}" STAMPEDE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${module} COMMAND test_${module} --no-intro=true)
  set_tests_properties(${module} PROPERTIES WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()
