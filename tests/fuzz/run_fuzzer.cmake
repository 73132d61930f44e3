# Runs one libFuzzer target for SECONDS from the seeds in SEEDS (read only),
# keeping new inputs in CORPUS: cmake -DBINARY=... -DSEEDS=... -DCORPUS=...
# -DSECONDS=... -P run_fuzzer.cmake. Fails on any crash, leak, sanitizer report
# or failed check; crash inputs are left next to CORPUS (crash-*).
foreach(var BINARY SEEDS CORPUS SECONDS)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_fuzzer.cmake needs -D${var}=...")
    endif()
endforeach()
file(MAKE_DIRECTORY ${CORPUS})
get_filename_component(artifacts ${CORPUS} DIRECTORY)
set(ENV{ASAN_OPTIONS} "abort_on_error=1:detect_leaks=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
execute_process(COMMAND ${BINARY} ${CORPUS} ${SEEDS} -max_total_time=${SECONDS} -max_len=4096 -timeout=10
                        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=${artifacts}/
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${BINARY} found a failing input (status ${status}); see crash-* in ${artifacts}")
endif()
message(STATUS "${BINARY}: no failure in ${SECONDS} s")
