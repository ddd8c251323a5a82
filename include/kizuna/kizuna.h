/* kizuna/kizuna.h - umbrella header for libkizuna. */
#ifndef KIZUNA_KIZUNA_H
#define KIZUNA_KIZUNA_H

#include "kizuna/error.h"
#include "kizuna/diag.h"
#include "kizuna/model.h"

#define KZ_VERSION_STRING "0.1.0"

#endif
