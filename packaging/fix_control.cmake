# Run by cpack once it has made the packages (CPACK_POST_BUILD_SCRIPTS, set by packaging.cmake):
# corrects two things CPack 3.25 does wrong, in the control archive of a package only (its data
# archive, the big one, is copied as it is, not compressed again):
#
# - the md5sums of a -dbgsym package name each file by its path in CPack's staging folder
#   (/.../_CPack_Packages/.../program-dbgsym/usr/lib/debug/...), so that debsums and lintian
#   find none of them: the paths become relative to the package's root, as dpkg writes them;
# - a package of libraries under /usr/lib gets a postinst and a postrm that run ldconfig, which
#   Debian policy replaced by a trigger: where the package has the trigger (activate-noawait
#   ldconfig), those two scripts, which do nothing else, are left out.
#
# A .deb is an ar archive of debian-binary, control.tar.* and data.tar.*, in this order; the new
# one is written beside the old one and renamed over it.

find_program(SNE_AR ar REQUIRED)
find_program(SNE_TAR tar REQUIRED)

function(sne_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "fix_control: ${command}: exit ${rc}\n${out}${err}")
  endif()
  set(sne_run_output "${out}" PARENT_SCOPE)
endfunction()

# What CPack writes (Modules/Internal/CPack/CPackDeb.cmake, cmCPackDebGenerator.cxx).
set(ldconfig_postinst "#!/bin/sh\n\nset -e\n\nif [ \"$1\" = \"configure\" ]; then\n\tldconfig\nfi\n")
set(ldconfig_postrm "#!/bin/sh\n\nset -e\n\nif [ \"$1\" = \"remove\" ]; then\n\tldconfig\nfi\n")

foreach(package IN LISTS CPACK_PACKAGE_FILES)
  get_filename_component(name "${package}" NAME)
  set(work "${CPACK_TOPLEVEL_DIRECTORY}/fix_control/${name}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}/control")
  sne_run(${SNE_AR} t "${package}")
  string(REGEX REPLACE "\n$" "" members "${sne_run_output}")
  string(REPLACE "\n" ";" members "${members}")
  list(LENGTH members count)
  list(GET members 1 control_tar)
  if(NOT count EQUAL 3 OR NOT control_tar MATCHES "^control\\.tar")
    message(FATAL_ERROR "fix_control: ${name} holds ${members}, not debian-binary, control.tar.*, data.tar.*")
  endif()
  sne_run(${SNE_AR} x "${package}" WORKING_DIRECTORY "${work}")
  sne_run(${SNE_TAR} -tf "${work}/${control_tar}")
  string(REGEX REPLACE "\n$" "" entries "${sne_run_output}")
  string(REPLACE "\n" ";" entries "${entries}")
  sne_run(${SNE_TAR} -xpf "${work}/${control_tar}" -C "${work}/control")

  set(changed FALSE)
  set(md5sums "${work}/control/md5sums")
  if(EXISTS "${md5sums}")
    file(READ "${md5sums}" sums)
    if(sums MATCHES "/_CPack_Packages/")
      string(REGEX REPLACE "([0-9a-f]+  )/[^\n]*/_CPack_Packages/[^/\n]+/DEB/[^/\n]+/[^/\n]+/" "\\1"
             sums "${sums}")
      if(sums MATCHES "/_CPack_Packages/")
        message(FATAL_ERROR "fix_control: ${name}: md5sums still names staging paths:\n${sums}")
      endif()
      file(WRITE "${md5sums}" "${sums}")
      set(changed TRUE)
    endif()
  endif()
  set(triggers "${work}/control/triggers")
  if(EXISTS "${triggers}" AND EXISTS "${work}/control/postinst" AND EXISTS "${work}/control/postrm")
    file(READ "${triggers}" trigger_lines)
    file(READ "${work}/control/postinst" postinst)
    file(READ "${work}/control/postrm" postrm)
    if(trigger_lines MATCHES "activate-noawait ldconfig" AND postinst STREQUAL ldconfig_postinst
       AND postrm STREQUAL ldconfig_postrm)
      file(REMOVE "${work}/control/postinst" "${work}/control/postrm")
      list(FILTER entries EXCLUDE REGEX "^(\\./)?post(inst|rm)$")
      set(changed TRUE)
    endif()
  endif()
  if(changed)
    list(FILTER entries EXCLUDE REGEX "/$")  # the archive's root folder, if listed
    file(REMOVE "${work}/${control_tar}")
    # -a: compressed as its name says (gz, xz...); owned by root, as CPack writes it.
    sne_run(${SNE_TAR} --owner=0 --group=0 --numeric-owner -caf "${work}/${control_tar}"
            -C "${work}/control" ${entries})
    list(GET members 2 data_tar)
    file(REMOVE "${package}.new")
    # D: no time stamps or owners in the ar headers (dpkg-deb reads both forms).
    sne_run(${SNE_AR} rcD "${package}.new" debian-binary ${control_tar} ${data_tar}
            WORKING_DIRECTORY "${work}")
    file(RENAME "${package}.new" "${package}")
  endif()
  file(REMOVE_RECURSE "${work}")
endforeach()
