# Tests are added only through these functions, and each carries at least one label, so that
# `ctest -L <label>` (./dev test -L unit) selects them:
#   unit         beside the code; fast; may use PostgreSQL (PETITION_TEST_PG_DSN)
#   integration  several components together in one process
#   e2e          the real binaries started by the test (tests/)
#   fuzz         fuzz targets running their seed corpus
#   config       the configuration files checked (Prometheus, ports, test labels)
#   dev          the ./dev script itself
#   bench        a benchmark run once, briefly (it must not crash; timings are not checked)
#   containers   the image built and the system run from it with podman (deploy/testing/)
#   docs         the API description linted, Swagger UI in a browser, the roles matrix
#   clock        an end-to-end suite again on a clock years ahead (tests/clock/run_at.sh): no
#                test may depend on today's date
#   ops          an operator's procedure on a whole local stack (backup and restore)
# The ctest config.test_labels (cmake/check_test_labels.cmake) fails when any test has no label,
# which catches an add_test or gtest_discover_tests that bypasses these functions.
set(PETITION_TEST_LABELS unit integration e2e fuzz config dev bench containers docs clock ops)

function(_petition_check_labels what labels)
  if(NOT labels)
    message(FATAL_ERROR "${what}: LABELS is required (one or more of: ${PETITION_TEST_LABELS})")
  endif()
  foreach(label IN LISTS labels)
    if(NOT label IN_LIST PETITION_TEST_LABELS)
      message(FATAL_ERROR "${what}: unknown label '${label}' (known: ${PETITION_TEST_LABELS}; "
                          "a new one goes into cmake/petition_tests.cmake)")
    endif()
  endforeach()
endfunction()

# petition_add_test(NAME <name> LABELS <label>... COMMAND <command> [<arg>...]
#                   [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value>...])
function(petition_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 T "" "NAME;TIMEOUT" "LABELS;COMMAND;ENVIRONMENT")
  if(NOT T_NAME OR NOT T_COMMAND)
    message(FATAL_ERROR "petition_add_test: NAME and COMMAND are required")
  endif()
  _petition_check_labels("test ${T_NAME}" "${T_LABELS}")
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  if(T_TIMEOUT)
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
  if(T_ENVIRONMENT)
    set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
endfunction()

# petition_gtest(<target> LABELS <label>...): every TEST of a GoogleTest binary becomes a ctest
# of its own (discovered when ctest runs, so a new TEST needs no CMake change).
function(petition_gtest target)
  cmake_parse_arguments(PARSE_ARGV 1 T "" "" "LABELS")
  _petition_check_labels("gtest binary ${target}" "${T_LABELS}")
  include(GoogleTest)
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${T_LABELS}")
endfunction()
