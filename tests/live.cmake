# live.cmake - the live network on loopback: node processes over Cyclone DDS, each test with its
# own DDS domain (21..25, 76) and temporary directory, so they run in parallel; and the wire decoder.

# The decoder and the receiver's gates on crafted samples (no DDS).
kz_live_unit(test_wire 60)

# The wire fuzz target's logic over its seeds and past findings, with any compiler.
kz_fuzz_replay(wire kizuna_live 60)

# A participant that writes crafted samples, bypassing the sender's gates.
add_executable(kz_rogue live/rogue.c)
target_include_directories(kz_rogue PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(kz_rogue PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(kz_rogue PRIVATE kizuna_live)
kz_warnings(kz_rogue)

# Node processes on loopback: tests/live/NAME.sh KIZUNA KZ_ROGUE TESTS_DATA DOMAIN, each bounded
# by --for on its nodes and timeouts on its waits (about 3 s each, kill_restart 10 s).
set(KZ_LIVE_ARGS $<TARGET_FILE:kizuna-cli> $<TARGET_FILE:kz_rogue> ${PROJECT_SOURCE_DIR}/tests/data)
foreach(t delivery_3:21 release_refused:22 order_unauthorised:23 kill_restart:24 load:25
    operator_truth:76)
  string(REPLACE ":" ";" t ${t})
  list(GET t 0 name)
  list(GET t 1 domain)
  add_test(NAME live_${name} COMMAND bash ${PROJECT_SOURCE_DIR}/tests/live/${name}.sh
    ${KZ_LIVE_ARGS} ${domain})
  set_tests_properties(live_${name} PROPERTIES TIMEOUT 120 LABELS live)
endforeach()
# 200,000 tracks through two nodes: minutes under the sanitizers.
set_tests_properties(live_load PROPERTIES TIMEOUT 400)
if(KZ_SANITIZE)
  set_tests_properties(live_load PROPERTIES ENVIRONMENT KZ_SANITIZED=1)
endif()

# A member with a valid key attacks nodes run in-process (no DDS): forged origin, skipped
# approvals and delegations, squatted ids, forged receipts, replays, out-of-range fields.
kz_live_unit(test_attack 120)

# The node's receive path fuzz target over its seeds and past findings, with any compiler.
kz_fuzz_replay(node kizuna_live 120)

# The journal on its own (no DDS), built from its sources so it does not wait for the rest of
# the live library. test_journal: each kind of damage refused at open and repaired, command
# bounds, receipts, track coalescing, duplicates and replays, the audit (`test_journal --bench`:
# the per-commit cost of the commit counter and its sidecar). test_verdict: commands' verdicts
# (given in the transaction that takes them, read by kizuna send/decide) and an unknown --as
# told from a node without a journal.
foreach(t test_journal test_verdict)
  add_executable(${t} live/${t}.c
    ${PROJECT_SOURCE_DIR}/src/live/journal.c ${PROJECT_SOURCE_DIR}/src/live/journal_check.c
    ${PROJECT_SOURCE_DIR}/src/live/tools.c ${PROJECT_SOURCE_DIR}/src/live/journal_audit.c
    ${PROJECT_SOURCE_DIR}/src/live/command.c ${PROJECT_SOURCE_DIR}/src/live/command_enc.c
    $<TARGET_OBJECTS:kizuna_idl>)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/src ${KZ_IDL_OUT})
  target_compile_definitions(${t} PRIVATE _POSIX_C_SOURCE=200809L _XOPEN_SOURCE=700)
  target_link_libraries(${t} PRIVATE kizuna CycloneDDS::ddsc PkgConfig::SQLITE PkgConfig::CMOCKA)
  kz_warnings(${t})
  add_test(NAME ${t} COMMAND ${t})
  set_tests_properties(${t} PROPERTIES TIMEOUT 120)
endforeach()

# kizuna journal --repair (tests/cli/journal.sh): reports, changes nothing unless the loss is
# accepted (--yes), then the journal is sound; a file that is not a kizuna journal is refused and
# left as it was. kizuna send refuses a command longer than the journal takes whole (JR_CMD_MAX)
# before queuing (send.sh).
kz_cli(journal journal_repair)
kz_cli(send send_too_long)

# kizuna exercise --json (tests/cli/exercise.sh): the exercise document of docs/json.md (one
# thread, its live time, the simulator's figures, where the live time falls among them, the
# audit), progress on stderr.
kz_cli(exercise exercise_json:77)
