/* paired.c - paired differences between structures run on common random numbers. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_paired;
