/* report_validation.c - the validation strip of the report. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_report_validation;
