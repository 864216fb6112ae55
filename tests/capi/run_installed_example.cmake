# Installs the built project into a temporary prefix, then builds and runs
# examples/c against that prefix the two ways a C user would:
#  1. CMake: find_package(switchboard CONFIG) and switchboard::switchboard;
#  2. make with the example's Makefile, which asks pkg-config.
#
# cmake -DBUILD_DIR=... -DEXAMPLE_DIR=... -DWORK_DIR=... [-DC_COMPILER=cc]
#       [-DGENERATOR=...] [-DMAKE=make] [-DHEADERS=switchboard.h,...] -P run_installed_example.cmake
cmake_minimum_required(VERSION 3.22)

foreach(var BUILD_DIR EXAMPLE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_installed_example.cmake: ${var} is not set")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# Checks what the example printed: the user list of the organisation it made.
function(check_demo_output label text)
  foreach(expected "\"total\":2" "\"username\":\"demo\"" "\"username\":\"agent.one\"" "\"role\":\"agent\"")
    string(FIND "${text}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${label}: the output lacks ${expected}:\n${text}")
    endif()
  endforeach()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# every public C header (HEADERS: comma-separated names), else switchboard.h
set(installed_headers switchboard.h)
if(DEFINED HEADERS AND NOT HEADERS STREQUAL "")
  string(REPLACE "," ";" installed_headers "${HEADERS}")
endif()
foreach(h IN LISTS installed_headers)
  if(NOT EXISTS ${prefix}/include/${h})
    message(FATAL_ERROR "the install did not put include/${h} in ${prefix}")
  endif()
endforeach()
file(GLOB_RECURSE libs ${prefix}/lib*/libswitchboard.so)
file(GLOB_RECURSE pcs ${prefix}/*/switchboard.pc)
if(NOT libs OR NOT pcs)
  message(FATAL_ERROR "the install lacks libswitchboard.so or switchboard.pc: ${libs} ${pcs}")
endif()
list(GET libs 0 lib)
get_filename_component(libdir ${lib} DIRECTORY)
list(GET pcs 0 pc)
get_filename_component(pcdir ${pc} DIRECTORY)

# 1. CMake package
set(configure_args -S ${EXAMPLE_DIR} -B ${WORK_DIR}/cmake-build -DCMAKE_PREFIX_PATH=${prefix})
if(DEFINED GENERATOR AND NOT GENERATOR STREQUAL "")
  list(APPEND configure_args -G ${GENERATOR})
endif()
if(DEFINED C_COMPILER AND NOT C_COMPILER STREQUAL "")
  list(APPEND configure_args -DCMAKE_C_COMPILER=${C_COMPILER})
endif()
run("configuring examples/c" ${CMAKE_COMMAND} ${configure_args})
run("building examples/c" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-build)
file(GLOB_RECURSE demo ${WORK_DIR}/cmake-build/accounts_demo)
if(NOT demo)
  message(FATAL_ERROR "no accounts_demo was built in ${WORK_DIR}/cmake-build")
endif()
run("running accounts_demo (CMake build)"
    ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${demo} ${WORK_DIR}/cmake-demo.db)
check_demo_output("accounts_demo (CMake build)" "${run_output}")

# 2. pkg-config through the example's Makefile. The .pc file carries the
#    prefix it was installed to.
if(NOT DEFINED MAKE OR MAKE STREQUAL "" OR MAKE MATCHES "NOTFOUND")
  message(FATAL_ERROR "make was not found: the pkg-config build of examples/c needs it")
endif()
file(MAKE_DIRECTORY ${WORK_DIR}/make-build)
set(make_cc "")
if(DEFINED C_COMPILER AND NOT C_COMPILER STREQUAL "")
  set(make_cc "CC=${C_COMPILER}")
endif()
run("building examples/c with make"
    ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir}
    ${MAKE} -C ${WORK_DIR}/make-build -f ${EXAMPLE_DIR}/Makefile ${make_cc})
run("running accounts_demo (make build)"
    ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir}
    ${WORK_DIR}/make-build/accounts_demo ${WORK_DIR}/make-demo.db)
check_demo_output("accounts_demo (make build)" "${run_output}")

message(STATUS "examples/c built and ran against ${prefix} (CMake package and pkg-config)")
