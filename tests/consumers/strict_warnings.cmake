# The consumer projects build with the warnings a careful user turns on, as
# errors: ctnn's headers must not trigger them from outside either.
function(consumer_strict_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
    endif()
endfunction()
