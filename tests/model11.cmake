# model11.cmake - tests for the structure format of issue 11: profiles, standing authorities, automatic relay, PERT.
