# Install the library, headers and the stampede executable; export stampede::engine for
# find_package(stampede) users.
include(GNUInstallDirs)
install(TARGETS stampede RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY engine agents kernels DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/stampede
        FILES_MATCHING PATTERN "*.hpp")
