# petition_embed_migrations(<target> <dir> <function>)
# Generates a .cc defining `const std::vector<petition::Migration>& <function>()`
# with the contents of every <dir>/NNNN_*.sql, in file-name order, and adds it to
# <target>. The build re-runs when a file changes or one is added.
function(petition_embed_migrations target dir function)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/[0-9][0-9][0-9][0-9]_*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${function}_migrations.cc")
  string(REPLACE ";" "|" files_arg "${sql_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNCTION=${function}
            "-DFILES=${files_arg}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_migrations_gen.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_migrations_gen.cmake"
    COMMENT "Embedding migrations for ${function}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
