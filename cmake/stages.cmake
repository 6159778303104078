# The stages of the data's journey, each a library in src/<stage>/, and the stages each one may use: the single
# statement of the project's layering. vgsales_stage() links a stage to exactly these and exposes to it exactly
# their headers (an include of any other stage fails to compile), and the LayeringCheck test compares every
# #include in src/ with this list. "proto" is the generated protobuf code (proto/).
set(VGSALES_STAGE_DEPENDS_common "")
set(VGSALES_STAGE_DEPENDS_data common)
set(VGSALES_STAGE_DEPENDS_model data common)
set(VGSALES_STAGE_DEPENDS_graph model data common proto)
set(VGSALES_STAGE_DEPENDS_tensorboard graph model data common proto)
set(VGSALES_STAGE_DEPENDS_export graph model data common proto)
set(VGSALES_STAGE_DEPENDS_torchscript export graph model data common)
set(VGSALES_STAGE_DEPENDS_storage common)
set(VGSALES_STAGE_DEPENDS_explain model data common)
set(VGSALES_STAGE_DEPENDS_monitor data common)
set(VGSALES_STAGE_DEPENDS_serve storage explain monitor model data common)
set(VGSALES_STAGE_DEPENDS_cli serve storage explain monitor export tensorboard graph model data common proto)

# A stage's own include root: <build>/stage_include/<stage>/<stage> is a link to src/<stage>, so "<stage>/x.h"
# resolves for the stage itself and for the stages that link it, and for no one else.
function(vgsales_stage_include_root stage out_variable)
  set(root ${PROJECT_BINARY_DIR}/stage_include/${stage})
  if(NOT EXISTS ${root}/${stage})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${stage} ${root}/${stage} SYMBOLIC)
  endif()
  set(${out_variable} ${root} PARENT_SCOPE)
endfunction()

# vgsales_stage(<stage> <library type> source...): the stage's library, named vgsales_<stage>, linked PUBLIC to the
# stages it may use. Further (third-party) links are added by the stage's own CMakeLists.
function(vgsales_stage stage type)
  add_library(vgsales_${stage} ${type} ${ARGN})
  vgsales_stage_include_root(${stage} root)
  if(type STREQUAL "MODULE")
    target_include_directories(vgsales_${stage} PRIVATE ${root})
  else()
    target_include_directories(vgsales_${stage} PUBLIC ${root})
  endif()
  foreach(dependency IN LISTS VGSALES_STAGE_DEPENDS_${stage})
    if(type STREQUAL "MODULE")
      target_link_libraries(vgsales_${stage} PRIVATE vgsales_${dependency})
    else()
      target_link_libraries(vgsales_${stage} PUBLIC vgsales_${dependency})
    endif()
  endforeach()
endfunction()
