/* cmd_validate.c - kizuna validate: every validation case, model beside observed, pass or fail. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_cmd_validate;
