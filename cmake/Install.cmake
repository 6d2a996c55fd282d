# `make install PREFIX=...` (docs/install.md): the two tools, the C header
# of the ABI, a CMake package (find_package(plasticc), plasticc_add_model),
# a pkg-config file, the examples with their task files, the plot script
# plasticc-meta runs, and the docs. A compiled model needs no runtime
# library of plasticc's (only libm and libc), so none is installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PLASTICC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/plasticc)
set(PLASTICC_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/plasticc)

# plasticc::abi: the header, and libm, which compiled models call (tanh, exp, ...).
add_library(plasticc_abi INTERFACE)
set_target_properties(plasticc_abi PROPERTIES EXPORT_NAME abi)
target_include_directories(plasticc_abi INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(plasticc_abi INTERFACE m)

# The tools keep their run path to LLVM's libraries (/usr/lib/llvm-19/lib).
set_target_properties(plasticc plasticc-meta PROPERTIES INSTALL_RPATH_USE_LINK_PATH TRUE)
install(TARGETS plasticc plasticc-meta plasticc_abi EXPORT plasticcTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/plasticc/abi.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/plasticc)
install(EXPORT plasticcTargets NAMESPACE plasticc:: DESTINATION ${PLASTICC_INSTALL_CMAKEDIR})

configure_package_config_file(cmake/package/plasticcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/package/plasticcConfig.cmake
  INSTALL_DESTINATION ${PLASTICC_INSTALL_CMAKEDIR}
  PATH_VARS PLASTICC_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/package/plasticcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/package/plasticcConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/package/plasticcConfigVersion.cmake
              cmake/package/plasticcAddModel.cmake
        DESTINATION ${PLASTICC_INSTALL_CMAKEDIR})

file(RELATIVE_PATH PLASTICC_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
configure_file(cmake/package/plasticc.pc.in ${CMAKE_CURRENT_BINARY_DIR}/package/plasticc.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/package/plasticc.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# plasticc-meta finds these relative to its own executable (runtime/tool/DataDir.h).
install(DIRECTORY examples DESTINATION ${PLASTICC_INSTALL_DATADIR})
install(FILES scripts/plot.py scripts/plot_activity.py DESTINATION ${PLASTICC_INSTALL_DATADIR}/scripts)
install(FILES README.md BENCHMARKS.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
