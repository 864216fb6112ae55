# PocketSphinx as the imported target PkgConfig::POCKETSPHINX. Debian's
# pocketsphinx.pc lists /usr/include/sphinxbase, which no package ships (the
# headers are under the multiarch directory it also lists), and CMake refuses
# an imported target with a missing directory: the ones that exist are kept.
if(NOT TARGET PkgConfig::POCKETSPHINX)
  pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx)
  set(_sb_pocketsphinx_dirs)
  foreach(_dir IN LISTS POCKETSPHINX_INCLUDE_DIRS)
    if(EXISTS "${_dir}")
      list(APPEND _sb_pocketsphinx_dirs "${_dir}")
    endif()
  endforeach()
  add_library(PkgConfig::POCKETSPHINX INTERFACE IMPORTED)
  set_target_properties(PkgConfig::POCKETSPHINX PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_sb_pocketsphinx_dirs}"
    INTERFACE_LINK_LIBRARIES "${POCKETSPHINX_LINK_LIBRARIES}")
endif()
