/* report_steps.c - steps.csv: one row per replication, thread, copy and step. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_report_steps;
