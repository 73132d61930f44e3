# cmake -DPYTHON=... -DSCRIPT=... -DCOMMITTED=... -DREGENERATED=... -P check_current.cmake
# Fails when the committed single header is not what include/ generates now.
file(REMOVE "${REGENERATED}")
execute_process(COMMAND "${PYTHON}" "${SCRIPT}" --output "${REGENERATED}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "scripts/amalgamate.py failed (${result})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${COMMITTED}" "${REGENERATED}" RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
    message(FATAL_ERROR "single_include/ctnn/ctnn.hpp is stale: include/ has changed since it was generated.\n"
                        "Run scripts/amalgamate.py and commit single_include/ctnn/ctnn.hpp.\n"
                        "(What include/ generates now: ${REGENERATED})")
endif()
message(STATUS "single_include/ctnn/ctnn.hpp is current")
