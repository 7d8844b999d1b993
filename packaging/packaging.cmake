# Debian packages, made by CPack's DEB generator from the install components (scripts/package):
#
#   component    package          holds
#   runtime      libsne0.1        libsne.so.0.1*, libsne_sandbox.so.0.1*, libsne_bulk.so.0.1*
#   development  libsne-dev       include/sne, the CMake package, the .pc files, the .so links
#   program      sne              bin/sne, its man pages (gzipped), bash/zsh/fish completions
#
# each with its -dbgsym package (.ddeb) holding the debug information that CPack strips from the
# binaries. Included by the top-level CMakeLists.txt when SNE_PACKAGING is on (prefix /usr, no
# run path); the files it installs besides the components' own are in packaging/debian/, and
# fix_control.cmake corrects what CPack gets wrong in the control files.

# The package of the libraries is named after their soname, as Debian policy wants
# (libsne.so.0.1: libsne0.1), so that two sonames can be installed side by side.
get_target_property(sne_soversion sne SOVERSION)
set(SNE_RUNTIME_PACKAGE libsne${sne_soversion})
# The Debian revision: the packaging's own version, under the same upstream version.
set(SNE_DEBIAN_REVISION 1 CACHE STRING "Debian revision of the packages (VERSION-REVISION)")
set(SNE_PACKAGE_MAINTAINER "sne maintainers <maintainers@users.noreply.h-seed-e13b902b.example>"
    CACHE STRING "Maintainer field of the Debian packages")
set(sne_debian_version ${PROJECT_VERSION}-${SNE_DEBIAN_REVISION})

# packaging/debian/changelog is written by hand, as a Debian changelog is: its newest entry must
# be the version being packaged (lintian checks that the two agree).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_DIR}/debian/changelog)
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog sne_changelog_top LIMIT_COUNT 1)
if(NOT sne_changelog_top MATCHES "^sne \\(${sne_debian_version}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog starts with '${sne_changelog_top}': add an entry "
                      "for ${sne_debian_version} (the version of include/sne/version.hpp, "
                      "revision SNE_DEBIAN_REVISION)")
endif()

# What every package carries in /usr/share/doc/PACKAGE: the copyright and the Debian changelog,
# gzipped without name or time stamp (gzip -n) so that a rebuild gives the same bytes.
set(sne_changelog_gz ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_command(OUTPUT ${sne_changelog_gz}
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
                   COMMAND gzip -9nc ${CMAKE_CURRENT_LIST_DIR}/debian/changelog > ${sne_changelog_gz}
                   DEPENDS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog VERBATIM)
add_custom_target(sne_debian_changelog ALL DEPENDS ${sne_changelog_gz})
foreach(component_package IN ITEMS runtime:${SNE_RUNTIME_PACKAGE} development:libsne-dev program:sne)
  string(REPLACE ":" ";" component_package ${component_package})
  list(GET component_package 0 component)
  list(GET component_package 1 package)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright ${sne_changelog_gz}
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component})
  # The lintian tags that do not apply, each with its reason.
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/lintian-overrides RENAME ${package}
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides COMPONENT ${component})
endforeach()

# The control files of the libraries' package: shlibs, from which dpkg-shlibdeps makes the
# dependencies of programs linked against them (the oldest version with this ABI: a patch
# version changes no interface, and from 1.0 a minor one only adds), and the ldconfig trigger.
set(SNE_SOVERSION ${sne_soversion})
set(SNE_SHLIBS_VERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.0)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/shlibs.in ${PROJECT_BINARY_DIR}/packaging/shlibs @ONLY)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sne)
set(CPACK_PACKAGE_VENDOR "sne maintainers")
set(CPACK_PACKAGE_CONTACT "${SNE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Each component's description is its package's whole description (synopsis, then the rest);
# an empty project summary keeps CPack from putting it first in each.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development program)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SNE_DEBIAN_REVISION})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# xz, as dpkg-deb; on two threads (the debug packages are ~140 MB before compression). The
# package test asks for gzip, several times faster (lintian refuses zstd).
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_THREADS 2)
# Dependencies on other packages come from dpkg-shlibdeps; between ours, from the components.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# Binaries stripped, their debug information in PACKAGE-dbgsym (by build id, as Debian does).
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# dpkg-shlibdeps must find libsne.so.0.1, which sne links, and which no installed package
# holds: it looks in the build tree (the dependency on libsne0.1 is the component dependency).
# A file read by cpack, so that the folder can come from a generator expression.
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/packaging/cpack_project_config.cmake
     CONTENT "set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS \"$<TARGET_FILE_DIR:sne>\")\n")
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/packaging/cpack_project_config.cmake)
# What CPack 3.25 gets wrong in the control files (the -dbgsym packages' md5sums, ldconfig in
# the postinst and postrm beside the trigger), corrected once the packages are made.
set(CPACK_POST_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/fix_control.cmake)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${SNE_RUNTIME_PACKAGE})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/shlibs ${CMAKE_CURRENT_LIST_DIR}/debian/triggers)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"library for the pièces justificatives workflows of the SNE
libsne checks numéros uniques and SIRET numbers, counts the jours ouvrés of a
pli's SLA, makes fiches de transmission with their QR code, knows the plan de
classement of the pièces justificatives, and speaks to the web services of the
SNE (Système National d'Enregistrement des demandes de logement social) and to
GLPI.

This package holds the shared libraries: libsne, libsne_sandbox (an embedded
sandbox of demo data, for testing programs that use libsne) and libsne_bulk
(resumable sending of plis in bulk).")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libsne-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS runtime)
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
"library for the pièces justificatives workflows of the SNE - development files
libsne checks numéros uniques and SIRET numbers, counts the jours ouvrés of a
pli's SLA, makes fiches de transmission with their QR code, knows the plan de
classement of the pièces justificatives, and speaks to the web services of the
SNE and to GLPI.

This package holds what a program needs to build against libsne: the headers
(include/sne, C++17), the CMake package (find_package(sne): sne::sne,
sne::bulk, sne::sandbox) and the pkg-config files (sne, sne-bulk,
sne-sandbox).")

set(CPACK_DEBIAN_PROGRAM_PACKAGE_NAME sne)
set(CPACK_DEBIAN_PROGRAM_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_PROGRAM_DEPENDS runtime)
set(CPACK_DEBIAN_PROGRAM_DESCRIPTION
"command line for the pièces justificatives workflows of the SNE
sne checks numéros uniques and SIRET numbers, counts jours ouvrés, makes
fiches de transmission, packs scans into PDF pieces and checks them as the
SNE's numériseur would, sends pieces and whole exports (resumably), follows
plis and their SLA, and opens support tickets in GLPI, on the web services of
the SNE (Système National d'Enregistrement des demandes de logement social) or
on an embedded sandbox of demo data.

This package holds the program, its manual pages and its bash, zsh and fish
completions.")

include(CPack)
