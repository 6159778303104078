# The command reference generated from the built program's flag declarations (scripts/generate_cli_docs.py): the
# man pages, the bash and zsh completions, and the documentation site's command pages, in build/cli-docs/. They
# are build products, never committed, so they cannot drift from the flags; installed with the program (component
# vgsales, so `scripts/install.sh` and the vgsales .deb carry them).
set(VGSALES_CLI_DOCS_DIR ${PROJECT_BINARY_DIR}/cli-docs)
set(VGSALES_CLI_DOCS_STAMP ${VGSALES_CLI_DOCS_DIR}/generated.stamp)
add_custom_command(
  OUTPUT ${VGSALES_CLI_DOCS_STAMP}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${VGSALES_CLI_DOCS_DIR}/commands ${VGSALES_CLI_DOCS_DIR}/man1
          ${VGSALES_CLI_DOCS_DIR}/completions
  # In a sanitizer or fuzz build the program is instrumented: a leak report at exit must not fail the build.
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
          /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/generate_cli_docs.py $<TARGET_FILE:vgsales>
          ${VGSALES_CLI_DOCS_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${VGSALES_CLI_DOCS_STAMP}
  DEPENDS vgsales ${PROJECT_SOURCE_DIR}/scripts/generate_cli_docs.py
  COMMENT "Generating man pages, shell completions and command pages from vgsales' flags"
  VERBATIM)
add_custom_target(vgsales_cli_docs ALL DEPENDS ${VGSALES_CLI_DOCS_STAMP})

# Where Debian's man-db, bash-completion and zsh look (zsh's vendor-completions is on Debian's default fpath).
install(DIRECTORY ${VGSALES_CLI_DOCS_DIR}/man1/ DESTINATION share/man/man1 COMPONENT vgsales
        FILES_MATCHING PATTERN "*.1.gz")
install(FILES ${VGSALES_CLI_DOCS_DIR}/completions/vgsales DESTINATION share/bash-completion/completions
        COMPONENT vgsales)
install(FILES ${VGSALES_CLI_DOCS_DIR}/completions/_vgsales DESTINATION share/zsh/vendor-completions
        COMPONENT vgsales)
