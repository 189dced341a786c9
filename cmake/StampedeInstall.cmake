# Install the library (every module), its headers and the stampede executable, and export the
# targets so another CMake project can `find_package(stampede)` and link `stampede::engine`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(STAMPEDE_MODULE_TARGETS GLOBAL PROPERTY STAMPEDE_MODULE_TARGETS)
set(STAMPEDE_EXPORTED_TARGETS ${STAMPEDE_MODULE_TARGETS} stampede_engine stampede_xsimd stampede_hdf5 stampede_warnings)
foreach(t ${STAMPEDE_EXPORTED_TARGETS})
  string(REPLACE "stampede_" "" short ${t})
  set_target_properties(${t} PROPERTIES EXPORT_NAME ${short})  # stampede::engine, stampede::core, ...
endforeach()
install(TARGETS ${STAMPEDE_EXPORTED_TARGETS} EXPORT stampedeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS stampede RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS scripts/plot.py DESTINATION ${CMAKE_INSTALL_DATADIR}/stampede)  # `stampede plot`
install(DIRECTORY engine agents kernels DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/stampede
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT stampedeTargets NAMESPACE stampede:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stampede)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/stampedeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/stampedeConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stampede)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/stampedeConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/stampedeConfig.cmake ${PROJECT_BINARY_DIR}/stampedeConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stampede)
