/* model_load_more.c - loading profiles, standing authorities and automatic relay. */

/* Placeholder until the module lands (issue 11); keeps the unit non-empty. */
typedef int kz_unused_model_load_more;
