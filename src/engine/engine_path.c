/* engine_path.c - critical-path records: where the time that ended an operation went. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_engine_path;
