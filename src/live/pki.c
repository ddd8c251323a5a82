/* pki.c - placeholder. */
#include "kizuna/live.h"
