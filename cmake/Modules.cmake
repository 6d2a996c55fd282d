# The modules of plasticc and how they depend on each other; one line each.
# (plasticc_library globs DIR/*.cpp; tools and their mains are listed last.)
separate_arguments(PLASTICC_LLVM_DEFS NATIVE_COMMAND ${LLVM_DEFINITIONS})
plasticc_library(plasticc_support support CLI11::CLI11)
plasticc_library(plasticc_dialect dialect plasticc_support)
plasticc_library(plasticc_transforms compiler/transforms plasticc_dialect)
plasticc_library(plasticc_frontend compiler/frontend plasticc_support)
# C++ helpers (`extern`, compiler/frontend/CppImport.cpp, the one file that
# includes Clang) are parsed by Clang in-process: libclang-cpp (Debian's
# libclang-cpp19-dev), and Clang's resource directory for <cmath>.
find_library(PLASTICC_CLANG_CPP clang-cpp PATHS ${LLVM_LIBRARY_DIR} NO_DEFAULT_PATH REQUIRED)
set(PLASTICC_CLANG_RESOURCE_DIR ${LLVM_LIBRARY_DIR}/clang/${LLVM_VERSION_MAJOR})
if(NOT EXISTS ${PLASTICC_CLANG_RESOURCE_DIR}/include/stddef.h)
  message(FATAL_ERROR "plasticc: no Clang resource directory at ${PLASTICC_CLANG_RESOURCE_DIR} (libclang-common-19-dev)")
endif()
target_link_libraries(plasticc_frontend PRIVATE ${PLASTICC_CLANG_CPP} LLVM)
target_include_directories(plasticc_frontend SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(plasticc_frontend PRIVATE ${PLASTICC_LLVM_DEFS}
                           PLASTICC_CLANG_RESOURCE_DIR="${PLASTICC_CLANG_RESOURCE_DIR}")
plasticc_library(plasticc_lowering compiler/lowering plasticc_frontend plasticc_dialect)
plasticc_library(plasticc_runtime runtime plasticc_dialect Eigen3::Eigen)
plasticc_library(plasticc_reference bench/reference Eigen3::Eigen)
plasticc_library(plasticc_codegen compiler/codegen plasticc_dialect plasticc_transforms LLVM)
target_include_directories(plasticc_codegen SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS} PUBLIC ${PROJECT_SOURCE_DIR}/include)
target_compile_definitions(plasticc_codegen PUBLIC ${PLASTICC_LLVM_DEFS})
plasticc_library(plasticc_jit runtime/jit plasticc_codegen plasticc_runtime ${CMAKE_DL_LIBS})
plasticc_library(plasticc_tasks runtime/tasks plasticc_support tomlplusplus::tomlplusplus)
plasticc_library(plasticc_meta runtime/meta plasticc_tasks nlohmann_json::nlohmann_json Threads::Threads)

# Libraries the unit tests link against.
set(PLASTICC_UNIT_TEST_LIBS plasticc_dialect)
list(APPEND PLASTICC_UNIT_TEST_LIBS plasticc_reference)
list(APPEND PLASTICC_UNIT_TEST_LIBS plasticc_frontend plasticc_lowering)
list(APPEND PLASTICC_UNIT_TEST_LIBS plasticc_transforms plasticc_runtime)
list(APPEND PLASTICC_UNIT_TEST_LIBS plasticc_tasks plasticc_meta)
list(APPEND PLASTICC_UNIT_TEST_LIBS plasticc_codegen plasticc_jit)

# plasticc: the compiler driver (compiler/driver; main.cpp parses options only).
file(GLOB plasticc_driver_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/compiler/driver/*.cpp)
add_executable(plasticc ${plasticc_driver_srcs})
target_link_libraries(plasticc PRIVATE plasticc_lowering plasticc_frontend plasticc_dialect CLI11::CLI11)
target_link_libraries(plasticc PRIVATE plasticc_codegen plasticc_transforms)
target_link_libraries(plasticc PRIVATE plasticc_transforms plasticc_runtime)
target_compile_definitions(plasticc PRIVATE PLASTICC_VERSION="${PROJECT_VERSION}")

# plasticc-meta: the meta-learning tool (runtime/tool).
# The job (runtime/tool minus its entry point and MPI start-up) is a library
# that the Python package runs too (plasticc.meta_learn, docs/python.md).
file(GLOB plasticc_meta_tool_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/runtime/tool/*.cpp)
list(REMOVE_ITEM plasticc_meta_tool_srcs ${CMAKE_CURRENT_SOURCE_DIR}/runtime/tool/plasticc-meta.cpp
     ${CMAKE_CURRENT_SOURCE_DIR}/runtime/tool/MpiCluster.cpp)
add_library(plasticc_meta_tool STATIC ${plasticc_meta_tool_srcs})
target_include_directories(plasticc_meta_tool PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(plasticc_meta_tool PUBLIC plasticc_meta plasticc_jit plasticc_lowering plasticc_frontend plasticc_transforms plasticc_runtime CLI11::CLI11)
target_compile_definitions(plasticc_meta_tool PRIVATE PLASTICC_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PLASTICC_VERSION="${PROJECT_VERSION}")
add_executable(plasticc-meta ${CMAKE_CURRENT_SOURCE_DIR}/runtime/tool/plasticc-meta.cpp
               ${CMAKE_CURRENT_SOURCE_DIR}/runtime/tool/MpiCluster.cpp)
target_link_libraries(plasticc-meta PRIVATE plasticc_meta_tool)
target_compile_definitions(plasticc-meta PRIVATE PLASTICC_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PLASTICC_VERSION="${PROJECT_VERSION}")
# MPI (docs/runtime.md "MPI"): plasticc-meta spreads each loop over networks
# over the ranks of mpirun. AUTO builds it in when CMake finds MPI (Debian:
# libopenmpi-dev), ON requires it, OFF leaves it out; only plasticc-meta
# links it (the runtime library sees an abstract meta::Cluster).
set(PLASTICC_MPI AUTO CACHE STRING "Build plasticc-meta with MPI: AUTO (if found), ON or OFF")
set_property(CACHE PLASTICC_MPI PROPERTY STRINGS AUTO ON OFF)
set(PLASTICC_HAVE_MPI OFF)
if(PLASTICC_MPI STREQUAL "ON")
  find_package(MPI REQUIRED COMPONENTS C)
elseif(PLASTICC_MPI STREQUAL "AUTO")
  find_package(MPI COMPONENTS C)
endif()
if(NOT PLASTICC_MPI STREQUAL "OFF" AND MPI_C_FOUND)
  set(PLASTICC_HAVE_MPI ON)
  target_link_libraries(plasticc-meta PRIVATE MPI::MPI_C)
  target_compile_definitions(plasticc-meta PRIVATE PLASTICC_HAVE_MPI=1)
endif()
message(STATUS "plasticc: plasticc-meta with MPI: ${PLASTICC_HAVE_MPI}")
