#pragma once
#include "shop/core.h"
