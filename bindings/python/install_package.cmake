# Installs the Python package; run by `cmake --install` and cpack (see the
# install(CODE) of bindings/python/CMakeLists.txt, which sets the SB_PYTHON_*
# variables). The directory is chosen here, by the prefix being installed to.
if(SB_PYTHON_INSTALL_DIR STREQUAL "")
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(SB_PYTHON_INSTALL_DIR "${SB_PYTHON_DIR_USR}")
  elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr/local")
    set(SB_PYTHON_INSTALL_DIR "${SB_PYTHON_DIR_USR_LOCAL}")
  else()
    set(SB_PYTHON_INSTALL_DIR "${SB_PYTHON_DIR_PREFIX}")
  endif()
endif()
if(NOT IS_ABSOLUTE "${SB_PYTHON_INSTALL_DIR}")
  set(SB_PYTHON_INSTALL_DIR "${CMAKE_INSTALL_PREFIX}/${SB_PYTHON_INSTALL_DIR}")
endif()
# file(INSTALL) adds $DESTDIR in front and records the files in install_manifest.txt.
file(INSTALL ${SB_PYTHON_FILES} DESTINATION "${SB_PYTHON_INSTALL_DIR}/switchboard")
file(INSTALL "${SB_PYTHON_MODULE}" DESTINATION "${SB_PYTHON_INSTALL_DIR}/switchboard"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# `cmake --install --strip` and cpack (CPACK_STRIP_FILES) strip it as
# install(TARGETS) would.
if(CMAKE_INSTALL_DO_STRIP AND SB_STRIP)
  get_filename_component(_name "${SB_PYTHON_MODULE}" NAME)
  execute_process(COMMAND "${SB_STRIP}" "$ENV{DESTDIR}${SB_PYTHON_INSTALL_DIR}/switchboard/${_name}"
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${SB_STRIP} failed on ${_name}")
  endif()
endif()
