/* validate.c - validation cases: observed public events beside the model's figures. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_validate;
