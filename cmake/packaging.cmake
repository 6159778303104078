# Installation and Debian packages.
#   cmake --install build [--prefix /usr/local]   bin/vgsales, lib/vgsales/libvgsales_torchscript.so, share/doc/vgsales
#   (cd build && cpack)                           build/packages/vgsales_<version>_<arch>.deb and
#                                                 build/packages/vgsales-torchscript_<version>_<arch>.deb
# Two components, so that a model server installs no LibTorch: `vgsales` (the program: train, predict, evaluate,
# serve, export to SavedModel and ONNX) and `torchscript` (the plugin `vgsales export` loads to write model.pt, which
# is what links LibTorch). The plugin goes where the loader looks for it (src/export/torchscript_plugin.cpp):
# ../lib/vgsales/ beside the program's bin/. A literal lib/, not GNUInstallDirs' lib/<multiarch>, for that reason.
set(VGSALES_PLUGIN_INSTALL_DIR lib/vgsales)

install(TARGETS vgsales RUNTIME DESTINATION bin COMPONENT vgsales)
install(TARGETS vgsales_torchscript LIBRARY DESTINATION ${VGSALES_PLUGIN_INSTALL_DIR} COMPONENT torchscript)
install(FILES README.md DESTINATION share/doc/vgsales COMPONENT vgsales)
install(DIRECTORY docs/ DESTINATION share/doc/vgsales/docs COMPONENT vgsales FILES_MATCHING PATTERN "*.md")

set(CPACK_PACKAGE_NAME vgsales)
set(CPACK_PACKAGE_VENDOR "vgsales maintainers")
set(CPACK_PACKAGE_CONTACT "vgsales maintainers <maintainers@users.noreply.b-seed-ff61449a.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL vgsales torchscript)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime dependencies from the binaries' own DT_NEEDED entries, as Debian's own packages get them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# vgsales-torchscript depends on vgsales of the same version (from the component dependency below).
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_VGSALES_PACKAGE_NAME vgsales)
# Data the program reads at run time, which dpkg-shlibdeps cannot see (a font, say), as Debian package names; they
# join the shlibdeps list in Depends. ca-certificates: the CA bundle libcurl verifies storage.googleapis.com and
# oauth2.googleapis.com against for gs:// models (libcurl4 only recommends it, and the image installs no recommends).
set(VGSALES_RUNTIME_DATA_PACKAGES ca-certificates)
if(VGSALES_RUNTIME_DATA_PACKAGES)
  list(JOIN VGSALES_RUNTIME_DATA_PACKAGES ", " CPACK_DEBIAN_VGSALES_PACKAGE_DEPENDS)
endif()
# The first line is the synopsis (one string: a CMake list of lines would be joined with ";"). No
# CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPackDeb would put it above every component's own synopsis.
string(CONCAT CPACK_DEBIAN_VGSALES_DESCRIPTION
    "Estimate a new video game's sales with a dense neural network\n"
    "Trains on a CSV of past games, logs to TensorBoard, predicts, serves TensorFlow Serving's REST API and\n"
    "exports SavedModel and ONNX. Needs no LibTorch; install vgsales-torchscript to export TorchScript too.")
# The BLAS is loaded at run time when present (training is about 4x faster with OpenBLAS); not a link dependency,
# so a model server can leave it out (apt-get install --no-install-recommends).
set(CPACK_DEBIAN_VGSALES_PACKAGE_RECOMMENDS "libopenblas0-pthread | libblas3")

set(CPACK_DEBIAN_TORCHSCRIPT_PACKAGE_NAME vgsales-torchscript)
string(CONCAT CPACK_DEBIAN_TORCHSCRIPT_DESCRIPTION
    "TorchScript export for vgsales\n"
    "The plugin `vgsales export --format torchscript` loads to write model.pt. It links LibTorch, which the\n"
    "vgsales package itself does not need.")

include(CPack)
cpack_add_component(vgsales DISPLAY_NAME "vgsales" REQUIRED)
cpack_add_component(torchscript DISPLAY_NAME "TorchScript export plugin" DEPENDS vgsales)
