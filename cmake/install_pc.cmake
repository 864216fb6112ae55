# Writes and installs switchboard.pc for the prefix being installed to; run
# by `cmake --install` and cpack (the install(CODE) of CMakeLists.txt sets the
# SB_PC_* variables). The prefix is known only now: `--prefix /usr/local`,
# cpack's /usr, a scratch directory.
set(SB_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${SB_PC_${dir}_REL}")
    set(SB_PC_${dir} "${SB_PC_${dir}_REL}")
  else()
    set(SB_PC_${dir} "\${prefix}/${SB_PC_${dir}_REL}")
  endif()
endforeach()
# Written into a directory of its own for each destination, as installs into
# several prefixes may run at once (ctest -j).
string(MD5 _key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(_pc "${SB_PC_OUT_DIR}/${_key}/switchboard.pc")
configure_file("${SB_PC_IN}" "${_pc}" @ONLY)
if(IS_ABSOLUTE "${SB_PC_LIBDIR_REL}")
  set(_pc_dir "${SB_PC_LIBDIR_REL}/pkgconfig")
else()
  set(_pc_dir "${CMAKE_INSTALL_PREFIX}/${SB_PC_LIBDIR_REL}/pkgconfig")
endif()
file(INSTALL "${_pc}" DESTINATION "${_pc_dir}")
