# Checks the public C headers against the dynamic symbols of libswitchboard.so:
#  - every defined exported symbol starts with sb_ (the version node of
#    capi/switchboard.map, an absolute symbol, is the one allowed exception);
#  - every function declared with SB_EXTERN in any public header is exported,
#    and every exported symbol is declared in one (exactly one) of them;
#  - no function of a header is declared without SB_EXTERN (it would stay
#    hidden);
#  - capi/ holds no public header missing from HEADERS (the installed list),
#    and switchboard.h includes every other one.
#
# cmake -DNM=nm -DLIB=libswitchboard.so -DHEADER_DIR=capi
#       -DHEADERS=switchboard.h,switchboard_base.h,... [-DMAP=switchboard.map] -P check_exports.cmake
#
# HEADERS is comma-separated (a semicolon would split the test's command).
cmake_minimum_required(VERSION 3.22)

foreach(var NM LIB HEADER_DIR HEADERS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_exports.cmake: ${var} is not set")
  endif()
endforeach()
string(REPLACE "," ";" headers "${HEADERS}")

set(bad "")

# ------------------------------------------------------------ the headers

# Every header in capi/ is public: it must be in the installed list.
file(GLOB on_disk RELATIVE ${HEADER_DIR} ${HEADER_DIR}/*.h)
foreach(h IN LISTS on_disk)
  if(NOT h IN_LIST headers)
    list(APPEND bad "capi/${h} is not in SWITCHBOARD_C_HEADERS (CMakeLists.txt): it is neither installed nor checked")
  endif()
endforeach()

# The text of a header without its comments.
function(read_code path out)
  file(READ "${path}" text)
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(declared "")
foreach(h IN LISTS headers)
  if(NOT EXISTS ${HEADER_DIR}/${h})
    list(APPEND bad "${h} is listed but capi/${h} does not exist")
    continue()
  endif()
  read_code(${HEADER_DIR}/${h} code)
  if(NOT h STREQUAL "switchboard.h")
    # switchboard.h includes every area header
    read_code(${HEADER_DIR}/switchboard.h umbrella)
    string(FIND "${umbrella}" "#include \"${h}\"" at)
    if(at EQUAL -1)
      list(APPEND bad "switchboard.h does not include ${h}")
    endif()
  endif()
  string(REGEX MATCHALL "SB_EXTERN[^;(]*[ *](sb_[a-z0-9_]+)[ \t]*\\(" decls "${code}")
  set(count 0)
  foreach(d IN LISTS decls)
    string(REGEX REPLACE "^.*[ *](sb_[a-z0-9_]+)[ \t]*\\($" "\\1" d "${d}")
    if(d IN_LIST declared)
      list(APPEND bad "${d} is declared twice (again in ${h})")
    endif()
    list(APPEND declared "${d}")
    set(header_of_${d} ${h})
    math(EXPR count "${count} + 1")
  endforeach()
  # A prototype of an sb_ function without SB_EXTERN would not be exported.
  string(REGEX MATCHALL "\n[ \t]*(const[ \t]+)?[a-z_][a-z0-9_]*[ \t*]+sb_[a-z0-9_]+[ \t]*\\(" plain "${code}")
  foreach(p IN LISTS plain)
    string(STRIP "${p}" p)
    list(APPEND bad "${h}: declared without SB_EXTERN: ${p}")
  endforeach()
  if(NOT h STREQUAL "switchboard.h" AND count EQUAL 0)
    list(APPEND bad "no SB_EXTERN declaration found in ${h}")
  endif()
  message(STATUS "${h}: ${count} functions")
endforeach()
list(LENGTH declared declared_count)

# ------------------------------------------------------------ the library

execute_process(COMMAND ${NM} -D --defined-only ${LIB}
                OUTPUT_VARIABLE nm_out ERROR_VARIABLE nm_err RESULT_VARIABLE nm_rc)
if(NOT nm_rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIB} failed (${nm_rc}): ${nm_err}")
endif()

# The version node names (e.g. SWITCHBOARD_0) declared in the map file.
set(version_nodes "")
if(DEFINED MAP AND EXISTS "${MAP}")
  file(READ "${MAP}" map_text)
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" map_text "${map_text}")
  string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_.]*[ \t\r\n]*{" nodes "${map_text}")
  foreach(n IN LISTS nodes)
    string(REGEX REPLACE "[ \t\r\n]*{$" "" n "${n}")
    list(APPEND version_nodes "${n}")
  endforeach()
endif()

string(REPLACE "\n" ";" lines "${nm_out}")
set(exported "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  if(line STREQUAL "")
    continue()
  endif()
  # "<address> <type> <name>[@@version]"
  if(NOT line MATCHES "^([0-9a-fA-F]+ +)?([A-Za-z]) +([^ ]+)$")
    list(APPEND bad "unparsed line: ${line}")
    continue()
  endif()
  set(type "${CMAKE_MATCH_2}")
  set(name "${CMAKE_MATCH_3}")
  string(REGEX REPLACE "@.*$" "" name "${name}")
  if(type STREQUAL "A" AND name IN_LIST version_nodes)
    continue()
  endif()
  if(NOT name MATCHES "^sb_")
    list(APPEND bad "exported but not sb_*: ${type} ${name}")
  elseif(NOT name IN_LIST declared)
    list(APPEND bad "exported but declared in no public header: ${name}")
  else()
    list(APPEND exported "${name}")
  endif()
endforeach()

foreach(fn IN LISTS declared)
  if(NOT fn IN_LIST exported)
    list(APPEND bad "declared in ${header_of_${fn}} but not exported: ${fn}")
  endif()
endforeach()

list(LENGTH exported exported_count)
if(bad)
  string(REPLACE ";" "\n  " bad_text "${bad}")
  message(FATAL_ERROR "the public C headers and libswitchboard.so disagree:\n  ${bad_text}")
endif()
list(LENGTH headers header_count)
message(STATUS "libswitchboard.so exports ${exported_count} symbols, all sb_*, exactly the ${declared_count} "
               "functions declared in the ${header_count} public headers")
