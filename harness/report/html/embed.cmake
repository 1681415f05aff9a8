# Embeds the HTML report's template, CSS and JS (this folder) into wsprobe_report as raw string
# literals, so that the binary writes a self-contained index.html without reading any file.
# Included from the top-level CMakeLists.txt after wsprobe_report is defined.
set(_html_dir ${CMAKE_CURRENT_LIST_DIR})
foreach(_asset template.html report.css report.js)
  file(READ ${_html_dir}/${_asset} _text)
  string(FIND "${_text}" ")wsprobe\"" _clash)
  if(NOT _clash EQUAL -1)
    message(FATAL_ERROR "${_html_dir}/${_asset} contains the raw-string delimiter )wsprobe\"")
  endif()
  string(MAKE_C_IDENTIFIER ${_asset} _name)
  set(WSPROBE_HTML_${_name} "${_text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_html_dir}/${_asset})
endforeach()
configure_file(${_html_dir}/assets.cpp.in ${CMAKE_CURRENT_BINARY_DIR}/generated/html_assets.cpp
               @ONLY)
target_sources(wsprobe_report PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated/html_assets.cpp)
