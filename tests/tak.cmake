# tak.cmake - tests of issue 13 (tak): the CoT gateway against a real TAK client library,
# @tak-ps/node-tak with @tak-ps/node-cot (tests/tak/, installed by scripts/setup.sh with npm ci),
# over TLS with certificates from kizuna pki client. Each case starts two nodes on its own DDS
# domain (62-65) and CoT ports (20000 + 20 x domain + k). Exit 77 is a skip: only when
# node_modules is absent and KZ_NO_NPM=1 (tests/tak/run.sh).
foreach(c release:62 report:63 refused:64 slow:65)
  string(REGEX REPLACE ":.*" "" case ${c})
  string(REGEX REPLACE ".*:" "" dom ${c})
  add_test(NAME tak_${case} COMMAND sh ${PROJECT_SOURCE_DIR}/tests/tak/run.sh ${case}
           $<TARGET_FILE:kizuna-cli> ${PROJECT_SOURCE_DIR} ${dom})
  set_tests_properties(tak_${case} PROPERTIES TIMEOUT 150 SKIP_RETURN_CODE 77)
endforeach()
