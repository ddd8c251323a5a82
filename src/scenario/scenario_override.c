/* scenario_override.c - changes to a loaded scenario for one use (a validation case's overrides). */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_scenario_override;
