# Embeds HTML page assets (templates, CSS, JS) into a library as raw string literals, so that the
# binary writes self-contained pages without reading any file at run time. Used for the
# conformance report (this folder, wsprobe_report) and the load report (harness/load/html/,
# wsprobe_load). Included from the top-level CMakeLists.txt after wsprobe_report is defined.
set(WSPROBE_EMBED_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/assets.cpp.in)

# wsprobe_embed_html(TARGET HEADER NAMESPACE DIR ASSET...): every ASSET of DIR (a path relative to
# the source tree) becomes `const std::string_view <asset as C identifier>` in NAMESPACE, declared
# by HEADER (hand-written, e.g. harness/report/html/assets.hpp), compiled into TARGET.
function(wsprobe_embed_html target header namespace dir)
  set(_body "")
  foreach(_asset ${ARGN})
    set(_file ${PROJECT_SOURCE_DIR}/${dir}/${_asset})
    file(READ ${_file} _text)
    string(FIND "${_text}" ")wsprobe\"" _clash)
    if(NOT _clash EQUAL -1)
      message(FATAL_ERROR "${_file} contains the raw-string delimiter )wsprobe\"")
    endif()
    string(MAKE_C_IDENTIFIER ${_asset} _name)
    string(APPEND _body "const std::string_view ${_name} = R\"wsprobe(${_text})wsprobe\";\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_file})
  endforeach()
  set(WSPROBE_EMBED_SOURCES "${dir}")
  set(WSPROBE_EMBED_HEADER "${header}")
  set(WSPROBE_EMBED_NAMESPACE "${namespace}")
  set(WSPROBE_EMBED_BODY "${_body}")
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/generated/${target}_html_assets.cpp)
  configure_file(${WSPROBE_EMBED_TEMPLATE} ${_out} @ONLY)
  target_sources(${target} PRIVATE ${_out})
endfunction()

wsprobe_embed_html(wsprobe_report harness/report/html/assets.hpp wsprobe::report::html_assets
                   harness/report/html template.html report.css report.js)
