/* report_waterfall.c - the waterfall of a thread's critical path per structure. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_report_waterfall;
