/* node.c - placeholder. */
#include "kizuna/live.h"
