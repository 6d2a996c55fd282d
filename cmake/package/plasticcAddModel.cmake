# plasticc_add_model(<target> <model.plast> [SHARED] [DEFINES NAME=VALUE...]
#                    [OPTIONS plasticc-option...] [DEPENDS file...])
#
# Compiles a model with the installed plasticc as part of the build.
#   default  <target> is a static library holding the model's object file:
#            link it into a program and call the entry points of
#            plasticc/abi.h directly (one model per program: every model
#            exports the same names).
#   SHARED   <target> is the shared library lib<target>.so (as `plasticc
#            FILE -o FILE.so`), to link or dlopen; $<TARGET_FILE:<target>>
#            is its path. It is built with `all` (the build target is
#            <target>_build: <target> itself is an imported library).
# DEFINES are passed as `-D NAME=VALUE` (dims and params), OPTIONS as they
# are (e.g. --fp32, --estimator=score), DEPENDS are further inputs that
# rebuild the model when they change (C++ helpers named by `extern`).
function(plasticc_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "SHARED" "" "DEFINES;OPTIONS;DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "plasticc_add_model: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(source ${model} ABSOLUTE)
  if(NOT EXISTS ${source})
    message(FATAL_ERROR "plasticc_add_model: no model file ${source}")
  endif()
  set(flags)
  foreach(define IN LISTS arg_DEFINES)
    list(APPEND flags -D ${define})
  endforeach()
  list(APPEND flags ${arg_OPTIONS})
  if(arg_SHARED)
    set(output ${CMAKE_CURRENT_BINARY_DIR}/lib${target}.so)
  else()
    set(output ${CMAKE_CURRENT_BINARY_DIR}/${target}.o)
  endif()
  add_custom_command(OUTPUT ${output}
    COMMAND plasticc::plasticc ${source} ${flags} -o ${output}
    DEPENDS ${source} ${arg_DEPENDS} plasticc::plasticc
    COMMENT "plasticc: compiling ${model}"
    VERBATIM)
  if(arg_SHARED)
    add_custom_target(${target}_build ALL DEPENDS ${output}) # built with all, for dlopen too
    add_library(${target} SHARED IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${output})
    add_dependencies(${target} ${target}_build)
  else()
    add_library(${target} STATIC ${output})
    set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
  endif()
  target_link_libraries(${target} INTERFACE plasticc::abi)
endfunction()
